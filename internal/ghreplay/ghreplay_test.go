package ghreplay

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const headSHA = "fa53002c45b3d09547d9e2ae53f909579ca696e1"

func start(t *testing.T, cfg Config) *Server {
	t.Helper()
	cfg.Dir = filepath.Join("..", "..", "testdata", "github", "api")
	if cfg.Vars == nil {
		cfg.Vars = map[string]string{"HEAD_SHA": headSHA, "BASE_SHA": headSHA, "TREE_SHA": headSHA, "LOGIN": "bob", "EMAIL": "bob@example.com"}
	}
	s := Start(cfg)
	t.Cleanup(s.Close)
	return s
}

// send makes a request as the gate's client does: GitHub's media type and
// API version, a user agent and a bearer token.
func send(t *testing.T, method, url, body string, edit func(*http.Request)) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("User-Agent", "agentcheck-test")
	req.Header.Set("Authorization", "Bearer test-token")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if edit != nil {
		edit(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func annotations(n int) string {
	var list []string
	for i := range n {
		list = append(list, fmt.Sprintf(`{"path":"a%d.go","start_line":1,"end_line":1,"annotation_level":"failure","message":"m"}`, i))
	}
	return "[" + strings.Join(list, ",") + "]"
}

// TestRequestsChecked: what GitHub's description allows passes, and each
// kind of mistake the description can catch is caught and answered 422.
func TestRequestsChecked(t *testing.T) {
	create := "/repos/octo-org/octo-repo/check-runs"
	update := "/repos/octo-org/octo-repo/check-runs/4"
	for _, tc := range []struct {
		name, method, path, body string
		edit                     func(*http.Request)
		want                     string // "" for valid
	}{
		{"create completed", "POST", create, `{"name":"agentcheck","head_sha":"` + headSHA + `","status":"completed","conclusion":"success","output":{"title":"t","summary":"s"}}`, nil, ""},
		{"create in progress", "POST", create, `{"name":"agentcheck","head_sha":"` + headSHA + `","status":"in_progress","output":{"title":"t","summary":"s","annotations":` + annotations(50) + `}}`, nil, ""},
		{"update completed", "PATCH", update, `{"status":"completed","conclusion":"cancelled","output":{"title":"t","summary":"s","text":"x"}}`, nil, ""},
		{"commits page", "GET", "/repos/octo-org/octo-repo/pulls/7/commits?per_page=100&page=2", "", nil, ""},
		{"commit", "GET", "/repos/octo-org/octo-repo/commits/" + headSHA, "", nil, ""},
		{"keys", "GET", "/users/bob/ssh_signing_keys?per_page=100", "", nil, ""},

		{"completed without conclusion", "POST", create, `{"name":"agentcheck","head_sha":"` + headSHA + `","status":"completed","output":{"title":"t","summary":"s"}}`, nil, "body:"},
		{"update completed without conclusion", "PATCH", update, `{"status":"completed","output":{"summary":"s"}}`, nil, "body:"},
		{"unknown conclusion", "PATCH", update, `{"conclusion":"passed"}`, nil, "body:"},
		{"51 annotations", "PATCH", update, `{"output":{"summary":"s","annotations":` + annotations(51) + `}}`, nil, "body:"},
		{"annotation without message", "PATCH", update, `{"output":{"summary":"s","annotations":[{"path":"a","start_line":1,"end_line":1,"annotation_level":"failure"}]}}`, nil, "body:"},
		{"summary too long", "PATCH", update, `{"output":{"summary":"` + strings.Repeat("x", 65536) + `"}}`, nil, "body:"},
		{"create without head_sha", "POST", create, `{"name":"agentcheck"}`, nil, "body:"},
		{"bad check run id", "PATCH", "/repos/octo-org/octo-repo/check-runs/four", `{"conclusion":"success"}`, nil, "check_run_id=\"four\" is not an integer"},
		{"bad page", "GET", "/repos/octo-org/octo-repo/pulls/7/commits?page=two", "", nil, "not an integer"},
		{"unknown query parameter", "GET", "/users/bob/ssh_signing_keys?perpage=100", "", nil, "perpage is not in the description"},
		{"preview media type", "POST", create, `{"name":"agentcheck","head_sha":"` + headSHA + `"}`,
			func(r *http.Request) { r.Header.Set("Accept", "application/vnd.github.antiope-preview+json") }, "Accept"},
		{"no API version", "GET", "/users/bob/ssh_signing_keys", "", func(r *http.Request) { r.Header.Del("X-GitHub-Api-Version") }, "X-GitHub-Api-Version"},
		{"not an operation", "DELETE", update, "", nil, "not an operation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, Config{Keys: map[string][]string{"bob": {"ssh-ed25519 AAAA bob"}}})
			resp := send(t, tc.method, s.URL+tc.path, tc.body, tc.edit)
			v := strings.Join(s.Violations(), "\n")
			if tc.want == "" {
				if v != "" || resp.StatusCode >= 400 {
					t.Errorf("status %d, violations:\n%s", resp.StatusCode, v)
				}
				return
			}
			if !strings.Contains(v, tc.want) {
				t.Errorf("violations %q do not mention %q", v, tc.want)
			}
			if resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusNotFound {
				t.Errorf("status %d for a request GitHub would refuse", resp.StatusCode)
			}
		})
	}
}

// TestResponsesChecked: the recorded shapes are what the description says
// GitHub answers, and a shape that drifts from it is caught.
func TestResponsesChecked(t *testing.T) {
	s := start(t, Config{})
	send(t, "GET", s.URL+"/repos/octo-org/octo-repo/commits/"+headSHA, "", nil)
	send(t, "GET", s.URL+"/repos/octo-org/octo-repo/pulls/7/commits", "", nil)
	if v := s.Violations(); len(v) > 0 {
		t.Errorf("recorded shapes do not match the description:\n%s", strings.Join(v, "\n"))
	}
	// No account claims the commit's email: GitHub answers author null.
	s = start(t, Config{Vars: map[string]string{"HEAD_SHA": headSHA, "LOGIN": ""}})
	send(t, "GET", s.URL+"/repos/octo-org/octo-repo/commits/"+headSHA, "", nil)
	if v := s.Violations(); len(v) > 0 {
		t.Errorf("unlinked commit:\n%s", strings.Join(v, "\n"))
	}

	// A shape whose check run lacks a required field fails.
	op, _ := s.desc.match("POST", "/repos/o/r/check-runs")
	if got := op.checkResponse(201, []byte(`{"id":4}`)); len(got) == 0 {
		t.Error("a check run without its required fields passed")
	}
}

// TestPrefix: on GitHub Enterprise Server the API lives under /api/v3; a
// request outside it is not an API request.
func TestPrefix(t *testing.T) {
	s := start(t, Config{Prefix: "/api/v3"})
	if !strings.HasSuffix(s.URL, "/api/v3") {
		t.Fatalf("URL %s", s.URL)
	}
	send(t, "GET", s.URL+"/repos/octo-org/octo-repo/commits/"+headSHA, "", nil)
	if v := s.Violations(); len(v) > 0 {
		t.Errorf("%s", v)
	}
	send(t, "GET", strings.TrimSuffix(s.URL, "/api/v3")+"/repos/octo-org/octo-repo/commits/"+headSHA, "", nil)
	if v := s.Violations(); len(v) != 1 {
		t.Errorf("a request outside /api/v3: violations %q", v)
	}
}

func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want Fault
	}{
		{"checks/update[2]:422", Fault{Op: "checks/update", First: 2, Last: 2, Status: 422, Header: map[string]string{}}},
		{"checks/create[1-2]:502", Fault{Op: "checks/create", First: 1, Last: 2, Status: 502, Header: map[string]string{}}},
		{"checks/create[2-]:500", Fault{Op: "checks/create", First: 2, Status: 500, Header: map[string]string{}}},
		{"checks/create:429:retry-after=1", Fault{Op: "checks/create", First: 1, Status: 429, Header: map[string]string{"retry-after": "1"}}},
		{"checks/update[1]:hang", Fault{Op: "checks/update", First: 1, Last: 1, Hang: true, Header: map[string]string{}}},
		{"checks/create[1]:403:secondary-rate-limit.json:retry-after=60", Fault{Op: "checks/create", First: 1, Last: 1, Status: 403,
			Body: "secondary-rate-limit.json", Header: map[string]string{"retry-after": "60"}}},
	} {
		got, err := ParseFault(tc.spec)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("ParseFault(%q) = %+v, %v; want %+v", tc.spec, got, err, tc.want)
		}
	}
	for _, bad := range []string{"checks/create", "checks/create[0]:500", "checks/create[3-2]:500", "checks/create:200", "checks/create:500:oops"} {
		if _, err := ParseFault(bad); err == nil {
			t.Errorf("ParseFault(%q) accepted", bad)
		}
	}

	f, _ := ParseFault("repos/get-commit[2]:503:retry-after=1")
	h, _ := ParseFault("users/list-ssh-signing-keys-for-user:hang")
	s := start(t, Config{Faults: []Fault{f, h}})
	url := s.URL + "/repos/octo-org/octo-repo/commits/" + headSHA
	for i, want := range []int{200, 503, 200} {
		if got := send(t, "GET", url, "", nil).StatusCode; got != want {
			t.Errorf("request %d: status %d, want %d", i+1, got, want)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/users/bob/ssh_signing_keys", nil)
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("User-Agent", "t")
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Error("a hanging request was answered")
	}
	if err := s.Await(context.Background(), "users/list-ssh-signing-keys-for-user", 1); err != nil {
		t.Error(err)
	}
	if v := s.Violations(); len(v) > 0 {
		t.Errorf("%s", v)
	}
}
