package signals

import (
	"fmt"
	"net"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/agentcheck/agentcheck/internal/shell"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
	"github.com/agentcheck/agentcheck/scope"
)

// Rule IDs of the signals, as package check names them.
const (
	Exfiltration  = "AC010" // exfiltration-pattern
	UntrustedTool = "AC011" // untrusted-tool
	MemoryEdit    = "AC012" // agent-memory-edit
)

// Session is a session manifest that verified: what the signals read.
type Session struct {
	Label     string // agent/session-id
	Predicate *provenance.SessionPredicate
}

// Signal is one behaviour found in a commit or its sessions.
type Signal struct {
	Rule    string // Exfiltration, UntrustedTool or MemoryEdit
	Path    string // the path of the commit it is about; "" for a session's behaviour
	Message string
	// Session is the label of the session it concerns; "" when it is
	// about the commit as a whole (a path several sessions recorded).
	Session string
}

// Find returns the signals of a commit: changed holds the paths of its diff
// (both sides of a rename), sessions its valid session manifests, and
// trustedMCP the policy's taint.trusted_mcp. What an unverified note claims
// is not evidence of anything: pass only manifests that verified.
func Find(changed []string, sessions []Session, trustedMCP []string) []Signal {
	var out []Signal
	inCommit := map[string]bool{}
	for _, p := range changed {
		inCommit[p] = true
		out = append(out, memoryPath(p, sessions)...)
	}
	scripts := parsed{}
	for _, s := range sessions {
		out = append(out, exfiltration(s, scripts)...)
		out = append(out, untrustedTools(s, trustedMCP)...)
		out = append(out, memoryActions(s, inCommit, scripts)...)
	}
	return out
}

// parsed holds the commands of one Find as shell.Parse read them: three
// signals read each recorded command, and reading it is most of their cost.
// A nil parsed reads every time.
type parsed map[string]*shell.Script

func (ps parsed) parse(command string) *shell.Script {
	if s, ok := ps[command]; ok {
		return s
	}
	s := shell.Parse(command)
	if ps != nil {
		ps[command] = s
	}
	return s
}

// TrustedHost reports whether a host is in the policy's taint.trusted_hosts:
// exact names or path.Match globs such as "*.golang.org", case-insensitively.
// The taint rule (AC007) judges fetches with it, and renderings that call out
// untrusted sources (agentcheck log and export) too.
func TrustedHost(host string, trusted []string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" {
		return false
	}
	for _, t := range trusted {
		t = strings.ToLower(t)
		if t == host {
			return true
		}
		if ok, err := path.Match(t, host); err == nil && ok {
			return true
		}
	}
	return false
}

// TrustedMCP reports whether an MCP server is in the policy's
// taint.trusted_mcp, case-insensitively, as AC007 and AC011 judge it.
func TrustedMCP(server string, trusted []string) bool {
	for _, t := range trusted {
		if strings.EqualFold(t, server) {
			return true
		}
	}
	return false
}

// --- AC010 exfiltration-pattern ---

// exfiltration reports each recorded command of s that sends data off the
// machine, once per command with every reason found. Commands the runtime
// hook denied never ran and are skipped.
func exfiltration(s Session, scripts parsed) []Signal {
	var out []Signal
	remotes := remotesOf(s.Predicate, scripts)
	seen := map[string]bool{}
	for _, a := range s.Predicate.Actions {
		if a.Kind != journal.KindExec || a.Decision == journal.DecisionDeny || seen[a.Command] {
			continue
		}
		seen[a.Command] = true
		if why := exfiltrationOf(a.Command, remotes, scripts); len(why) > 0 {
			out = append(out, Signal{Rule: Exfiltration, Session: s.Label, Message: fmt.Sprintf("session %s ran a command that %s: %s",
				s.Label, strings.Join(why, ", and "), shorten(oneLineText(a.Command), 160))})
		}
	}
	return out
}

// knownRemotes is what the checker knows of a repository's remotes: those
// the manifest recorded (known says whether it recorded any list at all) and
// those the session itself added or repointed with a git command.
type knownRemotes struct {
	known bool
	names map[string]bool
	urls  map[string]bool   // normalised
	added map[string]string // name → URL, remotes the session's commands added or repointed
}

