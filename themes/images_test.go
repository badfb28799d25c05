package themes

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// TestBodyImagesFitTheColumn: every theme's pages load the site sheet,
// which keeps images in the page inside the column (before, a body image
// wider than the screen made the page scroll sideways at 390px).
func TestBodyImagesFitTheColumn(t *testing.T) {
	r := mustLoad(t)
	sheetRE := regexp.MustCompile(`<link rel="stylesheet" href="(/static/[^"]*site\.[0-9a-f]+\.css)">`)
	for _, theme := range r.Themes() {
		var buf bytes.Buffer
		if err := r.Render(&buf, theme, "page", fullPage()); err != nil {
			t.Fatal(err)
		}
		m := sheetRE.FindStringSubmatch(buf.String())
		if m == nil {
			t.Errorf("%s: the page does not load site.css", theme)
			continue
		}
		a, ok := r.Asset(m[1])
		if !ok {
			t.Errorf("%s: %s is not served", theme, m[1])
			continue
		}
		if css := strings.ReplaceAll(string(a.Body), " ", ""); !strings.Contains(css, "mainimg{max-width:100%;height:auto}") {
			t.Errorf("%s: site.css does not fit images to the column:\n%s", theme, a.Body)
		}
	}
}
