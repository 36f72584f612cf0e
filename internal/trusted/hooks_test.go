package trusted

import (
	"slices"
	"testing"
)

func TestHookDirs(t *testing.T) {
	repo, c := commitFiles(t, map[string]string{
		"package.json": `{"name": "x", "scripts": {
			"prepare": "husky install .config/husky",
			"postinstall": "git config core.hooksPath ./tools/githooks && echo done",
			"other": "git config --local core.hooksPath=\"scripts/hooks/\"",
			"computed": "git config core.hooksPath \"$(pwd)/hooks\"",
			"outside": "git config core.hooksPath ../elsewhere",
			"husky9": "husky"
		}}`,
		"Makefile": "setup:\n\t@git config core.hooksPath .hooks\nbuild:\n\tgo build ./...\n",
	})
	got := HookDirs(repo.Objects, c)
	slices.Sort(got)
	want := []string{".config/husky", ".hooks", "scripts/hooks", "tools/githooks"}
	if !slices.Equal(got, want) {
		t.Errorf("HookDirs = %q, want %q", got, want)
	}

	repo, c = commitFiles(t, map[string]string{"package.json": "{not json", "Makefile": "all:\n\tmake -C sub\n"})
	if got := HookDirs(repo.Objects, c); len(got) != 0 {
		t.Errorf("HookDirs of setup files without hooks = %q, want none", got)
	}
}
