package scope

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

func TestDefaultYAMLParsesToDefault(t *testing.T) {
	p, err := Parse(DefaultYAML(), ".agentcheck.yml")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Default(), p); diff != "" {
		t.Errorf("Parse(DefaultYAML()) is not Default() (-want +got):\n%s", diff)
	}
}

// TestDefaultYAMLExplainsEveryKey: a human editing the file must find every
// key explained next to it, and every protected glob with its reason.
func TestDefaultYAMLExplainsEveryKey(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal(DefaultYAML(), &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := strings.TrimPrefix(path+"."+k.Value, ".")
				// Inside a class the keys are explained once, above
				// "protected:".
				inClass := strings.HasPrefix(path, "protected.")
				if !inClass && strings.TrimSpace(k.HeadComment) == "" && strings.TrimSpace(k.LineComment) == "" {
					t.Errorf("key %s (line %d) has no comment", p, k.Line)
				}
				walk(v, p)
			}
		case yaml.SequenceNode:
			if strings.HasSuffix(path, ".paths") {
				for _, item := range n.Content {
					if strings.TrimSpace(item.HeadComment) == "" {
						t.Errorf("glob %q of %s (line %d) has no reason", item.Value, path, item.Line)
					}
				}
			}
		}
	}
	walk(&doc, "")
}

func TestDefaultYAMLLayout(t *testing.T) {
	for i, line := range strings.Split(string(DefaultYAML()), "\n") {
		if len(line) > tmplWidth+2 {
			t.Errorf("line %d is %d characters long: %s", i+1, len(line), line)
		}
		if strings.HasSuffix(line, " ") || strings.Contains(line, "\t") {
			t.Errorf("line %d has a tab or trailing blank: %q", i+1, line)
		}
	}
}
