package audit

import "testing"

// One wording of the runtime hook's decision for show, log and the HTML
// report; a crafted value is quoted, flattened and bounded.
func TestDecisionText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"deny", "denied by runtime policy"},
		{"warn", "warned by runtime policy"},
		{"allow\x1b[2J", `runtime decision "allow [2J"`},
	}
	for _, tt := range tests {
		if got := decisionText(tt.in); got != tt.want {
			t.Errorf("decisionText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
