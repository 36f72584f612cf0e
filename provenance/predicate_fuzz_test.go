package provenance

import "testing"

// FuzzDecodeSessionPredicate decodes hostile predicates: an error or a
// predicate with an agent and a session id, never a panic.
func FuzzDecodeSessionPredicate(f *testing.F) {
	f.Add([]byte(`{"agent":{"name":"claude-code"},"session":{"id":"s"},"files":{"a":"b"}}`))
	f.Add([]byte(`{"agent":{"name":""}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, predicate []byte) {
		p, err := DecodeSessionPredicate(&Statement{PredicateType: SessionPredicateType, Predicate: predicate})
		if err == nil && (p.Agent.Name == "" || p.Session.ID == "") {
			t.Fatalf("accepted a predicate without agent or session: %s", predicate)
		}
	})
}
