package git

import "testing"

func TestParseReflogLine(t *testing.T) {
	old := "0123456789abcdef0123456789abcdef01234567"
	nw := "89abcdef0123456789abcdef0123456789abcdef"
	tests := []struct {
		line string
		ok   bool
		msg  string
	}{
		{old + " " + nw + " A U Thor <a@example.com> 1700000000 +0000\tfetch origin: fast-forward", true, "fetch origin: fast-forward"},
		{old + " " + nw + " A U Thor <a@example.com> 1700000000 +0000", true, ""},
		{old + " " + nw, false, ""},
		{old + "x" + nw + " A <a> 1 +0000\tm", false, ""},
		{"", false, ""},
		{"zz" + old[2:] + " " + nw + " A <a> 1 +0000\tm", false, ""},
	}
	for _, tt := range tests {
		e, ok := parseReflogLine([]byte(tt.line))
		if ok != tt.ok || ok && (e.Message != tt.msg || e.Old.String() != old || e.New.String() != nw) {
			t.Errorf("parseReflogLine(%q) = %+v, %v", tt.line, e, ok)
		}
	}
}

func FuzzParseReflogLine(f *testing.F) {
	f.Add([]byte("0123456789abcdef0123456789abcdef01234567 89abcdef0123456789abcdef0123456789abcdef A <a> 1 +0000\tfetch: fast-forward"))
	f.Fuzz(func(t *testing.T, line []byte) {
		e, ok := parseReflogLine(line)
		if ok && len(line) < 81 {
			t.Fatalf("parsed a line too short to hold two ids: %q → %+v", line, e)
		}
	})
}
