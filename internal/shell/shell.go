// Package shell reads shell command lines as a shell would, without running
// or expanding anything: into the simple commands they run, each with its
// words, its environment, its redirections and the code it hands to a shell
// in turn. It is agentcheck's one reader of commands: the runtime hook
// judges an agent's pending command with it (package enforce), and the
// checker reads the commands a session's manifest recorded with it (the
// signals AC010 and AC012). Both must agree on what a command is, or an
// attacker finds the spelling one of them misreads.
//
// A command line is hostile text. Reading it runs nothing, and what only
// running it would tell is marked instead of guessed: a word holding a
// variable, a command substitution or a glob is not [Word.Literal]; code a
// shell would run but the reader cannot see (what base64 -d prints, piped to
// sh) is a [Code] that was not [Code.Read].
//
// # What is read
//
// [Parse] reads the bash dialect with mvdan.cc/sh's parser and walks the
// syntax tree into [Pipeline]s of [Command]s: through lists, pipelines,
// subshells, { } blocks, if, case, loops and function bodies; into command
// substitutions, backticks and process substitutions; past wrappers that
// run the command after them (env, sudo, command, exec, nice, nohup,
// timeout, xargs, time, stdbuf and a few more), whose environment changes
// are kept; into find's -exec commands; and into the code a command gives a
// shell: sh -c, bash -c, zsh -c, eval, env -S, su -c, alias and trap
// strings, a heredoc or here-string on a shell's standard input, and the
// text echo, printf or cat of a heredoc pipe into one. Code inside code is
// read to a depth of [MaxDepth]. A heredoc given to anything but a shell
// is data: it is kept in [Redirect.Heredoc] (an apply_patch body, a commit
// message) and never read as commands. A script file (sh FILE, source
// FILE) is named, never read: the reader reads text, not the disk.
//
// Text that does not parse as bash is tried as zsh (agents run commands in
// the user's shell). Text that parses as neither yields the commands read
// before the error, and [Script.Err] says so; a caller that must not be
// fooled treats it conservatively.
//
// [ReadGit] reads the words of a git command past git's global options, for
// both callers too.
package shell

