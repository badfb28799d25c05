package site_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/handlers"
	"github.com/pcnweb/pcnweb/handlers/site"
	"github.com/pcnweb/pcnweb/internal/webtest"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
	"github.com/pcnweb/pcnweb/tenants"
)

var previewTestKey = []byte("the platform secret of the tests")

// newLaunchServer is the public site with previews signed by previewTestKey.
func newLaunchServer(t *testing.T) *server {
	t.Helper()
	svc := webtest.Start(t, webtest.Options{DB: modelstest.NewDB(t), FailFast: true})
	sd := svc.Site()
	sd.PreviewKey = previewTestKey
	return &server{app: handlers.New(handlers.Deps{Site: sd}), db: svc.DB, resolver: svc.Resolver, bus: svc.Bus, redis: svc.Monitor, themes: svc.Themes}
}

// unlaunched makes a tenant not launched yet with two practices (one
// without a phone number) and an About page.
func unlaunched(t *testing.T, db *models.DB) models.Tenant {
	t.Helper()
	tn := modelstest.UnlaunchedTenant(t, db, "wandle")
	store := db.ForTenant(context.Background(), tn.ID)
	for _, p := range []models.Practice{{ODSCode: "Y01001", Name: "Riverside Surgery", Phone: "020 7946 0001"}, {ODSCode: "Y01002", Name: "Hillside Practice"}} {
		if _, err := store.SavePractice(testActor, 0, 0, p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.PutPage(models.PageInput{By: testActor, Path: "/about", Title: "About Wandle", BodyMD: "Four practices working together."}); err != nil {
		t.Fatal(err)
	}
	return tn
}

func TestHoldingPageUntilLaunch(t *testing.T) {
	s := newLaunchServer(t)
	tn := unlaunched(t, s.db)
	host := "wandle.localhost"

	for _, path := range []string{"/", "/about", "/practices/Y01001", "/contact", "/no/such/page", "/search?q=flu"} {
		r := s.get(t, host, path)
		if r.status != 200 {
			t.Errorf("GET %s: %d, want 200 (the holding page)", path, r.status)
		}
		for _, want := range []string{"<h1>wandle PCN</h1>", "Our new website is coming soon", `<meta name="robots" content="noindex">`,
			"Riverside Surgery: <a href=\"tel:&#43;442079460001\">020 7946 0001</a>", "call 111", "Call 999"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("GET %s: holding page lacks %q", path, want)
			}
		}
		for _, unwanted := range []string{"Four practices working together", "Hillside Practice", `type="search"`} {
			if strings.Contains(r.body, unwanted) {
				t.Errorf("GET %s: holding page shows %q", path, unwanted)
			}
		}
		if got := r.header.Get("X-Robots-Tag"); got != "noindex" {
			t.Errorf("GET %s: X-Robots-Tag %q, want noindex", path, got)
		}
	}
	// From the page cache, still not to be indexed.
	if r := s.get(t, host, "/about"); r.header.Get("Cache-Status") != "pcnweb; hit" || r.header.Get("X-Robots-Tag") != "noindex" {
		t.Errorf("cached holding page: Cache-Status %q, X-Robots-Tag %q", r.header.Get("Cache-Status"), r.header.Get("X-Robots-Tag"))
	}
	if r := s.get(t, host, "/robots.txt"); r.status != 200 || !strings.Contains(r.body, "Disallow: /\n") || strings.Contains(r.body, "Sitemap") {
		t.Errorf("robots.txt before the launch: %d %q, want everything disallowed", r.status, r.body)
	}
	for _, path := range []string{"/sitemap.xml", "/news/feed.xml"} {
		if r := s.get(t, host, path); r.status != 404 {
			t.Errorf("GET %s before the launch: %d, want 404", path, r.status)
		}
	}

	// Launched: the full site at once, on the same replica whose cache
	// holds the holding pages.
	if err := s.db.ForTenant(context.Background(), tn.ID).Launch(models.Actor{Name: "jane@example.nhs.uk"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	r := s.get(t, host, "/about")
	if r.status != 200 || !strings.Contains(r.body, "Four practices working together") || strings.Contains(r.body, "coming soon") {
		t.Errorf("/about after the launch: %d, want the page:\n%s", r.status, r.body)
	}
	if r.header.Get("X-Robots-Tag") != "" || strings.Contains(r.body, `content="noindex"`) {
		t.Errorf("/about after the launch asks not to be indexed")
	}
	if r := s.get(t, host, "/robots.txt"); !strings.Contains(r.body, "Sitemap:") {
		t.Errorf("robots.txt after the launch: %q", r.body)
	}
	if r := s.get(t, host, "/sitemap.xml"); r.status != 200 {
		t.Errorf("sitemap after the launch: %d", r.status)
	}
	if r := s.get(t, host, "/no/such/page"); r.status != 404 {
		t.Errorf("an unknown path after the launch: %d, want 404", r.status)
	}
}

func TestMembersPreviewTheFullSite(t *testing.T) {
	s := newLaunchServer(t)
	tn := unlaunched(t, s.db)
	other := modelstest.UnlaunchedTenant(t, s.db, "other")
	editor := webtest.Member(t, s.db, tn, "ed@example.nhs.uk", models.RoleEditor)
	stranger := webtest.Member(t, s.db, other, "someone@example.nhs.uk", models.RoleManager)
	host := "wandle.localhost"
	later := time.Now().Add(time.Hour)
	cookie := func(v string) []string { return []string{"Cookie", tenants.PreviewCookie + "=" + v} }

	// Warm the cache with the holding page first: a preview must not be
	// answered from it, nor stored in it.
	s.get(t, host, "/about")
	good := site.PreviewToken(previewTestKey, tn.ID, editor.ID, later)
	for i := range 2 {
		r := s.get(t, host, "/about", cookie(good)...)
		if r.status != 200 || !strings.Contains(r.body, "Four practices working together") || !strings.Contains(r.body, site.PreviewSiteBanner) {
			t.Fatalf("preview %d of /about: %d, want the page with the preview notice:\n%s", i, r.status, r.body)
		}
		if !strings.Contains(r.body, `href="/admin/launch/preview/stop"`) {
			t.Error("the preview notice has no way to stop previewing")
		}
		if r.header.Get("Cache-Status") != "pcnweb; fwd=bypass" || !strings.Contains(r.header.Get("Cache-Control"), "no-store") || r.header.Get("X-Robots-Tag") != "noindex" {
			t.Errorf("preview headers: Cache-Status %q, Cache-Control %q, X-Robots-Tag %q", r.header.Get("Cache-Status"), r.header.Get("Cache-Control"), r.header.Get("X-Robots-Tag"))
		}
	}
	if r := s.get(t, host, "/about"); strings.Contains(r.body, "Four practices working together") || !strings.Contains(r.body, "coming soon") {
		t.Errorf("after a preview, a patient gets %q, want the holding page", r.body)
	}

	for name, v := range map[string]string{
		"another tenant's":    site.PreviewToken(previewTestKey, other.ID, editor.ID, later),
		"expired":             site.PreviewToken(previewTestKey, tn.ID, editor.ID, time.Now().Add(-time.Minute)),
		"signed with another": site.PreviewToken([]byte("another key"), tn.ID, editor.ID, later),
		"a non-member's":      site.PreviewToken(previewTestKey, tn.ID, stranger.ID, later),
		"tampered":            strings.Replace(good, "."+itoa(editor.ID)+".", "."+itoa(stranger.ID)+".", 1),
		"garbage":             "x.y.z",
	} {
		r := s.get(t, host, "/about", cookie(v)...)
		if r.status != 200 || strings.Contains(r.body, "Four practices working together") || !strings.Contains(r.body, "coming soon") {
			t.Errorf("%s preview cookie: %d, want the holding page", name, r.status)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
