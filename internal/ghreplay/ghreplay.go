// Package ghreplay is a local stand-in for the GitHub REST API in tests: an
// httptest server that answers with recorded response shapes (see
// testdata/github/README.md) and records every request it receives, so a
// test can assert what the client asked for. The real API cannot be reached
// where the tests run; the shapes are GitHub's documented ones.
package ghreplay

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Modes of the Checks API endpoints.
const (
	ChecksOK        = "ok"        // create 201, update 200
	ChecksForbidden = "forbidden" // 403 Resource not accessible by integration
	ChecksError     = "error"     // 502
)

// Config says how the server answers.
type Config struct {
	// Dir holds the recorded responses (testdata/github/api).
	Dir string
	// Vars fill the ${NAME} placeholders of the recorded responses.
	Vars map[string]string
	// Checks is the mode of the Checks API: ChecksOK (default),
	// ChecksForbidden or ChecksError.
	Checks string
	// Keys maps a login to the SSH signing keys it has registered
	// (authorized_keys lines); a login not in Keys is not found (404).
	Keys map[string][]string
}

// Request is one recorded request.
type Request struct {
	Method, Path, Query string
	Body                []byte
}

// Server is a running replay server.
type Server struct {
	URL string
	cfg Config
	srv *httptest.Server

	mu       sync.Mutex
	requests []Request
}

// Start starts a server on the loopback interface.
func Start(cfg Config) *Server {
	s := &Server{cfg: cfg}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

var (
	checkRunsRE = regexp.MustCompile(`^/repos/[^/]+/[^/]+/check-runs$`)
	checkRunRE  = regexp.MustCompile(`^/repos/[^/]+/[^/]+/check-runs/\d+$`)
	prCommitsRE = regexp.MustCompile(`^/repos/[^/]+/[^/]+/pulls/\d+/commits$`)
	commitRE    = regexp.MustCompile(`^/repos/[^/]+/[^/]+/commits/[0-9a-f]+$`)
	keysRE      = regexp.MustCompile(`^/users/([^/]+)/ssh_signing_keys$`)
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: body})
	s.mu.Unlock()

	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && checkRunsRE.MatchString(p):
		switch s.cfg.Checks {
		case ChecksForbidden:
			s.reply(w, http.StatusForbidden, "forbidden.json", nil)
		case ChecksError:
			http.Error(w, `{"message":"Server Error"}`, http.StatusBadGateway)
		default:
			s.reply(w, http.StatusCreated, "check-run-create.json", nil)
		}
	case r.Method == http.MethodPatch && checkRunRE.MatchString(p):
		s.reply(w, http.StatusOK, "check-run-update.json", nil)
	case r.Method == http.MethodGet && prCommitsRE.MatchString(p):
		s.reply(w, http.StatusOK, "pull-commits.json", nil)
	case r.Method == http.MethodGet && commitRE.MatchString(p):
		s.reply(w, http.StatusOK, "commit.json", map[string]string{"HEAD_SHA": p[strings.LastIndexByte(p, '/')+1:]})
	case r.Method == http.MethodGet && keysRE.MatchString(p):
		login := keysRE.FindStringSubmatch(p)[1]
		keys, ok := s.cfg.Keys[login]
		if !ok {
			s.reply(w, http.StatusNotFound, "not-found.json", nil)
			return
		}
		s.replyKeys(w, keys)
	default:
		s.reply(w, http.StatusNotFound, "not-found.json", nil)
	}
}

// reply answers with a recorded response, its placeholders filled from
// the config's Vars and then extra.
func (s *Server) reply(w http.ResponseWriter, status int, file string, extra map[string]string) {
	data, err := os.ReadFile(filepath.Join(s.cfg.Dir, file))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	out := os.Expand(string(data), func(name string) string {
		if v, ok := extra[name]; ok {
			return v
		}
		return s.cfg.Vars[name]
	})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, out)
}

// replyKeys answers the signing key listing: the recorded shape, one
// element per key.
func (s *Server) replyKeys(w http.ResponseWriter, keys []string) {
	data, err := os.ReadFile(filepath.Join(s.cfg.Dir, "ssh-signing-keys.json"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var shape []map[string]any
	if err := json.Unmarshal(data, &shape); err != nil || len(shape) == 0 {
		http.Error(w, "bad ssh-signing-keys.json", http.StatusInternalServerError)
		return
	}
	list := []map[string]any{}
	for i, k := range keys {
		e := map[string]any{}
		for f, v := range shape[0] {
			e[f] = v
		}
		e["key"], e["id"] = strings.TrimSpace(k), i+2
		list = append(list, e)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(list)
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
