package crawl

import (
	"net/url"
	"testing"
)

func TestNormalise(t *testing.T) {
	base, _ := url.Parse("https://www.Example-PCN.nhs.uk/services/clinics/?x=1#top")
	tests := []struct {
		ref  string
		want string // "" for not a page address
	}{
		{"", "https://www.example-pcn.nhs.uk/services/clinics/?x=1"},
		{"#main", "https://www.example-pcn.nhs.uk/services/clinics/?x=1"},
		{"flu", "https://www.example-pcn.nhs.uk/services/clinics/flu"},
		{"../contact/", "https://www.example-pcn.nhs.uk/services/contact/"},
		{"/about-us/#team", "https://www.example-pcn.nhs.uk/about-us/"},
		{"//www.example-pcn.nhs.uk/news", "https://www.example-pcn.nhs.uk/news"},
		{"HTTP://WWW.EXAMPLE-PCN.NHS.UK:80/A", "http://www.example-pcn.nhs.uk/A"},
		{"https://www.example-pcn.nhs.uk:443", "https://www.example-pcn.nhs.uk/"},
		{"https://www.example-pcn.nhs.uk:8443/x", "https://www.example-pcn.nhs.uk:8443/x"},
		{"https://www.example-pcn.nhs.uk./x", "https://www.example-pcn.nhs.uk/x"},
		{"https://user:pw@www.example-pcn.nhs.uk/x", "https://www.example-pcn.nhs.uk/x"},
		{"/?page_id=7", "https://www.example-pcn.nhs.uk/?page_id=7"},
		{"/news?utm_source=leaflet&id=3&fbclid=abc&UTM_Medium=x", "https://www.example-pcn.nhs.uk/news?id=3"},
		{"/news?utm_source=leaflet", "https://www.example-pcn.nhs.uk/news"},
		{"/a%20b/", "https://www.example-pcn.nhs.uk/a%20b/"},
		{"http://[::1]:8080/x", "http://[::1]:8080/x"},
		{"mailto:practice@nhs.net", ""},
		{"tel:01234567890", ""},
		{"javascript:void(0)", ""},
		{"data:text/html,hi", ""},
		{"ftp://files.example.org/x", ""},
		{"http://", ""},
		{"http://%zz/", ""},
	}
	for _, tt := range tests {
		u, ok := Normalise(base, tt.ref)
		got := ""
		if ok {
			got = u.String()
		}
		if got != tt.want {
			t.Errorf("Normalise(%q) = %q, want %q", tt.ref, got, tt.want)
		}
	}
}

func TestSameSite(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"https://www.example-pcn.nhs.uk/", "http://example-pcn.nhs.uk/about", true},
		{"https://example-pcn.nhs.uk/", "https://WWW.example-pcn.nhs.uk/", true},
		{"https://example-pcn.nhs.uk/", "https://other-pcn.nhs.uk/", false},
		{"https://example-pcn.nhs.uk/", "https://sub.example-pcn.nhs.uk/", false},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8081/", false},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080/x", true},
		{"https://x.nhs.uk:443/", "http://x.nhs.uk/", true},
	}
	for _, tt := range tests {
		a, _ := url.Parse(tt.a)
		b, _ := url.Parse(tt.b)
		if got := SameSite(a, b); got != tt.want {
			t.Errorf("SameSite(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestIsFileLink(t *testing.T) {
	for path, want := range map[string]bool{
		"/files/leaflet.PDF": true, "/img/team.jpg": true, "/forms/reg.docx": true,
		"/about-us/": false, "/index.php": false, "/news.html": false, "/": false, "/page.aspx": false,
	} {
		if got := IsFileLink(&url.URL{Path: path}); got != want {
			t.Errorf("IsFileLink(%s) = %v, want %v", path, got, want)
		}
	}
}

func FuzzNormalise(f *testing.F) {
	for _, s := range []string{"/a/../b?utm_source=x&q=1#f", "HTTP://X:80", "//evil.example/", "javascript:alert(1)", "http://[::1]:0/", "?page_id=7"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://www.example-pcn.nhs.uk/a/b")
	f.Fuzz(func(t *testing.T, ref string) {
		u, ok := Normalise(base, ref)
		if !ok {
			return
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.Fragment != "" || u.User != nil {
			t.Fatalf("Normalise(%q) = %q", ref, u)
		}
		// Normalising is idempotent.
		again, ok := Normalise(nil, u.String())
		if !ok || again.String() != u.String() {
			t.Fatalf("Normalise(%q) = %q, again %q (%v)", ref, u, again, ok)
		}
	})
}

func FuzzPageLinks(f *testing.F) {
	f.Add([]byte(`<base href="/sub/"><a href="x">x</a><area href="/y"><a href=javascript:0>`))
	f.Add([]byte(`<a href="a" href="b"><a HREF='c'><base href="mailto:x"><a href="#f">`))
	f.Add([]byte("<a href=\"\x00\">"))
	base, _ := url.Parse("https://www.example-pcn.nhs.uk/a/b")
	f.Fuzz(func(t *testing.T, body []byte) {
		links, b := pageLinks(body, base)
		if len(links) > maxLinksPerPage {
			t.Fatalf("%d links", len(links))
		}
		if b == nil || (b.Scheme != "http" && b.Scheme != "https") {
			t.Fatalf("base %v", b)
		}
	})
}
