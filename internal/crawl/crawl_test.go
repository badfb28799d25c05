package crawl

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/safefetch"
)

// fixture is a test website: handlers by path, HTML pages by request URI
// (path and query), the handler "*" for anything else, and a log of what
// was asked for.
type fixture struct {
	srv      *httptest.Server
	pages    map[string]string
	handlers map[string]http.HandlerFunc
	mu       sync.Mutex
	hits     []hit
}

type hit struct {
	uri string
	at  time.Time
	ua  string
}

func newFixture(t *testing.T, pages map[string]string, handlers map[string]http.HandlerFunc) *fixture {
	t.Helper()
	f := &fixture{pages: pages, handlers: handlers}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.hits = append(f.hits, hit{uri: r.URL.RequestURI(), at: time.Now(), ua: r.UserAgent()})
		f.mu.Unlock()
		if h, ok := f.handlers[r.URL.Path]; ok {
			h(w, r)
			return
		}
		if body, ok := f.pages[r.URL.RequestURI()]; ok {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, strings.ReplaceAll(body, "{{base}}", f.srv.URL))
			return
		}
		if h, ok := f.handlers["*"]; ok {
			h(w, r)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) requested() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, h := range f.hits {
		out = append(out, h.uri)
	}
	return out
}

func (f *fixture) wasRequested(uri string) bool { return slices.Contains(f.requested(), uri) }

// paths are the pages' URLs relative to the fixture, sorted.
func (f *fixture) paths(res *Result) []string {
	var out []string
	for _, p := range res.Pages {
		out = append(out, strings.TrimPrefix(p.URL.String(), f.srv.URL))
	}
	slices.Sort(out)
	return out
}

func testClient() *safefetch.Client { return safefetch.New(safefetch.Options{AllowPrivate: true}) }

func quick(o Options) Options {
	if o.Delay == 0 {
		o.Delay = -1
	}
	return o
}

func skipReason(res *Result, suffix string) string {
	for _, s := range res.Skipped {
		if strings.HasSuffix(s.URL, suffix) {
			return s.Reason
		}
	}
	return ""
}

func page(links ...string) string {
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><title>t</title></head><body><nav>")
	for _, l := range links {
		fmt.Fprintf(&b, `<a href="%s">link</a>`, l)
	}
	b.WriteString("</nav><main><p>Content.</p></main></body></html>")
	return b.String()
}

