package agents

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestShellReads(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []shellRead
	}{
		{"cat src/main.go", []shellRead{{Path: "src/main.go"}}},
		{"cat -n a.go 'b c.go' \"d.go\"", []shellRead{{Path: "a.go"}, {Path: "b c.go"}, {Path: "d.go"}}},
		{"head -n 20 README.md", []shellRead{{Path: "README.md"}}},
		{"tail -n5 log.txt", []shellRead{{Path: "log.txt"}}},
		{"sed -n '1,40p' src/util.go", []shellRead{{Path: "src/util.go"}}},
		{"sed -n -e 1p a.go b.go", []shellRead{{Path: "a.go"}, {Path: "b.go"}}},
		{"sed -i 's/a/b/' a.go", nil},
		{"grep -rn 'func main' src", []shellRead{{Path: "src", Query: "func main"}}},
		{"grep -e TODO -e FIXME a.go", []shellRead{{Path: "a.go", Query: "TODO"}}},
		{"grep -A 3 needle hay.txt", []shellRead{{Path: "hay.txt", Query: "needle"}}},
		{"rg -n 'scope:' --glob '*.go'", []shellRead{{Path: ".", Query: "scope:"}}},
		{"rg TODO docs src", []shellRead{{Path: "docs", Query: "TODO"}, {Path: "src", Query: "TODO"}}},
		{"cd src && cat main.go", []shellRead{{Path: "src/main.go"}}},
		{"cd src && rg x", []shellRead{{Path: "src", Query: "x"}}},
		{"ls; cat a.go | grep x", []shellRead{{Path: "a.go"}}},
		{"cat a.go 2>/dev/null > out.txt", []shellRead{{Path: "a.go"}}},
		{"cat < in.txt", nil},
		{"LC_ALL=C grep -c x a.go", []shellRead{{Path: "a.go", Query: "x"}}},
		{"/usr/bin/cat /etc/hosts", []shellRead{{Path: "/etc/hosts"}}},
		{"cat -- -odd.txt", []shellRead{{Path: "-odd.txt"}}},
		{"cat <<'EOF' > notes.md\ncat secret.txt\nEOF\ncat after.txt", []shellRead{{Path: "after.txt"}}},
		{"echo cat a.go", nil},
		{"git commit -m 'cat a.go'", nil},
		{"cat a\\ b.go", []shellRead{{Path: "a b.go"}}},
		{"sudo cat /etc/shadow", []shellRead{{Path: "/etc/shadow"}}},
		{"env LC_ALL=C timeout 5 grep -n x a.go", []shellRead{{Path: "a.go", Query: "x"}}},
		{"sh -c 'cat a.go'", []shellRead{{Path: "a.go"}}},
		{"echo $(cat VERSION)", []shellRead{{Path: "VERSION"}}},
		{"(cd src; cat main.go)", []shellRead{{Path: "src/main.go"}}},
		{`cat "$HOME/.ssh/id_ed25519"`, []shellRead{{Path: "$HOME/.ssh/id_ed25519"}}},
		{"git log | head -n 5", nil},
		{"", nil},
		{`grep "" "`, nil},
	} {
		if diff := cmp.Diff(tc.want, shellReads(tc.line)); diff != "" {
			t.Errorf("shellReads(%q) (-want +got):\n%s", tc.line, diff)
		}
	}
}

// FuzzShellReads checks that no command line makes the reader panic.
func FuzzShellReads(f *testing.F) {
	for _, s := range []string{"cat a.go", "cd x && rg -e y z", "sed -n 1p a <<EOF\nb\nEOF", `grep "a\" b" 'c`, "cat 2>&1 >> x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		for _, r := range shellReads(line) {
			if r.Path == "" && r.Query == "" {
				t.Errorf("empty read from %q", line)
			}
		}
	})
}

// BenchmarkShellReads is the reading of a typical command of an agent, done
// by the recording hook for every shell command it journals.
func BenchmarkShellReads(b *testing.B) {
	line := `cd internal/git && rg -n "func ReadCommit" --glob '*.go' | head -n 20 && sed -n '1,40p' resolvecommit.go 2>/dev/null`
	for b.Loop() {
		shellReads(line)
	}
}
