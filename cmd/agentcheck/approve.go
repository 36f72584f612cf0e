package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/gate"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/provenance"
)

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// agentSessionVars returns the environment variables that coding agents set
// for the commands they run. An approval and a scope declaration are a
// human's decisions: approve and scope refuse to run where one of them is
// set. (The runtime hook also denies the agent's tool call; this is the
// check that needs no hook. An agent can unset them.)
func agentSessionVars() []string {
	return []string{"CLAUDECODE", "CLAUDE_CODE_SESSION_ID", "CODEX_THREAD_ID", "CURSOR_AGENT", "OPENCODE", "OPENCODE_SESSION_ID", "AI_AGENT"}
}

// inAgentSession returns the variable that says the command runs inside an
// agent session, or "".
func inAgentSession(getenv func(string) string) string {
	for _, k := range agentSessionVars() {
		if getenv(k) != "" {
			return k
		}
	}
	return ""
}

func runApprove(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "approve", "COMMIT --reason TEXT")
	var rules, paths listFlag
	fs.Var(&rules, "rule", "approve only findings of rule `ID` (repeatable)")
	fs.Var(&paths, "path", "approve only findings on paths matching `GLOB` (repeatable; doublestar, case-sensitive)")
	reason := fs.String("reason", "", "why the findings are accepted (required; recorded and shown with them)")
	keyFlag := fs.String("key", "", "sign with the SSH key at `PATH` (see 'Signing keys' in the manual)")
	baseFlag := fs.String("base", "", "read the policy and approvers at `REV` instead of the commit's first parent")
	trust := addTrustFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if v := inAgentSession(inv.getenv); v != "" {
		return withHint(usageError("approve is a human's decision: refusing to run inside an agent session (%s is set)", v),
			"review the commit and run agentcheck approve in your own terminal")
	}
	if len(pos) != 1 {
		return withHint(usageError("approve takes exactly one commit"), "agentcheck approve COMMIT --reason TEXT [--rule ID]... [--path GLOB]...")
	}
	rev := pos[0]
	why := strings.TrimSpace(*reason)
	if why == "" {
		return withHint(usageError("approve needs --reason"), "say why the findings are acceptable, e.g. --reason 'CI bump reviewed in #42'")
	}
	if len(why) > provenance.MaxApprovalReason {
		return usageError("--reason is %d bytes; the limit is %d", len(why), provenance.MaxApprovalReason)
	}
	for _, r := range rules {
		if !isRuleID(r) {
			return usageError("--rule %q is not a rule id like AC004", r)
		}
	}
	for _, p := range paths {
		if !doublestar.ValidatePattern(p) || strings.HasPrefix(p, "/") {
			return usageError("--path %q is not a valid repository-relative glob", p)
		}
	}
	if strings.Contains(rev, "..") {
		return withHint(usageError("approve takes one commit, not a range (%s)", rev), "approve each commit of a range on its own")
	}

	repo, dir, err := openRepo(inv)
	if err != nil {
		return err
	}
	defer repo.Close()
	a := &approver{inv: inv, repo: repo, dir: dir}
	if err := a.check(ctx, rev, *baseFlag, trust); err != nil {
		return err
	}
	covers, err := a.selectCovers(rules, paths)
	if err != nil {
		return err
	}
	return a.sign(ctx, covers, why, *keyFlag)
}

// approver approves the findings of one commit.
type approver struct {
	inv    *Invocation
	repo   *git.Repo
	dir    string
	commit *git.Commit
	trust  *check.Trust
	report check.CommitReport
}

// check resolves the commit and runs the verifier on it, as 'verify COMMIT'
// would: the findings it has now are what an approval may cover.
func (a *approver) check(ctx context.Context, rev, base string, trust trustFlags) error {
	rng, err := git.ResolveRange(a.repo, []string{rev})
	if err != nil || len(rng.Include) != 1 {
		return withHint(fmt.Errorf("resolving %q: %w", rev, cmp.Or(err, errors.New("not one commit"))), "name one commit, e.g. HEAD or a commit id")
	}
	src := gate.TrustSource{PolicyFile: *trust.policy, SignersFile: *trust.signers, ApproversFile: *trust.approvers}
	if base != "" {
		b, err := git.ResolveRange(a.repo, []string{base})
		if err != nil || len(b.Include) != 1 {
			return withHint(fmt.Errorf("resolving --base %q: %w", base, cmp.Or(err, errors.New("not one commit"))), "name the base branch or commit, e.g. origin/main")
		}
		src.Base = b.Include[0]
	}
	res, err := gate.CheckRange(ctx, a.repo, rng, gate.Options{Trust: src})
	if err != nil {
		return rangeError(err, "fix the policy on the base branch, or pass --policy FILE")
	}
	if len(res.Commits) != 1 {
		return fmt.Errorf("checking %s: %d commits, want one", rev, len(res.Commits))
	}
	a.commit, a.trust, a.report = res.Commits[0], res.Trust, res.Report.Commits[0]
	return nil
}

func (a *approver) short() string { return a.commit.Hash.String()[:12] }

