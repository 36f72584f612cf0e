package scope

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

func compileSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(SchemaJSON))
	if err != nil {
		t.Fatalf("reading policy.schema.json: %v", err)
	}
	c := jsonschema.NewCompiler()
	const url = "https://agentcheck.dev/schema/policy-v1.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatalf("adding policy.schema.json: %v", err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compiling policy.schema.json: %v", err)
	}
	return sch
}

// yamlToJSON converts a YAML document to the value an editor's schema
// checker sees.
func yamlToJSON(t testing.TB, src []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		t.Fatalf("reading YAML: %v\n%s", err, src)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("converting YAML to JSON: %v\n%s", err, src)
	}
	j, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("reading JSON: %v", err)
	}
	return j
}

// goodPolicies are files both the schema and Parse accept.
var goodPolicies = map[string]string{
	"minimal":   "version: 1\n",
	"design":    designExample,
	"null keys": "version: 1\nagents:\ntrust:\nprotected:\n  ci:\nscope:\n",
	"everything": `
version: 1
require: all
agents: {trailers: ["Agent-Session:"], authors: ["*[bot]@users.noreply.github.com"]}
trust: {allowed_signers: keys/allowed_signers, github_ssh_keys: true, approvers: keys/approvers}
runtime: warn
record: {prompts: hash}
server: {platform_merges: check}
protected:
  ci: {action: block}
  auth: {paths: ["**/auth/**", "!**/*.md"]}
  secrets: {action: off}
  billing: {action: declare, paths: ["internal/billing/**", "\\!weird"]}
scope: {enforce: false, always: ["**/yarn.lock"]}
taint: {trusted_hosts: [pkg.go.dev, "*.python.org", "localhost:8080"], trusted_mcp: [github]}
approvals: {never: [AC002, AC003, AC009, AC007], allow_self: true}
`,
}

// badPolicies are files both the schema and Parse reject.
var badPolicies = map[string]string{
	"no version":           "runtime: warn\n",
	"version 2":            "version: 2\n",
	"version string":       "version: \"1\"\n",
	"unknown key":          "version: 1\nprotcted: {}\n",
	"unknown nested key":   "version: 1\nscope: {enforced: true}\n",
	"bad enum":             "version: 1\nrequire: some\n",
	"bad runtime":          "version: 1\nruntime: false\n",
	"bad action":           "version: 1\nprotected: {ci: {action: deny}}\n",
	"bad class key":        "version: 1\nprotected: {ci: {pathz: []}}\n",
	"bad class name":       "version: 1\nprotected: {CI: {action: warn, paths: [a]}}\n",
	"new class incomplete": "version: 1\nprotected: {billing: {action: warn}}\n",
	"new class null":       "version: 1\nprotected: {billing: }\n",
	"bool as string":       "version: 1\nscope: {enforce: \"true\"}\n",
	"list as string":       "version: 1\nscope: {always: go.sum}\n",
	"null list":            "version: 1\nscope: {always: }\n",
	"number in list":       "version: 1\nscope: {always: [1]}\n",
	"empty string":         "version: 1\ntrust: {approvers: \"\"}\n",
	"absolute glob":        "version: 1\nscope: {always: [/go.sum]}\n",
	"dot-slash glob":       "version: 1\nprotected: {ci: {paths: [./x]}}\n",
	"escaping glob":        "version: 1\nprotected: {ci: {paths: [\"!../x\"]}}\n",
	"trailing slash":       "version: 1\nprotected: {ci: {paths: [.github/]}}\n",
	"empty exclusion":      "version: 1\nprotected: {ci: {paths: [\"!\"]}}\n",
	"exclusion in always":  "version: 1\nscope: {always: [\"!go.sum\"]}\n",
	"host as URL":          "version: 1\ntaint: {trusted_hosts: [\"https://pkg.go.dev\"]}\n",
	"bad rule id":          "version: 1\napprovals: {never: [AC002, AC003, AC009, AC1]}\n",
	"never drops AC009":    "version: 1\napprovals: {never: [AC002, AC003]}\n",
	"control character":    "version: 1\nagents: {trailers: [\"a\\tb\"]}\n",
	"list document":        "- version: 1\n",
}

