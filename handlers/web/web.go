// Package web holds what every audience's Fiber app shares: the standard
// middleware stack (request id and deadline, access log, security headers)
// and the Fiber configuration.
package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

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
		ReadTimeout:             15 * time.Second,
		WriteTimeout:            30 * time.Second,
		IdleTimeout:             120 * time.Second,
		BodyLimit:               21 << 20, // the largest media upload (media.MaxUpload, 20 MB) and its form fields
		ErrorHandler:            errorHandler,
	}
}

type ridKey struct{}

// RequestID returns the request's id, set by Context.
func RequestID(c *fiber.Ctx) string {
	id, _ := c.Locals(ridKey{}).(string)
	return id
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
		var b [8]byte
		_, _ = rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		c.Locals(ridKey{}, id)
		c.Set(fiber.HeaderXRequestID, id)
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		c.SetUserContext(ctx)
		return c.Next()
	}
}

// SecurityHeaders sets the headers every response carries. The CSP allows
// only the platform's own scripts, styles and images: themes have no inline
// code, and no page makes a third-party request.
func SecurityHeaders(cfg Config) fiber.Handler {
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
		"connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
	return func(c *fiber.Ctx) error {
		h := &c.Response().Header
		h.Set(fiber.HeaderContentSecurityPolicy, csp)
		h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		h.Set(fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
		h.Set(fiber.HeaderXFrameOptions, "DENY")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if cfg.Secure {
			h.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000; includeSubDomains")
		}
		return c.Next()
	}
}

// AccessLog writes one structured line per request and counts responses.
// It runs the error handler itself so that the logged status is the one sent.
func AccessLog(log *slog.Logger, m *metrics.Metrics, audience string, tenantID func(*fiber.Ctx) int64) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		if err := c.Next(); err != nil {
			if herr := c.App().Config().ErrorHandler(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		status := c.Response().StatusCode()
		if m != nil {
			m.Requests.WithLabelValues(audience, strconv.Itoa(status)).Inc()
			m.CountTenant(tenantID(c), status, c.Response().Header.Peek("Cache-Status"), time.Since(start))
		}
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		if !log.Enabled(c.UserContext(), level) {
			return nil
		}
		log.LogAttrs(c.UserContext(), level, "request",
			slog.String("request_id", RequestID(c)),
			slog.Int64("tenant_id", tenantID(c)),
			slog.Group("request", slog.String("method", c.Method()), slog.String("host", c.Hostname()), slog.String("path", c.Path()), slog.String("ip", c.IP())),
			slog.Group("response", slog.Int("status", status), slog.String("cache", string(c.Response().Header.Peek("Cache-Status"))), slog.Int("bytes", len(c.Response().Body()))),
			slog.Int64("duration_ms", time.Since(start).Milliseconds()),
		)
		return nil
	}
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
	if ambiguousFraming(c.Request().Header.RawHeaders()) {
		c.Context().SetConnectionClose()
		return fiber.NewError(fiber.StatusBadRequest, "ambiguous request framing")
	}
	return c.Next()
}

// ambiguousFraming scans a raw header block ("Name: value\r\n" lines).
func ambiguousFraming(raw []byte) bool {
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
