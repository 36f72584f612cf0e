package git

import (
	"bytes"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/go-git/go-git/v5/plumbing"
)

// ErrIncompleteHistory is wrapped by errors saying the repository lacks
// commits a walk needs: a missing object, or a commit whose parents were cut
// by a shallow clone. The checker must then fail closed; see
// [IncompleteHistoryError].
var ErrIncompleteHistory = errors.New("incomplete history")

// IncompleteHistoryError names the commit whose history is incomplete.
type IncompleteHistoryError struct {
	// Commit is the commit whose parent is missing, or the tip that is.
	Commit plumbing.Hash
	// Missing is the missing object; it is zero when Commit is shallow.
	Missing plumbing.Hash
	// Shallow says Commit is a shallow commit: its parents were cut by a
	// shallow clone or fetch.
	Shallow bool
}

func (e *IncompleteHistoryError) Error() string {
	switch {
	case e.Shallow:
		return fmt.Sprintf("incomplete history: commit %s is shallow: its parents were not fetched", e.Commit)
	case e.Missing == e.Commit:
		return fmt.Sprintf("incomplete history: commit %s is not in the repository", e.Commit)
	}
	return fmt.Sprintf("incomplete history: parent %s of commit %s is not in the repository", e.Missing, e.Commit)
}

// Unwrap returns [ErrIncompleteHistory].
func (e *IncompleteHistoryError) Unwrap() error { return ErrIncompleteHistory }

// Hint says how to fix the error.
func (e *IncompleteHistoryError) Hint() string {
	return "fetch the missing history: git fetch --unshallow, or git fetch --deepen=N, " +
		"or fetch the base branch of the range (in GitHub Actions: actions/checkout with fetch-depth: 0)"
}

// WalkOption configures [Walk].
type WalkOption func(*walker)

// WithShallow tells Walk which commits are shallow (the repository's
// .git/shallow file, or go-git's Storer.Shallow): their parents were cut. A
// shallow commit on the excluded side ends the walk there; one inside the
// range is an [IncompleteHistoryError].
func WithShallow(shallow []plumbing.Hash) WalkOption {
	return func(w *walker) {
		for _, h := range shallow {
			w.shallow[h] = true
		}
	}
}

// Walk lists the commits reachable from include and not from exclude, as
// git rev-list include --not exclude does, oldest first in topological
// order: every commit comes after its parents; among commits free to come
// next, the one with the earlier committer time, then the smaller id, comes
// first. Annotated tags are peeled; an exclude tip that is not a commit is
// ignored.
//
// Like git, Walk does not read all the history of the excluded side: it
// visits commits newest first and stops once every commit still queued is
// reachable from exclude (git's limit_list), so a range of a thousand
// commits on top of a long history reads little more than the range.
//
// A missing object the answer depends on, or a commit of the range whose
// parents were cut by a shallow clone, is an [IncompleteHistoryError]: the
// walk is complete or fails. Walk checks ctx between commits.
func Walk(ctx context.Context, r ObjectReader, include, exclude []plumbing.Hash, opts ...WalkOption) ([]*Commit, error) {
	w := newWalker(r, true, opts)
	nodes, err := w.walk(ctx, include, exclude)
	if err != nil {
		return nil, err
	}
	commits := make([]*Commit, len(nodes))
	for i, n := range nodes {
		commits[i] = w.nodes[n.Hash].c
	}
	return commits, nil
}

// WalkNodes is [Walk] for a range that may be long: it lists the commits'
// ids and parents, so that a caller can read each commit when it needs it
// and the walk's memory does not hold every commit's message. It keeps the
// raw commits it read in [CommitNode.Data] up to [WalkKeepBytes] in all
// (the newest first, as it reads them): a check that reads every commit of
// the range again then inflates most of them once, as git does, and the
// memory a long range costs stays bounded.
func WalkNodes(ctx context.Context, r ObjectReader, include, exclude []plumbing.Hash, opts ...WalkOption) ([]CommitNode, error) {
	return newWalker(r, false, opts).walk(ctx, include, exclude)
}

