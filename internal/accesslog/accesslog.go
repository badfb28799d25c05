// Package accesslog writes the public listener's access log: one line per
// request, off the request's path.
//
// A request formats its line into a buffer (by hand, in the same text or
// JSON shape as the rest of the log's slog lines) and leaves; a background
// loop writes the buffer to the log's writer every FlushEvery, or sooner
// when it fills, in one write. So a request costs a few hundred
// nanoseconds and no system call, where a slog line written straight to
// stderr cost a write(2) each. The buffer is bounded: while the writer is
// stuck (a full pipe, a slow log collector), lines past MaxBuffer are
// dropped and counted (Dropped, and the pcnweb_access_log_dropped_total
// metric), never waited for.
//
// Lines reach the writer up to FlushEvery after they were logged, so they
// may interleave with the process's other log lines out of order by that
// much; each carries its own time.
package accesslog

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Mode says which requests are logged.
type Mode string

const (
	// All logs every request (the default).
	All Mode = "all"
	// Misses leaves out page-cache hits answered in time: misses, bypasses,
	// errors (4xx and 5xx) and slow requests are logged.
	Misses Mode = "misses"
	// Off logs no request (errors still reach the log through slog).
	Off Mode = "off"
)

// ParseMode reads a PCNWEB_ACCESS_LOG value.
func ParseMode(s string) (Mode, bool) {
	switch m := Mode(s); m {
	case All, Misses, Off:
		return m, true
	}
	return "", false
}

// SlowRequest is how long a request may take before Misses logs it even
// when it was a hit.
const SlowRequest = time.Second

// Options configure a Log.
type Options struct {
	// JSON writes lines as slog's JSON handler would; else as its text
	// handler.
	JSON bool
	// Level is the least level written (LOG_LEVEL): requests are logged at
	// info, 5xx answers at error.
	Level slog.Level
	Mode  Mode
	// MaxBuffer bounds the bytes waiting to be written; 0 means 1 MiB.
	MaxBuffer int
	// FlushEvery is how often the buffer is written; 0 means 100 ms.
	FlushEvery time.Duration
	// OnDrop is called with the number of lines dropped (the metric).
	OnDrop func(n int)
}

// Log is an access log. Its zero value is not usable: use New. A nil *Log
// logs nothing.
type Log struct {
	w    io.Writer
	opts Options

	mu      sync.Mutex
	buf     []byte // lines waiting
	flushMu sync.Mutex
	spare   []byte // the buffer being written, swapped with buf
	kick    chan struct{}
	dropped atomic.Uint64
	done    chan struct{}
	stop    chan struct{}
	once    sync.Once
}

// New starts an access log writing to w. Close flushes it and stops its
// loop.
func New(w io.Writer, opts Options) *Log {
	if opts.MaxBuffer <= 0 {
		opts.MaxBuffer = 1 << 20
	}
	if opts.FlushEvery <= 0 {
		opts.FlushEvery = 100 * time.Millisecond
	}
	if opts.Mode == "" {
		opts.Mode = All
	}
	l := &Log{
		w: w, opts: opts,
		buf:  make([]byte, 0, 64<<10),
		kick: make(chan struct{}, 1),
		done: make(chan struct{}),
		stop: make(chan struct{}),
	}
	go l.loop()
	return l
}

// Request is one request's line. Byte slices may point into the request's
// buffers: Add copies what it keeps.
type Request struct {
	Time      time.Time
	RequestID []byte
	TenantID  int64
	Method    []byte
	Host      []byte
	Path      []byte
	IP        []byte
	Status    int
	Cache     []byte // the Cache-Status header sent, if any
	Bytes     int
	Duration  time.Duration
}

// Wants reports whether a request with this status and outcome would be
// written (so the caller can skip gathering its fields). hit: a page-cache
// hit.
func (l *Log) Wants(status int, hit bool, took time.Duration) bool {
	if l == nil || l.opts.Mode == Off {
		return false
	}
	if level(status) < l.opts.Level {
		return false
	}
	if l.opts.Mode == Misses && hit && status < 400 && took < SlowRequest {
		return false
	}
	return true
}

func level(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}

// Add formats r's line and queues it (if Wants would say yes).
func (l *Log) Add(r *Request, hit bool) {
	if !l.Wants(r.Status, hit, r.Duration) {
		return
	}
	var stack [640]byte
	line := stack[:0]
	if l.opts.JSON {
		line = appendJSON(line, r)
	} else {
		line = appendText(line, r)
	}
	l.mu.Lock()
	if len(l.buf)+len(line) > l.opts.MaxBuffer {
		l.mu.Unlock()
		l.dropped.Add(1)
		if l.opts.OnDrop != nil {
			l.opts.OnDrop(1)
		}
		return
	}
	l.buf = append(l.buf, line...)
	full := len(l.buf) >= 32<<10
	l.mu.Unlock()
	if full {
		select {
		case l.kick <- struct{}{}:
		default:
		}
	}
}

// Dropped is how many lines were dropped because the buffer was full.
func (l *Log) Dropped() uint64 {
	if l == nil {
		return 0
	}
	return l.dropped.Load()
}

func (l *Log) loop() {
	defer close(l.done)
	t := time.NewTicker(l.opts.FlushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-l.kick:
		case <-l.stop:
			l.Flush()
			return
		}
		l.Flush()
	}
}

