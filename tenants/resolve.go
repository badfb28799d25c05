package tenants

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/maypok86/otter/v2"
	"golang.org/x/sync/singleflight"

	"github.com/pcnweb/pcnweb/internal/hostname"
	"github.com/pcnweb/pcnweb/models"
)

// Errors of resolution, mapped to platform pages by the middleware.
var (
	ErrBadHost     = errors.New("tenants: malformed host")
	ErrUnknownHost = errors.New("tenants: no tenant at this host")
)

// Resolver maps normalised hosts to tenants.
type Resolver struct {
	db   *models.DB
	base string
	log  *slog.Logger
	ttl  time.Duration
	// negTTL is how long an unknown host is remembered: repeated requests
	// for it cost no database query within that time.
	negTTL time.Duration
	now    func() time.Time

	hosts   *otter.Cache[string, *hostEntry] // known hosts, bounded by count
	unknown *otter.Cache[string, time.Time]  // hosts with no tenant, until when
	sf      singleflight.Group

	mu   sync.Mutex
	gens map[int64]*atomic.Int64
}

type hostEntry struct {
	tenant   *Tenant
	loadedAt int64 // tenant generation when loaded; a newer one means reload
	expires  time.Time
}

// ResolverOptions configure NewResolver.
type ResolverOptions struct {
	BaseDomain string
	Logger     *slog.Logger
	// TTL bounds how long a host mapping is trusted without any invalidation; 0 means 5 minutes.
	TTL time.Duration
	// NegativeTTL is how long an unknown host is remembered; 0 means 30 seconds.
	NegativeTTL time.Duration
	// MaxHosts bounds the map of known hosts; 0 means 100,000.
	MaxHosts int
	// MaxUnknown bounds the map of unknown hosts; 0 means 10,000.
	MaxUnknown int
	Now        func() time.Time
}

