package admin_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
)

// A news draft previews in the public theme, privately; the public site
// never shows it, and another tenant's item is a 404.
func TestNewsPreviewIsPrivate(t *testing.T) {
	s, a, b, br := pagesSetup(t)
	ctx := context.Background()
	draft, err := s.db.ForTenant(ctx, a.ID).SavePost(testActor, 0, models.Post{Title: "Flu clinics", BodyMD: "Book **now**."})
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.db.ForTenant(ctx, b.ID).SavePost(testActor, 0, models.Post{Title: "Beta secret", BodyMD: "beta draft"})
	if err != nil {
		t.Fatal(err)
	}
	p := br.get(t, pagesHost, "/admin/news/"+strconv.FormatInt(draft.ID, 10)+"/preview")
	pagesWant(t, "news preview", p, http.StatusOK, "Flu clinics", "Book <strong>now</strong>.", "Preview – this version is not published",
		`<meta name="robots" content="noindex">`)
	if p.header.Get("Cache-Control") != "no-store" || !strings.Contains(p.header.Get("X-Robots-Tag"), "noindex") {
		t.Errorf("preview headers: %q %q", p.header.Get("Cache-Control"), p.header.Get("X-Robots-Tag"))
	}
	if r := s.browser().get(t, pagesHost, "/news/flu-clinics"); r.status != http.StatusNotFound {
		t.Errorf("the draft on the public site: %d", r.status)
	}
	if r := br.get(t, pagesHost, "/admin/news/"+strconv.FormatInt(other.ID, 10)+"/preview"); r.status != http.StatusNotFound || strings.Contains(r.body, "beta draft") {
		t.Errorf("another tenant's news preview: %d", r.status)
	}
}
