package audit

import (
	"bytes"
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed controls.yaml
var controlsYAML []byte

// Framework is a body of controls findings are mapped to.
type Framework struct {
	ID     string   `yaml:"id" json:"id"`
	Name   string   `yaml:"name" json:"name"`
	Short  string   `yaml:"short" json:"short"`
	Column string   `yaml:"column" json:"-"` // the CSV column of its controls
	Source Document `yaml:"source" json:"source"`
}

// Document names the document a framework or control comes from.
type Document struct {
	Title string `yaml:"title" json:"title"`
	URL   string `yaml:"url" json:"url"`
}

// Control is one control, criterion, article or risk of a framework.
type Control struct {
	Framework string `yaml:"framework" json:"framework"`
	ID        string `yaml:"id" json:"id"`
	// Title is the control's name, or for criteria that have none (NIST
	// subcategories, SOC 2 criteria) a shortening of their text.
	Title   string `yaml:"title" json:"title"`
	Section string `yaml:"section" json:"section"` // where in the source document
	URL     string `yaml:"url" json:"url"`         // the control's own page, else the framework's
}

// Key is "framework/id", how the mapping names a control.
func (c Control) Key() string { return c.Framework + "/" + c.ID }

// Evidence maps one kind of record ("session") or one rule to the controls
// it evidences.
type Evidence struct {
	Of       string   `yaml:"of" json:"of"`
	Why      string   `yaml:"why" json:"why"`
	Controls []string `yaml:"controls" json:"controls"` // keys
}

// Mapping is the content of controls.yaml.
type Mapping struct {
	Version    int         `yaml:"version"`
	Frameworks []Framework `yaml:"frameworks"`
	Controls   []Control   `yaml:"controls"`
	Evidence   []Evidence  `yaml:"evidence"`
}

// EvidenceSession is the Evidence.Of of a signed session record.
const EvidenceSession = "session"

// idShape returns the shape of a framework's control IDs, nil for an
// unknown framework; an ID of another shape is a typo or an invention.
func idShape(framework string) *regexp.Regexp {
	switch framework {
	case "owasp-llm":
		return regexp.MustCompile(`^LLM(0[1-9]|10):2025$`)
	case "nist-ai-rmf":
		return regexp.MustCompile(`^(GOVERN|MAP|MEASURE|MANAGE) [1-6]\.[1-9][0-9]?$`)
	case "eu-ai-act":
		return regexp.MustCompile(`^Art\. [1-9][0-9]{0,2}$`)
	case "iso-42001":
		return regexp.MustCompile(`^A\.(?:[2-9]|10)\.[1-9](?:\.[1-9])?$`)
	case "soc2":
		return regexp.MustCompile(`^CC[1-9]\.[1-9]$`)
	}
	return nil
}

// LoadMapping parses the embedded controls.yaml and checks it: known
// frameworks, IDs of their framework's shape, every control with a title and
// a source, every mapped key a known control.
func LoadMapping() (*Mapping, error) { return parseMapping(controlsYAML) }

func parseMapping(data []byte) (*Mapping, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var m Mapping
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("reading the control mapping: %w", err)
	}
	if m.Version != 1 {
		return nil, fmt.Errorf("control mapping version %d: want 1", m.Version)
	}
	frameworks := map[string]Framework{}
	for _, f := range m.Frameworks {
		if idShape(f.ID) == nil || f.Name == "" || f.Column == "" || f.Source.Title == "" || !strings.HasPrefix(f.Source.URL, "https://") {
			return nil, fmt.Errorf("control mapping: framework %q is unknown or lacks a name, column or source", f.ID)
		}
		frameworks[f.ID] = f
	}
	keys := map[string]bool{}
	for i, c := range m.Controls {
		f, ok := frameworks[c.Framework]
		if !ok {
			return nil, fmt.Errorf("control mapping: control %q of unknown framework %q", c.ID, c.Framework)
		}
		if !idShape(c.Framework).MatchString(c.ID) {
			return nil, fmt.Errorf("control mapping: %q is not a %s control ID", c.ID, f.Name)
		}
		if c.Title == "" || c.Section == "" {
			return nil, fmt.Errorf("control mapping: control %s lacks a title or section", c.Key())
		}
		if keys[c.Key()] {
			return nil, fmt.Errorf("control mapping: control %s is listed twice", c.Key())
		}
		keys[c.Key()] = true
		if c.URL == "" {
			m.Controls[i].URL = f.Source.URL
		}
	}
	seen := map[string]bool{}
	for _, e := range m.Evidence {
		if seen[e.Of] {
			return nil, fmt.Errorf("control mapping: evidence of %q is listed twice", e.Of)
		}
		seen[e.Of] = true
		if e.Why == "" || len(e.Controls) == 0 {
			return nil, fmt.Errorf("control mapping: evidence of %q lacks a reason or controls", e.Of)
		}
		for _, k := range e.Controls {
			if !keys[k] {
				return nil, fmt.Errorf("control mapping: evidence of %q names unknown control %q", e.Of, k)
			}
		}
	}
	return &m, nil
}

// ControlsOf returns the controls a record kind or rule evidences, in the
// order of the frameworks and then of the file.
func (m *Mapping) ControlsOf(of string) []Control {
	var keys []string
	for _, e := range m.Evidence {
		if e.Of == of {
			keys = e.Controls
		}
	}
	var out []Control
	for _, f := range m.Frameworks {
		for _, c := range m.Controls {
			if c.Framework == f.ID && slices.Contains(keys, c.Key()) {
				out = append(out, c)
			}
		}
	}
	return out
}

// Why returns the reason a record kind or rule is mapped as it is.
func (m *Mapping) Why(of string) string {
	for _, e := range m.Evidence {
		if e.Of == of {
			return e.Why
		}
	}
	return ""
}

// Framework returns the framework with the given ID.
func (m *Mapping) Framework(id string) Framework {
	for _, f := range m.Frameworks {
		if f.ID == id {
			return f
		}
	}
	return Framework{ID: id, Name: id, Short: id}
}