func newWalker(r ObjectReader, keep bool, opts []WalkOption) *walker {
	w := &walker{r: r, keep: keep, nodes: make(map[plumbing.Hash]*walkNode), shallow: make(map[plumbing.Hash]bool)}
	for _, o := range opts {
		o(w)
	}
	return w
}

func (w *walker) walk(ctx context.Context, include, exclude []plumbing.Hash) ([]CommitNode, error) {
	for _, h := range exclude {
		if err := w.addTip(h, true); err != nil {
			return nil, err
		}
	}
	for _, h := range include {
		if err := w.addTip(h, false); err != nil {
			return nil, err
		}
	}
	list, err := w.limit(ctx)
	if err != nil {
		return nil, err
	}
	nodes := make([]CommitNode, 0, len(list))
	for _, n := range list {
		if n.flags&uninteresting == 0 {
			n.flags |= inResult
			nodes = append(nodes, n.CommitNode)
		}
	}
	nodes = topoSort(nodes)
	for _, c := range nodes {
		if w.shallow[c.Hash] {
			return nil, &IncompleteHistoryError{Commit: c.Hash, Shallow: true}
		}
		for _, p := range c.Parents {
			if pn := w.nodes[p]; pn == nil || pn.flags&(uninteresting|inResult) == 0 {
				return nil, &IncompleteHistoryError{Commit: c.Hash, Missing: p}
			}
		}
	}
	return nodes, nil
}

// walker holds the state of one Walk.
type walker struct {
	r       ObjectReader
	keep    bool // keep each commit read, parsed (Walk)
	nodes   map[plumbing.Hash]*walkNode
	shallow map[plumbing.Hash]bool
	queue   walkQueue
	seq     uint64
	// interesting counts the queued commits not (yet) known to be reachable
	// from exclude; the walk may stop when it drops to zero.
	interesting int
	kept        int64 // bytes of raw commits kept in CommitNode.Data
}

type walkNode struct {
	CommitNode         // Hash is zero until read
	c          *Commit // the whole commit, read when walker.keep is set
	flags      uint8
	seq        uint64 // order of queueing, to break ties of dates as git does
	index      int    // in the queue
}

const (
	seen          uint8 = 1 << iota // read and queued once
	uninteresting                   // reachable from exclude
	queued                          // in the queue now
	inResult
	absent // not in the repository
)

func (w *walker) node(h plumbing.Hash) *walkNode {
	n := w.nodes[h]
	if n == nil {
		n = &walkNode{}
		w.nodes[h] = n
	}
	return n
}

// addTip queues a starting commit, peeling tags.
func (w *walker) addTip(h plumbing.Hash, exclude bool) error {
	for range maxPeel {
		typ, data, err := readCommitObject(w.r, h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return &IncompleteHistoryError{Commit: h, Missing: h}
		}
		if err != nil {
			return fmt.Errorf("reading tip %s: %w", h, err)
		}
		switch typ {
		case plumbing.CommitObject:
			n := w.node(h)
			if !n.read() {
				if err := w.parse(n, h, data); err != nil {
					return err
				}
			}
			if exclude {
				w.markUninteresting(n)
			}
			if n.flags&seen == 0 {
				n.flags |= seen
				w.push(n)
			}
			return nil
		case plumbing.TagObject:
			target, ok := tagTarget(data)
			if !ok {
				return fmt.Errorf("reading tip %s: malformed tag", h)
			}
			h = target
		default:
			if exclude {
				return nil // a tag of a tree or blob excludes no commit
			}
			return fmt.Errorf("revision %s is a %s, not a commit", h, typ)
		}
	}
	return fmt.Errorf("reading tip %s: tags nested too deep", h)
}

// load reads and parses the commit of n. missing is true if the object does
// not exist.
func (w *walker) load(h plumbing.Hash, n *walkNode) (missing bool, err error) {
	if n.read() {
		return false, nil
	}
	typ, data, err := readCommitObject(w.r, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading commit %s: %w", h, err)
	}
	if typ != plumbing.CommitObject {
		return false, fmt.Errorf("reading commit %s: object is a %s", h, typ)
	}
	return false, w.parse(n, h, data)
}

