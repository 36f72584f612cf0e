package shell

import (
	"strings"
	"testing"
)

func TestReadGit(t *testing.T) {
	for _, tc := range []struct {
		line string
		// options as NAME or NAME=VALUE, then the subcommand and its
		// arguments; "!" marks a subcommand that is not literal.
		want string
	}{
		{"git status", "| status"},
		{"git", "|"},
		{"git -C src log -1", "-C=src | log -1"},
		{"git -c user.name=x -c core.hooksPath=/tmp/h commit -m hi", "-c=user.name=x -c=core.hooksPath=/tmp/h | commit -m hi"},
		{"git -ccore.hooksPath=/tmp/h commit", "-c=core.hooksPath=/tmp/h | commit"},
		{"git --config-env core.hooksPath=HOOKS commit", "--config-env=core.hooksPath=HOOKS | commit"},
		{"git --config-env=core.hooksPath=HOOKS commit", "--config-env=core.hooksPath=HOOKS | commit"},
		{"git --git-dir ../other/.git --work-tree=.. commit", "--git-dir=../other/.git --work-tree=.. | commit"},
		{`git --git-dir="$D" push`, "--git-dir=$D | push"},
		{"git --exec-path", "--exec-path |"},
		{"git --exec-path push x", "--exec-path | push x"},
		{"git --exec-path=/tmp/bin commit", "--exec-path=/tmp/bin | commit"},
		{`git --exec-path="$BIN" commit`, "--exec-path=$BIN | commit"},
		{"git --no-pager -p --bare --namespace ns log", "--no-pager -p --bare --namespace=ns | log"},
		{"git --super-prefix x/ --attr-source HEAD --list-cmds main", "--super-prefix=x/ --attr-source=HEAD --list-cmds=main |"},
		{`git $SUB --no-verify`, "| !$SUB --no-verify"},
		{`git -$X push`, "| !-$X push"},
		{`git "commit" -n`, "| commit -n"},
		{"git -c", "-c |"},
	} {
		s := Parse(tc.line)
		c := s.Pipelines[0][0]
		if got := renderGit(ReadGit(c.Words[1:])); got != tc.want {
			t.Errorf("ReadGit(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

func renderGit(g Git) string {
	var opts []string
	for _, o := range g.Options {
		if o.Value != nil {
			opts = append(opts, o.Name+"="+o.Value.Text)
		} else {
			opts = append(opts, o.Name)
		}
	}
	out := strings.Join(opts, " ")
	if out != "" {
		out += " "
	}
	out += "|"
	if g.Sub != nil {
		out += " "
		if !g.Sub.Literal {
			out += "!"
		}
		out += g.Sub.Text
	}
	for _, a := range g.Args {
		out += " " + a.Text
	}
	return out
}
