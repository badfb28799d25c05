package handlers

import (
	"bufio"
	"bytes"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/pcnweb/pcnweb/internal/eventloop"
)

// TestEventLoopAnswersAsTheChainDoes: over TCP, the public listener as
// serve runs it (the event loop in front, Fiber behind it for what the
// loop hands over) answers every request as the Fiber chain alone does,
// headers, body and access log line, and its loop answers the hits.
func TestEventLoopAnswersAsTheChainDoes(t *testing.T) {
	r := newHitRig(t)
	app, hit := Public(Deps{Site: r.site, AccessLog: r.hitLog})
	if hit == nil {
		t.Fatal("Public returned no hit path")
	}
	var onLoop atomic.Int64
	front, err := eventloop.New(eventloop.Options{
		Hit: func(ctx *fasthttp.RequestCtx) bool {
			ok := hit(ctx)
			if ok {
				onLoop.Add(1)
			}
			return ok
		},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	frontAddr := serveOn(t, func(ln net.Listener) error { return front.Serve(ln) }, func() error { return front.Shutdown() })
	go func() { _ = app.Listener(front.Handed()) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	chain := New(Deps{Site: r.site, AccessLog: r.chainLog, NoHitPath: true})
	chainAddr := serveOn(t, chain.Listener, chain.Shutdown)

	browser := []string{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"}
	about := hitRequest{host: "highfives.localhost", uri: "/about", headers: browser}
	etag := string(do(r.chain, about).Header.Peek("ETag"))
	for _, tc := range []struct {
		name string
		req  hitRequest
		hit  bool // answered on the loop
	}{
		{"a cached page", about, true},
		{"gzip", hitRequest{host: "highfives.localhost", uri: "/about", headers: append([]string{"Accept-Encoding", "gzip"}, browser...)}, true},
		{"a revalidation", hitRequest{host: "highfives.localhost", uri: "/about", headers: append([]string{"If-None-Match", etag}, browser...)}, true},
		{"the host in capitals, with a port", hitRequest{host: "HighFives.LOCALHOST:8080", uri: "/"}, true},
		{"a custom primary domain", hitRequest{host: "www.moorland.example", uri: "/about"}, true},
		{"HEAD", hitRequest{method: fasthttp.MethodHead, host: "highfives.localhost", uri: "/about"}, false},
		{"a query string", hitRequest{host: "highfives.localhost", uri: "/about?utm_source=x"}, false},
		{"the admin panel", hitRequest{host: "highfives.localhost", uri: "/admin"}, false},
		{"a static file", hitRequest{host: "highfives.localhost", uri: "/static/missing.css"}, false},
		{"an unknown host", hitRequest{host: "nobody.localhost", uri: "/about"}, false},
		{"a suspended site", hitRequest{host: "gone.localhost", uri: "/about"}, false},
		{"a platform host that redirects to the primary domain", hitRequest{host: "moorland.localhost", uri: "/about"}, false},
		{"a POST", hitRequest{method: fasthttp.MethodPost, host: "highfives.localhost", uri: "/about"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Cache what can be cached, through the chain, first.
			over(t, chainAddr, tc.req)
			over(t, chainAddr, tc.req)
			r.hitOut.take(r.hitLog)
			r.chainOut.take(r.chainLog)
			before := onLoop.Load()

			got := over(t, frontAddr, tc.req)
			if answered := onLoop.Load() > before; answered != tc.hit {
				t.Errorf("answered on the loop: %v, want %v", answered, tc.hit)
			}
			want := over(t, chainAddr, tc.req)
			if got.StatusCode() != want.StatusCode() {
				t.Errorf("status %d, the chain's %d", got.StatusCode(), want.StatusCode())
			}
			if g, w := headerLines(got), headerLines(want); !slices.Equal(g, w) {
				t.Errorf("headers differ:\n front: %s\n chain: %s", strings.Join(g, " | "), strings.Join(w, " | "))
			}
			if !bytes.Equal(got.Body(), want.Body()) {
				t.Errorf("bodies differ: %d and %d bytes", len(got.Body()), len(want.Body()))
			}
			if len(got.Header.Peek("Date")) == 0 || len(got.Header.Peek("X-Request-Id")) != 16 {
				t.Errorf("Date %q, X-Request-Id %q: want both", got.Header.Peek("Date"), got.Header.Peek("X-Request-Id"))
			}
			if g, w := r.hitOut.take(r.hitLog), r.chainOut.take(r.chainLog); g != w {
				t.Errorf("access log lines differ:\n front: %s chain: %s", g, w)
			}
		})
	}
}

// serveOn serves on a new loopback listener and returns its address.
func serveOn(t *testing.T, serve func(net.Listener) error, stop func() error) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = serve(ln) }()
	t.Cleanup(func() { _ = stop() })
	return ln.Addr().String()
}

// over makes req on a new connection to addr and reads the answer.
func over(t *testing.T, addr string, req hitRequest) *fasthttp.Response {
	t.Helper()
	var r fasthttp.Request
	r.Header.SetMethod(cmpOr(req.method, fasthttp.MethodGet))
	r.SetRequestURI(req.uri)
	r.Header.SetHost(req.host)
	for i := 0; i+1 < len(req.headers); i += 2 {
		r.Header.Set(req.headers[i], req.headers[i+1])
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := r.WriteTo(c); err != nil {
		t.Fatal(err)
	}
	var resp fasthttp.Response
	resp.SkipBody = req.method == fasthttp.MethodHead
	if err := resp.Read(bufio.NewReader(c)); err != nil {
		t.Fatalf("%s %s: %v", r.Header.Method(), req.uri, err)
	}
	return &resp
}
