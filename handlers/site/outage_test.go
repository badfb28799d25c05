package site_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// proxiedDatabase is a new test database reached through a TCP proxy that
// the test can cut, as if PostgreSQL had become unreachable.
func proxiedDatabase(t *testing.T) (string, *testenv.Proxy) {
	t.Helper()
	url := modelstest.NewURL(t)
	proxy := testenv.StartProxy(t, "127.0.0.1:5432")
	proxied := strings.Replace(url, "127.0.0.1:5432", proxy.Addr, 1)
	if proxied == url {
		t.Fatal("test database is not on 127.0.0.1:5432")
	}
	return proxied, proxy
}

// TestUncachedPageWhileDatabaseDown: with PostgreSQL unreachable, a page
// that was never cached gets the site's own 503 page — Retry-After, the
// PCN's name (the resolver remembers the host), the phone numbers its home
// page showed, and 111/999 advice — not a 500. A second replica that never
// rendered the home page has the phone numbers from Redis; another tenant's
// outage page never shows them. A page made only of what the replica keeps
// per tenant generation (the contact page) is still rendered.
func TestUncachedPageWhileDatabaseDown(t *testing.T) {
	url, proxy := proxiedDatabase(t)
	redisURL, prefix := testenv.Redis(t)
	a := newServer(t, serverOptions{dbURL: url, redisURL: redisURL, prefix: prefix})
	b := newServer(t, serverOptions{dbURL: url, redisURL: redisURL, prefix: prefix})
	modelstest.Tenant(t, a.db, "highfives")
	modelstest.Tenant(t, a.db, "riverside")
	modelstest.Tenant(t, a.db, "moorland") // never asked for before the outage
	ctx := context.Background()
	store := a.db.ForTenant(ctx, mustTenant(t, a, "highfives").ID)
	seedPractice(t, store, "Y99001", "Fivefields Medical Centre")
	settings, _ := store.Settings()
	settings.Phone = "0113 496 0999"
	if _, err := store.SaveSettingsAt(testActor, settings, settings.Version, time.Now()); err != nil {
		t.Fatal(err)
	}
	// A renders highfives's home page; B only ever resolves the hosts.
	if r := a.get(t, "highfives.localhost", "/"); r.status != 200 || !strings.Contains(r.body, "0113 496 0000") {
		t.Fatalf("home page: %d", r.status)
	}
	for _, host := range []string{"highfives.localhost", "riverside.localhost"} {
		if r := b.get(t, host, "/no-such-page"); r.status != 404 {
			t.Fatalf("%s warm-up: %d", host, r.status)
		}
		if r := a.get(t, host, "/no-such-page"); r.status != 404 {
			t.Fatalf("%s warm-up: %d", host, r.status)
		}
	}

	proxy.Cut()
	defer proxy.Restore()
	for _, c := range []struct {
		name   string
		s      *server
		host   string
		want   []string
		refuse []string
	}{
		{"replica that rendered the home page", a, "highfives.localhost",
			[]string{"Fivefields Medical Centre", "0113 496 0000", `href="tel:&#43;441134960000"`, "0113 496 0999"}, nil},
		{"replica that did not (card from Redis)", b, "highfives.localhost",
			[]string{"Fivefields Medical Centre", "0113 496 0000", "0113 496 0999"}, nil},
		{"another tenant", a, "riverside.localhost", nil, []string{"Fivefields", "0113 496"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			name := map[string]string{"highfives.localhost": "highfives PCN", "riverside.localhost": "riverside PCN"}[c.host]
			// The contact page needs nothing past the site's frame, which
			// each replica keeps per tenant generation (it read it for the
			// warm-up's 404 page): it is rendered, phone and email included.
			if r := c.s.get(t, c.host, "/contact"); r.status != 200 || !strings.Contains(r.body, name) || !strings.Contains(r.body, "Contact us") {
				t.Errorf("/contact from the kept frame: %d", r.status)
			}
			for _, path := range []string{"/about", "/practices", "/news/some-post", "/team"} {
				r := c.s.get(t, c.host, path)
				if r.status != 503 {
					t.Fatalf("%s: %d, want 503\n%s", path, r.status, r.body)
				}
				if r.header.Get("Retry-After") == "" || r.header.Get("Cache-Control") != "no-store" {
					t.Errorf("%s: Retry-After %q, Cache-Control %q", path, r.header.Get("Retry-After"), r.header.Get("Cache-Control"))
				}
				for _, w := range append([]string{name, "not available at the moment", "111", "999", "/static/default/"}, c.want...) {
					if !strings.Contains(r.body, w) {
						t.Errorf("%s: the page does not say %q", path, w)
					}
				}
				for _, w := range c.refuse {
					if strings.Contains(r.body, w) {
						t.Errorf("%s: the page shows another tenant's %q", path, w)
					}
				}
			}
		})
	}
	// A host this replica never resolved: the platform's 503 page, which
	// cannot name the PCN but still says where to get help.
	r := a.get(t, "moorland.localhost", "/")
	if r.status != 503 || r.header.Get("Retry-After") == "" || !strings.Contains(r.body, "111") || !strings.Contains(r.body, "999") {
		t.Errorf("host never resolved: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
}
