// Package ghreplay is a local stand-in for the GitHub REST API in tests: an
// httptest server that answers with recorded response shapes (see
// testdata/github/README.md) and records every request it receives, so a
// test can assert what the client asked for. The real API cannot be reached
// where the tests run; the shapes are GitHub's documented ones.
//
// Every request is checked against GitHub's own OpenAPI description of the
// operations used (testdata/github/openapi): its path and query parameters,
// its body (field names, enums, the 50-annotation limit, the rule that a
// completed check run needs a conclusion) and the media type and API version
// headers. So is every response the server sends, so that the recorded
// shapes cannot drift from what GitHub documents. A request the description
// does not allow is answered 422, as GitHub would, and listed by
// [Server.Violations]; tests fail on any.
//
// [Fault]s make chosen requests fail: rate limits, server errors, a refused
// batch, a request that never gets an answer.
package ghreplay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config says how the server answers.
type Config struct {
	// Dir holds the recorded responses (testdata/github/api).
	Dir string
	// Description is the trimmed OpenAPI description
	// (testdata/github/openapi/api.github.com.json); "" for the one beside
	// Dir.
	Description string
	// Prefix is the path the API is served under: "" as on api.github.com,
	// "/api/v3" as on GitHub Enterprise Server.
	Prefix string
	// Vars fill the ${NAME} placeholders of the recorded responses.
	Vars map[string]string
	// Keys maps a login to the SSH signing keys it has registered
	// (authorized_keys lines); a login not in Keys is not found (404).
	Keys map[string][]string
	// Faults replace the recorded answer of chosen requests.
	Faults []Fault
}

// Request is one recorded request.
type Request struct {
	Method, Path, Query string
	Header              http.Header
	Body                []byte
}

// Server is a running replay server.
type Server struct {
	URL  string
	cfg  Config
	desc *Description
	srv  *httptest.Server

	mu         sync.Mutex
	requests   []Request
	counts     map[string]int // requests per operation
	violations []string
	arrived    chan struct{} // closed and replaced on every request
}

// Start starts a server on the loopback interface. It panics when the
// description cannot be read: that is a broken test setup.
func Start(cfg Config) *Server {
	if cfg.Description == "" {
		cfg.Description = filepath.Join(cfg.Dir, "..", "openapi", "api.github.com.json")
	}
	desc, err := LoadDescription(cfg.Description)
	if err != nil {
		panic("ghreplay: " + err.Error())
	}
	s := &Server{cfg: cfg, desc: desc, counts: map[string]int{}, arrived: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL + cfg.Prefix
	return s
}

// Close stops the server. A request left hanging by a fault is released.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Violations lists what the requests and the server's own responses did
// that GitHub's description does not allow, in order.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

// Await waits until n requests of operation op (e.g. "checks/update") have
// arrived, or ctx is done.
func (s *Server) Await(ctx context.Context, op string, n int) error {
	for {
		s.mu.Lock()
		got, arrived := s.counts[op], s.arrived
		s.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-arrived:
		case <-ctx.Done():
			return fmt.Errorf("waiting for request %d of %s: %d arrived: %w", n, op, got, ctx.Err())
		}
	}
}

func (s *Server) violate(problems ...string) {
	if len(problems) == 0 {
		return
	}
	s.mu.Lock()
	s.violations = append(s.violations, problems...)
	s.mu.Unlock()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	path, ok := strings.CutPrefix(r.URL.Path, s.cfg.Prefix)
	op, vals := s.desc.match(r.Method, path)

	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
	n := 0
	if op != nil {
		s.counts[op.id]++
		n = s.counts[op.id]
	}
	close(s.arrived)
	s.arrived = make(chan struct{})
	s.mu.Unlock()

	if !ok || op == nil {
		s.violate(fmt.Sprintf("%s %s: not an operation of the description (prefix %q)", r.Method, r.URL.Path, s.cfg.Prefix))
		s.reply(w, nil, http.StatusNotFound, "not-found.json", nil, nil)
		return
	}
	if problems := op.checkRequest(r, vals, body); len(problems) > 0 {
		s.violate(problems...)
		s.reply(w, op, http.StatusUnprocessableEntity, "validation-failed.json", nil, nil)
		return
	}
	if f := s.fault(op.id, n); f != nil {
		s.answerFault(w, r, op, f)
		return
	}
	switch op.id {
	case "checks/create", "checks/update":
		file := "check-run-create.json"
		status := http.StatusCreated
		if op.id == "checks/update" {
			file, status = "check-run-update.json", http.StatusOK
		}
		s.reply(w, op, status, file, nil, func(v any) any { return echoCheckRun(v, body) })
	case "pulls/list-commits":
		s.reply(w, op, http.StatusOK, "pull-commits.json", nil, unlinkAccounts)
	case "repos/get-commit":
		s.reply(w, op, http.StatusOK, "commit.json", map[string]string{"HEAD_SHA": vals["ref"]}, unlinkAccounts)
	case "users/list-ssh-signing-keys-for-user":
		keys, ok := s.cfg.Keys[vals["username"]]
		if !ok {
			s.reply(w, op, http.StatusNotFound, "not-found.json", nil, nil)
			return
		}
		s.reply(w, op, http.StatusOK, "ssh-signing-keys.json", nil, func(v any) any { return keyList(v, keys) })
	default:
		s.reply(w, op, http.StatusNotFound, "not-found.json", nil, nil)
	}
}

