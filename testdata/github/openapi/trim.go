//go:build ignore

// Trim cuts GitHub's OpenAPI description of the REST API down to the
// operations agentcheck github calls, for internal/ghreplay to check requests
// and replayed responses against. See README.md beside it.
//
//	go run testdata/github/openapi/trim.go api.github.com.json > testdata/github/openapi/api.github.com.json
//
// It keeps the operations listed below with everything they reference
// (schemas, parameters, responses, headers), drops the examples (they are
// documentation, and reference components/examples the copy does not carry)
// and writes the result with sorted keys, so that the same description always
// gives the same bytes.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// operations are the operations agentcheck github uses: path, method.
var operations = [][2]string{
	{"/repos/{owner}/{repo}/check-runs", "post"},                 // checks/create
	{"/repos/{owner}/{repo}/check-runs/{check_run_id}", "patch"}, // checks/update
	{"/repos/{owner}/{repo}/commits/{ref}", "get"},               // repos/get-commit
	{"/repos/{owner}/{repo}/pulls/{pull_number}/commits", "get"}, // pulls/list-commits
	{"/users/{username}/ssh_signing_keys", "get"},                // users/list-ssh-signing-keys-for-user
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run trim.go api.github.com.json")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "trim:", err)
		os.Exit(1)
	}
}

func run(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	out := map[string]any{"openapi": doc["openapi"], "info": doc["info"]}
	paths := map[string]any{}
	for _, op := range operations {
		item, ok := get(doc, "paths", op[0]).(map[string]any)
		if !ok || item[op[1]] == nil {
			return fmt.Errorf("%s %s: not in the description", op[1], op[0])
		}
		kept, _ := paths[op[0]].(map[string]any)
		if kept == nil {
			kept = map[string]any{}
			paths[op[0]] = kept
		}
		kept[op[1]] = dropExamples(item[op[1]])
	}
	out["paths"] = paths

	// Copy every component the kept operations reach.
	components := map[string]any{}
	queue := refs(paths)
	seen := map[string]bool{}
	for len(queue) > 0 {
		ref := queue[0]
		queue = queue[1:]
		if seen[ref] {
			continue
		}
		seen[ref] = true
		parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
		if len(parts) != 3 || parts[0] != "components" {
			return fmt.Errorf("unexpected reference %s", ref)
		}
		v := get(doc, parts...)
		if v == nil {
			return fmt.Errorf("reference %s: not in the description", ref)
		}
		v = dropExamples(v)
		section, _ := components[parts[1]].(map[string]any)
		if section == nil {
			section = map[string]any{}
			components[parts[1]] = section
		}
		section[parts[2]] = v
		queue = append(queue, refs(v)...)
	}
	out["components"] = components

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err = os.Stdout.Write(buf.Bytes())
	return err
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

// dropExamples removes the "examples" maps of media types and parameters;
// an "examples" property of a schema (inside "properties") is kept.
func dropExamples(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			if k == "properties" {
				props := map[string]any{}
				for name, p := range x.(map[string]any) {
					props[name] = dropExamples(p)
				}
				out[k] = props
				continue
			}
			if k == "examples" {
				continue
			}
			out[k] = dropExamples(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = dropExamples(x)
		}
		return out
	}
	return v
}

// refs lists the $ref values under v.
func refs(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				out = append(out, s)
				continue
			}
			out = append(out, refs(x)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, refs(x)...)
		}
	}
	return out
}
