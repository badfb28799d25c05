package pagecache_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"

	"github.com/pcnweb/pcnweb/internal/redishealth"
	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/pagecache"
)

// harness is a Fiber app whose one handler counts its renders, behind a page
// cache on a real Redis.
type harness struct {
	app     *fiber.App
	cache   *pagecache.Cache
	renders atomic.Int64
	gen     atomic.Int64
	body    atomic.Value // string
	fail    atomic.Bool
	delay   time.Duration
	now     atomic.Value // time.Time
	expire  time.Duration
	running atomic.Int64 // renders in progress
	peak    atomic.Int64 // most renders in progress at once
}

func newHarness(t *testing.T, mon *redishealth.Monitor, prefix string, configure ...func(*pagecache.Options)) *harness {
	t.Helper()
	h := &harness{}
	h.gen.Store(1)
	h.body.Store("<p>hello</p>")
	h.now.Store(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	opts := pagecache.Options{
		Redis: mon, Prefix: prefix, Logger: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return h.now.Load().(time.Time) },
	}
	for _, f := range configure {
		f(&opts)
	}
	h.cache = pagecache.New(opts)
	h.app = fiber.New(fiber.Config{Immutable: true})
	h.app.Use(h.cache.Middleware(func(c *fiber.Ctx) (pagecache.Scope, bool) {
		return pagecache.Scope{TenantID: 7, Generation: h.gen.Load()}, c.Get("X-No-Tenant") == ""
	}))
	h.app.Get("/*", func(c *fiber.Ctx) error {
		h.renders.Add(1)
		n := h.running.Add(1)
		defer h.running.Add(-1)
		for p := h.peak.Load(); n > p && !h.peak.CompareAndSwap(p, n); p = h.peak.Load() {
		}
		if h.delay > 0 {
			time.Sleep(h.delay)
		}
		if h.fail.Load() {
			return errors.New("database unreachable")
		}
		switch c.Path() {
		case "/missing":
			return fiber.ErrNotFound
		case "/cookie":
			c.Cookie(&fiber.Cookie{Name: "s", Value: "1"})
		case "/clock":
			pagecache.ExpireAt(c, h.now.Load().(time.Time).Add(h.expire))
		}
		c.Type("html", "utf-8")
		return c.SendString(h.body.Load().(string))
	})
	return h
}

func redisMonitor(t *testing.T, url string) *redishealth.Monitor {
	t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	opts.DialTimeout, opts.ReadTimeout, opts.MaxRetries = 200*time.Millisecond, 200*time.Millisecond, 0
	c := redis.NewClient(opts)
	t.Cleanup(func() { _ = c.Close() })
	return redishealth.New(c, slog.New(slog.DiscardHandler), 200*time.Millisecond)
}

func sharedRedis(t *testing.T) (*redishealth.Monitor, string) {
	url, prefix := testenv.Redis(t)
	return redisMonitor(t, url), prefix
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (h *harness) get(t *testing.T, path string, headers ...string) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := h.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, body}
}

func TestHitAfterMiss(t *testing.T) {
	mon, prefix := sharedRedis(t)
	h := newHarness(t, mon, prefix)
	steps := []struct{ want string }{{"pcnweb; fwd=miss"}, {"pcnweb; hit"}, {"pcnweb; hit"}}
	for i, s := range steps {
		r := h.get(t, "/about")
		if r.status != 200 || r.header.Get("Cache-Status") != s.want || string(r.body) != "<p>hello</p>" {
			t.Fatalf("request %d: %d %q %q, want 200 %q", i, r.status, r.header.Get("Cache-Status"), r.body, s.want)
		}
	}
	if n := h.renders.Load(); n != 1 {
		t.Errorf("rendered %d times, want 1", n)
	}
}

func TestGenerationBumpRendersAgain(t *testing.T) {
	mon, prefix := sharedRedis(t)
	h := newHarness(t, mon, prefix)
	h.get(t, "/about")
	h.body.Store("<p>new</p>")
	h.gen.Add(1)
	r := h.get(t, "/about")
	if r.header.Get("Cache-Status") != "pcnweb; fwd=miss" || string(r.body) != "<p>new</p>" {
		t.Fatalf("after a generation bump: %q %q", r.header.Get("Cache-Status"), r.body)
	}
}

