// Package crawl walks an old website politely: robots.txt first, then its
// sitemap.xml where it has one, then links on the same host, one request
// at a time with a delay, bounded in pages, bytes, depth and time.
package crawl

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/pcnweb/pcnweb/internal/safefetch"
)

// Options bound a crawl. Zero values take the defaults.
type Options struct {
	MaxPages int           // HTML pages kept; default 200
	MaxBytes int64         // all responses together; default 50 MiB
	MaxDepth int           // link hops from the start page; default 5
	MaxTime  time.Duration // default 10 minutes
	// Delay between requests; default 1s, or robots.txt's Crawl-delay
	// when that is longer (capped at 10s). Tests set a negative Delay for
	// none.
	Delay time.Duration
	// Progress, when set, is called after every page fetched.
	Progress func(Progress)
}

// Progress is how far a crawl has got.
type Progress struct {
	Fetched, Queued, Skipped int
	Current                  string
}

// Page is one HTML page of the site.
type Page struct {
	URL *url.URL // canonical: after redirects, fragment dropped
	// Aliases are other URLs of the site that led to this page (redirects,
	// the URL as linked): each needs a redirect to the page's new path.
	Aliases []*url.URL
	HTML    []byte
	Depth   int
}

// Skip is a URL that was not taken, and why ("robots.txt disallows it",
// "not HTML", "answered 404", "over the page limit" …).
type Skip struct {
	URL    string
	Reason string
}

// Result is what a crawl found.
type Result struct {
	Pages   []Page
	Skipped []Skip
	// Stopped says why the crawl ended before it ran out of links ("the
	// page limit of 200 was reached", "the time limit …"); empty when it
	// finished.
	Stopped string
}

// ErrNothing: the start URL gave no HTML page at all (the error wrapping it
// says why: refused address, 404, not HTML …).
var ErrNothing = errors.New("crawl: no page could be read")

// Crawl walks the site at start with c.
func Crawl(ctx context.Context, c *safefetch.Client, start string, o Options) (*Result, error) {
	return nil, errors.New("crawl: not implemented")
}

// Robots is a parsed robots.txt for one user agent.
type Robots struct{}

// ParseRobots reads body for the group that applies to userAgent.
func ParseRobots(body []byte, userAgent string) *Robots { return &Robots{} }

// Allowed reports whether path (with its query) may be fetched.
func (r *Robots) Allowed(path string) bool { return true }

// Sitemaps are the sitemap URLs robots.txt lists.
func (r *Robots) Sitemaps() []string { return nil }

// CrawlDelay is robots.txt's Crawl-delay, or 0.
func (r *Robots) CrawlDelay() time.Duration { return 0 }

// ParseSitemap reads a sitemap or sitemap index: page URLs and nested
// sitemap URLs, at most limit of each; more is not an error (the rest are
// ignored and truncated is true).
func ParseSitemap(body []byte, limit int) (pages, sitemaps []string, truncated bool, err error) {
	return nil, nil, false, errors.New("crawl: not implemented")
}
