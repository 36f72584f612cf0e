package agentcheck_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestArchitectureMap checks that docs/architecture.md names every package
// directory of the module (as `dir/` in its table) and names no directory
// that does not exist: the map a new maintainer starts from must match the
// code.
func TestArchitectureMap(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("docs", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	var dirs []string
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || name == "tools" && path == "tools") {
				return filepath.SkipDir
			}
			return nil
		}
		if dir := filepath.ToSlash(filepath.Dir(path)); dir != "." && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			if len(dirs) == 0 || dirs[len(dirs)-1] != dir {
				dirs = append(dirs, dir)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 20 {
		t.Fatalf("found only %d package directories: %v", len(dirs), dirs)
	}
	for _, dir := range dirs {
		if !strings.Contains(doc, "`"+dir+"/`") {
			t.Errorf("docs/architecture.md does not name package %s/", dir)
		}
	}
	// Every directory the table names exists.
	for _, m := range regexp.MustCompile("(?m)^\\| ((?:`[^`]+/`(?:, )?)+) \\|").FindAllStringSubmatch(doc, -1) {
		for _, name := range regexp.MustCompile("`([^`]+)/`").FindAllStringSubmatch(m[1], -1) {
			if fi, err := os.Stat(name[1]); err != nil || !fi.IsDir() {
				t.Errorf("docs/architecture.md names %s/, which is not a directory", name[1])
			}
		}
	}
}
