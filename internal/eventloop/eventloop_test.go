package eventloop

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// hit answers GET /hit/... as the page cache would: a body, an ETag, and
// a 304 to a matching If-None-Match; /panic panics.
func hit(ctx *fasthttp.RequestCtx) bool {
	path := string(ctx.Request.Header.RequestURI())
	switch {
	case path == "/panic":
		panic("the hit path panicked")
	case path == "/hit/big":
		ctx.Response.Header.SetContentType("application/octet-stream")
		ctx.Response.SetBodyRaw(bigBody)
		return true
	case !strings.HasPrefix(path, "/hit/"):
		return false
	}
	ctx.Response.Header.Set("Etag", `"v1"`)
	ctx.Response.Header.Set("Cache-Status", "test; hit")
	if string(ctx.Request.Header.Peek("If-None-Match")) == `"v1"` {
		ctx.Response.SetStatusCode(fasthttp.StatusNotModified)
		return true
	}
	ctx.Response.Header.SetContentType("text/html; charset=utf-8")
	ctx.Response.SetBodyString("<p>page " + path + "</p>")
	return true
}

// bigBody is larger than any socket buffer: the loop cannot write it at once.
var bigBody = bytes.Repeat([]byte("0123456789abcdef"), 1<<20)

// rig is a Front and the fasthttp server it hands over to, on loopback.
type rig struct {
	addr    string
	front   *Front
	server  *fasthttp.Server
	handled atomic.Int64 // requests the server answered
}

