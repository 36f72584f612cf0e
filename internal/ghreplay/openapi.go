package ghreplay

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Description is GitHub's OpenAPI description of the operations the client
// may call (testdata/github/openapi), compiled for checking requests and
// responses against it.
//
// The description is OpenAPI 3.0, whose schemas are JSON Schema with one
// difference that matters here: "nullable: true" allows null. Each schema is
// rewritten into JSON Schema 2020-12 (a nullable schema S becomes
// anyOf [null, S]) and compiled with santhosh-tekuri/jsonschema.
type Description struct {
	ops []*operation
}

// operation is one operation of the description.
type operation struct {
	id     string // operationId, e.g. checks/create
	method string
	path   string         // the template, e.g. /repos/{owner}/{repo}/check-runs
	re     *regexp.Regexp // the template as a regular expression
	names  []string       // the template's parameters, in order
	params []*parameter
	body   *jsonschema.Schema // nil for an operation without a request body
	// responses maps a status ("201", "404") to the schema of its JSON
	// body; a status with no JSON body maps to nil.
	responses map[string]*jsonschema.Schema
}

type parameter struct {
	name     string
	in       string // path or query
	required bool
	integer  bool // the value must be an integer
	schema   *jsonschema.Schema
}

// LoadDescription reads and compiles a description written by
// testdata/github/openapi/trim.go.
func LoadDescription(file string) (*Description, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	d, err := compileDescription(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return d, nil
}

// schemaURL names the JSON Schema document the description's schemas are
// gathered into; it is never fetched.
const schemaURL = "mem:///github-openapi.json"

func compileDescription(doc map[string]any) (*Description, error) {
	// Gather every schema into one JSON Schema document under $defs: the
	// components by their names, the operations' own schemas by generated
	// names. References to #/components/schemas/NAME become #/$defs/NAME.
	defs := map[string]any{}
	components, _ := get(doc, "components", "schemas").(map[string]any)
	for name, s := range components {
		defs[name] = toJSONSchema(s)
	}
	type pending struct {
		op   *operation
		kind string // body, response, parameter
		key  string // the status or the parameter's name
		def  string
	}
	var todo []pending
	addDef := func(s any) string {
		name := fmt.Sprintf("op%d", len(todo))
		defs[name] = toJSONSchema(s)
		return name
	}
	d := &Description{}
	paths, _ := doc["paths"].(map[string]any)
	for _, p := range sortedKeys(paths) {
		item := paths[p].(map[string]any)
		for _, method := range sortedKeys(item) {
			raw, ok := item[method].(map[string]any)
			if !ok {
				continue
			}
			op, err := newOperation(strings.ToUpper(method), p, raw)
			if err != nil {
				return nil, err
			}
			params, _ := raw["parameters"].([]any)
			for _, pr := range params {
				pm, err := resolve(doc, pr)
				if err != nil {
					return nil, err
				}
				prm := &parameter{name: str(pm["name"]), in: str(pm["in"]), required: pm["required"] == true}
				if s, ok := pm["schema"].(map[string]any); ok {
					prm.integer = s["type"] == "integer"
					todo = append(todo, pending{op, "parameter", prm.name, addDef(s)})
				}
				op.params = append(op.params, prm)
			}
			if s := get(raw, "requestBody", "content", "application/json", "schema"); s != nil {
				todo = append(todo, pending{op, "body", "", addDef(s)})
			}
			responses, _ := raw["responses"].(map[string]any)
			for _, status := range sortedKeys(responses) {
				r, err := resolve(doc, responses[status])
				if err != nil {
					return nil, err
				}
				op.responses[status] = nil
				if s := get(r, "content", "application/json", "schema"); s != nil {
					todo = append(todo, pending{op, "response", status, addDef(s)})
				}
			}
			d.ops = append(d.ops, op)
		}
	}

	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(schemaURL, map[string]any{"$defs": defs}); err != nil {
		return nil, err
	}
	for _, t := range todo {
		s, err := c.Compile(schemaURL + "#/$defs/" + t.def)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", t.op.id, t.kind, err)
		}
		switch t.kind {
		case "body":
			t.op.body = s
		case "response":
			t.op.responses[t.key] = s
		case "parameter":
			for _, p := range t.op.params {
				if p.name == t.key {
					p.schema = s
				}
			}
		}
	}
	return d, nil
}

var paramRE = regexp.MustCompile(`\{([a-z_]+)\}`)

func newOperation(method, path string, raw map[string]any) (*operation, error) {
	op := &operation{id: str(raw["operationId"]), method: method, path: path, responses: map[string]*jsonschema.Schema{}}
	if op.id == "" {
		return nil, fmt.Errorf("%s %s has no operationId", method, path)
	}
	// QuoteMeta escapes the template's braces too: undo that, then turn
	// each {name} into a group that matches one path segment.
	expr := strings.NewReplacer(`\{`, "{", `\}`, "}").Replace(regexp.QuoteMeta(path))
	expr = paramRE.ReplaceAllStringFunc(expr, func(m string) string {
		op.names = append(op.names, strings.Trim(m, "{}"))
		return `([^/]+)`
	})
	re, err := regexp.Compile("^" + expr + "$")
	if err != nil {
		return nil, err
	}
	op.re = re
	return op, nil
}

