package trusted

import "github.com/agentcheck/agentcheck/internal/git"

// Refs lists the refs the trusted side is read from on a developer's
// machine, most trusted first: the remote's default branch
// (refs/remotes/R/HEAD, R being the remote of the current branch's
// upstream, else origin), the branch changes are merged into, which only
// reviewed changes reach; then the current branch's upstream. The runtime
// hook, doctor and show take the first of them that names a commit; each
// says what it falls back to when none does.
func Refs(repo *git.Repo) []string {
	remote, upstream := "origin", ""
	if branch, ok, _ := repo.HeadBranch(); ok {
		if ref, rm := repo.Upstream(branch); ref != "" {
			upstream = ref
			if rm != "." {
				remote = rm
			}
		}
	}
	refs := []string{"refs/remotes/" + remote + "/HEAD"}
	if upstream != "" {
		refs = append(refs, upstream)
	}
	return refs
}

// Side returns the first of Refs that names a commit, and the commit; ref
// is "" when none does.
func Side(repo *git.Repo) (ref string, commit git.Hash) {
	for _, ref := range Refs(repo) {
		if h, err := repo.Ref(ref); err == nil {
			return ref, h
		}
	}
	return "", git.Hash{}
}
