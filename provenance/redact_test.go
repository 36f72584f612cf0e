package provenance

import (
	"strings"
	"testing"
)

func TestMaskSecrets(t *testing.T) {
	tests := []struct {
		in     string
		secret string // must not survive
		keep   string // must survive
	}{
		{"aws s3 ls --profile x AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE", "aws s3 ls"},
		{"export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY && aws s3 ls", "wJalrXUtnFEMI", "AWS_SECRET_ACCESS_KEY=" + Masked},
		{"GITHUB_TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 gh pr list", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "gh pr list"},
		{"gh auth login --with-token github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "github_pat_11ABCDEFG", "gh auth login"},
		{`curl -H "Authorization: Bearer abc.def.ghi" https://api.example.com/x`, "abc.def.ghi", "https://api.example.com/x"},
		{`curl -H 'authorization: token s3cr3t' https://x`, "s3cr3t", "curl"},
		{"PASSWORD=hunter2 ./run.sh", "hunter2", "./run.sh"},
		{"DB_PASSWORD='p a s s' make db", "p a s s", "make db"},
		{"mysql --password=hunter2 -u root", "hunter2", "-u root"},
		{"git clone https://bob:tok3n@github.com/x/y.git", "tok3n", "github.com/x/y.git"},
		{"curl -u admin:hunter2 https://x", "hunter2", "-u admin:"},
		{"go test ./...", "", "go test ./..."},
		{"echo $PATH && ls -la", "", "echo $PATH && ls -la"},
	}
	for _, tt := range tests {
		got := MaskSecrets(tt.in)
		if tt.secret != "" && strings.Contains(got, tt.secret) {
			t.Errorf("MaskSecrets(%q) = %q: the secret survived", tt.in, got)
		}
		if !strings.Contains(got, tt.keep) {
			t.Errorf("MaskSecrets(%q) = %q: lost %q", tt.in, got, tt.keep)
		}
	}
}