// Flush writes what is waiting now.
func (l *Log) Flush() {
	if l == nil {
		return
	}
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	l.mu.Lock()
	l.buf, l.spare = l.spare[:0], l.buf
	l.mu.Unlock()
	if len(l.spare) > 0 {
		_, _ = l.w.Write(l.spare) // a log that cannot be written has nowhere to say so
	}
	if cap(l.spare) > l.opts.MaxBuffer { // after a burst, don't keep the peak
		l.spare = make([]byte, 0, 64<<10)
	}
}

// Close writes what is waiting and stops the loop. It waits for ctx at
// most.
func (l *Log) Close(ctx context.Context) error {
	if l == nil {
		return nil
	}
	l.once.Do(func() { close(l.stop) })
	select {
	case <-l.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// slog's time format (with milliseconds), its level names and its message.
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

func levelName(status int) string {
	if status >= 500 {
		return "ERROR"
	}
	return "INFO"
}

// stamp is the time format's text up to the second, kept for the second
// it was made for: most lines in a second share it.
type stamp struct {
	sec  int64
	off  int    // the zone's offset, which is all the format shows of it
	text []byte // "2006-01-02T15:04:05"
	zone []byte // "Z07:00"
}

var lastStamp atomic.Pointer[stamp]

// appendTime appends t in timeFormat, formatting the date, time and zone
// once a second.
func appendTime(b []byte, t time.Time) []byte {
	st := lastStamp.Load()
	_, off := t.Zone()
	if st == nil || st.sec != t.Unix() || st.off != off {
		full := t.AppendFormat(nil, timeFormat)
		st = &stamp{sec: t.Unix(), off: off, text: full[:19], zone: full[23:]}
		lastStamp.Store(st)
	}
	b = append(b, st.text...)
	ms := t.Nanosecond() / 1e6
	b = append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	return append(b, st.zone...)
}

// appendText appends r as slog's TextHandler writes the same attributes:
// key=value pairs, groups as dotted keys, values quoted when they need it.
func appendText(b []byte, r *Request) []byte {
	b = append(b, "time="...)
	b = appendTime(b, r.Time)
	b = append(b, " level="...)
	b = append(b, levelName(r.Status)...)
	b = append(b, " msg=request request_id="...)
	b = appendTextValue(b, r.RequestID)
	b = append(b, " tenant_id="...)
	b = strconv.AppendInt(b, r.TenantID, 10)
	b = append(b, " request.method="...)
	b = appendTextValue(b, r.Method)
	b = append(b, " request.host="...)
	b = appendTextValue(b, r.Host)
	b = append(b, " request.path="...)
	b = appendTextValue(b, r.Path)
	b = append(b, " request.ip="...)
	b = appendTextValue(b, r.IP)
	b = append(b, " response.status="...)
	b = strconv.AppendInt(b, int64(r.Status), 10)
	b = append(b, " response.cache="...)
	b = appendTextValue(b, r.Cache)
	b = append(b, " response.bytes="...)
	b = strconv.AppendInt(b, int64(r.Bytes), 10)
	b = append(b, " duration_ms="...)
	b = strconv.AppendInt(b, r.Duration.Milliseconds(), 10)
	return append(b, '\n')
}

// appendTextValue appends s bare, or quoted (strconv.Quote) when it is
// empty or has a space, '=', '"', a control character, bad UTF-8 or a
// character that is not printable or is a space, as
// slog's text handler does.
func appendTextValue(b, s []byte) []byte {
	if !needsQuoting(s) {
		return append(b, s...)
	}
	if plainASCII(s) { // "pcnweb; hit": quoted as it is
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	return strconv.AppendQuote(b, unsafe.String(unsafe.SliceData(s), len(s)))
}

// plainASCII reports whether strconv.Quote would only add the quotes:
// printable ASCII without '"' or '\\'.
func plainASCII(s []byte) bool {
	for _, c := range s {
		if c < ' ' || c > '~' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func needsQuoting(s []byte) bool {
	if len(s) == 0 {
		return true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c <= ' ' || c == '=' || c == '"' {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
	return false
}

// appendJSON appends r as slog's JSONHandler writes the same attributes.
func appendJSON(b []byte, r *Request) []byte {
	b = append(b, `{"time":"`...)
	b = r.Time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","level":"`...)
	b = append(b, levelName(r.Status)...)
	b = append(b, `","msg":"request","request_id":`...)
	b = appendJSONString(b, r.RequestID)
	b = append(b, `,"tenant_id":`...)
	b = strconv.AppendInt(b, r.TenantID, 10)
	b = append(b, `,"request":{"method":`...)
	b = appendJSONString(b, r.Method)
	b = append(b, `,"host":`...)
	b = appendJSONString(b, r.Host)
	b = append(b, `,"path":`...)
	b = appendJSONString(b, r.Path)
	b = append(b, `,"ip":`...)
	b = appendJSONString(b, r.IP)
	b = append(b, `},"response":{"status":`...)
	b = strconv.AppendInt(b, int64(r.Status), 10)
	b = append(b, `,"cache":`...)
	b = appendJSONString(b, r.Cache)
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, int64(r.Bytes), 10)
	b = append(b, `},"duration_ms":`...)
	b = strconv.AppendInt(b, r.Duration.Milliseconds(), 10)
	return append(b, "}\n"...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, bad UTF-8 replaced by U+FFFD.
func appendJSONString(b, s []byte) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xf])
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
