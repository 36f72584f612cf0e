package hookcmd

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/agentcheck/agentcheck/internal/git"
)

func TestFetchFastForward(t *testing.T) {
	tests := []struct {
		msg  string
		want bool
	}{
		{"fetch origin: fast-forward", true},
		{"fetch: fast-forward", true},
		{"fetch --all: fast-forward", true},
		{"fetch -q --prune origin: fast-forward", true},
		{"pull: fast-forward", true},
		{"pull --ff-only origin: fast-forward", true},
		{"fetch origin: forced-update", false},
		{"fetch origin: storing head", false},
		{"fetch /tmp/evil main:refs/remotes/origin/main: fast-forward", false},
		{"fetch upstream: fast-forward", false},
		{"update-ref: fast-forward", false},
		{"", false},
		{"fetchorigin: fast-forward", false},
		{"commit: fetch origin: fast-forward", false},
	}
	for _, tt := range tests {
		if got := fetchFastForward(tt.msg, "origin"); got != tt.want {
			t.Errorf("fetchFastForward(%q) = %v, want %v", tt.msg, got, tt.want)
		}
	}
}

func TestPinRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions", "s.jsonl.trust")
	h, _ := git.ParseHash("0123456789abcdef0123456789abcdef01234567")
	p := pin{Ref: "refs/remotes/origin/HEAD", Target: "refs/remotes/origin/main", Commit: h}
	if err := writePin(path, p, false); err != nil {
		t.Fatal(err)
	}
	if err := writePin(path, pin{}, false); err == nil {
		t.Fatal("a second pin replaced the first")
	}
	got, err := readPin(path)
	if err != nil || got != p {
		t.Fatalf("readPin = %+v, %v; want %+v", got, err, p)
	}
	if err := writePin(path, pin{}, true); err != nil {
		t.Fatal(err)
	}
	if got, err := readPin(path); err != nil || got != (pin{}) {
		t.Fatalf("readPin of none = %+v, %v", got, err)
	}
}

func FuzzReadPin(f *testing.F) {
	f.Add("refs/remotes/origin/HEAD refs/remotes/origin/main 0123456789abcdef0123456789abcdef01234567\n")
	f.Add("none\n")
	f.Add("HEAD refs/heads/main zz\n")
	f.Fuzz(func(t *testing.T, data string) {
		path := filepath.Join(t.TempDir(), "pin")
		if err := writeFile(path, data); err != nil {
			t.Skip()
		}
		p, err := readPin(path)
		if err != nil {
			return
		}
		// What reads back is what the writer writes back.
		if err := writePin(path, p, true); err != nil {
			t.Fatal(err)
		}
		if q, err := readPin(path); err != nil || q != p {
			t.Fatalf("round trip of %+v: %+v, %v", p, q, err)
		}
	})
}

func writeFile(path, data string) error { return os.WriteFile(path, []byte(data), 0o600) }
