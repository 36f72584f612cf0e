// Package hint attaches to an error what the user can do about it. The
// packages behind the CLI return such errors; the CLI prints the error on
// one line and the hint on the next:
//
//	agentcheck: error: loading signing key ~/.ssh/id_ed25519 (from user.signingkey): …
//	agentcheck: hint: add the key to ssh-agent (ssh-add ~/.ssh/id_ed25519) and make sure SSH_AUTH_SOCK is set
package hint

import "errors"

// Error is an error with a hint.
type Error struct {
	Err  error
	Hint string
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// With returns err with the hint h, or err itself when h is "". A hint
// given later, further out, replaces one err already carries.
func With(err error, h string) error {
	if h == "" {
		return err
	}
	return &Error{Err: err, Hint: h}
}

// Of returns the outermost hint err carries, or "".
func Of(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Hint
	}
	return ""
}
