package git

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSignedPayloadRealGit signs a commit with real git and an SSH key
// (gpg.format=ssh) and checks that what SignedPayload returns is what
// ssh-keygen verifies: the payload git signed and the signature it stored.
func TestSignedPayloadRealGit(t *testing.T) {
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen not installed")
	}
	dir := initRepo(t)
	key := filepath.Join(t.TempDir(), "key")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "c", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runGit(t, dir, nil, "add", "a.txt")
	runGit(t, dir, nil, "-c", "gpg.format=ssh", "-c", "user.signingkey="+key, "commit", "-q", "-S",
		"-m", "signed\n\ngpgsig in the message is payload\n")
	h, _ := ParseHash(strings.TrimSpace(runGit(t, dir, nil, "rev-parse", "HEAD")))
	_, data, err := openRepo(t, dir).Objects.Read(h)
	if err != nil {
		t.Fatal(err)
	}
	payload, sig, ok := SignedPayload(data)
	if !ok {
		t.Fatalf("SignedPayload found no signature in\n%s", data)
	}
	header, _, _ := bytes.Cut(payload, []byte("\n\n"))
	if bytes.Contains(header, []byte("gpgsig")) || !bytes.HasSuffix(payload, []byte("gpgsig in the message is payload\n")) {
		t.Errorf("payload:\n%s", payload)
	}
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	allowed, sigFile := filepath.Join(work, "allowed"), filepath.Join(work, "sig")
	if err := os.WriteFile(allowed, append([]byte("committer@example.com "), pub...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sigFile, sig, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("ssh-keygen", "-Y", "verify", "-f", allowed, "-I", "committer@example.com", "-n", "git", "-s", sigFile)
	cmd.Stdin = bytes.NewReader(payload)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -Y verify of the payload: %v\n%s", err, out)
	}
	if _, _, ok := SignedPayload(bytes.Replace(data, []byte("gpgsig "), []byte("gpgsix "), 1)); ok {
		t.Error("a commit without a gpgsig header is signed")
	}
}

func TestSignedPayload(t *testing.T) {
	tests := []struct {
		name, data, payload, sig string
		ok                       bool
	}{
		{name: "unsigned", data: "tree t\nauthor a\n\nmsg\n"},
		{name: "in the message only", data: "tree t\n\ngpgsig x\n y\n"},
		{
			name: "signed", data: "tree t\ngpgsig -----A\n b\n -----Z\ncommitter c\n\nmsg\n",
			payload: "tree t\ncommitter c\n\nmsg\n", sig: "-----A\nb\n-----Z\n", ok: true,
		},
		{
			name: "sha256 signature left out", data: "tree t\ngpgsig-sha256 x\n y\ngpgsig s\ncommitter c\n\nm",
			payload: "tree t\ncommitter c\n\nm", sig: "s\n", ok: true,
		},
		{
			name: "two headers joined", data: "tree t\ngpgsig a\nauthor x\ngpgsig b\n\n",
			payload: "tree t\nauthor x\n\n", sig: "a\nb\n", ok: true,
		},
		{
			name: "no newline at the end", data: "tree t\ngpgsig a",
			payload: "tree t\n", sig: "a", ok: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload, sig, ok := SignedPayload([]byte(tt.data))
			if ok != tt.ok || string(payload) != tt.payload || string(sig) != tt.sig {
				t.Errorf("SignedPayload(%q) = %q, %q, %v; want %q, %q, %v", tt.data, payload, sig, ok, tt.payload, tt.sig, tt.ok)
			}
		})
	}
}

// FuzzSignedPayload checks that the payload and the signature account for
// every byte of the commit but the header names and the spaces git strips,
// and that an unsigned commit is never reported signed.
func FuzzSignedPayload(f *testing.F) {
	f.Add([]byte("tree t\ngpgsig a\n b\ncommitter c\n\nm"))
	f.Add([]byte("tree t\ngpgsig-sha256 a\n b\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		payload, sig, ok := SignedPayload(data)
		if !ok {
			if payload != nil || sig != nil {
				t.Fatal("unsigned commit with a payload or signature")
			}
			return
		}
		if len(payload)+len(sig) > len(data) {
			t.Fatalf("%d + %d bytes out of %d", len(payload), len(sig), len(data))
		}
		if !bytes.Contains(data, []byte("gpgsig ")) {
			t.Fatal("signed without a gpgsig header")
		}
	})
}
