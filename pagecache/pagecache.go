// Package pagecache is the platform's cache of rendered pages: a byte-bounded
// in-process L1 in front of a shared Redis L2.
//
// A page is cached under tenant + path + canonical query. Each entry carries
// the tenant generation it was rendered from; a request is a hit only when
// that generation is the tenant's current one, so one increment of the
// generation (on every publish) invalidates a whole site on every replica,
// while the old copy stays available as a last good copy if rendering fails
// (stale-if-error). Each entry also carries the render fingerprint of the
// build that rendered it: after a deploy no page of the previous release is a
// hit, and while the new release renders its own copy the previous one
// stands in, labelled stale (Cache.miss). Misses render once however many
// requests wait (one flight per key and generation, so no request that
// starts after a publish can join a render of older content), and at most
// MaxRenders of them at once. Bodies are gzipped once on the render path
// and compressed with brotli once in the background (compress.go), and
// served as-is to clients that accept either (Negotiate), with strong ETags
// per representation and 304s.
package pagecache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/maypok86/otter/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pcnweb/pcnweb/internal/metrics"
	"github.com/pcnweb/pcnweb/internal/redishealth"
)

// Options configure a Cache.
type Options struct {
	// MaxBytes bounds the in-process cache; 0 means 128 MiB.
	MaxBytes uint64
	// Redis is the shared L2; nil runs with the in-process cache only.
	Redis *redishealth.Monitor
	// Prefix namespaces every Redis key (tests give each package its own).
	Prefix string
	// Fingerprint is the render fingerprint of this build
	// (themes.Registry.Fingerprint): an entry rendered under another one is
	// never a hit. "" is a fingerprint of its own ("unversioned").
	Fingerprint string
	// DefaultFresh is how long a page stays fresh when its handler sets no
	// expiry; invalidation by generation is what normally ends it. 0 means 24h.
	DefaultFresh time.Duration
	// KeepStale is how long Redis keeps an entry as a last good copy; 0 means 7 days.
	KeepStale time.Duration
	// RenderTimeout bounds a miss render, and separately the wait for a
	// render slot; 0 means 10s.
	RenderTimeout time.Duration
	// MaxRenders bounds the miss renders running at once in this process
	// (each holds a database connection most of the time it runs), so that
	// a deploy, which makes every cached page of every tenant a miss at
	// once, cannot stampede the database. 0 means DefaultMaxRenders().
	MaxRenders int
	// ServeStale reports whether a failed render may be replaced by a stale
	// copy; by default any error that is not a fiber.Error below 500.
	ServeStale func(error) bool
	Metrics    *metrics.Metrics
	Logger     *slog.Logger
	Now        func() time.Time
}

// DefaultMaxRenders is the default bound of concurrent miss renders: twice
// the CPUs Go may use, at least 4. Rendering is CPU work between database
// round trips; more renders than that at once only queue on the CPUs and on
// the database pool.
func DefaultMaxRenders() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// ErrBusy is returned when a miss found every render slot taken for
// RenderTimeout and there was no copy of the page to serve instead.
var ErrBusy = fiber.NewError(fiber.StatusServiceUnavailable, "pagecache: every render slot is busy")

// Cache is the two-level page cache.
type Cache struct {
	opts  Options
	fp    string
	l1    *otter.Cache[string, *Entry]
	slots chan struct{} // one token per render running

	mu      sync.Mutex
	flights map[string]*flight // by key and generation

	// counters are the outcome counters, looked up once (count).
	counters map[string]prometheus.Counter
	compress compressor // brotli bodies made in the background (compressLater)
}

// flight is one miss render that other requests for the same page (and
// generation) wait on instead of rendering it again.
type flight struct {
	done chan struct{} // closed when r and err are set
	r    *rendered
	err  error
}

