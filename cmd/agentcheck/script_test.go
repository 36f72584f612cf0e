package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/internal/hookcmd"
	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/provenance"
)

var update = flag.Bool("update", false, "rewrite the golden output in testdata/*.txtar and testdata/help")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		// main, but the GitHub gate's retry waits take no time: the
		// scripts replay rate limits and server errors that ask for
		// seconds. Each wait is still logged.
		"agentcheck": func() {
			tuneGC()
			inv := &Invocation{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Sleep: noSleep,
				ReadProcess: belowTest(os.Getenv("AGENTCHECK_TEST_PID"))}
			os.Exit(writeError(inv.Stderr, Run(context.Background(), inv)))
		},
		// ssh-keygen for the scripts' software security keys (sk_test.go).
		"sk-keygen": func() { os.Exit(skKeygen(os.Args[1:], os.Stdout, os.Stderr)) },
		// The agents' hook command, as cmd/agentcheck-hook runs it.
		"agentcheck-hook": func() {
			args := os.Args[1:]
			if len(args) > 0 && args[0] == "hook" {
				args = args[1:]
			}
			os.Exit(hookcmd.Main(args, hookcmd.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Name: "agentcheck-hook",
				Version: readBuild().Line("agentcheck-hook")}))
		},
	})
}

// belowTest reads the real processes, but not the test process (pid) and
// those above it: the scripts' ancestry ends at go test, whatever runs it
// (an agent, perhaps), and a script puts an agent above agentcheck itself
// when it means to.
func belowTest(pid string) agents.ReadProcess {
	root, err := strconv.Atoi(pid)
	if err != nil {
		return nil
	}
	return func(p int) (agents.Process, error) {
		if p == root {
			return agents.Process{}, errors.New("the test process")
		}
		return agents.ReadProcessOS(p)
	}
}

// noSleep is a sleeper for tests: it does not wait.
func noSleep(ctx context.Context, d time.Duration) error { return ctx.Err() }

// TestScript runs the end-to-end scripts in testdata: each drives the real
// binary and real git in a temporary directory.
func TestScript(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup:               setupScript,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"replay":    cmdReplay,
			"subst":     cmdSubst,
			"dsse":      cmdDSSE,
			"clock":     cmdClock,
			"tamper":    cmdTamper,
			"sign":      cmdSign,
			"gitserver": cmdGitServer,
			"gitlabjob": cmdGitLabJob,
			"rawtree":   cmdRawTree,
		},
	})
}

// setupScript gives each script a home of its own with a git identity, so
// scripts never read the machine's configuration.
func setupScript(env *testscript.Env) error {
	home := filepath.Join(env.WorkDir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		return err
	}
	gitconfig := "[user]\n\tname = Alice Dev\n\temail = alice@example.com\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n"
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(gitconfig), 0o600); err != nil {
		return err
	}
	env.Setenv("HOME", home)
	env.Setenv("AGENTCHECK_HOME", filepath.Join(home, ".config", "agentcheck"))
	env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	env.Setenv("GIT_AUTHOR_DATE", "2026-11-26T10:00:00Z")
	env.Setenv("GIT_COMMITTER_DATE", "2026-11-26T10:00:00Z")
	env.Setenv("TZ", "UTC")
	env.Setenv("AGENTCHECK_TEST_PID", strconv.Itoa(os.Getpid()))
	for _, k := range []string{"SSH_AUTH_SOCK", "CLAUDECODE", "CLAUDE_CODE_SESSION_ID", "CODEX_THREAD_ID", "CURSOR_AGENT", "OPENCODE",
		"OPENCODE_SESSION_ID", "AI_AGENT", "AGENTCHECK_SIGNING_KEY", "CODEX_HOME"} {
		env.Setenv(k, "")
	}
	return writeTestKeys(env.WorkDir, filepath.Join(home, ".config", "agentcheck"))
}

// writeTestKeys writes deterministic SSH keys, so that golden output with
// key fingerprints is stable: alice's is the default signing key, and
// $WORK/keys holds alice, bob and mallory with an allowed_signers line each
// (NAME.allowed, for NAME@example.com).
func writeTestKeys(work, agentcheckHome string) error {
	keys := filepath.Join(work, "keys")
	for _, dir := range []string{keys, agentcheckHome} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	}
	for _, name := range []string{"alice", "bob", "mallory"} {
		seed := sha256.Sum256([]byte("agentcheck test key " + name))
		priv := ed25519.NewKeyFromSeed(seed[:])
		pemBlock, err := ssh.MarshalPrivateKey(priv, name+"@example.com")
		if err != nil {
			return err
		}
		pub, err := ssh.NewPublicKey(priv.Public())
		if err != nil {
			return err
		}
		authorized := string(ssh.MarshalAuthorizedKey(pub))
		files := map[string]string{
			filepath.Join(keys, name):            string(pem.EncodeToMemory(pemBlock)),
			filepath.Join(keys, name+".pub"):     authorized,
			filepath.Join(keys, name+".allowed"): name + "@example.com namespaces=\"agentcheck\" " + authorized,
		}
		if name == "alice" {
			files[filepath.Join(agentcheckHome, "agentcheck_ed25519")] = files[filepath.Join(keys, name)]
			files[filepath.Join(agentcheckHome, "agentcheck_ed25519.pub")] = authorized
		}
		for path, content := range files {
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				return err
			}
		}
	}
	return nil
}

