package hint

import (
	"errors"
	"fmt"
	"testing"
)

func TestOf(t *testing.T) {
	base := errors.New("reading key")
	inner := With(base, "inner")
	outer := With(fmt.Errorf("attesting: %w", inner), "outer")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{base, ""},
		{inner, "inner"},
		{fmt.Errorf("wrapped: %w", inner), "inner"},
		{outer, "outer"},
	} {
		if got := Of(tc.err); got != tc.want {
			t.Errorf("Of(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
	if !errors.Is(outer, base) {
		t.Error("a hint hides the error it carries")
	}
	if outer.Error() != "attesting: reading key" {
		t.Errorf("Error() = %q: a hint is not part of the message", outer.Error())
	}
}
