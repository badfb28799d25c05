package themes

// Rendering every page of every theme, full and empty: the layout around
// the content (title and heading, head, header, breadcrumbs, announcement,
// footer, review dates) and the empty states; what each page type shows of
// its own data is in pages_test.go.

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"
)

func TestRenderEveryPage(t *testing.T) {
	r := mustLoad(t)
	for _, th := range r.Themes() {
		for _, name := range RequiredPages {
			for _, tc := range []struct {
				label string
				page  Page
			}{{"full", fullPage()}, {"empty", Page{}}} {
				t.Run(th+"/"+name+"/"+tc.label, func(t *testing.T) {
					out := render(t, r, th, name, tc.page)
					doc := checkDocument(t, r, out)
					checkA11y(t, doc)
					if tc.label == "full" {
						checkFull(t, th, name, out, doc)
					} else {
						checkEmpty(t, name, out, doc)
					}
				})
			}
		}
	}
}

// Pages that show Page.Body, and pages that show the review dates.
var (
	bodyPages     = map[string]bool{"home": true, "page": true}
	reviewedPages = map[string]bool{
		"home": true, "page": true, "contact": true, "practices": true, "practice": true, "services": true,
		"service": true, "team": true, "enhanced-access": true, "accessibility": true, "privacy": true, "cookies": true,
		"appointments": true, "prescriptions": true, "test-results": true, "fit-notes": true, "register": true,
		"health-online": true, "proxy-access": true, "complaints": true, "patient-group": true,
	}
	noCrumbPages = map[string]bool{"home": true, "notfound": true, "error": true, "unavailable": true, "holding": true}
)

// ownHeadings are the <title> and <h1> of the pages that are not headed by
// Page.Title (every other page's <h1> is its Title, its <title> the Title
// followed by the site's name).
var ownHeadings = map[string]struct{ title, h1 string }{
	"home":        {"High Fives PCN", "High Fives PCN"},
	"notfound":    {"Page not found - High Fives PCN", "Page not found"},
	"error":       {"Sorry, there is a problem with the service - High Fives PCN", "Sorry, there is a problem with the service"},
	"unavailable": {"Sorry, this website is not available at the moment - High Fives PCN", "Sorry, this website is not available at the moment"},
	"search":      {hostileTitle + " - High Fives PCN", "Search"},
	"holding":     {"Our new website is coming soon - High Fives PCN", "High Fives PCN"},
}

