package pagecache

import (
	"strconv"
	"unsafe"

	"github.com/valyala/fasthttp"
)

// The headers of every answer from the cache, as fasthttp stores them
// (canonical names), made once: setting them copies bytes and nothing is
// normalised or allocated per response.
var (
	hdrCacheStatus    = []byte("Cache-Status")
	hdrVary           = []byte("Vary")
	hdrCacheControl   = []byte("Cache-Control")
	hdrETag           = []byte("Etag")
	valAcceptEncoding = []byte("Accept-Encoding")
	valNoCache        = []byte("public, no-cache")
)

// bytesOf views s as bytes without copying, for fasthttp setters that copy
// what they are given.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// write writes entry e as the response to a GET whose headers are req: the
// representation the request's Accept-Encoding prefers (Negotiate), its
// strong ETag, and a 304 with no body to a matching If-None-Match. It is
// the one place a cached page is written, for the middleware (serve) and
// for ServeFresh.
func write(req *fasthttp.RequestHeader, resp *fasthttp.Response, e *Entry, cacheStatus string) error {
	body, etag, enc, err := e.Representation(Negotiate(req.Peek(fasthttp.HeaderAcceptEncoding)))
	if err != nil {
		// Inflating the identity body of an entry read from Redis cannot
		// fail for a body this process or a peer compressed; if Redis
		// handed back damaged bytes, the request fails (a 500 page) rather
		// than sending them.
		return err
	}
	h := &resp.Header
	h.SetCanonical(hdrCacheStatus, bytesOf(cacheStatus))
	h.SetCanonical(hdrVary, valAcceptEncoding)
	h.SetCanonical(hdrCacheControl, valNoCache)
	h.SetCanonical(hdrETag, bytesOf(etag))
	if inm := req.Peek(fasthttp.HeaderIfNoneMatch); len(inm) > 0 && e.ETagMatches(inm) {
		resp.SetStatusCode(fasthttp.StatusNotModified)
		resp.ResetBody()
		return nil
	}
	resp.SetStatusCode(e.Status)
	h.SetContentType(e.ContentType)
	if enc == Identity {
		h.Del(fasthttp.HeaderContentEncoding)
	} else {
		h.SetContentEncoding(enc.String())
	}
	resp.SetBodyRaw(body)
	return nil
}

// ServeFresh answers a GET for the page at path (no query string) of
// tenant tenantID at generation gen straight from the in-process cache,
// when a copy there is fresh for this build: the hit path of the public
// listener, which then never enters Fiber (handlers.hits). It reports
// whether it answered, and the page's note (SetNote). It looks at L1
// only: anything else (Redis, a render, a stale copy) is the middleware's.
func (c *Cache) ServeFresh(req *fasthttp.RequestHeader, resp *fasthttp.Response, tenantID, gen int64, path []byte) (note string, ok bool) {
	var kb [160]byte
	k := strconv.AppendInt(kb[:0], tenantID, 10)
	k = append(k, '|')
	k = append(k, path...)
	// The key is only looked up, not kept: a view of the bytes will do.
	e, found := c.l1.GetIfPresent(unsafe.String(unsafe.SliceData(k), len(k)))
	if !found || !e.fresh(gen, c.fp, c.opts.Now()) {
		return "", false
	}
	if err := write(req, resp, e, statusHit); err != nil {
		return "", false // an L1 entry has its identity body; the middleware reports anything else
	}
	c.count("hit")
	return e.Note, true
}
