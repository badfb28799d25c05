package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// Operators see tenants by state and launch a site from its page.
func TestConsoleListsTenantsByStateAndLaunches(t *testing.T) {
	s := newServer(t, options{})
	s.operator(t, "op@pcnweb.example", secret)
	b := s.browser()
	b.signIn(t, "op@pcnweb.example", secret)
	ctx := context.Background()
	s.tenant(t, "livewell")
	wandle := modelstest.UnlaunchedTenant(t, s.db, "wandle")
	s.tenant(t, "paused")
	if _, err := s.db.SetTenantStatus(ctx, "paused", models.StatusSuspended, "moving"); err != nil {
		t.Fatal(err)
	}

	all := b.get(t, "/tenants")
	for _, want := range []string{`<option value="not-launched">Not launched (1)</option>`, `<option value="live">Live (1)</option>`,
		`<option value="suspended">Suspended (1)</option>`, `<option value="" selected>All (3)</option>`, "<td>Not launched</td>"} {
		if !strings.Contains(all.body, want) {
			t.Errorf("tenant list lacks %q", want)
		}
	}
	for state, want := range map[string][]string{"not-launched": {"wandle"}, "live": {"livewell"}, "suspended": {"paused"}, "archived": nil, "nonsense": {"wandle", "livewell", "paused"}} {
		r := b.get(t, "/tenants?state="+state)
		for _, slug := range []string{"wandle", "livewell", "paused"} {
			listed := strings.Contains(r.body, `href="/tenants/`+slug+`"`)
			if listed != strings.Contains(strings.Join(want, " "), slug) {
				t.Errorf("?state=%s lists %s: %v", state, slug, listed)
			}
		}
	}

	page := b.get(t, "/tenants/wandle")
	if !strings.Contains(page.body, "No: the website shows its holding page") || !strings.Contains(page.body, `href="/tenants/wandle/launch"`) {
		t.Errorf("the page of a tenant not launched:\n%s", page.body)
	}
	if r := b.get(t, "/tenants/livewell"); strings.Contains(r.body, `href="/tenants/livewell/launch"`) {
		t.Error("a live tenant's page offers the launch")
	}
	f := b.form(t, "/tenants/wandle/launch", url.Values{})
	if r := b.post(t, "/tenants/wandle/launch", f); r.status != http.StatusUnprocessableEntity || fieldError(r.body, "why") == "" {
		t.Errorf("launch without a reason: %d", r.status)
	}
	f.Set("why", "the PCN asked")
	if r := b.post(t, "/tenants/wandle/launch", f); r.status != http.StatusSeeOther || r.location() != "/tenants/wandle?done=launch" {
		t.Fatalf("launch: %d %s\n%s", r.status, r.location(), r.body)
	}
	if a := s.lastAudit(t); a.Action != "tenant.launch" || a.Why != "the PCN asked" || a.TenantSlug != "wandle" {
		t.Errorf("operator audit: %+v", a)
	}
	log, err := s.db.ForTenant(ctx, wandle.ID).AuditLog(5)
	if err != nil || len(log) == 0 || log[0].Action != models.AuditLaunch || log[0].UserEmail != "op@pcnweb.example" {
		t.Errorf("the tenant's audit log: %+v %v", log, err)
	}
	if got, _ := s.db.TenantBySlug(ctx, "wandle"); !got.Launched() {
		t.Error("wandle is not launched")
	}
	if r := b.get(t, "/tenants/wandle?done=launch"); !strings.Contains(r.body, "Yes, on ") || strings.Contains(r.body, `href="/tenants/wandle/launch"`) {
		t.Errorf("the page of the launched tenant:\n%s", r.body)
	}
	if r := b.post(t, "/tenants/wandle/launch", f); r.status != http.StatusUnprocessableEntity || !strings.Contains(fieldError(r.body, "why"), "launched already") {
		t.Errorf("second launch: %d %q", r.status, fieldError(r.body, "why"))
	}
}
