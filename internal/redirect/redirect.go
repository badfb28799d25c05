// Package redirect is the one way the platform answers with a redirect.
// Every Location it sends is either a path on the request's own host or,
// for a tenant's primary domain, an absolute URL whose authority is a host
// name the caller vouches for. Nothing typed by a client (a request path,
// a form field) can make a browser leave the host: "//evil.example",
// "/\evil.example", "/\t/evil.example" and the like are cleaned or refused
// here, in one place, and a test checks that no other package calls
// fiber's Ctx.Redirect or sets Location itself.
package redirect

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/hostname"
)

// Path returns p as a reference to a path on the same host, fit for a
// Location header, and whether p could be made one.
//
// p must start with "/". The result starts with exactly one "/" and never
// with "//" or "/\" (which browsers read as another host): runs of slashes
// in the path are collapsed and backslashes are percent-encoded, as are
// spaces and bytes outside printable ASCII. A p holding control characters
// is refused rather than cleaned, because browsers strip tabs and newlines
// from URLs ("/\t/evil" would reach them as "//evil"). The query and
// fragment, if any, are kept, with the same bytes encoded; a "%" that
// starts no escape becomes "%25".
func Path(p string) (string, bool) {
	if !strings.HasPrefix(p, "/") {
		return "", false
	}
	for i := 0; i < len(p); i++ {
		if b := p[i]; b < 0x20 || b == 0x7f {
			return "", false
		}
	}
	path, rest := p, ""
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		path, rest = p[:i], p[i:]
	}
	var b strings.Builder
	b.Grow(len(p) + 8)
	for i := 0; i < len(path); i++ {
		if path[i] == '/' && i > 0 && path[i-1] == '/' {
			continue // collapse "//" runs: the first slash was written
		}
		writeByte(&b, path, i)
	}
	for i := 0; i < len(rest); i++ {
		writeByte(&b, rest, i)
	}
	return b.String(), true
}

// writeByte writes s[i], percent-encoded when a browser could read it as
// something other than a plain character of a same-host path (a "%" that
// starts no escape is written as "%25", so the result is a valid URL).
func writeByte(b *strings.Builder, s string, i int) {
	const hex = "0123456789ABCDEF"
	c := s[i]
	stray := c == '%' && (i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]))
	if stray || c == '\\' || c == ' ' || c == '"' || c == '<' || c == '>' || c >= 0x80 {
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xf])
		return
	}
	b.WriteByte(c)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// To answers with a redirect to target, a path on this host (with a query,
// if any). A target that Path refuses is answered 404 rather than
// followed: it came from the request, and there is nothing to send the
// browser to.
func To(c *fiber.Ctx, target string, status int) error {
	p, ok := Path(target)
	if !ok {
		return fiber.ErrNotFound
	}
	return c.Redirect(p, status)
}

// ToHost answers with a redirect to the same path and query as the
// request's, on host (a normalised host name the caller vouches for, such
// as a tenant's primary domain) and port ("" for the scheme's default),
// under scheme ("http" or "https"). The host and scheme are checked: a
// bad one is a server error, never a redirect elsewhere.
func ToHost(c *fiber.Ctx, scheme, host, port string, status int) error {
	target := c.Path()
	if q := c.Request().URI().QueryString(); len(q) > 0 {
		target += "?" + string(q)
	}
	return toOrigin(c, scheme, host, port, target, status)
}

// ToOrigin answers with a redirect to path on origin, "scheme://host[:port]"
// as the platform's configuration names it (a tenant's platform host, for
// the console's way into a tenant's panel) — never a value from the
// request. The origin is checked as ToHost checks its parts.
func ToOrigin(c *fiber.Ctx, origin, path string, status int) error {
	scheme, rest, ok := strings.Cut(origin, "://")
	if !ok {
		return fiber.NewError(fiber.StatusInternalServerError, "redirect: bad origin")
	}
	host, port := rest, ""
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		host, port = rest[:i], rest[i+1:]
		if port == "" {
			return fiber.NewError(fiber.StatusInternalServerError, "redirect: bad port")
		}
	}
	return toOrigin(c, scheme, host, port, path, status)
}

func toOrigin(c *fiber.Ctx, scheme, host, port, target string, status int) error {
	if scheme != "http" && scheme != "https" {
		return fiber.NewError(fiber.StatusInternalServerError, "redirect: bad scheme")
	}
	if h, err := hostname.Normalize(host); err != nil || h != host {
		return fiber.NewError(fiber.StatusInternalServerError, "redirect: bad host")
	}
	if port != "" && (len(port) > 5 || strings.Trim(port, "0123456789") != "") {
		return fiber.NewError(fiber.StatusInternalServerError, "redirect: bad port")
	}
	p, ok := Path(target)
	if !ok {
		return fiber.ErrNotFound
	}
	authority := host
	if port != "" {
		authority += ":" + port
	}
	return c.Redirect(scheme+"://"+authority+p, status)
}

// Created points a 201 answer at the created resource, a path on this
// host, through the same check as To.
func Created(c *fiber.Ctx, target string) error {
	p, ok := Path(target)
	if !ok {
		return fiber.NewError(fiber.StatusInternalServerError, "redirect: bad location")
	}
	c.Location(p)
	c.Status(fiber.StatusCreated)
	return nil
}
