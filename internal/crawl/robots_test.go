package crawl

import (
	"slices"
	"testing"
	"time"
)

const ourUA = "pcnweb-importer/1.0 (+moving a PCN website to pcnweb; one request at a time)"

func TestRobotsAllowed(t *testing.T) {
	tests := []struct {
		name   string
		robots string
		path   string
		want   bool
	}{
		{"empty file allows all", "", "/anything", true},
		{"disallow all", "User-agent: *\nDisallow: /", "/about", false},
		{"robots.txt itself is always allowed", "User-agent: *\nDisallow: /", "/robots.txt", true},
		{"empty disallow allows all", "User-agent: *\nDisallow:", "/about", true},
		{"prefix", "User-agent: *\nDisallow: /private", "/private/staff", false},
		{"prefix does not match elsewhere", "User-agent: *\nDisallow: /private", "/public/private", true},
		{"prefix matches longer names", "User-agent: *\nDisallow: /private", "/privateer", false},
		{"longest match wins (allow)", "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php", "/wp-admin/admin-ajax.php", true},
		{"longest match wins (disallow)", "User-agent: *\nAllow: /news\nDisallow: /news/drafts", "/news/drafts/1", false},
		{"allow wins a tie", "User-agent: *\nDisallow: /page\nAllow: /page", "/page", true},
		{"star wildcard", "User-agent: *\nDisallow: /*.pdf", "/files/leaflet.pdf", false},
		{"star wildcard not matching", "User-agent: *\nDisallow: /*.pdf", "/files/leaflet.html", true},
		{"dollar anchor", "User-agent: *\nDisallow: /*.php$", "/index.php", false},
		{"dollar anchor with more after", "User-agent: *\nDisallow: /*.php$", "/index.php?page_id=7", true},
		{"query rules", "User-agent: *\nDisallow: /*?replytocom=", "/news/?replytocom=12", false},
		{"query rule leaves plain page", "User-agent: *\nDisallow: /*?replytocom=", "/news/", true},
		{"exact with dollar", "User-agent: *\nDisallow: /$", "/", false},
		{"exact with dollar, other pages", "User-agent: *\nDisallow: /$", "/about", true},
		{"middle stars", "User-agent: *\nDisallow: /a*b*c", "/axxbyyc", false},
		{"middle stars wrong order", "User-agent: *\nDisallow: /a*b*c", "/axxcyyb", true},
		{"our group wins over star", "User-agent: *\nDisallow: /\n\nUser-agent: pcnweb-importer\nDisallow: /admin", "/about", true},
		{"our group rules apply", "User-agent: *\nDisallow: /\n\nUser-agent: pcnweb-importer\nDisallow: /admin", "/admin/x", false},
		{"user-agent match is case-insensitive", "User-agent: PCNWEB-Importer\nDisallow: /x", "/x", false},
		{"other bots' groups ignored", "User-agent: Googlebot\nDisallow: /\n\nUser-agent: *\nDisallow: /tmp", "/about", true},
		{"a group of several agents", "User-agent: Googlebot\nUser-agent: pcnweb-importer\nDisallow: /shared", "/shared/a", false},
		{"groups for us are merged", "User-agent: pcnweb-importer\nDisallow: /a\n\nUser-agent: pcnweb-importer\nDisallow: /b", "/b/1", false},
		{"comments and odd spacing", "  user-agent :  *   # everyone\n  DISALLOW :  /secret # hidden\n", "/secret", false},
		{"rules before any user-agent are ignored", "Disallow: /\nUser-agent: *\nAllow: /", "/x", true},
		{"CRLF line ends", "User-agent: *\r\nDisallow: /x\r\n", "/x", false},
		{"percent-encoding normalised", "User-agent: *\nDisallow: /caf%c3%a9", "/caf%C3%A9/menu", false},
		{"non-ASCII rule matches the encoded path", "User-agent: *\nDisallow: /café", "/caf%C3%A9", false},
		{"sitemap line does not break a group", "User-agent: *\nSitemap: https://x/s.xml\nDisallow: /y", "/y", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ParseRobots([]byte(tt.robots), ourUA)
			if got := r.Allowed(tt.path); got != tt.want {
				t.Errorf("Allowed(%q) = %v, want %v\nrobots.txt:\n%s", tt.path, got, tt.want, tt.robots)
			}
		})
	}
}