// reply answers with a recorded response: its placeholders filled from the
// config's Vars and then extra, edited by edit (nil for none), checked
// against the description.
func (s *Server) reply(w http.ResponseWriter, op *operation, status int, file string, extra map[string]string, edit func(any) any) {
	data, err := os.ReadFile(filepath.Join(s.cfg.Dir, file))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	out := []byte(os.Expand(string(data), func(name string) string {
		if v, ok := extra[name]; ok {
			return v
		}
		return s.cfg.Vars[name]
	}))
	if edit != nil {
		var v any
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			http.Error(w, file+": "+err.Error(), http.StatusInternalServerError)
			return
		}
		if out, err = json.MarshalIndent(edit(v), "", "  "); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	if op != nil {
		s.violate(op.checkResponse(status, out)...)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	// The rate limit headers GitHub sends with every answer.
	if h.Get("X-RateLimit-Remaining") == "" {
		h.Set("X-RateLimit-Limit", "1000")
		h.Set("X-RateLimit-Remaining", "999")
		h.Set("X-RateLimit-Used", "1")
		h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
		h.Set("X-RateLimit-Resource", "core")
	}
	w.WriteHeader(status)
	w.Write(out)
}

// echoCheckRun makes a recorded check run say what the request asked for:
// its name, head commit, status and conclusion.
func echoCheckRun(v any, request []byte) any {
	run, ok := v.(map[string]any)
	var req map[string]any
	if !ok || json.Unmarshal(request, &req) != nil {
		return v
	}
	for _, k := range []string{"name", "head_sha", "status", "conclusion", "details_url"} {
		if x, ok := req[k]; ok {
			run[k] = x
		}
	}
	if req["status"] == "completed" && run["completed_at"] == nil {
		run["completed_at"] = run["started_at"]
	}
	return run
}

// unlinkAccounts turns an author or committer whose login is empty into
// null: that is how GitHub says that no account claims the commit's email.
func unlinkAccounts(v any) any {
	var commits []any
	switch x := v.(type) {
	case []any:
		commits = x
	case map[string]any:
		commits = []any{x}
	}
	for _, c := range commits {
		m, _ := c.(map[string]any)
		for _, who := range []string{"author", "committer"} {
			if u, ok := m[who].(map[string]any); ok && u["login"] == "" {
				m[who] = nil
			}
		}
	}
	return v
}

// keyList makes the signing key listing from its recorded shape: one
// element per key.
func keyList(v any, keys []string) any {
	shape, _ := v.([]any)
	list := []any{}
	if len(shape) == 0 {
		return list
	}
	for i, k := range keys {
		e := map[string]any{}
		for f, x := range shape[0].(map[string]any) {
			e[f] = x
		}
		e["key"], e["id"] = strings.TrimSpace(k), i+2
		list = append(list, e)
	}
	return list
}

// Describe renders requests for people and golden files: one line per
// request, then for a check run request its fields (without timestamps or
// the summary) and one line per annotation.
func Describe(reqs []Request) string {
	var b strings.Builder
	for _, r := range reqs {
		fmt.Fprintf(&b, "%s %s", r.Method, r.Path)
		if r.Query != "" {
			fmt.Fprintf(&b, "?%s", r.Query)
		}
		b.WriteString("\n")
		if len(r.Body) == 0 {
			continue
		}
		var body struct {
			Name       string `json:"name"`
			HeadSHA    string `json:"head_sha"`
			Status     string `json:"status"`
			Conclusion string `json:"conclusion"`
			DetailsURL string `json:"details_url"`
			Output     *struct {
				Title       string `json:"title"`
				Summary     string `json:"summary"`
				Annotations []struct {
					Path      string `json:"path"`
					StartLine int    `json:"start_line"`
					EndLine   int    `json:"end_line"`
					Level     string `json:"annotation_level"`
					Title     string `json:"title"`
					Message   string `json:"message"`
				} `json:"annotations"`
			} `json:"output"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			fmt.Fprintf(&b, "  (body is not JSON: %v)\n", err)
			continue
		}
		fields := map[string]string{
			"name": body.Name, "head_sha": body.HeadSHA, "status": body.Status,
			"conclusion": body.Conclusion, "details_url": body.DetailsURL,
		}
		keys := make([]string, 0, len(fields))
		for k, v := range fields {
			if v != "" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "  %s: %s\n", k, fields[k])
		}
		if o := body.Output; o != nil {
			fmt.Fprintf(&b, "  title: %s\n", o.Title)
			fmt.Fprintf(&b, "  annotations: %d\n", len(o.Annotations))
			for _, a := range o.Annotations {
				msg, _, _ := strings.Cut(a.Message, "\n")
				fmt.Fprintf(&b, "    %s %s:%d-%d %s: %s\n", a.Level, a.Path, a.StartLine, a.EndLine, a.Title, msg)
			}
		}
	}
	return b.String()
}