func newRig(t *testing.T, o Options) *rig {
	t.Helper()
	r := &rig{}
	if o.Hit == nil {
		o.Hit = hit
	}
	f, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	r.front = f
	r.server = &fasthttp.Server{
		NoDefaultServerHeader: true,
		ReadBufferSize:        8192,
		Handler: func(ctx *fasthttp.RequestCtx) {
			r.handled.Add(1)
			ctx.Response.Header.Set("Cache-Status", "test; server")
			ctx.SetBodyString("server " + string(ctx.Method()) + " " + string(ctx.RequestURI()) + " body=" + string(ctx.PostBody()))
		},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	served := make(chan error, 2)
	go func() { served <- f.Serve(ln) }()
	go func() { served <- r.server.Serve(f.Handed()) }()
	t.Cleanup(func() {
		if err := f.Shutdown(); err != nil {
			t.Errorf("Front.Shutdown: %v", err)
		}
		_ = r.server.Shutdown()
		for range 2 {
			select {
			case err := <-served:
				if err != nil {
					t.Errorf("Serve: %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Error("Serve did not return after Shutdown")
			}
		}
	})
	return r
}

// exchange writes raw on a new connection, closes its write side, and
// reads everything the server sends until it closes.
func (r *rig) exchange(t *testing.T, raw ...string) string {
	t.Helper()
	c, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, p := range raw {
		if _, err := io.WriteString(c, p); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond) // separate reads on the server
	}
	_ = c.(*net.TCPConn).CloseWrite()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("read: %v (after %q)", err, b)
	}
	return string(b)
}

var dateLine = regexp.MustCompile(`(?m)^Date: [^\r]*\r\n`)

// statuses lists the status and Cache-Status of each response in raw.
func statuses(t *testing.T, raw string) []string {
	t.Helper()
	var out []string
	br := bufio.NewReader(strings.NewReader(raw))
	for {
		var resp fasthttp.Response
		if err := resp.Read(br); err != nil {
			if errors.Is(err, io.EOF) {
				return out
			}
			t.Fatalf("reading responses: %v in %q", err, raw)
		}
		out = append(out, strings.TrimSpace(string(resp.Header.Peek("Cache-Status"))+" "+string(resp.Body())))
	}
}

func TestLoopAnswersHitsAsFasthttpWould(t *testing.T) {
	r := newRig(t, Options{})
	// The same hit function as a fasthttp server's handler.
	plain := &fasthttp.Server{NoDefaultServerHeader: true, Handler: func(ctx *fasthttp.RequestCtx) {
		if !hit(ctx) {
			t.Errorf("the reference server was asked a non-hit: %s", ctx.RequestURI())
		}
	}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = plain.Serve(ln) }()
	t.Cleanup(func() { _ = plain.Shutdown() })
	ref := &rig{addr: ln.Addr().String()}

	for _, req := range []string{
		"GET /hit/a HTTP/1.1\r\nHost: a.example\r\n\r\n",
		"GET /hit/b HTTP/1.1\r\nHost: a.example\r\nIf-None-Match: \"v1\"\r\n\r\n",
		"GET /hit/c HTTP/1.1\r\nHost: a.example\r\nAccept-Encoding: gzip\r\nUser-Agent: x\r\n\r\n",
	} {
		got, want := r.exchange(t, req), ref.exchange(t, req)
		if dateLine.FindString(got) == "" {
			t.Errorf("%q: no Date header in %q", req, got)
		}
		got, want = dateLine.ReplaceAllString(got, ""), dateLine.ReplaceAllString(want, "")
		if got != want {
			t.Errorf("%q:\nloop:     %q\nfasthttp: %q", req, got, want)
		}
	}
	if n := r.handled.Load(); n != 0 {
		t.Errorf("the server answered %d requests; the loop should have answered them all", n)
	}
}

func TestLoopHandsOverWhatIsNotAHit(t *testing.T) {
	r := newRig(t, Options{})
	hitReq := func(p string) string { return "GET " + p + " HTTP/1.1\r\nHost: a.example\r\n\r\n" }
	cases := []struct {
		name string
		raw  []string
		want []string
	}{
		{"hits, pipelined in one write",
			[]string{hitReq("/hit/1") + hitReq("/hit/2")},
			[]string{"test; hit <p>page /hit/1</p>", "test; hit <p>page /hit/2</p>"}},
		{"a head in pieces",
			[]string{"GET /hi", "t/1 HTTP/1.1\r\nHost: a.exa", "mple\r", "\n\r\n"},
			[]string{"test; hit <p>page /hit/1</p>"}},
		{"a miss after hits: it and what follows go to the server, in order",
			[]string{hitReq("/hit/1") + hitReq("/miss") + hitReq("/hit/2")},
			[]string{"test; hit <p>page /hit/1</p>", "test; server server GET /miss body=", "test; server server GET /hit/2 body="}},
		{"a POST with its body",
			[]string{"POST /hit/1 HTTP/1.1\r\nHost: a.example\r\nContent-Length: 5\r\n\r\nab", "cde"},
			[]string{"test; server server POST /hit/1 body=abcde"}},
		{"a GET with a body is the server's to read",
			[]string{"GET /hit/1 HTTP/1.1\r\nHost: a.example\r\nContent-Length: 3\r\n\r\nxyz" + hitReq("/hit/2")},
			[]string{"test; server server GET /hit/1 body=xyz", "test; server server GET /hit/2 body="}},
		{"bare LF line ends",
			[]string{"GET /hit/1 HTTP/1.1\nHost: a.example\n\n"},
			[]string{"test; server server GET /hit/1 body="}},
		{"HTTP/1.0",
			[]string{"GET /hit/1 HTTP/1.0\r\nHost: a.example\r\n\r\n"},
			[]string{"test; server server GET /hit/1 body="}},
		{"Expect (fasthttp answers 100 Continue, which reading skips)",
			[]string{"GET /hit/1 HTTP/1.1\r\nHost: a.example\r\nExpect: 100-continue\r\n\r\n"},
			[]string{"test; server server GET /hit/1 body="}},
		{"Connection: close",
			[]string{"GET /hit/1 HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n" + hitReq("/hit/2")},
			[]string{"test; server server GET /hit/1 body="}},
		{"a query string goes wherever Hit says (here: the server)",
			[]string{hitReq("/q?x=1")},
			[]string{"test; server server GET /q?x=1 body="}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := statuses(t, r.exchange(t, c.raw...))
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("answers:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestLoopLeavesBadFramingToFasthttp(t *testing.T) {
	r := newRig(t, Options{})
	got := r.exchange(t, "GET /hit/1 HTTP/1.1\r\nHost: a.example\r\nX: "+strings.Repeat("a", 9000)+"\r\n\r\n")
	if !strings.HasPrefix(got, "HTTP/1.1 431 ") {
		t.Errorf("an 9 KB head: %.60q, want fasthttp's 431", got)
	}
	// Two Content-Lengths: fasthttp reads it, and the app's StrictFraming
	// refuses it (handlers/web); the loop leaves it to them.
	got = r.exchange(t, "GET /hit/1 HTTP/1.1\r\nHost: a.example\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab")
	if s := statuses(t, got); len(s) != 1 || !strings.HasPrefix(s[0], "test; server") {
		t.Errorf("two Content-Lengths: %q, want the server's answer", s)
	}
}

// TestLoopHandsOverAnAnswerTooBigForTheSocket: a 16 MiB answer to a client
// that reads late arrives whole, and the request after it is answered
// after it.
func TestLoopHandsOverAnAnswerTooBigForTheSocket(t *testing.T) {
	r := newRig(t, Options{})
	c, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "GET /hit/big HTTP/1.1\r\nHost: a.example\r\n\r\nGET /hit/1 HTTP/1.1\r\nHost: a.example\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the socket's buffers fill
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	var big, next fasthttp.Response
	if err := big.Read(br); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(big.Body(), bigBody) {
		t.Errorf("the big answer: %d bytes, want %d, the same", len(big.Body()), len(bigBody))
	}
	if err := next.Read(br); err != nil {
		t.Fatal(err)
	}
	if got := string(next.Header.Peek("Cache-Status")) + " " + string(next.Body()); got != "test; server server GET /hit/1 body=" {
		t.Errorf("the request after it: %q, want the server's answer", got)
	}
}

func TestLoopSurvivesAPanicInHit(t *testing.T) {
	r := newRig(t, Options{})
	if got := r.exchange(t, "GET /panic HTTP/1.1\r\nHost: a.example\r\n\r\n"); got != "" {
		t.Errorf("a panicking hit: %q, want the connection closed with no answer", got)
	}
	if got := statuses(t, r.exchange(t, "GET /hit/1 HTTP/1.1\r\nHost: a.example\r\n\r\n")); len(got) != 1 || got[0] != "test; hit <p>page /hit/1</p>" {
		t.Errorf("after a panic: %q, want the loop answering", got)
	}
}

func TestLoopClosesIdleAndSlowConnections(t *testing.T) {
	r := newRig(t, Options{IdleTimeout: time.Second, ReadTimeout: time.Second})
	cases := []struct {
		name string
		send string
		want string // what arrives before the close
	}{
		{"a connection that sends nothing", "", ""},
		{"idle after an answer", "GET /hit/1 HTTP/1.1\r\nHost: a.example\r\n\r\n", "test; hit <p>page /hit/1</p>"},
		{"a head that never ends", "GET /hit/1 HTTP/1.1\r\nHost: a.ex", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", r.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, c.send); err != nil {
				t.Fatal(err)
			}
			if c.send == "" {
				r.front.mu.Lock() // the loop has it: OnOpen has run
				for len(r.front.conns) == 0 {
					r.front.mu.Unlock()
					time.Sleep(10 * time.Millisecond)
					r.front.mu.Lock()
				}
				r.front.mu.Unlock()
			}
			start := time.Now()
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			b, err := io.ReadAll(conn) // the write side stays open: only the server can end this
			if err != nil {
				t.Fatalf("read: %v; want the server to close the connection", err)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("closed after %v", took)
			}
			got := ""
			if s := statuses(t, string(b)); len(s) > 0 {
				got = s[0]
			}
			if got != c.want {
				t.Errorf("before the close: %q, want %q", got, c.want)
			}
		})
	}
}

func TestShutdownEndsBothSides(t *testing.T) {
	r := newRig(t, Options{})
	// One connection on the loop, one handed over, both idle.
	onLoop, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer onLoop.Close()
	handed, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer handed.Close()
	for _, x := range []struct {
		c    net.Conn
		path string
	}{{onLoop, "/hit/1"}, {handed, "/miss"}} {
		if _, err := io.WriteString(x.c, "GET "+x.path+" HTTP/1.1\r\nHost: a.example\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		var resp fasthttp.Response
		_ = x.c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if err := resp.Read(bufio.NewReader(x.c)); err != nil {
			t.Fatalf("%s: %v", x.path, err)
		}
	}
	if err := r.front.Shutdown(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.server.ShutdownWithContext(ctx); err != nil {
		t.Fatalf("server shutdown: %v", err)
	}
	for name, c := range map[string]net.Conn{"on the loop": onLoop, "handed over": handed} {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if n, err := c.Read(make([]byte, 1)); n != 0 || !errors.Is(err, io.EOF) {
			t.Errorf("%s: read %d, %v after shutdown; want EOF", name, n, err)
		}
	}
	if _, err := net.DialTimeout("tcp", r.addr, time.Second); err == nil {
		t.Error("the listener still accepts after Shutdown")
	}
}

func TestNewNeedsAHitFunction(t *testing.T) {
	if _, err := New(Options{}); err == nil || !bytes.Contains([]byte(err.Error()), []byte("Hit")) {
		t.Errorf("New without Hit: %v, want an error naming Options.Hit", err)
	}
}
