package pagecache

import (
	"bytes"
	"compress/gzip"
	"context"
	"sync"

	"github.com/andybalholm/brotli"
)

// Compression levels, chosen by measurement (BenchmarkLevels, on the demo
// pages in testdata; CPU time of one compression with a pooled writer, so
// that a busy machine does not skew it):
//
//	                home.html 19,638 B      about.html 8,990 B
//	gzip 1          4,267 B    88 µs        2,887 B    60 µs
//	gzip 4          3,858 B   145 µs        2,710 B    85 µs
//	gzip 6          3,763 B   196 µs        2,670 B   107 µs
//	gzip 9          3,754 B   249 µs        2,667 B   118 µs   (was: a fresh writer per page)
//	brotli 1        4,286 B    76 µs        2,961 B    50 µs
//	brotli 4        3,620 B   261 µs        2,532 B   170 µs
//	brotli 5        3,391 B   315 µs        2,379 B   192 µs
//	brotli 6        3,375 B   322 µs        2,374 B   202 µs
//	brotli 9        3,349 B   543 µs        2,370 B   377 µs
//	brotli 10       3,055 B     8 ms        2,107 B   4.9 ms
//	brotli 11       2,986 B    26 ms        2,037 B    13 ms
//
// gzip 6 is within 0.3 % of gzip 9 for a fifth less CPU, and the gzip body
// is made on the render path (a miss's budget is about a millisecond).
// Brotli below 4 is no smaller than gzip; 5 is the knee (10 % under gzip,
// 6 % under 4; 9 saves 1 % more for 70 % more CPU); 10 and 11 save another
// 10 % for 25 to 80 times the CPU of 5 — tens of milliseconds per page,
// which a deploy (every page of every tenant rendered again) would pay for
// each page. So brotli 5, and off the render path: see Cache.compressLater.
const (
	gzipLevel     = 6
	brotliQuality = 5
	// brotliWindow is log2 of brotli's window: 256 KiB covers any page
	// (the encoder's memory grows with it).
	brotliWindow = 18
)

var (
	gzipWriters   sync.Pool // of *gzip.Writer at gzipLevel
	brotliWriters sync.Pool // of *brotli.Writer at brotliQuality
	compressBufs  sync.Pool // of *bytes.Buffer
)

// gzipBody compresses body at gzipLevel with a pooled writer, into a slice
// of its own (no spare capacity: it stays in the cache).
func gzipBody(body []byte) ([]byte, error) {
	buf := getBuffer(len(body))
	defer compressBufs.Put(buf)
	w, ok := gzipWriters.Get().(*gzip.Writer)
	if ok {
		w.Reset(buf)
	} else {
		w, _ = gzip.NewWriterLevel(buf, gzipLevel)
	}
	if _, err := w.Write(body); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	w.Reset(nil) // drop the buffer before pooling the writer
	gzipWriters.Put(w)
	return bytes.Clone(buf.Bytes()), nil
}

// brotliBody compresses body at brotliQuality with a pooled writer.
func brotliBody(body []byte) ([]byte, error) {
	buf := getBuffer(len(body))
	defer compressBufs.Put(buf)
	w, ok := brotliWriters.Get().(*brotli.Writer)
	if ok {
		w.Reset(buf)
	} else {
		w = brotli.NewWriterOptions(buf, brotli.WriterOptions{Quality: brotliQuality, LGWin: brotliWindow})
	}
	if _, err := w.Write(body); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	w.Reset(nil)
	brotliWriters.Put(w)
	return bytes.Clone(buf.Bytes()), nil
}