func TestCrawlFollowsLinksOnTheSameSiteOnly(t *testing.T) {
	other := newFixture(t, map[string]string{"/": page()}, nil)
	f := newFixture(t, map[string]string{
		"/": page("/about-us/", "/about-us/#team", "about-us/", "/services", "/?page_id=7",
			"/news?utm_source=leaflet&utm_medium=print", "mailto:admin@example.nhs.net", "tel:01234567890",
			"javascript:void(0)", "/files/leaflet.pdf", "/img/team.jpg", "http://example.org/", other.srv.URL+"/"),
		"/about-us/":    page("/", "{{base}}/services"),
		"/services":     `<html><head><base href="/services/"></head><body><a href="flu">Flu</a></body></html>`,
		"/services/flu": page(),
		"/?page_id=7":   page(),
		"/news":         page(),
	}, nil)
	res, err := Crawl(context.Background(), testClient(), f.srv.URL+"/", quick(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/", "/?page_id=7", "/about-us/", "/news", "/services", "/services/flu"}
	if got := f.paths(res); !slices.Equal(got, want) {
		t.Errorf("pages %q, want %q", got, want)
	}
	if len(other.requested()) != 0 {
		t.Errorf("another site was requested: %q", other.requested())
	}
	for _, uri := range []string{"/files/leaflet.pdf", "/img/team.jpg"} {
		if f.wasRequested(uri) {
			t.Errorf("%s was fetched; files are the importer's business", uri)
		}
	}
	if n := strings.Count(strings.Join(f.requested(), " "), "/about-us/"); n != 1 {
		t.Errorf("/about-us/ requested %d times (fragment and relative forms are one page)", n)
	}
	if res.Stopped != "" {
		t.Errorf("Stopped = %q, want a finished crawl", res.Stopped)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, h := range f.hits {
		if !strings.HasPrefix(h.ua, "pcnweb-importer/") {
			t.Errorf("request %s with User-Agent %q", h.uri, h.ua)
		}
	}
	if res.Pages[0].Depth != 0 || !strings.Contains(string(res.Pages[0].HTML), "Content.") {
		t.Errorf("first page should be the start page at depth 0 with its HTML")
	}
}

func TestCrawlObeysRobotsTxt(t *testing.T) {
	f := newFixture(t, map[string]string{
		"/":                   page("/private/staff-rota", "/public", "/search?q=flu"),
		"/public":             page(),
		"/private/staff-rota": page(),
		"/search?q=flu":       page(),
	}, map[string]http.HandlerFunc{
		"/robots.txt": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "User-agent: *\nDisallow: /\n\nUser-agent: pcnweb-importer\nDisallow: /private/\nDisallow: /search\n")
		},
	})
	res, err := Crawl(context.Background(), testClient(), f.srv.URL+"/", quick(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.paths(res); !slices.Equal(got, []string{"/", "/public"}) {
		t.Errorf("pages %q, want / and /public", got)
	}
	if f.wasRequested("/private/staff-rota") || f.wasRequested("/search?q=flu") {
		t.Errorf("a disallowed page was fetched: %q", f.requested())
	}
	if r := skipReason(res, "/private/staff-rota"); r != "robots.txt disallows it" {
		t.Errorf("skip reason %q", r)
	}
}

func TestCrawlStopsPolitelyWhenRobotsTxtFailsWithAServerError(t *testing.T) {
	f := newFixture(t, map[string]string{"/": page("/a")}, map[string]http.HandlerFunc{
		"/robots.txt": func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", http.StatusServiceUnavailable) },
	})
	res, err := Crawl(context.Background(), testClient(), f.srv.URL+"/", quick(Options{}))
	if !errors.Is(err, ErrNothing) || !strings.Contains(err.Error(), "robots.txt answered 503") {
		t.Fatalf("err = %v, want ErrNothing naming robots.txt's 503", err)
	}
	if !strings.Contains(res.Stopped, "try again later") || len(res.Pages) != 0 {
		t.Errorf("Stopped %q, %d pages", res.Stopped, len(res.Pages))
	}
	if got := f.requested(); !slices.Equal(got, []string{"/robots.txt"}) {
		t.Errorf("requests %q, want robots.txt only", got)
	}
}

func TestCrawlReadsTheSitemapIndexFromRobotsTxt(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	fmt.Fprint(zw, `<urlset><url><loc>URL/news/flu-clinics</loc></url></urlset>`)
	zw.Close()
	f := newFixture(t, map[string]string{
		"/":                 page("/about"),
		"/about":            page(),
		"/orphan":           page("/orphan-child"),
		"/orphan-child":     page(),
		"/news/flu-clinics": page(),
		"/elsewhere":        page(),
	}, nil)
	f.handlers = map[string]http.HandlerFunc{
		"/robots.txt": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "User-agent: *\nAllow: /\nSitemap: %s/sitemap_index.xml\nSitemap: http://example.org/sitemap.xml\n", f.srv.URL)
		},
		"/sitemap_index.xml": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>%[1]s/page-sitemap.xml</loc></sitemap><sitemap><loc>%[1]s/post-sitemap.xml.gz</loc></sitemap></sitemapindex>`, f.srv.URL)
		},
		"/page-sitemap.xml": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/xml")
			fmt.Fprintf(w, `<urlset><url><loc>%[1]s/orphan</loc></url><url><loc>%[1]s/about</loc></url><url><loc>http://example.org/elsewhere</loc></url></urlset>`, f.srv.URL)
		},
		"/post-sitemap.xml.gz": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/gzip")
			w.Write(gunzipThenReplace(t, gz.Bytes(), "URL", f.srv.URL))
		},
	}
	res, err := Crawl(context.Background(), testClient(), f.srv.URL+"/", quick(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/", "/about", "/news/flu-clinics", "/orphan", "/orphan-child"}
	if got := f.paths(res); !slices.Equal(got, want) {
		t.Errorf("pages %q, want %q (the sitemap's pages and what they link to)", got, want)
	}
	if f.wasRequested("/sitemap.xml") {
		t.Error("/sitemap.xml guessed although robots.txt named the sitemaps")
	}
	if r := skipReason(res, "example.org/sitemap.xml"); !strings.Contains(r, "another site") {
		t.Errorf("off-site sitemap skip reason %q", r)
	}
}

// gunzipThenReplace rewrites a placeholder inside gzip'ed content.
func gunzipThenReplace(t *testing.T, gz []byte, old, new string) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	plain.ReadFrom(zr)
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(bytes.ReplaceAll(plain.Bytes(), []byte(old), []byte(new)))
	zw.Close()
	return out.Bytes()
}