import (
	"fmt"
	"iter"
	"path"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// MaxDepth bounds how deeply code inside code (a substitution, sh -c, eval,
// a heredoc fed to a shell) is read. Nothing an agent writes in earnest
// nests deeper; a reader that stops must say so ([Script.Deep]).
const MaxDepth = 4

// Script is what a command line runs.
type Script struct {
	// Pipelines lists the pipelines in the order they appear; the
	// commands nested in one (its substitutions, the code it gives a
	// shell) follow it, one level deeper.
	Pipelines []Pipeline
	// Err is set when the text, or code nested in it, does not parse. The
	// commands read before the error are listed (a shell runs them too).
	Err error
	// Deep is set when code nested deeper than MaxDepth was not read.
	Deep bool
}

// Pipeline is one pipeline: each command but the first reads the
// output of the one before it.
type Pipeline []*Command

// Commands returns every command of the script in order, nested ones
// included.
func (s *Script) Commands() iter.Seq[*Command] {
	return func(yield func(*Command) bool) {
		for _, p := range s.Pipelines {
			for _, c := range p {
				if !yield(c) {
					return
				}
			}
		}
	}
}

// Last returns the command whose output is the script's, as a command
// substitution's: the last command of its last outermost pipeline.
func (s *Script) Last() *Command {
	p := s.lastPipeline()
	if len(p) == 0 {
		return nil
	}
	return p[len(p)-1]
}

// lastPipeline returns the last of the script's outermost pipelines.
func (s *Script) lastPipeline() Pipeline {
	if s == nil || len(s.Pipelines) == 0 {
		return nil
	}
	depth := s.Pipelines[0][0].Depth
	var last Pipeline
	for _, p := range s.Pipelines {
		if p[0].Depth == depth {
			last = p
		}
	}
	return last
}

// Command is one simple command.
type Command struct {
	// Words are the command's name and arguments, with the wrappers that
	// ran it (Wrappers) and the assignments before it removed. A command
	// with no words is an assignment (Assigns), a bare redirection, or a
	// compound command ({ }, ( ), if, a loop) standing for its
	// redirections in a pipeline; the commands inside it are listed
	// separately.
	Words []Word
	// Assigns are what the shell itself assigns: NAME=value alone, the
	// arguments of a declaration (export, declare, local, readonly,
	// typeset), and the items of a for loop's variable (one Assign per
	// item, all with the loop variable's name).
	Assigns []Assign
	// Env is how the command's environment differs from the shell's.
	Env Environ
	// Redirs are the command's redirections, heredocs included.
	Redirs []Redirect
	// Piped says the command reads the previous command's output (|).
	Piped bool
	// Wrappers names the commands that ran this one, outermost first:
	// sudo, env, xargs, timeout…
	Wrappers []string
	// Depth is 0 for the command line's own commands and one more for
	// each level of substitution or code they are nested in.
	Depth int
	// Via says how a nested command was reached: "$( )", "<( )",
	// "sh -c", "eval", "heredoc", "find -exec"…; "" at depth 0.
	Via string
	// Code is set when the command runs shell code it is given.
	Code *Code
}

// Assign is one NAME=value.
type Assign struct {
	Name  string
	Value Word
	// Naked is set for a declaration without a value: export NAME.
	Naked bool
}

// Environ is how a command's environment differs from the shell's. A
// command nested in another's code inherits the other's Environ.
type Environ struct {
	Set     []Assign // NAME=value before the command or given to env or sudo
	Cleared bool     // env -i: nothing of the shell's environment but Set reaches it
	Unset   []string // env -u NAME
}

// Code is the shell code a command runs: sh -c CODE, eval CODE, a script
// on a shell's standard input, source FILE.
type Code struct {
	// Word is the code given as a word (sh -c, eval, env -S, su -c,
	// alias, trap). When it is not literal, what runs depends on the
	// values of its expansions; Read then reports the code as written.
	Word *Word
	// Heredoc is a heredoc or here-string on the shell's standard input.
	Heredoc *Word
	// Feeder is the command whose output the shell reads as code: the
	// command before it in a pipeline, or the one in source <( ), past
	// commands that pass their input on (cat, tee, head).
	Feeder *Command
	// File is a script file the shell reads (sh FILE, source FILE,
	// sh < FILE); it is never read here.
	File *Word
	// Read says the code was read: its commands follow in the script,
	// one level deeper. It is false for a file, for the output of a
	// command other than a literal echo or printf, and past MaxDepth.
	Read bool
}

// Redirect is one redirection.
type Redirect struct {
	Op string // as written: >, >>, <, <<, <<-, <<<, &>, &>>, >|, <>, >&, <&
	N  string // the descriptor before the operator (the 2 of 2>log), or ""
	// Word is the redirection's file, a here-string's text, or a
	// heredoc's delimiter.
	Word Word
	// Heredoc is the body of a heredoc (<< and <<-).
	Heredoc *Word
}

// Writes reports whether the redirection writes to the file Word names.
func (r Redirect) Writes() bool {
	switch r.Op {
	case ">", ">>", ">|", "&>", "&>>", "<>", ">>|", "&>|", "&>>|":
		return true
	case ">&":
		return !isDescriptor(r.Word.Text) // >&file is &>file
	}
	return false
}

// Reads reports whether the redirection reads the file Word names.
func (r Redirect) Reads() bool { return r.Op == "<" || r.Op == "<>" }

func isDescriptor(s string) bool {
	s = strings.TrimSuffix(s, "-")
	if s == "" {
		return true // >&- closes
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Name returns the command's name as it names a program: the base name of
// its first word, lower case (a case-insensitive file system runs GIT as
// git), without ".exe".
func (c *Command) Name() string {
	if len(c.Words) == 0 {
		return ""
	}
	return ProgramName(c.Words[0].Text)
}

// ProgramName returns the program a command word names, as [Command.Name].
func ProgramName(word string) string {
	if word == "" {
		return ""
	}
	n := path.Base(strings.ReplaceAll(word, `\`, "/"))
	return strings.TrimSuffix(strings.ToLower(n), ".exe")
}

// Argv returns the texts of the command's words.
func (c *Command) Argv() []string {
	out := make([]string, len(c.Words))
	for i, w := range c.Words {
		out[i] = w.Text
	}
	return out
}

// Args returns the texts of the words after the command's name.
func (c *Command) Args() []string {
	if len(c.Words) < 2 {
		return nil
	}
	return c.Argv()[1:]
}

// Inputs returns the files the command's redirections read.
func (c *Command) Inputs() []string {
	var out []string
	for _, r := range c.Redirs {
		if r.Reads() {
			out = append(out, r.Word.Text)
		}
	}
	return out
}

// Outputs returns the files the command's redirections write.
func (c *Command) Outputs() []string {
	var out []string
	for _, r := range c.Redirs {
		if r.Writes() {
			out = append(out, r.Word.Text)
		}
	}
	return out
}

// Parse reads a command line (bash dialect). It never fails: a line that
// does not parse yields what was read before the error, with Script.Err
// set.
func Parse(line string) *Script {
	s := &Script{}
	readCode(s, line, 0, "", Environ{})
	return s
}

// readCode parses code and reads its commands into s.
func readCode(s *Script, code string, depth int, via string, env Environ) {
	f, err := parse(code)
	if err != nil && s.Err == nil {
		if via == "" {
			s.Err = err
		} else {
			s.Err = fmt.Errorf("the code given to %s: %w", via, err)
		}
	}
	if f == nil {
		return
	}
	r := &reader{s: s, src: code, depth: depth, via: via, env: env}
	r.stmts(f.Stmts)
}

// parse parses code as bash, else as zsh: agents run commands in the
// user's shell, which is zsh on a Mac, and write bash. A text neither
// parses is returned as far as bash read it, with bash's error.
func parse(code string) (*syntax.File, error) {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(code), "")
	if err == nil {
		return f, nil
	}
	if z, zerr := syntax.NewParser(syntax.Variant(syntax.LangZsh)).Parse(strings.NewReader(code), ""); zerr == nil {
		return z, nil
	}
	return f, err
}

// reader reads statements of one source text into a script.
type reader struct {
	s     *Script
	src   string // the text the syntax tree's positions refer to
	depth int
	via   string
	env   Environ // inherited by every command read
}

func (r *reader) stmts(list []*syntax.Stmt) {
	for _, st := range list {
		r.stmt(st)
	}
}

func (r *reader) stmt(st *syntax.Stmt) {
	if st == nil {
		return
	}
	if b, ok := st.Cmd.(*syntax.BinaryCmd); ok && (b.Op == syntax.AndStmt || b.Op == syntax.OrStmt) {
		r.stmt(b.X)
		r.stmt(b.Y)
		return
	}
	var elems []*syntax.Stmt
	flattenPipe(st, &elems)
	r.pipeline(elems)
}

// flattenPipe lists the statements of a pipeline a | b | c in order.
func flattenPipe(st *syntax.Stmt, out *[]*syntax.Stmt) {
	if b, ok := st.Cmd.(*syntax.BinaryCmd); ok && (b.Op == syntax.Pipe || b.Op == syntax.PipeAll) {
		flattenPipe(b.X, out)
		flattenPipe(b.Y, out)
		return
	}
	*out = append(*out, st)
}

// pipeline reads one pipeline. Its place in the script is taken first, so
// that the commands nested in it follow it.
func (r *reader) pipeline(elems []*syntax.Stmt) {
	at := len(r.s.Pipelines)
	r.s.Pipelines = append(r.s.Pipelines, nil)
	var pipe Pipeline
	for i, st := range elems {
		pipe = append(pipe, r.command(st, i > 0, pipe))
	}
	if len(pipe) == 1 && empty(pipe[0]) {
		r.s.Pipelines = slices.Delete(r.s.Pipelines, at, at+1)
		return
	}
	r.s.Pipelines[at] = pipe
}

// empty reports whether c stands for nothing of its own: a compound
// command with no redirections.
func empty(c *Command) bool {
	return len(c.Words) == 0 && len(c.Assigns) == 0 && len(c.Redirs) == 0 && c.Code == nil
}

func (r *reader) newCommand(piped bool) *Command {
	return &Command{Piped: piped, Depth: r.depth, Via: r.via, Env: r.env.clone()}
}

func (e Environ) clone() Environ {
	return Environ{Set: slices.Clone(e.Set), Cleared: e.Cleared, Unset: slices.Clone(e.Unset)}
}

// command reads one element of a pipeline; before are the elements before
// it.
func (r *reader) command(st *syntax.Stmt, piped bool, before Pipeline) *Command {
	if t, ok := st.Cmd.(*syntax.TimeClause); ok && t.Stmt != nil {
		c := r.command(t.Stmt, piped, before)
		c.Wrappers = append([]string{"time"}, c.Wrappers...)
		c.Redirs = append(c.Redirs, r.redirects(st.Redirs)...)
		return c
	}
	c := r.newCommand(piped)
	c.Redirs = r.redirects(st.Redirs)
	switch x := st.Cmd.(type) {
	case *syntax.CallExpr:
		r.call(c, x, before)
	case *syntax.DeclClause:
		r.decl(c, x)
	case *syntax.Block:
		r.stmts(x.Stmts)
	case *syntax.Subshell:
		r.stmts(x.Stmts)
	case *syntax.IfClause:
		for ic := x; ic != nil; ic = ic.Else {
			r.stmts(ic.Cond)
			r.stmts(ic.Then)
		}
	case *syntax.WhileClause:
		r.stmts(x.Cond)
		r.stmts(x.Do)
	case *syntax.ForClause:
		r.forClause(c, x)
	case *syntax.CaseClause:
		r.word(x.Word)
		for _, item := range x.Items {
			for _, p := range item.Patterns {
				r.word(p)
			}
			r.stmts(item.Stmts)
		}
	case *syntax.FuncDecl:
		r.stmt(x.Body)
	case *syntax.CoprocClause:
		r.stmt(x.Stmt)
	case *syntax.TestDecl:
		r.stmt(x.Body)
	case *syntax.TimeClause: // time alone
		c.Words = []Word{literal("time")}
	case nil: // redirections alone
	default: // [[ ]], (( )), let: only their substitutions run commands
		r.substitutionsIn(x)
	}
	return c
}

func (r *reader) redirects(rs []*syntax.Redirect) []Redirect {
	var out []Redirect
	for _, rd := range rs {
		out = append(out, r.redirect(rd))
	}
	return out
}

func (r *reader) redirect(rd *syntax.Redirect) Redirect {
	out := Redirect{Op: rd.Op.String()}
	if rd.N != nil {
		out.N = rd.N.Value
	}
	if rd.Word != nil {
		out.Word = r.word(rd.Word)
	}
	if rd.Hdoc != nil {
		q := heredocQuoting
		if out.Word.quoted() {
			q = rawQuoting // <<'EOF': the body is taken as it is
		}
		body := r.wordIn(rd.Hdoc, q)
		out.Heredoc = &body
	}
	return out
}

// call reads a simple command.
func (r *reader) call(c *Command, x *syntax.CallExpr, before Pipeline) {
	var assigns []Assign
	for _, a := range x.Assigns {
		assigns = append(assigns, r.assign(a))
	}
	for _, w := range x.Args {
		c.Words = append(c.Words, r.word(w))
	}
	if len(c.Words) == 0 {
		c.Assigns = assigns
		return
	}
	c.Env.Set = append(c.Env.Set, assigns...)
	r.unwrap(c)
	r.runs(c, before)
}

func (r *reader) assign(a *syntax.Assign) Assign {
	out := Assign{Naked: a.Naked}
	if a.Name != nil {
		out.Name = a.Name.Value
	}
	switch {
	case a.Value != nil:
		out.Value = r.wordIn(a.Value, assignQuoting)
	case a.Array != nil:
		for _, e := range a.Array.Elems {
			if e.Value != nil {
				r.word(e.Value)
			}
		}
		out.Value = Word{Text: r.source(a.Array), Parts: []Part{{Kind: Other, Text: r.source(a.Array)}}}
	case !a.Naked:
		out.Value = Word{Literal: true} // NAME=
	}
	return out
}

// decl reads export, declare, local, readonly, typeset and nameref.
func (r *reader) decl(c *Command, x *syntax.DeclClause) {
	c.Words = []Word{literal(x.Variant.Value)}
	for _, a := range x.Args {
		if a.Naked && a.Name == nil && a.Value != nil {
			c.Words = append(c.Words, r.word(a.Value)) // an option such as -x
			continue
		}
		c.Assigns = append(c.Assigns, r.assign(a))
	}
}

// forClause reads for NAME in ITEMS as the assignments of NAME, one per
// item, before the loop's body.
func (r *reader) forClause(c *Command, x *syntax.ForClause) {
	if wi, ok := x.Loop.(*syntax.WordIter); ok {
		c.Words = []Word{literal("for")}
		name := ""
		if wi.Name != nil {
			name = wi.Name.Value
		}
		if !wi.InPos.IsValid() {
			c.Assigns = append(c.Assigns, Assign{Name: name, Value: Word{Text: `"$@"`, Parts: []Part{{Kind: Param, Text: "$@", Name: "@", Quoted: true}}}})
		}
		for _, w := range wi.Items {
			c.Assigns = append(c.Assigns, Assign{Name: name, Value: r.word(w)})
		}
	} else {
		r.substitutionsIn(x.Loop)
	}
	r.stmts(x.Do)
}

// substitutionsIn reads the command and process substitutions inside a
// node that is not otherwise read (an arithmetic or test expression).
func (r *reader) substitutionsIn(n syntax.Node) {
	if n == nil {
		return
	}
	syntax.Walk(n, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.CmdSubst:
			r.nested(x.Stmts, "$( )")
			return false
		case *syntax.ProcSubst:
			r.nested(x.Stmts, procVia(x))
			return false
		}
		return true
	})
}

func procVia(x *syntax.ProcSubst) string {
	if x.Op == syntax.CmdOut {
		return ">( )"
	}
	return "<( )"
}

// nested reads statements of the same source one level deeper, into a
// script of their own whose pipelines are also the parent's.
func (r *reader) nested(stmts []*syntax.Stmt, via string) *Script {
	sub := &Script{}
	if r.depth >= MaxDepth {
		r.s.Deep = true
		return sub
	}
	child := &reader{s: sub, src: r.src, depth: r.depth + 1, via: via, env: r.env}
	child.stmts(stmts)
	r.merge(sub)
	return sub
}

// merge adds a nested script's pipelines and state to the reader's.
func (r *reader) merge(sub *Script) {
	r.s.Pipelines = append(r.s.Pipelines, sub.Pipelines...)
	r.s.Deep = r.s.Deep || sub.Deep
	if r.s.Err == nil {
		r.s.Err = sub.Err
	}
}

// source returns the text of a node as written.
func (r *reader) source(n syntax.Node) string {
	start, end := n.Pos().Offset(), n.End().Offset()
	if start > end || end > uint(len(r.src)) {
		return ""
	}
	return r.src[start:end]
}

// readCode reads code a command gives a shell, one level deeper, with the
// command's environment.
func (r *reader) readCode(c *Command, code *Code, text, via string) {
	c.Code = code
	if r.depth >= MaxDepth {
		r.s.Deep = true
		return
	}
	code.Read = true
	sub := &Script{}
	readCode(sub, text, r.depth+1, via, c.Env.clone())
	r.merge(sub)
}
