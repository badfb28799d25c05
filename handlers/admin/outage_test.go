package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
)

// TestSignedInThroughRedisRestart: sessions are kept in PostgreSQL with
// Redis as a cache, so a Redis restart without persistence (every key
// gone) signs no one out.
func TestSignedInThroughRedisRestart(t *testing.T) {
	s := newServer(t, options{privateRedis: true})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleManager)
	b := s.browser()
	b.signIn(t, "alpha.localhost", "jane@example.nhs.uk")

	s.redisServer.Stop(t)
	s.redisServer.Start(t) // no persistence: an empty Redis
	if n, err := s.redis.DBSize(context.Background()).Result(); err != nil || n != 0 {
		t.Fatalf("restarted Redis has %d keys (%v), want none", n, err)
	}
	if r := b.get(t, "alpha.localhost", "/admin"); r.status != http.StatusOK || !strings.Contains(r.body, "jane@example.nhs.uk") {
		t.Fatalf("after a Redis restart: %d %s, want still signed in", r.status, r.location())
	}
}

// TestSignInWithRedisDown: with Redis (sessions' cache, the sign-in
// counters) stopped, a signed-in manager stays signed in, another signs in,
// signs out and is signed out — all through the database — and nothing
// answers 503 "Signing in is not available" while the database is up.
func TestSignInWithRedisDown(t *testing.T) {
	s := newServer(t, options{privateRedis: true})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleManager)
	s.user(t, tn, "sam@example.nhs.uk", models.RoleEditor)
	jane := s.browser()
	jane.signIn(t, "alpha.localhost", "jane@example.nhs.uk")

	s.redisServer.Stop(t)
	if r := jane.get(t, "alpha.localhost", "/admin"); r.status != http.StatusOK {
		t.Errorf("signed in before Redis stopped: %d %s\n%s", r.status, r.location(), r.body)
	}
	sam := s.browser()
	sam.signIn(t, "alpha.localhost", "sam@example.nhs.uk")
	r := sam.get(t, "alpha.localhost", "/admin")
	if r.status != http.StatusOK {
		t.Fatalf("signed in while Redis was down: %d %s", r.status, r.location())
	}
	if r := sam.post(t, "alpha.localhost", "/admin/sign-out", url.Values{"_csrf": {csrf(t, r.body)}}); r.status != http.StatusSeeOther {
		t.Errorf("sign out with Redis down: %d", r.status)
	}
	if r := sam.get(t, "alpha.localhost", "/admin"); r.status != http.StatusSeeOther || !strings.Contains(r.location(), "sign-in") {
		t.Errorf("after signing out: %d %s, want the sign-in page", r.status, r.location())
	}
	// Redis back: both sessions made before and during the outage work.
	s.redisServer.Start(t)
	if r := jane.get(t, "alpha.localhost", "/admin"); r.status != http.StatusOK {
		t.Errorf("after Redis came back: %d %s", r.status, r.location())
	}
}

// TestEditingUnavailableWhileDatabaseDown: with PostgreSQL unreachable the
// panel answers 503 "Editing is not available at the moment" with
// Retry-After — for a signed-in manager's pages and forms and for signing
// in — never a 500 or "this website is suspended".
func TestEditingUnavailableWhileDatabaseDown(t *testing.T) {
	s := newServer(t, options{proxiedDB: true})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleManager)
	jane := s.browser()
	jane.signIn(t, "alpha.localhost", "jane@example.nhs.uk")
	form := jane.editForm(t, "alpha.localhost", "/about")
	visitor := s.browser()
	signInForm := visitor.get(t, "alpha.localhost", "/admin/sign-in")

	s.dbProxy.Cut()
	defer s.dbProxy.Restore()
	form.Set("body", "Changed while the database was down.")
	for _, c := range []struct {
		name string
		r    response
	}{
		{"dashboard", jane.get(t, "alpha.localhost", "/admin")},
		{"pages", jane.get(t, "alpha.localhost", "/admin/pages")},
		{"save a page", jane.post(t, "alpha.localhost", "/admin/pages/edit", form)},
		{"sign in", visitor.post(t, "alpha.localhost", "/admin/sign-in", url.Values{
			"_csrf": {csrf(t, signInForm.body)}, "email": {"jane@example.nhs.uk"}, "password": {password}})},
	} {
		if c.r.status != http.StatusServiceUnavailable || c.r.header.Get("Retry-After") == "" ||
			!strings.Contains(c.r.body, "Editing is not available at the moment") || strings.Contains(c.r.body, "suspended") {
			t.Errorf("%s with the database down: %d, Retry-After %q\n%s", c.name, c.r.status, c.r.header.Get("Retry-After"), c.r.body)
		}
	}
}

// TestSignOutDuringDatabaseOutage: a manager on a shared computer signs out
// while PostgreSQL is down. The answer is the 503 page, but the browser's
// session cookie is gone all the same, so when the database is back the
// next person at that browser is not signed in as them.
func TestSignOutDuringDatabaseOutage(t *testing.T) {
	s := newServer(t, options{proxiedDB: true})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleManager)
	jane := s.browser()
	jane.signIn(t, "alpha.localhost", "jane@example.nhs.uk")
	home := jane.get(t, "alpha.localhost", "/admin")
	if home.status != http.StatusOK {
		t.Fatalf("signed in: %d", home.status)
	}
	s.dbProxy.Cut()
	r := jane.post(t, "alpha.localhost", "/admin/sign-out", url.Values{"_csrf": {csrf(t, home.body)}})
	s.dbProxy.Restore()
	if r.status != http.StatusServiceUnavailable {
		t.Errorf("sign out with the database down: %d, want 503", r.status)
	}
	if r := jane.get(t, "alpha.localhost", "/admin"); r.status != http.StatusSeeOther || !strings.Contains(r.location(), "sign-in") {
		t.Errorf("after signing out during the outage, database back: %d %s, want the sign-in page", r.status, r.location())
	}
}
