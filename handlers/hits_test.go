package handlers

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/pcnweb/pcnweb/analytics"
	"github.com/pcnweb/pcnweb/handlers/site"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/accesslog"
	"github.com/pcnweb/pcnweb/internal/demo"
	"github.com/pcnweb/pcnweb/internal/metrics"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
	"github.com/pcnweb/pcnweb/pagecache"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// logBuffer is an access log's writer that a test can read and empty.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// take empties the buffer and returns its lines with what differs between
// two answers to the same request (time, request id, duration) masked.
func (l *logBuffer) take(log *accesslog.Log) string {
	log.Flush()
	l.mu.Lock()
	defer l.mu.Unlock()
	s := varying.ReplaceAllString(l.b.String(), "$1=*")
	l.b.Reset()
	return s
}

var varying = regexp.MustCompile(`(time|request_id|duration_ms)=\S+`)

// hitRig is the public listener twice over one page cache: with the hit
// path in front (hit) and the Fiber chain alone (chain), each with its own
// access log, sharing the metrics and the analytics counter.
type hitRig struct {
	hits             *hits
	chain            fasthttp.RequestHandler
	fellThrough      int // requests the hit path handed to the chain
	hitLog, chainLog *accesslog.Log
	hitOut, chainOut *logBuffer
	metrics          *metrics.Metrics
	analytics        *analytics.Counter
	db               *models.DB
	site             site.Deps
}

