package attest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/audit"
	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/gate"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/gitcli"
	"github.com/agentcheck/agentcheck/internal/hint"
	"github.com/agentcheck/agentcheck/provenance"
)

// Approval is what a maintainer approves: the findings of one commit that
// the filters select, for a reason.
type Approval struct {
	// Commit is the revision of the commit, as a person wrote it.
	Commit string
	// Base names the commit whose policy and approvers apply; "" for the
	// commit's first parent, as verify reads a single commit.
	Base string
	// Trust names trusted files that replace the base's (--policy,
	// --allowed-signers, --approvers). Its Base is set from Base.
	Trust gate.TrustSource
	// Rules and Paths narrow the approval to findings of these rules and
	// on paths matching these globs; empty, it covers every finding the
	// policy lets anyone approve.
	Rules, Paths []string
	// Reason says why the findings are accepted; it is recorded and shown
	// with them.
	Reason string
}

// Check checks what an approval asks for before anything is read: a
// reason within the limit, rule ids, repository-relative globs, one commit.
func (p *Approval) Check() error {
	why := strings.TrimSpace(p.Reason)
	if why == "" {
		return hint.With(errors.New("approve needs --reason"), "say why the findings are acceptable, e.g. --reason 'CI bump reviewed in #42'")
	}
	if len(why) > provenance.MaxApprovalReason {
		return fmt.Errorf("--reason is %d bytes; the limit is %d", len(why), provenance.MaxApprovalReason)
	}
	for _, r := range p.Rules {
		if !isRuleID(r) {
			return fmt.Errorf("--rule %q is not a rule id like AC004", r)
		}
	}
	for _, g := range p.Paths {
		if !doublestar.ValidatePattern(g) || strings.HasPrefix(g, "/") {
			return fmt.Errorf("--path %q is not a valid repository-relative glob", g)
		}
	}
	if strings.Contains(p.Commit, "..") {
		return hint.With(fmt.Errorf("approve takes one commit, not a range (%s)", p.Commit), "approve each commit of a range on its own")
	}
	return nil
}

// Approve signs an approval of the commit's current findings and appends
// it to the commit's note. It checks the commit as agentcheck verify
// would, refuses findings the policy makes unapprovable, applies the
// two-person rule and warns when the key is not among the approvers that
// verify will read.
func (a *Attester) Approve(ctx context.Context, p Approval) error {
	if err := RefuseInAgentSession(a.getenv, a.ReadProcess); err != nil {
		return err
	}
	if err := RefuseInAgentTurn(a.Repo.CommonDir, time.Now()); err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return err
	}
	c, err := a.checkOne(ctx, p)
	if err != nil {
		return err
	}
	covers, err := c.selectCovers(p.Rules, p.Paths, a.Stderr)
	if err != nil {
		return err
	}
	return a.signApproval(ctx, c, covers, strings.TrimSpace(p.Reason), p.Base == "" && p.Trust.ApproversFile == "")
}

// checked is one commit checked for an approval.
type checked struct {
	commit *git.Commit
	trust  *check.Trust
	report check.CommitReport
}

func (c *checked) short() string { return c.commit.Hash.String()[:12] }

// checkOne resolves the commit and runs the verifier on it, as 'verify
// COMMIT' would: the findings it has now are what an approval may cover.
func (a *Attester) checkOne(ctx context.Context, p Approval) (*checked, error) {
	rng, err := git.ResolveRange(a.Repo, []string{p.Commit})
	if err != nil || len(rng.Include) != 1 {
		return nil, hint.With(fmt.Errorf("resolving %q: %w", p.Commit, cmp.Or(err, errors.New("not one commit"))), "name one commit, e.g. HEAD or a commit id")
	}
	src := p.Trust
	if p.Base != "" {
		b, err := git.ResolveRange(a.Repo, []string{p.Base})
		if err != nil || len(b.Include) != 1 {
			return nil, hint.With(fmt.Errorf("resolving --base %q: %w", p.Base, cmp.Or(err, errors.New("not one commit"))), "name the base branch or commit, e.g. origin/main")
		}
		src.Base = b.Include[0]
	}
	res, err := gate.CheckRange(ctx, a.Repo, rng, gate.Options{Trust: src})
	if err != nil {
		return nil, gate.WithHint(err, "fix the policy on the base branch, or pass --policy FILE")
	}
	if len(res.Commits) != 1 {
		return nil, fmt.Errorf("checking %s: %d commits, want one", p.Commit, len(res.Commits))
	}
	return &checked{commit: res.Commits[0], trust: res.Trust, report: res.Report.Commits[0]}, nil
}

