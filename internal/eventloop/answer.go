package eventloop

import (
	"bufio"
	"bytes"

	"github.com/panjf2000/gnet/v2"
	"github.com/valyala/fasthttp"
	"golang.org/x/sys/unix"
)

type verdict int

const (
	answered verdict = iota // the request was answered; n bytes were its
	needMore                // the head is not all here yet
	handOver                // not the loop's: the connection goes to fasthttp
	// answeredInPart: the request was answered, n bytes were its, but the
	// socket took only part of the answer (scratch.unsent holds the rest):
	// the connection goes to fasthttp, which sends the rest first.
	answeredInPart
	closeConn // the connection failed or the answer asks to close it
)

// scratch is what answering one request needs, reused: one per loop at a
// time (sync.Pool).
type scratch struct {
	ctx    fasthttp.RequestCtx
	rd     bytes.Reader
	br     *bufio.Reader
	out    []byte
	iov    [2][]byte
	unsent []byte    // what the socket did not take of the last answer
	conn   gnet.Conn // the connection ctx was made for
}

func newScratch(maxHead int) *scratch {
	return &scratch{br: bufio.NewReaderSize(nil, maxHead+4), out: make([]byte, 0, 1024)}
}

var (
	headEnd    = []byte("\r\n\r\n")
	get        = []byte("GET /")
	nameLength = []byte("content-length")
	nameTE     = []byte("transfer-encoding")
	nameExpect = []byte("expect")
)

// Frame reports how the loop reads the start of buf: the length of a
// request head it may answer (a GET it can frame beyond doubt, ok), or
// that more bytes are needed (n == 0, ok), or that it is not the loop's
// (!ok). It looks at the bytes only; answer then has fasthttp's parser
// agree.
func Frame(buf []byte, maxHead int) (n int, ok bool) {
	end := bytes.Index(buf, headEnd)
	if end < 0 {
		// An unfinished head: wait, unless it is already too long or
		// already not plain.
		if len(buf) > maxHead || !plain(buf, true) {
			return 0, false
		}
		return 0, true
	}
	head := buf[:end+4]
	if len(head) > maxHead || !bytes.HasPrefix(head, get) || !plain(head, false) || fasthttpsToRead(head) {
		return 0, false
	}
	return len(head), true
}

// plain reports whether every line of b ends in CRLF, with no bare CR or
// LF, no NUL and no continuation line (obs-fold); partial allows b to end
// in the middle of a line (or of its CRLF). It jumps from LF to LF.
func plain(b []byte, partial bool) bool {
	if bytes.IndexByte(b, 0) >= 0 {
		return false
	}
	lfs := 0
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			break
		}
		i += j
		if i == 0 || b[i-1] != '\r' {
			return false // a bare LF
		}
		if i+1 < len(b) && (b[i+1] == ' ' || b[i+1] == '\t') {
			return false // obs-fold
		}
		lfs++
		i++
	}
	crs := bytes.Count(b, []byte{'\r'})
	// Every CR is one before an LF, but for one that ends b, half of a
	// CRLF not all here yet.
	return crs == lfs || partial && crs == lfs+1 && b[len(b)-1] == '\r'
}

// fasthttpsToRead reports whether a head has a Content-Length or a
// Transfer-Encoding header (of any value), or an Expect: a GET with any of
// them is left to fasthttp, whose reading of the body is the one that
// counts (and which answers Expect: 100-continue).
func fasthttpsToRead(head []byte) bool {
	lines := head
	if i := bytes.Index(lines, []byte("\r\n")); i >= 0 {
		lines = lines[i+2:] // past the request line
	}
	for len(lines) > 0 {
		line := lines
		if i := bytes.Index(lines, []byte("\r\n")); i >= 0 {
			line, lines = lines[:i], lines[i+2:]
		} else {
			lines = nil
		}
		name, _, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			continue
		}
		name = bytes.TrimRight(name, " \t")
		if bytes.EqualFold(name, nameLength) || bytes.EqualFold(name, nameTE) || bytes.EqualFold(name, nameExpect) {
			return true
		}
	}
	return false
}

// answer answers the request at the start of buf if it is a plain GET the
// Hit function answers, writing the response to c.
func (sc *scratch) answer(c gnet.Conn, buf []byte, o Options) (int, verdict) {
	n, ok := Frame(buf, o.MaxHead)
	switch {
	case !ok:
		return 0, handOver
	case n == 0:
		return 0, needMore
	}
	head := buf[:n]
	ctx := &sc.ctx
	ctx.Request.Reset()
	ctx.Response.Reset()
	if sc.conn != c {
		// The connection, for RemoteAddr (Init2 also numbers it and
		// notes the time: once per connection will do).
		ctx.Init2(c, nil, false)
		sc.conn = c
	}
	sc.rd.Reset(head)
	sc.br.Reset(&sc.rd)
	if err := ctx.Request.Header.Read(sc.br); err != nil || sc.br.Buffered() != 0 || sc.rd.Len() != 0 {
		return 0, handOver // fasthttp reads it otherwise: it is fasthttp's
	}
	h := &ctx.Request.Header
	if !h.IsGet() || !h.IsHTTP11() || h.ConnectionClose() {
		return 0, handOver
	}
	if !o.Hit(ctx) {
		return 0, handOver
	}
	switch err := sc.write(c.Fd()); {
	case err != nil:
		return n, closeConn
	case len(sc.unsent) > 0:
		return n, answeredInPart
	case ctx.Response.ConnectionClose():
		return n, closeConn
	}
	return n, answered
}

// write writes ctx's response to the socket fd as fasthttp's server would
// have (fasthttp.Response.Write's layout, fasthttp's Date header), head and
// body in one writev, straight to the socket: the loop keeps no output of
// its own. What the socket does not take goes to sc.unsent.
func (sc *scratch) write(fd int) error {
	resp := &sc.ctx.Response
	body := resp.Body()
	status := resp.StatusCode()
	sendBody := !resp.SkipBody && status >= 200 && status != fasthttp.StatusNoContent && status != fasthttp.StatusNotModified
	if sendBody || len(body) > 0 {
		resp.Header.SetContentLength(len(body))
	}
	sc.out = resp.Header.AppendBytes(sc.out[:0])
	sc.iov[0], sc.iov[1] = sc.out, nil
	if sendBody {
		sc.iov[1] = body
	}
	defer func() { sc.iov[1] = nil }() // the cache's bytes are not kept here
	sc.unsent = sc.unsent[:0]
	total := len(sc.iov[0]) + len(sc.iov[1])
	var n int
	var err error
	for {
		n, err = unix.Writev(fd, sc.iov[:])
		if err != unix.EINTR {
			break
		}
	}
	switch {
	case err == unix.EAGAIN:
		n = 0
	case err != nil:
		return err
	}
	if n < total {
		// The socket's buffer is full: keep the rest for the hand-over.
		for _, b := range sc.iov {
			if n >= len(b) {
				n -= len(b)
				continue
			}
			sc.unsent = append(sc.unsent, b[n:]...)
			n = 0
		}
	}
	return nil
}
