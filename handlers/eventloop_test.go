package handlers

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"slices"
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

	for _, tc := range hitCases(t, r) {
		if tc.req.from != nil {
			continue // a peer other than loopback: not over TCP here
		}
		t.Run(tc.name, func(t *testing.T) {
			// Cache what can be cached, through the chain, first, and
			// wait for a page's brotli body, made in the background.
			over(t, chainAddr, tc.req)
			over(t, chainAddr, tc.req)
			for i := 0; i < 500 && slices.Contains(tc.req.headers, "gzip, deflate, br"); i++ {
				if string(over(t, chainAddr, tc.req).Header.Peek("Content-Encoding")) == "br" {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			r.hitOut.take(r.hitLog)
			r.chainOut.take(r.chainLog)
			before := onLoop.Load()

			got := over(t, frontAddr, tc.req)
			if answered := onLoop.Load() > before; answered != tc.hit {
				t.Errorf("answered on the loop: %v, want %v", answered, tc.hit)
			}
			want := over(t, chainAddr, tc.req)
			sameAnswer(t, got, want)
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
	req.fill(&r)
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
