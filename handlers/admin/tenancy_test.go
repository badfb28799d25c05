package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
)

// A session made on tenant A's host is no session on tenant B's host; A's
// user cannot sign in on B; paths only B has are 404 on A.
func TestCrossTenantRefused(t *testing.T) {
	s := newServer(t, options{})
	a := s.tenant(t, "alpha")
	b := s.tenant(t, "beta")
	s.user(t, a, "jane@example.nhs.uk", models.RoleManager)
	if _, err := s.db.ForTenant(context.Background(), b.ID).PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/beta-only", Title: "Beta only", BodyMD: "secret"}); err != nil {
		t.Fatal(err)
	}
	jane := s.browser()
	jane.signIn(t, "alpha.localhost", "jane@example.nhs.uk")
	token := jane.sessionToken("alpha.localhost")
	aForm := jane.editForm(t, "alpha.localhost", "/about")

	// Replay alpha's cookie and CSRF token on beta's host.
	thief := s.browser()
	thief.jar["beta.localhost"] = map[string]*http.Cookie{"pcnweb_session": {Name: "pcnweb_session", Value: token, Path: "/admin"}}
	for _, path := range []string{"/admin", "/admin/pages/edit?path=%2fabout"} {
		if r := thief.get(t, "beta.localhost", path); r.status != http.StatusSeeOther || r.location() != "/admin/sign-in" {
			t.Errorf("GET %s on beta with alpha's session: %d %q, want 303 to sign in", path, r.status, r.location())
		}
	}
	post := url.Values{"_csrf": aForm["_csrf"], "path": {"/about"}, "revision": aForm["revision"], "title": {"Owned"}, "body": {"owned"}, "action": {"publish"}}
	if r := thief.post(t, "beta.localhost", "/admin/pages/edit", post); r.status != http.StatusSeeOther || r.location() != "/admin/sign-in" {
		t.Errorf("POST edit on beta with alpha's session: %d %q", r.status, r.location())
	}
	for _, path := range []string{"/admin/sign-out-everywhere", "/admin/sign-out"} {
		if r := thief.post(t, "beta.localhost", path, url.Values{"_csrf": aForm["_csrf"]}); r.status != http.StatusSeeOther || r.location() != "/admin/sign-in" {
			t.Errorf("POST %s on beta with alpha's session: %d", path, r.status)
		}
	}
	if r := jane.get(t, "alpha.localhost", "/admin"); r.status != http.StatusOK {
		t.Error("alpha's session was ended from beta's host")
	}
	pub, _ := s.db.ForTenant(context.Background(), b.ID).PublishedPage("/about")
	if pub.Revision.Title != "About beta" {
		t.Errorf("beta's page was written: %q", pub.Revision.Title)
	}

	// Alpha's user cannot sign in on beta, with the usual message.
	r := s.browser().trySignIn(t, "beta.localhost", "jane@example.nhs.uk", password)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Enter a correct email address and password") {
		t.Errorf("alpha's user signing in on beta: %d", r.status)
	}

	// Beta's pages do not exist on alpha.
	if r := jane.get(t, "alpha.localhost", "/admin/pages/edit?path=%2fbeta-only"); r.status != http.StatusNotFound || strings.Contains(r.body, "secret") {
		t.Errorf("beta's page on alpha: %d", r.status)
	}
	post = url.Values{"_csrf": aForm["_csrf"], "path": {"/beta-only"}, "revision": {"1"}, "title": {"X"}, "body": {"x"}, "action": {"publish"}}
	if r := jane.post(t, "alpha.localhost", "/admin/pages/edit", post); r.status != http.StatusNotFound {
		t.Errorf("POST to beta's page path on alpha: %d", r.status)
	}
	if dash := jane.get(t, "alpha.localhost", "/admin"); strings.Contains(dash.body, "Beta only") {
		t.Error("alpha's dashboard lists beta's page")
	}
}

func TestAdminOnCustomDomainRedirects(t *testing.T) {
	s := newServer(t, options{})
	s.tenant(t, "alpha", "www.alpha-pcn.example")
	r := s.browser().get(t, "www.alpha-pcn.example", "/admin/sign-in")
	if r.status != http.StatusMovedPermanently || r.location() != "http://alpha.localhost/admin/sign-in" {
		t.Errorf("/admin on a custom domain: %d %q", r.status, r.location())
	}
}

func TestUnknownAdminPathIsAdmin404(t *testing.T) {
	s := newServer(t, options{})
	s.tenant(t, "alpha")
	r := s.browser().get(t, "alpha.localhost", "/admin/nothing-here")
	if r.status != http.StatusNotFound || !strings.Contains(r.body, "website admin") || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("unknown admin path: %d %q\n%s", r.status, r.header.Get("Cache-Control"), r.body)
	}
}

func TestSuspendedTenantPanelClosed(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleManager)
	b := s.browser()
	b.signIn(t, "alpha.localhost", "jane@example.nhs.uk")
	if _, err := s.db.SetTenantStatus(context.Background(), "alpha", models.StatusSuspended, "test"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return b.get(t, "alpha.localhost", "/admin").status == http.StatusServiceUnavailable })
	r := b.get(t, "alpha.localhost", "/admin/sign-in")
	if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "This website is suspended") {
		t.Errorf("sign-in on a suspended tenant: %d\n%s", r.status, r.body)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
