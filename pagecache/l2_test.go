package pagecache

import (
	"context"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"
	"github.com/valyala/fasthttp"

	"github.com/pcnweb/pcnweb/internal/redishealth"
	"github.com/pcnweb/pcnweb/internal/testenv"
)

// l2Fixture is a cache on the real Redis whose handler must never run: a
// page is put in Redis first, so every request is an L2 (or L1) hit.
type l2Fixture struct {
	cache  *Cache
	app    *fiber.App
	client *redis.Client
	key    string
	entry  *Entry // as stored
}

const l2Gen = 3

func newL2Fixture(tb testing.TB, page []byte, withBrotli bool) *l2Fixture {
	tb.Helper()
	url, prefix := testenv.Redis(tb)
	opts, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatal(err)
	}
	client := redis.NewClient(opts)
	tb.Cleanup(func() { _ = client.Close() })
	f := &l2Fixture{client: client, key: Key(7, "/about", "")}
	f.cache = New(Options{
		Redis: redishealth.New(client, slog.New(slog.DiscardHandler), time.Second), Prefix: prefix,
		Fingerprint: "release-1", Logger: slog.New(slog.DiscardHandler),
	})
	f.app = fiber.New()
	f.app.Use(f.cache.Middleware(func(*fiber.Ctx) (Scope, bool) { return Scope{TenantID: 7, Generation: l2Gen}, true }))
	f.app.Get("/about", func(*fiber.Ctx) error {
		tb.Error("rendered: the page should have come from the cache")
		return fiber.ErrInternalServerError
	})
	if f.entry, err = newEntry(l2Gen, f.cache.fp, time.Now().Add(time.Hour), 200, "text/html; charset=utf-8", page); err != nil {
		tb.Fatal(err)
	}
	if withBrotli {
		if err := f.entry.compressBrotli(); err != nil {
			tb.Fatal(err)
		}
	}
	if err := client.Set(context.Background(), f.cache.redisKey(f.key), f.entry.marshal(), time.Hour).Err(); err != nil {
		tb.Fatal(err)
	}
	return f
}

// request is one fasthttp request reused across calls, as the server does.
type request struct {
	req fasthttp.Request
	ctx fasthttp.RequestCtx
	h   fasthttp.RequestHandler
}

func (f *l2Fixture) newRequest(acceptEncoding string) *request {
	r := &request{h: f.app.Handler()}
	r.req.Header.SetMethod(fasthttp.MethodGet)
	r.req.SetRequestURI("/about")
	r.req.Header.SetHost("highfives.localhost")
	if acceptEncoding != "" {
		r.req.Header.Set(fasthttp.HeaderAcceptEncoding, acceptEncoding)
	}
	r.ctx.Init(&r.req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, nil)
	return r
}

func (r *request) do() *fasthttp.Response {
	r.ctx.ResetUserValues()
	r.ctx.Response.Reset()
	r.h(&r.ctx)
	return &r.ctx.Response
}

// TestL2HitInflatesNothingForCompressingClients: a page read from Redis is
// served to gzip (and br) clients as stored; its identity body is inflated
// only when a client that takes neither asks.
func TestL2HitInflatesNothingForCompressingClients(t *testing.T) {
	f := newL2Fixture(t, readPage(t, "about.html"), true)
	for _, ae := range []string{"gzip", "gzip, deflate, br"} {
		f.cache.Clear()
		resp := f.newRequest(ae).do()
		if got := string(resp.Header.Peek("Cache-Status")); resp.StatusCode() != 200 || got != statusHit {
			t.Fatalf("%q: %d %q, want an L2 hit", ae, resp.StatusCode(), got)
		}
		e, ok := f.cache.l1.GetIfPresent(f.key)
		if !ok {
			t.Fatalf("%q: the L2 hit is not in L1", ae)
		}
		if e.body != nil {
			t.Errorf("%q (Content-Encoding %q): the identity body was inflated", ae, resp.Header.Peek(fiber.HeaderContentEncoding))
		}
		if len(e.Brotli()) == 0 {
			t.Errorf("%q: the copy from Redis lost its brotli body", ae)
		}
	}
	f.newRequest("").do()
	if e, _ := f.cache.l1.GetIfPresent(f.key); e.body == nil {
		t.Error("an identity client was served without inflating")
	}
}

