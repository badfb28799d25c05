package site_test

// Benchmarks of the public app as production wires it (cmd/pcnweb/serve.go):
// real PostgreSQL seeded with the demo tenants, real Redis as the L2 page
// cache, the invalidation bus installed as the database's notifier. Requests
// are driven through app.Handler() on a fasthttp.RequestCtx, so what is
// measured is the per-request CPU cost of the app, without the network.
// deploy/bench/load.sh measures the same paths over loopback with wrk.
//
//	go test -run '^$' -bench . -benchmem ./handlers/site/
//
// Results and their reading are in BENCHMARKS.md.

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/valyala/fasthttp"

	"github.com/pcnweb/pcnweb/analytics"
	"github.com/pcnweb/pcnweb/handlers"
	"github.com/pcnweb/pcnweb/handlers/site"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/accesslog"
	"github.com/pcnweb/pcnweb/internal/demo"
	"github.com/pcnweb/pcnweb/internal/metrics"
	"github.com/pcnweb/pcnweb/internal/redishealth"
	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
	"github.com/pcnweb/pcnweb/pagecache"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

const (
	benchHost = "highfives.localhost"
	benchPath = "/about"
)

// benchApp is one production-wired public app and what the benchmarks poke.
type benchApp struct {
	handler  fasthttp.RequestHandler // the listener's: the hit path, then the Fiber chain
	chain    fasthttp.RequestHandler // the Fiber chain alone (handlers.Deps.NoHitPath)
	site     site.Deps               // what handler was built from
	resolver *tenants.Resolver
	cache    *pagecache.Cache
	tenantID int64
}

// newBenchApp builds the app as serve does. It is made once per top-level
// benchmark (the sub-benchmarks share it), since a database per b.N round
// would dominate the run.
func newBenchApp(b *testing.B) *benchApp {
	b.Helper()
	ctx := context.Background()
	// LOG_LEVEL=warn: the access log's info lines are skipped, as in the
	// load script.
	log := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))

	reg, err := themes.Load()
	if err != nil {
		b.Fatalf("themes.Load: %v", err)
	}
	m := metrics.New()

	// models.Open with production's pool defaults, not modelstest.Open's.
	db, err := models.Open(ctx, models.Options{URL: modelstest.NewURL(b), Logger: log})
	if err != nil {
		b.Fatalf("models.Open: %v", err)
	}
	b.Cleanup(func() { _ = db.Close() })

	redisURL, prefix := testenv.Redis(b)
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		b.Fatal(err)
	}
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = time.Second, 500*time.Millisecond, 500*time.Millisecond
	opts.MaxRetries = 1
	client := redis.NewClient(opts)
	b.Cleanup(func() { _ = client.Close() })
	mon := redishealth.New(client, log, 500*time.Millisecond)

	resolver := tenants.NewResolver(db, tenants.ResolverOptions{BaseDomain: "localhost", Logger: log})
	bus := tenants.NewBus(tenants.BusOptions{Redis: mon, Resolver: resolver, Prefix: prefix, Logger: log, Metrics: m})
	db.SetNotifier(bus)

	if n, err := demo.Seed(ctx, db); err != nil || n == 0 {
		b.Fatalf("demo.Seed: %d tenants, %v", n, err)
	}
	tn, err := db.TenantBySlug(ctx, "highfives")
	if err != nil {
		b.Fatal(err)
	}

	cache := pagecache.New(pagecache.Options{
		Redis: mon, Prefix: prefix, ServeStale: site.ServeStale, Metrics: m, Logger: log,
	})
	sd := site.Deps{
		DB: db, Resolver: resolver, Themes: reg, Cache: cache, Logger: log, Metrics: m,
		Web: web.Config{}, Scheme: "http", Port: "",
	}
	// The access log as serve starts it (all requests, text), written to
	// nowhere: its formatting is measured, its batched writes are not.
	accessLog := accesslog.New(io.Discard, accesslog.Options{})
	b.Cleanup(func() { _ = accessLog.Close(context.Background()) })
	app := handlers.New(handlers.Deps{Site: sd, AccessLog: accessLog})
	chain := handlers.New(handlers.Deps{Site: sd, AccessLog: accessLog, NoHitPath: true})

	bg, stop := context.WithCancel(ctx)
	b.Cleanup(stop)
	ready := make(chan struct{})
	go mon.Run(bg)
	go bus.Run(bg, ready)
	<-ready

	return &benchApp{handler: app.Server().Handler, chain: chain.Handler(), site: sd, resolver: resolver, cache: cache, tenantID: tn.ID}
}

// request is a reusable request: a RequestCtx set up as fasthttp's server
// would, and the request it is reset to before each call.
type request struct {
	h   fasthttp.RequestHandler
	ctx fasthttp.RequestCtx
	req fasthttp.Request
}

