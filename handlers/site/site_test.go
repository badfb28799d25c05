package site_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/analytics"
	"github.com/pcnweb/pcnweb/handlers"
	"github.com/pcnweb/pcnweb/handlers/site"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/redishealth"
	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/internal/webtest"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// server is the public listener (handlers.New) with the public site only,
// on a real database and a real Redis.
type server struct {
	app      *fiber.App
	db       *models.DB
	resolver *tenants.Resolver
	bus      *tenants.Bus
	redis    *redishealth.Monitor
	themes   *themes.Registry
}

type serverOptions struct {
	dbURL          string // "" makes a new database
	redisURL       string // "" uses the shared test Redis
	prefix         string
	trustedProxies []string
	secure         bool
	now            func() time.Time // injected clock for the site and its cache
	themes         []themes.Option  // how this server's release loads its themes
	maxRenders     int
	counter        *analytics.Counter // the analytics; nil counts nothing
}

func newServer(t testing.TB, o serverOptions) *server {
	t.Helper()
	if o.dbURL == "" {
		o.dbURL = modelstest.NewURL(t)
	}
	svc := webtest.Start(t, webtest.Options{DB: modelstest.Open(t, o.dbURL), RedisURL: o.redisURL, Prefix: o.prefix, FailFast: true,
		Themes: o.themes, Now: o.now, MaxRenders: o.maxRenders})
	// As serve does at start-up: this release's assets, for other releases.
	if err := site.RecordRelease(context.Background(), svc.DB, svc.Themes); err != nil {
		t.Fatal(err)
	}
	sd := svc.Site()
	sd.Web = web.Config{TrustedProxies: o.trustedProxies, Secure: o.secure}
	sd.Now = o.now
	sd.Contacts = site.NewContactCards(svc.Monitor, svc.Prefix, svc.Logger)
	sd.Analytics = o.counter
	app := handlers.New(handlers.Deps{Site: sd})
	return &server{app: app, db: svc.DB, resolver: svc.Resolver, bus: svc.Bus, redis: svc.Monitor, themes: svc.Themes}
}

type result struct {
	status int
	header http.Header
	body   string
}

func (s *server) get(t testing.TB, host, path string, headers ...string) result {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Host = host
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := s.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return result{resp.StatusCode, resp.Header, string(b)}
}

func (s *server) putPage(t testing.TB, slug, path, title, body string) {
	t.Helper()
	ctx := context.Background()
	tn, err := s.db.TenantBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ForTenant(ctx, tn.ID).PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: path, Title: title, BodyMD: body}); err != nil {
		t.Fatal(err)
	}
}