// TestRenderStoresBrotli: a rendered page gets its brotli body in the
// background, in L1 and then in Redis (wire version 4).
func TestRenderStoresBrotli(t *testing.T) {
	f := newL2Fixture(t, readPage(t, "about.html"), false)
	f.client.Del(context.Background(), f.cache.redisKey(f.key))
	page := readPage(t, "home.html")
	f.app = fiber.New()
	f.app.Use(f.cache.Middleware(func(*fiber.Ctx) (Scope, bool) { return Scope{TenantID: 7, Generation: l2Gen}, true }))
	f.app.Get("/about", func(c *fiber.Ctx) error {
		c.Type("html", "utf-8")
		return c.Send(page)
	})
	if resp := f.newRequest("gzip").do(); string(resp.Header.Peek("Cache-Status")) != statusMiss {
		t.Fatalf("first request: %q, want a miss", resp.Header.Peek("Cache-Status"))
	}
	// Written at once with the gzip body, then again with both.
	var stored []byte
	deadline := time.Now().Add(5 * time.Second)
	for (len(stored) == 0 || stored[0] != wireVersion4) && time.Now().Before(deadline) {
		stored, _ = f.client.Get(context.Background(), f.cache.redisKey(f.key)).Bytes()
		time.Sleep(10 * time.Millisecond)
	}
	if len(stored) == 0 || stored[0] != wireVersion4 {
		t.Fatalf("in Redis: %d bytes, version %v; want version %d", len(stored), stored[:min(len(stored), 1)], wireVersion4)
	}
	e, err := unmarshal(stored)
	if err != nil || len(e.Brotli()) == 0 {
		t.Fatalf("the copy in Redis: %v, brotli %d bytes", err, len(e.Brotli()))
	}
	if l1, _ := f.cache.l1.GetIfPresent(f.key); len(l1.Brotli()) == 0 {
		t.Error("the copy in L1 has no brotli body")
	}
	if got := decode(t, Brotli, e.Brotli()); string(got) != string(page) {
		t.Error("the brotli body is not the page")
	}
}

// BenchmarkL2Hit is a request served from Redis: L1 emptied, one GET,
// decode, L1 store, serve. The identity case inflates the gzip body too.
func BenchmarkL2Hit(b *testing.B) {
	page := readPage(b, "about.html")
	f := newL2Fixture(b, page, true)
	for _, ae := range []string{"gzip, deflate, br", "gzip", ""} {
		name := ae
		if name == "" {
			name = "identity"
		}
		b.Run(name, func(b *testing.B) {
			r := f.newRequest(ae)
			b.ReportAllocs()
			for b.Loop() {
				f.cache.l1.Invalidate(f.key)
				if resp := r.do(); resp.StatusCode() != 200 {
					b.Fatalf("status %d", resp.StatusCode())
				}
			}
		})
	}
}

// TestEachClientGetsTheEncodingItPrefers: an entry with all three bodies is
// served as brotli, gzip or identity by Accept-Encoding, each with its own
// ETag, each decoding to the page, and a 304 for any of its tags.
func TestEachClientGetsTheEncodingItPrefers(t *testing.T) {
	page := readPage(t, "about.html")
	f := newL2Fixture(t, page, true)
	tags := map[string]bool{}
	for _, tc := range []struct {
		acceptEncoding string
		want           Encoding
	}{
		{"gzip, deflate, br", Brotli},
		{"br;q=0.5, gzip", Gzip},
		{"gzip", Gzip},
		{"br", Brotli},
		{"", Identity},
		{"gzip;q=0, br;q=0", Identity},
	} {
		resp := f.newRequest(tc.acceptEncoding).do()
		if got := string(resp.Header.Peek(fiber.HeaderContentEncoding)); got != tc.want.String() {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tc.acceptEncoding, got, tc.want)
			continue
		}
		if got := decode(t, tc.want, resp.Body()); string(got) != string(page) {
			t.Errorf("Accept-Encoding %q: the body does not decode to the page", tc.acceptEncoding)
		}
		etag := string(resp.Header.Peek(fiber.HeaderETag))
		tags[etag] = true
		r := f.newRequest(tc.acceptEncoding)
		r.ctx.Request.Header.Set(fiber.HeaderIfNoneMatch, etag)
		if resp := r.do(); resp.StatusCode() != fiber.StatusNotModified || len(resp.Body()) != 0 {
			t.Errorf("Accept-Encoding %q, If-None-Match %s: %d with %d bytes, want an empty 304", tc.acceptEncoding, etag, resp.StatusCode(), len(resp.Body()))
		}
	}
	if len(tags) != 3 {
		t.Errorf("ETags %v: want one per encoding", tags)
	}
}
