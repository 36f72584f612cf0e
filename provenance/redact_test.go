package provenance

import (
	"strings"
	"testing"
)

func TestMaskSecrets(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		secret string // must not survive
		keep   string // must survive
	}{
		// AWS
		{"aws access key id", "aws s3 ls --profile x AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE", "aws s3 ls"},
		{"aws secret key export", "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY && aws s3 ls", "wJalrXUtnFEMI", "AWS_SECRET_ACCESS_KEY=" + Masked},
		{"aws secret key quoted", `AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" aws s3 cp a s3://b`, "wJalrXUtnFEMI", `AWS_SECRET_ACCESS_KEY="` + Masked + `"`},
		{"aws session token", "AWS_SESSION_TOKEN=FwoGZXIvYXdzEBYaDHqa0AP aws sts get-caller-identity", "FwoGZXIvYXdzEBYaDHqa0AP", "aws sts"},
		{"aws configure ini", "printf '[default]\\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCY\\n' > ~/.aws/credentials", "wJalrXUtnFEMIK7MDENGbPxRfiCY", "~/.aws/credentials"},
		// GitHub
		{"github classic token", "GITHUB_TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 gh pr list", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "gh pr list"},
		{"github token in argument", "gh auth login --with-token ghs_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "ghs_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "gh auth login"},
		{"github fine-grained token", "echo github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz | gh auth login --with-token", "github_pat_11ABCDEFG", "gh auth login"},
		{"github token in remote URL", "git push https://x-access-token:ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789@github.com/o/r.git", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "github.com/o/r.git"},
		// Authorization headers
		{"bearer header", `curl -H "Authorization: Bearer abc.def.ghi" https://api.example.com/x`, "abc.def.ghi", "https://api.example.com/x"},
		{"token header", `curl -H 'authorization: token s3cr3t' https://x`, "s3cr3t", "curl"},
		{"basic header", `curl -H "Authorization: Basic dXNlcjpwYXNz" https://x`, "dXNlcjpwYXNz", "Authorization: Basic " + Masked},
		{"api key header", `curl -H "X-Api-Key: 0123456789abcdef" https://api.example.com`, "0123456789abcdef", "https://api.example.com"},
		{"gitlab private token header", `curl --header "PRIVATE-TOKEN: abcdef123456" https://gitlab.example.com/api/v4/projects`, "abcdef123456", "https://gitlab.example.com/api/v4/projects"},
		// PASSWORD= and friends
		{"password assignment", "PASSWORD=hunter2 ./run.sh", "hunter2", "./run.sh"},
		{"quoted password with spaces", "DB_PASSWORD='p a s s' make db", "p a s s", "make db"},
		{"pgpassword", "PGPASSWORD=hunter2 psql -h db -U app", "hunter2", "psql -h db -U app"},
		{"password flag", "mysql --password=hunter2 -u root", "hunter2", "-u root"},
		{"password flag with space", "vault login --password hunter2", "hunter2", "vault login"},
		{"mysql glued password", "mysql -u root -phunter2 app", "hunter2", "mysql -u root -p"},
		{"sshpass", "sshpass -p hunter2 ssh deploy@host", "hunter2", "ssh deploy@host"},
		{"powershell env", `$env:OPENAI_API_KEY = "sk-notreallyakeybutlongenough123"; python app.py`, "sk-notreallyakeybutlongenough123", "python app.py"},
		{"json credential", `curl -d '{"user":"bob","password":"hunter2"}' https://x/login`, "hunter2", `"user":"bob"`},
		{"yaml heredoc", "cat > config.yml <<EOF\nclient_secret: 0a1b2c3d4e5f\nEOF", "0a1b2c3d4e5f", "config.yml"},
		{"prose", "log in with user admin, the password is hunter2, then run the tests", "hunter2", "then run the tests"},
		// URL credentials
		{"url credentials", "git clone https://bob:tok3n@github.com/x/y.git", "tok3n", "github.com/x/y.git"},
		{"database url", "DATABASE_URL=postgres://app:s3cret@db:5432/app go test ./...", "s3cret", "go test ./..."},
		{"mongodb srv url", "mongosh mongodb+srv://admin:s3cret@cluster0.example.net/db", "s3cret", "cluster0.example.net/db"},
		{"curl user", "curl -u admin:hunter2 https://x", "hunter2", "-u admin:"},
		{"curl long user", "curl --user admin:hunter2 https://x", "hunter2", "--user admin:"},
		{"query token", "curl 'https://api.example.com/v1/items?page=2&access_token=abc123def'", "abc123def", "page=2"},
		{"sas signature", "az storage blob download --blob-url 'https://a.blob.core.windows.net/c/b?sv=2022&sig=AbCdEf%2B123'", "AbCdEf%2B123", "sv=2022"},
		// Private key blocks
		{"private key block", "cat > id <<EOF\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\nEOF", "b3BlbnNzaC1rZXktdjEAAAAA", "cat > id"},
		{"truncated private key", "echo '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA", "MIIEowIBAAKCAQEA", "echo"},
		// Vendor key shapes
		{"slack bot token", "SLACK=xoxb-123456789012-abcdefghijkl curl https://slack.com/api/chat.postMessage", "xoxb-123456789012-abcdefghijkl", "chat.postMessage"},
		{"slack webhook", `curl -X POST -d '{"text":"hi"}' https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX`, "T000/B000/XXXXXXXXXXXX", "curl -X POST"},
		{"stripe secret key", "stripe listen --api-key sk_live_51H8abcdefghijklmnop", "sk_live_51H8abcdefghijklmnop", "stripe listen"},
		{"stripe key alone", "echo sk_test_4eC39HqLyjWDarjtT1zdp7dc", "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "echo"},
		{"openai key", "OPENAI=sk-proj-abcdefghijklmnopqrstuvwxyz012345 python x.py", "sk-proj-abcdefghijklmnopqrstuvwxyz012345", "python x.py"},
		{"anthropic key", "curl https://api.anthropic.com/v1/messages -H 'x-api-key: sk-ant-api03-abcdefghijklmnopqrstu'", "sk-ant-api03-abcdefghijklmnopqrstu", "https://api.anthropic.com/v1/messages"},
		{"gitlab token", "glab auth login --token glpat-abcdefghij0123456789", "glpat-abcdefghij0123456789", "glab auth login"},
		{"google api key", "curl 'https://maps.googleapis.com/x' -d key=AIzaSyA1234567890abcdefghijklmnopqrstuv", "AIzaSyA1234567890abcdefghijklmnopqrstuv", "maps.googleapis.com"},
		{"jwt", "curl -b session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U https://x", "dozjgNryP4J3jVmNHl0w5N", "curl -b"},
		{"npm token", "npm config set //registry.npmjs.org/:_authToken npm_abcdefghijklmnopqrstuvwxyz0123456789", "npm_abcdefghijklmnopqrstuvwxyz0123456789", "npm config set"},
		{"hugging face token", "huggingface-cli login --token hf_abcdefghijklmnopqrstuvwxyzABCDEFGH", "hf_abcdefghijklmnopqrstuvwxyzABCDEFGH", "huggingface-cli login"},
		// Ordinary work is left alone.
		{"go test", "go test ./...", "", "go test ./..."},
		{"shell", "echo $PATH && ls -la", "", "echo $PATH && ls -la"},
		{"git author", `GIT_AUTHOR_NAME="Alice Dev" git commit -m "fix: token refresh"`, "", `GIT_AUTHOR_NAME="Alice Dev" git commit -m "fix: token refresh"`},
		{"plain url", "curl -sSL https://pkg.go.dev/net/http?tab=doc", "", "https://pkg.go.dev/net/http?tab=doc"},
		{"git push", "git push origin main", "", "git push origin main"},
		{"grep for word", "grep -rn password internal/auth/", "", "grep -rn password internal/auth/"},
		{"ssh", "ssh deploy@host uptime", "", "ssh deploy@host uptime"},
		{"path before a colon", "echo '- internal/auth: session lifetimes' >> notes.md", "", "internal/auth: session lifetimes"},
	}
	m := NewMasker()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := m.Mask(tt.in)
			if tt.secret != "" && strings.Contains(got, tt.secret) {
				t.Errorf("Mask(%q) = %q: the secret survived", tt.in, got)
			}
			if tt.secret != "" && !strings.Contains(got, Masked) {
				t.Errorf("Mask(%q) = %q: nothing masked", tt.in, got)
			}
			if !strings.Contains(got, tt.keep) {
				t.Errorf("Mask(%q) = %q: lost %q", tt.in, got, tt.keep)
			}
			if again := m.Mask(got); again != got {
				t.Errorf("masking is not idempotent: %q, then %q", got, again)
			}
		})
	}
}

func TestMaskSecretsEqualsMasker(t *testing.T) {
	in := "GITHUB_TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 PASSWORD=x make"
	if a, b := MaskSecrets(in), NewMasker().Mask(in); a != b {
		t.Errorf("MaskSecrets = %q, NewMasker().Mask = %q", a, b)
	}
}

func FuzzMaskSecrets(f *testing.F) {
	for _, s := range []string{"PASSWORD=x", `curl -H "Authorization: Bearer x" https://u:p@h/?token=t`, "-----BEGIN RSA PRIVATE KEY-----\n", ""} {
		f.Add(s)
	}
	m := NewMasker()
	f.Fuzz(func(t *testing.T, s string) {
		got := m.Mask(s)
		if again := m.Mask(got); again != got {
			t.Errorf("not idempotent on %q: %q, then %q", s, got, again)
		}
	})
}