// toJSONSchema rewrites an OpenAPI 3.0 schema object as JSON Schema 2020-12.
func toJSONSchema(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, x := range m {
		switch k {
		case "nullable", "discriminator", "example", "deprecated":
			// nullable is handled below; the others only document.
		case "$ref":
			out[k] = strings.Replace(str(x), "#/components/schemas/", "#/$defs/", 1)
		case "properties":
			props := map[string]any{}
			for name, p := range x.(map[string]any) {
				props[name] = toJSONSchema(p)
			}
			out[k] = props
		case "items", "additionalProperties", "not":
			out[k] = toJSONSchema(x)
		case "allOf", "anyOf", "oneOf":
			var list []any
			for _, s := range x.([]any) {
				list = append(list, toJSONSchema(s))
			}
			out[k] = list
		default:
			if strings.HasPrefix(k, "x-") {
				continue
			}
			out[k] = x
		}
	}
	if m["nullable"] == true {
		return map[string]any{"anyOf": []any{map[string]any{"type": "null"}, out}}
	}
	return out
}

// resolve follows a $ref to a component (a parameter, a response).
func resolve(doc map[string]any, v any) (map[string]any, error) {
	m, _ := v.(map[string]any)
	ref, ok := m["$ref"].(string)
	if !ok {
		return m, nil
	}
	parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
	r, ok := get(doc, parts...).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("reference %s: not in the description", ref)
	}
	return r, nil
}

// match finds the operation a request is for and the values of its path
// parameters.
func (d *Description) match(method, path string) (*operation, map[string]string) {
	for _, op := range d.ops {
		if op.method != method {
			continue
		}
		m := op.re.FindStringSubmatch(path)
		if m == nil {
			continue
		}
		vals := map[string]string{}
		for i, name := range op.names {
			v, err := url.PathUnescape(m[i+1])
			if err != nil {
				v = m[i+1]
			}
			vals[name] = v
		}
		return op, vals
	}
	return nil, nil
}

// checkRequest says what is wrong with a request for op, by the
// description: its path and query parameters, its body, and the headers
// GitHub's REST documentation asks every client to send.
func (op *operation) checkRequest(r *http.Request, pathVals map[string]string, body []byte) []string {
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s %s: ", op.method, r.URL.Path)+fmt.Sprintf(format, args...))
	}
	query := r.URL.Query()
	declared := map[string]bool{}
	for _, p := range op.params {
		var vals []string
		switch p.in {
		case "path":
			if v, ok := pathVals[p.name]; ok {
				vals = []string{v}
			}
		case "query":
			declared[p.name] = true
			vals = query[p.name]
		default:
			continue
		}
		if len(vals) == 0 {
			if p.required {
				bad("parameter %s is required", p.name)
			}
			continue
		}
		if len(vals) > 1 {
			bad("parameter %s given %d times", p.name, len(vals))
		}
		var inst any = vals[0]
		if p.integer {
			n, err := strconv.ParseInt(vals[0], 10, 64)
			if err != nil {
				bad("parameter %s=%q is not an integer", p.name, vals[0])
				continue
			}
			inst = json.Number(strconv.FormatInt(n, 10))
		}
		if p.schema != nil {
			if err := p.schema.Validate(inst); err != nil {
				bad("parameter %s: %s", p.name, oneLine(err))
			}
		}
	}
	for _, k := range sortedKeys(query) {
		if !declared[k] {
			bad("query parameter %s is not in the description", k)
		}
	}

	switch {
	case op.body == nil && len(body) > 0:
		bad("the operation takes no body")
	case op.body != nil && len(body) == 0:
		bad("the request body is missing")
	case op.body != nil:
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			bad("Content-Type %q, want application/json", ct)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			bad("the body is not JSON: %v", err)
		} else if err := op.body.Validate(inst); err != nil {
			bad("body: %s", oneLine(err))
		}
	}

	// "Setting the Accept header" and "API versions" in GitHub's REST
	// documentation: application/vnd.github+json, version 2022-11-28.
	if a := r.Header.Get("Accept"); a != "application/vnd.github+json" {
		bad("Accept %q, want application/vnd.github+json", a)
	}
	if v := r.Header.Get("X-GitHub-Api-Version"); v != "2022-11-28" {
		bad("X-GitHub-Api-Version %q, want 2022-11-28", v)
	}
	if r.Header.Get("User-Agent") == "" {
		bad("no User-Agent: GitHub refuses requests without one")
	}
	if a := r.Header.Get("Authorization"); a != "" && !strings.HasPrefix(a, "Bearer ") {
		bad("Authorization is not a bearer token")
	}
	return problems
}

// checkResponse says what is wrong with a JSON response body the server is
// about to send for op with status, by the description. A status the
// description does not list for the operation (a rate limit, a server
// error) has no schema to check against.
func (op *operation) checkResponse(status int, body []byte) []string {
	s, ok := op.responses[strconv.Itoa(status)]
	if !ok || s == nil {
		return nil
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err == nil {
		err = s.Validate(inst)
	}
	if err != nil {
		return []string{fmt.Sprintf("response %d to %s (%s): %s", status, op.id, op.path, oneLine(err))}
	}
	return nil
}

// oneLine flattens a validation error into one line: each failing keyword
// with the place in the instance it failed at.
func oneLine(err error) string {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return strings.ReplaceAll(err.Error(), "\n", " ")
	}
	var parts []string
	seen := map[string]bool{}
	for _, u := range ve.BasicOutput().Errors {
		if u.Error == nil {
			continue
		}
		p := "at " + cmp.Or(u.InstanceLocation, "/") + ": " + u.Error.String()
		if !seen[p] {
			seen[p] = true
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "; ")
}

func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func str(v any) string { s, _ := v.(string); return s }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