func (a *benchApp) newRequest(uri string, headers ...string) *request {
	r := &request{h: a.handler}
	r.req.Header.SetMethod(fasthttp.MethodGet)
	r.req.SetRequestURI(uri)
	r.req.Header.SetHost(benchHost)
	for i := 0; i+1 < len(headers); i += 2 {
		r.req.Header.Set(headers[i], headers[i+1])
	}
	r.ctx.Init(&r.req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, nil)
	return r
}

// do serves the request once; the server's per-request reset (request,
// response, user values, which hold Fiber's locals) is part of the cost.
func (r *request) do() *fasthttp.Response {
	r.ctx.ResetUserValues()
	r.req.CopyTo(&r.ctx.Request)
	r.ctx.Response.Reset()
	r.h(&r.ctx)
	return &r.ctx.Response
}

// expect fails unless resp has the status and, when given, Cache-Status.
func expect(b *testing.B, resp *fasthttp.Response, status int, cacheStatus string) {
	b.Helper()
	if resp.StatusCode() != status {
		b.Fatalf("status %d, want %d; body %.200q", resp.StatusCode(), status, resp.Body())
	}
	if got := string(resp.Header.Peek("Cache-Status")); cacheStatus != "" && got != cacheStatus {
		b.Fatalf("Cache-Status %q, want %q", got, cacheStatus)
	}
}

// BenchmarkCachedPage serves /about from the in-process L1 (identity and
// gzip bodies), and from Redis L2 with L1 emptied before every request.
func BenchmarkCachedPage(b *testing.B) {
	a := newBenchApp(b)
	warm := a.newRequest(benchPath)
	expect(b, warm.do(), 200, "")

	for _, tc := range []struct {
		name    string
		headers []string
		gzip    bool
		chain   bool
	}{
		{"L1/identity", nil, false, false},
		{"L1/gzip", []string{"Accept-Encoding", "gzip"}, true, false},
		{"L1/identity/chain", nil, false, true},
		{"L1/gzip/chain", []string{"Accept-Encoding", "gzip"}, true, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			r := a.newRequest(benchPath, tc.headers...)
			if tc.chain {
				r.h = a.chain
			}
			resp := r.do()
			expect(b, resp, 200, "pcnweb; hit")
			if enc := string(resp.Header.Peek("Content-Encoding")); (enc == "gzip") != tc.gzip {
				b.Fatalf("Content-Encoding %q, gzip wanted: %v", enc, tc.gzip)
			}
			b.SetBytes(int64(len(resp.Body())))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if resp := r.do(); resp.StatusCode() != 200 {
					b.Fatalf("status %d", resp.StatusCode())
				}
			}
		})
	}

	for _, tc := range []struct {
		name    string
		headers []string
	}{
		{"L2-redis/gzip", []string{"Accept-Encoding", "gzip"}},
		{"L2-redis/identity", nil}, // the identity body inflated from the stored gzip
	} {
		b.Run(tc.name, func(b *testing.B) {
			r := a.newRequest(benchPath, tc.headers...)
			a.cache.Clear()
			resp := r.do()
			expect(b, resp, 200, "pcnweb; hit")
			b.SetBytes(int64(len(resp.Body())))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				a.cache.Clear()
				if resp := r.do(); resp.StatusCode() != 200 {
					b.Fatalf("status %d", resp.StatusCode())
				}
			}
		})
	}
}

// BenchmarkCacheMissRender renders /about on every request: after a bump
// of the tenant's generation (what a publish does: the resolver reloads
// the tenant, Redis returns the older copy, then render, gzip and store),
// and with the page cache bypassed (a request with an Authorization
// header: the render alone, identity, nothing stored). Each iteration is
// checked to be a real render (its Cache-Status), and p50-ns/op and
// p90-ns/op are the median and 90th percentile of the iterations' own
// durations, which a busy machine's stragglers skew far less than the
// mean:
//
//	go test -run '^$' -bench CacheMissRender -benchmem ./handlers/site/
//
// (A varying query string no longer misses: the cache drops the query
// parameters a page does not declare, so /about?nocache=N is a hit.)
func BenchmarkCacheMissRender(b *testing.B) {
	a := newBenchApp(b)
	tn, err := a.resolver.Resolve(context.Background(), benchHost)
	if err != nil {
		b.Fatal(err)
	}
	gen := tn.Generation() // outlives the rounds (b.N = 1, 100, ...): never seen twice

	b.Run("generation/gzip", func(b *testing.B) {
		r := a.newRequest(benchPath, "Accept-Encoding", "gzip")
		gen++
		a.resolver.Advance(a.tenantID, gen)
		expect(b, r.do(), 200, "pcnweb; fwd=miss")
		timeRenders(b, func() {
			gen++
			a.resolver.Advance(a.tenantID, gen)
			expect(b, r.do(), 200, "pcnweb; fwd=miss")
		})
	})

	b.Run("bypass/identity", func(b *testing.B) {
		r := a.newRequest(benchPath, "Authorization", "Bearer bench")
		expect(b, r.do(), 200, "pcnweb; fwd=bypass")
		timeRenders(b, func() { expect(b, r.do(), 200, "pcnweb; fwd=bypass") })
	})
}

