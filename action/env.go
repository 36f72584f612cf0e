package action

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Env is what a GitHub Actions step is told through its environment. See
// "Variables" in GitHub's Actions documentation.
type Env struct {
	EventName   string // GITHUB_EVENT_NAME
	EventPath   string // GITHUB_EVENT_PATH: the event payload, JSON
	Repository  string // GITHUB_REPOSITORY: owner/name
	SHA         string // GITHUB_SHA: the commit the workflow runs on (for a pull request, the merge commit)
	APIURL      string // GITHUB_API_URL, default https://api.github.com
	ServerURL   string // GITHUB_SERVER_URL, default https://github.com
	RunID       string // GITHUB_RUN_ID
	Token       string // GITHUB_TOKEN (the action passes its github-token input here)
	StepSummary string // GITHUB_STEP_SUMMARY: file the job summary is appended to
	Output      string // GITHUB_OUTPUT: file step outputs are appended to
}

// LoadEnv reads the environment through getenv. It fails when the variables
// that say what to check are missing: outside GitHub Actions there is no
// event to read.
func LoadEnv(getenv func(string) string) (*Env, error) {
	e := &Env{
		EventName:   getenv("GITHUB_EVENT_NAME"),
		EventPath:   getenv("GITHUB_EVENT_PATH"),
		Repository:  getenv("GITHUB_REPOSITORY"),
		SHA:         getenv("GITHUB_SHA"),
		APIURL:      cmp.Or(getenv("GITHUB_API_URL"), "https://api.github.com"),
		ServerURL:   cmp.Or(getenv("GITHUB_SERVER_URL"), "https://github.com"),
		RunID:       getenv("GITHUB_RUN_ID"),
		Token:       getenv("GITHUB_TOKEN"),
		StepSummary: getenv("GITHUB_STEP_SUMMARY"),
		Output:      getenv("GITHUB_OUTPUT"),
	}
	var missing []string
	for _, v := range []struct{ name, value string }{
		{"GITHUB_EVENT_NAME", e.EventName}, {"GITHUB_EVENT_PATH", e.EventPath}, {"GITHUB_REPOSITORY", e.Repository},
	} {
		if v.value == "" {
			missing = append(missing, v.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s not set: not running in GitHub Actions", strings.Join(missing, ", "))
	}
	if !repoRE.MatchString(e.Repository) {
		return nil, fmt.Errorf("GITHUB_REPOSITORY %q is not owner/name", e.Repository)
	}
	return e, nil
}

// Owner and Repo split GITHUB_REPOSITORY.
func (e *Env) Owner() string { o, _, _ := strings.Cut(e.Repository, "/"); return o }

// Repo is the repository's name without its owner.
func (e *Env) Repo() string { _, r, _ := strings.Cut(e.Repository, "/"); return r }

// RepositoryURL is the repository's web address.
func (e *Env) RepositoryURL() string {
	return strings.TrimSuffix(e.ServerURL, "/") + "/" + e.Repository
}

// RunURL is the address of the workflow run, or "" without GITHUB_RUN_ID.
func (e *Env) RunURL() string {
	if e.RunID == "" {
		return ""
	}
	return e.RepositoryURL() + "/actions/runs/" + e.RunID
}

// maxEventSize bounds the event payload read from GITHUB_EVENT_PATH; GitHub
// caps webhook payloads at 25 MB.
const maxEventSize = 25 << 20

// ReadEvent reads and parses the event payload named by the environment.
func (e *Env) ReadEvent() (*Event, error) {
	f, err := os.Open(e.EventPath)
	if err != nil {
		return nil, fmt.Errorf("reading the event payload: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxEventSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading the event payload: %w", err)
	}
	if len(data) > maxEventSize {
		return nil, fmt.Errorf("event payload %s is over the %d-byte limit", e.EventPath, maxEventSize)
	}
	ev, err := ParseEvent(e.EventName, data)
	if err != nil {
		return nil, err
	}
	if ev.Name == EventPush && ev.Head != "" && e.SHA != "" && e.SHA != ev.Head {
		return nil, errors.New("GITHUB_SHA " + e.SHA + " is not the pushed commit " + ev.Head)
	}
	return ev, nil
}
