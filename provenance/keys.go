package provenance

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// Environment variables and file names of signing-key resolution.
const (
	EnvSigningKey  = "AGENTCHECK_SIGNING_KEY" // a key spec, as --key
	EnvHome        = "AGENTCHECK_HOME"        // agentcheck's per-user directory
	DefaultKeyName = "agentcheck_ed25519"     // the key `agentcheck keygen` makes
)

// ErrEncryptedKey is returned by [LoadSigner] for a passphrase-protected
// private key that ssh-agent does not hold: agentcheck never asks for a
// passphrase (it runs from git hooks, often with no terminal).
var ErrEncryptedKey = errors.New("signing key is encrypted")

// agentDialTimeout bounds connecting to ssh-agent; signing itself may wait
// longer, for a confirmation or a security-key touch.
const agentDialTimeout = 10 * time.Second

// DefaultKeyPath is where `agentcheck keygen` puts its key:
// $AGENTCHECK_HOME/agentcheck_ed25519, AGENTCHECK_HOME defaulting to
// $HOME/.config/agentcheck. It is "" if neither variable is set.
func DefaultKeyPath(getenv func(string) string) string {
	dir := getenv(EnvHome)
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".config", "agentcheck")
	}
	return filepath.Join(dir, DefaultKeyName)
}

// ResolveSigningKey chooses the signing key spec, first found of: the --key
// flag, $AGENTCHECK_SIGNING_KEY, git config agentcheck.signingKey, git config
// user.signingkey when gpg.format is ssh (git's own SSH signing key), and
// [DefaultKeyPath]. source says which, for messages. gitConfig returns "" for
// an unset key and may be nil.
func ResolveSigningKey(flag string, getenv func(string) string, gitConfig func(key string) string) (spec, source string, err error) {
	if gitConfig == nil {
		gitConfig = func(string) string { return "" }
	}
	switch {
	case flag != "":
		return flag, "--key flag", nil
	case getenv(EnvSigningKey) != "":
		return getenv(EnvSigningKey), "$" + EnvSigningKey, nil
	case gitConfig("agentcheck.signingKey") != "":
		return gitConfig("agentcheck.signingKey"), "git config agentcheck.signingKey", nil
	case gitConfig("gpg.format") == "ssh" && gitConfig("user.signingkey") != "":
		return gitConfig("user.signingkey"), "git config user.signingkey (gpg.format=ssh)", nil
	}
	if p := DefaultKeyPath(getenv); p != "" {
		return p, "default key path", nil
	}
	return "", "", errors.New("no signing key: neither --key, $" + EnvSigningKey +
		", git config agentcheck.signingKey nor user.signingkey is set, and HOME is unset")
}

// GenerateKey makes an ed25519 key: the private key at privPath in OpenSSH
// format, mode 0600, and the public key at privPath+".pub", mode 0644. The
// parent directory is created 0700 if missing. It never overwrites a key.
func GenerateKey(privPath, comment string) (ssh.PublicKey, error) {
	pubPath := privPath + ".pub"
	for _, p := range []string{privPath, pubPath} {
		if _, err := os.Lstat(p); err == nil {
			return nil, fmt.Errorf("generating key: %s already exists; refusing to overwrite it", p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("generating key: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(privPath), 0o700); err != nil {
		return nil, fmt.Errorf("generating key: %w", err)
	}
	edPub, edPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating key: %w", err)
	}
	block, err := ssh.MarshalPrivateKey(edPriv, comment)
	if err != nil {
		return nil, fmt.Errorf("generating key: %w", err)
	}
	pub, err := ssh.NewPublicKey(edPub)
	if err != nil {
		return nil, fmt.Errorf("generating key: %w", err)
	}
	if err := writeNewFile(privPath, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, fmt.Errorf("generating key: %w", err)
	}
	if err := writeNewFile(pubPath, []byte(authorizedKey(pub, comment)+"\n"), 0o644); err != nil {
		os.Remove(privPath)
		return nil, fmt.Errorf("generating key: %w", err)
	}
	return pub, nil
}

// writeNewFile creates path, which must not exist, with exactly mode (the
// umask notwithstanding) and data.
func writeNewFile(path string, data []byte, mode fs.FileMode) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	if err := f.Chmod(mode); err != nil {
		return err
	}
	_, err = f.Write(data)
	return err
}

// authorizedKey formats pub as "type base64[ comment]".
func authorizedKey(pub ssh.PublicKey, comment string) string {
	s := strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(pub)), "\n")
	if comment != "" {
		s += " " + comment
	}
	return s
}

