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

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/internal/hint"
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
	// ReadProcess reads the processes above this one, for approve to
	// refuse to run under an agent; nil reads the machine's.
	ReadProcess agents.ReadProcess
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
		return withHint(usageError("no command given"), "run 'agentcheck help' for the list of commands")
	}
	name, args := inv.Args[0], inv.Args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) == 0 || args[0] == "help" {
			usage(inv.Stdout)
			return nil
		}
		if args[0] == "manual" {
			return writeManual(inv.Stdout)
		}
		// help CMD is CMD -h.
		name, args = args[0], []string{"-h"}
	case "-v", "-version", "--version":
		name = "version"
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
	fmt.Fprintln(w, "Run 'agentcheck help <command>' or 'agentcheck <command> -h' for a command's usage and flags,")
	fmt.Fprintln(w, "'agentcheck --version' for the version, and 'agentcheck help manual' for the manual")
	fmt.Fprintln(w, "(the text 'go doc github.com/agentcheck/agentcheck/cmd/agentcheck' shows).")
}

// flagSet is a command's flags with what its help says: the command's
// summary and its usage line.
type flagSet struct {
	*flag.FlagSet
	stdout    io.Writer
	argsUsage string
	summary   string
}

// newFlagSet returns the flag set of the command name (for a subcommand,
// "scope add"); argsUsage follows "[flags]" in its usage line. Parsing
// writes nothing: parseFlags returns the error, once, and prints the help
// on stdout when asked for it.
func newFlagSet(inv *Invocation, name, argsUsage string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package prints its errors and the usage itself; parseFlags
	// reports them instead.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	cmd, _, _ := strings.Cut(name, " ")
	return &flagSet{
		FlagSet:   fs,
		stdout:    inv.Stdout,
		argsUsage: argsUsage,
		summary:   commands()[cmd].summary,
	}
}

// hasFlags reports whether the command defines any flag.
func (fs *flagSet) hasFlags() bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// usageLine is the command's synopsis, e.g.
// "usage: agentcheck verify [flags] [RANGE...]".
func (fs *flagSet) usageLine() string {
	s := "usage: agentcheck " + fs.Name()
	if fs.hasFlags() {
		s += " [flags]"
	}
	return strings.TrimSpace(s + " " + fs.argsUsage)
}

// printHelp writes the command's help: its summary, its usage line and its
// flags.
func (fs *flagSet) printHelp() {
	w := fs.stdout
	if fs.summary != "" {
		fmt.Fprintf(w, "agentcheck %s: %s\n\n", fs.Name(), fs.summary)
	}
	fmt.Fprintln(w, fs.usageLine())
	if !fs.hasFlags() {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "flags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// parseFlags parses args allowing flags and positional arguments to be
// interleaved (agentcheck verify HEAD~3..HEAD --format sarif), which the flag
// package alone does not. Everything after "--" is positional. On -h it
// prints the help on stdout and returns errHelp; a bad flag is a usage
// error whose hint is the usage line.
func parseFlags(fs *flagSet, args []string) ([]string, error) {
	var positional []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.printHelp()
				return nil, errHelp
			}
			return nil, withHint(usageError("%v", err), fs.usageLine()+" (agentcheck "+fs.Name()+" -h lists the flags)")
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

// exitErr is an error that carries an exit code. A hint that says how to
// fix it is attached with withHint (package hint), around or inside it.
type exitErr struct {
	code int
	err  error
}

func (e *exitErr) Error() string { return e.err.Error() }
func (e *exitErr) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitErr{code: exitError, err: fmt.Errorf(format, args...)}
}

// withHint attaches a hint to err, keeping its exit code.
func withHint(err error, h string) error { return hint.With(err, h) }

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
	if h := hint.Of(err); h != "" {
		fmt.Fprintf(stderr, "agentcheck: hint: %s\n", h)
	}
	return code
}
