package attest

import (
	"fmt"
	"os"
	"time"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/audit"
	"github.com/agentcheck/agentcheck/internal/hint"
	"github.com/agentcheck/agentcheck/provenance/journal"
)

// An approval is a human's decision: made by an agent with the
// developer's key, it would let the agent sign off its own work (under
// require: all an agent can even give its commit another author, so that
// the two-person rule sees two people). approve refuses to run inside an
// agent session, which it tells from three signs, any of which suffices,
// so that no single one (a variable the agent unsets) is the whole check:
//
//   - the environment: a variable agents set for their commands
//     (agents.SessionVars);
//   - the process ancestry: a coding agent among the processes above this
//     one (agents.AgentAncestor, /proc on Linux, ps elsewhere), which an
//     emptied environment does not change;
//   - the journal: a session of this repository in the middle of a turn
//     (journal.Journal.InTurn). An agent records each command before it
//     runs, so an approve it runs always falls in one of its turns; a human
//     approving while an agent works in the same repository waits until the
//     turn ends.
//
// None of this binds an agent that runs as the user and detaches from its
// process tree, edits its journal and empties its environment: what does
// is trust.presence, under which an approval counts only when signed by a
// security key someone touched.

// RefuseInAgentSession refuses a human's command (approve) when this
// process runs inside an agent session, by the environment and by the
// process ancestry; read reads processes (nil: this machine's). The
// journal is checked by [RefuseInAgentTurn], which needs the repository.
func RefuseInAgentSession(getenv func(string) string, read agents.ReadProcess) error {
	if v := agents.InSession(getenv); v != "" {
		return refusal(fmt.Sprintf("%s is set", v))
	}
	if read == nil {
		read = agents.ReadProcessOS
	}
	if p, agent, ok := agents.AgentAncestor(os.Getpid(), read); ok {
		return refusal(fmt.Sprintf("process %d (%s) above this one is the coding agent %s", p.PID, clean(p.Name), agent))
	}
	return nil
}

// RefuseInAgentTurn refuses a human's command while a session of the
// repository whose common directory is commonDir is in the middle of a
// turn at now.
func RefuseInAgentTurn(commonDir string, now time.Time) error {
	all, err := journal.ReadAll(commonDir)
	if err != nil {
		return err
	}
	for _, j := range all {
		if !j.InTurn(now) {
			continue
		}
		agent, id := j.SessionOf()
		last, _ := j.Last()
		return hint.With(fmt.Errorf("approve is a human's decision: refusing to run while agent session %s/%s is in the middle of a turn in this repository (its last event, %s, was %s ago)",
			clean(agent), clean(id), last.Kind, now.Sub(last.Time).Round(time.Second)),
			"approve once the agent has finished its turn, from your own terminal; a session that recorded nothing for "+journal.TurnWindow.String()+" no longer counts")
	}
	return nil
}

func refusal(why string) error {
	return hint.With(fmt.Errorf("approve is a human's decision: refusing to run inside an agent session (%s)", why),
		"review the commit and run agentcheck approve in your own terminal")
}

// clean keeps a name from a process table or a journal to one printable
// line: both are the agent's to write.
func clean(s string) string { return audit.Clean(s, 80) }
