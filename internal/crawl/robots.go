package crawl

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// robotsMaxBytes is how much of a robots.txt is read (RFC 9309 asks for at
// least 500 KiB; the rest is ignored).
const robotsMaxBytes = 500 << 10

// robotsMaxRules bounds the rules kept for our group, so a hostile file
// cannot make every Allowed call slow. Real files have tens.
const robotsMaxRules = 1000

// Robots is a parsed robots.txt for one user agent. The nil *Robots and the
// zero Robots allow everything.
type Robots struct {
	rules       []robotsRule
	delay       time.Duration
	sitemaps    []string
	disallowAll bool
}

type robotsRule struct {
	allow   bool
	pattern string
}

// ParseRobots reads body for the group that applies to userAgent: the
// groups naming its product token (the part before "/", case-insensitive)
// or, when none does, the "*" groups. Allow and Disallow rules match by
// the longest pattern ("*" any run of characters, "$" the end), Allow
// winning a tie; Crawl-delay is in seconds; Sitemap lines count wherever
// they are.
func ParseRobots(body []byte, userAgent string) *Robots {
	if len(body) > robotsMaxBytes {
		body = body[:robotsMaxBytes]
	}
	token := strings.ToLower(strings.TrimSpace(userAgent))
	if i := strings.IndexAny(token, "/ "); i >= 0 {
		token = token[:i]
	}

	type group struct {
		agents []string
		rules  []robotsRule
		delay  time.Duration
	}
	var groups []*group
	var cur *group
	inAgents := false // the previous line was a user-agent line
	r := &Robots{}
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	for _, line := range strings.FieldsFunc(string(body), func(c rune) bool { return c == '\n' || c == '\r' }) {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		value = strings.TrimSpace(value)
		switch key {
		case "user-agent", "useragent", "user agent":
			if !inAgents || cur == nil {
				cur = &group{}
				groups = append(groups, cur)
			}
			cur.agents = append(cur.agents, strings.ToLower(value))
			inAgents = true
			continue
		case "sitemap", "site-map":
			if value != "" && len(r.sitemaps) < 100 {
				r.sitemaps = append(r.sitemaps, value)
			}
			continue // does not end a run of user-agent lines' group
		}
		inAgents = false
		if cur == nil {
			continue // rules before any user-agent line belong to no group
		}
		switch key {
		case "allow", "disallow":
			if value == "" {
				continue // "Disallow:" with nothing allows everything
			}
			if len(cur.rules) < robotsMaxRules {
				cur.rules = append(cur.rules, robotsRule{allow: key == "allow", pattern: normalisePattern(value)})
			}
		case "crawl-delay":
			if s, err := strconv.ParseFloat(value, 64); err == nil && s > 0 && s < 86400 {
				cur.delay = time.Duration(s * float64(time.Second))
			}
		}
	}

	pick := func(match func(agent string) bool) bool {
		found := false
		for _, g := range groups {
			for _, a := range g.agents {
				if match(a) {
					found = true
					r.rules = append(r.rules, g.rules[:min(len(g.rules), robotsMaxRules-len(r.rules))]...)
					if g.delay > r.delay {
						r.delay = g.delay
					}
					break
				}
			}
		}
		return found
	}
	if token == "" || token == "*" || !pick(func(a string) bool { return a == token }) {
		pick(func(a string) bool { return a == "*" })
	}
	return r
}

// disallowEverything is the Robots for a site whose robots.txt could not be
// read because of a server error: as search engines do, nothing is fetched.
func disallowEverything() *Robots { return &Robots{disallowAll: true} }

// Allowed reports whether path (with its query) may be fetched.
func (r *Robots) Allowed(path string) bool {
	if r == nil {
		return true
	}
	if path == "" {
		path = "/"
	}
	if path == "/robots.txt" {
		return true
	}
	if r.disallowAll {
		return false
	}
	path = normalisePattern(path)
	best, allowed := -1, true
	for _, rule := range r.rules {
		if len(rule.pattern) < best {
			continue
		}
		if !matchPattern(rule.pattern, path) {
			continue
		}
		if len(rule.pattern) > best || rule.allow {
			best, allowed = len(rule.pattern), rule.allow
		}
	}
	return allowed
}

// Sitemaps are the sitemap URLs robots.txt lists.
func (r *Robots) Sitemaps() []string {
	if r == nil {
		return nil
	}
	return r.sitemaps
}

// CrawlDelay is robots.txt's Crawl-delay, or 0.
func (r *Robots) CrawlDelay() time.Duration {
	if r == nil {
		return 0
	}
	return r.delay
}

// normalisePattern percent-encodes what a URL path would have encoded
// (non-ASCII bytes, spaces) and upper-cases existing escapes, so a rule
// written with "é" matches the path "%C3%A9".
func normalisePattern(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]):
			b.WriteByte('%')
			b.WriteString(strings.ToUpper(s[i+1 : i+3]))
			i += 2
		case c >= 0x80 || c <= ' ' || c == 0x7f:
			b.WriteString(url.PathEscape(string([]byte{c})))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// matchPattern reports whether a robots.txt pattern matches the start of
// path ("*" any run of characters; a final "$" anchors the end).
func matchPattern(pattern, path string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	if anchored {
		pattern = pattern[:len(pattern)-1]
	}
	parts := strings.Split(pattern, "*")
	// The first part is a prefix of path.
	if !strings.HasPrefix(path, parts[0]) {
		return false
	}
	rest := path[len(parts[0]):]
	if len(parts) == 1 {
		return !anchored || rest == ""
	}
	last := parts[len(parts)-1]
	middle := parts[1 : len(parts)-1]
	// Each middle part at its leftmost place; the last one, when anchored,
	// at the very end (after the middles), else anywhere after them.
	for _, p := range middle {
		i := strings.Index(rest, p)
		if i < 0 {
			return false
		}
		rest = rest[i+len(p):]
	}
	if anchored {
		return strings.HasSuffix(rest, last)
	}
	return strings.Contains(rest, last)
}
