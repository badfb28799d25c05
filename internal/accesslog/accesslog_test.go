package accesslog

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// slogLine is the line slog's own handler writes for r: the access log's
// hand-written lines must read exactly the same.
func slogLine(r *Request, json bool) string {
	var b bytes.Buffer
	opts := &slog.HandlerOptions{}
	var h slog.Handler = slog.NewTextHandler(&b, opts)
	if json {
		h = slog.NewJSONHandler(&b, opts)
	}
	level := slog.LevelInfo
	if r.Status >= 500 {
		level = slog.LevelError
	}
	rec := slog.NewRecord(r.Time, level, "request", 0)
	rec.AddAttrs(
		slog.String("request_id", string(r.RequestID)),
		slog.Int64("tenant_id", r.TenantID),
		slog.Group("request", slog.String("method", string(r.Method)), slog.String("host", string(r.Host)), slog.String("path", string(r.Path)), slog.String("ip", string(r.IP))),
		slog.Group("response", slog.Int("status", r.Status), slog.String("cache", string(r.Cache)), slog.Int("bytes", r.Bytes)),
		slog.Int64("duration_ms", r.Duration.Milliseconds()),
	)
	_ = h.Handle(context.Background(), rec)
	return b.String()
}

func sample() *Request {
	return &Request{
		Time:      time.Date(2026, 12, 7, 21, 40, 1, 234_567_891, time.UTC),
		RequestID: []byte("0123456789abcdef"), TenantID: 7,
		Method: []byte("GET"), Host: []byte("highfives.localhost"), Path: []byte("/about"), IP: []byte("127.0.0.1"),
		Status: 200, Cache: []byte("pcnweb; hit"), Bytes: 5120, Duration: 1500 * time.Microsecond,
	}
}

func TestLinesReadAsSlogWritesThem(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Request)
	}{
		{"a hit", func(*Request) {}},
		{"a server error", func(r *Request) { r.Status = 503; r.Cache = nil }},
		{"a path with spaces and quotes", func(r *Request) { r.Path = []byte(`/a b/"c"=d`) }},
		{"a path with control characters", func(r *Request) { r.Path = []byte("/x\n\t\x01\x7f") }},
		{"bad UTF-8 and line separators", func(r *Request) { r.Path = []byte("/\xff\xfe/\u2028/é") }},
		{"an empty host", func(r *Request) { r.Host = nil }},
		{"another time zone", func(r *Request) { r.Time = r.Time.In(time.FixedZone("x", 3600)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := sample()
			tc.edit(r)
			for _, json := range []bool{false, true} {
				var got []byte
				if json {
					got = appendJSON(nil, r)
				} else {
					got = appendText(nil, r)
				}
				if want := slogLine(r, json); string(got) != want {
					t.Errorf("json=%v:\n got %s\nwant %s", json, got, want)
				}
			}
		})
	}
}

// FuzzLines checks that any path, host and cache status is written as
// slog would write it: the log's readers (and its injection safety: one
// request, one line) are slog's.
func FuzzLines(f *testing.F) {
	f.Add("/about", "highfives.localhost", "pcnweb; hit", int64(0), int64(0))
	f.Add("/a\nb", "x=y", "\"", int64(59), int64(999_999_999))
	f.Add("/\xff\u2029", "", "\x00", int64(-3600), int64(1_000_000))
	f.Fuzz(func(t *testing.T, path, host, cache string, sec, nsec int64) {
		r := sample()
		r.Path, r.Host, r.Cache = []byte(path), []byte(host), []byte(cache)
		// Any time from 2001 to 2286, in UTC or an hour east: the second's
		// text is kept between lines (appendTime).
		r.Time = time.Unix(1_000_000_000+sec%8_000_000_000, nsec%1_000_000_000)
		if sec%2 == 0 {
			r.Time = r.Time.UTC()
		} else {
			r.Time = r.Time.In(time.FixedZone("east", 3600))
		}
		for _, json := range []bool{false, true} {
			var got []byte
			if json {
				got = appendJSON(nil, r)
			} else {
				got = appendText(nil, r)
			}
			if want := slogLine(r, json); string(got) != want {
				t.Fatalf("json=%v:\n got %q\nwant %q", json, got, want)
			}
			if bytes.Count(got, []byte{'\n'}) != 1 {
				t.Fatalf("not one line: %q", got)
			}
		}
	})
}

// syncBuffer is a writer the loop and the test can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestModesAndLevels(t *testing.T) {
	for _, tc := range []struct {
		mode   Mode
		level  slog.Level
		status int
		hit    bool
		took   time.Duration
		want   bool
	}{
		{All, slog.LevelInfo, 200, true, 0, true},
		{Misses, slog.LevelInfo, 200, true, 0, false},
		{Misses, slog.LevelInfo, 200, true, 2 * time.Second, true}, // slow
		{Misses, slog.LevelInfo, 200, false, 0, true},              // a miss
		{Misses, slog.LevelInfo, 404, true, 0, true},
		{Off, slog.LevelInfo, 500, false, 0, false},
		{All, slog.LevelWarn, 200, false, 0, false}, // LOG_LEVEL=warn: only errors
		{All, slog.LevelWarn, 502, false, 0, true},
	} {
		var out syncBuffer
		l := New(&out, Options{Mode: tc.mode, Level: tc.level})
		r := sample()
		r.Status, r.Duration = tc.status, tc.took
		l.Add(r, tc.hit)
		if err := l.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := out.String() != ""; got != tc.want {
			t.Errorf("mode %s, level %s, status %d, hit %v, took %s: logged %v, want %v", tc.mode, tc.level, tc.status, tc.hit, tc.took, got, tc.want)
		}
	}
}

// stuckWriter blocks every write until released.
type stuckWriter struct{ release chan struct{} }

func (w stuckWriter) Write(p []byte) (int, error) {
	<-w.release
	return len(p), nil
}

func TestAStuckWriterDropsLinesInsteadOfBlockingRequests(t *testing.T) {
	w := stuckWriter{release: make(chan struct{})}
	dropped := 0
	l := New(w, Options{MaxBuffer: 4 << 10, FlushEvery: time.Millisecond, OnDrop: func(n int) { dropped += n }})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 1000 { // ~250 KB of lines against a 4 KiB buffer
			l.Add(sample(), true)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Add blocked on a stuck writer")
	}
	if l.Dropped() == 0 || uint64(dropped) != l.Dropped() {
		t.Errorf("dropped %d (OnDrop %d), want > 0 and equal", l.Dropped(), dropped)
	}
	close(w.release)
	if err := l.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestCloseWritesEverythingQueued(t *testing.T) {
	var out syncBuffer
	l := New(&out, Options{FlushEvery: time.Hour})
	for range 100 {
		l.Add(sample(), true)
	}
	if err := l.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "\n"); n != 100 {
		t.Errorf("%d lines written, want 100", n)
	}
	var nilLog *Log
	nilLog.Add(sample(), false) // a nil log logs nothing, and does not panic
	_ = nilLog.Close(context.Background())
}

func BenchmarkAdd(b *testing.B) {
	l := New(io.Discard, Options{})
	defer l.Close(context.Background())
	r := sample()
	b.ReportAllocs()
	for range b.N {
		l.Add(r, true)
	}
}