func TestCrawlGuessesSitemapXML(t *testing.T) {
	f := newFixture(t, map[string]string{"/": page(), "/hidden": page()}, nil)
	f.handlers = map[string]http.HandlerFunc{
		"/sitemap.xml": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `<urlset><url><loc>%s/hidden</loc></url></urlset>`, f.srv.URL)
		},
	}
	res, err := Crawl(context.Background(), testClient(), f.srv.URL+"/", quick(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.paths(res); !slices.Equal(got, []string{"/", "/hidden"}) {
		t.Errorf("pages %q", got)
	}
}

func TestCrawlRedirectsBecomeAliases(t *testing.T) {
	f := newFixture(t, map[string]string{
		"/home":       page("/old-contact", "/contact-us", "/index.php?page_id=12"),
		"/contact-us": page(),
	}, map[string]http.HandlerFunc{
		"/": func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/home", http.StatusFound) },
		"/old-contact": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/contact-us", http.StatusMovedPermanently)
		},
		"/index.php": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/old-contact", http.StatusMovedPermanently)
		},
	})
	res, err := Crawl(context.Background(), testClient(), f.srv.URL, quick(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.paths(res); !slices.Equal(got, []string{"/contact-us", "/home"}) {
		t.Fatalf("pages %q, want /contact-us and /home", got)
	}
	aliases := map[string][]string{}
	for _, p := range res.Pages {
		for _, a := range p.Aliases {
			k := strings.TrimPrefix(p.URL.String(), f.srv.URL)
			aliases[k] = append(aliases[k], strings.TrimPrefix(a.String(), f.srv.URL))
		}
	}
	if !slices.Equal(aliases["/home"], []string{"/"}) {
		t.Errorf("/home aliases %q, want [/]", aliases["/home"])
	}
	got := aliases["/contact-us"]
	slices.Sort(got)
	if !slices.Equal(got, []string{"/index.php?page_id=12", "/old-contact"}) {
		t.Errorf("/contact-us aliases %q, want the old URL and the WordPress one", got)
	}
}

func TestCrawlSkipsARedirectLoopAndCarriesOn(t *testing.T) {
	f := newFixture(t, map[string]string{"/": page("/loop-a", "/fine"), "/fine": page()}, map[string]http.HandlerFunc{
		"/loop-a": func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop-b", http.StatusFound) },
		"/loop-b": func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop-a", http.StatusFound) },
	})
	res, err := Crawl(context.Background(), testClient(), f.srv.URL+"/", quick(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.paths(res); !slices.Equal(got, []string{"/", "/fine"}) {
		t.Errorf("pages %q", got)
	}
	if r := skipReason(res, "/loop-a"); !strings.Contains(r, "loop") {
		t.Errorf("loop skip reason %q", r)
	}
}

func TestCrawlSkipsAnEnormousPage(t *testing.T) {
	f := newFixture(t, map[string]string{"/": page("/huge", "/fine"), "/fine": page()}, map[string]http.HandlerFunc{
		"/huge": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			chunk := []byte(strings.Repeat("<p>spam</p>", 1000))
			for range 500 { // 5.5 MB, sent without a length
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		},
	})
	c := safefetch.New(safefetch.Options{AllowPrivate: true, MaxBytes: 256 << 10})
	res, err := Crawl(context.Background(), c, f.srv.URL+"/", quick(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.paths(res); !slices.Equal(got, []string{"/", "/fine"}) {
		t.Errorf("pages %q", got)
	}
	if r := skipReason(res, "/huge"); !strings.Contains(r, "larger than") {
		t.Errorf("huge page skip reason %q", r)
	}
}

func TestCrawlSkipsWhatIsNotHTMLAndErrorPages(t *testing.T) {
	f := newFixture(t, map[string]string{"/": page("/api/opening-times", "/gone", "/broken")}, map[string]http.HandlerFunc{
		"/api/opening-times": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"mon":"8-6:30"}`)
		},
		"/broken": func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) },
	})
	res, err := Crawl(context.Background(), testClient(), f.srv.URL+"/", quick(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	for suffix, want := range map[string]string{
		"/api/opening-times": "is not a web page (application/json)",
		"/gone":              "answered 404 Not Found",
		"/broken":            "answered 500 Internal Server Error",
	} {
		if r := skipReason(res, suffix); r != want {
			t.Errorf("%s skipped with %q, want %q", suffix, r, want)
		}
	}
}

func TestCrawlHugeSitemapStaysBounded(t *testing.T) {
	f := newFixture(t, nil, nil)
	f.handlers = map[string]http.HandlerFunc{
		"/sitemap.xml": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/xml")
			fmt.Fprint(w, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
			for i := range 100_000 {
				if _, err := fmt.Fprintf(w, "<url><loc>%s/page-%d</loc></url>\n", f.srv.URL, i); err != nil {
					return // the crawler stopped reading
				}
			}
			fmt.Fprint(w, `</urlset>`)
		},
		"*": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, page(r.URL.Path+"/more"))
		},
	}
	start := time.Now()
	res, err := Crawl(context.Background(), testClient(), f.srv.URL+"/", quick(Options{MaxPages: 20}))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 20 || res.Stopped != "the page limit of 20 was reached" {
		t.Errorf("%d pages, Stopped %q; want 20 and the page limit", len(res.Pages), res.Stopped)
	}
	// 10×MaxPages addresses considered, the start page being one of them.
	if r := skipReason(res, "/sitemap.xml"); !strings.Contains(r, "only the first 199 were read") {
		t.Errorf("sitemap skip reason %q, want it truncated at 10×MaxPages", r)
	}
	if res.Requests > 25 {
		t.Errorf("%d requests for 20 pages", res.Requests)
	}
	if res.Bytes > 1<<20 { // the whole sitemap is about 5 MB
		t.Errorf("read %d bytes; the sitemap should be read only as far as needed", res.Bytes)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestCrawlEndlessGeneratedLinksStayBounded(t *testing.T) {
	f := newFixture(t, nil, map[string]http.HandlerFunc{
		"*": func(w http.ResponseWriter, r *http.Request) {
			// Every page links to 50 new ones: a calendar that never ends.
			w.Header().Set("Content-Type", "text/html")
			var links []string
			for i := range 50 {
				links = append(links, fmt.Sprintf("/calendar?day=%s-%d", r.URL.Query().Get("day"), i))
			}
			fmt.Fprint(w, page(links...))
		},
	})
	res, err := Crawl(context.Background(), testClient(), f.srv.URL+"/", quick(Options{MaxPages: 30, MaxDepth: 100}))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 30 || !strings.Contains(res.Stopped, "page limit") {
		t.Errorf("%d pages, Stopped %q", len(res.Pages), res.Stopped)
	}
}

func TestCrawlQueueCapIsReported(t *testing.T) {
	var links []string
	for i := range 1500 {
		links = append(links, fmt.Sprintf("/gone-%d", i))
	}
	f := newFixture(t, map[string]string{"/": page(links...)}, nil)
	// 1500 links, all dead: the queue takes 10×MaxPages addresses and no more.
	res, err := Crawl(context.Background(), testClient(), f.srv.URL+"/", quick(Options{MaxPages: 10}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Stopped != "the site links to more than 100 addresses; only the first 100 were considered" {
		t.Errorf("Stopped %q", res.Stopped)
	}
	if n := len(f.requested()); n > 105 {
		t.Errorf("%d requests, want about 100", n)
	}
	if len(res.Skipped) != 99 || res.MoreSkipped != 0 {
		t.Errorf("%d skipped (+%d), want the 99 dead links queued", len(res.Skipped), res.MoreSkipped)
	}
}

func TestCrawlSkippedListIsBounded(t *testing.T) {
	var links []string
	for i := range 700 {
		links = append(links, fmt.Sprintf("/gone-%d", i))
	}
	f := newFixture(t, map[string]string{"/": page(links...)}, nil)
	res, err := Crawl(context.Background(), testClient(), f.srv.URL+"/", quick(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != maxSkipped || res.MoreSkipped != 200 {
		t.Errorf("%d skipped listed, %d more; want %d and 200", len(res.Skipped), res.MoreSkipped, maxSkipped)
	}
}

func TestCrawlDepthLimit(t *testing.T) {
	pages := map[string]string{"/": page("/d1")}
	for i := 1; i <= 9; i++ {
		pages[fmt.Sprintf("/d%d", i)] = page(fmt.Sprintf("/d%d", i+1))
	}
	f := newFixture(t, pages, nil)
	res, err := Crawl(context.Background(), testClient(), f.srv.URL+"/", quick(Options{MaxDepth: 3}))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.paths(res); !slices.Equal(got, []string{"/", "/d1", "/d2", "/d3"}) {
		t.Errorf("pages %q, want three hops", got)
	}
	if r := skipReason(res, "/d4"); r != "more than 3 links away from the start page" {
		t.Errorf("/d4 skip reason %q", r)
	}
	if f.wasRequested("/d4") {
		t.Error("/d4 fetched")
	}
}

func TestCrawlPageLimitAndProgress(t *testing.T) {
	pages := map[string]string{"/": page("/a", "/b", "/c", "/d", "/e")}
	for _, p := range []string{"/a", "/b", "/c", "/d", "/e"} {
		pages[p] = page()
	}
	f := newFixture(t, pages, nil)
	var progress []Progress
	res, err := Crawl(context.Background(), testClient(), f.srv.URL+"/", quick(Options{MaxPages: 3, Progress: func(p Progress) {
		progress = append(progress, p)
	}}))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 3 || res.Stopped != "the page limit of 3 was reached" {
		t.Errorf("%d pages, Stopped %q", len(res.Pages), res.Stopped)
	}
	if len(progress) != 3 || progress[0].Current != f.srv.URL+"/" || progress[2].Fetched < 3 {
		t.Errorf("progress %+v, want one report per page fetched", progress)
	}
}

func TestCrawlStartPageFailures(t *testing.T) {
	f := newFixture(t, map[string]string{"/": page()}, map[string]http.HandlerFunc{
		"/leaflet": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/pdf")
			fmt.Fprint(w, "%PDF-1.4")
		},
		"/slow": func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
		},
	})
	robotsShut := newFixture(t, map[string]string{"/": page()}, map[string]http.HandlerFunc{
		"/robots.txt": func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "User-agent: *\nDisallow: /\n") },
	})
	tests := []struct {
		name   string
		client *safefetch.Client
		url    string
		want   string
		cause  error // also wrapped, when not nil
	}{
		{"refused address", safefetch.New(safefetch.Options{}), f.srv.URL + "/", "a loopback address", safefetch.ErrBlocked},
		{"404", testClient(), f.srv.URL + "/missing", "answered 404 Not Found", nil},
		{"not HTML", testClient(), f.srv.URL + "/leaflet", "is not a web page (application/pdf)", nil},
		{"timeout", safefetch.New(safefetch.Options{AllowPrivate: true, Timeout: 100 * time.Millisecond}), f.srv.URL + "/slow", "did not answer within 100ms", safefetch.ErrTimeout},
		{"robots.txt shuts everything", testClient(), robotsShut.srv.URL + "/", "robots.txt does not allow pcnweb-importer", nil},
		{"not a web address", testClient(), "ftp://example.org/", "not a web address", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Crawl(context.Background(), tt.client, tt.url, quick(Options{}))
			if !errors.Is(err, ErrNothing) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrNothing saying %q", err, tt.want)
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Errorf("err = %v does not wrap %v", err, tt.cause)
			}
			if res == nil || len(res.Pages) != 0 {
				t.Errorf("result %+v, want no pages", res)
			}
		})
	}
}

func TestCrawlStartRedirectsToTheSitesNewAddress(t *testing.T) {
	var oldURL string
	newSite := newFixture(t, map[string]string{"/": page("/about", "OLD/contact"), "/about": page(), "/contact": page()}, nil)
	oldSite := newFixture(t, nil, map[string]http.HandlerFunc{
		"*": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, newSite.srv.URL+r.URL.Path, http.StatusMovedPermanently)
		},
	})
	oldURL = oldSite.srv.URL
	newSite.pages["/"] = strings.ReplaceAll(newSite.pages["/"], "OLD", oldURL)
	res, err := Crawl(context.Background(), testClient(), oldURL+"/", quick(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if got := newSite.paths(res); !slices.Equal(got, []string{"/", "/about", "/contact"}) {
		t.Errorf("pages %q, want the new site's", got)
	}
	if !newSite.wasRequested("/robots.txt") {
		t.Error("the new site's robots.txt was not read")
	}
	aliases := map[string]string{}
	for _, p := range res.Pages {
		for _, a := range p.Aliases {
			aliases[p.URL.Path] += a.String()
		}
	}
	if aliases["/"] != oldURL+"/" || aliases["/contact"] != oldURL+"/contact" {
		t.Errorf("aliases %q, want the old site's addresses", aliases)
	}
}

func TestPageKeyIgnoresSchemeAndWWW(t *testing.T) {
	a, _ := url.Parse("http://www.x.nhs.uk/a/?page_id=7")
	b, _ := url.Parse("https://x.nhs.uk/a/?page_id=7")
	c, _ := url.Parse("https://x.nhs.uk/a/?page_id=8")
	if pageKey(a) != pageKey(b) || pageKey(b) == pageKey(c) {
		t.Errorf("pageKey: %q %q %q", pageKey(a), pageKey(b), pageKey(c))
	}
}

func TestCrawlWaitsBetweenRequests(t *testing.T) {
	f := newFixture(t, map[string]string{"/": page("/a", "/b"), "/a": page(), "/b": page()}, nil)
	const delay = 50 * time.Millisecond
	if _, err := Crawl(context.Background(), testClient(), f.srv.URL+"/", Options{Delay: delay}); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.hits) < 5 { // robots.txt, /, sitemap.xml, /a, /b
		t.Fatalf("only %d requests", len(f.hits))
	}
	for i := 1; i < len(f.hits); i++ {
		if gap := f.hits[i].at.Sub(f.hits[i-1].at); gap < delay {
			t.Errorf("%s came %v after %s, want at least %v", f.hits[i].uri, gap, f.hits[i-1].uri, delay)
		}
	}
}

func TestCrawlTimeLimit(t *testing.T) {
	f := newFixture(t, nil, map[string]http.HandlerFunc{
		"*": func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(30 * time.Millisecond)
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, page(r.URL.Path+"x", r.URL.Path+"y"))
		},
	})
	res, err := Crawl(context.Background(), testClient(), f.srv.URL+"/", quick(Options{MaxTime: time.Second, MaxDepth: 50}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Stopped != "the time limit of 1s was reached" || len(res.Pages) == 0 {
		t.Errorf("Stopped %q with %d pages", res.Stopped, len(res.Pages))
	}
}

func TestCrawlByteLimit(t *testing.T) {
	f := newFixture(t, nil, map[string]http.HandlerFunc{
		"*": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, page(r.URL.Path+"x", r.URL.Path+"y"), strings.Repeat(" ", 10_000))
		},
	})
	res, err := Crawl(context.Background(), testClient(), f.srv.URL+"/", quick(Options{MaxBytes: 50_000, MaxDepth: 50}))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Stopped, "downloaded was reached") || len(res.Pages) < 3 || res.Bytes > 70_000 {
		t.Errorf("Stopped %q, %d pages, %d bytes", res.Stopped, len(res.Pages), res.Bytes)
	}
}

func TestCrawlCancelled(t *testing.T) {
	f := newFixture(t, map[string]string{"/": page("/a"), "/a": page()}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Crawl(ctx, testClient(), f.srv.URL+"/", quick(Options{Progress: func(Progress) { cancel() }}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestPageLinks(t *testing.T) {
	base, _ := url.Parse("https://x.nhs.uk/news/")
	links, b := pageLinks([]byte(`<html><head><base href="/archive/"></head><body>
<a href="2019">2019</a><a>no href</a><map><area href="/map-area"></map><a href="../up" href="ignored">up</a></body></html>`), base)
	if b.String() != "https://x.nhs.uk/archive/" || !slices.Equal(links, []string{"2019", "/map-area", "../up"}) {
		t.Errorf("base %s links %q", b, links)
	}
}

func TestCrawlHonoursRobotsCrawlDelay(t *testing.T) {
	f := newFixture(t, map[string]string{"/": page()}, map[string]http.HandlerFunc{
		"/robots.txt": func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "User-agent: *\nCrawl-delay: 0.1\n") },
	})
	if _, err := Crawl(context.Background(), testClient(), f.srv.URL+"/", Options{Delay: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.hits) != 3 { // robots.txt, /, sitemap.xml
		t.Fatalf("requests %v", f.hits)
	}
	for i := 1; i < len(f.hits); i++ {
		if gap := f.hits[i].at.Sub(f.hits[i-1].at); gap < 100*time.Millisecond {
			t.Errorf("%s came %v after %s, want robots.txt's 100ms", f.hits[i].uri, gap, f.hits[i-1].uri)
		}
	}
}
