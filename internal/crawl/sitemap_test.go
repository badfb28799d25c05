package crawl

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestParseSitemapURLSet(t *testing.T) {
	body := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url><loc>https://www.example-pcn.nhs.uk/</loc><lastmod>2024-01-02</lastmod></url>
  <url>
    <loc>
      https://www.example-pcn.nhs.uk/about-us/
    </loc>
    <image:image><image:loc>https://www.example-pcn.nhs.uk/team.jpg</image:loc></image:image>
  </url>
  <url><loc>https://www.example-pcn.nhs.uk/?page_id=7&amp;lang=en</loc></url>
</urlset>`)
	pages, sitemaps, truncated, err := ParseSitemap(body, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://www.example-pcn.nhs.uk/", "https://www.example-pcn.nhs.uk/about-us/", "https://www.example-pcn.nhs.uk/?page_id=7&lang=en"}
	if !slices.Equal(pages, want) || len(sitemaps) != 0 || truncated {
		t.Errorf("got pages %q sitemaps %q truncated %v\nwant pages %q (the image's loc is not a page)", pages, sitemaps, truncated, want)
	}
}

func TestParseSitemapIndex(t *testing.T) {
	body := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://x.nhs.uk/page-sitemap.xml</loc></sitemap>
  <sitemap><loc>https://x.nhs.uk/post-sitemap.xml</loc><lastmod>2024-05-01</lastmod></sitemap>
</sitemapindex>`)
	pages, sitemaps, truncated, err := ParseSitemap(body, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 0 || !slices.Equal(sitemaps, []string{"https://x.nhs.uk/page-sitemap.xml", "https://x.nhs.uk/post-sitemap.xml"}) || truncated {
		t.Errorf("got pages %q sitemaps %q truncated %v", pages, sitemaps, truncated)
	}
}

func TestParseSitemapStopsAtTheLimit(t *testing.T) {
	pages, _, truncated, err := ParseSitemap(bigSitemap(1000), 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 100 || !truncated {
		t.Errorf("1000 URLs with limit 100: got %d, truncated %v; want 100, true", len(pages), truncated)
	}
	pages, _, truncated, _ = ParseSitemap(bigSitemap(100), 100)
	if len(pages) != 100 || truncated {
		t.Errorf("exactly 100 URLs with limit 100: got %d, truncated %v; want 100, false", len(pages), truncated)
	}
}

// A million-URL sitemap streamed through the parser reads only as far as the
// limit: the reader behind it is asked for a small part of it.
func TestParseSitemapStreamsAMillionURLs(t *testing.T) {
	r := &generatedSitemap{n: 1_000_000}
	pages, _, truncated, err := parseSitemap(r, 500)
	if err != nil || len(pages) != 500 || !truncated {
		t.Fatalf("got %d pages, truncated %v, err %v", len(pages), truncated, err)
	}
	if r.served > 1<<20 {
		t.Errorf("read %d bytes of the sitemap to take 500 URLs; it should stop early", r.served)
	}
}

func TestParseSitemapGzip(t *testing.T) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(bigSitemap(3))
	zw.Close()
	pages, _, _, err := ParseSitemap(b.Bytes(), 0)
	if err != nil || len(pages) != 3 {
		t.Fatalf("gzip'ed sitemap: %d pages, err %v; want 3", len(pages), err)
	}
}

func TestParseSitemapText(t *testing.T) {
	pages, _, _, err := ParseSitemap([]byte("https://x.nhs.uk/a\r\n\nnot a url\nhttps://x.nhs.uk/b\n"), 0)
	if err != nil || !slices.Equal(pages, []string{"https://x.nhs.uk/a", "https://x.nhs.uk/b"}) {
		t.Fatalf("text sitemap: %q, %v", pages, err)
	}
}

func TestParseSitemapBrokenXMLKeepsWhatCameBefore(t *testing.T) {
	pages, _, _, err := ParseSitemap([]byte(`<urlset><url><loc>https://x/a</loc></url><url><loc>https://x/b</loc></url></urlset></extra><<<`), 0)
	if len(pages) != 2 {
		t.Errorf("pages %q before the break, want 2", pages)
	}
	_ = err // non-strict parsing may or may not complain about trailing junk
}

func TestParseSitemapEntitiesAreNotExpanded(t *testing.T) {
	body := []byte(`<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>https://x/&lol2;</loc></url><url><loc>https://x/&xxe;</loc></url></urlset>`)
	pages, _, _, _ := ParseSitemap(body, 0)
	for _, p := range pages {
		if strings.Contains(p, "lollol") || strings.Contains(p, "root:") {
			t.Fatalf("entity expanded: %q", p)
		}
	}
}

func bigSitemap(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for i := range n {
		fmt.Fprintf(&b, "<url><loc>https://www.example-pcn.nhs.uk/page-%d/</loc></url>\n", i)
	}
	b.WriteString("</urlset>\n")
	return b.Bytes()
}

// generatedSitemap is a reader of a sitemap of n URLs made on the fly.
type generatedSitemap struct {
	n, i         int
	buf          []byte
	served       int
	began, ended bool
}

func (g *generatedSitemap) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		switch {
		case !g.began:
			g.buf, g.began = []byte(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`), true
		case g.i < g.n:
			g.buf = fmt.Appendf(nil, "<url><loc>https://x.nhs.uk/p/%d</loc></url>\n", g.i)
			g.i++
		case !g.ended:
			g.buf, g.ended = []byte("</urlset>"), true
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	g.served += n
	return n, nil
}

func FuzzParseSitemap(f *testing.F) {
	f.Add(bigSitemap(3), 2)
	f.Add([]byte(`<sitemapindex><sitemap><loc>https://x/s.xml</loc></sitemap></sitemapindex>`), 5)
	f.Add([]byte("https://x/a\nhttps://x/b\n"), 1)
	f.Add([]byte{0x1f, 0x8b, 0x08, 0x00}, 3)
	f.Add([]byte(`<urlset><url><loc><loc>https://x/a</loc></loc></url><url><url><loc>x</loc>`), 10)
	f.Fuzz(func(t *testing.T, body []byte, limit int) {
		pages, sitemaps, _, _ := ParseSitemap(body, limit)
		max := limit
		if max <= 0 {
			max = DefaultSitemapLimit
		}
		if len(pages) > max || len(sitemaps) > max {
			t.Fatalf("limit %d: %d pages, %d sitemaps", limit, len(pages), len(sitemaps))
		}
		for _, u := range append(pages, sitemaps...) {
			if u == "" || len(u) > maxLocLen {
				t.Fatalf("loc %q of length %d", u, len(u))
			}
		}
	})
}
