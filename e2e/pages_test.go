package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// pageCase is one page type of the public site that the quality bars cover.
type pageCase struct {
	name       string // stable label, e.g. "highfives /news/<slug>"
	sub        string // subdomain of .localhost: highfives, moorland, nobody
	path       string // path and query
	wantStatus int
	// err says why the page could not be found (a list page that links to
	// no item); a test of the page fails with it.
	err string
}

func (p pageCase) host() string { return srv.host(p.sub) }
func (p pageCase) url() string  { return srv.url(p.sub, p.path) }

var (
	pagesOnce sync.Once
	pagesList []pageCase
)

// pages lists every public page type of the demo tenants. Item pages (a
// practice, a service, a post, an event) are the first item linked from
// their list page, so the list stays right when the demo content changes.
func pages(t *testing.T) []pageCase {
	t.Helper()
	pagesOnce.Do(func() { pagesList = discoverPages() })
	return pagesList
}

// item is a list page and the pattern of the links to its items.
type item struct {
	list    string
	pattern *regexp.Regexp
}

func discoverPages() []pageCase {
	const tenant = "highfives"
	p := func(path string) pageCase {
		return pageCase{name: tenant + " " + path, sub: tenant, path: path, wantStatus: 200}
	}
	found := func(it item, label string) pageCase {
		pc := pageCase{name: tenant + " " + label, sub: tenant, wantStatus: 200}
		path, err := firstLink(tenant, it)
		if err != nil {
			pc.err = err.Error()
		}
		pc.path = path
		return pc
	}
	practices := item{"/practices", regexp.MustCompile(`^/practices/[^/]+$`)}
	services := item{"/services", regexp.MustCompile(`^/services/[^/]+$`)}
	news := item{"/news", regexp.MustCompile(`^/news/[^/]+$`)}
	events := item{"/events", regexp.MustCompile(`^/events/[^/]+$`)}
	return []pageCase{
		p("/"),
		p("/about"),
		p("/practices"),
		found(practices, "/practices/<ods>"),
		p("/services"),
		found(services, "/services/<slug>"),
		p("/team"),
		p("/enhanced-access"),
		p("/news"),
		found(news, "/news/<slug>"),
		p("/events"),
		found(events, "/events/<slug>"),
		p("/vacancies"),
		p("/contact"),
		p("/accessibility"),
		p("/privacy"),
		p("/cookies"),
		p("/appointments"),
		p("/prescriptions"),
		p("/test-results"),
		p("/fit-notes"),
		p("/register"),
		p("/health-online"),
		p("/proxy-access"),
		p("/complaints"),
		p("/patient-group"),
		p("/search?q=pharmacist"),
		p("/search?q="),
		{name: tenant + " 404", sub: tenant, path: "/no-such-page", wantStatus: 404},
		{name: "moorland / (civic theme)", sub: "moorland", path: "/", wantStatus: 200},
		{name: "unknown host", sub: "nobody", path: "/", wantStatus: 404},
	}
}

// firstLink fetches the list page and returns the path of the first link
// that matches the item pattern.
func firstLink(tenant string, it item) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	resp, err := srv.get(ctx, srv.host(tenant), it.list)
	if err != nil {
		return "", fmt.Errorf("fetching %s to find an item: %v", it.list, err)
	}
	if resp.status != 200 {
		return "", fmt.Errorf("%s answered %d, so no item page to test", it.list, resp.status)
	}
	doc, err := html.Parse(bytes.NewReader(resp.body))
	if err != nil {
		return "", fmt.Errorf("parsing %s: %v", it.list, err)
	}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.Data != "a" {
			continue
		}
		u, err := url.Parse(attr(n, "href"))
		if err != nil || (u.Host != "" && u.Host != srv.host(tenant)) || u.RawQuery != "" {
			continue
		}
		if it.pattern.MatchString(u.Path) && !strings.HasSuffix(u.Path, ".xml") {
			return u.Path, nil
		}
	}
	return "", fmt.Errorf("%s links to no item matching %s", it.list, it.pattern)
}

// attr returns the value of the attribute, or "".
func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == name {
			return a.Val
		}
	}
	return ""
}

// hasAttr reports whether the element has the attribute.
func hasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == name {
			return true
		}
	}
	return false
}