func TestSchemaAgreesWithParse(t *testing.T) {
	sch := compileSchema(t)
	good := map[string]string{"DefaultYAML": string(DefaultYAML())}
	for k, v := range goodPolicies {
		good[k] = v
	}
	for name, src := range good {
		if err := sch.Validate(yamlToJSON(t, []byte(src))); err != nil {
			t.Errorf("%s: schema rejects it: %v", name, err)
		}
		if _, err := Parse([]byte(src), name); err != nil {
			t.Errorf("%s: Parse rejects it: %v", name, err)
		}
	}
	for name, src := range badPolicies {
		if err := sch.Validate(yamlToJSON(t, []byte(src))); err == nil {
			t.Errorf("%s: schema accepts it", name)
		}
		if _, err := Parse([]byte(src), name); err == nil {
			t.Errorf("%s: Parse accepts it", name)
		}
	}
}

// TestSchemaDefaults: the defaults an editor shows are the built-in ones.
func TestSchemaDefaults(t *testing.T) {
	var schema map[string]any
	if err := json.Unmarshal(SchemaJSON, &schema); err != nil {
		t.Fatal(err)
	}
	var def map[string]any
	out, err := yaml.Marshal(Default())
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(mustJSON(t, out), &def); err != nil {
		t.Fatal(err)
	}
	var walk func(props map[string]any, values map[string]any, where string)
	walk = func(props map[string]any, values map[string]any, where string) {
		for key, raw := range props {
			prop := raw.(map[string]any)
			if d, ok := prop["default"]; ok {
				if diff := cmp.Diff(values[key], d); diff != "" {
					t.Errorf("schema default of %s%s differs from Default() (-Default +schema):\n%s", where, key, diff)
				}
			}
			if sub, ok := prop["properties"].(map[string]any); ok && key != "protected" {
				walk(sub, values[key].(map[string]any), where+key+".")
			}
		}
	}
	walk(schema["properties"].(map[string]any), def, "")

	// Every built-in class has completion in the schema.
	classes := schema["properties"].(map[string]any)["protected"].(map[string]any)["properties"].(map[string]any)
	for _, c := range defaultClasses() {
		if _, ok := classes[c.name]; !ok {
			t.Errorf("schema lacks built-in class %s", c.name)
		}
	}
	if len(classes) != len(defaultClasses()) {
		t.Errorf("schema names %d built-in classes, Default has %d", len(classes), len(defaultClasses()))
	}
}

func mustJSON(t *testing.T, y []byte) []byte {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(y, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestREADMEExamples: every ```yaml block of the README and of docs/ is a
// policy example and must validate. Other YAML there (a workflow) is fenced
// with another info string, e.g. "```yml" or "```yaml .github/workflows/gate.yml".
func TestREADMEExamples(t *testing.T) {
	docs, err := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 {
		t.Fatal("no docs/*.md found")
	}
	for i, d := range docs {
		docs[i] = filepath.ToSlash(strings.TrimPrefix(d, ".."+string(filepath.Separator)))
	}
	for _, doc := range append([]string{"README.md"}, docs...) {
		data, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(doc)))
		if errors.Is(err, fs.ErrNotExist) {
			t.Logf("no %s", doc)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		blocks := yamlBlocks(string(data))
		sch := compileSchema(t)
		for _, b := range blocks {
			if err := sch.Validate(yamlToJSON(t, []byte(b.text))); err != nil {
				t.Errorf("%s:%d: policy example does not validate: %v", doc, b.line, err)
			}
			if _, err := Parse([]byte(b.text), doc+" example"); err != nil {
				t.Errorf("%s:%d: policy example does not parse: %v", doc, b.line, err)
			}
		}
	}
}

type fenced struct {
	line int
	text string
}

// yamlBlocks returns the contents of the fenced code blocks whose info
// string is exactly "yaml".
func yamlBlocks(md string) []fenced {
	var out []fenced
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```yaml" {
			continue
		}
		start := i + 1
		var body []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			body = append(body, lines[i])
		}
		out = append(out, fenced{line: start + 1, text: strings.Join(body, "\n")})
	}
	return out
}

func TestYAMLBlocks(t *testing.T) {
	md := "# x\n```yaml\nversion: 1\n```\ntext\n```yaml .github/workflows/gate.yml\non: push\n```\n```yml\na: 1\n```\n"
	got := yamlBlocks(md)
	want := []fenced{{line: 3, text: "version: 1"}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(fenced{})); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
