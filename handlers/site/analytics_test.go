package site_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/analytics"
	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

const browserUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

// insightsToday flushes the counters and reads the tenant's figures for
// today (London).
func insightsToday(t *testing.T, db *models.DB, tenantID int64, counters ...*analytics.Counter) models.Insights {
	t.Helper()
	ctx := context.Background()
	for _, c := range counters {
		if err := c.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	today := time.Now().In(hours.Location())
	in, err := db.ForTenant(ctx, tenantID).Insights(today, today, 20)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func countOf(cs []models.Count, key string) int64 {
	for _, c := range cs {
		if c.Key == key {
			return c.N
		}
	}
	return 0
}

// TestAnalyticsCountWhatPatientsRead drives a site as patients, bots and
// the site's own links would, through the page cache, and checks what the
// analytics stored: views by path (hits and revalidations too), the
// referring site's domain only, searches and searches with no results
// (also when the cache answers), 404s; nothing for bots, HEAD, feeds,
// the sitemap, static files, a site not launched, or another tenant.
func TestAnalyticsCountWhatPatientsRead(t *testing.T) {
	url := modelstest.NewURL(t)
	redisURL, prefix := testenv.Redis(t)
	counterA := analytics.New(analytics.Options{DB: modelstest.Open(t, url)})
	counterB := analytics.New(analytics.Options{DB: modelstest.Open(t, url)})
	a := newServer(t, serverOptions{dbURL: url, redisURL: redisURL, prefix: prefix, counter: counterA})
	b := newServer(t, serverOptions{dbURL: url, redisURL: redisURL, prefix: prefix, counter: counterB})
	hf := modelstest.Tenant(t, a.db, "highfives", "highfivespcn.nhs.uk")
	other := modelstest.Tenant(t, a.db, "other")
	modelstest.UnlaunchedTenant(t, a.db, "soon")
	a.putPage(t, "highfives", "/about", "About High Fives", "Five practices.")
	a.putPage(t, "highfives", "/flu", "Flu jabs", "Book your flu jab at any of our practices.")
	a.putPage(t, "other", "/about", "About Other", "Elsewhere.")

	const host = "highfives.localhost"
	ua := func(extra ...string) []string { return append([]string{"User-Agent", browserUA}, extra...) }
	wantStatus := func(r result, status int) {
		t.Helper()
		if r.status != status {
			t.Fatalf("status %d, want %d (%s)", r.status, status, r.header.Get("Cache-Status"))
		}
	}

	// Views of /about: a miss, a hit from elsewhere, a revalidation, and
	// visits from the site's own pages (either of its hosts).
	first := a.get(t, host, "/about", ua("Referer", "https://www.Google.co.uk/search?q=private+words")...)
	wantStatus(first, 200)
	hit := a.get(t, host, "/about", ua("Referer", "https://user:pw@www.nhs.uk:443/conditions/flu/?x=1#top")...)
	wantStatus(hit, 200)
	if cs := hit.header.Get("Cache-Status"); cs != "pcnweb; hit" {
		t.Fatalf("second /about: Cache-Status %q, want a hit", cs)
	}
	wantStatus(a.get(t, host, "/about", ua("If-None-Match", first.header.Get("ETag"))...), 304)
	wantStatus(a.get(t, host, "/about", ua("Referer", "http://highfives.localhost/news")...), 200)
	wantStatus(a.get(t, host, "/about", ua("Referer", "https://www.highfivespcn.nhs.uk/")...), 200)
	wantStatus(a.get(t, host, "/about", ua("Referer", "android-app://com.google.android.gm/")...), 200)

	// Searches: one that finds the flu page, one that finds nothing; each
	// twice on replica a (render, then hit) and once on replica b (a hit
	// from Redis: the handler does not run there).
	for _, s := range []*server{a, a, b} {
		wantStatus(s.get(t, host, "/search?q=+Flu%20%20JAB+", ua()...), 200)
		r := s.get(t, host, "/search?q=zzzz", ua()...)
		wantStatus(r, 200)
		if s == b && r.header.Get("Cache-Status") != "pcnweb; hit" {
			t.Fatalf("replica b's search: Cache-Status %q, want a hit from Redis", r.header.Get("Cache-Status"))
		}
	}
	wantStatus(a.get(t, host, "/search", ua()...), 200) // a view of the search page, no search

	// 404s, twice each.
	for range 2 {
		wantStatus(a.get(t, host, "/old-page.html", ua()...), 404)
	}

	// Not counted: bots, HEAD, non-pages, a site not launched.
	for _, bot := range []string{
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
		"curl/8.5.0",
		"",
	} {
		wantStatus(a.get(t, host, "/about", "User-Agent", bot), 200)
		wantStatus(a.get(t, host, "/missing-for-bots", "User-Agent", bot), 404)
	}
	req := httptest.NewRequest(http.MethodHead, "/about", nil)
	req.Host = host
	req.Header.Set("User-Agent", browserUA)
	if resp, err := a.app.Test(req, -1); err != nil || resp.StatusCode != 200 {
		t.Fatalf("HEAD /about: %v %v", resp, err)
	}
	for _, p := range []string{"/news/feed.xml", "/sitemap.xml", "/robots.txt"} {
		wantStatus(a.get(t, host, p, ua()...), 200)
	}
	a.get(t, host, "/static/missing.css", ua()...)
	a.get(t, "soon.localhost", "/", ua()...)
	a.get(t, "soon.localhost", "/nothing", ua()...)

	// The other tenant's one view.
	wantStatus(b.get(t, "other.localhost", "/about", ua("Referer", "https://example.org/")...), 200)

	in := insightsToday(t, a.db, hf.ID, counterA, counterB)
	checks := []struct {
		what string
		got  int64
		want int64
	}{
		{"views of /about (miss, hit, 304, 3 internal or app referrals)", countOf(in.TopPages, "/about"), 6},
		{"views of /search", countOf(in.TopPages, "/search"), 7},
		{"total views", in.TotalViews, 13},
		{"referrals from google.co.uk", countOf(in.TopReferrers, "google.co.uk"), 1},
		{"referrals from nhs.uk", countOf(in.TopReferrers, "nhs.uk"), 1},
		{"searches for 'flu jab'", countOf(in.TopSearches, "flu jab"), 3},
		{"searches for 'zzzz'", countOf(in.TopSearches, "zzzz"), 3},
		{"no-result searches for 'zzzz' (render, L1 hit, Redis hit)", countOf(in.NoResultSearches, "zzzz"), 3},
		{"no-result searches for 'flu jab'", countOf(in.NoResultSearches, "flu jab"), 0},
		{"404s of /old-page.html", countOf(in.NotFound, "/old-page.html"), 2},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.what, c.got, c.want)
		}
	}
	if len(in.TopReferrers) != 2 || len(in.NotFound) != 1 || len(in.TopPages) != 2 {
		t.Errorf("unexpected keys counted: pages %v, referrers %v, 404s %v", in.TopPages, in.TopReferrers, in.NotFound)
	}

	// The other tenant sees its own view only; the one not launched nothing.
	in = insightsToday(t, a.db, other.ID)
	if in.TotalViews != 1 || countOf(in.TopReferrers, "example.org") != 1 || len(in.TopSearches) != 0 {
		t.Errorf("other tenant: %+v, want its one view from example.org", in)
	}
	soon, err := a.db.TenantBySlug(context.Background(), "soon")
	if err != nil {
		t.Fatal(err)
	}
	if in := insightsToday(t, a.db, soon.ID); in.TotalViews != 0 || len(in.NotFound) != 0 {
		t.Errorf("a site not launched was counted: %+v", in)
	}
}

