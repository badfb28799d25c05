package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/ods"
	"github.com/pcnweb/pcnweb/models"
)

func siteNameODS(name string) *ods.Data {
	opened := time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)
	return &ods.Data{PCNs: []ods.PCN{{Code: "U00001", Name: name, SubICBCode: "36L", Opened: opened, Postcode: "SW17 0RT"}}}
}

// TestSiteNameForm: a manager changes the site's display name in the
// settings; a bad name is refused next to the field with nothing saved;
// the change is audited and the site shows it; a later ODS import that
// renames the PCN leaves the manager's name alone. Editors cannot.
func TestSiteNameForm(t *testing.T) {
	s := newServer(t, options{})
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	if _, err := s.db.ImportODS(ctx, siteNameODS("RIVERSIDE HEALTH PCN"), now); err != nil {
		t.Fatal(err)
	}
	tn, err := s.db.TenantBySlug(ctx, "riverside-health-pcn")
	if err != nil {
		t.Fatal(err)
	}
	s.user(t, tn, "boss@example.nhs.uk", models.RoleManager)
	s.user(t, tn, "ed@example.nhs.uk", models.RoleEditor)
	const host = "riverside-health-pcn.localhost"
	b := s.browser()
	b.signIn(t, host, "boss@example.nhs.uk")

	r := b.get(t, host, "/admin/settings")
	if !strings.Contains(r.body, `action="/admin/settings/name"`) || !strings.Contains(r.body, `value="Riverside Health PCN"`) {
		t.Fatalf("the settings page has no site name form with the name:\n%s", r.body)
	}
	token := csrf(t, r.body)
	for _, c := range []struct{ name, msg string }{
		{"   ", "Enter a name"},
		{strings.Repeat("x", 201), "Use 200 characters or fewer"},
		{"Riverside\nHealth", "Write the name on one line"},
	} {
		r := b.post(t, host, "/admin/settings/name", url.Values{"_csrf": {token}, "name": {c.name}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, c.msg) || !strings.Contains(r.body, `id="name-error"`) {
			t.Errorf("name %q: %d, want 422 saying %q next to the field", c.name, r.status, c.msg)
		}
	}
	if got, _ := s.db.ForTenant(ctx, tn.ID).SiteName(); got != "Riverside Health PCN" {
		t.Fatalf("a refused name was saved: %q", got)
	}

	r = b.post(t, host, "/admin/settings/name", url.Values{"_csrf": {token}, "name": {"  Riverside Health Network  "}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/settings?done=name" {
		t.Fatalf("save: %d %s\n%s", r.status, r.location(), r.body)
	}
	after, _ := s.db.TenantBySlug(ctx, "riverside-health-pcn")
	if after.Name != "Riverside Health Network" || after.Generation <= tn.Generation {
		t.Errorf("tenant %q generation %d → %d", after.Name, tn.Generation, after.Generation)
	}
	log, _ := s.db.ForTenant(ctx, tn.ID).AuditLog(5)
	if len(log) == 0 || log[0].Action != models.AuditSiteName || log[0].UserEmail != "boss@example.nhs.uk" ||
		log[0].Subject != `site name changed from "Riverside Health PCN" to "Riverside Health Network"` {
		t.Errorf("audit %+v", log)
	}
	if r := b.get(t, host, "/admin/settings?done=name"); !strings.Contains(r.body, "The site name has been saved") || !strings.Contains(r.body, `value="Riverside Health Network"`) {
		t.Errorf("after saving:\n%s", r.body)
	}
	if r := s.browser().get(t, host, "/"); !strings.Contains(r.body, "Riverside Health Network") {
		t.Errorf("the site does not show the new name")
	}

	// ODS renames the PCN: the manager's name stands.
	if _, err := s.db.ImportODS(ctx, siteNameODS("RIVERSIDE AND TOOTING PCN"), now); err != nil {
		t.Fatal(err)
	}
	if after, _ := s.db.TenantBySlug(ctx, "riverside-health-pcn"); after.Name != "Riverside Health Network" {
		t.Errorf("the ODS import overwrote the manager's name with %q", after.Name)
	}

	// An editor cannot change it.
	e := s.browser()
	e.signIn(t, host, "ed@example.nhs.uk")
	page := e.get(t, host, "/admin")
	if r := e.post(t, host, "/admin/settings/name", url.Values{"_csrf": {csrf(t, page.body)}, "name": {"Mine"}}); r.status != http.StatusForbidden {
		t.Errorf("an editor's save: %d, want 403", r.status)
	}
}
