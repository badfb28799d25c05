// Package web holds what every audience's Fiber app shares: the standard
// middleware stack (request id and deadline, access log, security headers)
// and the Fiber configuration.
package web

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"net"
	"net/netip"
	"strconv"
	"time"
	"unsafe"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/pcnweb/pcnweb/internal/accesslog"
	"github.com/pcnweb/pcnweb/internal/metrics"
)

// Config is what the shared middleware needs to know of the deployment.
type Config struct {
	// Secure: the site is served over HTTPS (HSTS is sent).
	Secure bool
	// TrustedProxies are the CIDRs whose X-Forwarded-* headers are believed.
	TrustedProxies []string
	// RequestTimeout bounds each request's context; 0 means 15s.
	RequestTimeout time.Duration
}

// FiberConfig is the configuration every app of the platform starts from:
// immutable strings (safe to keep past the handler), X-Forwarded-* believed
// only from trusted proxies, and bounded headers.
func FiberConfig(cfg Config, errorHandler fiber.ErrorHandler) fiber.Config {
	return fiber.Config{
		Immutable:               true,
		DisableStartupMessage:   true,
		EnableTrustedProxyCheck: true,
		TrustedProxies:          cfg.TrustedProxies,
		ProxyHeader:             fiber.HeaderXForwardedFor,
		ReadBufferSize:          8192,
		// A page and its headers leave in one write: with fasthttp's 4 KiB
		// default, an uncompressed page went out in two (the buffer, then
		// the rest), two segments for the client to wait on. 32 KiB holds
		// every page type's HTML (BENCHMARKS.md, identity clients).
		WriteBufferSize: 32 << 10,
		ReadTimeout:     15 * time.Second,
		WriteTimeout:    30 * time.Second,
		IdleTimeout:     120 * time.Second,
		BodyLimit:       21 << 20, // the largest media upload (media.MaxUpload, 20 MB) and its form fields
		ErrorHandler:    errorHandler,
	}
}

type ridKey struct{}

// RequestID returns the request's id, set by Context (or by the hit path,
// which sets only the header).
func RequestID(c *fiber.Ctx) string {
	if id, ok := c.Locals(ridKey{}).(string); ok {
		return id
	}
	return string(c.Response().Header.Peek(fiber.HeaderXRequestID))
}

// hdrRequestID is X-Request-ID as fasthttp stores it.
var hdrRequestID = []byte("X-Request-Id")

// SetRequestID gives the response a new request id (X-Request-ID) and
// returns it, in id's array. The ids are 64 random bits from the runtime's
// per-thread generator (math/rand/v2, ChaCha8, seeded from the system):
// unguessable enough to tell requests apart in the logs, which is all they
// are for, and with no system call or allocation per request.
func SetRequestID(h *fasthttp.ResponseHeader, id *[16]byte) []byte {
	var raw [8]byte
	binary.BigEndian.PutUint64(raw[:], rand.Uint64())
	hex.Encode(id[:], raw[:])
	h.SetCanonical(hdrRequestID, id[:])
	return id[:]
}

// Context gives each request an id (echoed in X-Request-ID) and a context
// with a deadline: fasthttp does not cancel on client disconnect, so the
// deadline is what bounds work done for a request.
func Context(cfg Config) fiber.Handler {
	timeout := cfg.RequestTimeout
	if timeout == 0 {
		timeout = 15 * time.Second
	}
	return func(c *fiber.Ctx) error {
		var id [16]byte
		c.Locals(ridKey{}, string(SetRequestID(&c.Response().Header, &id)))
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		c.SetUserContext(ctx)
		return c.Next()
	}
}

// Headers are response headers made once, in fasthttp's canonical form:
// Set copies them into a response without normalising or allocating.
type Headers [][2][]byte

// Set sets every header of hs on h.
func (hs Headers) Set(h *fasthttp.ResponseHeader) {
	for _, kv := range hs {
		h.SetCanonical(kv[0], kv[1])
	}
}

