package agentcheck_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestMessageStyle holds every hint and error message the tree writes to
// one convention, the one most of them already followed: the CLI prints
// them after "agentcheck: error: " and "agentcheck: hint: ", so each starts
// in lower case (an identifier or acronym may start it: GIT_DIR, SSH, HEAD)
// and ends without a full stop. It reads the source: the hints given to
// hint.With, withHint and gate.WithHint and in Hint fields, the text
// after "hint: " in printed lines, and the messages of errors.New,
// fmt.Errorf and usageError.
func TestMessageStyle(t *testing.T) {
	fset := token.NewFileSet()
	counted := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || path == "tools" || path == "e2e") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		msgs := messagesIn(f)
		counted += len(msgs)
		for _, m := range msgs {
			if problem := messageProblem(m.text); problem != "" {
				t.Errorf("%s: %s %q %s", fset.Position(m.pos), m.kind, m.text, problem)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d messages", counted)
}

type message struct {
	pos        token.Pos
	kind, text string
}

// messagesIn finds the hints and error messages of a file whose text
// starts with a string literal.
func messagesIn(f *ast.File) []message {
	var out []message
	add := func(kind string, e ast.Expr) {
		if s, pos, ok := leadingLiteral(e); ok {
			out = append(out, message{pos, kind, s})
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			name := callee(n.Fun)
			if name == "With" && f.Name.Name == "hint" {
				name = "hint.With"
			}
			switch name {
			case "hint.With", "withHint", "gate.WithHint", "WithHint":
				if len(n.Args) == 2 {
					add("hint", n.Args[1])
				}
			case "cc.add", "cc.finding":
				if len(n.Args) > 4 {
					add("hint", n.Args[4])
				}
			case "errors.New", "fmt.Errorf", "usageError":
				if len(n.Args) > 0 {
					add("error", n.Args[0])
				}
			case "fmt.Fprintf", "fmt.Fprintln", "fmt.Sprintf":
				for _, a := range n.Args {
					s, pos, ok := leadingLiteral(a)
					if !ok {
						continue
					}
					for _, kind := range []string{"error", "hint", "warning"} {
						for _, line := range strings.Split(s, "\n") {
							if _, m, found := strings.Cut(line, "agentcheck: "+kind+": "); found {
								out = append(out, message{pos, kind, m})
							}
						}
					}
				}
			}
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok && isHintName(id.Name) && i < len(n.Rhs) {
					add("hint", n.Rhs[i])
				}
			}
		case *ast.FuncDecl:
			if isHintName(n.Name.Name) && n.Body != nil {
				ast.Inspect(n.Body, func(m ast.Node) bool {
					if r, ok := m.(*ast.ReturnStmt); ok {
						for _, e := range r.Results {
							add("hint", e)
						}
					}
					return true
				})
			}
		case *ast.KeyValueExpr:
			if k, ok := n.Key.(*ast.Ident); ok && isHintName(k.Name) {
				add("hint", n.Value)
			}
		}
		return true
	})
	return out
}

// isHintName reports whether a variable, field or function holds or makes
// a hint: hint, Hint, trustHint, approvalHint.
func isHintName(name string) bool { return strings.HasSuffix(strings.ToLower(name), "hint") }

// callee names a called function as written: "errors.New", "withHint".
func callee(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			return x.Name + "." + e.Sel.Name
		}
	}
	return ""
}

// leadingLiteral returns the string literal an expression starts with:
// the literal itself, the left end of a concatenation, or the format of a
// fmt.Sprintf.
func leadingLiteral(e ast.Expr) (string, token.Pos, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", 0, false
		}
		s, err := strconv.Unquote(e.Value)
		return s, e.Pos(), err == nil
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			return leadingLiteral(e.X)
		}
	case *ast.CallExpr:
		if callee(e.Fun) == "fmt.Sprintf" && len(e.Args) > 0 {
			return leadingLiteral(e.Args[0])
		}
	}
	return "", 0, false
}

// capitalized is a first word in sentence case ("Run", "The"), as opposed
// to an identifier or acronym (HEAD, GitHub, SSH_AUTH_SOCK).
var capitalized = regexp.MustCompile(`^[A-Z][a-z]+\b`)

// messageProblem says what is wrong with a message's text, or "".
func messageProblem(s string) string {
	s = strings.TrimRight(s, "\n")
	switch {
	case capitalized.MatchString(s):
		return "starts with a capital: start in lower case"
	case strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "..."):
		return "ends with a full stop: drop it"
	}
	return ""
}