// remotesOf collects the remotes a manifest recorded and those its commands
// added or repointed. The manifest does not order commands against each
// other reliably enough to know whether a remote was added before or after a
// push, so a remote the session touched at any time counts as its own.
func remotesOf(p *provenance.SessionPredicate, scripts parsed) *knownRemotes {
	k := &knownRemotes{names: map[string]bool{}, urls: map[string]bool{}, added: map[string]string{}}
	for _, a := range p.Actions {
		if a.Kind != journal.KindExec || a.Decision == journal.DecisionDeny {
			continue
		}
		for _, pipe := range scripts.parse(a.Command).Pipelines {
			for _, c := range pipe {
				if name, u, ok := remoteRepointed(c); ok {
					k.added[name] = u
				}
			}
		}
	}
	if p.Repo != nil {
		k.known = true
		for _, r := range p.Repo.Remotes {
			k.names[r.Name] = true
			for _, u := range r.URLs {
				k.urls[normalizeRemoteURL(u)] = true
			}
		}
	}
	return k
}

// exfiltrationOf returns why a command sends data off the machine; nil when
// it does not. remotes may be nil.
func exfiltrationOf(command string, remotes *knownRemotes, scripts parsed) []string {
	if remotes == nil {
		remotes = &knownRemotes{names: map[string]bool{}, urls: map[string]bool{}, added: map[string]string{}}
	}
	var reasons []string
	seen := map[string]bool{}
	script := scripts.parse(command)
	for _, pipe := range script.Pipelines {
		for _, c := range pipe {
			if name, u, ok := remoteRepointed(c); ok {
				remotes.added[name] = u
			}
		}
		for _, why := range pipelineExfiltration(pipe, remotes) {
			if !seen[why] {
				seen[why] = true
				reasons = append(reasons, why)
			}
		}
	}
	if script.Err != nil && len(reasons) == 0 {
		// What the shell reader could not read may still send data:
		// say so when the text names a network tool.
		for _, w := range strings.Fields(command) {
			if name := shell.ProgramName(strings.Trim(w, "\"'`();|&<>$")); isNetworkTool(name) {
				return []string{"does not parse as a shell command and names " + name + ", so what it sends cannot be read"}
			}
		}
	}
	return reasons
}

// isNetworkTool reports whether a command sends or receives over the
// network; a sensitive source piped into one is exfiltration.
func isNetworkTool(name string) bool {
	switch name {
	case "curl", "wget", "nc", "ncat", "netcat", "socat", "telnet", "openssl", "ssh", "scp", "sftp", "rsync", "http", "https", "xh", "httpie", "gh", "mail", "mailx", "sendmail", "aws", "gsutil", "gcloud", "az", "rclone", "ftp", "lftp", "tftp", "invoke-webrequest", "iwr", "invoke-restmethod", "irm", "dig", "nslookup":
		return true
	}
	return false
}

// pipelineExfiltration examines one pipeline.
func pipelineExfiltration(pipe shell.Pipeline, remotes *knownRemotes) []string {
	var reasons []string
	source := ""
	for _, c := range pipe {
		if c.Piped && source != "" && isNetworkTool(c.Name()) && !allLoopback(c) {
			reasons = append(reasons, fmt.Sprintf("pipes %s to %s", source, c.Name()))
		}
		if why := commandExfiltration(c, remotes); why != "" {
			reasons = append(reasons, why)
		}
		for _, t := range c.Outputs() {
			if strings.HasPrefix(t, "/dev/tcp/") || strings.HasPrefix(t, "/dev/udp/") {
				reasons = append(reasons, "writes to a network socket ("+t+")")
			}
		}
		if s := sensitiveSource(c); s != "" {
			source = s
		} else if !c.Piped {
			source = ""
		}
	}
	return reasons
}

// sensitiveSource says what secret-bearing data a command prints: the
// environment, or a credential file. "" when it prints nothing of the kind.
func sensitiveSource(c *shell.Command) string {
	args := c.Args()
	env := "the environment (" + strings.Join(c.Argv(), " ") + ")"
	switch c.Name() {
	case "env", "printenv":
		return env
	case "export", "declare", "typeset":
		if len(args) == 0 || len(args) == 1 && (args[0] == "-p" || args[0] == "-x" || args[0] == "-px") {
			return env
		}
	case "set":
		if len(args) == 0 {
			return env
		}
	case "compgen":
		if len(args) == 1 && (args[0] == "-v" || args[0] == "-e") {
			return env
		}
	case "cat", "base64", "xxd", "od", "hexdump", "head", "tail", "less", "more", "tar", "zip", "gzip", "bzip2", "xz", "strings", "gpg", "openssl", "tac", "nl", "jq", "yq", "sed", "awk", "grep":
		for _, a := range append(c.Args(), c.Inputs()...) {
			if f := credentialFile(a); f != "" {
				return f
			}
		}
	}
	return ""
}

