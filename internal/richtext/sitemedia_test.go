package richtext

import (
	"slices"
	"testing"
)

func TestSiteMediaLinks(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"an image of the library", "![A clinic](/media/12/640.jpg)", []string{"/media/12/640.jpg"}},
		{"a link to a leaflet", "Read [the leaflet](/media/3/leaflet.pdf).", []string{"/media/3/leaflet.pdf"}},
		{"a reference link", "See [the map][m].\n\n[m]: /media/4/1024.png", []string{"/media/4/1024.png"}},
		{"relative without the slash", "![x](media/5/320.jpg)", []string{"media/5/320.jpg"}},
		{"dot segments", "![x](/pages/../media/5/320.jpg)", []string{"/pages/../media/5/320.jpg"}},
		{"escaped letters", "[x](/%6Dedia/6/a.pdf)", []string{"/%6Dedia/6/a.pdf"}},
		{"upper case", "[x](/MEDIA/6/a.pdf)", []string{"/MEDIA/6/a.pdf"}},
		{"the bare folder", "[x](/media)", []string{"/media"}},
		{"a full address is fine", "![x](https://www.example.nhs.uk/media/1/640.jpg)", nil},
		{"protocol-relative is a host", "![x](//cdn.example.org/media/1.jpg)", nil},
		{"another page", "[Our team](/about/team)", nil},
		{"a page named like it", "[x](/mediation)", nil},
		{"plain text is not a link", "The file is at /media/1/640.jpg on our site.", nil},
		{"code is not a link", "`![x](/media/1/640.jpg)`", nil},
		{"raw HTML is dropped anyway", `<img src="https://example.org/a.png">`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SiteMediaLinks(tt.src); !slices.Equal(got, tt.want) {
				t.Errorf("SiteMediaLinks(%q) = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

// FuzzSiteMediaLinks: any input is answered without a panic, and every
// address returned is one IsSiteMedia accepts.
func FuzzSiteMediaLinks(f *testing.F) {
	for _, s := range []string{"![a](/media/1/2.jpg)", "[a][b]\n\n[b]: media/x", "<https://x/media/1>", "[a](</media/ x>)", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, a := range SiteMediaLinks(src) {
			if !IsSiteMedia(a) {
				t.Fatalf("%q returned %q, which is not site media", src, a)
			}
		}
	})
}
