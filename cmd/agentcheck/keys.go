package main

import (
	"slices"

	"golang.org/x/crypto/ssh"
)

type (
	sshSigner    = ssh.Signer
	sshPublicKey = ssh.PublicKey
)

func fingerprint(s ssh.Signer) string { return ssh.FingerprintSHA256(s.PublicKey()) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
