package gate

import (
	"errors"
	"fmt"
	"testing"

	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/hint"
)

func TestWithHint(t *testing.T) {
	plain := errors.New("reading object")
	trust := &TrustError{Err: errors.New("policy does not parse")}
	history := fmt.Errorf("walking: %w", &git.IncompleteHistoryError{})
	for _, tc := range []struct {
		err  error
		want string
	}{
		{plain, ""},
		{trust, "fix the policy"},
		{history, (&git.IncompleteHistoryError{}).Hint()},
	} {
		err := WithHint(tc.err, "fix the policy")
		if got := hint.Of(err); got != tc.want {
			t.Errorf("WithHint(%v): hint %q, want %q", tc.err, got, tc.want)
		}
		if !errors.Is(err, tc.err) {
			t.Errorf("WithHint(%v) lost the error", tc.err)
		}
	}
}
