package repogen

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// HistoryParams describes a history shaped like a real project's, rather
// than [Params]' flat one: a directory tree of varied depth, files of
// varied size with a few large generated ones, a main line whose commits
// are either direct commits or merges of short topic branches (some of
// them octopus merges of two), and commits that modify, add, delete and
// rename files. [PrometheusShape] is calibrated to a real history.
type HistoryParams struct {
	// Files and Dirs are the files and directories of the first commit.
	Files, Dirs int
	// MaxDepth bounds the directory depth.
	MaxDepth int
	// Steps is the number of steps of the main line after the first
	// commit: each is a direct commit or, with probability MergeShare, a
	// topic branch of 1 to 5 commits (1.7 on average) merged into it.
	Steps      int
	MergeShare float64
	// OctopusShare is the share of merges that merge two topics at once.
	OctopusShare float64
	// AddShare, DeleteShare and RenameShare are the shares of a commit's
	// changes that add, delete and rename a file; the rest modify one.
	AddShare, DeleteShare, RenameShare float64
	// LargeFiles are generated files of LargeMin to LargeMax bytes (the
	// others are 200 bytes to 40 KB, most about 2 KB); LargeShare is the
	// share of changes that modify one of them.
	LargeFiles         int
	LargeMin, LargeMax int
	LargeShare         float64
	// AgentTrailerShare is the share of commits with a Claude Code
	// co-author trailer, which the built-in agent registry recognises.
	AgentTrailerShare float64
	Seed              uint64
}

// PrometheusShape is calibrated to prometheus/prometheus's history below
// commit d15adb9ad7e5 (2,158 commits, 644 of them merges, in the 1,000
// first-parent commits below it): its ~1,700 files in ~270 directories at
// depths of 0 to 8 (median 2), about 30% merges, first-parent diffs of 2
// files at the median and 3.5 on average (with a long tail), and large
// generated files that change often. Steps gives about 11,000 commits, so
// that ranges of 500, 2,000 and 10,000 commits fit below the tip.
var PrometheusShape = HistoryParams{
	Files: 1_000, Dirs: 265, MaxDepth: 8,
	Steps: 5_200, MergeShare: 0.64, OctopusShare: 0.01,
	AddShare: 0.065, DeleteShare: 0.045, RenameShare: 0.01,
	LargeFiles: 12, LargeMin: 100 << 10, LargeMax: 1 << 20, LargeShare: 0.01,
	AgentTrailerShare: 0.018,
	Seed:              1,
}

// Key names the history p describes, for caches of generated repositories.
func (p HistoryParams) Key() string {
	return fmt.Sprintf("hist-f%d-d%d-s%d-m%g-o%g-a%g-x%g-r%g-l%d-%d-%d-%g-t%g-s%d",
		p.Files, p.Dirs, p.Steps, p.MergeShare, p.OctopusShare, p.AddShare, p.DeleteShare, p.RenameShare,
		p.LargeFiles, p.LargeMin, p.LargeMax, p.LargeShare, p.AgentTrailerShare, p.Seed)
}

func (p HistoryParams) validate() error {
	switch {
	case p.Files < 1 || p.Dirs < 1 || p.MaxDepth < 1:
		return fmt.Errorf("repogen: Files, Dirs and MaxDepth must be positive")
	case p.LargeFiles < 0 || p.LargeFiles > p.Files || p.LargeMin < 1 || p.LargeMax < p.LargeMin:
		return fmt.Errorf("repogen: LargeFiles must be 0 to Files, LargeMin to LargeMax positive and ordered")
	case p.Steps < 0:
		return fmt.Errorf("repogen: Steps is %d, want at least 0", p.Steps)
	}
	for _, s := range []float64{p.MergeShare, p.OctopusShare, p.AddShare, p.DeleteShare, p.RenameShare, p.LargeShare, p.AgentTrailerShare} {
		if !(s >= 0 && s <= 1) {
			return fmt.Errorf("repogen: share %v out of 0 to 1", s)
		}
	}
	if p.AddShare+p.DeleteShare+p.RenameShare > 1 {
		return fmt.Errorf("repogen: AddShare+DeleteShare+RenameShare over 1")
	}
	return nil
}