// selectCovers picks the findings to approve and says how the approval
// names them. Without filters: every error and warning the commit has now
// that the policy lets anyone approve, each named by its rule and exact
// path. With rules and globs: the findings that match all filters, named
// by rule and the glob as given. Every filter must match a current
// finding, and a rule the policy makes unapprovable is refused; the
// unapprovable findings the filters select are listed on stderr.
func (c *checked) selectCovers(rules, globs []string, stderr io.Writer) ([]provenance.ApprovalCover, error) {
	policy := c.trust.Policy
	for _, r := range rules {
		if !policy.Approvable(r) {
			return nil, hint.With(fmt.Errorf("%s findings can never be approved (approvals.never in %s)", r, c.trust.PolicySource),
				"fix what the finding reports instead: an invalid signature, a copied note or a malformed manifest means the record itself cannot be trusted")
		}
	}
	var candidates, refused []check.Finding
	for _, f := range c.report.Findings {
		level := f.Level
		if f.Approval != nil {
			level = f.Approval.Level
		}
		if level == check.LevelNote {
			continue // nothing to approve
		}
		if len(rules) > 0 && !slices.Contains(rules, f.Rule) {
			continue
		}
		if len(globs) > 0 && !slices.ContainsFunc(globs, func(g string) bool { return matchGlob(g, f.Path) }) {
			continue
		}
		if policy.Approvable(f.Rule) {
			candidates = append(candidates, f)
		} else {
			refused = append(refused, f)
		}
	}
	for _, f := range refused {
		fmt.Fprintf(stderr, "agentcheck: not approvable: %s %s: %s\n", f.Rule, describePath(f.Path), audit.Clean(f.Message, 200))
	}
	if len(candidates) == 0 {
		what := "no finding that can be approved"
		if len(rules)+len(globs) > 0 {
			what = "no finding that matches the filters and can be approved"
		}
		return nil, hint.With(fmt.Errorf("commit %s has %s", c.short(), what), c.findingsHint())
	}
	for _, r := range rules {
		if !slices.ContainsFunc(candidates, func(f check.Finding) bool { return f.Rule == r }) {
			return nil, hint.With(fmt.Errorf("--rule %s matches no current finding of %s", r, c.short()), c.findingsHint())
		}
	}
	for _, g := range globs {
		if !slices.ContainsFunc(candidates, func(f check.Finding) bool { return matchGlob(g, f.Path) }) {
			return nil, hint.With(fmt.Errorf("--path %s matches no current finding of %s", g, c.short()), c.findingsHint())
		}
	}

	var covers []provenance.ApprovalCover
	add := func(cv provenance.ApprovalCover) {
		if !slices.Contains(covers, cv) {
			covers = append(covers, cv)
		}
	}
	for _, f := range candidates {
		if len(globs) == 0 {
			add(provenance.ApprovalCover{Rule: f.Rule, Path: f.Path})
			continue
		}
		for _, g := range globs {
			if !matchGlob(g, f.Path) {
				continue
			}
			if hasGlobMeta(g) {
				add(provenance.ApprovalCover{Rule: f.Rule, Glob: g})
			} else {
				add(provenance.ApprovalCover{Rule: f.Rule, Path: g})
			}
		}
	}
	slices.SortFunc(covers, func(x, y provenance.ApprovalCover) int {
		return cmp.Or(cmp.Compare(x.Rule, y.Rule), cmp.Compare(x.Path, y.Path), cmp.Compare(x.Glob, y.Glob))
	})
	return covers, nil
}

// findingsHint lists the commit's current findings for an error message.
func (c *checked) findingsHint() string {
	var list []string
	for _, f := range c.report.Findings {
		list = append(list, f.Rule+" "+describePath(f.Path))
	}
	if len(list) == 0 {
		return "the commit has no findings: agentcheck verify " + c.short() + " passes without an approval"
	}
	return "the commit's findings: " + strings.Join(list, ", ") + " (see agentcheck verify " + c.short() + ")"
}