// NewResolver builds a resolver over db.
func NewResolver(db *models.DB, opts ResolverOptions) *Resolver {
	if opts.TTL == 0 {
		opts.TTL = 5 * time.Minute
	}
	if opts.NegativeTTL == 0 {
		opts.NegativeTTL = 30 * time.Second
	}
	if opts.MaxHosts == 0 {
		opts.MaxHosts = 100_000
	}
	if opts.MaxUnknown == 0 {
		opts.MaxUnknown = 10_000
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Resolver{
		db: db, base: opts.BaseDomain, log: opts.Logger, ttl: opts.TTL, negTTL: opts.NegativeTTL, now: opts.Now,
		hosts:   otter.Must(&otter.Options[string, *hostEntry]{MaximumSize: opts.MaxHosts}),
		unknown: otter.Must(&otter.Options[string, time.Time]{MaximumSize: opts.MaxUnknown}),
		gens:    map[int64]*atomic.Int64{},
	}
}

// isPlatformHost reports whether host is a tenant's host under the base
// domain (<slug>.<base>), as opposed to a custom domain.
func (r *Resolver) isPlatformHost(host string) bool {
	slug, ok := strings.CutSuffix(host, "."+r.base)
	return ok && slug != "" && !strings.Contains(slug, ".")
}

// BaseDomain is the platform's base domain.
func (r *Resolver) BaseDomain() string { return r.base }

// Resolve returns the tenant serving rawHost (a Host header value).
// ErrBadHost and ErrUnknownHost are the answers for bad and unknown hosts;
// any other error means the database could not be asked and nothing was
// cached to stand in for it.
func (r *Resolver) Resolve(ctx context.Context, rawHost string) (*Tenant, error) {
	t, _, err := r.resolve(ctx, rawHost)
	return t, err
}

// resolve is Resolve that also returns the normalised host.
func (r *Resolver) resolve(ctx context.Context, rawHost string) (*Tenant, string, error) {
	host, err := hostname.Normalize(rawHost)
	if err != nil {
		return nil, "", ErrBadHost
	}
	now := r.now()
	if until, ok := r.unknown.GetIfPresent(host); ok && now.Before(until) {
		return nil, host, ErrUnknownHost
	}
	e, cached := r.hosts.GetIfPresent(host)
	if cached && now.Before(e.expires) && e.tenant.gen.Load() <= e.loadedAt {
		return e.tenant, host, nil
	}
	v, err, _ := r.sf.Do(host, func() (any, error) { return r.load(ctx, host) })
	if err != nil {
		if cached {
			// The database is unreachable: the last known mapping stands in.
			r.log.WarnContext(ctx, "tenant lookup failed; using last known mapping", "host", host, "error", err)
			return e.tenant, host, nil
		}
		return nil, host, err
	}
	if v == nil {
		return nil, host, ErrUnknownHost
	}
	return v.(*hostEntry).tenant, host, nil
}

// load asks the database for the tenant at host and caches the answer; a
// nil entry means no tenant is there.
func (r *Resolver) load(ctx context.Context, host string) (any, error) {
	var (
		t   models.Tenant
		err error
	)
	if slug, ok := strings.CutSuffix(host, "."+r.base); ok && !strings.Contains(slug, ".") {
		t, err = r.db.TenantBySlug(ctx, slug)
		if errors.Is(err, models.ErrNotFound) {
			// A renamed tenant's old platform host: the middleware
			// redirects it to the new one. A tenant that has the slug now
			// was found above and wins.
			t, err = r.db.TenantByOldSlug(ctx, slug)
		}
	} else {
		t, err = r.db.TenantByHost(ctx, host)
	}
	now := r.now()
	switch {
	case errors.Is(err, models.ErrNotFound) || (err == nil && t.Status == models.StatusArchived):
		r.hosts.Invalidate(host)
		r.unknown.Set(host, now.Add(r.negTTL))
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("tenants: resolve %s: %w", host, err)
	}
	tn := r.snapshot(t)
	e := &hostEntry{tenant: tn, loadedAt: tn.gen.Load(), expires: now.Add(r.ttl)}
	r.hosts.Set(host, e)
	return e, nil
}

// Prime caches the host mappings of ts (every tenant, as ListTenants gives
// them) in one go: a replica that starts after a deploy then resolves every
// tenant's hosts from memory instead of asking the database once per host
// while every page is being re-rendered. Archived tenants are left out (they
// resolve as unknown on first use, as before).
func (r *Resolver) Prime(ts []models.Tenant) {
	now := r.now()
	for _, t := range ts {
		if t.Status == models.StatusArchived {
			continue
		}
		tn := r.snapshot(t)
		e := &hostEntry{tenant: tn, loadedAt: tn.gen.Load(), expires: now.Add(r.ttl)}
		r.hosts.Set(t.Slug+"."+r.base, e)
		for _, h := range tn.Hosts {
			r.hosts.Set(h, e)
		}
	}
}

// snapshot turns a database row into a Tenant sharing the live generation.
func (r *Resolver) snapshot(t models.Tenant) *Tenant {
	gen := r.counter(t.ID)
	advance(gen, t.Generation)
	hosts := make([]string, 0, len(t.Domains))
	for _, d := range t.Domains {
		hosts = append(hosts, d.Host)
	}
	return &Tenant{
		ID: t.ID, Slug: t.Slug, Name: t.Name, ODSCode: t.ODSCode, Theme: t.Theme,
		Status: t.Status, StatusReason: t.StatusReason, PrimaryHost: t.PrimaryDomain(), Hosts: hosts, Launched: t.Launched(), gen: gen,
	}
}

func (r *Resolver) counter(id int64) *atomic.Int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	g, ok := r.gens[id]
	if !ok {
		g = new(atomic.Int64)
		r.gens[id] = g
	}
	return g
}

// advance raises g to gen; generations never go backwards.
func advance(g *atomic.Int64, gen int64) bool {
	for {
		cur := g.Load()
		if gen <= cur {
			return false
		}
		if g.CompareAndSwap(cur, gen) {
			return true
		}
	}
}

// Advance records that tenant id is now at generation gen. Pages rendered
// from an older generation stop being served at once, and the tenant's host
// mappings are reloaded on their next use (its domains or status may have
// changed). Unknown hosts are forgotten too: one may just have been attached.
func (r *Resolver) Advance(id, gen int64) {
	if advance(r.counter(id), gen) {
		r.unknown.InvalidateAll()
	}
}

// Sync brings every known tenant up to the database's generations; it is the
// safety net for invalidations missed while Redis was away.
func (r *Resolver) Sync(ctx context.Context) error {
	gens, err := r.db.Generations(ctx)
	if err != nil {
		return err
	}
	for id, gen := range gens {
		r.Advance(id, gen)
	}
	return nil
}

// Forget drops every cached mapping.
func (r *Resolver) Forget() {
	r.hosts.InvalidateAll()
	r.unknown.InvalidateAll()
}