// parse fills n from the raw commit h.
func (w *walker) parse(n *walkNode, h plumbing.Hash, data []byte) error {
	if w.keep {
		c, err := ParseCommit(h, data)
		if err != nil {
			return err
		}
		n.c = c
		n.CommitNode = CommitNode{Hash: h, Parents: c.Parents, Time: c.Committer.When.Unix()}
		return nil
	}
	var err error
	if n.CommitNode, err = parseCommitNode(h, data); err != nil {
		return err
	}
	if w.kept+int64(len(data)) <= WalkKeepBytes {
		n.Data = data
		w.kept += int64(len(data))
	}
	return nil
}

// WalkKeepBytes bounds the raw commits [WalkNodes] keeps: those of about
// 4,000 commits of a real history.
const WalkKeepBytes = 4 << 20

// read reports whether n's commit has been read.
func (n *walkNode) read() bool { return !n.Hash.IsZero() }

func (w *walker) push(n *walkNode) {
	n.flags |= queued
	n.seq = w.seq
	w.seq++
	if n.flags&uninteresting == 0 {
		w.interesting++
	}
	heap.Push(&w.queue, n)
}

func (w *walker) pop() *walkNode {
	n := heap.Pop(&w.queue).(*walkNode)
	n.flags &^= queued
	if n.flags&uninteresting == 0 {
		w.interesting--
	}
	return n
}

// markUninteresting marks n and, through the commits already read, its
// ancestors as reachable from exclude (git's mark_parents_uninteresting).
func (w *walker) markUninteresting(n *walkNode) {
	stack := []*walkNode{n}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.flags&uninteresting != 0 {
			continue
		}
		n.flags |= uninteresting
		if n.flags&queued != 0 {
			w.interesting--
		}
		if n.read() && !w.shallow[n.Hash] {
			for _, p := range n.Parents {
				stack = append(stack, w.node(p))
			}
		}
	}
}

// slop is how many more commits the walk reads once every queued commit is
// uninteresting, in case committer dates are skewed (git's SLOP).
const slop = 5

// limit runs git's limit_list: it returns the commits popped as interesting,
// newest first; some may have become uninteresting since.
func (w *walker) limit(ctx context.Context) ([]*walkNode, error) {
	var list []*walkNode
	date := int64(math.MaxInt64) // committer date of the last interesting commit
	remaining := slop
	for i := 0; w.queue.Len() > 0; i++ {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("walking history: %w", err)
			}
		}
		n := w.pop()
		if err := w.processParents(n); err != nil {
			return nil, err
		}
		if n.flags&uninteresting != 0 {
			remaining = w.stillInteresting(date, remaining)
			if remaining > 0 {
				continue
			}
			break
		}
		date = n.Time
		list = append(list, n)
	}
	return list, nil
}

// stillInteresting is git's still_interesting: whether the walk must go on.
func (w *walker) stillInteresting(date int64, remaining int) int {
	if w.queue.Len() == 0 {
		return 0
	}
	if date <= w.queue.nodes[0].Time {
		return slop
	}
	if w.interesting > 0 {
		return slop
	}
	return remaining - 1
}

// processParents queues the parents of n, propagating uninteresting. The
// parents of a shallow commit are not read; a missing parent is noted by its
// absence and judged at the end (it matters only if n is in the range).
func (w *walker) processParents(n *walkNode) error {
	if w.shallow[n.Hash] {
		return nil
	}
	unint := n.flags&uninteresting != 0
	for _, p := range n.Parents {
		pn := w.node(p)
		if unint {
			w.markUninteresting(pn)
		}
		if pn.flags&(seen|absent) != 0 {
			continue
		}
		missing, err := w.load(p, pn)
		if err != nil {
			return err
		}
		if missing {
			pn.flags |= absent
			continue
		}
		if unint && !w.shallow[p] {
			// pn was marked before it was read: carry the mark on.
			for _, gp := range pn.Parents {
				w.markUninteresting(w.node(gp))
			}
		}
		pn.flags |= seen
		w.push(pn)
	}
	return nil
}

