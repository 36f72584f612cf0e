package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/internal/sktest"
	"github.com/agentcheck/agentcheck/provenance"
)

// A security key in the scripts is a file "sktest NAME": the software key
// of package sktest derived from NAME, whose signatures carry the flags in
// $SKTEST_FLAGS (a number, 0x01 when unset: the user touched the key).
// No hardware key can be touched here; this one signs exactly as an
// authenticator does, with the flags a script chooses, so that the
// presence requirement is tested with the flag set and unset.

// loadSKTestKey reads a script's security key file; ok is false for any
// other file.
func loadSKTestKey(path string, getenv func(string) string) (key *sktest.Key, ok bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false, err
	}
	name, found := strings.CutPrefix(strings.TrimSpace(string(data)), "sktest ")
	if !found {
		return nil, false, nil
	}
	flags := uint64(sktest.UserPresent)
	if v := getenv("SKTEST_FLAGS"); v != "" {
		if flags, err = strconv.ParseUint(v, 0, 8); err != nil {
			return nil, true, fmt.Errorf("SKTEST_FLAGS: %w", err)
		}
	}
	seed := sha256.Sum256([]byte("agentcheck test security key " + name))
	key, err = sktest.NewEd25519(seed[:], byte(flags))
	return key, true, err
}

// skKeygen is the part of ssh-keygen that git and the scripts use, for
// security key files: "-y -f KEY" prints the public key, "-Y sign -n NS
// -f KEY FILE" writes FILE.sig as ssh-keygen does (git's gpg.ssh.program).
func skKeygen(args []string, stdout, stderr io.Writer) int {
	var keyFile, namespace, mode string
	var files []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-y":
			mode = "public"
		case a == "-U" || a == "-q":
		case (a == "-f" || a == "-n" || a == "-Y") && i+1 < len(args):
			i++
			switch a {
			case "-f":
				keyFile = args[i]
			case "-n":
				namespace = args[i]
			case "-Y":
				mode = args[i]
			}
		default:
			files = append(files, a)
		}
	}
	key, ok, err := loadSKTestKey(keyFile, os.Getenv)
	if err == nil && !ok {
		err = fmt.Errorf("%s is not a sktest key file", keyFile)
	}
	if err != nil {
		fmt.Fprintf(stderr, "sk-keygen: %v\n", err)
		return 1
	}
	switch {
	case mode == "public":
		stdout.Write(ssh.MarshalAuthorizedKey(key.PublicKey()))
		return 0
	case mode == "sign" && len(files) == 1:
		msg, err := os.ReadFile(files[0])
		if err == nil {
			var blob []byte
			if blob, err = provenance.SSHSign(key, namespace, msg); err == nil {
				err = os.WriteFile(files[0]+".sig", provenance.ArmorSSHSig(blob), 0o644)
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "sk-keygen: %v\n", err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(stderr, "sk-keygen: usage: sk-keygen -y -f KEY | -Y sign -n NAMESPACE -f KEY FILE\n")
	return 2
}