func TestOneRenderForConcurrentMisses(t *testing.T) {
	mon, prefix := sharedRedis(t)
	h := newHarness(t, mon, prefix)
	h.delay = 100 * time.Millisecond
	var wg sync.WaitGroup
	statuses := make(chan string, 100)
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := h.get(t, "/busy")
			if r.status != 200 || string(r.body) != "<p>hello</p>" {
				t.Errorf("got %d %q", r.status, r.body)
			}
			statuses <- r.header.Get("Cache-Status")
		}()
	}
	wg.Wait()
	close(statuses)
	if n := h.renders.Load(); n != 1 {
		t.Errorf("100 concurrent misses rendered %d times, want 1", n)
	}
	counts := map[string]int{}
	for s := range statuses {
		counts[s]++
	}
	if counts["pcnweb; fwd=miss"] != 1 {
		t.Errorf("Cache-Status counts = %v, want exactly one miss (the rest collapsed or hits)", counts)
	}
}

func TestConditionalRequests(t *testing.T) {
	mon, prefix := sharedRedis(t)
	h := newHarness(t, mon, prefix)
	first := h.get(t, "/about")
	etag := first.header.Get("ETag")
	if len(etag) < 3 || etag[0] != '"' {
		t.Fatalf("ETag = %q, want a strong quoted tag", etag)
	}
	gz := h.get(t, "/about", "Accept-Encoding", "gzip")
	tests := []struct {
		name, inm string
		want      int
	}{
		{"identity tag", etag, 304},
		{"gzip tag", gz.header.Get("ETag"), 304},
		{"list with the tag", `"nope", ` + etag, 304},
		{"star", "*", 304},
		{"other tag", `"other"`, 200},
	}
	for _, tt := range tests {
		r := h.get(t, "/about", "If-None-Match", tt.inm)
		if r.status != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, r.status, tt.want)
		}
		if tt.want == 304 && len(r.body) != 0 {
			t.Errorf("%s: 304 with a body of %d bytes", tt.name, len(r.body))
		}
	}
	// A publish changes the content and so the tag: the old tag gets a 200.
	h.body.Store("<p>changed</p>")
	h.gen.Add(1)
	if r := h.get(t, "/about", "If-None-Match", etag); r.status != 200 || string(r.body) != "<p>changed</p>" {
		t.Errorf("after a change: %d %q, want 200 and the new body", r.status, r.body)
	}
}

func TestEncodingNegotiation(t *testing.T) {
	mon, prefix := sharedRedis(t)
	h := newHarness(t, mon, prefix)
	h.get(t, "/about")
	// The brotli body is made in the background after the render.
	for i := 0; i < 500 && h.get(t, "/about", "Accept-Encoding", "br").header.Get("Content-Encoding") != "br"; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	tests := []struct {
		accept string
		want   pagecache.Encoding
	}{
		{"", pagecache.Identity},
		{"gzip", pagecache.Gzip},
		{"br, gzip, deflate", pagecache.Brotli},
		{"gzip;q=0", pagecache.Identity},
		{"identity", pagecache.Identity},
		{"*", pagecache.Brotli},
		{"GZIP;q=0.5", pagecache.Gzip},
		{"br;q=0.1, gzip;q=0.9", pagecache.Gzip},
	}
	for _, tt := range tests {
		r := h.get(t, "/about", "Accept-Encoding", tt.accept)
		if got := r.header.Get("Content-Encoding"); got != tt.want.String() {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tt.accept, got, tt.want)
			continue
		}
		if r.header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("Vary = %q", r.header.Get("Vary"))
		}
		body := r.body
		switch tt.want {
		case pagecache.Gzip:
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(zr)
		case pagecache.Brotli:
			body, _ = io.ReadAll(brotli.NewReader(bytes.NewReader(body)))
		}
		if string(body) != "<p>hello</p>" {
			t.Errorf("Accept-Encoding %q: body %q", tt.accept, body)
		}
	}
}

func TestNotStored(t *testing.T) {
	mon, prefix := sharedRedis(t)
	h := newHarness(t, mon, prefix)
	tests := []struct {
		name, path string
		headers    []string
		wantStatus int
	}{
		{"not found", "/missing", nil, 404},
		{"sets a cookie", "/cookie", nil, 200},
		{"credentials", "/private", []string{"Authorization", "Bearer x"}, 200},
		{"no tenant", "/x", []string{"X-No-Tenant", "1"}, 200},
	}
	for _, tt := range tests {
		before := h.renders.Load()
		for range 2 {
			if r := h.get(t, tt.path, tt.headers...); r.status != tt.wantStatus {
				t.Errorf("%s: status %d", tt.name, r.status)
			}
		}
		if n := h.renders.Load() - before; n != 2 {
			t.Errorf("%s: rendered %d times for 2 requests, want 2 (never stored)", tt.name, n)
		}
	}
	if r := h.get(t, "/x", "X-No-Tenant", "1"); r.header.Get("Cache-Status") != "pcnweb; fwd=bypass" {
		t.Errorf("bypass Cache-Status = %q", r.header.Get("Cache-Status"))
	}
}