// TestAnalyticsTwoReplicasAddUp: two replicas count the same pages
// concurrently, flushing as they go; after their last flush the stored
// figures are exactly the requests made.
func TestAnalyticsTwoReplicasAddUp(t *testing.T) {
	url := modelstest.NewURL(t)
	redisURL, prefix := testenv.Redis(t)
	counters := []*analytics.Counter{
		analytics.New(analytics.Options{DB: modelstest.Open(t, url), Interval: 20 * time.Millisecond}),
		analytics.New(analytics.Options{DB: modelstest.Open(t, url), Interval: 20 * time.Millisecond}),
	}
	var servers []*server
	for _, c := range counters {
		servers = append(servers, newServer(t, serverOptions{dbURL: url, redisURL: redisURL, prefix: prefix, counter: c}))
		c.Start(context.Background())
	}
	hf := modelstest.Tenant(t, servers[0].db, "highfives")
	servers[0].putPage(t, "highfives", "/about", "About", "Five practices.")

	const perWorker = 60
	var wg sync.WaitGroup
	for w := range 4 {
		s := servers[w%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				path := "/about"
				if i%3 == 0 {
					path = "/search?q=clinic+" + strconv.Itoa(i%2)
				}
				if r := s.get(t, "highfives.localhost", path, "User-Agent", browserUA); r.status != 200 {
					t.Errorf("GET %s: %d", path, r.status)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, c := range counters {
		if err := c.Stop(context.Background()); err != nil { // the last flush
			t.Fatal(err)
		}
	}
	in := insightsToday(t, servers[0].db, hf.ID)
	if in.TotalViews != 4*perWorker {
		t.Errorf("TotalViews = %d, want %d", in.TotalViews, 4*perWorker)
	}
	if got := countOf(in.TopPages, "/about"); got != 4*perWorker*2/3 {
		t.Errorf("views of /about = %d, want %d", got, 4*perWorker*2/3)
	}
	if got := countOf(in.TopSearches, "clinic 0") + countOf(in.TopSearches, "clinic 1"); got != 4*perWorker/3 {
		t.Errorf("searches = %d, want %d", got, 4*perWorker/3)
	}
	today := time.Now().In(hours.Location())
	pv, err := servers[0].db.PlatformViews(context.Background(), today, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(pv) != 1 || pv[0].TenantID != hf.ID || pv[0].Views != 4*perWorker {
		t.Errorf("PlatformViews = %+v, want %d views of tenant %d", pv, 4*perWorker, hf.ID)
	}
}
