package git

import (
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
)

// entryOverhead is what an LRU entry costs beyond its data: the entry, its
// map slot and the slice header. It keeps many tiny objects from evading the
// byte bound.
const entryOverhead = 96

// lru is a byte-bounded least-recently-used cache of decompressed objects.
// It is safe for concurrent use. Cached slices are shared with callers, who
// must not modify them.
type lru[K comparable] struct {
	mu   sync.Mutex
	max  int64
	used int64
	m    map[K]*lruEntry[K]
	root lruEntry[K] // sentinel of a circular list; root.next is the most recent
}

type lruEntry[K comparable] struct {
	key        K
	typ        plumbing.ObjectType
	data       []byte
	prev, next *lruEntry[K]
}

// newLRU returns a cache bounded to max bytes, or nil (a cache that holds
// nothing) when max <= 0.
func newLRU[K comparable](max int64) *lru[K] {
	if max <= 0 {
		return nil
	}
	c := &lru[K]{max: max, m: make(map[K]*lruEntry[K])}
	c.root.next = &c.root
	c.root.prev = &c.root
	return c
}

func (c *lru[K]) get(k K) (plumbing.ObjectType, []byte, bool) {
	if c == nil {
		return plumbing.InvalidObject, nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok {
		return plumbing.InvalidObject, nil, false
	}
	c.unlink(e)
	c.pushFront(e)
	return e.typ, e.data, true
}

func (c *lru[K]) put(k K, typ plumbing.ObjectType, data []byte) {
	if c == nil {
		return
	}
	cost := int64(len(data)) + entryOverhead
	if cost > c.max/4 {
		return // one huge object would flush everything useful
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[k]; ok {
		c.unlink(e)
		c.pushFront(e)
		return
	}
	e := &lruEntry[K]{key: k, typ: typ, data: data}
	c.m[k] = e
	c.pushFront(e)
	c.used += cost
	for c.used > c.max {
		old := c.root.prev
		c.unlink(old)
		delete(c.m, old.key)
		c.used -= int64(len(old.data)) + entryOverhead
	}
}

func (c *lru[K]) unlink(e *lruEntry[K]) {
	e.prev.next = e.next
	e.next.prev = e.prev
	e.prev, e.next = nil, nil
}

func (c *lru[K]) pushFront(e *lruEntry[K]) {
	e.prev = &c.root
	e.next = c.root.next
	c.root.next.prev = e
	c.root.next = e
}
