package richtext

import (
	"strings"
	"testing"
)

// library is a media library of two images: 12 is 2048×1536 (4:3), 7 a
// narrow 700×1000 portrait.
func library(id int64) (int, int, bool) {
	switch id {
	case 12:
		return 2048, 1536, true
	case 7:
		return 700, 1000, true
	}
	return 0, 0, false
}

func TestSizeImages(t *testing.T) {
	tests := []struct {
		name, md string
		want     []string // in the output
		refuse   []string
	}{
		{"library image at its largest stored width", "![The front door](/media/12/1024.jpg)",
			[]string{`width="1024"`, `height="768"`, `srcset="/media/12/320.jpg 320w`, `alt="The front door"`, `loading="lazy"`}, nil},
		{"a narrow original", "![A](/media/7/700.png)", []string{`width="700"`, `height="1000"`}, nil},
		{"two images, one unknown", "![A](/media/12/640.jpg)\n\n![B](/media/99/640.jpg)",
			[]string{`src="/media/12/640.jpg" alt="A"`, `width="640" height="480"`}, []string{`width="640" height="480"` + "x"}},
		{"not the library", "![A](https://elsewhere.example/media/12/640.jpg)", nil, []string{"width=", "height="}},
		{"a PDF link", "[Leaflet](/media/12/leaflet.pdf)", nil, []string{"width=", "height="}},
		{"text and entities kept", "Fish & chips\n\n![A](/media/12/320.jpg)\n\n\"quoted\" it's",
			[]string{"Fish &amp; chips", `width="320" height="240"`, "&#34;quoted&#34; it&#39;s"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := Markdown(tt.md)
			if err != nil {
				t.Fatal(err)
			}
			out := string(SizeImages(string(body), library))
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("SizeImages(%s) =\n%s\nwant %q", body, out, w)
				}
			}
			for _, w := range tt.refuse {
				if strings.Contains(out, w) {
					t.Errorf("SizeImages(%s) =\n%s\nhas %q", body, out, w)
				}
			}
			if strings.Count(out, "height=") > 1 && !strings.Contains(tt.name, "two") {
				t.Errorf("more than one size: %s", out)
			}
		})
	}
	// The unknown image of the second case has no size.
	body, _ := Markdown("![B](/media/99/640.jpg)")
	if out := string(SizeImages(string(body), library)); out != string(body) {
		t.Errorf("an image the library does not have changed: %s", out)
	}
	// An image already sized (stored HTML from elsewhere) keeps its size.
	in := `<p><img src="/media/12/640.jpg" alt="a" width="10" height="10"></p>`
	if out := string(SizeImages(in, library)); out != in {
		t.Errorf("a sized image changed: %s", out)
	}
}

// FuzzSizeImages: whatever the stored body, the result is what the
// sanitiser allows (sizing never lets markup through), and sizing twice
// changes nothing more.
func FuzzSizeImages(f *testing.F) {
	for _, s := range []string{
		`<p><img src="/media/12/1024.jpg" alt="a"></p>`,
		`<img src="/media/12/1024.jpg" onerror="x()"><script>alert(1)</script>`,
		`<img src="/media/7/700.png" alt="<b>">`, `<img src="/media/12/640.jpg"/>`, `<p>a & b</p><img src="/media/`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		once := string(SizeImages(string(Sanitize(body)), library))
		if again := string(Sanitize(once)); again != once {
			t.Fatalf("not sanitised: %q\nsanitised: %q", once, again)
		}
		if twice := string(SizeImages(once, library)); twice != once {
			t.Fatalf("sized twice: %q\nthen: %q", once, twice)
		}
	})
}
