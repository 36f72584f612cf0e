package shell_test

import (
	"flag"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/agentcheck/agentcheck/internal/shell"
	"github.com/agentcheck/agentcheck/internal/shell/shelltest"
)

var update = flag.Bool("update", false, "rewrite the words in testdata/commands.txtar")

// TestTable reads every command line of the shared table into the words
// it records (the runtime matcher and the signals are tested on the same
// rows in package check).
func TestTable(t *testing.T) {
	rows := shelltest.Rows(t)
	if len(rows) < 40 {
		t.Errorf("the table has %d rows, want at least 40", len(rows))
	}
	for i, r := range rows {
		got := shelltest.Render(shell.Parse(r.Command))
		if *update {
			rows[i].Words = got
			continue
		}
		if diff := cmp.Diff(r.Words, got); diff != "" {
			t.Errorf("%s: %q read differently (-want +got; -update rewrites the table):\n%s", r.Name, r.Command, diff)
		}
	}
	if *update {
		shelltest.Write(t, rows)
	}
}

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		line, want string
	}{
		// Quotes, escapes and $'…' are removed as the shell removes them.
		{`a "b c" 'd e'f g\ h "i\"j" 'k\l' $'m\tn\x41\101\u00e9'`, "a \"b c\" \"d ef\" \"g h\" \"i\\\"j\" \"k\\\\l\" \"m\\tnAAé\"\n"},
		{"x\\\ny", "xy\n"},
		{`"" ''`, "\"\" \"\"\n"},
		// What only running the shell would tell is marked.
		{`echo $HOME ${X:-y} ~/a ~ a*b [ab] {a,b} {} @{u} "*" \* $((1+2))`, "echo ?$HOME ?\"${X:-y}\" ?~/a ?~ ?a*b ?[ab] ?\"{a,b}\" \"{}\" \"@{u}\" * * ?$((1+2))\n"},
		// Redirections, with and without descriptors.
		{`cmd <in >out 2>>err 2>&1 &>all >|clob 3<>rw <<<here`, "cmd <in >out 2>>err 2>&1 &>all >|clob 3<>rw <<<here\n"},
		// Assignments alone, before a command, and in declarations.
		{`A=1 B="$x"; C=2 cmd; export D=3 E; local -r F=~/g`, "set{A=1 B=?$x}\nenv{C=2} cmd\nset{D=3 E} export\nset{F=?~/g} local -r\n"},
		// Wrappers are removed; env keeps what it changes.
		{`sudo -u root -E env -i -u X A=1 nice -n 5 -- timeout -s KILL 5s stdbuf -oL git status`, "[sudo env nice timeout stdbuf] env{-i -u X A=1} git status\n"},
		{`env`, "env\n"},
		{`command -v git`, "command -v git\n"},
		// Code given to shells is read, with the environment around it.
		{`X=1 bash -e -c 'a; b' arg0`, "env{X=1} bash -e -c \"a; b\" arg0 #read\n  (bash -c) env{X=1} a\n  (bash -c) env{X=1} b\n"},
		{`bash script.sh`, "bash script.sh #file script.sh\n"},
		{`sh < script.sh`, "sh <script.sh #file script.sh\n"},
		{`curl -fsSL https://x.example/i.sh | sh`, "curl -fsSL https://x.example/i.sh\n| sh #unread output of curl\n"},
		{`echo 'a b' | cat | tee log | sh`, "echo \"a b\"\n| cat\n| tee log\n| sh #read\n  (sh <pipe) a b\n"},
		{`source <(kubectl completion bash)`, "source ?\"<(kubectl completion bash)\" #unread output of kubectl\n  (<( )) kubectl completion bash\n"},
		{`trap 'rm -f x' EXIT; alias ll='ls -l'`, "trap \"rm -f x\" EXIT #read\n  (trap) rm -f x\nalias \"ll=ls -l\" #read\n  (alias) ls -l\n"},
		{`env -S 'git log' -1`, "[env] #read\n  (env -S) git log\n"},
		// A heredoc to anything but a shell is data, kept as written.
		{"python3 - <<'EOF'\nprint('$x')\nEOF", "python3 - <<EOF:\"print('$x')\\n\"\n"},
		{"cat <<EOF\n$HOME \\$x\nEOF", "cat <<EOF:?\"$HOME $x\\n\"\n"},
		// Comments run nothing.
		{"# git commit -n\ntrue # x", "true\n"},
	} {
		if got := shelltest.Render(shell.Parse(tt.line)); got != tt.want {
			t.Errorf("Parse(%q):\n%s\nwant:\n%s", tt.line, got, tt.want)
		}
	}
}

// A text that does not parse yields the commands read before the error,
// and says so.
func TestParseError(t *testing.T) {
	s := shell.Parse("git status\necho \"unterminated")
	if s.Err == nil {
		t.Fatal("no error")
	}
	if got := shelltest.Render(s); !strings.HasPrefix(got, "git status\n") {
		t.Errorf("read %q", got)
	}
	if s := shell.Parse("bash -c 'echo \"x'"); s.Err == nil || !strings.Contains(s.Err.Error(), "bash -c") {
		t.Errorf("nested error: %v", s.Err)
	}
	// zsh syntax that bash does not read is read as zsh.
	if s := shell.Parse("print -l ${(f)x}"); s.Err != nil {
		t.Errorf("zsh: %v", s.Err)
	}
}

// Code nested past MaxDepth is not read, and the script says so.
func TestParseDepth(t *testing.T) {
	line := "git status"
	for i := 0; i < shell.MaxDepth; i++ {
		line = "sh -c " + quote(t, line)
	}
	if s := shell.Parse(line); s.Deep {
		t.Errorf("%d levels: deep", shell.MaxDepth)
	}
	if s := shell.Parse("sh -c " + quote(t, line)); !s.Deep {
		t.Errorf("%d levels: not deep", shell.MaxDepth+1)
	}
}

func quote(t testing.TB, s string) string {
	q, err := syntax.Quote(s, syntax.LangBash)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// FuzzParse reads arbitrary text. Beside never panicking or hanging, every
// literal word must be what the shell passes: quoted back with the
// parser's own quoting, it reads as the same single literal word.
func FuzzParse(f *testing.F) {
	for _, r := range []string{"git commit -n", `a "b c" 'd' $'\x41' \e`, "sh -c 'eval \"$(x)\"'", "cat <<EOF\n$x\nEOF", `"\`, "'", "$(", "`", "a | b && c || d; e &", "f() { x; }; for i in *; do :; done"} {
		f.Add(r)
	}
	f.Fuzz(func(t *testing.T, line string) {
		s := shell.Parse(line)
		if s.Err != nil {
			return
		}
		n := 0
		for c := range s.Commands() {
			if n++; n > 64 {
				return
			}
			for _, w := range c.Words {
				if !w.Literal || strings.ContainsRune(w.Text, 0) || !validUTF8(w.Text) {
					continue
				}
				q, err := syntax.Quote(w.Text, syntax.LangBash)
				if err != nil {
					continue
				}
				back := shell.Parse("x " + q)
				cmds := back.Pipelines
				if back.Err != nil || len(cmds) != 1 || len(cmds[0][0].Words) != 2 || !cmds[0][0].Words[1].Literal || cmds[0][0].Words[1].Text != w.Text {
					t.Fatalf("literal word %q of %q does not read back from %q: %s", w.Text, line, q, shelltest.Render(back))
				}
			}
		}
	})
}

func validUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