// New builds a cache. L1 is not cleared when Redis comes back from an
// outage: entries carry the generation they were rendered from, and the
// invalidation bus resynchronises generations from the database on recovery,
// which retires exactly the pages that changed meanwhile. (Clearing L1 would
// turn every Redis blip — even a slow ping under CPU saturation — into a
// miss storm on every replica.)
func New(opts Options) *Cache {
	if opts.MaxBytes == 0 {
		opts.MaxBytes = 128 << 20
	}
	if opts.DefaultFresh == 0 {
		opts.DefaultFresh = 24 * time.Hour
	}
	if opts.KeepStale == 0 {
		opts.KeepStale = 7 * 24 * time.Hour
	}
	if opts.RenderTimeout == 0 {
		opts.RenderTimeout = 10 * time.Second
	}
	if opts.MaxRenders <= 0 {
		opts.MaxRenders = DefaultMaxRenders()
	}
	if opts.ServeStale == nil {
		opts.ServeStale = defaultServeStale
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	// The fingerprint is stored with every entry in a length-prefixed
	// field: keep it short, and never "" (what entries of wire version 1
	// decode to).
	fp := opts.Fingerprint
	if fp == "" {
		fp = "unversioned"
	}
	if len(fp) > 64 {
		sum := sha256.Sum256([]byte(fp))
		fp = hex.EncodeToString(sum[:16])
	}
	c := &Cache{
		opts: opts,
		fp:   fp,
		l1: otter.Must(&otter.Options[string, *Entry]{
			MaximumWeight: opts.MaxBytes,
			Weigher:       func(_ string, e *Entry) uint32 { return e.size() },
		}),
		slots:   make(chan struct{}, opts.MaxRenders),
		flights: map[string]*flight{},
	}
	if opts.Metrics != nil {
		c.counters = map[string]prometheus.Counter{}
		for _, r := range []string{"hit", "stale", "stale_render", "miss", "collapsed", "bypass"} {
			c.counters[r] = opts.Metrics.Cache.WithLabelValues(r)
		}
	}
	return c
}

func defaultServeStale(err error) bool {
	var fe *fiber.Error
	return !errors.As(err, &fe) || fe.Code >= 500
}

// Clear drops every in-process entry.
func (c *Cache) Clear() { c.l1.InvalidateAll() }

// Scope is what the middleware needs to know of the request's tenant.
type Scope struct {
	TenantID   int64
	Generation int64
}

// Result values for the Cache-Status header (RFC 9211). statusStale is sent
// both when a last good copy stands in for a failed render and when another
// release's copy of the current content stands in while this release
// renders its own (the metrics tell the two apart: "stale" and
// "stale_render").
const (
	statusHit       = "pcnweb; hit"
	statusStale     = "pcnweb; hit; detail=stale"
	statusMiss      = "pcnweb; fwd=miss"
	statusCollapsed = "pcnweb; fwd=miss; collapsed"
	statusBypass    = "pcnweb; fwd=bypass"
)

type localsKey int

const (
	freshUntilKey localsKey = iota
	noStoreKey
	noteKey
)

// ExpireAt tells the cache that the page being rendered changes at t (an
// "open now" state, a vacancy's closing date): it is rendered again after t.
// Several calls keep the earliest time.
func ExpireAt(c *fiber.Ctx, t time.Time) {
	if prev, ok := c.Locals(freshUntilKey).(time.Time); ok && !t.Before(prev) {
		return
	}
	c.Locals(freshUntilKey, t)
}

// NoStore marks the response being rendered as not cacheable.
func NoStore(c *fiber.Ctx) { c.Locals(noStoreKey, true) }

// SetNote attaches a short note (at most 255 bytes) to the page being
// rendered, which the cache keeps with the copy: Note gives it back to the
// middleware in front of the cache on the render and on every hit (the
// analytics learn so whether a cached search found anything).
func SetNote(c *fiber.Ctx, note string) { c.Locals(noteKey, note) }

// Note is the note of the page being served (SetNote), after the cache's
// middleware has run; "" when it has none.
func Note(c *fiber.Ctx) string {
	s, _ := c.Locals(noteKey).(string)
	return s
}

// rendered is what a miss render hands to the requests waiting on it.
type rendered struct {
	entry    *Entry
	storable bool
	cached   bool // found in L1 by a late flight, not rendered
}

// errRenderAborted is what waiters get when the leader's render panicked.
var errRenderAborted = errors.New("pagecache: the render was aborted")

// Middleware serves GET and HEAD requests from the cache, rendering through
// the rest of the chain on a miss. scope reports the tenant of the request,
// or false to bypass the cache. params are the query parameters the route's
// handler reads: the request's query string is cut down to them, in
// canonical form, before anything else (see CanonicalQuery and Param), so
// the key and the handler see the same query. A query string that does not
// parse is a 400.
func (c *Cache) Middleware(scope func(*fiber.Ctx) (Scope, bool), params ...string) fiber.Handler {
	declared := declare(params)
	return func(fc *fiber.Ctx) error {
		query, err := restrictQuery(fc, declared)
		if err != nil {
			fc.Set("Cache-Status", statusBypass)
			return err
		}
		method := fc.Method()
		s, ok := scope(fc)
		if !ok || (method != fiber.MethodGet && method != fiber.MethodHead) || len(fc.Request().Header.Peek(fiber.HeaderAuthorization)) > 0 {
			c.count("bypass")
			fc.Set("Cache-Status", statusBypass)
			return fc.Next()
		}
		key := Key(s.TenantID, fc.Path(), query)
		return c.lookup(fc, key, s)
	}
}

// lookup serves the page at key from L1 or L2 when a copy is fresh for the
// request's generation and this build's fingerprint, and goes to miss
// otherwise.
func (c *Cache) lookup(fc *fiber.Ctx, key string, s Scope) error {
	now := c.opts.Now()
	prev, ok := c.l1.GetIfPresent(key)
	if ok && prev.fresh(s.Generation, c.fp, now) {
		c.count("hit")
		return serve(fc, prev, statusHit)
	}
	if e := c.getL2(fc.UserContext(), key); e != nil {
		c.l1.Set(key, e)
		if e.fresh(s.Generation, c.fp, now) {
			c.count("hit")
			return serve(fc, e, statusHit)
		}
		prev = e
	}
	return c.miss(fc, key, s, prev)
}

// miss renders the page, once however many requests want it. prev is the
// copy found, if any: when it shows the current generation and is within its
// fresh time but another build rendered it (the release before this one, or
// the one after during a rolling deploy), it stands in at once, labelled
// stale, for every request that would otherwise wait: while a render of the
// page is in flight, and while every render slot is busy. A copy of an older
// generation never stands in (a publish is visible everywhere when it
// returns), nor one past its fresh time (an "open now" that has changed).
func (c *Cache) miss(fc *fiber.Ctx, key string, s Scope, prev *Entry) error {
	standIn := prev != nil && prev.current(s.Generation, c.opts.Now())
	sfKey := key + "\x00" + strconv.FormatInt(s.Generation, 10)
	c.mu.Lock()
	f := c.flights[sfKey]
	if f == nil {
		held := false
		if standIn {
			if held = c.tryAcquire(); !held {
				c.mu.Unlock()
				c.count("stale_render")
				return serve(fc, prev, statusStale)
			}
		}
		f = &flight{done: make(chan struct{}), err: errRenderAborted}
		c.flights[sfKey] = f
		c.mu.Unlock()
		return c.lead(fc, key, sfKey, s, f, held, prev)
	}
	c.mu.Unlock()
	if standIn {
		c.count("stale_render")
		return serve(fc, prev, statusStale)
	}
	<-f.done
	if f.err != nil {
		return c.failed(fc, key, s, f.err, prev)
	}
	switch r := f.r; {
	case r.cached:
		c.count("hit")
		return serve(fc, r.entry, statusHit)
	case r.storable:
		c.count("collapsed")
		return serve(fc, r.entry, statusCollapsed)
	}
	// Not shareable (a 404, a page that sets a cookie): render this request
	// on its own, in a render slot like any other.
	if err := c.acquire(fc.UserContext()); err != nil {
		return c.failed(fc, key, s, err, prev)
	}
	defer c.release()
	c.count("bypass")
	fc.Set("Cache-Status", statusBypass)
	return fc.Next()
}

// lead renders the page for flight f and hands the result to its waiters.
// held says whether the caller has taken a render slot already; prev is
// the copy lookup found (for failed).
func (c *Cache) lead(fc *fiber.Ctx, key, sfKey string, s Scope, f *flight, held bool, prev *Entry) error {
	defer func() {
		c.mu.Lock()
		delete(c.flights, sfKey)
		c.mu.Unlock()
		close(f.done)
	}()
	if !held {
		if err := c.acquire(fc.UserContext()); err != nil {
			f.r, f.err = nil, err
			return c.failed(fc, key, s, err, prev)
		}
	}
	defer c.release()
	// A flight that finished between our lookup and now has stored the page
	// already: don't render it again.
	if e, ok := c.l1.GetIfPresent(key); ok && e.fresh(s.Generation, c.fp, c.opts.Now()) {
		f.r, f.err = &rendered{entry: e, storable: true, cached: true}, nil
		c.count("hit")
		return serve(fc, e, statusHit)
	}
	r, err := c.render(fc, key, s.Generation)
	f.r, f.err = r, err
	if err != nil {
		return c.failed(fc, key, s, err, prev)
	}
	c.count("miss")
	if !r.storable {
		// The leader's own response is already in place (a 404, a page
		// that sets a cookie): leave it as rendered.
		fc.Set("Cache-Status", statusMiss)
		return nil
	}
	return serve(fc, r.entry, statusMiss)
}

// failed answers a request whose render failed (or found no render slot):
// with the last good copy of the page, whatever its generation or build,
// when the error allows it; else with the error. prev is the copy lookup
// found in L1 or Redis, if any: Redis is not asked again (see stale).
func (c *Cache) failed(fc *fiber.Ctx, key string, s Scope, err error, prev *Entry) error {
	ctx := fc.UserContext()
	// Overload is not a failure of the page: only a copy that shows the
	// tenant's current content may answer for it, never one from before a
	// publish.
	busy := errors.Is(err, ErrBusy)
	if c.opts.ServeStale(err) {
		if e := c.stale(key, prev); e != nil && (!busy || e.current(s.Generation, c.opts.Now())) {
			c.count("stale")
			c.opts.Logger.WarnContext(ctx, "render failed; serving last good copy", "tenant_id", s.TenantID, "path", fc.Path(), "error", err)
			return serve(fc, e, statusStale)
		}
	}
	if busy {
		fc.Set(fiber.HeaderRetryAfter, "5")
	}
	return err
}

// tryAcquire takes a render slot if one is free now.
func (c *Cache) tryAcquire() bool {
	select {
	case c.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

// acquire waits for a render slot, for RenderTimeout at most.
func (c *Cache) acquire(ctx context.Context) error {
	if c.tryAcquire() {
		return nil
	}
	t := time.NewTimer(c.opts.RenderTimeout)
	defer t.Stop()
	select {
	case c.slots <- struct{}{}:
		return nil
	case <-t.C:
		return ErrBusy
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrBusy, ctx.Err())
	}
}

func (c *Cache) release() { <-c.slots }

// render runs the rest of the handler chain once for a miss and stores the
// result when it may be shared.
func (c *Cache) render(fc *fiber.Ctx, key string, gen int64) (*rendered, error) {
	start := time.Now()
	parent := fc.UserContext()
	ctx, cancel := context.WithTimeout(parent, c.opts.RenderTimeout)
	defer cancel()
	fc.SetUserContext(ctx)
	err := fc.Next()
	fc.SetUserContext(parent)
	if c.opts.Metrics != nil {
		c.opts.Metrics.Render.Observe(time.Since(start).Seconds())
	}
	if err != nil {
		return nil, err
	}
	resp := fc.Response()
	status := resp.StatusCode()
	if status != fiber.StatusOK || len(resp.Header.Peek(fiber.HeaderSetCookie)) > 0 || fc.Locals(noStoreKey) != nil {
		return &rendered{}, nil
	}
	fresh := c.opts.Now().Add(c.opts.DefaultFresh)
	if t, ok := fc.Locals(freshUntilKey).(time.Time); ok && t.Before(fresh) {
		fresh = t
	}
	body := append([]byte(nil), resp.Body()...)
	e, err := newEntry(gen, c.fp, fresh, status, string(resp.Header.ContentType()), body)
	if err != nil {
		return nil, err
	}
	if note := Note(fc); note != "" {
		e.Note = note[:min(len(note), 255)]
	}
	c.l1.Set(key, e)
	c.compressLater(parent, key, e) // brotli, then Redis
	return &rendered{entry: e, storable: true}, nil
}

// stale returns the last good copy of a page, whatever its generation: the
// one in L1 (a render that finished meanwhile may have put a newer one
// there), else prev, what lookup found. Redis is not asked: lookup asked it
// already for this request (what it found is prev, or in L1), and asking
// again would cost a round trip on a path that is failing already.
func (c *Cache) stale(key string, prev *Entry) *Entry {
	if e, ok := c.l1.GetIfPresent(key); ok {
		return e
	}
	return prev
}

func (c *Cache) redisKey(key string) string { return c.opts.Prefix + "page:" + key }

func (c *Cache) getL2(ctx context.Context, key string) *Entry {
	r := c.opts.Redis
	if !r.Up() {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 250*time.Millisecond)
	defer cancel()
	data, err := r.Client().Get(ctx, c.redisKey(key)).Bytes()
	if err != nil {
		r.Failed(err)
		return nil
	}
	e, err := unmarshal(data)
	if err != nil {
		c.opts.Logger.WarnContext(ctx, "dropping unreadable cache entry", "key", key, "error", err)
		return nil
	}
	return e
}

// putL2 stores the entry in Redis in the background: a slow Redis must not
// hold up the response, and a lost write only costs a render elsewhere.
func (c *Cache) putL2(ctx context.Context, key string, e *Entry) {
	r := c.opts.Redis
	if !r.Up() {
		return
	}
	data := e.marshal()
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		if err := r.Client().Set(ctx, c.redisKey(key), data, c.opts.KeepStale).Err(); err != nil {
			r.Failed(err)
		}
	}()
}

func (c *Cache) count(result string) {
	if n := c.counters[result]; n != nil {
		n.Inc()
	} else if c.opts.Metrics != nil {
		c.opts.Metrics.Cache.WithLabelValues(result).Inc()
	}
}

// serve writes an entry for a request that came through the middleware
// (see write), and hands its note to the middleware in front.
func serve(fc *fiber.Ctx, e *Entry, cacheStatus string) error {
	if e.Note != "" {
		fc.Locals(noteKey, e.Note)
	}
	return write(&fc.Request().Header, fc.Response(), e, cacheStatus)
}

// Key builds the cache key of a page: tenant, path and the query in the
// canonical form CanonicalQuery gives (the form the handler reads), so that
// ?a=1&b=2 and ?b=2&a=1 share an entry.
func Key(tenantID int64, path, query string) string {
	var b strings.Builder
	b.Grow(len(path) + len(query) + 24)
	b.WriteString(strconv.FormatInt(tenantID, 10))
	b.WriteByte('|')
	b.WriteString(path)
	if query != "" {
		b.WriteByte('?')
		b.WriteString(query)
	}
	return b.String()
}