func getBuffer(n int) *bytes.Buffer {
	buf, ok := compressBufs.Get().(*bytes.Buffer)
	if !ok {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	buf.Grow(n/3 + 64)
	return buf
}

// maxCompressQueue bounds the pages waiting for their brotli body (about
// 0.2 to 0.4 ms of CPU each): past it, under a storm of misses, a page
// goes without one until it is rendered again — under that load CPU is
// worth more than a tenth of a page's bytes.
const maxCompressQueue = 256

// compressJob is one stored page waiting for its brotli body.
type compressJob struct {
	ctx   context.Context
	key   string
	entry *Entry
}

// compressor runs the brotli jobs one at a time in a goroutine that exits
// when the queue is empty (so a Cache needs no Close).
type compressor struct {
	mu      sync.Mutex
	queue   []compressJob
	running bool
}

// compressLater stores a freshly rendered entry (in L1 already, gzip only)
// in Redis at once, and queues it for its brotli body, made in the
// background: brotli at quality 5 costs about as much CPU as the rest of a
// miss, so the render path does not wait for it. Until it is made brotli
// clients get the gzip body (Representation). Once made, the entry is
// written to Redis again (wire version 4, both bodies) if it is still this
// replica's copy of the page. Two writes rather than one after brotli: the
// other replicas find the page in Redis as soon as before.
func (c *Cache) compressLater(ctx context.Context, key string, e *Entry) {
	c.putL2(ctx, key, e)
	cp := &c.compress
	cp.mu.Lock()
	if len(cp.queue) >= maxCompressQueue {
		cp.mu.Unlock()
		c.opts.Logger.DebugContext(ctx, "brotli queue full: the page goes without a brotli body", "key", key)
		return
	}
	cp.queue = append(cp.queue, compressJob{ctx: context.WithoutCancel(ctx), key: key, entry: e})
	start := !cp.running
	cp.running = true
	cp.mu.Unlock()
	if start {
		go c.compressQueued()
	}
}

// compressQueued works through the brotli queue and returns when it is empty.
func (c *Cache) compressQueued() {
	cp := &c.compress
	for {
		cp.mu.Lock()
		if len(cp.queue) == 0 {
			cp.running = false
			cp.queue = nil
			cp.mu.Unlock()
			return
		}
		job := cp.queue[0]
		cp.queue[0] = compressJob{}
		cp.queue = cp.queue[1:]
		cp.mu.Unlock()
		e := job.entry
		if err := e.compressBrotli(); err != nil {
			c.opts.Logger.WarnContext(job.ctx, "brotli", "key", job.key, "error", err)
			continue
		}
		// A newer render of the page (a publish meanwhile) must not be
		// overwritten in Redis by this older one.
		if cur, ok := c.l1.GetIfPresent(job.key); ok && cur == e && len(e.Brotli()) > 0 {
			c.putL2(job.ctx, job.key, e)
		}
	}
}

// Negotiate picks the representation an Accept-Encoding value prefers
// among those the cache stores: the coding with the highest q-value, ties
// going to br, then gzip, then identity. An element with q=0 refuses its
// coding; "*" stands for every coding not listed. Identity, unless listed,
// is the last resort (any coding with q > 0 beats it), and when nothing is
// acceptable identity is sent anyway (rather than a 406). "x-gzip" is gzip;
// names are case-insensitive; a q-value that does not parse counts as 1.
// It does not allocate: it runs on every cached hit.
func Negotiate(acceptEncoding []byte) Encoding {
	const unset = -1
	qBr, qGzip, qIdentity, qStar := unset, unset, unset, unset
	s := acceptEncoding
	for len(s) > 0 {
		var elem []byte
		if i := bytes.IndexByte(s, ','); i >= 0 {
			elem, s = s[:i], s[i+1:]
		} else {
			elem, s = s, nil
		}
		name, params := elem, []byte(nil)
		if i := bytes.IndexByte(elem, ';'); i >= 0 {
			name, params = elem[:i], elem[i+1:]
		}
		name = trimOWS(name)
		var q *int
		switch {
		case equalFoldASCII(name, "br"):
			q = &qBr
		case equalFoldASCII(name, "gzip"), equalFoldASCII(name, "x-gzip"):
			q = &qGzip
		case equalFoldASCII(name, "identity"):
			q = &qIdentity
		case len(name) == 1 && name[0] == '*':
			q = &qStar
		default:
			continue
		}
		if *q == unset { // the first mention of a coding counts
			*q = qValue(params)
		}
	}
	if qBr == unset {
		qBr = max(qStar, 0)
	}
	if qGzip == unset {
		qGzip = max(qStar, 0)
	}
	switch {
	case qBr > 0 && qBr >= qGzip && qBr >= qIdentity:
		return Brotli
	case qGzip > 0 && qGzip >= qIdentity:
		return Gzip
	}
	return Identity
}

// qValue finds the q parameter among an element's parameters, in
// thousandths: 1000 when there is none or it does not parse.
func qValue(params []byte) int {
	for len(params) > 0 {
		var p []byte
		if i := bytes.IndexByte(params, ';'); i >= 0 {
			p, params = params[:i], params[i+1:]
		} else {
			p, params = params, nil
		}
		p = trimOWS(p)
		if len(p) < 2 || (p[0] != 'q' && p[0] != 'Q') {
			continue
		}
		v := trimOWS(p[1:])
		if len(v) == 0 || v[0] != '=' {
			continue
		}
		return parseQ(trimOWS(v[1:]))
	}
	return 1000
}

// parseQ parses a qvalue ("0", "0.5", "1.000") into thousandths; digits past
// the third decimal are ignored, anything else that does not parse is 1000.
func parseQ(v []byte) int {
	if len(v) == 0 {
		return 1000
	}
	switch v[0] {
	case '1':
		return 1000
	case '0':
	default:
		return 1000
	}
	if len(v) == 1 {
		return 0
	}
	if v[1] != '.' {
		return 1000
	}
	q, scale := 0, 100
	for _, d := range v[2:] {
		if d < '0' || d > '9' {
			return 1000
		}
		if scale > 0 {
			q += int(d-'0') * scale
			scale /= 10
		}
	}
	return q
}

func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// equalFoldASCII reports whether b equals the lower-case ASCII word s,
// ignoring case.
func equalFoldASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
