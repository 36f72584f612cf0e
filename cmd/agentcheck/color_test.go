package main

import "testing"

func TestWantColor(t *testing.T) {
	tests := []struct {
		when     string
		terminal bool
		env      map[string]string
		want     bool
	}{
		{"auto", true, nil, true},
		{"auto", false, nil, false},
		{"auto", true, map[string]string{"NO_COLOR": "1"}, false},
		{"auto", true, map[string]string{"NO_COLOR": "0"}, false}, // any non-empty value
		{"auto", true, map[string]string{"NO_COLOR": ""}, true},
		{"auto", true, map[string]string{"TERM": "dumb"}, false},
		{"auto", true, map[string]string{"TERM": "xterm-256color"}, true},
		{"always", false, map[string]string{"NO_COLOR": "1", "TERM": "dumb"}, true},
		{"never", true, nil, false},
	}
	for _, tt := range tests {
		got := wantColor(tt.when, tt.terminal, func(k string) string { return tt.env[k] })
		if got != tt.want {
			t.Errorf("wantColor(%q, terminal=%v, %v) = %v, want %v", tt.when, tt.terminal, tt.env, got, tt.want)
		}
	}
}
