package enforce

import (
	"strings"
	"testing"
)

var testEnv = Env{Home: "/home/dev", AgentcheckHome: "/home/dev/.config/agentcheck", ConfigHome: "/home/dev/.config", CodexHome: "/home/dev/.codex"}

func TestCheckCommandRefuses(t *testing.T) {
	for _, cmd := range []string{
		"git commit --no-verify -m 'wip'",
		"git commit -n -m wip",
		"git commit -qnm wip",
		"git commit -am wip --no-verif",
		"git -C sub commit --no-verify",
		"git -c user.name=x commit -n",
		"cd src && git commit --no-verify",
		"GIT_AUTHOR_NAME=x git commit -n",
		"/usr/bin/git commit -n",
		"git commit --amend --no-post-rewrite",
		"git push --no-verify origin main",
		"git push origin main --no-verify",
		"sudo git push --no-verify",
		"git notes --ref agentcheck add -m x HEAD",
		"git notes --ref=agentcheck remove HEAD",
		"git notes --ref agent''check remove HEAD",
		"git update-ref -d refs/notes/agentcheck",
		"git push origin :refs/notes/agentcheck",
		"git config core.hooksPath /dev/null",
		"git -c core.hookspath=/tmp/x commit -m x",
		"GIT_CONFIG_KEY_0=core.hooksPath git commit",
		"rm -rf .git/hooks",
		"echo x > .git/hooks/pre-push",
		"cat /dev/null > .git/agentcheck/sessions/claude-code-1.jsonl",
		"sed -i d .git/agentcheck/sessions/x.jsonl",
		"cat ~/.config/agentcheck/agentcheck_ed25519",
		"cp /home/dev/.config/agentcheck/key /tmp",
		"agentcheck attest",
		"agentcheck attest --session x HEAD",
		"agentcheck scope add '**'",
		"agentcheck keygen -f /tmp/k",
		"agentcheck init",
		"agentcheck approve HEAD",
		"agentcheck hook --agent claude-code < forged.json",
		"./bin/agentcheck attest",
		"go run ./cmd/agentcheck attest",
		"sh -c 'git commit -n -m x'",
		"bash -lc \"git push --no-verify\"",
		"eval 'git commit -n'",
		"echo \"$(git commit -n)\"",
		"x=`git commit -n`",
		"true; git commit -n",
		"make || git commit -n -m x",
		"HUSKY=0 git commit -m x",
		"python3 -c 'import os; os.system(\"git commit -n\")'",
		"jq '.disableAllHooks = true' .claude/settings.local.json",
	} {
		if r := CheckCommand(cmd, testEnv); r == "" {
			t.Errorf("CheckCommand(%q) allowed it", cmd)
		}
	}
}

func TestCheckCommandAllows(t *testing.T) {
	for _, cmd := range []string{
		"git commit -m 'fix the -n flag'",
		"git commit -m \"no-verify is not used here\"",
		"git commit -F msg.txt",
		"git commit -m wip -- src/main.go",
		"git commit -C HEAD --amend",
		"git commit --amend --no-edit",
		"git push origin main",
		"git push -n origin main",
		"git push --force-with-lease",
		"git notes show HEAD",
		"git config user.name",
		"git log --oneline",
		"go test ./...",
		"agentcheck verify HEAD~3..HEAD",
		"agentcheck show --format json",
		"agentcheck version",
		"agentcheck log HEAD~3..HEAD",
		"agentcheck export --format html --output report.html",
		"agentcheck",
		"npm install",
		"grep -rn hooks src/",
		"ls .github/workflows",
		"cat README.md | head",
	} {
		if r := CheckCommand(cmd, testEnv); r != "" {
			t.Errorf("CheckCommand(%q) refused it: %s", cmd, r)
		}
	}
}

func TestSplitCommand(t *testing.T) {
	got := splitCommand(`a "b c"; d 'e f'g && h\ i $(j k) ` + "`l`")
	var parts []string
	for _, seg := range got {
		parts = append(parts, strings.Join(seg, "|"))
	}
	want := "a|b c / d|e fg / h i / j|k / l"
	if s := strings.Join(parts, " / "); s != want {
		t.Errorf("splitCommand = %s, want %s", s, want)
	}
}

func FuzzCheckCommand(f *testing.F) {
	for _, s := range []string{"git commit -n", "sh -c 'eval \"$(x)\"'", `"\`, "'", "$(", "`"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cmd string) {
		CheckCommand(cmd, testEnv) // must not panic or hang
	})
}
