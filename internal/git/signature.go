package git

import (
	"fmt"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// Signature is the author or committer of a commit.
type Signature struct {
	Name  string
	Email string
	// When is the time recorded in the commit, in the recorded zone. A
	// time git could not parse either is the Unix epoch.
	When time.Time
}

// encode writes s as a commit header records it: "Name <email> seconds
// +zone".
func (s Signature) encode(b *strings.Builder) {
	secs := max(s.When.Unix(), 0)
	fmt.Fprintf(b, "%s <%s> %d %s", s.Name, s.Email, secs, s.When.Format("-0700"))
}

// encodeCommit returns the raw commit object of tree with parents, made by
// sig, with message, as git writes it.
func encodeCommit(tree plumbing.Hash, parents []plumbing.Hash, sig Signature, message string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "tree %s\n", tree)
	for _, p := range parents {
		fmt.Fprintf(&b, "parent %s\n", p)
	}
	b.WriteString("author ")
	sig.encode(&b)
	b.WriteString("\ncommitter ")
	sig.encode(&b)
	b.WriteString("\n\n")
	b.WriteString(message)
	return []byte(b.String())
}
