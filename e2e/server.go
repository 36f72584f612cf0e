package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
)

// Server is the scripted model: an HTTP server on the loopback interface
// that answers Claude Code's Messages API and the Responses API of Codex
// and OpenCode from scripts, one per scenario and agent. A client names its scenario by the path
// prefix /s/NAME of its base URL; the server keeps no conversation state
// and reads the turn to play from the request (see [Thread]). It also
// serves /web/PATH: pages a scripted session fetches.
type Server struct {
	mu      sync.Mutex
	scripts map[string]*Script
	pages   map[string]string
	log     []Request
	seq     int
	srv     *http.Server
	ln      net.Listener
}

// Request is one request the server received, for the test's record.
type Request struct {
	Scenario string
	Path     string
	Body     []byte
	Err      string // why it could not be answered, or ""
}

// NewServer starts a server on 127.0.0.1 and an ephemeral port.
func NewServer() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting the scripted model: %w", err)
	}
	s := &Server{scripts: map[string]*Script{}, pages: map[string]string{}, ln: ln}
	s.srv = &http.Server{Handler: s}
	go s.srv.Serve(ln)
	return s, nil
}

// URL returns the server's base URL, http://127.0.0.1:PORT.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Play registers the script of a scenario.
func (s *Server) Play(scenario string, script *Script) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scripts[scenario] = script
}

// Page registers a page served at /web/NAME.
func (s *Server) Page(name, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[name] = body
}

// Requests returns the requests received for a scenario.
func (s *Server) Requests(scenario string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.log {
		if r.Scenario == scenario {
			out = append(out, r)
		}
	}
	return out
}

// maxBody bounds a request body; an agent sends its whole conversation on
// every turn, but a scripted one stays small.
const maxBody = 16 << 20

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if name, ok := strings.CutPrefix(r.URL.Path, "/web/"); ok {
		s.mu.Lock()
		page, found := s.pages[name]
		s.mu.Unlock()
		if !found {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, page)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/s/")
	scenario, path, _ := strings.Cut(rest, "/")
	path = "/" + path
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	rec := Request{Scenario: scenario, Path: r.URL.Path, Body: body}
	if err == nil && !ok {
		err = fmt.Errorf("no scenario in the path")
	}
	if err == nil {
		err = s.answer(w, r.Method, scenario, path, body)
	}
	if err != nil {
		rec.Err = err.Error()
		http.Error(w, err.Error(), http.StatusBadRequest)
	}
	s.mu.Lock()
	s.log = append(s.log, rec)
	s.mu.Unlock()
}

// answer plays the next turn of the thread a request belongs to.
func (s *Server) answer(w http.ResponseWriter, method, scenario, path string, body []byte) error {
	s.mu.Lock()
	script := s.scripts[scenario]
	s.seq++
	id := fmt.Sprintf("%s_%d", scenario, s.seq)
	s.mu.Unlock()
	if script == nil {
		return fmt.Errorf("unknown scenario %q", scenario)
	}
	if method != http.MethodPost {
		return fmt.Errorf("%s %s: only POST is scripted", method, path)
	}
	switch path {
	case "/v1/messages":
		var req anthropicRequest
		if err := json.Unmarshal(body, &req); err != nil {
			return fmt.Errorf("decoding a Messages API request: %w", err)
		}
		t, answered := anthropicTurn(script, &req)
		return writeAnthropic(w, &req, pick(t, answered, len(req.Tools)), id, script.Root)
	case "/v1/responses":
		var req responsesRequest
		if err := json.Unmarshal(body, &req); err != nil {
			return fmt.Errorf("decoding a Responses API request: %w", err)
		}
		t, answered := responsesTurn(script, &req)
		return writeResponses(w, &req, pick(t, answered, len(req.Tools)), id, script.Agent, script.Root)
	}
	return fmt.Errorf("POST %s is not scripted", path)
}

// pick returns the turn to play. A request offering no tools, or one of
// no known thread, is the agent's own housekeeping (a title, a summary):
// it gets a short text.
func pick(t *Thread, answered, tools int) Turn {
	if t == nil || tools == 0 {
		return Turn{Text: "OK."}
	}
	return t.next(answered)
}
