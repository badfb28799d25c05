// Package crawl walks an old website politely: robots.txt first, then its
// sitemap.xml where it has one, then links on the same host, one request
// at a time with a delay, bounded in pages, bytes, depth and time.
package crawl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/pcnweb/pcnweb/internal/safefetch"
)

// Defaults for the zero Options.
const (
	DefaultMaxPages = 200
	DefaultMaxBytes = 50 << 20
	DefaultMaxDepth = 5
	DefaultMaxTime  = 10 * time.Minute
	DefaultDelay    = time.Second
	// MaxCrawlDelay caps how long robots.txt's Crawl-delay can make a
	// crawl wait between requests.
	MaxCrawlDelay = 10 * time.Second
)

const (
	maxSitemapFiles = 20  // sitemap files read in one crawl
	maxSitemapDepth = 2   // an index of indexes of sitemaps, no deeper
	maxSkipped      = 500 // Skip entries listed; the rest are counted
	queueFactor     = 10  // addresses considered per page kept
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
	// MoreSkipped counts skipped URLs beyond the first 500, which are not
	// listed.
	MoreSkipped int
	// Stopped says why the crawl ended before it ran out of links ("the
	// page limit of 200 was reached", "the time limit …"); empty when it
	// finished.
	Stopped string
	// Requests and Bytes are what the crawl fetched; Elapsed how long it
	// took.
	Requests int
	Bytes    int64
	Elapsed  time.Duration
}

// ErrNothing: the start URL gave no HTML page at all (the error wrapping it
// says why: refused address, 404, not HTML …).
var ErrNothing = errors.New("crawl: no page could be read")

// errStop ends the walk; Result.Stopped says why.
var errStop = errors.New("crawl: stopped")

type item struct {
	u     *url.URL
	depth int
}

type crawler struct {
	c      *safefetch.Client
	o      Options
	ctx    context.Context
	parent context.Context
	site   *url.URL        // the start page, after its redirects
	sites  map[string]bool // siteKeys of the site: the start's, and where it redirected
	robots *Robots
	delay  time.Duration
	last   time.Time // when the last response was read
	res    *Result

	pages     map[string]int // canonical URL → index in res.Pages
	seen      map[string]bool
	queue     []item
	seenCap   int
	queueFull bool
}

// Crawl walks the site at start with c: robots.txt, the start page, the
// sitemaps (those robots.txt lists, else /sitemap.xml), then the links of
// every page on the same site, breadth first. It returns the pages found
// even when a limit stopped it (Result.Stopped says which). When the start
// page itself cannot be read the error wraps ErrNothing with the reason
// (and the partial Result is returned too); when ctx is cancelled the error
// is ctx's.
func Crawl(ctx context.Context, c *safefetch.Client, start string, o Options) (*Result, error) {
	began := time.Now()
	o = withDefaults(o)
	cr := &crawler{
		c:       c,
		o:       o,
		parent:  ctx,
		res:     &Result{},
		pages:   map[string]int{},
		seen:    map[string]bool{},
		seenCap: max(queueFactor*o.MaxPages, 100),
		sites:   map[string]bool{},
	}
	var cancel context.CancelFunc
	cr.ctx, cancel = context.WithTimeout(ctx, o.MaxTime)
	defer cancel()
	defer func() { cr.res.Elapsed = time.Since(began) }()

	su, ok := Normalise(nil, start)
	if !ok {
		return cr.res, fmt.Errorf("%w: %q is not a web address (http:// or https://)", ErrNothing, start)
	}
	cr.site = su
	cr.sites[siteKey(su)] = true
	if err := cr.readRobots(su); err != nil {
		return cr.res, err
	}
	if err := cr.crawl(su); err != nil {
		return cr.res, err
	}
	if cr.res.Stopped == "" && cr.queueFull {
		cr.res.Stopped = fmt.Sprintf("the site links to more than %d addresses; only the first %d were considered", cr.seenCap, cr.seenCap)
	}
	if err := ctx.Err(); err != nil {
		return cr.res, fmt.Errorf("crawl: %w", err)
	}
	return cr.res, nil
}