// credentialFiles match files that hold credentials.
var credentialFiles = regexp.MustCompile(`(?i)(?:^|/)(?:\.env(?:\.[\w.-]+)?|\.netrc|_netrc|\.npmrc|\.pypirc|\.git-credentials|\.pgpass|\.my\.cnf|credentials(?:\.json)?|id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?|[^/]*\.(?:pem|key|p12|pfx|kdbx)|shadow|passwd|\.bash_history|\.zsh_history|kubeconfig|\.kube/config|\.aws/[^/]*|\.ssh/[^/]*|\.gnupg/[^/]*|\.docker/config\.json|\.config/gh/hosts\.yml)$`)

// credentialFile returns a short description of a credential file argument,
// or "".
func credentialFile(arg string) string {
	a := strings.TrimPrefix(arg, "@")
	if strings.HasSuffix(a, ".env.example") || strings.HasSuffix(a, ".env.sample") || strings.HasSuffix(a, ".pub") {
		return ""
	}
	if credentialFiles.MatchString(a) {
		return "credential file " + a
	}
	return ""
}

// commandExfiltration examines one simple command.
func commandExfiltration(c *shell.Command, remotes *knownRemotes) string {
	switch c.Name() {
	case "curl":
		return curlExfiltration(c)
	case "wget":
		return wgetExfiltration(c)
	case "http", "https", "xh", "httpie":
		return httpieExfiltration(c)
	case "nc", "ncat", "netcat", "telnet":
		return socketExfiltration(c)
	case "socat":
		for _, a := range c.Args() {
			if strings.HasPrefix(strings.ToUpper(a), "FILE:") || strings.HasPrefix(strings.ToUpper(a), "OPEN:") || strings.HasPrefix(strings.ToUpper(a), "EXEC:") || strings.HasPrefix(strings.ToUpper(a), "SYSTEM:") {
				return "connects a file or program to the network with socat"
			}
		}
		return socketExfiltration(c)
	case "openssl":
		if len(c.Args()) > 0 && c.Args()[0] == "s_client" {
			return socketExfiltration(c)
		}
	case "scp", "rsync":
		return copyExfiltration(c)
	case "aws", "gsutil", "gcloud", "az", "rclone":
		return cloudExfiltration(c)
	case "gh":
		if args := c.Args(); len(args) >= 2 && args[0] == "gist" && args[1] == "create" {
			return "uploads files to a GitHub gist (gh gist create)"
		}
	case "git":
		return gitPushExfiltration(c, remotes)
	case "dig", "nslookup", "host", "drill", "ping", "ping6", "resolvectl", "kdig":
		for _, a := range c.Args() {
			if hasSubstitution(a) || secretVar(a) {
				return "encodes command output or a secret in a DNS lookup (" + c.Name() + " " + a + ")"
			}
		}
	case "invoke-webrequest", "iwr", "invoke-restmethod", "irm":
		for i, a := range c.Args() {
			la := strings.ToLower(a)
			if la == "-infile" && i+1 < len(c.Args()) {
				return "uploads " + c.Args()[i+1] + " with " + c.Name()
			}
			if la == "-body" && i+1 < len(c.Args()) && (hasSubstitution(c.Args()[i+1]) || strings.Contains(c.Args()[i+1], "$env:")) {
				return "sends the environment or command output with " + c.Name()
			}
		}
	}
	return ""
}

// curlExfiltration recognises curl uploads: data from files (-d @f,
// --data-binary @f, --data-urlencode n@f, --json @f), forms with files
// (-F f=@x), uploads (-T f), and data, URLs or headers built from command
// output or secret variables.
func curlExfiltration(c *shell.Command) string {
	args := c.Args()
	var what string
	for i := 0; i < len(args); i++ {
		a := args[i]
		flag, val, hasVal := splitFlag(a, args, &i, curlTakesValue)
		switch flag {
		case "-d", "--data", "--data-binary", "--data-ascii", "--json", "--data-urlencode":
			if !hasVal {
				continue
			}
			switch {
			case val == "@-" || flag == "--data-urlencode" && strings.HasSuffix(val, "@-"):
				if c.Piped {
					what = orFirst(what, "uploads its standard input with curl")
				}
			case strings.HasPrefix(val, "@"):
				what = orFirst(what, "uploads "+strings.TrimPrefix(val, "@")+" with curl")
			case flag == "--data-urlencode" && strings.Contains(val, "@") && !strings.Contains(val, "="):
				what = orFirst(what, "uploads "+val[strings.Index(val, "@")+1:]+" with curl")
			case hasSubstitution(val) || envRef(val):
				what = orFirst(what, "sends the environment or command output with curl")
			}
		case "-F", "--form", "--form-string":
			if hasVal && flag != "--form-string" && (strings.Contains(val, "=@") || strings.Contains(val, "=<")) {
				f := val[strings.IndexAny(val, "@<")+1:]
				if j := strings.IndexByte(f, ';'); j >= 0 {
					f = f[:j]
				}
				what = orFirst(what, "uploads "+f+" with curl")
			} else if hasVal && hasSubstitution(val) {
				what = orFirst(what, "sends command output with curl")
			}
		case "-T", "--upload-file":
			if hasVal && (val != "-" && val != "." || c.Piped) {
				what = orFirst(what, "uploads "+val+" with curl")
			}
		case "-H", "--header", "-b", "--cookie", "-A", "--user-agent", "-e", "--referer", "--url":
			if hasVal && hasSensitiveSubstitution(val) {
				what = orFirst(what, "sends command output with curl")
			}
		default:
			if !strings.HasPrefix(a, "-") && (hasSensitiveSubstitution(a) || secretVar(a)) {
				what = orFirst(what, "sends command output or a secret in a URL with curl")
			}
		}
	}
	if what != "" && allLoopback(c) {
		return ""
	}
	return what
}

