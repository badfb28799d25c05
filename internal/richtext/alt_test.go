package richtext

import (
	"slices"
	"strings"
	"testing"
)

func TestImagesWithoutAlt(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"no images", "Some text\n\n- a list", nil},
		{"described", "![The surgery's entrance, with a ramp](/media/3/1600.jpg)", nil},
		{"empty alt", "Before\n\n![](/media/3/1600.jpg)\n", []string{"/media/3/1600.jpg"}},
		{"only spaces", "![   ](/media/4/640.png)", []string{"/media/4/640.png"}},
		{"decorative", `![](/media/3/1600.jpg "decorative")`, nil},
		{"decorative, any case", `![](/media/3/1600.jpg "Decorative")`, nil},
		{"another title", `![](/media/3/1600.jpg "A photo")`, []string{"/media/3/1600.jpg"}},
		{"emphasis is text", "![**Flu clinic** poster](/media/5/640.jpg)", nil},
		{"in a list", "- item\n- ![](https://example.org/a.png)", []string{"https://example.org/a.png"}},
		{"reference", "![][pic]\n\n[pic]: /media/6/320.jpg", []string{"/media/6/320.jpg"}},
		{"several, in order", "![](/a.png) and ![b](/b.png) and ![](/c.png)", []string{"/a.png", "/c.png"}},
		{"raw HTML is not drawn", `<img src="/x.png">`, nil},
		{"in code", "`![](/x.png)`", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ImagesWithoutAlt(tc.src); !slices.Equal(got, tc.want) {
				t.Errorf("ImagesWithoutAlt(%q) = %q, want %q", tc.src, got, tc.want)
			}
		})
	}
}

func TestDecorativeImagesHaveEmptyAlt(t *testing.T) {
	got, err := Markdown(`![Something](/media/3/640.jpg "decorative")`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), `alt=""`) || strings.Contains(string(got), "title=") || strings.Contains(string(got), "Something") {
		t.Errorf("decorative image drawn as %s, want alt=\"\" and no title", got)
	}
	got, err = Markdown(`![A photo](/media/3/640.jpg "Taken in 2025")`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), `alt="A photo"`) || !strings.Contains(string(got), `title="Taken in 2025"`) {
		t.Errorf("image with a title drawn as %s, want its alt and title kept", got)
	}
}

func FuzzImagesWithoutAlt(f *testing.F) {
	for _, s := range []string{"![](/a.png)", `![](/a.png "decorative")`, "![x](/b.png)", "- ![](c)\n", "![][r]\n\n[r]: /d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		got := ImagesWithoutAlt(src)
		if n := strings.Count(src, "!["); len(got) > n {
			t.Errorf("%d images without alt found in %q, which has only %d '!['", len(got), src, n)
		}
	})
}
