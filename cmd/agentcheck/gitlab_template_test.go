package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
	"go.yaml.in/yaml/v3"
)

// gitlabTemplate is the GitLab CI template of examples/gitlab.
var gitlabTemplate = filepath.Join("..", "..", "examples", "gitlab", "agentcheck.gitlab-ci.yml")

// gitlabJob is the part of the template's job the tests read.
type gitlabJob struct {
	Rules []struct {
		If string `yaml:"if"`
	} `yaml:"rules"`
	Variables    map[string]string `yaml:"variables"`
	BeforeScript []string          `yaml:"before_script"`
	Script       []string          `yaml:"script"`
	Artifacts    struct {
		When    string            `yaml:"when"`
		Reports map[string]string `yaml:"reports"`
	} `yaml:"artifacts"`
}

// cmdGitLabJob runs the script of the GitLab template's job the way a
// merge request pipeline would, in the script's current directory:
//
//	gitlabjob BASE HEAD
//
// CI_MERGE_REQUEST_DIFF_BASE_SHA and CI_COMMIT_SHA are BASE and HEAD
// resolved by git, and the before_script's notes fetch runs first (its
// other lines install agentcheck, which the script already has). It checks
// that the job runs for merge requests only, keeps the whole history, and
// uploads as reports the files the script writes.
func cmdGitLabJob(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: gitlabjob BASE HEAD")
	}
	data, err := os.ReadFile(gitlabTemplate)
	ts.Check(err)
	var doc map[string]gitlabJob
	ts.Check(yaml.Unmarshal(data, &doc))
	job, ok := doc["agentcheck"]
	if !ok {
		ts.Fatalf("%s has no agentcheck job", gitlabTemplate)
	}
	if len(job.Rules) != 1 || job.Rules[0].If != `$CI_PIPELINE_SOURCE == "merge_request_event"` {
		ts.Fatalf("the job does not run for merge request pipelines only: %+v", job.Rules)
	}
	if job.Variables["GIT_DEPTH"] != "0" {
		ts.Fatalf("GIT_DEPTH is %q, want 0: a shallow clone cuts the range", job.Variables["GIT_DEPTH"])
	}
	if job.Artifacts.When != "always" {
		ts.Fatalf("artifacts are uploaded %q, want always: the reports matter most when the gate fails", job.Artifacts.When)
	}
	for kind, file := range job.Artifacts.Reports {
		if !slices.ContainsFunc(job.Script, func(line string) bool { return strings.Contains(line, "--output "+file) }) {
			ts.Fatalf("the %s report %s is not written by the script", kind, file)
		}
	}
	env := []string{}
	for _, rev := range args {
		out, err := exec.Command("git", "-C", ts.MkAbs("."), "rev-parse", "--verify", rev+"^{commit}").Output()
		if err != nil {
			ts.Fatalf("git rev-parse %s: %v", rev, err)
		}
		env = append(env, strings.TrimSpace(string(out)))
	}
	ts.Setenv("CI_MERGE_REQUEST_DIFF_BASE_SHA", env[0])
	ts.Setenv("CI_COMMIT_SHA", env[1])
	lines := []string{}
	for _, line := range job.BeforeScript {
		if strings.HasPrefix(line, "git fetch") {
			lines = append(lines, line)
		}
	}
	lines = append(lines, job.Script...)
	err = ts.Exec("sh", "-ec", strings.Join(lines, "\n"))
	if neg && err == nil {
		ts.Fatalf("the job passed")
	}
	if !neg && err != nil {
		ts.Fatalf("the job failed: %v", err)
	}
}
