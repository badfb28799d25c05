package metrics

import (
	"bytes"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// TenantStats are one tenant's counters on this replica since it started:
// what the operators' platform view shows (requests, cache hit ratio,
// render latency, errors per tenant).
type TenantStats struct {
	TenantID int64
	Requests uint64 // responses of every status
	Hits     uint64 // served from the page cache (L1 or Redis)
	Misses   uint64 // rendered
	Errors   uint64 // 5xx responses
	// Renders is how many pages were rendered and RenderTime their total
	// time; RenderTime/Renders is the mean render latency.
	Renders    uint64
	RenderTime time.Duration
}

// HitRatio is Hits/(Hits+Misses), or 0 with neither.
func (s TenantStats) HitRatio() float64 {
	if s.Hits+s.Misses == 0 {
		return 0
	}
	return float64(s.Hits) / float64(s.Hits+s.Misses)
}

// MeanRender is the mean render latency, or 0 with no renders.
func (s TenantStats) MeanRender() time.Duration {
	if s.Renders == 0 {
		return 0
	}
	return s.RenderTime / time.Duration(s.Renders)
}

// The per-tenant counters are kept out of Prometheus (a label per tenant
// would be 1,250 series per metric); only the operators' console reads
// them. They live in a map sharded by tenant id, each shard behind a
// read-write lock taken for writing only the first time a tenant is seen:
// counting a request is a read lock and a few atomic adds, with no
// allocation.

const tenantShards = 32

type tenantCounters struct {
	requests, hits, misses, errors, renders atomic.Uint64
	renderNanos                             atomic.Int64
}

type tenantShard struct {
	mu sync.RWMutex
	m  map[int64]*tenantCounters
	_  [40]byte // keep shards on separate cache lines
}

type tenantTable struct {
	shards [tenantShards]tenantShard
}

func (t *tenantTable) counters(id int64) *tenantCounters {
	s := &t.shards[uint64(id)%tenantShards]
	s.mu.RLock()
	c := s.m[id]
	s.mu.RUnlock()
	if c != nil {
		return c
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c = s.m[id]; c == nil {
		if s.m == nil {
			s.m = make(map[int64]*tenantCounters)
		}
		c = &tenantCounters{}
		s.m[id] = c
	}
	return c
}

// Cache-Status values of the page cache (pagecache, RFC 9211): a hit
// starts "pcnweb; hit"; a miss says "fwd=miss" ("; collapsed" when the
// request waited for another's render instead of rendering).
var (
	cacheHit       = []byte("pcnweb; hit")
	cacheMiss      = []byte("fwd=miss")
	cacheCollapsed = []byte("collapsed")
)

// CountTenant records one response of a tenant's site: its status, its
// Cache-Status header and how long it took. A miss that was not collapsed
// into another request's render counts as a render of that duration.
// A tenant id of 0 (no tenant: the platform or console host) is not
// counted.
func (m *Metrics) CountTenant(tenantID int64, status int, cacheStatus []byte, took time.Duration) {
	if m == nil || tenantID == 0 {
		return
	}
	c := m.tenants.counters(tenantID)
	c.requests.Add(1)
	if status >= 500 {
		c.errors.Add(1)
	}
	switch {
	case bytes.HasPrefix(cacheStatus, cacheHit):
		c.hits.Add(1)
	case bytes.Contains(cacheStatus, cacheMiss):
		c.misses.Add(1)
		if !bytes.Contains(cacheStatus, cacheCollapsed) {
			c.renders.Add(1)
			c.renderNanos.Add(int64(took))
		}
	}
}

// Tenants returns every tenant's counters on this replica, by tenant id.
func (m *Metrics) Tenants() []TenantStats {
	if m == nil {
		return nil
	}
	var out []TenantStats
	for i := range m.tenants.shards {
		s := &m.tenants.shards[i]
		s.mu.RLock()
		for id, c := range s.m {
			out = append(out, TenantStats{
				TenantID: id, Requests: c.requests.Load(), Hits: c.hits.Load(), Misses: c.misses.Load(),
				Errors: c.errors.Load(), Renders: c.renders.Load(), RenderTime: time.Duration(c.renderNanos.Load()),
			})
		}
		s.mu.RUnlock()
	}
	slices.SortFunc(out, func(a, b TenantStats) int {
		switch {
		case a.TenantID < b.TenantID:
			return -1
		case a.TenantID > b.TenantID:
			return 1
		}
		return 0
	})
	return out
}