func TestHostResolution(t *testing.T) {
	s := newServer(t, serverOptions{trustedProxies: []string{"10.0.0.0/8"}})
	ctx := context.Background()
	modelstest.Tenant(t, s.db, "highfives", "highfivespcn.nhs.uk")
	modelstest.Tenant(t, s.db, "primaried", "old.example", "new.example")
	if _, err := s.db.AddDomain(ctx, "primaried", "www.primaried.example", true); err != nil {
		t.Fatal(err)
	}
	modelstest.Tenant(t, s.db, "paused")
	if _, err := s.db.SetTenantStatus(ctx, "paused", models.StatusSuspended, "moving provider"); err != nil {
		t.Fatal(err)
	}
	s.putPage(t, "highfives", "/about", "About High Fives", "Five practices.")
	s.putPage(t, "primaried", "/about", "About Primaried", "Elsewhere.")

	tests := []struct {
		name     string
		host     string
		path     string
		headers  []string
		status   int
		contains string
		location string
	}{
		{"platform subdomain", "highfives.localhost", "/about", nil, 200, "About High Fives", ""},
		{"custom domain", "highfivespcn.nhs.uk", "/about", nil, 200, "About High Fives", ""},
		{"mixed case", "HighFives.LOCALHOST", "/about", nil, 200, "About High Fives", ""},
		{"with port", "highfives.localhost:8080", "/about", nil, 200, "About High Fives", ""},
		{"trailing dot", "highfivespcn.nhs.uk.", "/about", nil, 200, "About High Fives", ""},
		{"unknown host", "nobody.example", "/about", nil, 404, "No website at this address", ""},
		{"unknown subdomain", "nobody.localhost", "/", nil, 404, "No website at this address", ""},
		{"nested subdomain", "a.highfives.localhost", "/", nil, 404, "No website at this address", ""},
		{"suspended", "paused.localhost", "/", nil, 503, "temporarily unavailable", ""},
		{"primary redirect from platform host", "primaried.localhost", "/about?x=1", nil, 301, "", "http://www.primaried.example/about?x=1"},
		{"primary redirect from other domain", "old.example", "/about", nil, 301, "", "http://www.primaried.example/about"},
		{"primary serves", "www.primaried.example", "/about", nil, 200, "About Primaried", ""},
		{"admin stays on platform host", "primaried.localhost", "/admin", nil, 404, "", ""},
		{"admin on custom domain goes to platform host", "highfivespcn.nhs.uk", "/admin/pages", nil, 301, "", "http://highfives.localhost/admin/pages"},
		{"malformed host", "bad_host!.example", "/", nil, 400, "problem with this web address", ""},
		{"IP literal", "127.0.0.1", "/", nil, 400, "", ""},
		{"oversized host", strings.Repeat("a", 300) + ".example", "/", nil, 400, "", ""},
		{"untrusted X-Forwarded-Host ignored", "highfives.localhost", "/about", []string{"X-Forwarded-Host", "primaried.localhost"}, 200, "About High Fives", ""},
		{"unknown page", "highfives.localhost", "/no-such-page", nil, 404, "Page not found", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.get(t, tt.host, tt.path, tt.headers...)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d; body %.200q", r.status, tt.status, r.body)
			}
			if !strings.Contains(r.body, tt.contains) {
				t.Errorf("body does not contain %q: %.300q", tt.contains, r.body)
			}
			if loc := r.header.Get("Location"); loc != tt.location {
				t.Errorf("Location = %q, want %q", loc, tt.location)
			}
			if r.header.Get("Content-Security-Policy") == "" || r.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("missing security headers: %v", r.header)
			}
		})
	}
}

// TestTrustedProxyHost: X-Forwarded-Host picks the tenant only when the
// connection comes from a trusted proxy.
func TestTrustedProxyHost(t *testing.T) {
	s := newServer(t, serverOptions{trustedProxies: []string{"0.0.0.0/0"}})
	modelstest.Tenant(t, s.db, "highfives")
	modelstest.Tenant(t, s.db, "other")
	r := s.get(t, "internal.proxy", "/", "X-Forwarded-Host", "other.localhost")
	if r.status != 200 || !strings.Contains(r.body, "other PCN") {
		t.Errorf("via trusted proxy: %d, want other's home page", r.status)
	}
}

// TestUnknownHostIsRememberedBriefly: a repeated unknown host is answered
// from the negative cache (a domain attached behind the platform's back is
// not seen), and an attach through the platform clears it at once.
func TestUnknownHostIsRememberedBriefly(t *testing.T) {
	s := newServer(t, serverOptions{})
	ctx := context.Background()
	modelstest.Tenant(t, s.db, "highfives")
	if r := s.get(t, "late.example", "/"); r.status != 404 {
		t.Fatalf("status %d", r.status)
	}
	// Attach the domain with no notifier: nothing tells the resolver.
	s.db.SetNotifier(nil)
	if _, err := s.db.AddDomain(ctx, "highfives", "late.example", false); err != nil {
		t.Fatal(err)
	}
	if r := s.get(t, "late.example", "/"); r.status != 404 {
		t.Errorf("second request for an unknown host went to the database (status %d)", r.status)
	}
	// Through the bus, the change is seen at once.
	s.db.SetNotifier(s.bus)
	if _, err := s.db.AddDomain(ctx, "highfives", "later.example", false); err != nil {
		t.Fatal(err)
	}
	if r := s.get(t, "late.example", "/"); r.status != 200 {
		t.Errorf("after an attach through the platform: status %d, want 200", r.status)
	}
}

func TestPublishIsVisibleAtOnceOnBothServers(t *testing.T) {
	url := modelstest.NewURL(t)
	redisURL, prefix := testenv.Redis(t)
	a := newServer(t, serverOptions{dbURL: url, redisURL: redisURL, prefix: prefix})
	b := newServer(t, serverOptions{dbURL: url, redisURL: redisURL, prefix: prefix})
	modelstest.Tenant(t, a.db, "highfives")
	for round := range 5 {
		title := "Version " + string(rune('A'+round))
		a.putPage(t, "highfives", "/about", title, "body")
		for _, s := range []*server{a, b} {
			// Twice: the first may render, the second must come from cache.
			for range 2 {
				if r := s.get(t, "highfives.localhost", "/about"); !strings.Contains(r.body, title) {
					t.Fatalf("round %d: a server served a stale page (%s)", round, r.header.Get("Cache-Status"))
				}
			}
		}
	}
}