// GenerateHistory creates a git repository in dir (which must not exist or
// be empty) holding the history p describes on branch main. The same
// parameters always give the same commit ids.
func GenerateHistory(ctx context.Context, dir string, p HistoryParams) error {
	if err := p.validate(); err != nil {
		return err
	}
	if err := run(ctx, "", nil, "git", "init", "-q", "-b", "main", dir); err != nil {
		return err
	}
	err := fastImport(ctx, dir, func(w *bufio.Writer) error {
		return newHistory(p, w).write()
	})
	if err != nil {
		return err
	}
	// The topic branches are merged: only main is kept, as a clone of
	// the project's main branch would have it.
	for t := range 2 {
		if err := run(ctx, dir, nil, "git", "update-ref", "-d", fmt.Sprintf("refs/heads/topic%d", t)); err != nil {
			return err
		}
	}
	return nil
}

// history writes the fast-import stream of one HistoryParams.
type history struct {
	p     HistoryParams
	w     *bufio.Writer
	rng   *rand.Rand
	dirs  []string
	files map[string][]byte // the main line's files, by path
	paths []string          // the keys of files, in a stable order
	large map[string]bool
	mark  int // the last mark written
	main  int // the main line's last commit mark
	n     int // commits written, for times and names
	seq   int // for new file names
}

func newHistory(p HistoryParams, w *bufio.Writer) *history {
	return &history{
		p: p, w: w,
		rng:   rand.New(rand.NewPCG(p.Seed, 0x70726f6d)), // "prom"
		files: map[string][]byte{},
		large: map[string]bool{},
	}
}

// overlay is what a topic branch changed: new contents, nil for deleted.
type overlay map[string][]byte

func (h *history) write() error {
	h.makeDirs()
	for i := 0; i < h.p.Files; i++ {
		size := h.smallSize()
		if i < h.p.LargeFiles {
			size = h.p.LargeMin + h.rng.IntN(h.p.LargeMax-h.p.LargeMin+1)
		}
		path := h.newPath(i < h.p.LargeFiles)
		h.files[path] = h.content(path, size)
		h.paths = append(h.paths, path)
		if i < h.p.LargeFiles {
			h.large[path] = true
		}
	}
	slices.Sort(h.paths)
	h.main = h.commit("refs/heads/main", "Initial import", 0, nil, h.paths, h.files)
	for range h.p.Steps {
		if h.rng.Float64() >= h.p.MergeShare {
			h.direct()
			continue
		}
		topics := 1
		if h.rng.Float64() < h.p.OctopusShare {
			topics = 2
		}
		h.merge(topics)
	}
	return h.w.Flush()
}

// makeDirs lays out the directory tree: each directory's parent is an
// earlier one, chosen so that most are one or two levels deep.
func (h *history) makeDirs() {
	h.dirs = []string{""}
	depth := map[string]int{"": 0}
	for len(h.dirs) < h.p.Dirs {
		parent := h.dirs[h.rng.IntN(len(h.dirs))]
		if depth[parent] >= h.p.MaxDepth || depth[parent] >= 2 && h.rng.IntN(10) > 0 {
			continue
		}
		name := fmt.Sprintf("%s%d", words[h.rng.IntN(len(words))], len(h.dirs))
		d := name
		if parent != "" {
			d = parent + "/" + name
		}
		depth[d] = depth[parent] + 1
		h.dirs = append(h.dirs, d)
	}
}

var words = []string{"cmd", "pkg", "internal", "storage", "remote", "rules", "web", "ui", "api", "util", "model", "tsdb", "chunks", "index", "config", "discovery", "scrape", "promql", "parser", "docs", "testdata", "notifier", "tracing", "fixtures"}

var exts = []string{".go", ".go", ".go", "_test.go", ".md", ".yml", ".ts", ".json", ".txt"}