// curlTakesValue reports whether a curl option takes a value (those that matter
// here, and common ones whose value must not be read as a URL).
func curlTakesValue(name string) bool {
	switch name {
	case "-d", "--data", "--data-binary", "--data-ascii", "--data-raw", "--json", "--data-urlencode", "-F", "--form", "--form-string", "-T", "--upload-file", "-H", "--header", "-b", "--cookie", "-A", "--user-agent", "-e", "--referer", "--url", "-o", "--output", "-X", "--request", "-u", "--user", "-x", "--proxy", "-m", "--max-time", "--connect-timeout", "-w", "--write-out", "-K", "--config", "--resolve", "--cacert", "-E", "--cert", "--key", "-c", "--cookie-jar", "-r", "--range", "--retry", "-Y", "-y", "-z":
		return true
	}
	return false
}

// splitFlag returns the flag of args[*i] and its value: attached (--data=x,
// -dx) or the next argument (advancing *i). Flags takesValue rejects have
// no value. Short options may be clustered as getopt allows (-sd @f,
// -sSd@f): the first of the cluster that takes a value is the flag, and the
// rest of the cluster, else the next argument, its value.
func splitFlag(a string, args []string, i *int, takesValue func(string) bool) (flag, val string, ok bool) {
	if !strings.HasPrefix(a, "-") || a == "-" {
		return "", "", false
	}
	if strings.HasPrefix(a, "--") {
		if k, v, found := strings.Cut(a, "="); found {
			return k, v, true
		}
		if takesValue(a) && *i+1 < len(args) {
			*i++
			return a, args[*i], true
		}
		return a, "", false
	}
	for j := 1; j < len(a); j++ {
		short := "-" + a[j:j+1]
		if !takesValue(short) {
			continue
		}
		if j+1 < len(a) {
			return short, a[j+1:], true // -d@file, -sd@file
		}
		if *i+1 < len(args) {
			*i++
			return short, args[*i], true // -sd @file
		}
		return short, "", false
	}
	return a, "", false
}

func orFirst(cur, next string) string {
	if cur != "" {
		return cur
	}
	return next
}

// wgetTakesValue reports whether a wget option takes a separate value.
func wgetTakesValue(name string) bool {
	switch name {
	case "--post-file", "--body-file", "--post-data", "--body-data", "--method", "-O", "--output-document", "--header", "-o", "-U", "--user-agent":
		return true
	}
	return false
}

// wgetExfiltration recognises wget --post-file/--body-file uploads and
// --post-data/--body-data built from the environment or command output.
func wgetExfiltration(c *shell.Command) string {
	args := c.Args()
	what := ""
	for i := 0; i < len(args); i++ {
		flag, val, ok := splitFlag(args[i], args, &i, wgetTakesValue)
		if !ok {
			continue
		}
		switch flag {
		case "--post-file", "--body-file":
			what = orFirst(what, "uploads "+val+" with wget "+flag)
		case "--post-data", "--body-data":
			if hasSubstitution(val) || envRef(val) {
				what = orFirst(what, "sends the environment or command output with wget "+flag)
			}
		case "--header":
			if hasSensitiveSubstitution(val) {
				what = orFirst(what, "sends command output with wget")
			}
		}
	}
	if what != "" && allLoopback(c) {
		return ""
	}
	return what
}