// csp allows only the platform's own scripts, styles and images: themes
// have no inline code, and no page makes a third-party request.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// NewSecurityHeaders are the headers every response carries.
func NewSecurityHeaders(cfg Config) Headers {
	hs := [][2]string{
		{fiber.HeaderContentSecurityPolicy, csp},
		{fiber.HeaderXContentTypeOptions, "nosniff"},
		{fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin"},
		{fiber.HeaderXFrameOptions, "DENY"},
		{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
	}
	if cfg.Secure {
		hs = append(hs, [2]string{fiber.HeaderStrictTransportSecurity, "max-age=31536000; includeSubDomains"})
	}
	out := make(Headers, len(hs))
	for i, kv := range hs {
		var h fasthttp.ResponseHeader
		h.Set(kv[0], kv[1]) // fasthttp's own canonical form of the name
		h.VisitAll(func(k, _ []byte) { out[i][0] = bytes.Clone(k) })
		out[i][1] = []byte(kv[1])
	}
	return out
}

// SecurityHeaders sets the headers every response carries (NewSecurityHeaders).
func SecurityHeaders(cfg Config) fiber.Handler {
	hs := NewSecurityHeaders(cfg)
	return func(c *fiber.Ctx) error {
		hs.Set(&c.Response().Header)
		return c.Next()
	}
}

// AccessLog writes one line per request to log (nil: none) and counts
// responses. It runs the error handler itself so that the logged status is
// the one sent. The hit path (handlers.hits) logs and counts its requests
// the same way with Count.
func AccessLog(log *accesslog.Log, m *metrics.Metrics, audience string, tenantID func(*fiber.Ctx) int64) fiber.Handler {
	count := NewCounter(m, audience)
	return func(c *fiber.Ctx) error {
		start := time.Now()
		if err := c.Next(); err != nil {
			if herr := c.App().Config().ErrorHandler(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		resp := c.Response()
		status := resp.StatusCode()
		cache := resp.Header.Peek("Cache-Status")
		took := time.Since(start)
		id := tenantID(c)
		count.Count(id, status, cache, took)
		if !log.Wants(status, false, took) {
			return nil
		}
		log.Add(&accesslog.Request{
			Time: start, RequestID: resp.Header.Peek(fiber.HeaderXRequestID), TenantID: id,
			Method: c.Request().Header.Method(), Host: view(c.Hostname()), Path: view(c.Path()), IP: view(c.IP()),
			Status: status, Cache: cache, Bytes: len(resp.Body()), Duration: took,
		}, false)
		return nil
	}
}

// view is s as bytes, for a line that copies them.
func view(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// Counter counts responses in the metrics: by audience and status, and by
// tenant for the operators' console.
type Counter struct {
	m        *metrics.Metrics
	audience string
	ok       prometheus.Counter // the status counters looked up once
	notMod   prometheus.Counter
}

// NewCounter counts audience's responses in m (nil: none).
func NewCounter(m *metrics.Metrics, audience string) *Counter {
	c := &Counter{m: m, audience: audience}
	if m != nil {
		c.ok = m.Requests.WithLabelValues(audience, "200")
		c.notMod = m.Requests.WithLabelValues(audience, "304")
	}
	return c
}

// Count counts one response of tenant tenantID (0: none).
func (c *Counter) Count(tenantID int64, status int, cacheStatus []byte, took time.Duration) {
	if c.m == nil {
		return
	}
	switch status {
	case fiber.StatusOK:
		c.ok.Inc()
	case fiber.StatusNotModified:
		c.notMod.Inc()
	default:
		c.m.Requests.WithLabelValues(c.audience, strconv.Itoa(status)).Inc()
	}
	c.m.CountTenant(tenantID, status, cacheStatus, took)
}

// StrictFraming refuses requests whose framing or target is ambiguous
// (RFC 9112 §3.2, §6.3): more than one Host field, more than one
// Content-Length field (even with equal values), or both Content-Length
// and Transfer-Encoding. fasthttp keeps the last Host and Content-Length it
// reads, so a proxy in front that reads the first would disagree with us
// about the tenant or about where the body ends (request smuggling). The
// check reads the raw header block, because the parsed one has already
// merged the duplicates; the answer is 400 and the connection is closed,
// so whatever followed the body on it is never read as a request.
func StrictFraming(c *fiber.Ctx) error {
	if AmbiguousFraming(c.Request().Header.RawHeaders()) {
		c.Context().SetConnectionClose()
		return fiber.NewError(fiber.StatusBadRequest, "ambiguous request framing")
	}
	return c.Next()
}

// AmbiguousFraming reports whether a raw header block ("Name:
// value\r\n" lines) frames its request ambiguously (StrictFraming).
func AmbiguousFraming(raw []byte) bool {
	hosts, lengths, chunked := 0, 0, false
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		name, _, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			continue
		}
		switch {
		case bytes.EqualFold(name, []byte(fiber.HeaderHost)):
			hosts++
		case bytes.EqualFold(name, []byte(fiber.HeaderContentLength)):
			lengths++
		case bytes.EqualFold(name, []byte(fiber.HeaderTransferEncoding)):
			chunked = true
		}
	}
	return hosts > 1 || lengths > 1 || (lengths > 0 && chunked)
}

// Proxies are the trusted proxies of Config.TrustedProxies, as Fiber
// reads them (addresses and CIDR ranges), for code that answers before
// Fiber does (the hit path): it must believe the same X-Forwarded-*
// headers Fiber believes.
type Proxies struct {
	addrs  []netip.Addr
	ranges []netip.Prefix
}

// NewProxies parses cfg.TrustedProxies. An entry that does not parse is
// left out, as Fiber leaves it out.
func NewProxies(cfg Config) Proxies {
	var p Proxies
	for _, s := range cfg.TrustedProxies {
		if pr, err := netip.ParsePrefix(s); err == nil {
			p.ranges = append(p.ranges, pr.Masked())
		} else if a, err := netip.ParseAddr(s); err == nil {
			p.addrs = append(p.addrs, a.Unmap())
		}
	}
	return p
}

// Trusted reports whether ip is a trusted proxy's address.
func (p Proxies) Trusted(ip net.IP) bool {
	if len(p.addrs) == 0 && len(p.ranges) == 0 {
		return false
	}
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return false
	}
	a = a.Unmap()
	for _, t := range p.addrs {
		if a == t {
			return true
		}
	}
	for _, r := range p.ranges {
		if r.Contains(a) {
			return true
		}
	}
	return false
}
