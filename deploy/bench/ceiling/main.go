// Command ceiling serves one page from memory, with nothing else on the
// path, so that deploy/bench/ceiling.sh can show how close a Go server can
// come to nginx on this machine before any of pcnweb's work:
//
//   - fasthttp: the server Fiber runs on, configured as pcnweb configures
//     it (handlers/web.FiberConfig: buffers, timeouts), with a handler
//     that only sets the page's headers and body: a goroutine per
//     connection, parked in Go's network poller between requests;
//   - eventloop: one epoll event loop (github.com/panjf2000/gnet/v2) that
//     answers each request with a response built at start-up: nginx's
//     model, without a goroutine per connection.
//
// Both answer any GET with the page in DIR: "page" (identity), "page.gz"
// and, if present, "page.br", chosen by Accept-Encoding as pcnweb chooses
// (br, then gzip, else identity), with the headers in DIR/headers (one
// "Name: value" a line; Content-Length and Content-Encoding are set here).
// It is a measuring tool in its own module, not part of pcnweb.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/panjf2000/gnet/v2"
	"github.com/valyala/fasthttp"
)

// page is one representation: its body and its extra header.
type page struct {
	encoding string // "" for identity
	body     []byte
}

func main() {
	mode := flag.String("mode", "fasthttp", "fasthttp or eventloop")
	addr := flag.String("addr", "127.0.0.1:18090", "listen address")
	dir := flag.String("dir", ".", "directory with page, page.gz, page.br and headers")
	flag.Parse()

	pages, headers, err := load(*dir)
	if err != nil {
		log.Fatalf("ceiling: %v", err)
	}
	switch *mode {
	case "fasthttp":
		err = serveFasthttp(*addr, pages, headers)
	case "eventloop":
		err = serveEventLoop(*addr, pages, headers)
	default:
		err = fmt.Errorf("-mode %q: must be fasthttp or eventloop", *mode)
	}
	if err != nil {
		log.Fatalf("ceiling: %v", err)
	}
}

// load reads the page's representations (identity, gzip, br: index 0, 1,
// 2; br may be missing) and its headers.
func load(dir string) ([3]page, [][2]string, error) {
	var pages [3]page
	for i, f := range []struct{ name, enc string }{{"page", ""}, {"page.gz", "gzip"}, {"page.br", "br"}} {
		b, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil && !(f.enc == "br" && os.IsNotExist(err)) {
			return pages, nil, err
		}
		pages[i] = page{encoding: f.enc, body: b}
	}
	raw, err := os.ReadFile(filepath.Join(dir, "headers"))
	if err != nil {
		return pages, nil, err
	}
	var headers [][2]string
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		name, value, ok := strings.Cut(strings.TrimSpace(sc.Text()), ": ")
		if !ok {
			continue
		}
		switch strings.ToLower(name) {
		case "content-length", "content-encoding", "date", "server", "connection", "transfer-encoding":
			continue
		}
		headers = append(headers, [2]string{name, value})
	}
	return pages, headers, sc.Err()
}

// choose is the representation for an Accept-Encoding value: br, then
// gzip, else identity (q-values are not read: the bench sends none).
func choose(pages *[3]page, ae []byte) *page {
	if len(pages[2].body) > 0 && bytes.Contains(ae, []byte("br")) {
		return &pages[2]
	}
	if bytes.Contains(ae, []byte("gzip")) {
		return &pages[1]
	}
	return &pages[0]
}

func serveFasthttp(addr string, pages [3]page, headers [][2]string) error {
	s := &fasthttp.Server{
		// As handlers/web.FiberConfig sets them.
		ReadBufferSize:        8192,
		WriteBufferSize:       32 << 10,
		ReadTimeout:           15 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
		NoDefaultServerHeader: true,
		Handler: func(ctx *fasthttp.RequestCtx) {
			p := choose(&pages, ctx.Request.Header.Peek(fasthttp.HeaderAcceptEncoding))
			h := &ctx.Response.Header
			for _, kv := range headers {
				h.Set(kv[0], kv[1])
			}
			if p.encoding != "" {
				h.Set(fasthttp.HeaderContentEncoding, p.encoding)
			}
			ctx.Response.SetBodyRaw(p.body)
		},
	}
	return s.ListenAndServe(addr)
}

// loop is the event loop's handler: whole responses built at start-up.
type loop struct {
	gnet.BuiltinEventEngine
	pages [3]page
	resp  [3][]byte
}

var (
	headerEnd = []byte("\r\n\r\n")
	aeName    = []byte("\r\naccept-encoding:")
)

// OnTraffic answers every complete request in the connection's buffer (a
// GET has no body; anything else is not what the bench sends).
func (l *loop) OnTraffic(c gnet.Conn) gnet.Action {
	buf, _ := c.Peek(-1)
	used := 0
	for {
		end := bytes.Index(buf[used:], headerEnd)
		if end < 0 {
			break
		}
		req := buf[used : used+end+2]
		used += end + 4
		i := 0
		var ae []byte
		if j := indexFold(req, aeName); j >= 0 {
			ae = req[j+len(aeName):]
			if k := bytes.IndexByte(ae, '\r'); k >= 0 {
				ae = ae[:k]
			}
		}
		switch choose(&l.pages, ae).encoding {
		case "gzip":
			i = 1
		case "br":
			i = 2
		}
		if _, err := c.Write(l.resp[i]); err != nil {
			return gnet.Close
		}
	}
	_, _ = c.Discard(used)
	return gnet.None
}

// indexFold is bytes.Index for a lower-case needle, ignoring the case of s.
func indexFold(s, lower []byte) int {
	for i := 0; i+len(lower) <= len(s); i++ {
		if bytes.EqualFold(s[i:i+len(lower)], lower) {
			return i
		}
	}
	return -1
}

func serveEventLoop(addr string, pages [3]page, headers [][2]string) error {
	l := &loop{pages: pages}
	date := time.Now().UTC().Format(time.RFC1123)
	date = strings.Replace(date, "UTC", "GMT", 1)
	for i, p := range pages {
		var b bytes.Buffer
		b.WriteString("HTTP/1.1 200 OK\r\nDate: " + date + "\r\nContent-Length: " + strconv.Itoa(len(p.body)) + "\r\n")
		if p.encoding != "" {
			b.WriteString("Content-Encoding: " + p.encoding + "\r\n")
		}
		for _, kv := range headers {
			b.WriteString(kv[0] + ": " + kv[1] + "\r\n")
		}
		b.WriteString("\r\n")
		b.Write(p.body)
		l.resp[i] = b.Bytes()
	}
	return gnet.Run(l, "tcp://"+addr, gnet.WithMulticore(false), gnet.WithLogLevel(4))
}
