// Package eventloop is the public listener's front door: an epoll event
// loop (gnet) that answers, on the loop itself, the requests a Hit
// function can answer at once (a fresh page from the in-process cache),
// and hands every other connection, for good, to the fasthttp server
// behind it (through Handed, a listener that server serves).
//
// Why: a cached page on fasthttp alone, which parks a goroutine per
// connection and wakes it per request, does not reach nginx's speed on one
// core, even with a handler that does nothing (BENCHMARKS.md, "The
// ceiling"); an event loop does.
//
// What keeps it safe: the loop answers only a GET whose head it can frame
// beyond doubt (it ends at the first CRLF CRLF, every line ends in CRLF,
// no Content-Length, Transfer-Encoding or Expect, HTTP/1.1, no
// Connection: close)
// and that fasthttp's own parser reads to exactly that length; the rest,
// and anything the Hit function declines, goes to fasthttp byte for byte
// as the client sent it, so there is one parser of record for every
// request that is not a plain cache hit. A connection handed over does not
// come back: the socket is duplicated and leaves the loop.
package eventloop

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panjf2000/gnet/v2"
	"github.com/valyala/fasthttp"
)

// Options configure a Front.
type Options struct {
	// Hit answers ctx, a GET whose head has been read, when it can, and
	// reports whether it did; when it did not, ctx.Response must be as it
	// found it. It runs on the loop, so it must not block.
	Hit func(ctx *fasthttp.RequestCtx) bool
	// Logger; nil is slog.Default().
	Logger *slog.Logger
	// Loops is how many event loops share the connections; 0 is one.
	Loops int
	// MaxHead is the longest request head the loop reads; a longer one is
	// handed over (fasthttp refuses it with a 431). 0 is 8 KiB, Fiber's
	// read buffer (web.FiberConfig).
	MaxHead int
	// IdleTimeout closes a connection with no request for this long
	// after its last; ReadTimeout one whose first request, or a request
	// begun, has not all arrived in this long; WriteTimeout bounds sending
	// the rest of an answer the socket did not take at once. 0 is 120 s,
	// 15 s and 30 s, as web.FiberConfig has them.
	IdleTimeout, ReadTimeout, WriteTimeout time.Duration
}

// Front is the event loop in front of a fasthttp server.
type Front struct {
	o      Options
	log    *slog.Logger
	cli    *gnet.Client
	handed *handedListener

	mu     sync.Mutex
	conns  map[gnet.Conn]*connState
	ln     net.Listener
	closed bool // Shutdown was called
	// draining: Shutdown is handing the loop's connections with a request
	// begun to the server and closing the rest.
	draining atomic.Bool
	served   chan struct{} // closed when Serve's accept loop ends
	started  bool          // the loops run

	giving  sync.WaitGroup // connections on their way to the server
	scratch sync.Pool      // *scratch
	gnet.BuiltinEventEngine
}

// connState is what the loop knows of a connection.
type connState struct {
	last atomic.Int64 // unix ns of the last bytes read
	// waiting is when the loop began waiting for a request head (unix ns):
	// at the connection's start, and when a head arrives in parts; 0
	// while the connection is between requests.
	waiting atomic.Int64
}

// New makes a Front; Serve starts it.
func New(o Options) (*Front, error) {
	if o.Hit == nil {
		return nil, errors.New("eventloop: Options.Hit is required")
	}
	if o.Loops <= 0 {
		o.Loops = 1
	}
	if o.MaxHead <= 0 {
		o.MaxHead = 8192
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 120 * time.Second
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = 15 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 30 * time.Second
	}
	f := &Front{o: o, log: o.Logger, conns: make(map[gnet.Conn]*connState), served: make(chan struct{})}
	if f.log == nil {
		f.log = slog.Default()
	}
	f.scratch.New = func() any { return newScratch(o.MaxHead) }
	cli, err := gnet.NewClient(f,
		gnet.WithNumEventLoop(o.Loops),
		gnet.WithTicker(true),
		gnet.WithLogger(gnetLogger{f.log}),
		gnet.WithReadBufferCap(64<<10),
	)
	if err != nil {
		return nil, fmt.Errorf("eventloop: %w", err)
	}
	f.cli = cli
	f.handed = newHandedListener()
	return f, nil
}

// Handed is the listener the fasthttp server serves: every connection the
// loop hands over is accepted from it. Its Addr is the public listener's
// once Serve has been called.
func (f *Front) Handed() net.Listener { return f.handed }