// selectCovers picks the findings to approve and says how the approval names
// them. Without filters: every error and warning the commit has now that the
// policy lets anyone approve, each named by its rule and exact path. With
// --rule and --path: the findings that match all filters, named by rule and
// the glob as given. Every filter must match a current finding, and a rule
// the policy makes unapprovable is refused.
func (a *approver) selectCovers(rules, globs []string) ([]provenance.ApprovalCover, error) {
	policy := a.trust.Policy
	for _, r := range rules {
		if !policy.Approvable(r) {
			return nil, withHint(usageError("%s findings can never be approved (approvals.never in %s)", r, a.trust.PolicySource),
				"fix what the finding reports instead: an invalid signature, a copied note or a malformed manifest means the record itself cannot be trusted")
		}
	}
	var candidates, refused []check.Finding
	for _, f := range a.report.Findings {
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
		fmt.Fprintf(a.inv.Stderr, "agentcheck: not approvable: %s %s: %s\n", f.Rule, describePath(f.Path), oneLine(f.Message, 200))
	}
	if len(candidates) == 0 {
		what := "no finding that can be approved"
		if len(rules)+len(globs) > 0 {
			what = "no finding that matches the filters and can be approved"
		}
		return nil, withHint(fmt.Errorf("commit %s has %s", a.short(), what), a.findingsHint())
	}
	for _, r := range rules {
		if !slices.ContainsFunc(candidates, func(f check.Finding) bool { return f.Rule == r }) {
			return nil, withHint(usageError("--rule %s matches no current finding of %s", r, a.short()), a.findingsHint())
		}
	}
	for _, g := range globs {
		if !slices.ContainsFunc(candidates, func(f check.Finding) bool { return matchGlob(g, f.Path) }) {
			return nil, withHint(usageError("--path %s matches no current finding of %s", g, a.short()), a.findingsHint())
		}
	}

	var covers []provenance.ApprovalCover
	add := func(c provenance.ApprovalCover) {
		if !slices.Contains(covers, c) {
			covers = append(covers, c)
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
func (a *approver) findingsHint() string {
	var list []string
	for _, f := range a.report.Findings {
		list = append(list, f.Rule+" "+describePath(f.Path))
	}
	if len(list) == 0 {
		return "the commit has no findings: agentcheck verify " + a.short() + " passes without an approval"
	}
	return "the commit's findings: " + strings.Join(list, ", ") + " (see agentcheck verify " + a.short() + ")"
}

// sign checks the two-person rule, signs the approval and appends it to the
// commit's note.
func (a *approver) sign(ctx context.Context, covers []provenance.ApprovalCover, reason, keyFlag string) error {
	ident, err := gitIdent(ctx, a.dir)
	if err != nil {
		return err
	}
	signer, keyDesc, err := loadSigner(ctx, a.inv, a.dir, keyFlag)
	if err != nil {
		return err
	}
	fp := fingerprint(signer)
	if why := check.SelfApproval(a.trust.Policy, &a.report, ident.Email, fp); why != "" {
		return withHint(usageError("%s, and the two-person rule (approvals.allow_self: false in %s) needs someone else's approval", why, a.trust.PolicySource),
			"ask another maintainer listed in "+a.trust.ApproversSource+" to review the commit and run agentcheck approve "+a.short())
	}
	if !a.trust.Approvers.Allowed(signer.PublicKey(), provenance.SignatureNamespace, ident.Email, ident.When) {
		fmt.Fprintf(a.inv.Stderr, "agentcheck: warning: key %s is not listed for %s in %s: verify will report this approval as untrusted (AC002) until the approvers file on the base branch lists it\n",
			fp, ident.Email, a.trust.ApproversSource)
	}
	st, err := provenance.BuildApprovalStatement(a.commit.Hash.String(), provenance.ApprovalPredicate{
		Approver: ident.Email, Time: ident.When, Reason: reason, Covers: covers,
	})
	if err != nil {
		return err
	}
	env, err := provenance.SignStatement(st, signer)
	if err != nil {
		return fmt.Errorf("signing the approval of %s: %w", a.short(), err)
	}
	line, err := env.MarshalLine()
	if err != nil {
		return err
	}
	if _, err := git.AppendNote(a.repo, provenance.NotesRef, a.commit.Hash, [][]byte{line}, ident); err != nil {
		return fmt.Errorf("writing the note of %s: %w", a.short(), err)
	}
	fmt.Fprintf(a.inv.Stderr, "agentcheck: approved %s as %s, signed with %s:\n", a.short(), ident.Email, keyDesc)
	for _, c := range covers {
		fmt.Fprintf(a.inv.Stderr, "  %s\n", c)
	}
	fmt.Fprintf(a.inv.Stderr, "agentcheck: push it with: git push origin refs/notes/agentcheck\n")
	return nil
}

// gitIdent is the approver's identity and the approval's time, as git would
// record them for a commit made now: user.name, user.email and the current
// time, or GIT_COMMITTER_EMAIL and GIT_COMMITTER_DATE when set.
func gitIdent(ctx context.Context, dir string) (sig git.Signature, err error) {
	out, err := gitOutput(ctx, dir, "var", "GIT_COMMITTER_IDENT")
	if err != nil {
		return sig, withHint(fmt.Errorf("reading your git identity: %w", err), "set git config user.name and user.email")
	}
	name, rest, ok := strings.Cut(out, " <")
	email, stamp, ok2 := strings.Cut(rest, "> ")
	secs, _, _ := strings.Cut(stamp, " ")
	unix, err := strconv.ParseInt(secs, 10, 64)
	if !ok || !ok2 || err != nil || email == "" {
		return sig, fmt.Errorf("unexpected git identity %q", out)
	}
	sig.Name, sig.Email, sig.When = name, email, time.Unix(unix, 0).UTC()
	return sig, nil
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

func describePath(p string) string {
	if p == "" {
		return "(whole commit)"
	}
	return p
}
