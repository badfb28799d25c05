package console

import (
	"io"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/themes"
)

// TestEveryPageRendersOnItsZeroView executes every console page
// ("console-*") on its zero view, a themes.Admin with an empty consoleView,
// so a template that names a field the view lacks fails here, not in front
// of an operator. The admin panel's pages are handlers/admin's.
func TestEveryPageRendersOnItsZeroView(t *testing.T) {
	reg, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, page := range reg.AdminPages() {
		if !strings.HasPrefix(page, "console-") {
			continue
		}
		n++
		if err := reg.RenderAdmin(io.Discard, page, themes.Admin{Console: &consoleView{}}); err != nil {
			t.Errorf("page %q on its zero view: %v", page, err)
		}
	}
	if n == 0 {
		t.Fatal("no console pages")
	}
}
