package action

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/agentcheck/agentcheck/check"
)

// Workflow commands are lines a step prints to stdout that the runner turns
// into annotations, masks, outputs and so on:
//
//	::error file=app.js,line=1,title=A title::Something went wrong
//
// GitHub's own toolkit (@actions/core, command.ts) escapes the message with
// escapeData ('%' → %25, CR → %0D, LF → %0A) and each property value with
// escapeProperty (the same, plus ':' → %3A and ',' → %2C). Without it a
// recorded prompt or a file name holding a newline followed by "::" would
// issue a command of its own.

// EscapeData escapes the message of a workflow command.
func EscapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// EscapeProperty escapes a property value of a workflow command.
func EscapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// WriteCommand writes one workflow command line: ::name k=v,…::message.
// Properties are written in key order, escaped.
func WriteCommand(w io.Writer, name string, props map[string]string, message string) error {
	var b strings.Builder
	b.WriteString("::")
	b.WriteString(name)
	keys := make([]string, 0, len(props))
	for k, v := range props {
		if v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(EscapeProperty(props[k]))
	}
	b.WriteString("::")
	b.WriteString(EscapeData(message))
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

// commandLevel is the workflow command of a finding's level.
func commandLevel(l check.Level) string {
	switch l {
	case check.LevelError:
		return "error"
	case check.LevelWarning:
		return "warning"
	}
	return "notice"
}

// WriteAnnotationCommands writes one ::error, ::warning or ::notice command
// per finding of r, at the same file and line as the check run's annotation
// would be. GitHub shows at most 10 error and 10 warning annotations of a
// step (and 50 of a job); the others are still in the log, the job summary
// and the SARIF file.
func WriteAnnotationCommands(w io.Writer, r *check.Report) error {
	for _, a := range Annotations(r) {
		props := map[string]string{
			"file":  a.Path,
			"line":  strconv.Itoa(a.StartLine),
			"title": a.Title,
		}
		if err := WriteCommand(w, commandLevel(a.level), props, a.Message); err != nil {
			return fmt.Errorf("writing workflow commands: %w", err)
		}
	}
	return nil
}

// WriteOutputs appends step outputs to the GITHUB_OUTPUT file's writer in
// its multiline form, name<<DELIMITER, the value, DELIMITER, with a random
// delimiter that is checked not to occur in the value (as @actions/core
// does), so no value can end its own entry and set another output.
func WriteOutputs(w io.Writer, outputs [][2]string) error {
	var b strings.Builder
	for _, o := range outputs {
		name, value := o[0], o[1]
		if name == "" || strings.ContainsAny(name, "\r\n=<") {
			return fmt.Errorf("bad output name %q", name)
		}
		delim, err := delimiter()
		if err != nil {
			return err
		}
		if strings.Contains(name, delim) || strings.Contains(value, delim) {
			return fmt.Errorf("output %s holds its own delimiter", name)
		}
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", name, delim, value, delim)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing step outputs: %w", err)
	}
	return nil
}

func delimiter() (string, error) {
	var buf [16]byte
	if _, err := rand.Read(buf[:]); err != nil {
		return "", fmt.Errorf("making an output delimiter: %w", err)
	}
	return "ghadelimiter_" + hex.EncodeToString(buf[:]), nil
}