func TestExpireAtRendersAgainAfterTheChange(t *testing.T) {
	h := newHarness(t, nil, "")
	h.expire = 10 * time.Minute
	h.get(t, "/clock")
	if r := h.get(t, "/clock"); r.header.Get("Cache-Status") != "pcnweb; hit" {
		t.Fatalf("before expiry: %q", r.header.Get("Cache-Status"))
	}
	h.now.Store(h.now.Load().(time.Time).Add(10*time.Minute + time.Second))
	if r := h.get(t, "/clock"); r.header.Get("Cache-Status") != "pcnweb; fwd=miss" {
		t.Errorf("after the page's change time: %q, want a miss", r.header.Get("Cache-Status"))
	}
}

func TestStaleCopyWhenRenderFails(t *testing.T) {
	mon, prefix := sharedRedis(t)
	h := newHarness(t, mon, prefix)
	h.get(t, "/about")
	h.gen.Add(1) // a publish happened, then the database went away
	h.fail.Store(true)
	r := h.get(t, "/about")
	if r.status != 200 || r.header.Get("Cache-Status") != "pcnweb; hit; detail=stale" || string(r.body) != "<p>hello</p>" {
		t.Fatalf("render failure: %d %q %q, want the stale copy", r.status, r.header.Get("Cache-Status"), r.body)
	}
	// A page never rendered has no stale copy: the error stands.
	if r := h.get(t, "/never"); r.status != 500 {
		t.Errorf("no copy: status %d, want 500", r.status)
	}
}

// TestSharedL2: a second replica serves the first one's render from Redis
// without rendering, and a stale copy survives in Redis for a new replica.
func TestSharedL2(t *testing.T) {
	mon, prefix := sharedRedis(t)
	a := newHarness(t, mon, prefix)
	b := newHarness(t, mon, prefix)
	a.get(t, "/about", "Accept-Encoding", "gzip")
	// A's write to Redis happens in the background: wait for it to land.
	waitFor(t, func() bool {
		n, _ := mon.Client().Exists(context.Background(), prefix+"page:7|/about").Result()
		return n == 1
	})
	if r := b.get(t, "/about"); r.header.Get("Cache-Status") != "pcnweb; hit" {
		t.Errorf("replica B: %q, want a hit from Redis", r.header.Get("Cache-Status"))
	}
	if n := b.renders.Load(); n != 0 {
		t.Errorf("replica B rendered %d times, want 0", n)
	}
	c := newHarness(t, mon, prefix)
	c.gen.Add(1)
	c.fail.Store(true)
	if r := c.get(t, "/about"); r.header.Get("Cache-Status") != "pcnweb; hit; detail=stale" || string(r.body) != "<p>hello</p>" {
		t.Errorf("new replica with failing renders: %q %q, want the stale copy from Redis", r.header.Get("Cache-Status"), r.body)
	}
}

// TestRedisOutage: with Redis stopped mid-test pages are still served; when
// it returns, L1 is kept (what changed meanwhile is retired by generation, see
// tenants.Bus) and Redis is used again.
func TestRedisOutage(t *testing.T) {
	srv := testenv.StartRedis(t)
	mon := redisMonitor(t, srv.URL)
	h := newHarness(t, mon, "outage:")
	h.get(t, "/about")
	srv.Stop(t)
	for i := range 20 {
		path := "/p" + string(rune('a'+i%5))
		if r := h.get(t, path); r.status != 200 {
			t.Fatalf("with Redis down, %s: status %d", path, r.status)
		}
	}
	if mon.Up() {
		t.Error("the monitor did not notice Redis going away")
	}
	if r := h.get(t, "/about"); r.status != 200 || r.header.Get("Cache-Status") != "pcnweb; hit" {
		t.Errorf("with Redis down, L1 still serves: %d %q", r.status, r.header.Get("Cache-Status"))
	}
	srv.Start(t)
	waitFor(t, func() bool { mon.Check(context.Background()); return mon.Up() })
	if r := h.get(t, "/pa"); r.header.Get("Cache-Status") != "pcnweb; hit" {
		t.Errorf("after Redis returned: %q, want L1 kept", r.header.Get("Cache-Status"))
	}
	// A change published while Redis was away is picked up by generation.
	h.gen.Add(1)
	if r := h.get(t, "/pa"); r.header.Get("Cache-Status") != "pcnweb; fwd=miss" {
		t.Errorf("after a generation change: %q, want a miss", r.header.Get("Cache-Status"))
	}
	waitFor(t, func() bool {
		n, _ := mon.Client().Exists(context.Background(), "outage:page:7|/pa").Result()
		return n == 1
	})
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
