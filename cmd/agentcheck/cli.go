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

// command is one subcommand of the CLI: what its help, the top-level help
// and the shell completion say of it, and what runs it.
type command struct {
	summary string
	// examples are shown in the command's help; every command has at
	// least one.
	examples []example
	// subcommands are the words the command takes first (scope add), for
	// completion; its own help lists them.
	subcommands []string
	run         func(ctx context.Context, inv *Invocation, args []string) error
}

// example is one command line and what it does.
type example struct{ line, does string }

// commands returns the table of subcommands. It is a function, not a global,
// so the table cannot be mutated between runs.
func commands() map[string]command {
	return map[string]command{
		"approve": {
			summary: "sign a maintainer's approval of a commit's findings",
			examples: []example{
				{"agentcheck approve 1a2b3c4 --reason 'CI change reviewed in #42'", "approve every finding on a commit"},
				{"agentcheck approve HEAD --rule AC004 --path '.github/**' --reason 'reviewed'", "approve only AC004 findings under .github"},
			},
			run: runApprove,
		},
		"attest": {
			summary: "seal agent sessions into a signed manifest on a commit",
			examples: []example{
				{"agentcheck attest", "attest HEAD with the sessions whose edits it contains"},
				{"agentcheck attest --session claude-code/3f2a HEAD~1", "attest a commit with a named session"},
			},
			run: runAttest,
		},
		"census": {
			summary: "list the commits each agent made in a range, and how many carry a valid manifest",
			examples: []example{
				{"agentcheck census origin/main~500..origin/main", "which agents committed in the last 500 commits"},
				{"agentcheck census --format csv --output census.csv", "the same as a spreadsheet"},
			},
			run: runCensus,
		},
		"completion": {
			summary: "print a shell completion script: bash, zsh or fish",
			examples: []example{
				{"source <(agentcheck completion bash)", "complete agentcheck in this bash"},
				{"source <(agentcheck completion zsh)", "complete agentcheck in this zsh (after compinit)"},
				{"mkdir -p ~/.config/fish/completions && agentcheck completion fish > ~/.config/fish/completions/agentcheck.fish", "install the fish completion"},
			},
			subcommands: completionShells,
			run:         runCompletion,
		},
		"doctor": {
			summary:  "check the setup: agents' hooks, git hooks, notes, key, trusted signers",
			examples: []example{{"agentcheck doctor", "say what is set up in this repository and what is missing"}},
			run:      runDoctor,
		},
		"export": {
			summary: "export sessions and findings mapped to compliance controls (json, csv, html)",
			examples: []example{
				{"agentcheck export --format html --output audit.html v1.0..v1.1", "an auditor's report of a release"},
				{"agentcheck export --format csv origin/main~100..origin/main", "one row per session"},
			},
			run: runExport,
		},
		"git-hook": {
			summary:     "run one of agentcheck's git hooks (called by git)",
			examples:    []example{{"agentcheck git-hook post-commit", "what .git/hooks/post-commit runs after each commit"}},
			subcommands: []string{"prepare-commit-msg", "post-commit", "post-rewrite", "pre-push", "reference-transaction"},
			run:         runGitHook,
		},
		"github": {
			summary:  "the pull-request gate inside GitHub Actions (used by action.yml)",
			examples: []example{{"agentcheck github --fail-on warning", "check the pull request of this workflow run"}},
			run:      runGitHub,
		},
		"hook": {
			// Its help, examples included, is package hookcmd's, which
			// agentcheck-hook prints too.
			summary: "record one agent hook event and apply the runtime policy (called by the agent)",
			run:     runHook,
		},
		"init": {
			summary: "set up agents' hooks, git hooks, policy and key in this repository",
			examples: []example{
				{"agentcheck init", "set up every agent, the git hooks, a policy and a key"},
				{"agentcheck init --agent claude-code,codex --codex-trust", "only Claude Code and Codex, trusting this project in Codex"},
			},
			run: runInit,
		},
		"keygen": {
			summary:  "create an SSH signing key for manifests",
			examples: []example{{"agentcheck keygen", "create $AGENTCHECK_HOME/agentcheck_ed25519"}},
			run:      runKeygen,
		},
		"log": {
			summary: "show the agent sessions behind each commit of a range, with the findings",
			examples: []example{
				{"agentcheck log", "the sessions behind the commits not yet pushed"},
				{"agentcheck log --format json origin/main~20..origin/main", "the last 20 commits of main, as JSON"},
			},
			run: runLog,
		},
		"pre-receive": {
			summary:  "the server-side gate: a git pre-receive hook",
			examples: []example{{"agentcheck pre-receive --mode warn", "report findings without rejecting pushes (hooks/pre-receive)"}},
			run:      runPreReceive,
		},
		"scope": {
			summary: "declare, list or clear the agent session's scope (add GLOB…, list, clear)",
			examples: []example{
				{"agentcheck scope add 'src/payments/**' .github/workflows/ci.yml", "allow the current session to change these paths"},
				{"agentcheck scope list", "what the current session may change"},
			},
			subcommands: []string{"add", "list", "clear"},
			run:         runScope,
		},
		"show": {
			summary: "show the manifests on a commit",
			examples: []example{
				{"agentcheck show", "the sessions behind HEAD, signatures judged by the trusted side"},
				{"agentcheck show --format json 1a2b3c4", "a commit's note as JSON"},
			},
			run: runShow,
		},
		"verify": {
			summary: "check commits against their manifests and the policy",
			examples: []example{
				{"agentcheck verify", "check the commits not yet pushed (@{upstream}..HEAD)"},
				{"agentcheck verify origin/main..HEAD --format sarif --output agentcheck.sarif", "a pull request's commits, as SARIF"},
			},
			run: runVerify,
		},
		"version": {
			summary:  "print the version",
			examples: []example{{"agentcheck --version", "the same"}},
			run:      runVersion,
		},
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
		// help's own help ("help help", "help -h") is the list of commands.
		if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
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
// summary, its usage line and its examples.
type flagSet struct {
	*flag.FlagSet
	stdout    io.Writer
	argsUsage string
	summary   string
	examples  []example
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
	cmd := commands()[strings.Fields(name)[0]]
	return &flagSet{
		FlagSet:   fs,
		stdout:    inv.Stdout,
		argsUsage: argsUsage,
		summary:   cmd.summary,
		examples:  cmd.examples,
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

// printHelp writes the command's help: its summary, its usage line, its
// flags and its examples.
func (fs *flagSet) printHelp() {
	w := fs.stdout
	if fs.summary != "" {
		fmt.Fprintf(w, "agentcheck %s: %s\n\n", fs.Name(), fs.summary)
	}
	fmt.Fprintln(w, fs.usageLine())
	if fs.hasFlags() {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "flags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	writeExamples(w, fs.examples)
}

// writeExamples writes a help's examples section: what each example does,
// as a shell comment, above its command line, so that either can be
// copied.
func writeExamples(w io.Writer, examples []example) {
	if len(examples) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "examples:")
	for i, e := range examples {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "  # %s\n  %s\n", e.does, e.line)
	}
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
