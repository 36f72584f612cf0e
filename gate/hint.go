package gate

import (
	"errors"

	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/hint"
)

// WithHint adds to an error of [CheckRange] the hint that fixes it:
// trustHint to a trusted side that cannot be read ([TrustError]), the fetch
// hint to an incomplete history. Any other error is returned as it is.
func WithHint(err error, trustHint string) error {
	var te *TrustError
	if errors.As(err, &te) {
		return hint.With(err, trustHint)
	}
	var ih *git.IncompleteHistoryError
	if errors.As(err, &ih) {
		return hint.With(err, ih.Hint())
	}
	return err
}