// signApproval checks the two-person rule, signs the approval and appends
// it to the commit's note. firstParent says the approvers were read at the
// commit's first parent (no --base, no --approvers file).
func (a *Attester) signApproval(ctx context.Context, c *checked, covers []provenance.ApprovalCover, reason string, firstParent bool) error {
	ident, err := gitcli.Identity(ctx, a.Dir)
	if err != nil {
		return err
	}
	signer, keyDesc, err := Signer(ctx, a.Dir, a.Key, a.getenv)
	if err != nil {
		return err
	}
	fp := ssh.FingerprintSHA256(signer.PublicKey())
	if check.PresenceOf(c.trust.Policy) != provenance.PresenceAny && !provenance.IsSecurityKey(signer.PublicKey()) {
		return hint.With(fmt.Errorf("key %s is a %s key on disk, and trust.presence: %s in %s honours only approvals signed by a FIDO security key someone touched",
			keyDesc, signer.PublicKey().Type(), c.trust.Policy.Trust.Presence, c.trust.PolicySource),
			"approve with your security key, listed for you in "+c.trust.ApproversSource+": ssh-add it (ssh-keygen -t ed25519-sk makes one) and pass --key with its .pub file; it signs through ssh-agent when touched")
	}
	if why := check.SelfApproval(c.trust.Policy, &c.report, ident.Email, fp); why != "" {
		return hint.With(fmt.Errorf("%s, and the two-person rule (approvals.allow_self: false in %s) needs someone else's approval", why, c.trust.PolicySource),
			check.AnotherApproverHint(c.trust, ident.Email, "run agentcheck approve "+c.short()))
	}
	if !c.trust.Approvers.Allowed(signer.PublicKey(), provenance.SignatureNamespace, ident.Email, ident.When) {
		if firstParent {
			// A branch made before the approver was added to the base
			// branch has a first parent without them, while verify of
			// the pull request reads its base, which lists them.
			fmt.Fprintf(a.Stderr, "agentcheck: warning: key %s is not listed for %s in %s, the commit's first parent: verify reports this approval as untrusted (AC002) against a base that does not list the key, and honours it against one that does (agentcheck verify origin/main..%s, if origin/main lists it)\n",
				fp, ident.Email, c.trust.ApproversSource, c.short())
		} else {
			fmt.Fprintf(a.Stderr, "agentcheck: warning: key %s is not listed for %s in %s: verify will report this approval as untrusted (AC002) until the approvers file on the base branch lists it\n",
				fp, ident.Email, c.trust.ApproversSource)
		}
	}
	st, err := provenance.BuildApprovalStatement(c.commit.Hash.String(), provenance.ApprovalPredicate{
		Approver: ident.Email, Time: ident.When, Reason: reason, Covers: covers,
	})
	if err != nil {
		return err
	}
	line, err := signLine(st, signer)
	if err != nil {
		return fmt.Errorf("signing the approval of %s: %w", c.short(), err)
	}
	if err := a.appendNote(c.commit.Hash, [][]byte{line}, ident); err != nil {
		return err
	}
	fmt.Fprintf(a.Stderr, "agentcheck: approved %s as %s, signed with %s:\n", c.short(), ident.Email, keyDesc)
	for _, cv := range covers {
		fmt.Fprintf(a.Stderr, "  %s\n", audit.Clean(cv.String(), 300))
	}
	fmt.Fprintf(a.Stderr, "agentcheck: push it with: %s (the fetch merges the notes pushed meanwhile)\n", provenance.PushNotesCommand("origin"))
	return nil
}

// isRuleID reports whether s looks like a rule id: AC and three digits.
func isRuleID(s string) bool {
	return len(s) == 5 && strings.HasPrefix(s, "AC") && strings.Trim(s[2:], "0123456789") == ""
}

// matchGlob matches a --path glob against a finding's path; a finding about
// the whole commit has no path and matches no glob.
func matchGlob(glob, path string) bool {
	ok, err := doublestar.Match(glob, path)
	return path != "" && err == nil && ok
}

func hasGlobMeta(s string) bool { return strings.ContainsAny(s, `*?[{\`) }

// describePath names a finding's path in a message: flattened to one
// printable line (a path is hostile text), or "(whole commit)".
func describePath(p string) string {
	if p == "" {
		return "(whole commit)"
	}
	return audit.Clean(p, 300)
}
