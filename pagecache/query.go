package pagecache

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Declared query parameters.
//
// A cached route declares the query parameters its handler reads (most
// read none; /search reads q). Before the cache looks anything up, the
// request's query string is rewritten to the canonical form of the declared
// parameters alone: names sorted, each name's values in the order given,
// one encoding. The cache key is built from that string, and the handler
// reads from that same string, whatever accessor it uses (c.Query,
// QueryArgs, OriginalURL), so the two cannot disagree: there is no second
// reading of the query for them to differ on. Parameters a route does not
// declare (?utm_source=…) are dropped, so they share the plain page's entry
// and the handler never sees them. A query string that url.ParseQuery
// refuses (a semicolon, a bad %-escape) is answered 400: dropping it from
// the key while the handler still read it is how a crafted query once
// poisoned the plain page.
//
// Handlers read values through Param, which panics for a name the route did
// not declare, so a handler that comes to depend on a new parameter fails
// in its first test instead of silently reading nothing.

type declaredKey struct{}

// declare validates a route's parameter names, once, when the route is
// registered.
func declare(names []string) []string {
	out := slices.Clone(names)
	slices.Sort(out)
	for i, n := range out {
		if n == "" || (i > 0 && out[i-1] == n) {
			panic(fmt.Sprintf("pagecache: bad query parameter declaration %q", names))
		}
	}
	return out
}

// CanonicalQuery returns the canonical form of the parameters of raw named
// in declared (which must be sorted): "" when none is present. Undeclared
// parameters are dropped. It fails when url.ParseQuery refuses raw.
func CanonicalQuery(raw []byte, declared []string) (string, error) {
	if len(raw) == 0 {
		return "", nil
	}
	q, err := url.ParseQuery(string(raw))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, name := range declared { // sorted
		for _, v := range q[name] { // in the order given: a handler reads the first
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(name))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	return b.String(), nil
}

// restrictQuery rewrites the request's query string to the canonical form
// of the declared parameters and returns it; a query string that does not
// parse is a 400.
func restrictQuery(fc *fiber.Ctx, declared []string) (string, error) {
	fc.Locals(declaredKey{}, declared)
	req := fc.Request()
	raw := req.URI().QueryString()
	query, err := CanonicalQuery(raw, declared)
	if err != nil {
		return "", fiber.NewError(fiber.StatusBadRequest, badQueryMessage(err))
	}
	if query == string(raw) {
		return query, nil
	}
	// Both the parsed URI (c.Query, QueryArgs) and the request line
	// (OriginalURL) are rewritten; the path is kept as sent.
	req.URI().SetQueryString(query)
	line := string(req.Header.RequestURI())
	if i := strings.IndexByte(line, '?'); i >= 0 {
		line = line[:i]
	}
	if query != "" {
		line += "?" + query
	}
	req.Header.SetRequestURI(line)
	return query, nil
}

// badQueryMessage says, for the person who typed or followed the address,
// what is wrong with its query string.
func badQueryMessage(err error) string {
	const prefix = "The part of the web address after the question mark (?) cannot be read: "
	var esc url.EscapeError
	switch {
	case errors.As(err, &esc):
		return prefix + "it has a percent sign (%) that is not followed by two hexadecimal digits."
	case strings.Contains(err.Error(), "semicolon"):
		return prefix + "it has a semicolon (;), which is not allowed there. Use & between parts."
	}
	return prefix + "check the address."
}

// Param returns the first value of the query parameter name, which the
// route must have declared. Reading an undeclared parameter is a
// programming error and panics: the cache key ignores it, so the handler
// must not depend on it.
func Param(c *fiber.Ctx, name string) string {
	declared, ok := c.Locals(declaredKey{}).([]string)
	if !ok {
		panic(fmt.Sprintf("pagecache: query parameter %q read on %s, a route without the page cache's declaration", name, c.Path()))
	}
	if _, found := slices.BinarySearch(declared, name); !found {
		panic(fmt.Sprintf("pagecache: query parameter %q read on %s, whose route declares only %q", name, c.Path(), declared))
	}
	return c.Query(name)
}