// httpieExfiltration recognises HTTPie and xh file fields (f@file, f=@file,
// f:=@file) and bodies read from a file or standard input.
func httpieExfiltration(c *shell.Command) string {
	what := ""
	for _, a := range c.Args() {
		if strings.HasPrefix(a, "-") {
			continue
		}
		if i := strings.Index(a, "@"); i > 0 && !strings.Contains(a[:i], "/") && !strings.Contains(a[:i], ":/") {
			what = orFirst(what, "uploads "+strings.TrimLeft(a[i+1:], "=")+" with "+c.Name())
		} else if strings.HasPrefix(a, "@") {
			what = orFirst(what, "uploads "+a[1:]+" with "+c.Name())
		}
	}
	if len(c.Inputs()) > 0 {
		what = orFirst(what, "uploads "+c.Inputs()[0]+" with "+c.Name())
	}
	if what != "" && allLoopback(c) {
		return ""
	}
	return what
}

// socketExfiltration recognises a raw socket fed from a file or a pipe:
// nc host port < file, tar c . | nc host port.
func socketExfiltration(c *shell.Command) string {
	for _, a := range c.Args() {
		if a == "-z" || a == "-zv" || a == "-vz" {
			return "" // a port scan sends no data
		}
	}
	if allLoopback(c) {
		return ""
	}
	switch {
	case len(c.Inputs()) > 0:
		return fmt.Sprintf("sends %s over a raw connection (%s)", c.Inputs()[0], c.Name())
	case c.Piped:
		return fmt.Sprintf("sends piped data over a raw connection (%s)", c.Name())
	}
	return ""
}

// copyExfiltration recognises scp and rsync copies whose destination is on
// another host.
func copyExfiltration(c *shell.Command) string {
	var operands []string
	args := c.Args()
	valueFlags := map[string]bool{"-P": true, "-i": true, "-o": true, "-F": true, "-c": true, "-l": true, "-S": true, "-J": true, "-e": true, "--rsh": true, "--port": true, "--exclude": true, "--include": true, "--filter": true, "-f": true}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if valueFlags[a] {
				i++
			}
			continue
		}
		operands = append(operands, a)
	}
	if len(operands) < 2 {
		return ""
	}
	dst := operands[len(operands)-1]
	host, remote := remoteOperand(dst)
	if !remote || loopbackHost(host) {
		return ""
	}
	for _, src := range operands[:len(operands)-1] {
		if _, r := remoteOperand(src); !r {
			return fmt.Sprintf("copies %s to another host (%s %s)", src, c.Name(), dst)
		}
	}
	return ""
}

// remoteOperand reports whether an scp or rsync operand names another host:
// [user@]host:path, host::module, scp://, rsync://.
func remoteOperand(op string) (host string, remote bool) {
	if u, err := url.Parse(op); err == nil && (u.Scheme == "scp" || u.Scheme == "rsync" || u.Scheme == "sftp") {
		return u.Hostname(), true
	}
	if strings.HasPrefix(op, "/") || strings.HasPrefix(op, ".") || strings.HasPrefix(op, "~") {
		return "", false
	}
	i := strings.IndexByte(op, ':')
	if i <= 0 || strings.Contains(op[:i], "/") {
		return "", false
	}
	host = op[:i]
	if i == 1 {
		return "", false // C:\path
	}
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		host = host[at+1:]
	}
	return host, true
}

// cloudExfiltration recognises copies from local files to cloud storage.
func cloudExfiltration(c *shell.Command) string {
	args := c.Args()
	var ops []string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			ops = append(ops, a)
		}
	}
	local := func(s string) bool {
		return !strings.Contains(s, "://") && !strings.Contains(s, ":")
	}
	switch c.Name() {
	case "aws":
		// aws s3 cp|mv|sync SRC s3://DST
		if len(ops) >= 4 && ops[0] == "s3" && (ops[1] == "cp" || ops[1] == "mv" || ops[1] == "sync") && strings.HasPrefix(ops[len(ops)-1], "s3://") && local(ops[2]) {
			return fmt.Sprintf("uploads %s to %s (aws s3 %s)", ops[2], ops[len(ops)-1], ops[1])
		}
	case "gsutil":
		if len(ops) >= 3 && (ops[0] == "cp" || ops[0] == "mv" || ops[0] == "rsync") && strings.HasPrefix(ops[len(ops)-1], "gs://") && local(ops[1]) {
			return fmt.Sprintf("uploads %s to %s (gsutil %s)", ops[1], ops[len(ops)-1], ops[0])
		}
	case "gcloud":
		if len(ops) >= 4 && ops[0] == "storage" && (ops[1] == "cp" || ops[1] == "mv" || ops[1] == "rsync") && strings.HasPrefix(ops[len(ops)-1], "gs://") && local(ops[2]) {
			return fmt.Sprintf("uploads %s to %s (gcloud storage %s)", ops[2], ops[len(ops)-1], ops[1])
		}
	case "az":
		if len(ops) >= 3 && ops[0] == "storage" && ops[1] == "blob" && (ops[2] == "upload" || ops[2] == "upload-batch") {
			return "uploads files to Azure storage (az storage blob " + ops[2] + ")"
		}
	case "rclone":
		if len(ops) >= 3 && (ops[0] == "copy" || ops[0] == "copyto" || ops[0] == "sync" || ops[0] == "move" || ops[0] == "moveto") && local(ops[1]) && strings.Contains(ops[len(ops)-1], ":") {
			return fmt.Sprintf("uploads %s to %s (rclone %s)", ops[1], ops[len(ops)-1], ops[0])
		}
	}
	return ""
}

