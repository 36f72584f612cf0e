package main

import (
	"context"
	"fmt"

	"github.com/agentcheck/agentcheck/internal/gitcli"
	"github.com/agentcheck/agentcheck/provenance"
)

func runKeygen(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "keygen", "")
	path := fs.String("f", "", "write the private key to `PATH` (default $AGENTCHECK_HOME/agentcheck_ed25519)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("keygen takes no arguments")
	}
	if *path == "" {
		*path = provenance.DefaultKeyPath(inv.getenv)
	}
	dir, err := inv.dir()
	if err != nil {
		return err
	}
	email := gitcli.Config(ctx, dir, "user.email")
	pub, err := provenance.GenerateKey(*path, email)
	if err != nil {
		return withHint(fmt.Errorf("generating key: %w", err), "use -f PATH to write a new key elsewhere, or keep using the existing one")
	}
	principal := email
	if principal == "" {
		principal = "YOUR-EMAIL"
		fmt.Fprintln(inv.Stderr, "agentcheck: warning: git user.email is not set; replace YOUR-EMAIL below with the email you commit as")
	}
	fmt.Fprintf(inv.Stderr, "agentcheck: wrote %s and %s.pub\n", *path, *path)
	// The same line serves both trust files; which one it goes into is
	// the maintainers' choice (bob in the approval flow goes only into
	// the approvers), so name both.
	fmt.Fprintln(inv.Stderr, "agentcheck: add this line on the base branch, through a reviewed change, to .agentcheck/allowed_signers to sign manifests with this key, and to .agentcheck/approvers to approve findings with it:")
	fmt.Fprintln(inv.Stdout, provenance.AllowedSignersLine(principal, pub))
	return nil
}
