package themes

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html/template"
	"io"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/net/html"
)

func mustLoad(t testing.TB) *Registry {
	t.Helper()
	r, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return r
}

const hostileTitle = `<script>alert("x")</script>`

func fullPage() Page {
	return Page{
		Site: Site{
			Name:        "High Fives PCN",
			Description: "Five GP practices working together in Anytown",
			BaseURL:     "https://highfives.example",
			Nav: []NavLink{
				{Title: "Appointments", URL: "/appointments"},
				{Title: "About us", URL: "/about", Current: true},
				{Title: "Contact us", URL: "/contact"},
			},
			Footer: []NavLink{
				{Title: "Accessibility statement", URL: "/accessibility"},
				{Title: "Privacy", URL: "/privacy"},
				{Title: "Cookies", URL: "/cookies"},
			},
		},
		Title:        hostileTitle,
		Description:  "About the PCN & its practices",
		Path:         "/about",
		CanonicalURL: "https://highfives.example/about",
		NoIndex:      true,
		Body:         template.HTML(`<p class="nhsuk-body" id="body-marker">Trusted <strong>body</strong></p>`),
		Updated:      time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC),
		Status:       404,
		Message:      `Message <b>not bold</b>`,
		Children: []NavLink{
			{Title: "Enhanced access", URL: "/enhanced-access"},
			{Title: "Social prescribing", URL: "/social-prescribing"},
		},
	}
}

func render(t *testing.T, r *Registry, theme, name string, p Page) string {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Render(&buf, theme, name, p); err != nil {
		t.Fatalf("Render(%s, %s): %v", theme, name, err)
	}
	return buf.String()
}

func parse(t *testing.T, s string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func elements(doc *html.Node, tag string) []*html.Node {
	var out []*html.Node
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			out = append(out, n)
		}
	})
	return out
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// checkDocument applies the structural, CSP and asset checks every page must pass.
func checkDocument(t *testing.T, r *Registry, out string) *html.Node {
	t.Helper()
	doc := parse(t, out)
	if !strings.HasPrefix(out, "<!DOCTYPE html>") {
		t.Errorf("no doctype at start")
	}
	htmlEl := elements(doc, "html")
	if len(htmlEl) != 1 {
		t.Fatalf("want one <html>, got %d", len(htmlEl))
	}
	if lang, _ := attr(htmlEl[0], "lang"); lang != "en-GB" {
		t.Errorf("html lang = %q, want en-GB", lang)
	}
	if h1 := elements(doc, "h1"); len(h1) != 1 {
		t.Errorf("want exactly one <h1>, got %d", len(h1))
	} else if text(h1[0]) == "" {
		t.Errorf("empty <h1>")
	}
	mains := elements(doc, "main")
	if len(mains) != 1 {
		t.Errorf("want exactly one <main>, got %d", len(mains))
	} else if id, _ := attr(mains[0], "id"); id != "maincontent" {
		t.Errorf("<main id=%q>, want maincontent", id)
	}
	var skip bool
	for _, a := range elements(doc, "a") {
		if href, _ := attr(a, "href"); href == "#maincontent" && text(a) == "Skip to main content" {
			skip = true
		}
	}
	if !skip {
		t.Errorf("no skip link to #maincontent")
	}
	if len(elements(doc, "title")) != 1 {
		t.Errorf("want one <title>")
	}
	var viewport bool
	for _, m := range elements(doc, "meta") {
		if name, _ := attr(m, "name"); name == "viewport" {
			viewport = true
		}
	}
	if !viewport {
		t.Errorf("no <meta name=viewport>")
	}
	if n := len(elements(doc, "style")); n != 0 {
		t.Errorf("%d inline <style> elements (CSP style-src 'self')", n)
	}
	ids := map[string]bool{}
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		for _, a := range n.Attr {
			switch {
			case a.Key == "style":
				t.Errorf("<%s style=%q> (CSP style-src 'self')", n.Data, a.Val)
			case strings.HasPrefix(a.Key, "on"):
				t.Errorf("<%s %s=...> inline event handler", n.Data, a.Key)
			case a.Key == "id":
				if ids[a.Val] {
					t.Errorf("duplicate id %q", a.Val)
				}
				ids[a.Val] = true
			}
		}
	})
	for _, s := range elements(doc, "script") {
		src, ok := attr(s, "src")
		if !ok || src == "" || s.FirstChild != nil {
			t.Errorf("inline <script> (CSP script-src 'self')")
		}
		if typ, _ := attr(s, "type"); typ != "module" {
			t.Errorf("<script src=%q> type=%q, want module", src, typ)
		}
	}
	// Every /static/ URL resolves; stylesheets, scripts and icons are never third-party.
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		for _, a := range n.Attr {
			if a.Key != "href" && a.Key != "src" {
				continue
			}
			if strings.HasPrefix(a.Val, "/static/") {
				if _, ok := r.Asset(a.Val); !ok {
					t.Errorf("<%s %s=%q> does not resolve through Asset()", n.Data, a.Key, a.Val)
				}
			}
			if (n.Data == "script" || (n.Data == "link" && !isCanonical(n))) && !strings.HasPrefix(a.Val, "/static/") {
				t.Errorf("<%s %s=%q> is not a /static/ asset", n.Data, a.Key, a.Val)
			}
		}
	})
	return doc
}