// gitSubcommand returns git's subcommand and its arguments, as
// shell.ReadGit reads them. A word that is not literal but reads as an
// option is taken for one, so that it cannot hide the push after it.
func gitSubcommand(c *shell.Command) (string, []string) {
	if len(c.Words) == 0 {
		return "", nil
	}
	g := shell.ReadGit(c.Words[1:])
	for g.Sub != nil && !g.Sub.Literal && strings.HasPrefix(g.Sub.Text, "-") {
		g = shell.ReadGit(g.Args)
	}
	if g.Sub == nil {
		return "", nil
	}
	args := make([]string, len(g.Args))
	for i, w := range g.Args {
		args[i] = w.Text
	}
	return g.Sub.Text, args
}

// remoteRepointed recognises git commands that add or repoint a remote:
// git remote add NAME URL, git remote set-url NAME URL, git config
// remote.NAME.url URL.
func remoteRepointed(c *shell.Command) (name, u string, ok bool) {
	if c.Name() != "git" {
		return "", "", false
	}
	sub, args := gitSubcommand(c)
	var ops []string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			ops = append(ops, a)
		}
	}
	switch {
	case sub == "remote" && len(ops) >= 3 && (ops[0] == "add" || ops[0] == "set-url"):
		return ops[1], ops[len(ops)-1], true
	case sub == "config" && len(ops) >= 2 && strings.HasPrefix(strings.ToLower(ops[0]), "remote.") &&
		(strings.HasSuffix(strings.ToLower(ops[0]), ".url") || strings.HasSuffix(strings.ToLower(ops[0]), ".pushurl")):
		key := ops[0][len("remote."):]
		return key[:strings.LastIndexByte(key, '.')], ops[1], true
	}
	return "", "", false
}

// gitPushTakesValue reports whether a git push option takes a separate
// value.
func gitPushTakesValue(name string) bool {
	switch name {
	case "-o", "--push-option", "--receive-pack", "--exec", "--repo":
		return true
	}
	return false
}

// gitPushExfiltration recognises pushes to a remote the repository does not
// have: a URL or path that none of its recorded remotes points at, a remote
// name it has no remote of, or a remote the session itself added or
// repointed. A push with no repository argument goes to a configured remote.
func gitPushExfiltration(c *shell.Command, remotes *knownRemotes) string {
	sub, args := gitSubcommand(c)
	if sub != "push" {
		return ""
	}
	repo := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "--repo=") {
			repo = strings.TrimPrefix(a, "--repo=")
			continue
		}
		if strings.HasPrefix(a, "-") {
			if gitPushTakesValue(a) {
				if a == "--repo" && i+1 < len(args) {
					repo = args[i+1]
				}
				i++
			}
			continue
		}
		if repo == "" {
			repo = a
		}
		break
	}
	if repo == "" {
		return ""
	}
	if u, ok := remotes.added[repo]; ok {
		return fmt.Sprintf("pushes to remote %q, which the session itself pointed at %s", repo, u)
	}
	if isRemoteURL(repo) {
		if remotes.urls[normalizeRemoteURL(repo)] {
			return ""
		}
		if !remotes.known {
			return "pushes to " + repo + ", a URL rather than a configured remote (the manifest records no remotes to compare it with)"
		}
		return "pushes to " + repo + ", which is not a remote of the repository"
	}
	if remotes.known && !remotes.names[repo] {
		return fmt.Sprintf("pushes to %q, which is not a configured remote of the repository", repo)
	}
	return ""
}

// isRemoteURL reports whether a git push repository argument is a URL or a
// path rather than a remote name.
func isRemoteURL(s string) bool {
	if strings.Contains(s, "://") || strings.HasPrefix(s, "/") || strings.HasPrefix(s, ".") || strings.HasPrefix(s, "~") {
		return true
	}
	// scp-like [user@]host:path
	if i := strings.IndexByte(s, ':'); i > 0 && !strings.Contains(s[:i], "/") {
		return true
	}
	return strings.Contains(s, "/")
}

