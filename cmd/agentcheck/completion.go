package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Shell completion. The scripts are generated from the command table (the
// commands, their summaries and subcommands) and from each command's own
// help (its flags), so that a command or flag added to the CLI is completed
// without anyone editing a list.

// completionShells are the shells agentcheck completion writes for.
var completionShells = []string{"bash", "zsh", "fish"}

func runCompletion(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "completion", "bash|zsh|fish")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return withHint(usageError("completion needs one shell: bash, zsh or fish"), fs.usageLine())
	}
	spec := completionSpec(ctx)
	switch pos[0] {
	case "bash":
		return writeBashCompletion(inv.Stdout, spec)
	case "zsh":
		return writeZshCompletion(inv.Stdout, spec)
	case "fish":
		return writeFishCompletion(inv.Stdout, spec)
	}
	return withHint(usageError("unknown shell %q", pos[0]), "give bash, zsh or fish")
}

// completedCommand is what completion knows of one command.
type completedCommand struct {
	name, summary string
	subcommands   []string
	flags         []string // without dashes
}

// completionSpec lists the commands in order, "help" among them (whose
// subcommands are the other commands and "manual").
func completionSpec(ctx context.Context) []completedCommand {
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	slices.Sort(names)
	spec := make([]completedCommand, 0, len(names)+1)
	for _, n := range names {
		spec = append(spec, completedCommand{
			name:        n,
			summary:     cmds[n].summary,
			subcommands: cmds[n].subcommands,
			flags:       helpFlags(ctx, n),
		})
	}
	spec = append(spec, completedCommand{
		name:        "help",
		summary:     "print the help of a command, or the manual",
		subcommands: append(slices.Clone(names), "manual"),
	})
	slices.SortFunc(spec, func(a, b completedCommand) int { return strings.Compare(a.name, b.name) })
	return spec
}

// helpFlags returns the flags command name's help lists: the lines of its
// flags section that start with "  -NAME". The help is the one account of a
// command's flags, whoever defines them (package hookcmd defines hook's).
func helpFlags(ctx context.Context, name string) []string {
	var help bytes.Buffer
	inv := &Invocation{Stdout: &help, Stderr: io.Discard, Stdin: strings.NewReader("")}
	if err := commands()[name].run(ctx, inv, []string{"-h"}); exitCodeOf(err) != exitOK {
		return nil
	}
	var flags []string
	sc := bufio.NewScanner(&help)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "  -"); ok {
			flags = append(flags, strings.Fields(rest)[0])
		}
	}
	return flags
}

// dashed returns the flags as words to type: --NAME, or -N for a
// one-letter flag.
func dashed(flags []string) []string {
	out := make([]string, len(flags))
	for i, f := range flags {
		out[i] = "--" + f
		if len(f) == 1 {
			out[i] = "-" + f // keygen -f
		}
	}
	return out
}

func writeBashCompletion(w io.Writer, spec []completedCommand) error {
	var b strings.Builder
	b.WriteString(`# bash completion for agentcheck; load it with
#   source <(agentcheck completion bash)
# Words that are neither a command, a subcommand nor a flag complete as
# file names (complete -o default).
_agentcheck() {
	local cur=${COMP_WORDS[COMP_CWORD]} flags="" subcommands=""
	if [[ $COMP_CWORD -eq 1 ]]; then
`)
	names := make([]string, len(spec))
	for i, c := range spec {
		names[i] = c.name
	}
	fmt.Fprintf(&b, "\t\tmapfile -t COMPREPLY < <(compgen -W %q -- \"$cur\")\n\t\treturn\n\tfi\n", strings.Join(append(names, "--help", "--version"), " "))
	b.WriteString("\tcase ${COMP_WORDS[1]} in\n")
	for _, c := range spec {
		fmt.Fprintf(&b, "\t%s) flags=%q; subcommands=%q ;;\n", c.name, strings.Join(append(dashed(c.flags), "--help"), " "), strings.Join(c.subcommands, " "))
	}
	b.WriteString(`	esac
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$flags" -- "$cur")
	elif [[ $COMP_CWORD -eq 2 && -n $subcommands ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$subcommands" -- "$cur")
	fi
}
complete -o default -F _agentcheck agentcheck
`)
	_, err := io.WriteString(w, b.String())
	return err
}

// zshQuote quotes s for zsh (and bash) in single quotes.
func zshQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func writeZshCompletion(w io.Writer, spec []completedCommand) error {
	var b strings.Builder
	b.WriteString(`#compdef agentcheck
# zsh completion for agentcheck; install it as _agentcheck in a directory of
# $fpath, or load it with: source <(agentcheck completion zsh)
_agentcheck() {
	local -a commands subcommands flags
	commands=(
`)
	for _, c := range spec {
		// _describe splits NAME:DESCRIPTION at the first unescaped colon.
		fmt.Fprintf(&b, "\t\t%s\n", zshQuote(c.name+":"+strings.ReplaceAll(c.summary, ":", `\:`)))
	}
	b.WriteString(`	)
	if (( CURRENT == 2 )); then
		_describe command commands
		return
	fi
	case $words[2] in
`)
	for _, c := range spec {
		var fl []string
		for _, f := range append(dashed(c.flags), "--help") {
			fl = append(fl, zshQuote(f))
		}
		var sub []string
		for _, s := range c.subcommands {
			sub = append(sub, zshQuote(s))
		}
		fmt.Fprintf(&b, "\t(%s) flags=(%s); subcommands=(%s) ;;\n", c.name, strings.Join(fl, " "), strings.Join(sub, " "))
	}
	b.WriteString(`	esac
	if (( CURRENT == 3 && ${#subcommands} )); then
		compadd -a subcommands
	fi
	if [[ $PREFIX == -* ]]; then
		compadd -a flags
	else
		_files
	fi
}
if [[ $funcstack[1] == _agentcheck ]]; then
	_agentcheck "$@"
else
	compdef _agentcheck agentcheck
fi
`)
	_, err := io.WriteString(w, b.String())
	return err
}

// fishQuote quotes s for fish in single quotes.
func fishQuote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
}

func writeFishCompletion(w io.Writer, spec []completedCommand) error {
	var b strings.Builder
	b.WriteString("# fish completion for agentcheck; install it as\n# ~/.config/fish/completions/agentcheck.fish, or load it with:\n#   agentcheck completion fish | source\n")
	b.WriteString("complete -c agentcheck -n __fish_use_subcommand -f\n")
	for _, c := range spec {
		fmt.Fprintf(&b, "complete -c agentcheck -n __fish_use_subcommand -a %s -d %s\n", c.name, fishQuote(c.summary))
	}
	for _, c := range spec {
		cond := fishQuote("__fish_seen_subcommand_from " + c.name)
		if len(c.subcommands) > 0 {
			fmt.Fprintf(&b, "complete -c agentcheck -n %s -a %s\n", cond, fishQuote(strings.Join(c.subcommands, " ")))
		}
		for _, f := range c.flags {
			opt := "-l"
			if len(f) == 1 {
				opt = "-s"
			}
			fmt.Fprintf(&b, "complete -c agentcheck -n %s %s %s\n", cond, opt, f)
		}
	}
	b.WriteString("complete -c agentcheck -s h -l help -d 'print the help'\n")
	b.WriteString("complete -c agentcheck -n __fish_use_subcommand -s v -l version -d 'print the version'\n")
	_, err := io.WriteString(w, b.String())
	return err
}
