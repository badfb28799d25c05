package siteimport

import (
	"fmt"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/pcnweb/pcnweb/models"
)

// OldHomePath is where the old site's home page goes: never over "/".
const OldHomePath = "/old-home"

// platformPaths are first path segments the public site serves itself,
// where a page would never be shown; an imported page there gets another
// first segment.
var platformPaths = map[string]string{
	"practices": "our-practices", "services": "our-services", "team": "our-team",
	"enhanced-access": "about-enhanced-access", "news": "our-news", "events": "our-events",
	"vacancies": "our-vacancies", "contact": "contact-us", "search": "site-search",
}

// droppedExt are file extensions of pages that an old path loses.
var droppedExt = []string{".html", ".htm", ".php", ".aspx", ".asp", ".shtml", ".jsp"}

// homeNames are last segments that mean the home page.
var homeNames = map[string]bool{"": true, "index": true, "home": true, "default": true, "home-page": true, "homepage": true}

// PagePath is the path an old page's URL becomes: lower case, without
// ".html", ".php" …, each segment made of letters, digits and single
// hyphens, at most five levels; "/" for the old home page. A path the
// platform serves itself gets another first segment (/news/x →
// /our-news/x), and a path models would refuse gets "old-" in front.
func PagePath(u *url.URL) string {
	p := strings.ToLower(u.Path)
	for _, ext := range droppedExt {
		p = strings.TrimSuffix(p, ext)
	}
	var segs []string
	for _, s := range strings.Split(p, "/") {
		if s = models.Slugify(unescape(s)); s != "" {
			segs = append(segs, s)
		}
	}
	if len(segs) > 0 && segs[len(segs)-1] == "index" {
		segs = segs[:len(segs)-1]
	}
	if q := u.Query(); len(q) > 0 {
		// "/?page_id=7", "/index.php?p=12": the query names the page.
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, k, q.Get(k))
		}
		if s := models.Slugify(strings.Join(parts, " ")); s != "" {
			segs = append(segs, s)
		}
	}
	if len(segs) == 0 || len(segs) == 1 && homeNames[segs[0]] {
		return "/"
	}
	if len(segs) > 5 {
		segs = append(segs[:4], segs[len(segs)-1])
	}
	for i, s := range segs {
		if len(s) > 60 {
			segs[i] = strings.Trim(s[:60], "-")
		}
	}
	if alt, ok := platformPaths[segs[0]]; ok {
		segs[0] = alt
	}
	p = "/" + strings.Join(segs, "/")
	if models.ValidatePagePath(p) != nil {
		segs[0] = "old-" + segs[0]
		p = "/" + strings.Join(segs, "/")
		if models.ValidatePagePath(p) != nil {
			return "/old-page"
		}
	}
	return p
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// planner hands out a path to each page of one import, once each.
type planner struct{ taken map[string]bool }

// claim returns want, or want-2, want-3 … when another page of this import
// has it.
func (p *planner) claim(want string) string {
	if p.taken == nil {
		p.taken = map[string]bool{}
	}
	got := want
	for n := 2; p.taken[got]; n++ {
		got = want + "-" + strconv.Itoa(n)
	}
	p.taken[got] = true
	return got
}

// urlKey is how two URLs of one site are told to be the same page: no
// scheme, host without "www.", path without a trailing slash, the query
// kept, no fragment.
func urlKey(u *url.URL) string {
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	p := strings.TrimSuffix(u.EscapedPath(), "/")
	k := host + p
	if u.RawQuery != "" {
		k += "?" + u.Query().Encode()
	}
	return k
}

// sameSite reports whether u is on the site whose host is host (with or
// without "www.").
func sameSite(u *url.URL, host string) bool {
	return u != nil && (u.Scheme == "http" || u.Scheme == "https") &&
		strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.") == strings.TrimPrefix(strings.ToLower(host), "www.")
}

// oldPath is u's path with its query, as a redirect matches it.
func oldPath(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

// platformServes says the public site answers u's path with a page of its
// own (/contact, /practices/ …; routes match without case or a trailing
// slash): a redirect from there would never be used, so none is made.
func platformServes(u *url.URL) bool {
	if u.RawQuery != "" {
		return false
	}
	seg := strings.ToLower(strings.Trim(u.Path, "/"))
	_, ok := platformPaths[seg]
	return ok
}

// noteOwnPage tells the report that the old address u of page gets no
// redirect to its new path to, since the new site answers u itself.
func (r *run) noteOwnPage(page string, u *url.URL, to string) {
	note(&r.rep.Found, page, "address", fmt.Sprintf("the old address %s is the new site's own page there, so it gets no redirect to %s", oldPath(u), to))
}

// isPDF reports whether a link looks like it leads to a PDF.
func isPDF(u *url.URL) bool {
	return strings.EqualFold(path.Ext(u.Path), ".pdf")
}