// AllowedSignersLine is the allowed_signers line that trusts pub for email in
// namespace "agentcheck" only, e.g.
// `dev@example.com namespaces="agentcheck" ssh-ed25519 AAAA…`. The email is
// written as given; a comma or wildcard in it would act as a pattern.
func AllowedSignersLine(email string, pub ssh.PublicKey) string {
	return fmt.Sprintf("%s namespaces=%q %s", email, SignatureNamespace, authorizedKey(pub, ""))
}

// LoadSigner returns a signer for spec, which is one of what git's
// user.signingkey allows: a private key path; a public key path (.pub); or a
// literal public key, "key::ssh-ed25519 AAAA…" or "ssh-ed25519 AAAA…". A
// leading "~/" is the HOME of getenv. A public key, or a private key that is
// encrypted, signs through the ssh-agent at SSH_AUTH_SOCK, which must hold
// it; an encrypted key the agent does not hold is [ErrEncryptedKey].
func LoadSigner(spec string, getenv func(string) string) (ssh.Signer, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, errors.New("loading signing key: empty key spec")
	}
	if pub, ok, err := literalKey(spec); ok {
		if err != nil {
			return nil, fmt.Errorf("loading signing key: literal public key: %w", err)
		}
		return agentSigner(pub, getenv)
	}
	path, err := expandHome(spec, getenv)
	if err != nil {
		return nil, fmt.Errorf("loading signing key: %w", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("loading signing key: %w", err)
	}
	if pub, _, _, _, err := ssh.ParseAuthorizedKey(data); err == nil {
		return agentSigner(pub, getenv)
	}
	return loadPrivateKey(path, data, getenv)
}

// literalKey parses spec as a literal public key, if it is one.
func literalKey(spec string) (pub ssh.PublicKey, ok bool, err error) {
	text, ok := strings.CutPrefix(spec, "key::")
	if !ok {
		// A key path never starts with a key type and a blank; a literal
		// key always does.
		if keyType, rest := cutField(spec); rest == "" || !isKeyTypeName(keyType) {
			return nil, false, nil
		}
	}
	pub, _, _, _, err = ssh.ParseAuthorizedKey([]byte(text))
	return pub, true, err
}

func expandHome(path string, getenv func(string) string) (string, error) {
	rest, ok := strings.CutPrefix(path, "~/")
	if !ok {
		return path, nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", fmt.Errorf("cannot expand %s: HOME is unset", path)
	}
	return filepath.Join(home, rest), nil
}

// loadPrivateKey parses a private key file. Like ssh, it refuses a key that
// others can read.
func loadPrivateKey(path string, data []byte, getenv func(string) string) (ssh.Signer, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("loading signing key: %w", err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("loading signing key: permissions %04o for %s are too open; run: chmod 600 %s", perm, path, path)
	}
	signer, err := ssh.ParsePrivateKey(data)
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		return encryptedKeySigner(path, missing.PublicKey, getenv)
	}
	if err != nil {
		if pub := securityKeyPub(path); pub != nil {
			return securityKeySigner(path, pub, getenv)
		}
		return nil, fmt.Errorf("loading signing key %s: %w", path, err)
	}
	return signer, nil
}

