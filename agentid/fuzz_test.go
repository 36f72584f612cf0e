package agentid

import (
	"strings"
	"testing"
)

// FuzzRecognize feeds recognition commit metadata as hostile as a commit can
// carry: it must not panic, must be deterministic, and a match must name a
// registry agent and its marker.
func FuzzRecognize(f *testing.F) {
	f.Add("Ann", "ann@example.org", "Fix", "Co-authored-by: Claude <noreply@anthropic.com>")
	f.Add("Copilot", "198982749+Copilot@users.noreply.github.com", "Fix", "")
	f.Add("x (aider)", "+@users.noreply.github.com", "aider: x", "Co-authored-by: <>\nMade-with: Cursor")
	f.Add("", "0+@users.noreply.github.com", "", "Co-authored-by:\nAmp-Thread-ID:")
	rec := NewRecognizer(Builtin())
	names := map[string]bool{}
	for _, a := range Builtin().Agents {
		names[a.Name] = true
	}
	f.Fuzz(func(t *testing.T, name, email, subject, trailers string) {
		c := Commit{AuthorName: name, AuthorEmail: email, CommitterName: name, CommitterEmail: email, Subject: subject, Trailers: strings.Split(trailers, "\n")}
		m1, ok1 := rec.Recognize(c)
		m2, ok2 := rec.Recognize(c)
		if m1 != m2 || ok1 != ok2 {
			t.Fatalf("not deterministic: %+v %v, %+v %v", m1, ok1, m2, ok2)
		}
		if ok1 && (!names[m1.Agent] || m1.Marker == "") {
			t.Fatalf("match %+v names no registry agent or marker", m1)
		}
	})
}