func isCanonical(n *html.Node) bool {
	rel, _ := attr(n, "rel")
	return rel == "canonical"
}

func titleOf(doc *html.Node) string { return text(elements(doc, "title")[0]) }

func TestLoad(t *testing.T) {
	r := mustLoad(t)
	if got, want := r.Themes(), []string{"civic", "default"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Themes() = %v, want %v", got, want)
	}
	for _, th := range r.Themes() {
		if !r.HasTheme(th) {
			t.Errorf("HasTheme(%q) = false", th)
		}
	}
	if r.HasTheme("platform") {
		t.Errorf("platform must not be a tenant theme")
	}
}

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
					if tc.label == "full" {
						checkFull(t, th, name, out, doc)
					}
				})
			}
		}
	}
}

func checkFull(t *testing.T, theme, name, out string, doc *html.Node) {
	p := fullPage()
	if strings.Contains(out, hostileTitle) || strings.Contains(out, "<b>not bold</b>") {
		t.Errorf("tenant text not escaped")
	}
	wantTitle := map[string]string{
		"home":     "High Fives PCN",
		"page":     hostileTitle + " - High Fives PCN",
		"notfound": "Page not found - High Fives PCN",
		"error":    "Sorry, there is a problem with the service - High Fives PCN",
	}[name]
	if got := titleOf(doc); got != wantTitle {
		t.Errorf("<title> = %q, want %q", got, wantTitle)
	}
	h1 := text(elements(doc, "h1")[0])
	wantH1 := map[string]string{
		"home":     "High Fives PCN",
		"page":     hostileTitle,
		"notfound": "Page not found",
		"error":    "Sorry, there is a problem with the service",
	}[name]
	if h1 != wantH1 {
		t.Errorf("<h1> = %q, want %q", h1, wantH1)
	}
	body := strings.Contains(out, `<p class="nhsuk-body" id="body-marker">Trusted <strong>body</strong></p>`)
	if (name == "home" || name == "page") != body {
		t.Errorf("Body shown = %v on %s", body, name)
	}
	reviewed := strings.Contains(text(doc), "Page last reviewed: 2 January 2026")
	if (name == "home" || name == "page") != reviewed {
		t.Errorf("review date shown = %v on %s", reviewed, name)
	}
	if name == "home" {
		if !strings.Contains(text(doc), p.Site.Description) {
			t.Errorf("home lacks the site description")
		}
		for _, c := range p.Children {
			if !strings.Contains(out, `href="`+c.URL+`"`) {
				t.Errorf("home lacks child link %s", c.URL)
			}
		}
	}
	if (name == "notfound" || name == "error") && !strings.Contains(out, "Message &lt;b&gt;not bold&lt;/b&gt;") {
		t.Errorf("%s lacks the escaped Message", name)
	}
	if name == "page" && len(elements(doc, "nav")) < 2 {
		t.Errorf("page lacks breadcrumbs")
	}
	var canonical, robots, description, search, copyright bool
	for _, l := range elements(doc, "link") {
		if href, _ := attr(l, "href"); isCanonical(l) && href == p.CanonicalURL {
			canonical = true
		}
	}
	for _, m := range elements(doc, "meta") {
		n, _ := attr(m, "name")
		c, _ := attr(m, "content")
		robots = robots || (n == "robots" && c == "noindex")
		description = description || (n == "description" && c == p.Description)
	}
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
	for _, f := range elements(doc, "footer") {
		copyright = copyright || strings.Contains(text(f), "© High Fives PCN")
		for _, l := range p.Site.Footer {
			if !strings.Contains(text(f), l.Title) {
				t.Errorf("footer lacks %q", l.Title)
			}
		}
	}
	if !canonical || !robots || !description || !search || !copyright {
		t.Errorf("canonical=%v robots=%v description=%v search=%v copyright=%v", canonical, robots, description, search, copyright)
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

func TestRenderPlatform(t *testing.T) {
	r := mustLoad(t)
	wantH1 := map[string]string{
		"unknown-host": "No website at this address",
		"suspended":    "This website is temporarily unavailable",
		"bad-request":  "Sorry, there is a problem with this web address",
	}
	for _, name := range RequiredPlatformPages {
		for _, tc := range []struct {
			label string
			data  Platform
		}{
			{"empty", Platform{}},
			{"full", Platform{Title: hostileTitle, Status: 503, Message: "Back on <Monday>", Detail: "Detail & more"}},
		} {
			t.Run(name+"/"+tc.label, func(t *testing.T) {
				var buf bytes.Buffer
				if err := r.RenderPlatform(&buf, name, tc.data); err != nil {
					t.Fatal(err)
				}
				out := buf.String()
				doc := checkDocument(t, r, out)
				h1 := text(elements(doc, "h1")[0])
				if tc.label == "empty" {
					if h1 != wantH1[name] || titleOf(doc) != wantH1[name] {
						t.Errorf("h1 %q title %q, want %q", h1, titleOf(doc), wantH1[name])
					}
					return
				}
				if h1 != hostileTitle || strings.Contains(out, hostileTitle) {
					t.Errorf("Title not shown escaped")
				}
				if !strings.Contains(out, "Back on &lt;Monday&gt;") || !strings.Contains(out, "Detail &amp; more") {
					t.Errorf("Message/Detail not shown escaped")
				}
				if strings.Contains(out, "nhsuk-header") {
					t.Errorf("platform page has a (tenant) header")
				}
			})
		}
	}
}

var (
	strongETag = regexp.MustCompile(`^"[0-9a-f]{32}"$`)
	hashedURL  = regexp.MustCompile(`^/static/[a-z0-9-]+/(?:[^/]+/)*[^/]+\.([0-9a-f]{8})(?:\.[a-z0-9]+)?$`)
	staticRef  = regexp.MustCompile(`/static/[A-Za-z0-9._/-]+`)
)

func TestAssets(t *testing.T) {
	r := mustLoad(t)
	urls := r.AssetURLs()
	if len(urls) == 0 {
		t.Fatal("no assets")
	}
	for _, u := range urls {
		a, ok := r.Asset(u)
		if !ok {
			t.Fatalf("Asset(%q) not found", u)
		}
		zr, err := gzip.NewReader(bytes.NewReader(a.Gzip))
		if err != nil {
			t.Fatalf("%s: gzip: %v", u, err)
		}
		inflated, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(inflated, a.Body) {
			t.Errorf("%s: gzip does not inflate to Body (err %v)", u, err)
		}
		if !strongETag.MatchString(a.ETag) {
			t.Errorf("%s: ETag %q is not strong and quoted", u, a.ETag)
		}
		if a.ContentType == "" || a.ContentType == "application/octet-stream" {
			t.Errorf("%s: content type %q", u, a.ContentType)
		}
		m := hashedURL.FindStringSubmatch(u)
		sum := sha256.Sum256(a.Body)
		if m == nil || m[1] != hex.EncodeToString(sum[:])[:8] {
			t.Errorf("%s: URL does not carry the content hash", u)
		}
		if strings.HasSuffix(u, ".css") || strings.HasSuffix(u, ".js") {
			for _, ref := range staticRef.FindAllString(string(a.Body), -1) {
				if _, ok := r.Asset(ref); !ok {
					t.Errorf("%s refers to %s, which does not resolve", u, ref)
				}
			}
		}
		if strings.HasSuffix(u, ".css") {
			body := string(a.Body)
			for _, bad := range []string{"/assets/", "http://", "https://", "@font-face", "sourceMappingURL"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s contains %q", u, bad)
				}
			}
		}
	}
	for _, miss := range []string{
		"/static/default/nhsuk-frontend.min.css", // unhashed
		"/assets/images/nhsuk-icon-cross.svg",
		"/static/default/../civic/civic.css",
		"",
	} {
		if _, ok := r.Asset(miss); ok {
			t.Errorf("Asset(%q) found", miss)
		}
	}
}

func findAsset(t *testing.T, r *Registry, prefix string) (string, Asset) {
	t.Helper()
	for _, u := range r.AssetURLs() {
		if strings.HasPrefix(u, prefix) {
			a, _ := r.Asset(u)
			return u, a
		}
	}
	t.Fatalf("no asset %s*", prefix)
	return "", Asset{}
}

func TestInitScript(t *testing.T) {
	r := mustLoad(t)
	var jsURL string
	for _, u := range r.AssetURLs() {
		if strings.HasPrefix(u, "/static/default/nhsuk-frontend.min.") && strings.HasSuffix(u, ".js") {
			jsURL = u
		}
	}
	_, init := findAsset(t, r, "/static/default/init.")
	body := string(init.Body)
	if !strings.Contains(body, `from '`+jsURL+`'`) {
		t.Errorf("init.js does not import %s:\n%s", jsURL, body)
	}
	for _, want := range []string{"js-enabled", "nhsuk-frontend-supported", "initAll()"} {
		if !strings.Contains(body, want) {
			t.Errorf("init.js lacks %q", want)
		}
	}
	if a, _ := r.Asset(jsURL); !strings.Contains(string(a.Body), "initAll") || !strings.HasPrefix(a.ContentType, "text/javascript") {
		t.Errorf("nhsuk-frontend JS does not export initAll or has type %q", a.ContentType)
	}
}

// TestAssetBudget reports (go test -v) and bounds what a first visit downloads.
func TestAssetBudget(t *testing.T) {
	r := mustLoad(t)
	var css, js, cssGz, jsGz int
	for _, u := range r.AssetURLs() {
		a, _ := r.Asset(u)
		switch {
		case strings.HasSuffix(u, ".css") && strings.HasPrefix(u, "/static/default/"):
			css, cssGz = css+len(a.Body), cssGz+len(a.Gzip)
		case strings.HasSuffix(u, ".js"):
			js, jsGz = js+len(a.Body), jsGz+len(a.Gzip)
		}
		t.Logf("%-60s %7d bytes, %6d gzip", u, len(a.Body), len(a.Gzip))
	}
	t.Logf("default CSS %d bytes (%d gzip), JS %d bytes (%d gzip)", css, cssGz, js, jsGz)
	if cssGz+jsGz > 50<<10 {
		t.Errorf("CSS+JS gzip = %d bytes, over the 50 KiB budget", cssGz+jsGz)
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

// A minimal valid tree for the fail-fast tests.
func minimalFS() fstest.MapFS {
	layout := `{{define "base"}}<html><link href="{{asset "a.css"}}">{{block "content" .}}{{end}}</html>{{end}}`
	fsys := fstest.MapFS{
		"default/layouts/base.html":   {Data: []byte(layout)},
		"default/static/a.css":        {Data: []byte(`.x{background:url(/assets/images/i.svg)}`)},
		"default/static/images/i.svg": {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
		"platform/layouts/base.html":  {Data: []byte(layout)},
	}
	for _, p := range RequiredPages {
		fsys["default/pages/"+p+".html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}` + p + `{{end}}`)}
	}
	for _, p := range RequiredPlatformPages {
		fsys["platform/pages/"+p+".html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}` + p + `{{end}}`)}
	}
	return fsys
}

func TestLoadFailsFast(t *testing.T) {
	if _, err := load(minimalFS()); err != nil {
		t.Fatalf("minimal tree: %v", err)
	}
	cases := map[string]func(fstest.MapFS){
		"missing required page": func(f fstest.MapFS) { delete(f, "default/pages/error.html") },
		"unknown parent": func(f fstest.MapFS) {
			f["kid/theme.json"] = &fstest.MapFile{Data: []byte(`{"parent":"nope"}`)}
			f["kid/pages/home.html"] = &fstest.MapFile{Data: []byte(`x`)}
		},
		"theme without required pages": func(f fstest.MapFS) {
			f["bare/pages/home.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}x{{end}}`)}
			f["bare/layouts/base.html"] = f["default/layouts/base.html"]
		},
		"missing platform page": func(f fstest.MapFS) { delete(f, "platform/pages/suspended.html") },
		"no base layout":        func(f fstest.MapFS) { delete(f, "default/layouts/base.html") },
		"template parse error":  func(f fstest.MapFS) { f["default/pages/page.html"].Data = []byte(`{{define "content"}}{{.Nope`) },
		"template exec error": func(f fstest.MapFS) {
			f["default/pages/page.html"].Data = []byte(`{{define "content"}}{{.Nope}}{{end}}`)
		},
		"unknown asset": func(f fstest.MapFS) {
			f["default/pages/page.html"].Data = []byte(`{{define "content"}}{{asset "b.css"}}{{end}}`)
		},
		"css refers to missing": func(f fstest.MapFS) { delete(f, "default/static/images/i.svg") },
		"css refers to other site": func(f fstest.MapFS) {
			f["default/static/a.css"].Data = []byte(`@font-face{src:url(https://fonts.example/f.woff2)}`)
		},
		"js imports missing": func(f fstest.MapFS) {
			f["default/static/m.js"] = &fstest.MapFile{Data: []byte(`import { x } from './gone.js'`)}
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			f := minimalFS()
			mutate(f)
			_, err := load(f)
			if err == nil {
				t.Fatalf("load succeeded")
			}
			t.Log(err)
		})
	}
}

func TestChildThemeInheritsAndOverrides(t *testing.T) {
	f := minimalFS()
	f["kid/theme.json"] = &fstest.MapFile{Data: []byte(`{"parent":"default"}`)}
	f["kid/pages/home.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}kid home {{asset "k.css"}}{{end}}`)}
	f["kid/static/k.css"] = &fstest.MapFile{Data: []byte(`.k{background:url(images/i.svg)}`)}
	f["kid/static/images/i.svg"] = &fstest.MapFile{Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>`)}
	r, err := load(f)
	if err != nil {
		t.Fatal(err)
	}
	var home, page bytes.Buffer
	if err := r.Render(&home, "kid", "home", Page{}); err != nil {
		t.Fatal(err)
	}
	if err := r.Render(&page, "kid", "page", Page{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(home.String(), "kid home /static/kid/k.") || !strings.Contains(home.String(), "/static/default/a.") {
		t.Errorf("kid home = %q", home.String())
	}
	if !strings.Contains(page.String(), ">page<") {
		t.Errorf("kid page not inherited: %q", page.String())
	}
	_, k := findAsset(t, r, "/static/kid/k.")
	if !strings.Contains(string(k.Body), "url(/static/kid/images/i.") {
		t.Errorf("relative url() not resolved in the child theme: %s", k.Body)
	}
}

func TestFormatDate(t *testing.T) {
	if got := formatDate(time.Date(2006, 1, 2, 23, 0, 0, 0, time.UTC)); got != "2 January 2006" {
		t.Errorf("formatDate = %q", got)
	}
	if formatDate(time.Time{}) != "" {
		t.Errorf("zero date not empty")
	}
	if got := hashedName("a/b.min.css", "deadbeef"); got != "a/b.min.deadbeef.css" {
		t.Errorf("hashedName = %q", got)
	}
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
