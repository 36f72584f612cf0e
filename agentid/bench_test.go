package agentid_test

import (
	"testing"

	"github.com/agentcheck/agentcheck/agentid"
	"github.com/agentcheck/agentcheck/internal/git"
)

// BenchmarkRecognize measures recognition of one commit, from the checker's
// parsed commit (subject and trailers included), over the labelled real
// commits. BenchmarkParseCommit is the parsing of the same commits that every
// checked commit costs anyway, for comparison.
func BenchmarkRecognize(b *testing.B) {
	ls := loadLabelled(b)
	rec := agentid.NewRecognizer(agentid.Builtin())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec.Recognize(commitOf(ls[i%len(ls)]))
	}
}

func BenchmarkParseCommit(b *testing.B) {
	ls := loadLabelled(b)
	raw := make([][]byte, len(ls))
	for i, l := range ls {
		raw[i] = []byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor " + l.Author + " 1700000000 +0000\ncommitter " + l.Committer + " 1700000000 +0000\n\n" + l.Message)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := git.ParseCommit(git.ZeroHash, raw[i%len(raw)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuild is the once-per-run cost: parsing the embedded registry and
// indexing it.
func BenchmarkBuild(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		agentid.NewRecognizer(agentid.Builtin())
	}
}
