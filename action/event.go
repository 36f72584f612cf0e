package action

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/agentcheck/agentcheck/internal/git"
)

// Supported event names (GITHUB_EVENT_NAME).
const (
	EventPullRequest       = "pull_request"
	EventPullRequestTarget = "pull_request_target"
	EventPush              = "push"
	EventMergeGroup        = "merge_group"
)

// ErrUnsupportedEvent is wrapped by the error ParseEvent returns for an event
// the gate does not handle.
var ErrUnsupportedEvent = errors.New("unsupported event")

// Event is what the gate needs from a workflow run's event payload: which
// commits to check and which commit is the trusted side. Everything in it
// comes from the payload, which GitHub writes but whose strings (branch
// names, titles) people choose: ids are validated as hex, branch names as
// ref names, and nothing is ever run.
type Event struct {
	// Name is the event name, e.g. "pull_request".
	Name string
	// Base is the trusted side: the commit the policy and allowed signers
	// are read from and whose history is not checked. For a pull request it
	// is pull_request.base.sha, for a merge group merge_group.base_sha, for
	// a push the old tip (before). Empty when BaseBranch names it instead.
	Base string
	// BaseBranch is set instead of Base for a push that created a branch:
	// the repository's default branch, whose tip (fetched as
	// refs/remotes/origin/BRANCH) is the trusted side.
	BaseBranch string
	// Head is the newest commit to check: pull_request.head.sha (never the
	// synthetic merge commit), merge_group.head_sha, or a push's after. The
	// check run is attached to it.
	Head string
	// Deleted is set for a push that deleted its ref: nothing to check.
	Deleted bool
	// Ref is the ref the event is about, for people: the pull request's
	// head branch, the pushed ref or the merge group's ref.
	Ref string
	// PullRequest is set for pull_request and pull_request_target.
	PullRequest *PullRequest
}

// PullRequest is the part of a pull_request payload the gate reads.
type PullRequest struct {
	Number     int
	Title      string
	BaseRef    string // the base branch, e.g. main
	HeadRef    string // the head branch
	HeadRepo   string // owner/name of the head repository
	Fork       bool   // the head repository is not the base repository
	HeadNotes  string // clone URL of the head repository, when it is a fork
	AuthorName string // login of the pull request's author
}

// Range is the revision range to check, as agentcheck verify takes it:
// BASE..HEAD with full ids, or refs/remotes/origin/BRANCH..HEAD for a new
// branch.
func (e *Event) Range() string {
	if e.BaseBranch != "" {
		return "refs/remotes/origin/" + e.BaseBranch + ".." + e.Head
	}
	return e.Base + ".." + e.Head
}

// Describe says in a few words what the event is, for people: "pull
// request #12", "push to refs/heads/main", "merge group for main".
func (e *Event) Describe() string {
	switch {
	case e.PullRequest != nil:
		return fmt.Sprintf("pull request #%d", e.PullRequest.Number)
	case e.Name == EventMergeGroup:
		return "merge group " + e.Ref
	case e.Name == EventPush:
		return "push to " + e.Ref
	}
	return e.Name
}

