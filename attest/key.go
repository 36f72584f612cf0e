package attest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/internal/gitcli"
	"github.com/agentcheck/agentcheck/internal/hint"
	"github.com/agentcheck/agentcheck/provenance"
)

// Signer loads the user's signing key: the one at flag (--key), else the one
// provenance.ResolveSigningKey finds in the environment and in git's
// configuration read in dir. desc describes it for messages: its
// fingerprint and where it was found.
func Signer(ctx context.Context, dir, flag string, getenv func(string) string) (signer ssh.Signer, desc string, err error) {
	spec, source, err := provenance.ResolveSigningKey(flag, getenv, func(key string) string { return gitcli.Config(ctx, dir, key) })
	if err != nil {
		return nil, "", hint.With(fmt.Errorf("finding a signing key: %w", err), "create one with 'agentcheck keygen' or pass --key PATH")
	}
	s, err := provenance.LoadSigner(spec, getenv)
	if err != nil {
		h := "create one with 'agentcheck keygen', or pass --key PATH"
		if errors.Is(err, provenance.ErrEncryptedKey) {
			h = "add the key to ssh-agent (ssh-add " + spec + ") and make sure SSH_AUTH_SOCK is set"
		}
		return nil, "", hint.With(fmt.Errorf("loading signing key %s (from %s): %w", spec, source, err), h)
	}
	return s, fmt.Sprintf("%s (%s)", ssh.FingerprintSHA256(s.PublicKey()), source), nil
}

// PublicKey returns the public half of the user's signing key without
// needing the private key unlocked: from a literal key (key::…), from
// PATH.pub or PATH, else by loading the signer. spec is the key's path
// ("key::…" for a literal key) and source where it was configured, both
// for messages, and set with most errors too.
func PublicKey(ctx context.Context, dir string, getenv func(string) string) (pub ssh.PublicKey, spec, source string, err error) {
	spec, source, err = provenance.ResolveSigningKey("", getenv, func(key string) string { return gitcli.Config(ctx, dir, key) })
	if err != nil {
		return nil, "", "", err
	}
	text := strings.TrimPrefix(strings.TrimSpace(spec), "key::")
	if p, _, _, _, err := ssh.ParseAuthorizedKey([]byte(text)); err == nil {
		return p, "key::…", source, nil
	}
	path := spec
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		path = filepath.Join(userHome(getenv), rest)
	}
	for _, p := range []string{path + ".pub", path} {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if k, _, _, _, err := ssh.ParseAuthorizedKey(data); err == nil {
			return k, path, source, nil
		}
	}
	if _, err := os.Stat(path); err != nil {
		return nil, path, source, err
	}
	s, err := provenance.LoadSigner(spec, getenv)
	if err != nil {
		return nil, path, source, err
	}
	return s.PublicKey(), path, source, nil
}

// userHome is the user's home directory: HOME, else USERPROFILE.
func userHome(getenv func(string) string) string {
	if h := getenv("HOME"); h != "" {
		return h
	}
	return getenv("USERPROFILE")
}
