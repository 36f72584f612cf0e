package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// Exit codes, as documented in doc.go.
const (
	exitOK         = 0 // no error-level finding
	exitViolations = 1 // error-level findings
	exitError      = 2 // usage or operational error
)

// Invocation is one run of the CLI. Like exec.Cmd, it carries the streams and
// environment explicitly so tests can run the whole CLI in-process.
type Invocation struct {
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment; os.Getenv in main.
	Getenv func(string) string
	// Dir is the working directory; "" means the process's own.
	Dir string
	// Sleep waits for d or until ctx is done; nil means a real timer. It
	// paces the GitHub gate's retries, so tests give one that returns at
	// once.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (inv *Invocation) getenv(key string) string {
	if inv.Getenv == nil {
		return ""
	}
	return inv.Getenv(key)
}

// dir returns the working directory of the invocation.
func (inv *Invocation) dir() (string, error) {
	if inv.Dir != "" {
		return inv.Dir, nil
	}
	return os.Getwd()
}

// command is one subcommand of the CLI.
type command struct {
	summary string
	run     func(ctx context.Context, inv *Invocation, args []string) error
}

// commands returns the table of subcommands. It is a function, not a global,
// so the table cannot be mutated between runs.
func commands() map[string]command {
	return map[string]command{
		"approve":     {"sign a maintainer's approval of a commit's findings", runApprove},
		"attest":      {"seal agent sessions into a signed manifest on a commit", runAttest},
		"census":      {"list the commits each agent made in a range, and how many carry a valid manifest", runCensus},
		"doctor":      {"check the setup: agents' hooks, git hooks, notes, key, trusted signers", runDoctor},
		"export":      {"export sessions and findings mapped to compliance controls (json, csv, html)", runExport},
		"git-hook":    {"run one of agentcheck's git hooks (called by git)", runGitHook},
		"github":      {"the pull-request gate inside GitHub Actions (used by action.yml)", runGitHub},
		"hook":        {"record one agent hook event (called by the agent)", runHook},
		"init":        {"set up agents' hooks, git hooks, policy and key in this repository", runInit},
		"keygen":      {"create an SSH signing key for manifests", runKeygen},
		"log":         {"show the agent sessions behind each commit of a range, with the findings", runLog},
		"pre-receive": {"the server-side gate: a git pre-receive hook", runPreReceive},
		"scope":       {"declare, list or clear the agent session's scope (add GLOB…, list, clear)", runScope},
		"show":        {"show the manifests on a commit", runShow},
		"verify":      {"check commits against their manifests and the policy", runVerify},
		"version":     {"print the version", runVersion},
	}
}

// Run executes the CLI. The error it returns carries the exit code (see
// exitCodeOf) and is reported by report.
func Run(ctx context.Context, inv *Invocation) error {
	if len(inv.Args) == 0 {
		usage(inv.Stderr)
		return usageError("no command given")
	}
	name, args := inv.Args[0], inv.Args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		usage(inv.Stdout)
		return nil
	}
	cmd, ok := commands()[name]
	if !ok {
		return withHint(usageError("unknown command %q", name), "run 'agentcheck help' for the list of commands")
	}
	return cmd.run(ctx, inv, args)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: agentcheck <command> [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'go doc github.com/agentcheck/agentcheck/cmd/agentcheck' for the manual.")
}

// newFlagSet returns a flag set that reports errors instead of exiting and
// prints its usage to the invocation's stderr.
func newFlagSet(inv *Invocation, name, argsUsage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(inv.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(inv.Stderr, "usage: agentcheck %s [flags] %s\n", name, argsUsage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args allowing flags and positional arguments to be
// interleaved (agentcheck verify HEAD~3..HEAD --format sarif), which the flag
// package alone does not. Everything after "--" is positional.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, usageError("%v", err)
		}
		rest := fs.Args()
		// Parse stops at the first non-flag or just after "--".
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	return positional, nil
}

// errHelp is returned when the user asked for a command's usage; it exits 0.
var errHelp = errors.New("help requested")

// exitErr is an error that carries an exit code and optionally a hint that
// says how to fix it.
type exitErr struct {
	code int
	err  error
	hint string
}

func (e *exitErr) Error() string { return e.err.Error() }
func (e *exitErr) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitErr{code: exitError, err: fmt.Errorf(format, args...)}
}

// withHint attaches a hint to err, keeping its exit code.
func withHint(err error, hint string) error {
	var e *exitErr
	if errors.As(err, &e) {
		return &exitErr{code: e.code, err: e.err, hint: hint}
	}
	return &exitErr{code: exitError, err: err, hint: hint}
}

// errViolations is returned by verifying commands when they found error-level
// findings; the findings themselves have already been written.
var errViolations = &exitErr{code: exitViolations, err: errors.New("violations found")}

// errReported is returned by commands that have written why they failed in
// their own format (pre-receive's lines carry a prefix for GitLab); report
// only maps it to its exit code.
var errReported = &exitErr{code: exitError, err: errors.New("error already reported")}

// errQuiet is the cause of an exit that has nothing to say: the command
// already wrote its answer (a hook's deny, a git hook's refusal), with its
// own exit code.
var errQuiet = errors.New("quiet exit")

// quietExit returns an error that makes the process exit with code and
// print nothing more.
func quietExit(code int) error { return &exitErr{code: code, err: errQuiet} }

// exitCodeOf maps an error returned by Run to the process exit code.
func exitCodeOf(err error) int {
	if err == nil || errors.Is(err, errHelp) {
		return exitOK
	}
	var e *exitErr
	if errors.As(err, &e) {
		return e.code
	}
	return exitError
}

// writeError writes err to stderr in the CLI's one-line format and returns the
// exit code. Violations are not repeated: the findings were the output.
func writeError(stderr io.Writer, err error) int {
	code := exitCodeOf(err)
	if err == nil || errors.Is(err, errHelp) || errors.Is(err, errQuiet) || err == errViolations || err == errReported {
		return code
	}
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	fmt.Fprintf(stderr, "agentcheck: error: %s\n", msg)
	var e *exitErr
	if errors.As(err, &e) && e.hint != "" {
		fmt.Fprintf(stderr, "agentcheck: hint: %s\n", e.hint)
	}
	return code
}
