package themes

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

var (
	nhsukClass    = regexp.MustCompile(`nhsuk-[a-z0-9_-]+`)
	nhsukSelector = regexp.MustCompile(`\.(nhsuk-[a-z0-9_-]+)`)
)

// cssClasses returns the nhsuk-* classes that a stylesheet's selectors name.
func cssClasses(t *testing.T, file string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, m := range nhsukSelector.FindAllSubmatch(b, -1) {
		out[string(m[1])] = true
	}
	return out
}

// TestPublicStylesheetCoversTheTemplates: the public sites link a stylesheet
// built with only what their templates use (vendor-nhsuk.sh). Every nhsuk-*
// class that a default or civic template names and the whole NHS.UK
// stylesheet styles must be styled by the trimmed one too; when this fails,
// add the component to COMPONENTS in themes/default/vendor-nhsuk.sh if it is
// new, run the script and commit what it writes.
func TestPublicStylesheetCoversTheTemplates(t *testing.T) {
	full := cssClasses(t, "default/static/nhsuk-frontend-full.min.css")
	public := cssClasses(t, "default/static/nhsuk-frontend.min.css")
	if len(public) == 0 || len(public) >= len(full) {
		t.Fatalf("the public stylesheet names %d nhsuk-* classes, the whole one %d: not a trimmed build", len(public), len(full))
	}
	var files []string
	for _, g := range []string{"default/*/*.html", "civic/*/*.html"} {
		m, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 10 {
		t.Fatalf("found only %d templates: %v", len(files), files)
	}
	used := map[string][]string{} // class -> templates naming it
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range nhsukClass.FindAll(b, -1) {
			if !slices.Contains(used[string(c)], f) {
				used[string(c)] = append(used[string(c)], f)
			}
		}
	}
	checked := 0
	for c, in := range used {
		if !full[c] {
			continue // not an NHS.UK class, or one it gives no style
		}
		checked++
		if !public[c] {
			t.Errorf("%s (in %v) is styled by nhsuk-frontend-full.min.css but not by the public nhsuk-frontend.min.css: re-run themes/default/vendor-nhsuk.sh", c, in)
		}
	}
	if checked < 50 {
		t.Errorf("checked only %d classes: the templates' classes were not found", checked)
	}
	t.Logf("%d nhsuk-* classes of %d templates are in the public stylesheet (%d of the whole one's %d)", checked, len(files), len(public), len(full))
}
