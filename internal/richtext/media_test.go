package richtext

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/internal/media"
)

func TestMediaWidthsAreTheLibrarys(t *testing.T) {
	if !reflect.DeepEqual(mediaWidths, media.Widths) {
		t.Errorf("richtext offers widths %v, the media library stores %v", mediaWidths, media.Widths)
	}
}

func TestMediaImagesGetSrcset(t *testing.T) {
	const sizes = ` sizes="(min-width: 768px) 720px, 100vw" loading="lazy"`
	tests := []struct {
		name, in string
		want     string // "" when the image must have no srcset
	}{
		{"largest stored 1024", "![The front door](/media/12/1024.jpg)",
			`<img src="/media/12/1024.jpg" alt="The front door" srcset="/media/12/320.jpg 320w, /media/12/640.jpg 640w, /media/12/1024.jpg 1024w"` + sizes + `>`},
		{"all four", "![A](/media/7/1600.jpg)", `srcset="/media/7/320.jpg 320w, /media/7/640.jpg 640w, /media/7/1024.jpg 1024w, /media/7/1600.jpg 1600w"`},
		{"a narrow original", "![A](/media/3/700.png)", `srcset="/media/3/320.png 320w, /media/3/640.png 640w, /media/3/700.png 700w"`},
		{"smaller than every standard width", "![A](/media/3/200.png)", `srcset="/media/3/200.png 200w"`},
		{"another site's media", "![A](https://elsewhere.example/media/3/640.jpg)", ""},
		{"not a media file", "![A](/images/3/640.jpg)", ""},
		{"a PDF", "![A](/media/3/file.pdf)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Markdown(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if strings.Contains(string(out), "srcset") {
					t.Errorf("got a srcset: %s", out)
				}
				return
			}
			if !strings.Contains(string(out), tt.want) {
				t.Errorf("Markdown(%q) =\n%s\nwant it to contain\n%s", tt.in, out, tt.want)
			}
		})
	}
}

func TestSanitizeKeepsOnlySameOriginSrcset(t *testing.T) {
	for _, in := range []string{
		`<img src="/media/1/640.jpg" srcset="https://evil.example/1.jpg 320w" alt="a">`,
		`<img src="/media/1/640.jpg" srcset="//evil.example/media/1/320.jpg 320w" alt="a">`,
		`<img src="/media/1/640.jpg" srcset="/media/1/320.jpg 320w, javascript:x 640w" alt="a">`,
		`<img src="/media/1/640.jpg" srcset="data:image/png;base64,AAAA 320w" alt="a">`,
		`<a href="/x" srcset="/media/1/320.jpg 320w" sizes="100vw" loading="lazy">x</a>`,
	} {
		if out := string(Sanitize(in)); strings.Contains(out, "srcset") || strings.Contains(out, "sizes") || strings.Contains(out, "loading") {
			t.Errorf("Sanitize(%q) = %q", in, out)
		}
	}
	in := `<img src="/media/1/640.jpg" srcset="/media/1/320.jpg 320w, /media/1/640.jpg 640w" sizes="(min-width: 768px) 720px, 100vw" loading="lazy" alt="a">`
	if out := string(Sanitize(in)); out != in {
		t.Errorf("Sanitize dropped a library image's attributes:\n%s", out)
	}
}
