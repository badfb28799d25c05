package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
)

// An operator opens a suspended tenant's admin panel from the console: the
// one-time link signs them in on the tenant's host (where members get the
// 503 page), works once, only there, and both audit logs record it.
func TestOperatorEntersSuspendedTenant(t *testing.T) {
	s := newServer(t, options{})
	ctx := context.Background()
	alpha := s.tenant(t, "alpha")
	s.tenant(t, "beta")
	s.member(t, alpha, "jane@example.nhs.uk", models.RoleManager)
	s.operator(t, "op@pcnweb.example", secret)
	if _, err := s.db.SetTenantStatus(ctx, "alpha", models.StatusSuspended, "Contract ended"); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn(t, "op@pcnweb.example", secret)

	f := b.form(t, "/tenants/alpha/enter", url.Values{})
	if r := b.post(t, "/tenants/alpha/enter", f); r.status != http.StatusUnprocessableEntity || fieldError(r.body, "why") == "" {
		t.Errorf("enter without a reason: %d", r.status)
	}
	f.Set("why", "Manager asked for help with the privacy notice")
	r := b.post(t, "/tenants/alpha/enter", f)
	link, err := url.Parse(r.location())
	if r.status != http.StatusSeeOther || err != nil || link.Host != "alpha.localhost" || !strings.HasPrefix(link.Path, "/admin/operator-entry/") {
		t.Fatalf("enter: %d %q", r.status, r.location())
	}
	if a := s.lastAudit(t); a.Action != "tenant.enter" || a.TenantSlug != "alpha" || a.Why != "Manager asked for help with the privacy notice" {
		t.Errorf("operator audit %+v", a)
	}

	// The link on another tenant's host is nothing.
	if r := b.do(t, http.MethodGet, "beta.localhost", link.Path, nil); r.status != http.StatusNotFound {
		t.Errorf("the link on beta: %d, want 404", r.status)
	}
	r = b.do(t, http.MethodGet, "alpha.localhost", link.Path, nil)
	if r.status != http.StatusSeeOther || r.location() != "/admin" || r.header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("follow the link: %d %q", r.status, r.location())
	}
	dash := b.do(t, http.MethodGet, "alpha.localhost", "/admin", nil)
	if dash.status != http.StatusOK || !strings.Contains(dash.body, "a platform operator") {
		t.Errorf("the suspended tenant's dashboard for the operator: %d", dash.status)
	}
	if r := b.do(t, http.MethodGet, "alpha.localhost", "/admin/settings", nil); r.status != http.StatusOK {
		t.Errorf("a manager's page for the operator: %d", r.status)
	}
	log, _ := s.db.ForTenant(ctx, alpha.ID).AuditLog(10)
	if len(log) == 0 || log[0].Action != "operator.enter" || log[0].UserEmail != "op@pcnweb.example" {
		t.Errorf("tenant audit log: %+v", log)
	}
	// Once only.
	if r := s.browser().do(t, http.MethodGet, "alpha.localhost", link.Path, nil); r.status != http.StatusGone {
		t.Errorf("the link a second time: %d, want 410", r.status)
	}
	// The tenant's own manager still finds the panel closed.
	if r := s.browser().do(t, http.MethodGet, "alpha.localhost", "/admin/sign-in", nil); r.status != http.StatusServiceUnavailable {
		t.Errorf("sign-in on the suspended tenant for members: %d, want 503", r.status)
	}
}
