package site_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// TestSharedPageOnSite: a page shared with every tenant shows at its path
// with who it is from and is in the sitemap, cached pages included; a
// tenant's own published page at the path wins; hiding it leaves a 404.
func TestSharedPageOnSite(t *testing.T) {
	s := newServer(t, serverOptions{})
	ctx := context.Background()
	hf := modelstest.Tenant(t, s.db, "highfives")
	modelstest.Tenant(t, s.db, "riverside")
	modelstest.Tenant(t, s.db, "valley")
	s.putPage(t, "riverside", "/flu-jabs", "Our flu clinic", "Saturday mornings at Riverside.")
	if r := s.get(t, "highfives.localhost", "/flu-jabs"); r.status != http.StatusNotFound {
		t.Fatalf("before sharing: %d", r.status)
	}
	op, err := s.db.CreateOperator(ctx, "op@example.org", "hash")
	if err != nil {
		t.Fatal(err)
	}
	item, err := s.db.SaveSharedItem(ctx, models.SharedEditor{User: op}, 0, models.SharedItemInput{Kind: models.SharedPage, Path: "/flu-jabs",
		Title: "Flu jabs", Body: "Book your **flu jab**.", Owner: "NHS South Yorkshire ICB", Audience: models.Audience{Kind: models.AudienceAll}}, "campaign")
	if err != nil {
		t.Fatal(err)
	}
	r := s.get(t, "highfives.localhost", "/flu-jabs")
	if r.status != http.StatusOK || !strings.Contains(r.body, "<strong>flu jab</strong>") || !strings.Contains(r.body, "From NHS South Yorkshire ICB") {
		t.Fatalf("shared page: %d\n%s", r.status, r.body)
	}
	if r := s.get(t, "highfives.localhost", "/sitemap.xml"); !strings.Contains(r.body, "/flu-jabs</loc>") {
		t.Errorf("sitemap lacks the shared page:\n%s", r.body)
	}
	if r := s.get(t, "riverside.localhost", "/flu-jabs"); !strings.Contains(r.body, "Saturday mornings") || strings.Contains(r.body, "From NHS") {
		t.Errorf("riverside's own page did not win:\n%s", r.body)
	}
	if err := s.db.ForTenant(ctx, hf.ID).HideShared(models.Actor{Name: "manager"}, item.ID); err != nil {
		t.Fatal(err)
	}
	if r := s.get(t, "highfives.localhost", "/flu-jabs"); r.status != http.StatusNotFound {
		t.Errorf("hidden shared page: %d", r.status)
	}
	if r := s.get(t, "valley.localhost", "/flu-jabs"); r.status != http.StatusOK {
		t.Errorf("valley lost the page highfives hid: %d", r.status)
	}
}