// normalizeRemoteURL reduces a remote URL to host and path, so that the
// same repository compares equal over https and ssh: credentials, scheme and
// port dropped, lower case, scp-like syntax read as a host, no trailing
// ".git" or slash. A local path stays a path.
func normalizeRemoteURL(s string) string {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") {
		if i := strings.IndexByte(s, ':'); i > 1 && !strings.Contains(s[:i], "/") {
			s = "ssh://" + s[:i] + "/" + strings.TrimPrefix(s[i+1:], "/")
		}
	}
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		s = strings.ToLower(u.Hostname() + "/" + strings.TrimPrefix(u.Path, "/"))
	}
	return strings.TrimSuffix(strings.TrimSuffix(s, "/"), ".git")
}

// allLoopback reports whether every URL or host a command names is this
// machine, so that it sends nothing off it. A command that names no
// destination at all is not loopback.
func allLoopback(c *shell.Command) bool {
	hosts := 0
	for _, a := range c.Args() {
		if strings.HasPrefix(a, "-") {
			continue
		}
		var h string
		if u, err := url.Parse(a); err == nil && u.Host != "" {
			h = u.Hostname()
		} else if hostLike(a) {
			h, _, _ = strings.Cut(a, ":")
			h, _, _ = strings.Cut(h, "/")
		} else {
			continue
		}
		hosts++
		if !loopbackHost(h) {
			return false
		}
	}
	return hosts > 0
}

// hostLike reports whether a bare argument names a host: localhost or an IP
// address, or a dotted name with a port or path (example.com:8080,
// example.com/x). A bare dotted word (out.json) is not taken for a host.
func hostLike(a string) bool {
	h, _, _ := strings.Cut(a, "/")
	h, _, _ = strings.Cut(h, ":")
	if h == "localhost" || net.ParseIP(h) != nil {
		return true
	}
	return strings.Contains(h, ".") && len(h) < len(a) && !strings.ContainsAny(h, "@=$`\"' ") && !strings.HasPrefix(h, ".")
}

func loopbackHost(h string) bool {
	h = strings.ToLower(strings.Trim(h, "[]"))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}

// hasSubstitution reports whether a word embeds a command's output.
func hasSubstitution(s string) bool {
	return strings.Contains(s, "$(") || strings.Contains(s, "`")
}

// sensitiveSubstitution matches substitutions that read the environment or
// credentials.
var sensitiveSubstitution = regexp.MustCompile(`(?i)(?:\$\(|` + "`" + `)[^)` + "`" + `]*(?:\benv\b|printenv|\bset\b|export\s+-p|cat\s|base64|xxd|\.env|\.ssh|\.aws|\.netrc|credential|id_rsa|id_ed25519|passwd|shadow|history|token|secret|\bgh\s+auth\s+token)`)

func hasSensitiveSubstitution(s string) bool { return sensitiveSubstitution.MatchString(s) }

// secretVarPattern matches a reference to a variable whose name says secret.
var secretVarPattern = regexp.MustCompile(`(?i)\$\{?[A-Z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)[A-Z0-9_]*\}?`)

func secretVar(s string) bool { return secretVarPattern.MatchString(s) }

// envRefPattern matches a reference to an environment variable: $NAME or
// ${NAME} with an upper-case name, as environment variables are spelled (a
// GraphQL query's $id is not one).
var envRefPattern = regexp.MustCompile(`\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Z_][A-Z0-9_]*)`)

func envRef(s string) bool { return envRefPattern.MatchString(s) }

// --- AC011 untrusted-tool ---

// untrustedTools reports each MCP server outside trustedMCP that the session
// called, once per server, naming the tools it used. Calls the runtime hook
// denied never ran and are skipped.
func untrustedTools(s Session, trustedMCP []string) []Signal {
	tools := map[string][]string{}
	var servers []string
	note := func(server, tool string) {
		if TrustedMCP(server, trustedMCP) {
			return
		}
		if _, ok := tools[server]; !ok {
			servers = append(servers, server)
		}
		for _, t := range tools[server] {
			if t == tool {
				return
			}
		}
		tools[server] = append(tools[server], tool)
	}
	for _, a := range s.Predicate.Actions {
		if a.Kind == journal.KindMCP && a.Decision != journal.DecisionDeny {
			note(a.Server, a.Tool)
		}
	}
	for _, r := range s.Predicate.Reads {
		if r.Kind == provenance.ReadMCP {
			note(r.Server, r.Tool)
		}
	}
	sort.Strings(servers)
	var out []Signal
	for _, server := range servers {
		name := fmt.Sprintf("%q", server)
		if server == "" {
			name = "with no name"
		}
		ts := tools[server]
		sort.Strings(ts)
		out = append(out, Signal{Rule: UntrustedTool, Session: s.Label, Message: fmt.Sprintf("session %s called MCP server %s (%s), which is not in the policy's taint.trusted_mcp: its output reached the agent unvetted",
			s.Label, oneLineText(name), shorten(oneLineText(strings.Join(ts, ", ")), 120))})
	}
	return out
}

