// Package analytics counts what patients read on the tenants' public sites,
// without tracking them: page views per path, the referring site's domain,
// searches and searches that found nothing, and paths that answered 404,
// per tenant and London day. Nothing about a visitor is kept: no cookie,
// no address, no user agent, no identifier.
//
// Each replica counts in memory (Counter) and adds its counts to the
// database every few seconds (models.DB.AddCounts), so the figures of all
// replicas add up and a replica that dies loses its last few seconds only.
// The site's middleware (handlers/site/analytics.go) decides what is
// counted; this package keeps the counts cheap on the hot path (a table
// lookup under a per-shard lock, no allocation once a key has been seen in
// the interval) and bounded (MaxKeys distinct keys per tenant, kind and
// interval; the rest go to models.OtherKey).
package analytics

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
)

// Defaults for Options.
const (
	DefaultInterval = 5 * time.Second
	DefaultMaxKeys  = 500
	// maxPending bounds the counts kept for a retry while the database is
	// unreachable; past it the oldest are dropped (and logged).
	maxPending = 100_000
	// flushTimeout bounds one background flush.
	flushTimeout = 30 * time.Second
)

// Options configure a Counter.
type Options struct {
	// DB receives the counts; nil keeps them in memory (Flush drops them),
	// for tests of the hot path.
	DB     *models.DB
	Logger *slog.Logger
	// Interval between flushes; 0 is DefaultInterval.
	Interval time.Duration
	// MaxKeys is how many distinct keys one tenant may add to one kind in
	// one interval; 0 is DefaultMaxKeys.
	MaxKeys int
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// The kinds, as indexes into a tenant's tables.
const (
	kView = iota
	kReferrer
	kSearch
	kSearchNone
	kNotFound
	nKinds
)

var kindNames = [nKinds]string{models.KindView, models.KindReferrer, models.KindSearch, models.KindSearchNone, models.KindNotFound}

const nShards = 16

// Counter counts on one replica. Its methods are safe for concurrent use.
type Counter struct {
	db       *models.DB
	log      *slog.Logger
	interval time.Duration
	maxKeys  int
	now      func() time.Time
	bots     *botCache

	// cur is the window being counted into; Flush swaps in a new one.
	cur atomic.Pointer[window]

	flushMu sync.Mutex          // one flush at a time
	pending []models.DailyCount // what a failed flush left, retried next time

	cancel context.CancelFunc
	done   chan struct{}
}

// window holds the counts of one interval, all on one London day.
type window struct {
	day    time.Time
	shards [nShards]shard
}

type shard struct {
	mu sync.Mutex
	// sealed is set once the flusher has taken the shard: a count that
	// finds it set goes to the new window.
	sealed  bool
	tenants map[int64]*tenantCounts
	_       [40]byte // keep shards on separate cache lines
}

type tenantCounts struct {
	keys [nKinds]map[string]*int64
}

// New makes a Counter; call Start to flush in the background, or Flush.
func New(o Options) *Counter {
	c := &Counter{db: o.DB, log: o.Logger, interval: o.Interval, maxKeys: o.MaxKeys, now: o.Now, bots: newBotCache()}
	if c.log == nil {
		c.log = slog.Default()
	}
	if c.interval <= 0 {
		c.interval = DefaultInterval
	}
	if c.maxKeys <= 0 {
		c.maxKeys = DefaultMaxKeys
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.cur.Store(c.newWindow())
	return c
}

func (c *Counter) newWindow() *window {
	y, m, d := c.now().In(hours.Location()).Date()
	return &window{day: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// IsBot reports whether a request with this User-Agent is left uncounted
// (see botWords).
func (c *Counter) IsBot(userAgent []byte) bool { return c.bots.IsBot(userAgent) }

// IsPageView reports whether an answer to a person's GET counts as a page
// view: a 200 with an HTML content type, or a 304 (the page cache sends
// one only for a page it stores, without a content type), unless its path
// is a feed's, the sitemap's or robots.txt (.xml, .txt). The site's
// middleware and the hit path both ask it.
func IsPageView(status int, contentType []byte, path string) bool {
	switch status {
	case 200:
		return bytes.HasPrefix(contentType, []byte("text/html"))
	case 304:
		return !strings.HasSuffix(path, ".xml") && !strings.HasSuffix(path, ".txt")
	}
	return false
}

// View counts a page view of path, and the referring site when referer
// names another site than self (the request's Host header) or others (the
// tenant's other hosts).
func (c *Counter) View(tenantID int64, path string, referer, self []byte, others []string) {
	if len(referer) == 0 {
		c.add(tenantID, kView, path, nil)
		return
	}
	var buf [64]byte
	domain := AppendReferrer(buf[:0], referer, self, others)
	c.add(tenantID, kView, path, domain)
}

// Search counts a search for q (normalised by AppendSearchTerm; a blank q
// is not counted), and a search that found nothing when none.
func (c *Counter) Search(tenantID int64, q string, none bool) {
	var buf [128]byte
	term := AppendSearchTerm(buf[:0], q)
	if len(term) == 0 {
		return
	}
	c.inc(tenantID, kSearch, "", term)
	if none {
		c.inc(tenantID, kSearchNone, "", term)
	}
}

// NotFound counts a request for path that answered 404.
func (c *Counter) NotFound(tenantID int64, path string) {
	c.inc(tenantID, kNotFound, path, nil)
}

// add counts a view of path and, when domain is not empty, a referral
// from it, under one lock.
func (c *Counter) add(tenantID int64, kind int, path string, domain []byte) {
	for {
		w := c.cur.Load()
		s := &w.shards[uint64(tenantID)%nShards]
		s.mu.Lock()
		if s.sealed {
			s.mu.Unlock()
			continue
		}
		t := s.tenant(tenantID)
		c.bump(t, kind, path, nil)
		if len(domain) > 0 {
			c.bump(t, kReferrer, "", domain)
		}
		s.mu.Unlock()
		return
	}
}

// inc adds one to key (a string, or the bytes b when not nil).
func (c *Counter) inc(tenantID int64, kind int, key string, b []byte) {
	for {
		w := c.cur.Load()
		s := &w.shards[uint64(tenantID)%nShards]
		s.mu.Lock()
		if s.sealed {
			s.mu.Unlock()
			continue
		}
		c.bump(s.tenant(tenantID), kind, key, b)
		s.mu.Unlock()
		return
	}
}

func (s *shard) tenant(id int64) *tenantCounts {
	if s.tenants == nil {
		s.tenants = make(map[int64]*tenantCounts)
	}
	t := s.tenants[id]
	if t == nil {
		t = &tenantCounts{}
		s.tenants[id] = t
	}
	return t
}

// bump adds one to the key (key, or b when not nil) of a kind, holding the
// shard's lock. A key seen before in the window costs a map lookup and no
// allocation; a new one is copied, or counted as models.OtherKey once the
// tenant has MaxKeys of the kind.
func (c *Counter) bump(t *tenantCounts, kind int, key string, b []byte) {
	m := t.keys[kind]
	if m == nil {
		m = make(map[string]*int64)
		t.keys[kind] = m
	}
	// Lookups only: m[string(b)] does not allocate, and an assignment to
	// an existing key would store the caller's string (a reused request
	// buffer) in place of the map's own copy.
	if b != nil {
		if n := m[string(b)]; n != nil {
			*n++
			return
		}
		key = string(b)
	} else {
		if n := m[key]; n != nil {
			*n++
			return
		}
		key = strings.Clone(models.CutKey(key, models.MaxPathKey))
	}
	if len(m) >= c.maxKeys {
		key = models.OtherKey
		if n := m[key]; n != nil {
			*n++
			return
		}
	}
	n := int64(1)
	m[key] = &n
}

// Flush starts a new window and adds the counts of the one before, and any
// a failed flush left, to the database. On failure the counts are kept for
// the next flush (up to a bound) and the error is returned.
func (c *Counter) Flush(ctx context.Context) error {
	c.flushMu.Lock()
	defer c.flushMu.Unlock()
	old := c.cur.Swap(c.newWindow())
	batch := c.pending
	c.pending = nil
	for i := range old.shards {
		s := &old.shards[i]
		s.mu.Lock()
		s.sealed = true
		tenants := s.tenants
		s.mu.Unlock()
		for id, t := range tenants {
			for kind, m := range t.keys {
				for key, n := range m {
					batch = append(batch, models.DailyCount{TenantID: id, Day: old.day, Kind: kindNames[kind], Key: key, N: *n})
				}
			}
		}
	}
	if len(batch) == 0 || c.db == nil {
		return nil
	}
	if err := c.db.AddCounts(ctx, batch); err != nil {
		if len(batch) > maxPending {
			c.log.WarnContext(ctx, "analytics: dropping counts the database did not take", "rows", len(batch)-maxPending)
			batch = batch[len(batch)-maxPending:]
		}
		c.pending = batch
		return err
	}
	return nil
}

// Start flushes every interval, and at each London midnight (so a day's
// counts stay on that day), until Stop is called or ctx ends.
func (c *Counter) Start(ctx context.Context) {
	ctx, c.cancel = context.WithCancel(ctx)
	c.done = make(chan struct{})
	go func() {
		defer close(c.done)
		for {
			wait := c.interval
			now := c.now()
			y, m, d := now.In(hours.Location()).Date()
			if midnight := time.Date(y, m, d+1, 0, 0, 0, 0, hours.Location()); midnight.Sub(now) < wait {
				wait = midnight.Sub(now)
			}
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			// A flush under way finishes even when Stop is called: were
			// it cancelled, a commit the database made could look failed
			// to us, and the counts kept for a retry would be added twice.
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
			if err := c.Flush(fctx); err != nil {
				c.log.WarnContext(ctx, "analytics: flush failed; kept for the next", "error", err)
			}
			cancel()
		}
	}()
}

// Stop ends the background flushes, waiting for one under way, and
// flushes what is left, within ctx (serve calls it after the listener has
// finished its requests).
func (c *Counter) Stop(ctx context.Context) error {
	if c.cancel != nil {
		c.cancel()
		<-c.done
	}
	return c.Flush(ctx)
}