// checkFull checks a page rendered from fullPage(): the layout around its
// content, then what its page type shows (checkPageContent, pages_test.go).
func checkFull(t *testing.T, theme, name, out string, doc *html.Node) {
	p := fullPage()
	if strings.Contains(out, hostileTitle) || strings.Contains(out, "<b>not bold</b>") || strings.Contains(out, "<script>alert") {
		t.Errorf("tenant text not escaped")
	}
	wantTitle := hostileTitle + " - High Fives PCN"
	wantH1 := hostileTitle
	if h, ok := ownHeadings[name]; ok {
		wantTitle, wantH1 = h.title, h.h1
	}
	if got := titleOf(doc); got != wantTitle {
		t.Errorf("<title> = %q, want %q", got, wantTitle)
	}
	if h1 := text(elements(doc, "h1")[0]); h1 != wantH1 {
		t.Errorf("<h1> = %q, want %q", h1, wantH1)
	}
	body := strings.Contains(out, `<p class="nhsuk-body" id="body-marker">Trusted <strong>body</strong></p>`)
	if bodyPages[name] != body {
		t.Errorf("Body shown = %v on %s", body, name)
	}
	all := text(doc)
	reviewed := strings.Contains(all, "Page last reviewed: 2 January 2026") && strings.Contains(all, "Next review due: 2 July 2026")
	if reviewedPages[name] != reviewed {
		t.Errorf("review dates shown = %v on %s", reviewed, name)
	}
	if (name == "notfound" || name == "error") && !strings.Contains(out, "Message &lt;b&gt;not bold&lt;/b&gt;") {
		t.Errorf("%s lacks the escaped Message", name)
	}

	// Breadcrumbs: Home, then the parents; the current page is not a link.
	var crumbs []string
	for _, nav := range elements(doc, "nav") {
		if l, _ := attr(nav, "aria-label"); l == "Breadcrumb" {
			for _, li := range elements(nav, "li") {
				a := elements(li, "a")
				if len(a) != 1 {
					t.Errorf("breadcrumb item %q is not a link", text(li))
					continue
				}
				href, _ := attr(a[0], "href")
				crumbs = append(crumbs, text(a[0])+"="+href)
			}
		}
	}
	if noCrumbPages[name] {
		if crumbs != nil {
			t.Errorf("%s has breadcrumbs", name)
		}
	} else if !reflect.DeepEqual(crumbs, []string{"Home=/", "Parent page=/parent"}) {
		t.Errorf("breadcrumbs = %q", crumbs)
	}

	// Head: description, Open Graph, canonical, robots, feed, JSON-LD.
	metas := map[string]string{}
	for _, m := range elements(doc, "meta") {
		k, _ := attr(m, "name")
		if k == "" {
			k, _ = attr(m, "property")
		}
		metas[k], _ = attr(m, "content")
	}
	wantDesc := p.Description
	wantOGTitle := p.Title // on home too, where <title> is the site's name
	for k, v := range map[string]string{
		"description": wantDesc, "og:description": wantDesc, "og:title": wantOGTitle, "og:type": "article",
		"og:url": p.CanonicalURL, "og:site_name": p.Site.Name, "robots": "noindex",
	} {
		if metas[k] != v {
			t.Errorf("meta %s = %q, want %q", k, metas[k], v)
		}
	}
	var canonical, feed bool
	for _, l := range elements(doc, "link") {
		href, _ := attr(l, "href")
		canonical = canonical || (isCanonical(l) && href == p.CanonicalURL)
		if isFeed(l) {
			title, _ := attr(l, "title")
			feed = href == p.FeedURL && title == "News"
		}
	}
	if !canonical || !feed {
		t.Errorf("canonical link %v, feed link %v", canonical, feed)
	}
	checkJSONLD(t, doc, p.JSONLD)

	// Header: search form, "Menu" toggle, "Providing NHS services".
	var search bool
	for _, f := range elements(doc, "form") {
		action, _ := attr(f, "action")
		method, _ := attr(f, "method")
		if action == "/search" && method == "get" {
			for _, in := range elements(f, "input") {
				if n, _ := attr(in, "name"); n == "q" {
					search = true
				}
			}
		}
	}
	for _, lbl := range elements(doc, "label") {
		if f, _ := attr(lbl, "for"); f == "search-field" && text(lbl) != "Search" {
			t.Errorf("search label = %q", text(lbl))
		}
	}
	header := elements(doc, "header")
	if len(header) != 1 {
		t.Fatalf("want one <header>")
	}
	var menu bool
	for _, b := range elements(header[0], "button") {
		if id, _ := attr(b, "id"); id == "toggle-menu" {
			menu = text(b) == "Menu"
		}
	}
	if !menu || !strings.Contains(text(header[0]), "High Fives PCN Providing NHS services") {
		t.Errorf("header: Menu button %v, NHS identity line %q", menu, text(header[0]))
	}

	// The announcement: a warning callout inside <main>, before the content.
	main := elements(doc, "main")[0]
	callouts := byClass(main, "nhsuk-card--warning")
	if len(callouts) == 0 || !strings.HasPrefix(text(callouts[0]), "Important: Flu vaccinations Book your flu vaccination at your practice. This applies until 2 January 2027.") {
		t.Errorf("no announcement callout in <main>")
	}

	// Footer: support links, contact details, social links, copyright.
	var copyright bool
	for _, f := range elements(doc, "footer") {
		copyright = copyright || strings.Contains(text(f), "© High Fives PCN")
		for _, l := range p.Site.Footer {
			if !strings.Contains(text(f), l.Title) {
				t.Errorf("footer lacks %q", l.Title)
			}
		}
		wantLink(t, f, "01632 960 000", "tel:+441632960000")
		wantLink(t, f, "hello@highfives.example", "mailto:hello@highfives.example")
		wantLink(t, f, "Facebook", "https://facebook.example/highfives")
	}
	if !search || !copyright {
		t.Errorf("search=%v copyright=%v", search, copyright)
	}
	var current int
	for _, a := range elements(doc, "a") {
		if v, _ := attr(a, "aria-current"); v == "page" {
			current++
			if text(a) != "About us" {
				t.Errorf("aria-current on %q", text(a))
			}
		}
	}
	if current != 1 {
		t.Errorf("want one aria-current link, got %d", current)
	}
	if theme == "civic" && !strings.Contains(out, "/static/civic/civic.") {
		t.Errorf("civic page lacks civic.css")
	}
	if theme == "default" && strings.Contains(out, "/static/civic/") {
		t.Errorf("default page loads civic assets")
	}

	checkPageContent(t, name, out, doc)
}