// Serve accepts connections from ln into the event loop until Shutdown.
func (f *Front) Serve(ln net.Listener) error {
	defer close(f.served)
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil
	}
	f.ln = ln
	f.handed.setAddr(ln.Addr())
	err := f.cli.Start()
	f.started = err == nil
	f.mu.Unlock()
	if err != nil {
		return fmt.Errorf("eventloop: start: %w", err)
	}
	var delay time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if f.isClosed() {
				return nil
			}
			if isTemporary(err) {
				// Out of file descriptors and the like: back off, as
				// net/http and fasthttp do.
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				f.log.Warn("eventloop: accept", "error", err, "retry_in", delay)
				time.Sleep(delay)
				continue
			}
			return fmt.Errorf("eventloop: accept: %w", err)
		}
		delay = 0
		if zoned(nc.LocalAddr()) || zoned(nc.RemoteAddr()) {
			// gnet v2.9.7 recycles an address's IPv6 zone string as a
			// byte buffer when the connection closes (conn.release):
			// such connections (link-local peers) go to the server.
			f.giving.Add(1)
			go func() {
				defer f.giving.Done()
				f.handed.offer(nc)
			}()
			continue
		}
		// The loop takes a duplicate of the socket; EnrollContext closes nc.
		st := &connState{}
		st.waiting.Store(time.Now().UnixNano())
		if _, err := f.cli.EnrollContext(nc, st); err != nil {
			f.log.Warn("eventloop: enrol a connection", "error", err)
		}
	}
}

func (f *Front) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

// zoned reports whether a is a TCP address with an IPv6 zone.
func zoned(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.Zone != ""
}

func isTemporary(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	t, ok := err.(interface{ Temporary() bool })
	return ok && t.Temporary()
}

// Shutdown stops accepting; hands the server the connections the loop
// holds with a request begun, and closes the others, idle between
// requests (every answer the loop wrote is in the kernel's hands: the loop
// keeps no output); and waits for the connections on their way to the
// server to get there. The connections handed over are the fasthttp
// server's to finish (its Shutdown, which also closes Handed): call it
// after this.
func (f *Front) Shutdown() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil
	}
	f.closed = true
	ln, started := f.ln, f.started
	f.mu.Unlock()
	if ln == nil {
		return nil // never served
	}
	err := ln.Close()
	<-f.served // no enrolment under way once the accept loop has ended
	if started {
		f.drain(5 * time.Second)
		if stopErr := f.cli.Stop(); stopErr != nil && err == nil {
			err = stopErr
		}
	}
	f.giving.Wait()
	return err
}

// drain has each loop look at each of its connections once more
// (OnTraffic while draining): one with a request begun goes to the server,
// which finishes it as it finishes its own; the others close. It waits
// until the loop holds none, or for at most wait.
func (f *Front) drain(wait time.Duration) {
	f.draining.Store(true)
	f.mu.Lock()
	conns := make([]gnet.Conn, 0, len(f.conns))
	for c := range f.conns {
		conns = append(conns, c)
	}
	f.mu.Unlock()
	for _, c := range conns {
		_ = c.Wake(nil) // OnTraffic, on its loop
	}
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		f.mu.Lock()
		n := len(f.conns)
		f.mu.Unlock()
		if n == 0 {
			return
		}
	}
}

// OnOpen keeps the connection's state for the timeouts.
func (f *Front) OnOpen(c gnet.Conn) ([]byte, gnet.Action) {
	st, _ := c.Context().(*connState)
	if st == nil {
		st = &connState{}
		st.waiting.Store(time.Now().UnixNano())
		c.SetContext(st)
	}
	st.last.Store(time.Now().UnixNano())
	f.mu.Lock()
	f.conns[c] = st
	f.mu.Unlock()
	return nil, gnet.None
}

// OnClose forgets it.
func (f *Front) OnClose(c gnet.Conn, _ error) gnet.Action {
	f.mu.Lock()
	delete(f.conns, c)
	f.mu.Unlock()
	return gnet.None
}

