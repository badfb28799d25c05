package tenants

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pcnweb/pcnweb/internal/hostname"
	"github.com/pcnweb/pcnweb/models"
)

// HostSet answers "is this host one of ours?" from memory, for the TLS
// terminator's on-demand certificates: every active (or closed) tenant's
// platform host (<slug>.<base>), its old ones kept after a rename, and its
// custom domains. It reloads the whole set every
// Refresh interval and, when asked about a host it does not know, at most
// once per MissReload, so a domain attached a moment ago is known within a
// second while a flood of made-up names costs the database one query a
// second at most.
type HostSet struct {
	db         *models.DB
	base       string
	log        *slog.Logger
	missReload time.Duration
	now        func() time.Time

	hosts    atomic.Pointer[map[string]bool]
	mu       sync.Mutex   // one reload at a time
	lastLoad atomic.Int64 // UnixNano of the last reload
}

// HostSetOptions configure NewHostSet.
type HostSetOptions struct {
	BaseDomain string
	Logger     *slog.Logger
	// MissReload is the least time between reloads caused by unknown
	// hosts; 0 means one second.
	MissReload time.Duration
	Now        func() time.Time
}

// NewHostSet returns an empty set; call Load or Run to fill it.
func NewHostSet(db *models.DB, o HostSetOptions) *HostSet {
	s := &HostSet{db: db, base: o.BaseDomain, log: o.Logger, missReload: o.MissReload, now: o.Now}
	if s.missReload == 0 {
		s.missReload = time.Second
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	empty := map[string]bool{}
	s.hosts.Store(&empty)
	return s
}

// Load reads every active tenant's hosts from the database.
func (s *HostSet) Load(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.load(ctx)
}

// load is Load with s.mu held.
func (s *HostSet) load(ctx context.Context) error {
	ts, err := s.db.ListTenants(ctx)
	if err != nil {
		return err
	}
	old, err := s.db.OldSlugs(ctx)
	if err != nil {
		return err
	}
	m := make(map[string]bool, 2*len(ts)+len(old))
	served := map[int64]bool{}
	for _, t := range ts {
		// A closed site still answers (with where its practices went).
		if t.Status != models.StatusActive && t.Status != models.StatusClosed {
			continue
		}
		served[t.ID] = true
		m[t.Slug+"."+s.base] = true
		for _, d := range t.Domains {
			m[d.Host] = true
		}
	}
	for slug, id := range old {
		if served[id] {
			m[slug+"."+s.base] = true // redirects to the renamed tenant's host
		}
	}
	s.hosts.Store(&m)
	s.lastLoad.Store(s.now().UnixNano())
	return nil
}

// Run reloads the set every interval until ctx ends.
func (s *HostSet) Run(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if err := s.Load(ctx); err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "reload tenant hosts", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Has reports whether host (any case, with or without a port or trailing
// dot) belongs to an active tenant. Malformed names are not ours.
func (s *HostSet) Has(ctx context.Context, raw string) bool {
	host, err := hostname.Normalize(raw)
	if err != nil {
		return false
	}
	if (*s.hosts.Load())[host] {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.now().Sub(time.Unix(0, s.lastLoad.Load())) >= s.missReload {
		if err := s.load(ctx); err != nil {
			s.log.WarnContext(ctx, "reload tenant hosts", "error", err)
			return false
		}
	}
	return (*s.hosts.Load())[host]
}
