package oldsites

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// pages lists the HTML pages of a sample site as URL paths.
func pages(t *testing.T, site string) []string {
	t.Helper()
	var out []string
	err := fs.WalkDir(files, "sites/"+site, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, "sites/"+site)
		switch {
		case strings.HasSuffix(rel, "/index.html"):
			out = append(out, strings.TrimSuffix(rel, "index.html"))
		case strings.HasSuffix(rel, ".htm") || strings.HasSuffix(rel, ".html") || !strings.Contains(path.Base(rel), "."):
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func get(t *testing.T, u string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// TestSitesAreSelfContained: every page is served as HTML, and everything
// a page needs to render (images, scripts, stylesheets, frames with a src)
// and every PDF it links to is on the site's own host and answers 200.
func TestSitesAreSelfContained(t *testing.T) {
	for _, site := range Sites() {
		t.Run(site, func(t *testing.T) {
			srv := httptest.NewServer(Handler(site))
			defer srv.Close()
			base, _ := url.Parse(srv.URL)
			ps := pages(t, site)
			if len(ps) < 4 {
				t.Fatalf("%s has %d pages, want a site's worth", site, len(ps))
			}
			checked := map[string]bool{}
			for _, p := range ps {
				pageURL := base.ResolveReference(&url.URL{Path: p})
				resp, body := get(t, pageURL.String())
				if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
					t.Fatalf("GET %s: %d %s", p, resp.StatusCode, resp.Header.Get("Content-Type"))
				}
				for _, ref := range resources(t, body) {
					u, err := pageURL.Parse(ref)
					if err != nil {
						t.Errorf("%s: bad URL %q", p, ref)
						continue
					}
					if u.Scheme == "data" || u.String() == "about:blank" {
						continue
					}
					if u.Host != base.Host {
						t.Errorf("%s needs %s from another host to render", p, ref)
						continue
					}
					if checked[u.String()] {
						continue
					}
					checked[u.String()] = true
					if resp, _ := get(t, u.String()); resp.StatusCode != 200 {
						t.Errorf("%s: %s answered %d", p, ref, resp.StatusCode)
					}
				}
			}
		})
	}
}

// resources are a page's img src, script src, stylesheet href, iframe src
// and links to PDFs.
func resources(t *testing.T, page []byte) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(string(page)))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode {
			a := map[string]string{}
			for _, at := range n.Attr {
				a[at.Key] = at.Val
			}
			switch n.Data {
			case "img", "script", "iframe":
				if a["src"] != "" {
					out = append(out, a["src"])
				}
			case "link":
				if a["rel"] == "stylesheet" || a["rel"] == "icon" {
					out = append(out, a["href"])
				}
			case "a":
				if strings.HasSuffix(strings.ToLower(a["href"]), ".pdf") {
					out = append(out, a["href"])
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(doc)
	return out
}

func TestSitemapAndRobotsNameTheServingHost(t *testing.T) {
	for _, tc := range []struct{ site, sitemap string }{
		{"wix", "/sitemap.xml"},
		{"nightingale", "/wp-sitemap.xml"},
	} {
		t.Run(tc.site, func(t *testing.T) {
			srv := httptest.NewServer(Handler(tc.site))
			defer srv.Close()
			resp, robots := get(t, srv.URL+"/robots.txt")
			if resp.StatusCode != 200 || !strings.Contains(string(robots), "Sitemap: "+srv.URL+tc.sitemap) {
				t.Fatalf("robots.txt (%d) does not point at %s%s:\n%s", resp.StatusCode, srv.URL, tc.sitemap, robots)
			}
			resp, sm := get(t, srv.URL+tc.sitemap)
			if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "xml") {
				t.Fatalf("sitemap: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if strings.Contains(string(sm), Origin(tc.site)) || !strings.Contains(string(sm), "<loc>"+srv.URL+"/") {
				t.Fatalf("sitemap still names %s, not %s:\n%s", Origin(tc.site), srv.URL, sm)
			}
		})
	}
}

func TestSitemapsListEveryPage(t *testing.T) {
	srv := httptest.NewServer(Handler("nightingale"))
	defer srv.Close()
	var all string
	for _, p := range []string{"/wp-sitemap-posts-page-1.xml", "/wp-sitemap-posts-post-1.xml"} {
		_, b := get(t, srv.URL+p)
		all += string(b)
	}
	for _, p := range pages(t, "nightingale") {
		if p == "/news/" {
			continue // WordPress lists the posts page under neither
		}
		if !strings.Contains(all, "<loc>"+srv.URL+p+"</loc>") {
			t.Errorf("the sitemap does not list %s", p)
		}
	}
	wix := httptest.NewServer(Handler("wix"))
	defer wix.Close()
	_, sm := get(t, wix.URL+"/sitemap.xml")
	for _, p := range pages(t, "wix") {
		want := p
		if p == "/index.html" {
			want = "/"
		}
		if !strings.Contains(string(sm), "<loc>"+wix.URL+want+"</loc>") {
			t.Errorf("the Wix sitemap does not list %s", want)
		}
	}
}

func TestWixImageTransformServesTheOriginal(t *testing.T) {
	srv := httptest.NewServer(Handler("wix"))
	defer srv.Close()
	_, orig := get(t, srv.URL+"/media/8d1f2a_3c5e9b7a~mv2.jpg")
	resp, blurred := get(t, srv.URL+"/media/8d1f2a_3c5e9b7a~mv2.jpg/v1/fill/w_245,h_163,al_c,q_80,blur_2,enc_auto/team.jpg")
	if resp.StatusCode != 200 || string(blurred) != string(orig) || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("transform path: %d %s, %d bytes (original %d)", resp.StatusCode, resp.Header.Get("Content-Type"), len(blurred), len(orig))
	}
}

func TestSamplePDFsAndImagesAreReal(t *testing.T) {
	for _, f := range []string{
		"sites/wix/_files/ugd/8d1f2a_9c41b2e7f0d84a.pdf",
		"sites/nightingale/wp-content/uploads/2024/02/Riverside-PCN-Privacy-Notice.pdf",
		"sites/plain/docs/practice-leaflet.pdf",
	} {
		b, err := files.ReadFile(f)
		if err != nil || !strings.HasPrefix(string(b), "%PDF-1.") || !strings.Contains(string(b), "%%EOF") {
			t.Errorf("%s is not a PDF (%v)", f, err)
		}
	}
	for _, f := range []string{"sites/plain/images/surgery.jpg", "sites/nightingale/wp-content/uploads/2023/05/team-photo.jpg", "sites/wix/media/8d1f2a_logo0042~mv2.png"} {
		b, err := files.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if ct := http.DetectContentType(b); ct != "image/jpeg" && ct != "image/png" {
			t.Errorf("%s is %s", f, ct)
		}
	}
}

func TestHandlerRefusesAnUnknownSite(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Handler(\"nosuch\") did not panic")
		}
	}()
	Handler("nosuch")
}
