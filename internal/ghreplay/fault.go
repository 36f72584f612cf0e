package ghreplay

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault replaces the recorded answer to some requests of one operation with
// an error, or with no answer at all.
type Fault struct {
	// Op is the operation's id in the description, e.g. "checks/update".
	Op string
	// First and Last number the requests of Op the fault applies to,
	// counting from 1; Last 0 means every request from First on.
	First, Last int
	// Status is the status to answer with.
	Status int
	// Body is the recorded error body in Dir; "" for the one that goes with
	// Status and Header (see defaultBody).
	Body string
	// Header is sent with the answer. An x-ratelimit-reset of "+N" is N
	// seconds after the answer is sent.
	Header map[string]string
	// Hang answers nothing until the client gives up on the request (or
	// the server is closed): a request in flight when the job is cancelled.
	Hang bool
}

// ParseFault reads a fault as test scripts write it:
//
//	OP[\[N\]|\[N-M\]|\[N-\]]:STATUS|hang[:FILE.json][:HEADER=VALUE]...
//
// for example "checks/update[2]:422", "checks/create[1-2]:502",
// "checks/create[1]:429:retry-after=1", "users/list-ssh-signing-keys-for-user:500"
// (every request) or "checks/update[1]:hang".
func ParseFault(s string) (Fault, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 {
		return Fault{}, fmt.Errorf("fault %q: want OP[N]:STATUS", s)
	}
	f := Fault{First: 1, Header: map[string]string{}}
	op, n, hasN := strings.Cut(parts[0], "[")
	f.Op = op
	if hasN {
		var closed bool
		if n, closed = strings.CutSuffix(n, "]"); !closed {
			return Fault{}, fmt.Errorf("fault %q: no ] after the request number", s)
		}
		first, last, isRange := strings.Cut(n, "-")
		var err error
		if f.First, err = strconv.Atoi(first); err != nil || f.First < 1 {
			return Fault{}, fmt.Errorf("fault %q: bad request number %q", s, n)
		}
		f.Last = f.First
		if isRange {
			f.Last = 0
			if last != "" {
				if f.Last, err = strconv.Atoi(last); err != nil || f.Last < f.First {
					return Fault{}, fmt.Errorf("fault %q: bad request range %q", s, n)
				}
			}
		}
	}
	if parts[1] == "hang" {
		f.Hang = true
	} else {
		status, err := strconv.Atoi(parts[1])
		if err != nil || status < 400 || status > 599 {
			return Fault{}, fmt.Errorf("fault %q: bad status %q", s, parts[1])
		}
		f.Status = status
	}
	for _, p := range parts[2:] {
		if name, value, ok := strings.Cut(p, "="); ok {
			f.Header[name] = value
			continue
		}
		if !strings.HasSuffix(p, ".json") {
			return Fault{}, fmt.Errorf("fault %q: %q is neither HEADER=VALUE nor a FILE.json", s, p)
		}
		f.Body = p
	}
	return f, nil
}

// fault returns the fault for request n of operation op, if any.
func (s *Server) fault(op string, n int) *Fault {
	for i := range s.cfg.Faults {
		f := &s.cfg.Faults[i]
		if f.Op == op && n >= f.First && (f.Last == 0 || n <= f.Last) {
			return f
		}
	}
	return nil
}

func (s *Server) answerFault(w http.ResponseWriter, r *http.Request, op *operation, f *Fault) {
	if f.Hang {
		// Until the client gives up; the bound keeps a broken test from
		// hanging the suite.
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
		return
	}
	for name, value := range f.Header {
		if strings.EqualFold(name, "x-ratelimit-reset") && strings.HasPrefix(value, "+") {
			secs, _ := strconv.Atoi(value[1:])
			value = strconv.FormatInt(time.Now().Add(time.Duration(secs)*time.Second).Unix(), 10)
		}
		w.Header().Set(name, value)
	}
	body := f.Body
	if body == "" {
		body = defaultBody(f)
	}
	s.reply(w, op, f.Status, body, nil, nil)
}

// defaultBody is the error body GitHub sends with a status: a rate limit's
// (primary with x-ratelimit-remaining 0, secondary otherwise), a refusal, a
// validation failure or a server error.
func defaultBody(f *Fault) string {
	limited := false
	for name, value := range f.Header {
		if strings.EqualFold(name, "x-ratelimit-remaining") && value == "0" {
			return "rate-limit.json"
		}
		if strings.EqualFold(name, "retry-after") {
			limited = true
		}
	}
	switch {
	case f.Status == http.StatusTooManyRequests || limited && f.Status == http.StatusForbidden:
		return "secondary-rate-limit.json"
	case f.Status == http.StatusForbidden:
		return "forbidden.json"
	case f.Status == http.StatusNotFound:
		return "not-found.json"
	case f.Status == http.StatusUnprocessableEntity:
		return "validation-failed.json"
	}
	return "server-error.json"
}
