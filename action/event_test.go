package action

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	baseSHA  = "9f1c0c4a2b3d4e5f60718293a4b5c6d7e8f90a1b"
	headSHA  = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
	mergeSHA = "0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e"
)

// recorded reads a recorded shape from testdata/github at the repository's
// root, filling its ${NAME} placeholders.
func recorded(t *testing.T, path string, vars map[string]string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "github", path))
	if err != nil {
		t.Fatal(err)
	}
	return []byte(os.Expand(string(data), func(k string) string { return vars[k] }))
}

func shaVars() map[string]string {
	return map[string]string{"BASE_SHA": baseSHA, "HEAD_SHA": headSHA, "MERGE_SHA": mergeSHA, "BEFORE_SHA": baseSHA, "TREE_SHA": mergeSHA}
}

func TestParseEvent(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		want       *Event
		plan       []string
	}{
		{
			name: "pull_request", file: "pull_request.json",
			want: &Event{Name: "pull_request", Base: baseSHA, Head: headSHA, Ref: "agent/fix-greeting",
				PullRequest: &PullRequest{Number: 7, Title: "Fix the greeting", BaseRef: "main", HeadRef: "agent/fix-greeting", AuthorName: "octocat"}},
			plan: []string{"commit " + baseSHA, "commit " + headSHA, "pull 7"},
		},
		{
			name: "pull_request", file: "pull_request_fork.json",
			want: &Event{Name: "pull_request", Base: baseSHA, Head: headSHA, Ref: "agent/loosen",
				PullRequest: &PullRequest{Number: 8, Title: "Tidy the config", BaseRef: "main", HeadRef: "agent/loosen", AuthorName: "monalisa",
					HeadRepo: "monalisa/octo-repo", Fork: true, HeadNotes: "https://github.com/monalisa/octo-repo.git"}},
			plan: []string{"commit " + baseSHA, "commit " + headSHA, "pull 8", "notes https://github.com/monalisa/octo-repo.git"},
		},
		{
			name: "pull_request_target", file: "pull_request_target.json",
			want: &Event{Name: "pull_request_target", Base: baseSHA, Head: headSHA, Ref: "agent/loosen",
				PullRequest: &PullRequest{Number: 9, Title: "Tidy the config", BaseRef: "main", HeadRef: "agent/loosen", AuthorName: "monalisa",
					HeadRepo: "monalisa/octo-repo", Fork: true, HeadNotes: "https://github.com/monalisa/octo-repo.git"}},
			plan: []string{"commit " + baseSHA, "commit " + headSHA, "pull 9", "notes https://github.com/monalisa/octo-repo.git"},
		},
		{
			name: "push", file: "push.json",
			want: &Event{Name: "push", Base: baseSHA, Head: headSHA, Ref: "refs/heads/main"},
			plan: []string{"commit " + baseSHA, "commit " + headSHA},
		},
		{
			name: "push", file: "push_new_branch.json",
			want: &Event{Name: "push", BaseBranch: "main", Head: headSHA, Ref: "refs/heads/agent/fix-greeting"},
			plan: []string{"branch main", "commit " + headSHA},
		},
		{
			name: "push", file: "push_deleted.json",
			want: &Event{Name: "push", Deleted: true, Ref: "refs/heads/agent/fix-greeting"},
		},
		{
			name: "merge_group", file: "merge_group.json",
			want: &Event{Name: "merge_group", Base: baseSHA, Head: headSHA, Ref: "refs/heads/gh-readonly-queue/main/pr-7-" + baseSHA},
			plan: []string{"commit " + baseSHA, "commit " + headSHA},
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, err := ParseEvent(tc.name, recorded(t, "events/"+tc.file, shaVars()))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("event (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.plan, got.FetchPlan()); diff != "" {
				t.Errorf("fetch plan (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEventRange(t *testing.T) {
	pr, err := ParseEvent("pull_request", recorded(t, "events/pull_request.json", shaVars()))
	if err != nil {
		t.Fatal(err)
	}
	// The pull request's own commits, never the synthetic merge commit.
	if got, want := pr.Range(), baseSHA+".."+headSHA; got != want {
		t.Errorf("pull request range = %s, want %s", got, want)
	}
	nb, err := ParseEvent("push", recorded(t, "events/push_new_branch.json", shaVars()))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := nb.Range(), "refs/remotes/origin/main.."+headSHA; got != want {
		t.Errorf("new branch range = %s, want %s", got, want)
	}
}

func TestParseEventRefuses(t *testing.T) {
	vars := shaVars()
	for _, tc := range []struct {
		what, name, file string
		vars             map[string]string
		edit             func(string) string
		want             string
	}{
		{what: "an event the gate does not handle", name: "issues", file: "issues.json", want: "unsupported event"},
		{what: "a missing base", name: "pull_request", file: "pull_request.json",
			vars: map[string]string{"HEAD_SHA": headSHA}, want: "pull_request.base.sha is missing"},
		{what: "a base that is not an id", name: "pull_request", file: "pull_request.json",
			vars: map[string]string{"BASE_SHA": "main", "HEAD_SHA": headSHA}, want: `pull_request.base.sha "main" is not a commit id`},
		{what: "an option smuggled as an id", name: "merge_group", file: "merge_group.json",
			vars: map[string]string{"BASE_SHA": "--upload-pack=touch /tmp/x", "HEAD_SHA": headSHA}, want: "is not a commit id"},
		{what: "a push of a ref that is not a ref", name: "push", file: "push.json", vars: vars,
			edit: func(s string) string { return strings.Replace(s, `"refs/heads/main"`, `"main; rm -rf /"`, 1) }, want: "is not a ref name"},
		{what: "a push that created the default branch", name: "push", file: "push_new_branch.json", vars: vars,
			edit: func(s string) string {
				return strings.Replace(s, `"refs/heads/agent/fix-greeting"`, `"refs/heads/main"`, 1)
			},
			want: "no trusted side"},
		{what: "a default branch that is an option", name: "push", file: "push_new_branch.json", vars: vars,
			edit: func(s string) string {
				return strings.Replace(s, `"default_branch": "main"`, `"default_branch": "-x"`, 1)
			},
			want: "is not a branch name"},
		{what: "a merge group ref with a line break", name: "merge_group", file: "merge_group.json", vars: vars,
			edit: func(s string) string {
				return strings.Replace(s, `"head_ref": "refs/heads/gh-readonly-queue/`, `"head_ref": "refs/heads/x\r::error::y/`, 1)
			},
			want: "merge_group.head_ref"},
		{what: "a payload that is not JSON", name: "push", file: "push.json", vars: vars,
			edit: func(s string) string { return s[:20] }, want: "parsing push event payload"},
	} {
		t.Run(tc.what, func(t *testing.T) {
			data := string(recorded(t, "events/"+tc.file, tc.vars))
			if tc.edit != nil {
				data = tc.edit(data)
			}
			_, err := ParseEvent(tc.name, []byte(data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
			if tc.name == "issues" && !errors.Is(err, ErrUnsupportedEvent) {
				t.Errorf("error %v does not wrap ErrUnsupportedEvent", err)
			}
		})
	}
}

func TestForkURLValidated(t *testing.T) {
	data := strings.Replace(string(recorded(t, "events/pull_request_fork.json", shaVars())),
		`"clone_url": "https://github.com/monalisa/octo-repo.git"`, `"clone_url": "ext::sh -c touch% /tmp/pwned"`, 1)
	ev, err := ParseEvent("pull_request", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if !ev.PullRequest.Fork || ev.PullRequest.HeadNotes != "" {
		t.Errorf("fork %v, notes URL %q: want a fork without a notes URL", ev.PullRequest.Fork, ev.PullRequest.HeadNotes)
	}
	for _, line := range ev.FetchPlan() {
		if strings.HasPrefix(line, "notes ") {
			t.Errorf("plan has %q", line)
		}
	}
}

func TestLoadEnv(t *testing.T) {
	env := map[string]string{"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": "/e.json", "GITHUB_REPOSITORY": "octo-org/octo-repo", "GITHUB_RUN_ID": "42"}
	e, err := LoadEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if e.Owner() != "octo-org" || e.Repo() != "octo-repo" || e.APIURL != "https://api.github.com" ||
		e.RunURL() != "https://github.com/octo-org/octo-repo/actions/runs/42" {
		t.Errorf("env = %+v", e)
	}
	if _, err := LoadEnv(func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "not running in GitHub Actions") {
		t.Errorf("empty environment: error = %v", err)
	}
}
