package siteimport

import (
	"net/url"
	"testing"

	"github.com/pcnweb/pcnweb/models"
)

func TestPagePath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://old.example/", "/"},
		{"https://old.example/index.html", "/"},
		{"https://old.example/Home.aspx", "/"},
		{"https://old.example/About-Us.html", "/about-us"},
		{"https://old.example/about_us/", "/about-us"},
		{"https://old.example/our%20team.htm", "/our-team"},
		{"https://old.example/patients/repeat-prescriptions.php", "/patients/repeat-prescriptions"},
		{"https://old.example/patients/index.html", "/patients"},
		{"https://old.example/a/b/c/d/e/f/g.html", "/a/b/c/d/g"},
		{"https://old.example/services/physio", "/our-services/physio"},
		{"https://old.example/contact.html", "/contact-us"},
		{"https://old.example/news/flu-2024", "/our-news/flu-2024"},
		{"https://old.example/admin/login.php", "/old-admin/login"},
		{"https://old.example/media", "/old-media"},
		{"https://old.example/?page_id=7", "/page-id-7"},
		{"https://old.example/index.php?p=12", "/p-12"},
		{"https://old.example/---.html", "/"},
	} {
		u, err := url.Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		got := PagePath(u)
		if got != tc.want {
			t.Errorf("PagePath(%s) = %q, want %q", tc.in, got, tc.want)
		}
		if got != "/" {
			if err := models.ValidatePagePath(got); err != nil {
				t.Errorf("PagePath(%s) = %q, which models refuses: %v", tc.in, got, err)
			}
		}
	}
}

func FuzzPagePath(f *testing.F) {
	for _, s := range []string{"https://old.example/About-Us.html", "/a/b/c/d/e/f/g", "/?page_id=7", "/%zz", "/admin", "/" + string(make([]byte, 300))} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		if p := PagePath(u); p != "/" && models.ValidatePagePath(p) != nil {
			t.Fatalf("PagePath(%q) = %q, which models refuses", raw, p)
		}
	})
}

func TestPlannerGivesEachPageItsOwnPath(t *testing.T) {
	var p planner
	got := []string{p.claim("/about"), p.claim("/about"), p.claim("/about"), p.claim("/team")}
	want := []string{"/about", "/about-2", "/about-3", "/team"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("claims = %v, want %v", got, want)
			break
		}
	}
}

func TestURLKeyMatchesOneSitesSpellings(t *testing.T) {
	same := [][2]string{
		{"https://www.old.example/about/", "http://old.example/about"},
		{"https://old.example/a?x=1&y=2", "https://old.example/a?y=2&x=1"},
		{"https://OLD.example/a#top", "https://old.example/a"},
	}
	for _, s := range same {
		a, _ := url.Parse(s[0])
		b, _ := url.Parse(s[1])
		if urlKey(a) != urlKey(b) {
			t.Errorf("%s and %s are different keys: %q, %q", s[0], s[1], urlKey(a), urlKey(b))
		}
	}
	a, _ := url.Parse("https://old.example/a?page_id=1")
	b, _ := url.Parse("https://old.example/a?page_id=2")
	if urlKey(a) == urlKey(b) {
		t.Errorf("two queries are one key")
	}
}

// TestPlatformServes: an old address the new site answers with its own
// page gets no redirect, which would never be used.
func TestPlatformServes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"https://old.example/contact", true},
		{"https://old.example/Contact/", true},
		{"https://old.example/practices", true},
		{"https://old.example/contact.html", false}, // the new site has no /contact.html: the redirect is used
		{"https://old.example/contact?x=1", false},
		{"https://old.example/contact-us", false},
		{"https://old.example/services/physio", false}, // not a service of the new site: a 404 the redirect answers
		{"https://old.example/", false},
	} {
		u, err := url.Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := platformServes(u); got != tc.want {
			t.Errorf("platformServes(%s) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestPostSlug: a crawled post's slug is its old address's last part.
func TestPostSlug(t *testing.T) {
	for _, tc := range []struct{ in, title, want string }{
		{"https://old.example/2023/09/14/flu-clinics-this-autumn/", "Flu", "flu-clinics-this-autumn"},
		{"https://old.example/post/flu-clinics-2023", "Flu", "flu-clinics-2023"},
		{"https://old.example/news/Flu_Clinics.html", "Flu", "flu-clinics"},
		{"https://old.example/2023/09/14/", "Flu clinics this autumn", "flu-clinics-this-autumn"},
		{"https://old.example/?p=12", "", "news"},
	} {
		u, err := url.Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := postSlug(u, tc.title); got != tc.want {
			t.Errorf("postSlug(%s, %q) = %q, want %q", tc.in, tc.title, got, tc.want)
		}
	}
}