// securityKeyPub returns the public key in path.pub if it is a FIDO security
// key (sk-…), whose private key file is only a handle to the token.
func securityKeyPub(path string) ssh.PublicKey {
	data, err := os.ReadFile(path + ".pub")
	if err != nil {
		return nil
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey(data)
	if err != nil || !isSecurityKey(pub.Type()) {
		return nil
	}
	return pub
}

// securityKeySigner signs with a security key through ssh-agent: talking to
// the token directly is OpenSSH's job, not ours.
func securityKeySigner(path string, pub ssh.PublicKey, getenv func(string) string) (ssh.Signer, error) {
	signer, err := agentSigner(pub, getenv)
	if err != nil {
		return nil, fmt.Errorf("loading signing key: security key %s (%s) signs only through ssh-agent: %w; add it with: ssh-add %s",
			path, ssh.FingerprintSHA256(pub), err, path)
	}
	return signer, nil
}

// encryptedKeySigner signs with an encrypted key through ssh-agent. The public
// half comes from the key file when the format stores it in clear, else from
// path.pub.
func encryptedKeySigner(path string, pub ssh.PublicKey, getenv func(string) string) (ssh.Signer, error) {
	if pub == nil {
		data, err := os.ReadFile(path + ".pub")
		if err != nil {
			return nil, fmt.Errorf("%w: %s, and its public key is unreadable (%w); add it to ssh-agent with: ssh-add %s",
				ErrEncryptedKey, path, err, path)
		}
		if pub, _, _, _, err = ssh.ParseAuthorizedKey(data); err != nil {
			return nil, fmt.Errorf("loading signing key: %s.pub: %w", path, err)
		}
	}
	signer, err := agentSigner(pub, getenv)
	if err != nil {
		return nil, fmt.Errorf("%w: %s (%s) cannot be used without its passphrase: %w; add it to ssh-agent with: ssh-add %s",
			ErrEncryptedKey, path, ssh.FingerprintSHA256(pub), err, path)
	}
	return signer, nil
}

// agentSigner returns a signer for pub backed by the ssh-agent at
// SSH_AUTH_SOCK, after checking that the agent holds the key.
func agentSigner(pub ssh.PublicKey, getenv func(string) string) (ssh.Signer, error) {
	fp := ssh.FingerprintSHA256(pub)
	sock := getenv("SSH_AUTH_SOCK")
	if sock == "" {
		return nil, fmt.Errorf("no ssh-agent to sign with key %s: SSH_AUTH_SOCK is not set", fp)
	}
	s := &agentKeySigner{sock: sock, pub: pub}
	keys, err := s.list()
	if err != nil {
		return nil, fmt.Errorf("asking ssh-agent at %s for key %s: %w", sock, fp, err)
	}
	for _, k := range keys {
		if sameKey(k, pub) {
			return s, nil
		}
	}
	return nil, fmt.Errorf("ssh-agent at %s does not hold key %s", sock, fp)
}

// agentKeySigner signs through ssh-agent, dialing it for each operation so
// that no connection outlives its use.
type agentKeySigner struct {
	sock string
	pub  ssh.PublicKey
}

func (s *agentKeySigner) dial() (net.Conn, error) {
	return net.DialTimeout("unix", s.sock, agentDialTimeout)
}

func (s *agentKeySigner) list() ([]*agent.Key, error) {
	conn, err := s.dial()
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return agent.NewClient(conn).List()
}

func (s *agentKeySigner) PublicKey() ssh.PublicKey { return s.pub }

// Sign signs with the key's own algorithm, except that RSA keys sign with
// rsa-sha2-512: SHA-1 signatures are never made.
func (s *agentKeySigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	return s.SignWithAlgorithm(rand, data, s.Algorithms()[0])
}

func (s *agentKeySigner) SignWithAlgorithm(_ io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	var flags agent.SignatureFlags
	switch {
	case s.pub.Type() == ssh.KeyAlgoRSA && algorithm == ssh.KeyAlgoRSASHA512:
		flags = agent.SignatureFlagRsaSha512
	case s.pub.Type() == ssh.KeyAlgoRSA && algorithm == ssh.KeyAlgoRSASHA256:
		flags = agent.SignatureFlagRsaSha256
	case s.pub.Type() != ssh.KeyAlgoRSA && (algorithm == "" || algorithm == s.pub.Type()):
	default:
		return nil, fmt.Errorf("signing algorithm %q is not offered for %s keys", algorithm, s.pub.Type())
	}
	conn, err := s.dial()
	if err != nil {
		return nil, fmt.Errorf("connecting to ssh-agent at %s: %w", s.sock, err)
	}
	defer conn.Close()
	sig, err := agent.NewClient(conn).SignWithFlags(s.pub, data, flags)
	if err != nil {
		return nil, fmt.Errorf("ssh-agent at %s signing with %s: %w", s.sock, ssh.FingerprintSHA256(s.pub), err)
	}
	return sig, nil
}

// Algorithms lists the signature algorithms offered, preferred first.
func (s *agentKeySigner) Algorithms() []string {
	if s.pub.Type() == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256}
	}
	return []string{s.pub.Type()}
}
