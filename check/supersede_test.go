package check

import (
	"encoding/json"
	"testing"

	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
)

// superseding signs a manifest that supersedes earlier, changed by edit.
func superseding(t *testing.T, key string, earlier []byte, edit func(*provenance.SessionPredicate)) []byte {
	t.Helper()
	env, err := provenance.ParseEnvelope(earlier)
	if err != nil {
		t.Fatal(err)
	}
	st, err := env.Statement()
	if err != nil {
		t.Fatal(err)
	}
	pred, err := provenance.DecodeSessionPredicate(st)
	if err != nil {
		t.Fatal(err)
	}
	if pred.Supersedes, err = provenance.PayloadDigest(env); err != nil {
		t.Fatal(err)
	}
	edit(pred)
	if st.Predicate, err = json.Marshal(pred); err != nil {
		t.Fatal(err)
	}
	signed, err := provenance.SignStatement(st, testKey(t, key))
	if err != nil {
		t.Fatal(err)
	}
	line, err := signed.MarshalLine()
	if err != nil {
		t.Fatal(err)
	}
	return line
}

func TestJudgeSuperseded(t *testing.T) {
	ci := modified(".github/workflows/ci.yml", "on: push\n")
	changes := []Change{ci}
	changed := []string{ci.Path}
	first := manifest(t, "dev", thisCommit, changed,
		ev(journal.KindFetch, journal.Event{URL: "https://example.com/notes"}),
		edit(ci.Path, "on: push\n"))
	declare := func(p *provenance.SessionPredicate) {
		p.Task.Scope = append(p.Task.Scope, journal.ScopeDecl{Glob: ci.Path, Source: journal.SourceCLI})
	}
	tr := trust(t)
	tr.Signers = mustSigners(t, allowedLine(t, "dev@example.com", "dev")+allowedLine(t, "dev@example.com", "other"))
	tests := []struct {
		name  string
		lines func() [][]byte
		want  string
	}{
		{"first manifest alone", func() [][]byte { return [][]byte{first} },
			"AC004 error .github/workflows/ci.yml; AC007 error .github/workflows/ci.yml"},
		// The declaration counts; the fetch it keeps still taints.
		{"superseded, in either line order", func() [][]byte { return [][]byte{superseding(t, "dev", first, declare), first} },
			"AC005 note; AC007 error .github/workflows/ci.yml"},
		{"superseded by a manifest that drops the fetch", func() [][]byte {
			return [][]byte{first, superseding(t, "dev", first, func(p *provenance.SessionPredicate) { declare(p); p.Reads = nil })}
		}, "AC009 error; AC004 error .github/workflows/ci.yml; AC007 error .github/workflows/ci.yml"},
		{"superseded by a manifest that changes the files", func() [][]byte {
			return [][]byte{first, superseding(t, "dev", first, func(p *provenance.SessionPredicate) { declare(p); p.Files = map[string]string{} })}
		}, "AC009 error; AC004 error .github/workflows/ci.yml; AC007 error .github/workflows/ci.yml"},
		// Both are judged: each owns the content, so each must declare it.
		{"superseded by another trusted key", func() [][]byte { return [][]byte{first, superseding(t, "other", first, declare)} },
			"AC004 error .github/workflows/ci.yml; AC007 error .github/workflows/ci.yml; AC007 error .github/workflows/ci.yml"},
		// Neither is the latest: both are judged.
		{"two manifests superseding the same one", func() [][]byte {
			return [][]byte{first, superseding(t, "dev", first, declare), superseding(t, "dev", first, func(p *provenance.SessionPredicate) {
				declare(p)
				p.Task.Scope = append(p.Task.Scope, journal.ScopeDecl{Glob: "src/**", Source: journal.SourceCLI})
			})}
		}, "AC005 note; AC005 note; AC007 error .github/workflows/ci.yml; AC007 error .github/workflows/ci.yml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := judged(t, tr, commit(), changes, tt.lines()...)
			if got := ruleLevels(rep.Findings); got != tt.want {
				t.Errorf("findings %s, want %s", got, tt.want)
				for _, f := range rep.Findings {
					t.Log(f.Message)
				}
			}
		})
	}
}