func newHitRig(t *testing.T) *hitRig {
	t.Helper()
	ctx := context.Background()
	db := modelstest.Open(t, modelstest.NewURL(t))
	if _, err := demo.Seed(ctx, db); err != nil {
		t.Fatal(err)
	}
	// A site not launched yet, a suspended one, and moorland on its own
	// domain (so its platform host redirects there).
	if _, err := db.CreateTenant(ctx, models.NewTenant{Slug: "soon", Name: "Soon PCN", Theme: "default"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateTenant(ctx, models.NewTenant{Slug: "gone", Name: "Gone PCN", Theme: "default", Launched: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetTenantStatus(ctx, "gone", models.StatusSuspended, "unpaid"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddDomain(ctx, "moorland", "www.moorland.example", true); err != nil {
		t.Fatal(err)
	}
	reg, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	m := metrics.New()
	resolver := tenants.NewResolver(db, tenants.ResolverOptions{BaseDomain: "localhost", Logger: log})
	cache := pagecache.New(pagecache.Options{Fingerprint: reg.Fingerprint(), Metrics: m, Logger: log})
	counter := analytics.New(analytics.Options{DB: db, Logger: log})
	sd := site.Deps{
		DB: db, Resolver: resolver, Themes: reg, Cache: cache, Logger: log, Metrics: m,
		Web: web.Config{TrustedProxies: []string{"10.0.0.1"}}, Scheme: "http", Analytics: counter,
	}
	r := &hitRig{hitOut: &logBuffer{}, chainOut: &logBuffer{}, metrics: m, analytics: counter, db: db, site: sd}
	r.hitLog = accesslog.New(r.hitOut, accesslog.Options{FlushEvery: time.Hour})
	r.chainLog = accesslog.New(r.chainOut, accesslog.Options{FlushEvery: time.Hour})
	t.Cleanup(func() { _ = r.hitLog.Close(ctx); _ = r.chainLog.Close(ctx) })

	// The chain as New builds it without the hit path, twice: one behind
	// the hit path, logging to the hit path's log, and one alone.
	behind := New(Deps{Site: sd, AccessLog: r.hitLog, NoHitPath: true}).Handler()
	r.chain = New(Deps{Site: sd, AccessLog: r.chainLog, NoHitPath: true}).Handler()
	r.hits = &hits{
		next:     func(ctx *fasthttp.RequestCtx) { r.fellThrough++; behind(ctx) },
		resolver: resolver, cache: cache,
		security: web.NewSecurityHeaders(sd.Web), proxies: web.NewProxies(sd.Web),
		log: r.hitLog, count: web.NewCounter(m, "site"), analytics: counter,
	}
	// What New installs is this hit path.
	if app := New(Deps{Site: sd}); app.Server().Handler == nil {
		t.Fatal("New installed no handler")
	}
	return r
}

// hitRequest is one request as a client sends it.
type hitRequest struct {
	method, host, uri string
	headers           []string // name, value, ...
	from              net.IP   // the peer; 127.0.0.1 by default
}

// fill makes r the request req describes.
func (req hitRequest) fill(r *fasthttp.Request) {
	r.Header.SetMethod(cmpOr(req.method, fasthttp.MethodGet))
	r.SetRequestURI(req.uri)
	r.Header.SetHost(req.host)
	for i := 0; i+1 < len(req.headers); i += 2 {
		r.Header.Set(req.headers[i], req.headers[i+1])
	}
}

// do serves req with h, as fasthttp's server would, and returns the
// response (a copy).
func do(h fasthttp.RequestHandler, req hitRequest) *fasthttp.Response {
	var ctx fasthttp.RequestCtx
	var r fasthttp.Request
	req.fill(&r)
	// The raw header block is what the framing check reads.
	var raw bytes.Buffer
	_, _ = r.WriteTo(&raw)
	var parsed fasthttp.Request
	_ = parsed.Read(bufioReader(raw.Bytes()))
	from := req.from
	if from == nil {
		from = net.IPv4(127, 0, 0, 1)
	}
	ctx.Init(&parsed, &net.TCPAddr{IP: from, Port: 40000}, nil)
	h(&ctx)
	var out fasthttp.Response
	ctx.Response.CopyTo(&out)
	return &out
}

func bufioReader(b []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(b)) }

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// headerLines are a response's headers but those that differ between two
// answers to one request (Date, X-Request-Id), sorted.
func headerLines(resp *fasthttp.Response) []string {
	var lines []string
	resp.Header.VisitAll(func(k, v []byte) {
		if name := string(k); name != "Date" && name != "X-Request-Id" {
			lines = append(lines, name+": "+string(v))
		}
	})
	lines = append(lines, "Content-Length: "+string(resp.Header.Peek("Content-Length")))
	slices.Sort(lines)
	return lines
}

// sameAnswer reports where got differs from want, the chain's answer:
// status, headers (but the request id and the date) and body.
func sameAnswer(t *testing.T, got, want *fasthttp.Response) {
	t.Helper()
	if got.StatusCode() != want.StatusCode() {
		t.Errorf("status %d, the chain's %d", got.StatusCode(), want.StatusCode())
	}
	if g, w := headerLines(got), headerLines(want); !slices.Equal(g, w) {
		t.Errorf("headers differ:\n   got: %s\n chain: %s", strings.Join(g, " | "), strings.Join(w, " | "))
	}
	if !bytes.Equal(got.Body(), want.Body()) {
		t.Errorf("bodies differ: %d and %d bytes", len(got.Body()), len(want.Body()))
	}
}

// hitCase is a request for the hit path, and whether it answers it.
type hitCase struct {
	name string
	req  hitRequest
	hit  bool // answered by the hit path
}

// hitCases are the requests the hit path is compared with the chain on
// (here, and over TCP through the event loop in eventloop_test.go): the
// hits, and each kind of request it must leave to the chain. It renders
// /about first, for the revalidation's ETag.
func hitCases(t *testing.T, r *hitRig) []hitCase {
	t.Helper()
	browser := []string{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"}
	about := hitRequest{host: "highfives.localhost", uri: "/about", headers: browser}
	etag := string(do(r.chain, about).Header.Peek("ETag")) // renders /about
	return []hitCase{
		{"a cached page", about, true},
		{"gzip", hitRequest{host: "highfives.localhost", uri: "/about", headers: append([]string{"Accept-Encoding", "gzip"}, browser...)}, true},
		{"brotli", hitRequest{host: "highfives.localhost", uri: "/about", headers: append([]string{"Accept-Encoding", "gzip, deflate, br"}, browser...)}, true},
		{"a revalidation", hitRequest{host: "highfives.localhost", uri: "/about", headers: append([]string{"If-None-Match", etag}, browser...)}, true},
		{"the home page", hitRequest{host: "highfives.localhost", uri: "/", headers: browser}, true},
		{"the host with a port, in capitals", hitRequest{host: "HighFives.LOCALHOST:8080", uri: "/about"}, true},
		{"a custom primary domain", hitRequest{host: "www.moorland.example", uri: "/about"}, true},
		{"the feed", hitRequest{host: "highfives.localhost", uri: "/news/feed.xml", headers: browser}, true},
		{"a trusted proxy's X-Forwarded-Host", hitRequest{host: "pcnweb:8080", uri: "/about", from: net.IPv4(10, 0, 0, 1), headers: []string{"X-Forwarded-Host", "highfives.localhost", "X-Forwarded-For", "203.0.113.9"}}, true},
		{"an untrusted peer's X-Forwarded-Host", hitRequest{host: "moorland.localhost", uri: "/about", headers: []string{"X-Forwarded-Host", "highfives.localhost"}}, false},
		{"HEAD", hitRequest{method: fasthttp.MethodHead, host: "highfives.localhost", uri: "/about"}, false},
		{"a query string", hitRequest{host: "highfives.localhost", uri: "/about?utm_source=x"}, false},
		{"an empty query string", hitRequest{host: "highfives.localhost", uri: "/about?"}, false},
		{"credentials", hitRequest{host: "highfives.localhost", uri: "/about", headers: []string{"Authorization", "Bearer x"}}, false},
		{"the admin panel", hitRequest{host: "highfives.localhost", uri: "/admin"}, false},
		{"a static file", hitRequest{host: "highfives.localhost", uri: "/static/missing.css"}, false},
		{"an unknown host", hitRequest{host: "nobody.localhost", uri: "/about"}, false},
		{"a malformed host", hitRequest{host: "127.0.0.1", uri: "/about"}, false},
		{"a site not launched", hitRequest{host: "soon.localhost", uri: "/about"}, false},
		{"a suspended site", hitRequest{host: "gone.localhost", uri: "/about"}, false},
		{"a platform host that redirects to the primary domain", hitRequest{host: "moorland.localhost", uri: "/about"}, false},
		{"a POST", hitRequest{method: fasthttp.MethodPost, host: "highfives.localhost", uri: "/about"}, false},
	}
}

func TestHitPathAnswersAsTheChainDoes(t *testing.T) {
	r := newHitRig(t)
	for _, tc := range hitCases(t, r) {
		t.Run(tc.name, func(t *testing.T) {
			// The chain first, twice, so that the page is cached if it can
			// be and both answers below come from the same state.
			do(r.chain, tc.req)
			do(r.chain, tc.req)
			// A page's brotli body is made in the background after its
			// render: wait for it, so both answers are br.
			for i := 0; i < 500 && slices.Contains(tc.req.headers, "gzip, deflate, br"); i++ {
				if resp := do(r.chain, tc.req); string(resp.Header.Peek("Content-Encoding")) == "br" {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			r.hitOut.take(r.hitLog)
			r.chainOut.take(r.chainLog)
			before := r.fellThrough
			stats := r.metrics.Tenants()

			got := do(r.hits.serve, tc.req)
			if answered := r.fellThrough == before; answered != tc.hit {
				t.Errorf("answered by the hit path: %v, want %v", answered, tc.hit)
			}
			afterHit := r.metrics.Tenants()
			want := do(r.chain, tc.req)

			sameAnswer(t, got, want)
			if tc.name == "brotli" && string(got.Header.Peek("Content-Encoding")) != "br" {
				t.Errorf("Content-Encoding %q, want br", got.Header.Peek("Content-Encoding"))
			}
			if len(got.Header.Peek("X-Request-Id")) != 16 {
				t.Errorf("X-Request-Id %q, want 16 hex digits", got.Header.Peek("X-Request-Id"))
			}
			if g, w := r.hitOut.take(r.hitLog), r.chainOut.take(r.chainLog); g != w {
				t.Errorf("access log lines differ:\n hit path: %s    chain: %s", g, w)
			}
			// Each answer counted once, alike, in the console's per-tenant
			// counters.
			if d1, d2 := delta(stats, afterHit), delta(afterHit, r.metrics.Tenants()); d1 != d2 {
				t.Errorf("per-tenant counts differ: hit path %+v, chain %+v", d1, d2)
			}
		})
	}
}

// delta is what the per-tenant counters gained from a to b.
func delta(a, b []metrics.TenantStats) (d metrics.TenantStats) {
	sum := func(s []metrics.TenantStats, sign int64) {
		for _, x := range s {
			d.Requests += uint64(sign * int64(x.Requests))
			d.Hits += uint64(sign * int64(x.Hits))
			d.Misses += uint64(sign * int64(x.Misses))
			d.Errors += uint64(sign * int64(x.Errors))
		}
	}
	sum(b, 1)
	sum(a, -1)
	return d
}

// TestHitPathCountsPageViews: a page view answered by the hit path reaches
// the tenant's insights as one answered by the chain does; a bot's does
// not count, nor does a feed.
func TestHitPathCountsPageViews(t *testing.T) {
	r := newHitRig(t)
	ctx := context.Background()
	browser := []string{"User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"}
	bot := []string{"User-Agent", "Googlebot/2.1 (+http://www.google.com/bot.html)"}
	page := hitRequest{host: "highfives.localhost", uri: "/services", headers: browser}
	do(r.chain, page) // renders: one view
	for range 3 {
		do(r.hits.serve, page)
	}
	do(r.hits.serve, hitRequest{host: "highfives.localhost", uri: "/services", headers: bot})
	do(r.chain, hitRequest{host: "highfives.localhost", uri: "/news/feed.xml", headers: browser})
	do(r.hits.serve, hitRequest{host: "highfives.localhost", uri: "/news/feed.xml", headers: browser})
	if r.fellThrough != 0 {
		t.Fatalf("%d requests fell through to the chain, want none", r.fellThrough)
	}
	if err := r.analytics.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	tn, err := r.db.TenantBySlug(ctx, "highfives")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	in, err := r.db.ForTenant(ctx, tn.ID).Insights(now.AddDate(0, 0, -1), now.AddDate(0, 0, 1), 10)
	if err != nil {
		t.Fatal(err)
	}
	if in.TotalViews != 4 {
		t.Errorf("%d page views, want 4 (one render, three hits; not the bot's, not the feed's): top pages %+v", in.TotalViews, in.TopPages)
	}
}

// TestAPanicInTheHitPathFallsThrough: a panic while answering a hit leaves
// the request to the chain, from a clean response, instead of ending the
// process (nothing above the hit path recovers).
func TestAPanicInTheHitPathFallsThrough(t *testing.T) {
	r := newHitRig(t)
	about := hitRequest{host: "highfives.localhost", uri: "/about"}
	do(r.chain, about)
	r.hits.cache = nil // ServeFresh on a nil cache panics
	got := do(r.hits.serve, about)
	if r.fellThrough != 1 {
		t.Fatalf("%d requests fell through, want 1", r.fellThrough)
	}
	if got.StatusCode() != 200 || string(got.Header.Peek("Cache-Status")) != "pcnweb; hit" {
		t.Errorf("the chain answered %d %q, want its cached page", got.StatusCode(), got.Header.Peek("Cache-Status"))
	}
}