// TestCachedPageSurvivesDatabaseOutage: with PostgreSQL unreachable (the
// connection cut by a proxy), cached pages are still served, and a page
// whose generation moved on is served from its last good copy.
func TestCachedPageSurvivesDatabaseOutage(t *testing.T) {
	url := modelstest.NewURL(t)
	proxy := testenv.StartProxy(t, "127.0.0.1:5432")
	proxied := strings.Replace(url, "127.0.0.1:5432", proxy.Addr, 1)
	if proxied == url {
		t.Skip("test database is not on 127.0.0.1:5432")
	}
	s := newServer(t, serverOptions{dbURL: proxied})
	modelstest.Tenant(t, s.db, "highfives")
	s.putPage(t, "highfives", "/about", "About us", "Five practices.")
	tenantID := mustTenant(t, s, "highfives").ID
	if r := s.get(t, "highfives.localhost", "/about"); r.status != 200 {
		t.Fatalf("warm-up: %d", r.status)
	}
	proxy.Cut()
	r := s.get(t, "highfives.localhost", "/about")
	if r.status != 200 || !strings.Contains(r.body, "Five practices.") || r.header.Get("Cache-Status") != "pcnweb; hit" {
		t.Errorf("database down, cached page: %d %q", r.status, r.header.Get("Cache-Status"))
	}
	// A publish elsewhere moved the generation on; rendering fails, so the
	// last good copy stands in.
	s.resolver.Advance(tenantID, 1000)
	r = s.get(t, "highfives.localhost", "/about")
	if r.status != 200 || r.header.Get("Cache-Status") != "pcnweb; hit; detail=stale" {
		t.Errorf("database down, stale copy: %d %q", r.status, r.header.Get("Cache-Status"))
	}
	// A page never cached cannot be served: the outage page says so
	// (TestUncachedPageWhileDatabaseDown).
	if r := s.get(t, "highfives.localhost", "/never-seen"); r.status != 503 {
		t.Errorf("database down, uncached page: %d, want 503", r.status)
	}
	proxy.Restore()
}

func mustTenant(t testing.TB, s *server, slug string) models.Tenant {
	t.Helper()
	tn, err := s.db.TenantBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return tn
}

func TestStaticAssets(t *testing.T) {
	s := newServer(t, serverOptions{})
	reg, _ := themes.Load()
	urls := reg.AssetURLs()
	if len(urls) == 0 {
		t.Fatal("no assets")
	}
	for _, u := range urls {
		// Assets are served on any host, even unknown ones (platform pages need their CSS).
		r := s.get(t, "unknown.example", u, "Accept-Encoding", "gzip")
		if r.status != 200 || !strings.Contains(r.header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %d %q", u, r.status, r.header.Get("Cache-Control"))
		}
		if r2 := s.get(t, "unknown.example", u, "Accept-Encoding", "gzip", "If-None-Match", r.header.Get("ETag")); r2.status != 304 {
			t.Errorf("%s revalidation: %d", u, r2.status)
		}
	}
	if r := s.get(t, "unknown.example", "/static/default/nope.css"); r.status != 404 {
		t.Errorf("unknown asset: %d", r.status)
	}
}

func TestSecurityHeaders(t *testing.T) {
	for _, secure := range []bool{false, true} {
		s := newServer(t, serverOptions{secure: secure})
		modelstest.Tenant(t, s.db, "highfives")
		for _, host := range []string{"highfives.localhost", "unknown.example"} {
			r := s.get(t, host, "/")
			want := map[string]string{
				"X-Content-Type-Options": "nosniff",
				"Referrer-Policy":        "strict-origin-when-cross-origin",
				"X-Frame-Options":        "DENY",
			}
			for k, v := range want {
				if got := r.header.Get(k); got != v {
					t.Errorf("%s %s: %s = %q, want %q", host, map[bool]string{true: "https", false: "http"}[secure], k, got, v)
				}
			}
			if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("CSP = %q", csp)
			}
			if hsts := r.header.Get("Strict-Transport-Security"); (hsts != "") != secure {
				t.Errorf("secure=%v: HSTS = %q", secure, hsts)
			}
		}
	}
}