// --- AC012 agent-memory-edit ---

// memoryGlob is one kind of file coding agents read as standing instructions
// or memory, and what it is.
type memoryGlob struct {
	glob, what string
}

// memoryGlobs returns the files agents read as instructions or memory at the
// start of (or during) every later session. Matching is case-insensitive.
// Paths outside the repository (the manifest keeps them absolute) match too:
// ~/.claude/CLAUDE.md steers every project of that user.
func memoryGlobs() []memoryGlob {
	return []memoryGlob{
		{"**/CLAUDE.md", "Claude Code memory"},
		{"**/CLAUDE.local.md", "Claude Code local memory"},
		{"**/.claude/**/*.md", "Claude Code rules, commands, subagents, skills or memory"},
		{"**/AGENTS.md", "instructions Codex, Cursor, OpenCode and other agents read"},
		{"**/AGENTS.override.md", "Codex instructions that override AGENTS.md"},
		{"**/.cursorrules", "Cursor rules"},
		{"**/.cursor/rules/**", "Cursor rules"},
		{".github/copilot-instructions.md", "GitHub Copilot instructions"},
		{".github/instructions/**", "GitHub Copilot instructions"},
		{"**/GEMINI.md", "Gemini CLI context"},
	}
}

// MemoryKind returns what kind of agent instructions or memory a path is,
// or "".
func MemoryKind(p string) string {
	p = strings.TrimPrefix(path.Clean("/"+strings.TrimPrefix(p, "~")), "/")
	for _, g := range memoryGlobs() {
		if scope.MatchGlob(g.glob, p, true) {
			return g.what
		}
	}
	return ""
}

// memoryPath reports AC012 for a path of the commit's diff that agents read
// as instructions or memory.
func memoryPath(p string, sessions []Session) []Signal {
	what := MemoryKind(p)
	if what == "" {
		return nil
	}
	owner, owners := "", 0
	for _, s := range sessions {
		if _, ok := s.Predicate.Files[p]; ok {
			owner, owners = s.Label, owners+1
		}
	}
	if owners > 1 {
		owner = "" // several sessions: the signal is about the commit
	}
	return []Signal{{Rule: MemoryEdit, Path: p, Session: owner, Message: fmt.Sprintf("agent commit changes %s (%s): every later agent session in this repository reads it as instructions, so text planted here steers them all", p, what)}}
}

// memoryActions reports AC012 for instruction or memory files the session
// changed outside this commit: the edits it recorded (CLAUDE.local.md is
// git-ignored; ~/.claude/CLAUDE.md is outside the repository) and shell
// redirections into such files.
func memoryActions(s Session, inCommit map[string]bool, scripts parsed) []Signal {
	var out []Signal
	seen := map[string]bool{}
	report := func(p, how string) {
		if inCommit[p] || seen[p] {
			return
		}
		what := MemoryKind(p)
		if what == "" {
			return
		}
		seen[p] = true
		out = append(out, Signal{Rule: MemoryEdit, Session: s.Label, Message: fmt.Sprintf("session %s %s %s (%s), which is not part of this commit: agent instructions or memory changed outside review steer every later session on that machine",
			s.Label, how, shorten(oneLineText(p), 120), what)})
	}
	for _, a := range s.Predicate.Actions {
		if a.Decision == journal.DecisionDeny {
			continue
		}
		switch a.Kind {
		case journal.KindEdit:
			report(a.Path, "edited")
		case journal.KindDelete:
			report(a.Path, "deleted")
		case journal.KindExec:
			for _, pipe := range scripts.parse(a.Command).Pipelines {
				for _, c := range pipe {
					for _, t := range c.Outputs() {
						report(t, "wrote to")
					}
					if c.Name() == "tee" {
						for _, t := range c.Args() {
							if !strings.HasPrefix(t, "-") {
								report(t, "wrote to")
							}
						}
					}
				}
			}
		}
	}
	return out
}

// oneLineText flattens whitespace and control characters of recorded text for
// a one-line message. Renderers escape what they print; this keeps messages
// readable.
func oneLineText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