func TestRobotsSitemapsAndCrawlDelay(t *testing.T) {
	r := ParseRobots([]byte(`Sitemap: https://www.example-pcn.nhs.uk/wp-sitemap.xml
User-agent: *
Crawl-delay: 3
Disallow: /wp-admin/

User-agent: pcnweb-importer
Crawl-delay: 2.5
Allow: /
sitemap: https://www.example-pcn.nhs.uk/news-sitemap.xml
`), ourUA)
	want := []string{"https://www.example-pcn.nhs.uk/wp-sitemap.xml", "https://www.example-pcn.nhs.uk/news-sitemap.xml"}
	if !slices.Equal(r.Sitemaps(), want) {
		t.Errorf("Sitemaps() = %v, want %v", r.Sitemaps(), want)
	}
	if got := r.CrawlDelay(); got != 2500*time.Millisecond {
		t.Errorf("CrawlDelay() = %v, want our group's 2.5s", got)
	}
	if got := ParseRobots([]byte("User-agent: *\nCrawl-delay: soon\n"), ourUA).CrawlDelay(); got != 0 {
		t.Errorf("unreadable Crawl-delay = %v, want 0", got)
	}
}

func TestNilRobotsAllowsAll(t *testing.T) {
	var r *Robots
	if !r.Allowed("/x") || r.Sitemaps() != nil || r.CrawlDelay() != 0 {
		t.Error("a nil *Robots should allow everything and list nothing")
	}
	if disallowEverything().Allowed("/") {
		t.Error("disallowEverything allows /")
	}
}

func TestEffectiveDelay(t *testing.T) {
	tests := []struct {
		opt, robots, want time.Duration
	}{
		{0, 0, time.Second},
		{0, 3 * time.Second, 3 * time.Second},
		{0, time.Hour, MaxCrawlDelay},
		{2 * time.Second, time.Second, 2 * time.Second},
		{-1, 5 * time.Second, 0},
		{50 * time.Millisecond, 0, 50 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := effectiveDelay(tt.opt, tt.robots); got != tt.want {
			t.Errorf("effectiveDelay(%v, %v) = %v, want %v", tt.opt, tt.robots, got, tt.want)
		}
	}
}

func FuzzParseRobots(f *testing.F) {
	f.Add([]byte("User-agent: *\nDisallow: /private\nAllow: /private/public\nCrawl-delay: 2\nSitemap: https://x/s.xml\n"), "/private/x")
	f.Add([]byte("User-agent: pcnweb-importer\nDisallow: /*.php$\n"), "/index.php")
	f.Add([]byte("User-agent: *\nDisallow: /a*b*c*$\n"), "/a%20b?c")
	f.Add([]byte("\xef\xbb\xbfuser-agent:*\r\ndisallow:/\r\n"), "/")
	f.Add([]byte("User-agent: *\nDisallow: ****************$\n"), "/aaaaaaaaaaaaaaaaaaaaaaaa")
	f.Fuzz(func(t *testing.T, body []byte, path string) {
		r := ParseRobots(body, ourUA)
		_ = r.Allowed(path)
		_ = r.Sitemaps()
		if r.CrawlDelay() < 0 {
			t.Fatalf("negative crawl delay %v", r.CrawlDelay())
		}
		if !r.Allowed("/robots.txt") {
			t.Fatal("robots.txt itself disallowed")
		}
		// A rule that is exactly the path (no wildcards, nothing the line
		// syntax eats) disallows it.
		if len(path) > 0 && path[0] == '/' && path != "/robots.txt" && !containsAny(path, "*$#") && !hasSpaceOrControl(path) {
			r2 := ParseRobots([]byte("User-agent: *\nDisallow: "+path+"\n"), ourUA)
			if r2.Allowed(path) {
				t.Fatalf("Disallow: %q does not disallow %q", path, path)
			}
		}
	})
}

func containsAny(s, chars string) bool {
	for i := 0; i < len(s); i++ {
		for j := 0; j < len(chars); j++ {
			if s[i] == chars[j] {
				return true
			}
		}
	}
	return false
}

func hasSpaceOrControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return true
		}
	}
	return false
}
