package action

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
)

func TestWorkflowCommandEscaping(t *testing.T) {
	for _, tc := range []struct {
		name    string
		props   map[string]string
		message string
		want    string
	}{
		{"error", map[string]string{"file": "app.js", "line": "1"}, "Something went wrong",
			"::error file=app.js,line=1::Something went wrong\n"},
		// The toolkit's escapeData: % first, then CR and LF.
		{"warning", nil, "100% sure\r\nnext line", "::warning::100%25 sure%0D%0Anext line\n"},
		// escapeProperty adds ':' and ','.
		{"error", map[string]string{"file": "a,b:c%d\ne.go", "title": "AC004 x, y: z"}, "m",
			"::error file=a%2Cb%3Ac%25d%0Ae.go,title=AC004 x%2C y%3A z::m\n"},
		// A hostile message cannot start a command of its own.
		{"notice", nil, "done\n::add-mask::secret\n::error::forged", "::notice::done%0A::add-mask::secret%0A::error::forged\n"},
		// Empty properties are left out.
		{"error", map[string]string{"file": "", "line": "3"}, "x", "::error line=3::x\n"},
	} {
		var b bytes.Buffer
		if err := WriteCommand(&b, tc.name, tc.props, tc.message); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("WriteCommand(%q, %v, %q)\n got %q\nwant %q", tc.name, tc.props, tc.message, b.String(), tc.want)
		}
	}
}

func TestAnnotationCommands(t *testing.T) {
	r := testReport(t)
	var b bytes.Buffer
	if err := WriteAnnotationCommands(&b, r); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != len(r.Findings()) {
		t.Fatalf("%d commands for %d findings:\n%s", len(lines), len(r.Findings()), b.String())
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "::error ") && !strings.HasPrefix(l, "::warning ") && !strings.HasPrefix(l, "::notice ") {
			t.Errorf("line %q is not an annotation command", l)
		}
	}
	want := "::error file=.github/workflows/ci.yml,line=3,title=AC004 protected-path (commit " + short(commitB) + ")::"
	if !strings.HasPrefix(lines[1], want) {
		t.Errorf("second command = %q, want prefix %q", lines[1], want)
	}
	// The hostile path stays inside its property.
	if !strings.Contains(b.String(), "file=docs/evil%0A%3A%3Aerror%3A%3Ax%2Cy.md,") {
		t.Errorf("hostile path not escaped:\n%s", b.String())
	}
}

func TestWriteOutputs(t *testing.T) {
	var b bytes.Buffer
	value := "two\nlines\nfindings<<EOF\nresult=success"
	if err := WriteOutputs(&b, [][2]string{{"result", "failure"}, {"text", value}}); err != nil {
		t.Fatal(err)
	}
	// Parse it back the way the runner does.
	got := map[string]string{}
	sc := bufio.NewScanner(&b)
	for sc.Scan() {
		name, delim, ok := strings.Cut(sc.Text(), "<<")
		if !ok {
			t.Fatalf("line %q is not name<<delimiter", sc.Text())
		}
		var v []string
		for sc.Scan() && sc.Text() != delim {
			v = append(v, sc.Text())
		}
		got[name] = strings.Join(v, "\n")
	}
	if got["result"] != "failure" || got["text"] != value || len(got) != 2 {
		t.Errorf("outputs = %q", got)
	}
	if err := WriteOutputs(&b, [][2]string{{"a\nb", "x"}}); err == nil {
		t.Error("an output name with a newline was accepted")
	}
}