func (h *history) newPath(large bool) string {
	h.seq++
	d := h.dirs[h.rng.IntN(len(h.dirs))]
	name := fmt.Sprintf("file%d%s", h.seq, exts[h.rng.IntN(len(exts))])
	if large {
		name = fmt.Sprintf("generated%d.pb.go", h.seq)
	}
	if d == "" {
		return name
	}
	return d + "/" + name
}

// smallSize draws a size with a median of about 2 KB and a tail to 40 KB.
func (h *history) smallSize() int {
	s := int(2200 * math.Exp(1.3*h.rng.NormFloat64()))
	return min(max(s, 200), 40<<10)
}

// content returns a file of about size bytes of source-like lines.
func (h *history) content(path string, size int) []byte {
	b := make([]byte, 0, size+80)
	for i := 0; len(b) < size; i++ {
		b = h.line(b, path, i)
	}
	return b
}

func (h *history) line(b []byte, path string, i int) []byte {
	return fmt.Appendf(b, "\t// %s:%d %x lorem ipsum dolor sit amet, consectetur\n", path, i, h.rng.Uint32())
}

// edit returns old with a few lines replaced or inserted, as a code change
// makes, so that git's deltas between versions are realistic.
func (h *history) edit(path string, old []byte) []byte {
	lines := bytes.SplitAfter(old, []byte("\n"))
	out := make([]byte, 0, len(old)+200)
	at := h.rng.IntN(len(lines))
	n := 1 + h.rng.IntN(5)
	for i, l := range lines {
		if i >= at && i < at+n {
			out = h.line(out, path, h.n)
			if h.rng.IntN(2) == 0 {
				continue // replaced, else inserted before
			}
		}
		out = append(out, l...)
	}
	return out
}

// changeCount draws how many files a commit changes: 2 at the median,
// about 3.5 on average, rarely dozens.
func (h *history) changeCount() int {
	n := int(math.Round(2 * math.Exp(0.95*h.rng.NormFloat64())))
	return min(max(n, 1), 200)
}

// pick returns a path of the main line's files not in taken.
func (h *history) pick(taken map[string]bool) string {
	if h.p.LargeFiles > 0 && h.rng.Float64() < h.p.LargeShare {
		var large []string
		for _, p := range h.paths {
			if h.large[p] && !taken[p] {
				large = append(large, p)
			}
		}
		if len(large) > 0 {
			return large[h.rng.IntN(len(large))]
		}
	}
	// Half the time the largest of three: the files a project changes
	// most are larger than its typical file.
	tries := 1
	if h.rng.IntN(2) == 0 {
		tries = 3
	}
	best := ""
	for best == "" || tries > 0 {
		p := h.paths[h.rng.IntN(len(h.paths))]
		if taken[p] {
			continue
		}
		tries--
		if best == "" || len(h.files[p]) > len(h.files[best]) {
			best = p
		}
	}
	return best
}

// topicCommits draws the commits of a topic branch: one for most, a few
// for some (1.7 on average).
func (h *history) topicCommits() int {
	switch r := h.rng.Float64(); {
	case r < 0.6:
		return 1
	case r < 0.85:
		return 2
	}
	return 3 + h.rng.IntN(3)
}

// changes draws one commit's changes over the main line's files, seen
// through ov (a topic's earlier changes), avoiding the paths in taken.
// It returns the changed paths' new contents (nil: deleted) and the
// renames, old path to new.
func (h *history) changes(ov overlay, taken map[string]bool) (overlay, map[string]string) {
	out := overlay{}
	renames := map[string]string{}
	cur := func(p string) []byte {
		if c, ok := ov[p]; ok {
			return c
		}
		return h.files[p]
	}
	for range h.changeCount() {
		r := h.rng.Float64()
		switch {
		case r < h.p.AddShare:
			p := h.newPath(false)
			out[p] = h.content(p, h.smallSize())
			taken[p] = true
			continue
		}
		p := h.pick(taken)
		taken[p] = true
		if cur(p) == nil { // deleted by the topic already
			continue
		}
		switch {
		case r < h.p.AddShare+h.p.DeleteShare && !h.large[p] && len(h.paths) > h.p.Files/2:
			out[p] = nil
		case r < h.p.AddShare+h.p.DeleteShare+h.p.RenameShare && !h.large[p]:
			np := h.newPath(false)
			taken[np] = true
			renames[p] = np
			out[p] = nil
			out[np] = cur(p)
		default:
			out[p] = h.edit(p, cur(p))
		}
	}
	return out, renames
}