// timeRenders runs render b.N times and reports, besides the mean, the
// median and 90th percentile of the single runs' wall-clock durations.
func timeRenders(b *testing.B, render func()) {
	b.Helper()
	took := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		render()
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Nanoseconds()), "p50-ns/op")
	b.ReportMetric(float64(took[len(took)*9/10].Nanoseconds()), "p90-ns/op")
}

// BenchmarkNotModified answers a conditional GET of a cached page with 304.
func BenchmarkNotModified(b *testing.B) {
	a := newBenchApp(b)
	for _, tc := range []struct {
		name    string
		headers []string
	}{
		{"identity", nil},
		{"gzip", []string{"Accept-Encoding", "gzip"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			first := a.newRequest(benchPath, tc.headers...)
			resp := first.do()
			expect(b, resp, 200, "")
			etag := string(resp.Header.Peek("ETag"))
			if etag == "" {
				b.Fatal("no ETag on a cached page")
			}
			r := a.newRequest(benchPath, append(tc.headers, "If-None-Match", etag)...)
			resp = r.do()
			expect(b, resp, 304, "pcnweb; hit")
			if !bytes.Equal(resp.Header.Peek("ETag"), []byte(etag)) {
				b.Fatalf("304 ETag %q, want %q", resp.Header.Peek("ETag"), etag)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if resp := r.do(); resp.StatusCode() != 304 {
					b.Fatalf("status %d", resp.StatusCode())
				}
			}
		})
	}
}

// BenchmarkCachedPageCounting serves the same L1 hit as a browser sends
// it (User-Agent, an external Referer, gzip) with the analytics off and
// on (issue 13: at most 5 % added to a hit). Both apps share the cache;
// the counter keeps its counts in memory (no flush runs in the loop: a
// flush every 5 s costs nothing per request). "off" and "on" run one after
// the other; "paired" alternates blocks of 100 requests of each and
// reports both costs and the difference, which a busy machine's drift
// affects far less. Run it in rounds:
//
//	go test -run '^$' -bench CachedPageCounting -count 6 ./handlers/site/
func BenchmarkCachedPageCounting(b *testing.B) {
	a := newBenchApp(b)
	headers := []string{
		"User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Referer", "https://www.google.co.uk/",
		"Accept-Encoding", "gzip, deflate, br",
	}
	newReq := func(b *testing.B, counter *analytics.Counter) *request {
		sd := a.site
		sd.Analytics = counter
		r := a.newRequest(benchPath, headers...)
		r.h = handlers.New(handlers.Deps{Site: sd}).Handler()
		expect(b, r.do(), 200, "")
		expect(b, r.do(), 200, "pcnweb; hit")
		return r
	}
	counter := analytics.New(analytics.Options{})
	for _, tc := range []struct {
		name    string
		counter *analytics.Counter
	}{{"off", nil}, {"on", counter}} {
		b.Run(tc.name, func(b *testing.B) {
			r := newReq(b, tc.counter)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if resp := r.do(); resp.StatusCode() != 200 {
					b.Fatalf("status %d", resp.StatusCode())
				}
			}
		})
	}
	b.Run("paired", func(b *testing.B) {
		reqs := [2]*request{newReq(b, nil), newReq(b, counter)}
		const block = 100
		// The CPU time of this thread, not the wall clock: on a machine
		// shared with other work the wall clock mostly measures waiting.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		var spent, cpu [2]time.Duration
		var served [2]int
		b.ResetTimer()
		for done := 0; done < b.N; {
			for i, r := range reqs {
				n := min(block, b.N-done)
				start, startCPU := time.Now(), threadCPU()
				for range n {
					if resp := r.do(); resp.StatusCode() != 200 {
						b.Fatalf("status %d", resp.StatusCode())
					}
				}
				cpu[i] += threadCPU() - startCPU
				spent[i] += time.Since(start)
				served[i] += n
				done += n
			}
		}
		if served[0] == 0 || served[1] == 0 {
			return
		}
		per := func(d time.Duration, n int) float64 { return float64(d.Nanoseconds()) / float64(n) }
		off, on := per(cpu[0], served[0]), per(cpu[1], served[1])
		b.ReportMetric(off, "off-cpu-ns/op")
		b.ReportMetric(on, "on-cpu-ns/op")
		b.ReportMetric(100*(on-off)/off, "added-cpu-%")
		b.ReportMetric(per(spent[0], served[0]), "off-wall-ns/op")
		b.ReportMetric(per(spent[1], served[1]), "on-wall-ns/op")
	})
}

// threadCPU is the CPU time the calling thread has used (Linux's
// RUSAGE_THREAD, to the microsecond); 0 where that is not available.
func threadCPU() time.Duration {
	const rusageThread = 1
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