var (
	shaRE = regexp.MustCompile(`^(?:[0-9a-f]{40}|[0-9a-f]{64})$`)
	// repoRE is GitHub's owner/name: letters, digits, '-', '_' and '.'.
	repoRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+$`)
)

// zeroSHA reports whether s is git's all-zero id, which push events use for
// a side that does not exist.
func zeroSHA(s string) bool { return s != "" && strings.Trim(s, "0") == "" }

// The payload shapes, as GitHub documents them for webhooks and writes them
// to GITHUB_EVENT_PATH; only the fields the gate reads.
type (
	payloadRepo struct {
		FullName      string `json:"full_name"`
		CloneURL      string `json:"clone_url"`
		DefaultBranch string `json:"default_branch"`
	}
	payloadBranch struct {
		Ref  string       `json:"ref"`
		SHA  string       `json:"sha"`
		Repo *payloadRepo `json:"repo"`
	}
	payload struct {
		Number      int `json:"number"`
		PullRequest *struct {
			Number int    `json:"number"`
			Title  string `json:"title"`
			User   struct {
				Login string `json:"login"`
			} `json:"user"`
			Head payloadBranch `json:"head"`
			Base payloadBranch `json:"base"`
		} `json:"pull_request"`
		// push
		Ref     string `json:"ref"`
		Before  string `json:"before"`
		After   string `json:"after"`
		Created bool   `json:"created"`
		Deleted bool   `json:"deleted"`
		// merge_group
		MergeGroup *struct {
			HeadSHA string `json:"head_sha"`
			HeadRef string `json:"head_ref"`
			BaseSHA string `json:"base_sha"`
			BaseRef string `json:"base_ref"`
		} `json:"merge_group"`
		Repository *payloadRepo `json:"repository"`
	}
)

// ParseEvent reads the payload of event name (the content of
// GITHUB_EVENT_PATH). It fails on an event the gate does not handle
// (wrapping [ErrUnsupportedEvent]) and on a payload without the ids it
// needs: the gate never guesses a range.
func ParseEvent(name string, data []byte) (*Event, error) {
	var p payload
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("parsing %s event payload: %w", name, err)
	}
	e := &Event{Name: name}
	var err error
	switch name {
	case EventPullRequest, EventPullRequestTarget:
		err = e.pullRequest(&p)
	case EventPush:
		err = e.push(&p)
	case EventMergeGroup:
		err = e.mergeGroup(&p)
	default:
		return nil, fmt.Errorf("event %q: %w (want pull_request, pull_request_target, push or merge_group)", name, ErrUnsupportedEvent)
	}
	if err != nil {
		return nil, fmt.Errorf("%s event payload: %w", name, err)
	}
	return e, nil
}

func (e *Event) pullRequest(p *payload) error {
	pr := p.PullRequest
	if pr == nil {
		return errors.New("no pull_request object")
	}
	if err := checkSHA("pull_request.base.sha", pr.Base.SHA); err != nil {
		return err
	}
	if err := checkSHA("pull_request.head.sha", pr.Head.SHA); err != nil {
		return err
	}
	n := pr.Number
	if n == 0 {
		n = p.Number
	}
	if n <= 0 {
		return errors.New("no pull request number")
	}
	e.Base, e.Head, e.Ref = pr.Base.SHA, pr.Head.SHA, pr.Head.Ref
	e.PullRequest = &PullRequest{
		Number: n, Title: pr.Title, BaseRef: pr.Base.Ref, HeadRef: pr.Head.Ref, AuthorName: pr.User.Login,
	}
	// The head repository is null when the fork was deleted; its commits
	// are still in the base repository under refs/pull/N/head.
	if pr.Head.Repo != nil && pr.Base.Repo != nil && pr.Head.Repo.FullName != pr.Base.Repo.FullName {
		e.PullRequest.Fork = true
		if repoRE.MatchString(pr.Head.Repo.FullName) {
			e.PullRequest.HeadRepo = pr.Head.Repo.FullName
		}
		if u, err := url.Parse(pr.Head.Repo.CloneURL); err == nil && u.Scheme == "https" && u.Host != "" &&
			u.User == nil && u.RawQuery == "" && u.Fragment == "" && !strings.ContainsAny(pr.Head.Repo.CloneURL, " \t\r\n") {
			e.PullRequest.HeadNotes = pr.Head.Repo.CloneURL
		}
	}
	return nil
}

func (e *Event) push(p *payload) error {
	e.Ref = p.Ref
	if !strings.HasPrefix(p.Ref, "refs/") || !validBranch(strings.TrimPrefix(p.Ref, "refs/")) {
		return fmt.Errorf("ref %q is not a ref name", p.Ref)
	}
	if p.Deleted || zeroSHA(p.After) {
		e.Deleted = true
		return nil
	}
	if err := checkSHA("after", p.After); err != nil {
		return err
	}
	e.Head = p.After
	if !zeroSHA(p.Before) {
		if err := checkSHA("before", p.Before); err != nil {
			return err
		}
		e.Base = p.Before
		return nil
	}
	// A new ref: its old tip does not exist. The trusted side is the
	// default branch; the commits to check are those it does not have.
	if p.Repository == nil || p.Repository.DefaultBranch == "" {
		return errors.New("a push that created a ref needs repository.default_branch as its base")
	}
	def := p.Repository.DefaultBranch
	if !validBranch(def) {
		return fmt.Errorf("default branch %q is not a branch name", def)
	}
	if p.Ref == "refs/heads/"+def {
		return fmt.Errorf("the push created the default branch %s: there is no trusted side to compare it with", def)
	}
	e.BaseBranch = def
	return nil
}

func (e *Event) mergeGroup(p *payload) error {
	mg := p.MergeGroup
	if mg == nil {
		return errors.New("no merge_group object")
	}
	if err := checkSHA("merge_group.base_sha", mg.BaseSHA); err != nil {
		return err
	}
	if err := checkSHA("merge_group.head_sha", mg.HeadSHA); err != nil {
		return err
	}
	if !strings.HasPrefix(mg.HeadRef, "refs/") || !validBranch(strings.TrimPrefix(mg.HeadRef, "refs/")) {
		return fmt.Errorf("merge_group.head_ref %q is not a ref name", truncate(mg.HeadRef, 80))
	}
	e.Base, e.Head, e.Ref = mg.BaseSHA, mg.HeadSHA, mg.HeadRef
	return nil
}

func checkSHA(field, s string) error {
	if s == "" {
		return fmt.Errorf("%s is missing", field)
	}
	if !shaRE.MatchString(s) || zeroSHA(s) {
		return fmt.Errorf("%s %q is not a commit id", field, truncate(s, 80))
	}
	return nil
}

// validBranch reports whether name is a safe branch or ref name: one git
// check-ref-format accepts (git.ValidRefName), no longer than 255 bytes, and
// nothing a shell or git could read as an option.
func validBranch(name string) bool {
	return len(name) <= 255 && !strings.HasPrefix(name, "-") && git.ValidRefName(name)
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// FetchPlan lists what the local repository must hold to check the event,
// one item per line, for the action's fetch-history.sh script:
//
//	commit SHA     a commit (with enough history) to fetch from origin
//	branch NAME    a branch of origin, fetched as refs/remotes/origin/NAME
//	pull N         refs/pull/N/head of origin, when fetching the head by id fails
//	notes URL      a fork whose refs/notes/agentcheck is merged into the local notes
//
// The base comes first and the head last. Every value is validated here, and
// the script validates it again.
func (e *Event) FetchPlan() []string {
	if e.Deleted {
		return nil
	}
	var plan []string
	if e.BaseBranch != "" {
		plan = append(plan, "branch "+e.BaseBranch)
	} else {
		plan = append(plan, "commit "+e.Base)
	}
	plan = append(plan, "commit "+e.Head)
	if pr := e.PullRequest; pr != nil {
		plan = append(plan, "pull "+strconv.Itoa(pr.Number))
		if pr.HeadNotes != "" {
			plan = append(plan, "notes "+pr.HeadNotes)
		}
	}
	return plan
}
