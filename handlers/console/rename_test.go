package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/ods"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// TestConsoleRenameTenant: an operator changes a tenant's slug from its
// page; a bad, reserved or taken slug is refused next to the field and
// nothing changes; the change is audited with the reason, and the old
// public address redirects to the new one.
func TestConsoleRenameTenant(t *testing.T) {
	s := newServer(t, options{})
	s.operator(t, "op@pcnweb.example", secret)
	b := s.browser()
	b.signIn(t, "op@pcnweb.example", secret)
	modelstest.Tenant(t, s.db, "wandle")
	modelstest.Tenant(t, s.db, "taken")

	if r := b.get(t, "/tenants/wandle"); !strings.Contains(r.body, `href="/tenants/wandle/rename"`) {
		t.Fatalf("the tenant page has no way to change the slug:\n%s", r.body)
	}
	for _, c := range []struct{ slug, want string }{
		{"Bad Slug", "Use 1 to 63"},
		{"console", `"console" is reserved`},
		{"taken", `"taken" is taken by another tenant`},
		{"wandle", `is "wandle" already`},
	} {
		f := b.form(t, "/tenants/wandle/rename", url.Values{"slug": {c.slug}, "why": {"new name"}})
		r := b.post(t, "/tenants/wandle/rename", f)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(fieldError(r.body, "slug"), c.want) {
			t.Errorf("slug %q: %d %q, want %q", c.slug, r.status, fieldError(r.body, "slug"), c.want)
		}
	}
	mustTenant(t, s, "wandle")

	f := b.form(t, "/tenants/wandle/rename", url.Values{"slug": {"wandle-pcn"}, "why": {"the PCN asked"}})
	if r := b.post(t, "/tenants/wandle/rename", f); r.status != http.StatusSeeOther || r.location() != "/tenants/wandle-pcn?done=rename" {
		t.Fatalf("rename: %d %s\n%s", r.status, r.location(), r.body)
	}
	if a := s.lastAudit(t); a.Action != "tenant.rename" || a.Why != "the PCN asked" || a.Subject != "wandle → wandle-pcn" || a.TenantSlug != "wandle-pcn" {
		t.Errorf("audit %+v", a)
	}
	if r := b.get(t, "/tenants/wandle-pcn?done=rename"); !strings.Contains(r.body, "The old address redirects to the new one.") {
		t.Errorf("no notice after the rename")
	}
	public := s.browser()
	if r := public.do(t, http.MethodGet, "wandle.localhost", "/about?x=1", nil); r.status != http.StatusMovedPermanently || !strings.HasSuffix(r.location(), "wandle-pcn.localhost/about?x=1") {
		t.Errorf("old host: %d %q, want a 301 to the new one", r.status, r.location())
	}
}

// TestConsoleShowsClosedTenant: a tenant the ODS import closed is listed
// and shown as closed, with a way to reopen it.
func TestConsoleShowsClosedTenant(t *testing.T) {
	s := newServer(t, options{})
	s.operator(t, "op@pcnweb.example", secret)
	b := s.browser()
	b.signIn(t, "op@pcnweb.example", secret)
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	data := &ods.Data{
		PCNs:        []ods.PCN{{Code: "U00002", Name: "MOORLAND PCN", SubICBCode: "A3A8R", Opened: now.AddDate(-5, 0, 0), Postcode: "RM7 0JU"}},
		Memberships: []ods.Membership{{PracticeCode: "A81004", PracticeName: "ACKLAM MEDICAL CENTRE", PCNCode: "U00002", Started: now.AddDate(-5, 0, 0)}},
		Practices:   map[string]ods.Practice{},
	}
	if _, err := s.db.ImportODS(ctx, data, now); err != nil {
		t.Fatal(err)
	}
	data.PCNs[0].Closed = now.AddDate(0, -1, 0)
	if _, err := s.db.ImportODS(ctx, data, now); err != nil {
		t.Fatal(err)
	}
	if tn := mustTenant(t, s, "moorland-pcn"); tn.Status != models.StatusClosed {
		t.Fatalf("status %s", tn.Status)
	}
	if r := b.get(t, "/tenants"); !strings.Contains(r.body, "closed") {
		t.Errorf("the list does not say closed:\n%s", r.body)
	}
	r := b.get(t, "/tenants/moorland-pcn")
	if !strings.Contains(r.body, `id="status">closed`) || !strings.Contains(r.body, `href="/tenants/moorland-pcn/resume">Reopen</a>`) {
		t.Errorf("the tenant page:\n%s", r.body)
	}
}