// checkEmpty checks the empty states of a zero Page.
func checkEmpty(t *testing.T, name, out string, doc *html.Node) {
	t.Helper()
	want := map[string]string{
		"practices":       "There are no practices listed at the moment.",
		"practice":        "Details of this practice are not available.",
		"services":        "There are no services listed at the moment.",
		"service":         "Details of this service are not available.",
		"team":            "There is no one listed at the moment.",
		"enhanced-access": "There are no evening or weekend sessions listed at the moment.",
		"news":            "There is no news at the moment.",
		"events":          "There are no upcoming events at the moment.",
		"vacancies":       "There are no vacancies at the moment.",
		"accessibility":   "This website is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard",
	}[name]
	if want != "" {
		wantText(t, doc, want)
	}
	if len(byClass(doc, "nhsuk-tag")) != 0 || len(byClass(doc, "nhsuk-card--warning")) != 0 {
		t.Errorf("empty page shows a tag or callout")
	}
	if strings.Contains(out, "application/ld+json") || strings.Contains(out, "application/atom+xml") {
		t.Errorf("empty page has JSON-LD or a feed link")
	}
	if name == "search" && (len(elements(doc, "ul")) > 0 || strings.Contains(text(doc), "result")) {
		t.Errorf("empty search shows results")
	}
}

func TestRenderDetails(t *testing.T) {
	r := mustLoad(t)

	// No robots meta unless asked (the error pages always send it).
	p := fullPage()
	p.NoIndex = false
	if out := render(t, r, "default", "page", p); strings.Contains(out, `name="robots"`) {
		t.Errorf("robots meta without NoIndex")
	}
	if out := render(t, r, "default", "notfound", Page{}); !strings.Contains(out, `<meta name="robots" content="noindex">`) {
		t.Errorf("notfound page is indexable")
	}

	// Logo image with the site's name as alt text.
	p.Site.LogoURL = "/media/logo.png"
	doc := parse(t, render(t, r, "default", "page", p))
	var logo bool
	for _, img := range elements(doc, "img") {
		src, _ := attr(img, "src")
		alt, _ := attr(img, "alt")
		logo = logo || (src == p.Site.LogoURL && alt == p.Site.Name)
	}
	if !logo {
		t.Errorf("no logo img with alt = site name")
	}

	// Unsafe URLs from tenant data are neutralised by html/template.
	p.Site.Nav = []NavLink{{Title: "x", URL: "javascript:alert(1)"}}
	if out := render(t, r, "default", "page", p); strings.Contains(out, "javascript:") {
		t.Errorf("javascript: URL rendered")
	}

	// Unknown theme falls back to default, byte for byte.
	if a, b := render(t, r, "no-such-theme", "page", fullPage()), render(t, r, "default", "page", fullPage()); a != b {
		t.Errorf("unknown theme does not render as default")
	}

	// Unknown page: error, nothing written.
	var buf bytes.Buffer
	if err := r.Render(&buf, "default", "nope", Page{}); !errors.Is(err, ErrUnknownPage) || buf.Len() != 0 {
		t.Errorf("unknown page: err=%v, wrote %d bytes", err, buf.Len())
	}
	if err := r.RenderPlatform(&buf, "nope", Platform{}); !errors.Is(err, ErrUnknownPage) || buf.Len() != 0 {
		t.Errorf("unknown platform page: err=%v, wrote %d bytes", err, buf.Len())
	}
}

func TestHeaderAndCrumbVariants(t *testing.T) {
	r := mustLoad(t)
	p := fullPage()
	p.Site.NHSIdentity = false
	p.Site.Announcement = nil
	p.Breadcrumbs = []NavLink{{Title: "Home", URL: "/"}, {Title: "News", URL: "/news"}, {Title: "This post", URL: "/news/x", Current: true}}
	for _, th := range r.Themes() {
		out := render(t, r, th, "post", p)
		doc := checkDocument(t, r, out)
		checkA11y(t, doc)
		if strings.Contains(out, "Providing NHS services") || len(byClass(doc, "nhsuk-card--warning")) != 0 {
			t.Errorf("identity line or announcement shown when not set")
		}
		if _, ok := link(doc, "This post"); ok {
			t.Errorf("current page linked in breadcrumbs")
		}
		wantLink(t, doc, "Back to News", "/news")
	}
	// nil Breadcrumbs: Home only.
	p.Breadcrumbs = nil
	doc := parse(t, render(t, r, "default", "page", p))
	wantLink(t, doc, "Back to Home", "/")
	// Without navigation there is no menu button.
	p.Site.Nav = nil
	if out := render(t, r, "default", "page", p); strings.Contains(out, "toggle-menu") {
		t.Errorf("menu button without navigation")
	}
	// A logo with the NHS identity line.
	p = fullPage()
	p.Site.LogoURL = "/media/logo.png"
	doc = parse(t, render(t, r, "default", "page", p))
	if !strings.Contains(text(elements(doc, "header")[0]), "Providing NHS services") {
		t.Errorf("no identity line with a logo")
	}
}

func TestConcurrentRender(t *testing.T) {
	r := mustLoad(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				if err := r.Render(io.Discard, "civic", RequiredPages[j%len(RequiredPages)], fullPage()); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkRenderPage(b *testing.B) {
	r := mustLoad(b)
	p := fullPage()
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Render(io.Discard, "default", "page", p); err != nil {
			b.Fatal(err)
		}
	}
}