// cmdReplay feeds recorded hook payloads to "agentcheck hook": one payload per
// line of each file, with $WORK replaced by the script's work directory, as
// the agent would call the hook once per event.
//
//	replay AGENT FILE...
func cmdReplay(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: replay AGENT FILE...")
	}
	agent := args[0]
	payload := filepath.Join(ts.Getenv("WORK"), ".replay-payload.json")
	for _, name := range args[1:] {
		sc := bufio.NewScanner(strings.NewReader(ts.ReadFile(name)))
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			line = strings.ReplaceAll(line, "$WORK", ts.Getenv("WORK"))
			if err := os.WriteFile(payload, []byte(line), 0o600); err != nil {
				ts.Fatalf("%v", err)
			}
			err := ts.Exec("sh", "-c", `exec agentcheck hook --agent "$1" < "$2"`, "sh", agent, payload)
			if (err != nil) != neg {
				ts.Fatalf("agentcheck hook on %.100s: %v", line, err)
			}
		}
		if err := sc.Err(); err != nil {
			ts.Fatalf("reading %s: %v", name, err)
		}
	}
}

// cmdClock sets the times of a session journal's events to a fixed clock:
// the first event at START, each next one a second later, as if the session
// had run then. The hook stamps events with the wall clock, as it must; a
// script whose golden output shows session times (log, export) fixes them
// this way before attesting, the way GIT_AUTHOR_DATE fixes commit times.
// Nothing in agentcheck itself reads a fake clock.
//
//	clock JOURNAL START
func cmdClock(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: clock JOURNAL START")
	}
	start, err := time.Parse(time.RFC3339, args[1])
	ts.Check(err)
	var out strings.Builder
	for i, line := range strings.Split(strings.TrimRight(ts.ReadFile(args[0]), "\n"), "\n") {
		var ev map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			ts.Fatalf("journal line %d: %v", i+1, err)
		}
		at, _ := json.Marshal(start.Add(time.Duration(i) * time.Second))
		ev["time"] = at
		b, err := json.Marshal(ev)
		ts.Check(err)
		out.Write(b)
		out.WriteByte('\n')
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(out.String()), 0o600))
}

// cmdSubst replaces $WORK in files with the script's work directory.
//
//	subst FILE...
func cmdSubst(ts *testscript.TestScript, neg bool, args []string) {
	for _, name := range args {
		data := strings.ReplaceAll(ts.ReadFile(name), "$WORK", ts.Getenv("WORK"))
		if err := os.WriteFile(ts.MkAbs(name), []byte(data), 0o644); err != nil {
			ts.Fatalf("%v", err)
		}
	}
}

// cmdDSSE unpacks line N (1-based) of a note file, using nothing of
// agentcheck's own verification, so that standard tools can check it:
// the DSSE pre-authentication encoding, the armored SSH signature and the
// decoded in-toto statement.
//
//	dsse NOTE N PAE SIG STATEMENT
func cmdDSSE(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 5 {
		ts.Fatalf("usage: dsse NOTE N PAE SIG STATEMENT")
	}
	lines := strings.Split(strings.TrimSpace(ts.ReadFile(args[0])), "\n")
	n, err := strconv.Atoi(args[1])
	if err != nil || n < 1 || n > len(lines) {
		ts.Fatalf("note has %d lines; no line %s", len(lines), args[1])
	}
	var env struct {
		PayloadType string `json:"payloadType"`
		Payload     string `json:"payload"`
		Signatures  []struct {
			Sig string `json:"sig"`
		} `json:"signatures"`
	}
	if err := json.Unmarshal([]byte(lines[n-1]), &env); err != nil {
		ts.Fatalf("line %d is not JSON: %v", n, err)
	}
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	ts.Check(err)
	sig, err := base64.StdEncoding.DecodeString(env.Signatures[0].Sig)
	ts.Check(err)
	pae := fmt.Sprintf("DSSEv1 %d %s %d %s", len(env.PayloadType), env.PayloadType, len(payload), payload)
	armored := "-----BEGIN SSH SIGNATURE-----\n"
	b64 := base64.StdEncoding.EncodeToString(sig)
	for len(b64) > 70 {
		armored += b64[:70] + "\n"
		b64 = b64[70:]
	}
	armored += b64 + "\n-----END SSH SIGNATURE-----\n"
	for file, content := range map[string]string{args[2]: pae, args[3]: armored, args[4]: string(payload)} {
		ts.Check(os.WriteFile(ts.MkAbs(file), []byte(content), 0o644))
	}
}