// OnTick, once a second, closes the connections that have waited past
// ReadTimeout for a request head (a new connection's first, or one
// arriving in parts), as fasthttp's ReadTimeout would, and those idle
// between requests past IdleTimeout.
func (f *Front) OnTick() (time.Duration, gnet.Action) {
	now := time.Now().UnixNano()
	idle, read := f.o.IdleTimeout.Nanoseconds(), f.o.ReadTimeout.Nanoseconds()
	f.mu.Lock()
	for c, st := range f.conns {
		if w := st.waiting.Load(); w != 0 && now-w > read || w == 0 && now-st.last.Load() > idle {
			_ = c.Close() // asynchronous: the loop closes it
		}
	}
	f.mu.Unlock()
	return time.Second, gnet.None
}

// OnTraffic answers the whole requests read so far, in order, until one
// is not the loop's to answer, or its answer did not all fit in the
// socket; the connection then goes to the fasthttp server, with what the
// loop read and did not answer (and what the socket did not take).
func (f *Front) OnTraffic(c gnet.Conn) (action gnet.Action) {
	st, _ := c.Context().(*connState)
	if st == nil {
		return gnet.Close
	}
	buf, err := c.Peek(-1)
	if err != nil {
		return gnet.Close
	}
	sc := f.scratch.Get().(*scratch)
	defer func() {
		if r := recover(); r != nil {
			// Nothing above the loop recovers: a panic would end the process.
			f.log.Error("eventloop: panic answering a request; connection closed", "panic", r)
			sc = newScratch(f.o.MaxHead) // the old one may be half-way through anything
			action = gnet.Close
		}
		f.scratch.Put(sc)
	}()
	now := time.Now().UnixNano()
	st.last.Store(now)
	used := 0
	for used < len(buf) {
		n, v := sc.answer(c, buf[used:], f.o)
		used += n
		switch v {
		case answered:
			continue
		case needMore:
			if f.draining.Load() {
				return f.handOver(c, buf[used:], nil) // a request begun: the server finishes it
			}
			if used > 0 || st.waiting.Load() == 0 {
				st.waiting.Store(now) // a new head began in this read
			}
			discard(c, used)
			return gnet.None
		case answeredInPart:
			return f.handOver(c, buf[used:], sc.unsent)
		case handOver:
			return f.handOver(c, buf[used:], nil)
		}
		return gnet.Close // closeConn
	}
	if f.draining.Load() {
		return gnet.Close // between requests: nothing to finish
	}
	st.waiting.Store(0)
	discard(c, used)
	return gnet.None
}

// discard drops the first n bytes read; gnet's Discard drops them all
// when n is 0.
func discard(c gnet.Conn, n int) {
	if n > 0 {
		_, _ = c.Discard(n)
	}
}

// handOver gives the connection to the fasthttp server, with unsent (the
// rest of an answer the socket did not take, sent first) and rest (the
// bytes read and not answered, read first), and takes it off the loop.
func (f *Front) handOver(c gnet.Conn, rest, unsent []byte) gnet.Action {
	fd, err := c.Dup()
	if err != nil {
		f.log.Warn("eventloop: hand over a connection", "error", err)
		return gnet.Close
	}
	// The loop closes its descriptor once this returns (gnet takes it out
	// of its poller first); the duplicate keeps the socket open, and the
	// loop reads no more from it. The loop never queues output (answer
	// writes to the socket or hands the rest here), so nothing of ours is
	// left behind.
	h := handing{fd: fd, prefix: bytes.Clone(rest), unsent: bytes.Clone(unsent), writeTimeout: f.o.WriteTimeout}
	f.giving.Add(1)
	go func() {
		defer f.giving.Done()
		f.handed.give(h, f.log)
	}()
	return gnet.Close
}

// gnetLogger sends gnet's own log lines to slog: its Info and Debug at
// Debug (it announces its loops), the rest as they are.
type gnetLogger struct{ l *slog.Logger }

func (g gnetLogger) Debugf(format string, args ...any) {
	g.l.Debug("gnet: " + fmt.Sprintf(format, args...))
}
func (g gnetLogger) Infof(format string, args ...any) {
	g.l.Debug("gnet: " + fmt.Sprintf(format, args...))
}
func (g gnetLogger) Warnf(format string, args ...any) {
	g.l.Warn("gnet: " + fmt.Sprintf(format, args...))
}
func (g gnetLogger) Errorf(format string, args ...any) {
	g.l.Error("gnet: " + fmt.Sprintf(format, args...))
}
func (g gnetLogger) Fatalf(format string, args ...any) {
	g.l.Error("gnet: " + fmt.Sprintf(format, args...))
}