// walkQueue is a priority queue of commits, newest committer date first,
// then in queueing order.
type walkQueue struct{ nodes []*walkNode }

func (q *walkQueue) Len() int { return len(q.nodes) }
func (q *walkQueue) Less(i, j int) bool {
	a, b := q.nodes[i], q.nodes[j]
	if a.Time != b.Time {
		return a.Time > b.Time
	}
	return a.seq < b.seq
}
func (q *walkQueue) Swap(i, j int) {
	q.nodes[i], q.nodes[j] = q.nodes[j], q.nodes[i]
	q.nodes[i].index, q.nodes[j].index = i, j
}
func (q *walkQueue) Push(x any) {
	n := x.(*walkNode)
	n.index = len(q.nodes)
	q.nodes = append(q.nodes, n)
}
func (q *walkQueue) Pop() any {
	n := q.nodes[len(q.nodes)-1]
	q.nodes[len(q.nodes)-1] = nil
	q.nodes = q.nodes[:len(q.nodes)-1]
	return n
}

// topoSort orders commits parents first; among commits whose parents (in
// the set) have all been placed, the earliest committer time, then the
// smallest id, comes first.
func topoSort(commits []CommitNode) []CommitNode {
	idx := make(map[plumbing.Hash]int, len(commits))
	for i, c := range commits {
		idx[c.Hash] = i
	}
	pending := make([]int, len(commits))
	children := make([][]int, len(commits))
	for i, c := range commits {
		for j, p := range c.Parents {
			pi, ok := idx[p]
			if !ok || pi == i || containsHash(c.Parents[:j], p) {
				continue
			}
			pending[i]++
			children[pi] = append(children[pi], i)
		}
	}
	ready := &topoQueue{commits: commits}
	for i := range commits {
		if pending[i] == 0 {
			ready.idx = append(ready.idx, i)
		}
	}
	heap.Init(ready)
	out := make([]CommitNode, 0, len(commits))
	for ready.Len() > 0 {
		i := heap.Pop(ready).(int)
		out = append(out, commits[i])
		for _, ch := range children[i] {
			if pending[ch]--; pending[ch] == 0 {
				heap.Push(ready, ch)
			}
		}
	}
	return out
}

func containsHash(hs []plumbing.Hash, h plumbing.Hash) bool {
	for _, x := range hs {
		if x == h {
			return true
		}
	}
	return false
}

type topoQueue struct {
	commits []CommitNode
	idx     []int
}

func (q *topoQueue) Len() int { return len(q.idx) }
func (q *topoQueue) Less(i, j int) bool {
	a, b := &q.commits[q.idx[i]], &q.commits[q.idx[j]]
	if a.Time != b.Time {
		return a.Time < b.Time
	}
	return bytes.Compare(a.Hash[:], b.Hash[:]) < 0
}
func (q *topoQueue) Swap(i, j int) { q.idx[i], q.idx[j] = q.idx[j], q.idx[i] }
func (q *topoQueue) Push(x any)    { q.idx = append(q.idx, x.(int)) }
func (q *topoQueue) Pop() any {
	x := q.idx[len(q.idx)-1]
	q.idx = q.idx[:len(q.idx)-1]
	return x
}

// MaxCommitSize bounds the commit (and tag) objects a walk reads. git sets
// no bound, but a walk keeps every commit of its range and the gate parses
// each message for trailers: a commit of a 64 MiB message would cost the
// gate hundreds of megabytes. A real message is a few kilobytes.
const MaxCommitSize = 1 << 20

// readCommitObject reads object h when it is at most MaxCommitSize bytes:
// a larger one is an error wrapping ErrTooLarge.
func readCommitObject(r ObjectReader, h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	if lr, ok := r.(limitedReader); ok {
		return lr.ReadLimit(h, MaxCommitSize)
	}
	t, data, err := r.Read(h)
	if err == nil && len(data) > MaxCommitSize {
		return plumbing.InvalidObject, nil, &TooLargeError{Hash: h, Size: int64(len(data)), Limit: MaxCommitSize}
	}
	return t, data, err
}