// cmdTamper changes the signed payload of every line of a note file in
// place: it decodes the payload, replaces OLD with NEW and re-encodes it,
// leaving the signature as it was — what an attacker editing a note can do.
//
//	tamper NOTE OLD NEW
func cmdTamper(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: tamper NOTE OLD NEW")
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(ts.ReadFile(args[0])), "\n") {
		var env map[string]any
		ts.Check(json.Unmarshal([]byte(line), &env))
		payload, err := base64.StdEncoding.DecodeString(env["payload"].(string))
		ts.Check(err)
		changed := strings.Replace(string(payload), args[1], args[2], 1)
		if changed == string(payload) {
			ts.Fatalf("%q not found in the payload", args[1])
		}
		env["payload"] = base64.StdEncoding.EncodeToString([]byte(changed))
		b, err := json.Marshal(env)
		ts.Check(err)
		out = append(out, string(b))
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strings.Join(out, "\n")+"\n"), 0o644))
}

// cmdRawTree writes a tree object exactly as given, entries in the order
// given, with git hash-object --literally (git mktree would sort them and
// refuse a '/' in a name), and sets VAR to its id: the trees git itself
// refuses, as an attacker writes them. OBJECT is anything git rev-parse
// resolves (an id, base^{tree}, HEAD:README.md).
//
//	rawtree VAR MODE NAME OBJECT [MODE NAME OBJECT...]
func cmdRawTree(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 4 || (len(args)-1)%3 != 0 {
		ts.Fatalf("usage: rawtree VAR MODE NAME OBJECT [MODE NAME OBJECT...]")
	}
	git := func(stdin []byte, args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = ts.MkAbs(".")
		cmd.Env = []string{"HOME=" + ts.Getenv("HOME"), "PATH=" + ts.Getenv("PATH"), "GIT_CONFIG_NOSYSTEM=1"}
		cmd.Stdin = bytes.NewReader(stdin)
		out, err := cmd.Output()
		if err != nil {
			ts.Fatalf("git %s: %v", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(string(out))
	}
	var tree []byte
	for i := 1; i < len(args); i += 3 {
		id, err := hex.DecodeString(git(nil, "rev-parse", "--verify", args[i+2]))
		if err != nil || len(id) != 20 {
			ts.Fatalf("%q is not an object", args[i+2])
		}
		tree = append(append(append(tree, args[i]+" "+args[i+1]...), 0), id...)
	}
	ts.Setenv(args[0], git(tree, "hash-object", "-t", "tree", "--literally", "-w", "--stdin"))
}

// cmdSign signs an approval with the key at KEY (a script's security key
// too, see sk_test.go): the predicate is the
// JSON in file PREDICATE, the subject commit REV (resolved in the current
// directory). It writes the note line to OUT, for approvals that agentcheck
// approve refuses to make, such as one that names AC002.
//
//	sign KEY REV PREDICATE OUT
func cmdSign(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 4 {
		ts.Fatalf("usage: sign KEY REV PREDICATE OUT")
	}
	git := exec.Command("git", "rev-parse", "--verify", args[1]+"^{commit}")
	git.Dir = ts.MkAbs(".")
	git.Env = []string{"HOME=" + ts.Getenv("HOME"), "PATH=" + ts.Getenv("PATH"), "GIT_CONFIG_NOSYSTEM=1"}
	out, err := git.Output()
	if err != nil {
		ts.Fatalf("resolving %s: %v", args[1], err)
	}
	var pred provenance.ApprovalPredicate
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[2])), &pred))
	st, err := provenance.BuildApprovalStatement(strings.TrimSpace(string(out)), pred)
	ts.Check(err)
	var signer ssh.Signer
	sk, ok, err := loadSKTestKey(ts.MkAbs(args[0]), ts.Getenv)
	ts.Check(err)
	if ok {
		signer = sk
	} else {
		signer, err = provenance.LoadSigner(ts.MkAbs(args[0]), ts.Getenv)
		ts.Check(err)
	}
	env, err := provenance.SignStatement(st, signer)
	ts.Check(err)
	line, err := env.MarshalLine()
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[3]), append(line, '\n'), 0o644))
}
