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
// no Content-Length or Transfer-Encoding, HTTP/1.1, no Connection: close)
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
	"os"
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
	// IdleTimeout closes a connection with no request for this long;
	// ReadTimeout one whose request head has not all arrived in this
	// long. 0 is 120 s and 15 s, as web.FiberConfig has them.
	IdleTimeout, ReadTimeout time.Duration
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
	closed atomic.Bool

	scratch sync.Pool // *scratch
	gnet.BuiltinEventEngine
}

// connState is what the loop knows of a connection.
type connState struct {
	last    atomic.Int64 // unix ns of the last bytes read
	partial atomic.Int64 // unix ns when an unfinished head began; 0: none
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
	f := &Front{o: o, log: o.Logger, conns: make(map[gnet.Conn]*connState)}
	if f.log == nil {
		f.log = slog.Default()
	}
	f.scratch.New = func() any { return newScratch(o.MaxHead) }
	cli, err := gnet.NewClient(f,
		gnet.WithNumEventLoop(o.Loops),
		gnet.WithTicker(true),
		gnet.WithLogger(gnetLogger{f.log}),
		gnet.WithReadBufferCap(64<<10),
		gnet.WithWriteBufferCap(64<<10),
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
	f.mu.Lock()
	f.ln = ln
	f.mu.Unlock()
	f.handed.setAddr(ln.Addr())
	if err := f.cli.Start(); err != nil {
		return fmt.Errorf("eventloop: start: %w", err)
	}
	var delay time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if f.closed.Load() {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, os.ErrDeadlineExceeded) || isTemporary(err) {
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
		// The loop takes a duplicate of the socket; EnrollContext closes nc.
		if _, err := f.cli.EnrollContext(nc, &connState{}); err != nil {
			f.log.Warn("eventloop: enrol a connection", "error", err)
		}
	}
}

func isTemporary(err error) bool {
	t, ok := err.(interface{ Temporary() bool })
	return ok && t.Temporary()
}

// Shutdown stops accepting and closes the connections the loop holds: an
// answer the loop has written is on its way, and a request not yet whole
// is dropped, as fasthttp drops an idle connection at shutdown. The
// connections already handed over are the fasthttp server's to finish
// (its Shutdown, which also closes Handed).
func (f *Front) Shutdown() error {
	if f.closed.Swap(true) {
		return nil
	}
	f.mu.Lock()
	ln := f.ln
	f.mu.Unlock()
	var err error
	if ln != nil {
		err = ln.Close()
		if stopErr := f.cli.Stop(); stopErr != nil && err == nil {
			err = stopErr
		}
	}
	return err
}

// OnOpen keeps the connection's state for the timeouts.
func (f *Front) OnOpen(c gnet.Conn) ([]byte, gnet.Action) {
	st, _ := c.Context().(*connState)
	if st == nil {
		st = &connState{}
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

// OnTick closes connections idle past IdleTimeout, or with a request head
// unfinished past ReadTimeout, once a second.
func (f *Front) OnTick() (time.Duration, gnet.Action) {
	now := time.Now().UnixNano()
	idle, read := f.o.IdleTimeout.Nanoseconds(), f.o.ReadTimeout.Nanoseconds()
	f.mu.Lock()
	for c, st := range f.conns {
		if p := st.partial.Load(); p != 0 && now-p > read || p == 0 && now-st.last.Load() > idle {
			_ = c.Close() // asynchronous: the loop closes it
		}
	}
	f.mu.Unlock()
	return time.Second, gnet.None
}

// OnTraffic answers the whole requests read so far, in order, until one
// is not the loop's to answer; that one and everything after it go to the
// fasthttp server with the connection.
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
	now := time.Now()
	st.last.Store(now.UnixNano())
	used := 0
	for used < len(buf) {
		n, verdict := sc.answer(c, buf[used:], now, f.o)
		switch verdict {
		case answered:
			used += n
			continue
		case needMore:
			if st.partial.Load() == 0 {
				st.partial.Store(now.UnixNano())
			}
			discard(c, used)
			return gnet.None
		}
		return f.handOver(c, buf[used:])
	}
	st.partial.Store(0)
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

// handOver gives the connection, with rest (the bytes read and not yet
// answered), to the fasthttp server, and takes it off the loop.
func (f *Front) handOver(c gnet.Conn, rest []byte) gnet.Action {
	if c.OutboundBuffered() > 0 {
		// Answers to earlier pipelined requests are still queued for a
		// client that is not reading: the loop cannot pass them on, so the
		// connection closes, and the client retries the requests it had
		// no answer to (RFC 9112, section 9.3.2).
		return gnet.Close
	}
	fd, err := c.Dup()
	if err != nil {
		f.log.Warn("eventloop: hand over a connection", "error", err)
		return gnet.Close
	}
	// The loop closes its descriptor once this returns; the duplicate
	// keeps the socket open, and the loop reads no more from it.
	prefix := bytes.Clone(rest)
	go f.handed.give(fd, prefix, f.log)
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
