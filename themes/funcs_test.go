package themes

// The template functions and helpers: dates, asset names, tel: URLs and
// staff grouped by service.

import (
	"testing"
	"time"
)

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

func TestTelURL(t *testing.T) {
	for _, tc := range []struct{ href, phone, want string }{
		{"tel:+441632960001", "", "tel:+441632960001"},
		{"", "01632 960 001", "tel:+441632960001"},
		{"", "+44 (0)1632 960001", "tel:+4401632960001"},
		{"", "0044 1632 960001", "tel:+441632960001"},
		{"javascript:alert(1)", "111", "tel:111"},
		{"tel:1<2", "", ""},
		{"", "none", ""},
		{"", "", ""},
	} {
		if got := telURL(tc.href, tc.phone); string(got) != tc.want {
			t.Errorf("telURL(%q, %q) = %q, want %q", tc.href, tc.phone, got, tc.want)
		}
	}
}

func TestStaffGroups(t *testing.T) {
	got := staffGroups([]Staff{{Name: "a", Service: "x"}, {Name: "b"}, {Name: "c", Service: "x"}})
	if len(got) != 2 || got[0].Service != "x" || len(got[0].Staff) != 2 || got[1].Service != "" || got[1].Staff[0].Name != "b" {
		t.Errorf("staffGroups = %+v", got)
	}
}
