package site_test

import (
	"context"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/analytics"
	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

var redirectActor = models.Actor{Name: "test"}

// TestOldAddressesRedirect: the addresses of a PCN's old website answer
// 301 or 302 to where their content lives now, where the site would answer
// 404, and an old address with a query ("/index.php?page_id=7",
// "/?p=12") is told apart by its query, before the page cache, which
// keys on declared parameters only: ?page_id=7 and ?page_id=8 never share
// an answer, however often each is asked for.
func TestOldAddressesRedirect(t *testing.T) {
	s := newServer(t, serverOptions{})
	ctx := context.Background()
	tn := modelstest.Tenant(t, s.db, "highfives")
	s.putPage(t, "highfives", "/about", "About us", "Five practices.")
	store := s.db.ForTenant(ctx, tn.ID)
	if _, err := store.AddRedirects(redirectActor, []models.RedirectInput{
		{From: "/About-Us.html", To: "/about"},
		{From: "/index.php?page_id=7", To: "/about"},
		{From: "/index.php?page_id=8", To: "/contact", Status: 302},
		{From: "/?p=12", To: "/news"},
		{From: "/news/2019/05/flu-clinic/", To: "https://www.nhs.uk/conditions/flu/"},
		{From: "/about?old=1", To: "/contact"},
		{From: "/services/old-slug", To: "/services"},
		{From: "/practices/opening.htm", To: "/our-practices/opening"},
	}); err != nil {
		t.Fatal(err)
	}
	s.putPage(t, "highfives", "/history", "Our history", "Since 2019.")
	if _, err := store.PutRedirect(redirectActor, 0, models.RedirectInput{From: "/history", To: "/practices"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path     string
		status   int
		location string
	}{
		{"/About-Us.html", 301, "/about"},
		{"/About-Us.html/", 301, "/About-Us.html"}, // the site's own trailing-slash redirect, then the one above
		{"/About-Us.html?utm_source=leaflet", 301, "/about"},
		{"/index.php?page_id=7", 301, "/about"},
		{"/index.php?page_id=8", 302, "/contact"},
		{"/index.php?page_id=7", 301, "/about"},
		{"/index.php?utm_source=x&page_id=8", 302, "/contact"},
		{"/index.php?page_id=9", 404, ""},
		{"/index.php", 404, ""},
		{"/?p=12", 301, "/news"},
		{"/", 200, ""},
		{"/?p=13", 200, ""},
		{"/news/2019/05/flu-clinic", 301, "https://www.nhs.uk/conditions/flu/"},
		{"/services/old-slug", 301, "/services"},
		{"/practices/opening.htm", 301, "/our-practices/opening"}, // not a practice's code: no upper-casing first
		{"/history", 200, ""},                                     // a page wins over a redirect without a query
		{"/about?old=1", 301, "/contact"},                         // an old address with a query is the old site's own
		{"/about", 200, ""},
		{"/about-us.html", 404, ""}, // addresses are matched with their case
	}
	for round := 0; round < 2; round++ { // the second round may find copies in the page cache
		for _, tt := range tests {
			r := s.get(t, "highfives.localhost", tt.path)
			if r.status != tt.status || r.header.Get("Location") != tt.location {
				t.Errorf("round %d: GET %s: %d %q, want %d %q", round, tt.path, r.status, r.header.Get("Location"), tt.status, tt.location)
			}
		}
	}
	if r := s.get(t, "highfives.localhost", "/About-Us.html"); r.header.Get("Cache-Control") != "public, max-age=3600" {
		t.Errorf("a 301's Cache-Control %q, want an hour", r.header.Get("Cache-Control"))
	}
	if r := s.get(t, "highfives.localhost", "/index.php?page_id=8"); r.header.Get("Cache-Control") != "no-cache" {
		t.Errorf("a 302's Cache-Control %q", r.header.Get("Cache-Control"))
	}
}

// TestNewRedirectAnswersAtOnce: a redirect added after its address was
// asked for (and 404ed, and counted) answers the next request, on every
// replica, as a publish does: the write bumps the generation, which
// retires the table the site keeps.
func TestNewRedirectAnswersAtOnce(t *testing.T) {
	url := modelstest.NewURL(t)
	redisURL, prefix := testenv.Redis(t)
	a := newServer(t, serverOptions{dbURL: url, redisURL: redisURL, prefix: prefix})
	b := newServer(t, serverOptions{dbURL: url, redisURL: redisURL, prefix: prefix})
	ctx := context.Background()
	tn := modelstest.Tenant(t, a.db, "highfives")
	store := a.db.ForTenant(ctx, tn.ID)
	for _, s := range []*server{a, b} {
		if r := s.get(t, "highfives.localhost", "/flu-jabs.html"); r.status != 404 {
			t.Fatalf("before: %d", r.status)
		}
		if r := s.get(t, "highfives.localhost", "/?page_id=3"); r.status != 200 {
			t.Fatalf("before: %d", r.status)
		}
	}
	if _, err := store.PutRedirect(redirectActor, 0, models.RedirectInput{From: "/flu-jabs.html", To: "/news"}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.PutRedirect(redirectActor, 0, models.RedirectInput{From: "/?page_id=3", To: "/contact"}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*server{a, b} {
		waitFor(t, func() bool { return s.get(t, "highfives.localhost", "/flu-jabs.html").status == 301 })
		if r := s.get(t, "highfives.localhost", "/?page_id=3"); r.status != 301 || r.header.Get("Location") != "/contact" {
			t.Errorf("after: %d %q", r.status, r.header.Get("Location"))
		}
	}
	r, _ := store.RedirectByFrom("/flu-jabs.html")
	if err := store.RemoveRedirect(redirectActor, r.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return a.get(t, "highfives.localhost", "/flu-jabs.html").status == 404 })
}

// TestMissingAddressesAreCounted: a 404 on a tenant's site is counted by
// the analytics, and the admin's list of missing addresses is read from
// there (one store with Insights); robots, the platform's
// files and other tenants' paths are not on it, nor an address a redirect
// answers.
func TestMissingAddressesAreCounted(t *testing.T) {
	url := modelstest.NewURL(t)
	counter := analytics.New(analytics.Options{DB: modelstest.Open(t, url)})
	s := newServer(t, serverOptions{dbURL: url, counter: counter})
	ctx := context.Background()
	alpha := modelstest.Tenant(t, s.db, "highfives")
	beta := modelstest.Tenant(t, s.db, "beta")
	ua := []string{"User-Agent", browserUA}
	for range 3 {
		if r := s.get(t, "highfives.localhost", "/Flu-Clinic.aspx?x=1", ua...); r.status != 404 {
			t.Fatalf("status %d", r.status)
		}
	}
	s.get(t, "highfives.localhost", "/robots-only", "User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1)")
	s.get(t, "highfives.localhost", "/media/999/nothing.png", ua...)
	s.get(t, "highfives.localhost", "/static/nothing.css", ua...)
	s.get(t, "beta.localhost", "/beta-only", ua...)
	if r := s.get(t, "highfives.localhost", "/last", ua...); r.status != 404 {
		t.Fatalf("status %d", r.status)
	}
	if err := counter.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	list, err := s.db.ForTenant(ctx, alpha.ID).MissingAddresses(time.Now(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Path != "/Flu-Clinic.aspx" || list[0].Hits != 3 || list[1].Path != "/last" || list[1].Hits != 1 {
		t.Errorf("listed %+v, want only the two paths patients asked for", list)
	}
	if b, _ := s.db.ForTenant(ctx, beta.ID).MissingAddresses(time.Now(), 10); len(b) != 1 || b[0].Path != "/beta-only" {
		t.Errorf("beta's list %+v", b)
	}

	// A redirect from a listed address takes it off the list at once.
	if _, err := s.db.ForTenant(ctx, alpha.ID).PutRedirect(redirectActor, 0, models.RedirectInput{From: "/last", To: "/"}); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.db.ForTenant(ctx, alpha.ID).MissingAddresses(time.Now(), 10); len(list) != 1 || list[0].Path != "/Flu-Clinic.aspx" {
		t.Errorf("after a redirect from /last: %+v", list)
	}
}
