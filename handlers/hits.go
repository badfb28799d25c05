package handlers

import (
	"bytes"
	"net/netip"
	"time"
	"unsafe"

	"github.com/valyala/fasthttp"

	"github.com/pcnweb/pcnweb/analytics"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/accesslog"
	"github.com/pcnweb/pcnweb/pagecache"
	"github.com/pcnweb/pcnweb/tenants"
)

// hits is the public listener's hit path: a GET for a page the page cache
// holds, fresh, in this process, is answered here, before Fiber, with what
// the full chain would have sent (request id, security headers, the
// cache's answer), and is logged and counted as the chain would have
// (access log, metrics, analytics). Anything else, and any doubt, goes to
// next, the Fiber app (handlers.New's chain), which knows what to do.
//
// What makes it the same answer: the tenant comes from
// tenants.Resolver.Servable, which says yes only when Middleware would
// serve the host as it stands (known, current, active, launched, no
// redirect); the page from pagecache.Cache.ServeFresh, which writes with
// the very code the cache's middleware writes with, and only a fresh copy
// of the tenant's current generation rendered by this build; and the
// requests that could take another route (a query string, the admin
// panel, static files, media, HEAD, credentials, ambiguous framing) never
// come this way. TestHitPathAnswersAsTheChainDoes compares the two.
type hits struct {
	next      fasthttp.RequestHandler
	resolver  *tenants.Resolver
	cache     *pagecache.Cache
	security  web.Headers
	proxies   web.Proxies
	log       *accesslog.Log
	count     *web.Counter
	analytics *analytics.Counter
}

// Prefixes of paths routed before the page cache (handlers.New).
var (
	prefixStatic = []byte("/static/")
	prefixMedia  = []byte("/media/")
	prefixAdmin  = []byte(tenants.AdminPath)
	hdrXFH       = []byte("X-Forwarded-Host")
	hdrXFF       = []byte("X-Forwarded-For")
)

func (h *hits) serve(ctx *fasthttp.RequestCtx) {
	if !h.answered(ctx) {
		h.next(ctx)
	}
}

// answered is try, with a panic in it (which would otherwise end the
// process: nothing above recovers) turned into "not answered": the
// chain, which has its own recover, starts again from a clean response.
func (h *hits) answered(ctx *fasthttp.RequestCtx) (ok bool) {
	defer func() {
		if recover() != nil {
			ctx.Response.Reset()
			ok = false
		}
	}()
	return h.try(ctx)
}

// try answers ctx if it is a fresh hit, and reports whether it did.
func (h *hits) try(ctx *fasthttp.RequestCtx) bool {
	start := time.Now()
	req := &ctx.Request.Header
	if !req.IsGet() || len(req.Peek(fasthttp.HeaderAuthorization)) > 0 || web.AmbiguousFraming(req.RawHeaders()) {
		return false
	}
	// The request target as sent: for an origin-form target with no query
	// and no fragment, it is the path Fiber's c.Path() gives
	// (URI().PathOriginal()) and the cache keys by, without parsing the URI.
	path := req.RequestURI()
	if len(path) == 0 || path[0] != '/' || bytes.IndexByte(path, '?') >= 0 || bytes.IndexByte(path, '#') >= 0 ||
		bytes.HasPrefix(path, prefixStatic) || bytes.HasPrefix(path, prefixMedia) ||
		(bytes.HasPrefix(path, prefixAdmin) && (len(path) == len(prefixAdmin) || path[len(prefixAdmin)] == '/')) {
		return false
	}
	trusted := h.proxies.Trusted(ctx.RemoteIP())
	host := lower(req.Host()) // c.Hostname(): fasthttp's URI host is the Host header, lower-cased
	if trusted {
		if xfh := req.PeekBytes(hdrXFH); len(xfh) > 0 {
			if i := bytes.IndexByte(xfh, ','); i >= 0 {
				xfh = xfh[:i]
			}
			host = xfh // as Fiber takes it: as sent
		}
	}
	t, ok := h.resolver.Servable(host)
	if !ok {
		return false
	}
	resp := &ctx.Response
	var id [16]byte
	rid := web.SetRequestID(&resp.Header, &id)
	h.security.Set(&resp.Header)
	if _, ok := h.cache.ServeFresh(req, resp, t.ID, t.Generation(), path); !ok {
		// Not a hit: the chain starts from a clean response.
		resp.Reset()
		return false
	}
	status := resp.StatusCode()
	took := time.Since(start)
	cacheStatus := resp.Header.Peek("Cache-Status")
	h.countView(ctx, t, path, status)
	h.count.Count(t.ID, status, cacheStatus, took)
	if h.log.Wants(status, true, took) {
		var ipBuf [48]byte
		ip := req.PeekBytes(hdrXFF) // Fiber's c.IP() from a trusted proxy: the header as sent
		if !trusted {
			ip = ipBuf[:0]
			if a, ok := netip.AddrFromSlice(ctx.RemoteIP()); ok {
				ip = a.Unmap().AppendTo(ip)
			}
		}
		h.log.Add(&accesslog.Request{
			Time: start, RequestID: rid, TenantID: t.ID,
			Method: req.Method(), Host: host, Path: path, IP: ip,
			Status: status, Cache: cacheStatus, Bytes: len(resp.Body()), Duration: took,
		}, true)
	}
	return true
}

// countView counts a page view as the site's analytics middleware does
// (handlers/site/analytics.go): a person's GET answered with a page
// (analytics.IsPageView). A hit has no query string, so there is no search
// term to count.
func (h *hits) countView(ctx *fasthttp.RequestCtx, t *tenants.Tenant, path []byte, status int) {
	a := h.analytics
	if a == nil || a.IsBot(ctx.Request.Header.UserAgent()) {
		return
	}
	// Neither kept: View copies the path when it keeps it.
	p := unsafe.String(unsafe.SliceData(path), len(path))
	if analytics.IsPageView(status, ctx.Response.Header.ContentType(), p) {
		a.View(t.ID, p, ctx.Request.Header.Referer(), ctx.Request.Header.Host(), t.Hosts)
	}
}

// lower returns h in lower case (ASCII): h itself when it is already,
// as Host headers almost always are, else a lower-case copy.
func lower(h []byte) []byte {
	for _, c := range h {
		if 'A' <= c && c <= 'Z' {
			return bytes.ToLower(h)
		}
	}
	return h
}
