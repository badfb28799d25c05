// Package pagecache is the platform's cache of rendered pages: a byte-bounded
// in-process L1 in front of a shared Redis L2.
//
// A page is cached under tenant + path + canonical query. Each entry carries
// the tenant generation it was rendered from; a request is a hit only when
// that generation is the tenant's current one, so one increment of the
// generation (on every publish) invalidates a whole site on every replica,
// while the old copy stays available as a last good copy if rendering fails
// (stale-if-error). Misses render once however many requests wait
// (singleflight keyed by generation too, so no request that starts after a
// publish can join a render of older content). Bodies are gzipped once and
// served as-is to clients that accept gzip, with strong ETags and 304s.
package pagecache

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/maypok86/otter/v2"
	"golang.org/x/sync/singleflight"

	"github.com/pcnweb/pcnweb/metrics"
	"github.com/pcnweb/pcnweb/redishealth"
)

// Options configure a Cache.
type Options struct {
	// MaxBytes bounds the in-process cache; 0 means 128 MiB.
	MaxBytes uint64
	// Redis is the shared L2; nil runs with the in-process cache only.
	Redis *redishealth.Monitor
	// Prefix namespaces every Redis key (tests give each package its own).
	Prefix string
	// DefaultFresh is how long a page stays fresh when its handler sets no
	// expiry; invalidation by generation is what normally ends it. 0 means 24h.
	DefaultFresh time.Duration
	// KeepStale is how long Redis keeps an entry as a last good copy; 0 means 7 days.
	KeepStale time.Duration
	// RenderTimeout bounds a miss render; 0 means 10s.
	RenderTimeout time.Duration
	// ServeStale reports whether a failed render may be replaced by a stale
	// copy; by default any error that is not a fiber.Error below 500.
	ServeStale func(error) bool
	Metrics    *metrics.Metrics
	Logger     *slog.Logger
	Now        func() time.Time
}

// Cache is the two-level page cache.
type Cache struct {
	opts Options
	l1   *otter.Cache[string, *Entry]
	sf   singleflight.Group
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
	if opts.ServeStale == nil {
		opts.ServeStale = defaultServeStale
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c := &Cache{
		opts: opts,
		l1: otter.Must(&otter.Options[string, *Entry]{
			MaximumWeight: opts.MaxBytes,
			Weigher:       func(_ string, e *Entry) uint32 { return e.size() },
		}),
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

// Result values for the Cache-Status header (RFC 9211).
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

// rendered is what a miss render hands to the requests waiting on it.
type rendered struct {
	entry    *Entry
	storable bool
	cached   bool // found in L1 by a late flight, not rendered
}

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
		now := c.opts.Now()
		if e, ok := c.l1.GetIfPresent(key); ok && e.fresh(s.Generation, now) {
			c.count("hit")
			return serve(fc, e, statusHit)
		}
		ctx := fc.UserContext()
		if e := c.getL2(ctx, key); e != nil {
			c.l1.Set(key, e)
			if e.fresh(s.Generation, now) {
				c.count("hit")
				return serve(fc, e, statusHit)
			}
		}

		sfKey := key + "\x00" + strconv.FormatInt(s.Generation, 10)
		leader := false
		v, err, _ := c.sf.Do(sfKey, func() (any, error) {
			// A flight that finished between our L1 lookup and now has
			// stored the page already: don't render it again.
			if e, ok := c.l1.GetIfPresent(key); ok && e.fresh(s.Generation, c.opts.Now()) {
				return &rendered{entry: e, storable: true, cached: true}, nil
			}
			leader = true
			return c.render(fc, key, s.Generation)
		})
		if err != nil {
			if c.opts.ServeStale(err) {
				if e := c.stale(ctx, key); e != nil {
					c.count("stale")
					c.opts.Logger.WarnContext(ctx, "render failed; serving last good copy", "tenant_id", s.TenantID, "path", fc.Path(), "error", err)
					return serve(fc, e, statusStale)
				}
			}
			return err
		}
		r := v.(*rendered)
		switch {
		case r.cached:
			c.count("hit")
			return serve(fc, r.entry, statusHit)
		case leader:
			c.count("miss")
			if !r.storable {
				// The leader's own response is already in place (a 404,
				// a page that sets a cookie): leave it as rendered.
				fc.Set("Cache-Status", statusMiss)
				return nil
			}
			return serve(fc, r.entry, statusMiss)
		case r.storable:
			c.count("collapsed")
			return serve(fc, r.entry, statusCollapsed)
		default:
			// Not shareable: render this request on its own.
			c.count("bypass")
			fc.Set("Cache-Status", statusBypass)
			return fc.Next()
		}
	}
}

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
	e, err := newEntry(gen, fresh, status, string(resp.Header.ContentType()), body)
	if err != nil {
		return nil, err
	}
	c.l1.Set(key, e)
	c.putL2(parent, key, e)
	return &rendered{entry: e, storable: true}, nil
}

// stale returns the last good copy of a page, whatever its generation.
func (c *Cache) stale(ctx context.Context, key string) *Entry {
	if e, ok := c.l1.GetIfPresent(key); ok {
		return e
	}
	return c.getL2(ctx, key)
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
	if c.opts.Metrics != nil {
		c.opts.Metrics.Cache.WithLabelValues(result).Inc()
	}
}

// serve writes an entry, answering 304 to a matching If-None-Match and
// sending the gzip body to clients that accept it.
func serve(fc *fiber.Ctx, e *Entry, cacheStatus string) error {
	gz := acceptsGzip(string(fc.Request().Header.Peek(fiber.HeaderAcceptEncoding)))
	var body []byte
	if !gz {
		// Inflated on first use for an entry read from Redis. It cannot
		// fail for a body this process or a peer compressed; if Redis
		// handed back damaged bytes, the request fails (a 500 page) rather
		// than sending them.
		var err error
		if body, err = e.Body(); err != nil {
			return err
		}
	}
	h := &fc.Response().Header
	h.Set("Cache-Status", cacheStatus)
	h.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	h.Set(fiber.HeaderCacheControl, "public, no-cache")
	etag := e.ETag
	if gz {
		etag = e.gzipETag()
	}
	h.Set(fiber.HeaderETag, etag)
	if inm := fc.Request().Header.Peek(fiber.HeaderIfNoneMatch); len(inm) > 0 && etagMatches(string(inm), e) {
		fc.Status(fiber.StatusNotModified)
		fc.Response().ResetBody()
		return nil
	}
	fc.Status(e.Status)
	h.SetContentType(e.ContentType)
	if gz {
		h.Set(fiber.HeaderContentEncoding, "gzip")
		fc.Response().SetBodyRaw(e.Gzip)
	} else {
		h.Del(fiber.HeaderContentEncoding)
		fc.Response().SetBodyRaw(body)
	}
	return nil
}

// etagMatches implements the weak comparison If-None-Match calls for,
// accepting either representation's tag and "*".
func etagMatches(header string, e *Entry) bool {
	for _, part := range strings.Split(header, ",") {
		tag := strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if tag == "*" || tag == e.ETag || tag == e.gzipETag() {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding value allows gzip (q > 0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "x-gzip" && name != "*" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(k, "q") {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		return q > 0
	}
	return false
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
