package signals

import (
	"testing"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/enforce"
	"github.com/agentcheck/agentcheck/internal/shell"
	"github.com/agentcheck/agentcheck/internal/shell/shelltest"
	"github.com/agentcheck/agentcheck/provenance"
)

// TestRuntimeAndSignalsAgree runs the shared table of command lines
// (internal/shell/testdata/commands.txtar) through the runtime hook's
// matcher and through AC010. Both read commands with the one shell reader,
// whose words for each row the table records (and internal/shell's tests
// check); on every row the runtime refuses the command exactly when AC010
// reports it, so no quoting, wrapper or nesting hides a command from one
// and not the other.
func TestRuntimeAndSignalsAgree(t *testing.T) {
	repo := agents.Repo{Root: "/work/repo", GitDir: "/work/repo/.git", CommonDir: "/work/repo/.git"}
	env := enforce.Env{Home: "/home/dev", AgentcheckHome: "/home/dev/.config/agentcheck", ConfigHome: "/home/dev/.config"}
	rows := shelltest.Rows(t)
	if len(rows) < 40 {
		t.Fatalf("the table has %d rows, want at least 40", len(rows))
	}
	for _, r := range rows {
		t.Run(r.Name, func(t *testing.T) {
			if got := shelltest.Render(shell.Parse(r.Command)); got != r.Words {
				t.Errorf("the reader's words differ from the table's:\n%s\nwant:\n%s", got, r.Words)
			}
			denied := enforce.CheckCommand(r.Command, env, repo, "")
			sends := exfiltrationOf(r.Command, remotesOf(&provenance.SessionPredicate{Repo: origin}, nil), nil)
			if (denied != "") != r.Hides || (len(sends) > 0) != r.Hides {
				t.Errorf("%q: the runtime says %q and AC010 %q; want both to report it: %v", r.Command, denied, sends, r.Hides)
			}
		})
	}
}