func withDefaults(o Options) Options {
	if o.MaxPages <= 0 {
		o.MaxPages = DefaultMaxPages
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.MaxTime <= 0 {
		o.MaxTime = DefaultMaxTime
	}
	return o
}

// effectiveDelay is the pause between requests: the option (default 1s),
// or robots.txt's Crawl-delay when longer, capped at MaxCrawlDelay. A
// negative option means none at all.
func effectiveDelay(opt, robots time.Duration) time.Duration {
	if opt < 0 {
		return 0
	}
	if opt == 0 {
		opt = DefaultDelay
	}
	if robots > opt {
		opt = min(robots, MaxCrawlDelay)
	}
	return opt
}

// crawl fetches the start page, reads the sitemaps and walks the links.
func (cr *crawler) crawl(su *url.URL) error {
	if !cr.robots.Allowed(pathQuery(su)) {
		reason := fmt.Sprintf("the site's robots.txt does not allow %s to read the start page", robotsToken(cr.c))
		cr.skip(su.String(), reason)
		return fmt.Errorf("%w: %s", ErrNothing, reason)
	}
	startLinks, skipped, err := cr.visit(item{u: su}, true)
	if err != nil {
		if errors.Is(err, errStop) {
			return fmt.Errorf("%w: %s", ErrNothing, cr.res.Stopped)
		}
		return err
	}
	if skipped != nil {
		cr.skip(su.String(), skipped.Error())
		return fmt.Errorf("%w: the start page %s: %w", ErrNothing, su, skipped)
	}
	if len(cr.res.Pages) == 0 {
		return fmt.Errorf("%w: the start page %s gave no page", ErrNothing, su)
	}
	// Sitemap pages first: the site's own list of its pages matters more
	// than whatever the home page links to when the page limit bites.
	if err := cr.readSitemaps(); err != nil {
		return cr.finish(err)
	}
	cr.enqueue(startLinks, 1)
	return cr.finish(cr.walk())
}

// finish turns errStop into a normal end (Result.Stopped says why).
func (cr *crawler) finish(err error) error {
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

func (cr *crawler) walk() error {
	for len(cr.queue) > 0 {
		it := cr.queue[0]
		cr.queue[0] = item{}
		cr.queue = cr.queue[1:]
		if _, done := cr.pages[pageKey(it.u)]; done {
			continue
		}
		if !cr.robots.Allowed(pathQuery(it.u)) {
			cr.skip(it.u.String(), "robots.txt disallows it")
			continue
		}
		links, skipped, err := cr.visit(it, false)
		if err != nil {
			return err
		}
		if skipped != nil {
			cr.skip(it.u.String(), skipped.Error())
		}
		cr.enqueue(links, it.depth+1) // past MaxDepth they are listed as skipped
	}
	return nil
}

// visit fetches one page and keeps it. It returns the page's links
// (resolved and normalised), or why the page was not kept (skipped: its
// message is the reason, and it wraps the fetch error if there was one), or
// errStop when a limit ended the crawl.
func (cr *crawler) visit(it item, isStart bool) (links []*url.URL, skipped, err error) {
	if len(cr.res.Pages) >= cr.o.MaxPages {
		return nil, nil, cr.stop(fmt.Sprintf("the page limit of %d was reached", cr.o.MaxPages))
	}
	before := cr.res.Requests
	resp, err := cr.get(it.u)
	if cr.res.Requests > before {
		defer cr.progressAfter(it.u)
	}
	if err != nil {
		if stop := cr.stopped(err); stop != nil {
			return nil, nil, stop
		}
		return nil, err, nil
	}
	final, ok := Normalise(nil, resp.URL.String())
	if !ok {
		return nil, errors.New("redirects to something that is not a web page"), nil
	}
	if resp.Status < 200 || resp.Status > 299 {
		return nil, fmt.Errorf("answered %d %s", resp.Status, http.StatusText(resp.Status)), nil
	}
	if ct := contentType(resp); !isHTML(ct) {
		return nil, fmt.Errorf("is not a web page (%s)", ct), nil
	}
	if isStart && !cr.onSite(final) {
		// The old address forwards to the site's newer one: both are the
		// site, and the newer one's robots.txt applies.
		cr.site = final
		cr.sites[siteKey(final)] = true
		if err := cr.readRobots(final); err != nil {
			return nil, nil, err
		}
	}
	if !cr.onSite(final) {
		return nil, fmt.Errorf("redirects off the site, to %s", final), nil
	}

	key := pageKey(final)
	var aliases []*url.URL
	for _, a := range append([]*url.URL{it.u}, resp.Redirected...) {
		if n, ok := Normalise(nil, a.String()); ok && cr.onSite(n) && pageKey(n) != key &&
			!slices.ContainsFunc(aliases, func(x *url.URL) bool { return pageKey(x) == pageKey(n) }) {
			aliases = append(aliases, n)
		}
	}
	cr.seen[key] = true
	for _, a := range aliases {
		cr.seen[pageKey(a)] = true
	}
	if i, dup := cr.pages[key]; dup {
		p := &cr.res.Pages[i]
		for _, a := range aliases {
			if !slices.ContainsFunc(p.Aliases, func(x *url.URL) bool { return pageKey(x) == pageKey(a) }) {
				p.Aliases = append(p.Aliases, a)
			}
		}
		return nil, nil, nil
	}
	cr.pages[key] = len(cr.res.Pages)
	cr.res.Pages = append(cr.res.Pages, Page{URL: final, Aliases: aliases, HTML: resp.Body, Depth: it.depth})

	hrefs, base := pageLinks(resp.Body, resp.URL)
	for _, h := range hrefs {
		if u, ok := Normalise(base, h); ok {
			links = append(links, u)
		}
	}
	return links, nil, nil
}

// onSite reports whether u is on the site being crawled.
func (cr *crawler) onSite(u *url.URL) bool { return cr.sites[siteKey(u)] }

// pageKey is what makes two URLs the same page: the site (www. or not,
// http or https) with the path and query.
func pageKey(u *url.URL) string {
	k := siteKey(u) + u.EscapedPath()
	if u.RawQuery != "" {
		k += "?" + u.RawQuery
	}
	return k
}

// progressAfter reports progress after a page's request.
func (cr *crawler) progressAfter(u *url.URL) {
	if cr.o.Progress != nil {
		cr.o.Progress(Progress{
			Fetched: cr.res.Requests,
			Queued:  len(cr.queue),
			Skipped: len(cr.res.Skipped) + cr.res.MoreSkipped,
			Current: u.String(),
		})
	}
}

// enqueue adds the links on the site that are pages, not seen before, to
// the queue at depth.
func (cr *crawler) enqueue(links []*url.URL, depth int) {
	for _, u := range links {
		if !cr.onSite(u) || IsFileLink(u) {
			continue // other sites' pages and files are the extractor's business
		}
		key := pageKey(u)
		if cr.seen[key] {
			continue
		}
		if len(cr.seen) >= cr.seenCap {
			cr.queueFull = true
			return
		}
		cr.seen[key] = true
		if depth > cr.o.MaxDepth {
			cr.skip(u.String(), fmt.Sprintf("more than %d links away from the start page", cr.o.MaxDepth))
			continue
		}
		cr.queue = append(cr.queue, item{u: u, depth: depth})
	}
}

// get waits out the delay since the last request and fetches u within the
// byte budget.
func (cr *crawler) get(u *url.URL) (*safefetch.Response, error) {
	if err := cr.wait(); err != nil {
		return nil, err
	}
	resp, err := cr.c.Get(cr.ctx, u.String())
	cr.last = time.Now()
	cr.res.Requests++
	if err != nil {
		return nil, err
	}
	cr.res.Bytes += int64(len(resp.Body))
	return resp, nil
}

// wait pauses until the delay since the last response has passed, or
// refuses when the byte budget is spent.
func (cr *crawler) wait() error {
	if cr.res.Bytes >= cr.o.MaxBytes {
		return cr.stop(fmt.Sprintf("the limit of %s downloaded was reached", mib(cr.o.MaxBytes)))
	}
	if cr.res.Requests == 0 || cr.delay <= 0 {
		return cr.ctx.Err()
	}
	d := time.Until(cr.last.Add(cr.delay))
	if d <= 0 {
		return cr.ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-cr.ctx.Done():
		return cr.ctx.Err()
	}
}

// stopped turns a fetch error into errStop when it is the crawl's own
// deadline or cancellation, else nil (the error is about that one URL).
func (cr *crawler) stopped(err error) error {
	if errors.Is(err, errStop) {
		return err
	}
	if cr.parent.Err() != nil {
		return fmt.Errorf("crawl: %w", cr.parent.Err())
	}
	if cr.ctx.Err() != nil {
		return cr.stop(fmt.Sprintf("the time limit of %s was reached", cr.o.MaxTime))
	}
	return nil
}

func (cr *crawler) stop(reason string) error {
	if cr.res.Stopped == "" {
		cr.res.Stopped = reason
	}
	return errStop
}

func (cr *crawler) skip(u, reason string) {
	if len(cr.res.Skipped) >= maxSkipped {
		cr.res.MoreSkipped++
		return
	}
	cr.res.Skipped = append(cr.res.Skipped, Skip{URL: u, Reason: reason})
}

// readRobots reads the site's robots.txt and sets the rules and the delay.
// A robots.txt that is missing (4xx) or unreachable allows everything (the
// start page's own fetch then says what is wrong); one that fails with a
// server error (5xx, 429) forbids everything, as search engines treat it.
func (cr *crawler) readRobots(site *url.URL) error {
	ru := &url.URL{Scheme: site.Scheme, Host: site.Host, Path: "/robots.txt"}
	cr.robots = nil
	resp, err := cr.get(ru)
	switch {
	case err != nil:
		if stop := cr.stopped(err); stop != nil {
			if errors.Is(stop, errStop) {
				return fmt.Errorf("%w: %s", ErrNothing, cr.res.Stopped)
			}
			return stop
		}
	case resp.Status >= 200 && resp.Status <= 299:
		cr.robots = ParseRobots(resp.Body, robotsToken(cr.c))
	case resp.Status == http.StatusTooManyRequests || resp.Status >= 500:
		cr.robots = disallowEverything()
		reason := fmt.Sprintf("the site's robots.txt answered %d %s: as search engines do, the importer reads nothing from a site whose robots.txt fails with a server error; try again later",
			resp.Status, http.StatusText(resp.Status))
		cr.res.Stopped = reason
		cr.skip(site.String(), reason)
		return fmt.Errorf("%w: %s", ErrNothing, reason)
	}
	cr.delay = effectiveDelay(cr.o.Delay, cr.robots.CrawlDelay())
	return nil
}

// readSitemaps reads the sitemaps robots.txt lists, or /sitemap.xml, and
// indexes of them to maxSitemapDepth, and queues their pages at depth 1.
func (cr *crawler) readSitemaps() error {
	type sitemap struct {
		u       *url.URL
		depth   int
		guessed bool // /sitemap.xml, not named anywhere: silent when missing
	}
	var todo []sitemap
	for _, s := range cr.robots.Sitemaps() {
		u, ok := Normalise(nil, s)
		if !ok {
			continue
		}
		if !cr.onSite(u) {
			cr.skip(u.String(), "a sitemap on another site, not read")
			continue
		}
		todo = append(todo, sitemap{u: u})
	}
	if len(todo) == 0 {
		todo = append(todo, sitemap{u: &url.URL{Scheme: cr.site.Scheme, Host: cr.site.Host, Path: "/sitemap.xml"}, guessed: true})
	}
	done := map[string]bool{}
	for files := 0; len(todo) > 0 && files < maxSitemapFiles; {
		sm := todo[0]
		todo = todo[1:]
		if done[sm.u.String()] {
			continue
		}
		done[sm.u.String()] = true
		if !cr.robots.Allowed(pathQuery(sm.u)) {
			if !sm.guessed {
				cr.skip(sm.u.String(), "robots.txt disallows it")
			}
			continue
		}
		limit := cr.seenCap - len(cr.seen)
		if limit <= 0 {
			cr.queueFull = true
			return nil
		}
		files++
		pages, subs, err := cr.readSitemap(sm.u, limit, sm.guessed)
		if err != nil {
			return err
		}
		var us []*url.URL
		for _, p := range pages {
			if u, ok := Normalise(nil, p); ok {
				us = append(us, u)
			}
		}
		cr.enqueue(us, 1)
		if sm.depth < maxSitemapDepth {
			for _, s := range subs {
				if u, ok := Normalise(nil, s); ok && cr.onSite(u) {
					todo = append(todo, sitemap{u: u, depth: sm.depth + 1})
				}
			}
		}
	}
	return nil
}

// readSitemap fetches one sitemap and streams its addresses out, at most
// limit of them. Problems with it are Skips; only errStop or cancellation
// is an error.
func (cr *crawler) readSitemap(u *url.URL, limit int, guessed bool) (pages, subs []string, err error) {
	if err := cr.wait(); err != nil {
		if stop := cr.stopped(err); stop != nil {
			return nil, nil, stop
		}
		return nil, nil, err
	}
	resp, body, err := cr.c.Open(cr.ctx, u.String())
	cr.res.Requests++
	if err != nil {
		cr.last = time.Now()
		if stop := cr.stopped(err); stop != nil {
			return nil, nil, stop
		}
		if !guessed {
			cr.skip(u.String(), "the sitemap could not be read: "+err.Error())
		}
		return nil, nil, nil
	}
	counted := &countingReader{r: body}
	defer func() {
		body.Close()
		cr.last = time.Now()
		cr.res.Bytes += counted.n
	}()
	if resp.Status < 200 || resp.Status > 299 {
		if !guessed {
			cr.skip(u.String(), fmt.Sprintf("the sitemap answered %d %s", resp.Status, http.StatusText(resp.Status)))
		}
		return nil, nil, nil
	}
	if guessed && isHTML(resp.ContentType) {
		return nil, nil, nil // a "page not found" page served with 200
	}
	pages, subs, truncated, perr := parseSitemap(counted, limit)
	if perr != nil && errors.Is(perr, safefetch.ErrTooLarge) {
		truncated, perr = true, nil
	}
	if perr != nil {
		if stop := cr.stopped(perr); stop != nil {
			return nil, nil, stop
		}
		cr.skip(u.String(), "the sitemap is broken after "+fmt.Sprint(len(pages))+" addresses: "+perr.Error())
	}
	if truncated {
		cr.skip(u.String(), fmt.Sprintf("the sitemap lists more addresses than the crawl considers; only the first %d were read", len(pages)+len(subs)))
	}
	return pages, subs, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func contentType(resp *safefetch.Response) string {
	if resp.ContentType != "" {
		return resp.ContentType
	}
	mt, _, _ := mime.ParseMediaType(http.DetectContentType(resp.Body))
	return mt
}

func isHTML(mediaType string) bool {
	return mediaType == "text/html" || mediaType == "application/xhtml+xml"
}

// pathQuery is what robots.txt rules match: the path and query.
func pathQuery(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

// robotsToken is the product token robots.txt groups are matched on.
func robotsToken(c *safefetch.Client) string {
	ua := c.Options().UserAgent
	if i := strings.IndexAny(ua, "/ "); i >= 0 {
		ua = ua[:i]
	}
	return ua
}

func mib(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
