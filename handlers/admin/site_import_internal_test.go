package admin

import (
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
)

func TestParseDraftItem(t *testing.T) {
	cases := []struct {
		in   string
		kind string
		id   int64
		ok   bool
	}{
		{"page:12", "page", 12, true},
		{"news:4", "news", 4, true},
		{"page:0", "", 0, false},
		{"page:-3", "", 0, false},
		{"page:+3", "", 0, false},
		{"page:012", "", 0, false},
		{"media:3", "", 0, false},
		{"page", "", 0, false},
		{"page:3:4", "", 0, false},
		{"", "", 0, false},
		{"page:99999999999999999999", "", 0, false},
	}
	for _, tc := range cases {
		kind, id, ok := parseDraftItem(tc.in)
		if kind != tc.kind || id != tc.id || ok != tc.ok {
			t.Errorf("parseDraftItem(%q) = %q, %d, %v; want %q, %d, %v", tc.in, kind, id, ok, tc.kind, tc.id, tc.ok)
		}
	}
}

// FuzzParseDraftItem: whatever a form sends as a review checkbox's value,
// an accepted one is a known kind and a positive id that writes back as
// the same value.
func FuzzParseDraftItem(f *testing.F) {
	for _, s := range []string{"page:12", "news:4", "page:0", "page:-1", "media:3", "", ":", "page:１２"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		kind, id, ok := parseDraftItem(in)
		if !ok {
			if kind != "" || id != 0 {
				t.Errorf("refused %q but returned %q, %d", in, kind, id)
			}
			return
		}
		if (kind != models.ImportKindPage && kind != models.ImportKindNews) || id <= 0 || kind+":"+formatID(id) != in {
			t.Errorf("parseDraftItem(%q) = %q, %d", in, kind, id)
		}
	})
}

func TestImportDuration(t *testing.T) {
	cases := map[time.Duration]string{
		0:                                     "",
		300 * time.Millisecond:                "less than a second",
		time.Second:                           "1 second",
		16 * time.Second:                      "16 seconds",
		time.Minute:                           "1 minute",
		2*time.Minute + 5*time.Second:         "2 minutes 5 seconds",
		61*time.Second + 400*time.Millisecond: "1 minute 1 second",
	}
	for d, want := range cases {
		if got := importDuration(d); got != want {
			t.Errorf("importDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestFoundLinksToWhereThePlatformKeepsIt: each kind of content the
// platform has a home for links to its part of the panel.
func TestFoundLinksToWhereThePlatformKeepsIt(t *testing.T) {
	cases := map[string]string{
		"hours": "/admin/practices", "opening hours": "/admin/practices", "phone": "/admin/practices",
		"news": "/admin/news", "vacancies": "/admin/vacancies", "home": "",
	}
	for kind, want := range cases {
		if got, _ := foundHome(kind); got != want {
			t.Errorf("foundHome(%q) = %q, want %q", kind, got, want)
		}
	}
}