// apply makes ov the main line's content.
func (h *history) apply(ov overlay) {
	for p, c := range ov {
		_, had := h.files[p]
		switch {
		case c == nil && had:
			delete(h.files, p)
			i, _ := slices.BinarySearch(h.paths, p)
			h.paths = slices.Delete(h.paths, i, i+1)
		case c != nil:
			h.files[p] = c
			if !had {
				i, _ := slices.BinarySearch(h.paths, p)
				h.paths = slices.Insert(h.paths, i, p)
			}
		}
	}
}

// direct writes one commit on the main line.
func (h *history) direct() {
	ov, renames := h.changes(nil, map[string]bool{})
	h.main = h.commit("refs/heads/main", h.subject("fix"), h.main, nil, sortedKeys(ov), ov, renames)
	h.apply(ov)
}

// merge writes topics topic branches of 1 to 5 commits each from the main
// line's tip, on disjoint files, then a merge of all of them into main.
func (h *history) merge(topics int) {
	base := h.main
	taken := map[string]bool{}
	var heads []int
	merged := overlay{}
	for t := range topics {
		ov := overlay{}
		head := base
		for range h.topicCommits() {
			c, renames := h.changes(ov, taken)
			head = h.commit(fmt.Sprintf("refs/heads/topic%d", t), h.subject("topic"), head, nil, sortedKeys(c), c, renames)
			for p, v := range c {
				ov[p] = v
			}
		}
		heads = append(heads, head)
		for p, v := range ov {
			merged[p] = v
		}
	}
	// The merge's tree is main's with the topics' changes: its first-parent
	// diff is what the topics changed, as a real merge's is.
	h.main = h.commit("refs/heads/main", fmt.Sprintf("Merge pull request #%d", h.n), base, heads, sortedKeys(merged), merged, nil)
	h.apply(merged)
}

func (h *history) subject(kind string) string {
	return fmt.Sprintf("%s: change %d to the generated project", kind, h.n)
}

// commit writes a commit on ref with parent from (0: none) and merges,
// whose tree is the parent's with paths set from contents (nil: deleted)
// and renames applied first, and returns its mark.
func (h *history) commit(ref, subject string, from int, merges []int, paths []string, contents map[string][]byte, renames ...map[string]string) int {
	h.mark++
	h.n++
	ts := epoch + int64(h.n)*600
	msg := subject + "\n\nA generated change, shaped like a real project's.\n"
	if h.rng.Float64() < h.p.AgentTrailerShare {
		msg += "\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
	}
	fmt.Fprintf(h.w, "commit %s\nmark :%d\n", ref, h.mark)
	fmt.Fprintf(h.w, "author Gen Author <%s> %d +0000\n", authorEmail, ts)
	fmt.Fprintf(h.w, "committer Gen Committer <committer@example.com> %d +0000\n", ts)
	fmt.Fprintf(h.w, "data %d\n%s\n", len(msg), msg)
	if from != 0 {
		fmt.Fprintf(h.w, "from :%d\n", from)
	}
	for _, m := range merges {
		fmt.Fprintf(h.w, "merge :%d\n", m)
	}
	renamed := map[string]bool{}
	for _, rm := range renames {
		for _, old := range sortedKeys(rm) {
			fmt.Fprintf(h.w, "R %s %s\n", old, rm[old])
			renamed[old], renamed[rm[old]] = true, true
		}
	}
	for _, p := range paths {
		c := contents[p]
		switch {
		case renamed[p]:
			// Moved as it was by the R line.
		case c == nil:
			fmt.Fprintf(h.w, "D %s\n", p)
		default:
			fmt.Fprintf(h.w, "M 100644 inline %s\ndata %d\n", p, len(c))
			h.w.Write(c)
			h.w.WriteByte('\n')
		}
	}
	h.w.WriteByte('\n')
	return h.mark
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
