package analytics

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pcnweb/pcnweb/models"
)

func TestAppendSearchTerm(t *testing.T) {
	tests := []struct {
		name, q, want string
	}{
		{"blank", "   \t\n", ""},
		{"trimmed and lower-cased", "  Flu JAB ", "flu jab"},
		{"white space collapsed", "flu\t\n  jab\u00a0clinic", "flu jab clinic"},
		{"unicode lower-cased", "ÉCOLE Straße", "école straße"},
		{"control characters and bad UTF-8 dropped", "flu\x00\x07 j\xffab\u200b", "flu jab"},
		{"an email address hidden", "me@example.com repeat prescription", HiddenTerm},
		{"an NHS number hidden", "943 476 5919", HiddenTerm},
		{"a phone number hidden", "call 07700-900123", HiddenTerm},
		{"a hidden number past the cut", strings.Repeat("a", 120) + " 1234567", HiddenTerm},
		{"short numbers kept", "covid 19 booster 2026", "covid 19 booster 2026"},
		{"cut to the bound", strings.Repeat("ab ", 50), strings.Repeat("ab ", 33) + "a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := string(AppendSearchTerm([]byte("prefix:"), tc.q))
			if got != "prefix:"+tc.want {
				t.Errorf("AppendSearchTerm(%q) = %q, want %q", tc.q, strings.TrimPrefix(got, "prefix:"), tc.want)
			}
		})
	}
}

func TestAppendReferrer(t *testing.T) {
	others := []string{"highfivespcn.nhs.uk", "WWW.Old.Example"}
	tests := []struct {
		name, referer, want string
	}{
		{"absent", "", ""},
		{"domain only, lower-cased, www. gone", "https://WWW.Google.co.uk/search?q=my+symptoms", "google.co.uk"},
		{"user information and port dropped", "http://user:secret@nhs.uk:8443/conditions", "nhs.uk"},
		{"trailing dot", "https://nhs.uk./", "nhs.uk"},
		{"query and fragment without a path", "https://bing.com?q=x#y", "bing.com"},
		{"the site itself", "http://highfives.localhost:3000/news", ""},
		{"the site's custom domain", "https://www.highfivespcn.nhs.uk/", ""},
		{"another host of the site", "https://old.example/page", ""},
		{"a subdomain is another site", "https://news.highfivespcn.nhs.uk/", "news.highfivespcn.nhs.uk"},
		{"not http", "android-app://com.google.android.gm/", ""},
		{"javascript", "javascript:alert(1)", ""},
		{"IPv6 literal", "http://[::1]/", ""},
		{"odd characters", "https://exa mple.com/", ""},
		{"empty host", "https:///path", ""},
		{"only www.", "https://www./", "www"},
		{"double dot", "https://a..b/", ""},
		{"backslash ends the host", "https://evil.example\\@nhs.uk/", "evil.example"},
		{"too long", "https://" + strings.Repeat("a", 300) + ".com/", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := string(AppendReferrer([]byte("x:"), []byte(tc.referer), []byte("highfives.localhost:3000"), others))
			if got != "x:"+tc.want {
				t.Errorf("AppendReferrer(%q) = %q, want %q", tc.referer, strings.TrimPrefix(got, "x:"), tc.want)
			}
		})
	}
}

func TestIsBot(t *testing.T) {
	tests := []struct {
		ua  string
		bot bool
	}{
		{"", true},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", false},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", false},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.135 Mobile Safari/537.36", false},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0", false},
		{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", true},
		{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36", true},
		{"Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)", true},
		{"Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)", true},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36", true},
		{"Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse", true},
		{"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", true},
		{"curl/8.5.0", true},
		{"python-requests/2.31.0", true},
		{"Go-http-client/1.1", true},
		{"Mozilla/5.0 " + strings.Repeat("x", 600), true},
	}
	c := newBotCache()
	for _, tc := range tests {
		for range 2 { // the second answer comes from the verdict cache
			if got := c.IsBot([]byte(tc.ua)); got != tc.bot {
				t.Errorf("IsBot(%.60q) = %v, want %v", tc.ua, got, tc.bot)
			}
		}
	}
}

func FuzzAppendSearchTerm(f *testing.F) {
	for _, s := range []string{"", "  Flu JAB ", "a@b", "943 476 5919", "\xff\xfe", strings.Repeat("é ", 80), "İ", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got := AppendSearchTerm(nil, q)
		s := string(got)
		if !utf8.Valid(got) {
			t.Fatalf("invalid UTF-8 %q from %q", s, q)
		}
		if n := utf8.RuneCount(got); n > models.MaxSearchKey {
			t.Fatalf("%d characters from %q", n, q)
		}
		if s != strings.TrimSpace(s) || strings.Contains(s, "  ") {
			t.Fatalf("white space left in %q from %q", s, q)
		}
		if s != HiddenTerm && strings.Contains(s, "@") {
			t.Fatalf("an @ kept in %q", s)
		}
		if again := string(AppendSearchTerm(nil, s)); again != s && s != HiddenTerm {
			t.Fatalf("not idempotent: %q, then %q", s, again)
		}
	})
}

func FuzzAppendReferrer(f *testing.F) {
	for _, s := range []string{"", "https://www.google.com/", "http://u:p@H.example:80/x", "https://a..b", "https://www.", "http://[::1]/", "https://highfives.localhost/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, referer string) {
		got := string(AppendReferrer(nil, []byte(referer), []byte("highfives.localhost"), []string{"highfivespcn.nhs.uk"}))
		if got == "" {
			return
		}
		if len(got) > models.MaxReferrerKey {
			t.Fatalf("%d bytes from %q", len(got), referer)
		}
		for _, r := range got {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_') {
				t.Fatalf("%q from %q has %q", got, referer, r)
			}
		}
		if strings.HasPrefix(got, "www.") || strings.HasPrefix(got, ".") || strings.HasSuffix(got, ".") {
			t.Fatalf("%q from %q", got, referer)
		}
		if got == "highfives.localhost" || got == "highfivespcn.nhs.uk" {
			t.Fatalf("the site itself counted as a referrer: %q", referer)
		}
	})
}
