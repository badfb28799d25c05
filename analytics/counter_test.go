package analytics_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/analytics"
	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestMain(m *testing.M) { os.Exit(modelstest.Main(m)) }

// fixedNow is a clock at one instant.
func fixedNow(s string) func() time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return func() time.Time { return t }
}

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func insights(t *testing.T, db *models.DB, tenantID int64, day string) models.Insights {
	t.Helper()
	in, err := db.ForTenant(context.Background(), tenantID).Insights(date(day), date(day), 1000)
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

// TestTwoCountersAddUpExactly: two replicas' counters count concurrently
// while each flushes over and over; no count is lost or doubled, however a
// flush and a count interleave.
func TestTwoCountersAddUpExactly(t *testing.T) {
	url := modelstest.NewURL(t)
	db := modelstest.Open(t, url)
	a := modelstest.Tenant(t, db, "alpha")
	b := modelstest.Tenant(t, db, "bravo")
	now := fixedNow("2026-12-07T12:00:00Z")
	counters := []*analytics.Counter{
		analytics.New(analytics.Options{DB: modelstest.Open(t, url), Now: now}),
		analytics.New(analytics.Options{DB: modelstest.Open(t, url), Now: now}),
	}
	const perWorker = 2000
	var count, flush sync.WaitGroup
	stop := make(chan struct{})
	for _, c := range counters {
		flush.Add(1)
		go func() {
			defer flush.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := c.Flush(context.Background()); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		for w := range 3 {
			count.Add(1)
			go func() {
				defer count.Done()
				for i := range perWorker {
					c.View(a.ID, "/page-"+strconv.Itoa(i%7), []byte("https://nhs.uk/"), []byte("alpha.localhost"), nil)
					c.Search(b.ID, "Flu "+strconv.Itoa(w), i%2 == 0)
					c.NotFound(b.ID, "/gone")
				}
			}()
		}
	}
	count.Wait()
	close(stop)
	flush.Wait()
	for _, c := range counters {
		if err := c.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	const total = 2 * 3 * perWorker
	in := insights(t, db, a.ID, "2026-12-07")
	if in.TotalViews != total || countOf(in.TopReferrers, "nhs.uk") != total {
		t.Errorf("alpha: %d views, %d from nhs.uk; want %d of each", in.TotalViews, countOf(in.TopReferrers, "nhs.uk"), total)
	}
	in = insights(t, db, b.ID, "2026-12-07")
	var searches, none int64
	for _, c := range in.TopSearches {
		searches += c.N
	}
	for _, c := range in.NoResultSearches {
		none += c.N
	}
	if searches != total || none != total/2 || countOf(in.NotFound, "/gone") != total || in.TotalViews != 0 {
		t.Errorf("bravo: %d searches, %d without results, %d 404s, %d views; want %d, %d, %d, 0",
			searches, none, countOf(in.NotFound, "/gone"), in.TotalViews, total, total/2, total)
	}
}

// TestCounterBoundsKeys: past MaxKeys distinct keys of a kind in one
// interval, a tenant's further keys count as models.OtherKey; keys seen
// before still count as themselves, and the next interval starts afresh.
func TestCounterBoundsKeys(t *testing.T) {
	db := modelstest.NewDB(t)
	a := modelstest.Tenant(t, db, "alpha")
	b := modelstest.Tenant(t, db, "bravo")
	c := analytics.New(analytics.Options{DB: db, MaxKeys: 3, Now: fixedNow("2026-12-07T12:00:00Z")})
	for i := range 10 {
		c.View(a.ID, "/p"+strconv.Itoa(i), nil, nil, nil)
	}
	c.View(a.ID, "/p0", nil, nil, nil)
	c.View(b.ID, "/b", nil, nil, nil) // another tenant has its own bound
	for i := range 5 {
		c.Search(a.ID, "term "+strconv.Itoa(i), false)
	}
	c.View(a.ID, "/"+strings.Repeat("x", 500), nil, nil, nil) // over the bound: other
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.View(a.ID, "/p9", nil, nil, nil) // a new interval
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	in := insights(t, db, a.ID, "2026-12-07")
	want := map[string]int64{"/p0": 2, "/p1": 1, "/p2": 1, models.OtherKey: 8, "/p9": 1}
	if len(in.TopPages) != len(want) {
		t.Errorf("TopPages = %v, want %v", in.TopPages, want)
	}
	for k, n := range want {
		if got := countOf(in.TopPages, k); got != n {
			t.Errorf("views of %q = %d, want %d", k, got, n)
		}
	}
	if got := countOf(in.TopSearches, models.OtherKey); got != 2 || len(in.TopSearches) != 4 {
		t.Errorf("TopSearches = %v, want 3 terms and 2 others", in.TopSearches)
	}
	if in := insights(t, db, b.ID, "2026-12-07"); countOf(in.TopPages, "/b") != 1 {
		t.Errorf("bravo's TopPages = %v", in.TopPages)
	}
}

// TestCounterDayIsLondon: counts go on the London date, which in summer
// starts at 23:00 UTC.
func TestCounterDayIsLondon(t *testing.T) {
	db := modelstest.NewDB(t)
	a := modelstest.Tenant(t, db, "alpha")
	c := analytics.New(analytics.Options{DB: db, Now: fixedNow("2026-07-01T23:30:00Z")})
	c.View(a.ID, "/", nil, nil, nil)
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if in := insights(t, db, a.ID, "2026-07-02"); in.TotalViews != 1 {
		t.Errorf("2 July (London): %d views, want 1", in.TotalViews)
	}
}

// TestCounterStopFlushes: what was counted since the last flush is stored
// when the counter stops (serve stops it after the listener drains).
func TestCounterStopFlushes(t *testing.T) {
	db := modelstest.NewDB(t)
	a := modelstest.Tenant(t, db, "alpha")
	c := analytics.New(analytics.Options{DB: db, Interval: time.Hour, Now: fixedNow("2026-12-07T12:00:00Z")})
	c.Start(context.Background())
	c.View(a.ID, "/", nil, nil, nil)
	c.NotFound(a.ID, "/old")
	if err := c.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	in := insights(t, db, a.ID, "2026-12-07")
	if in.TotalViews != 1 || countOf(in.NotFound, "/old") != 1 {
		t.Errorf("after Stop: %d views, 404s %v; want 1 and /old once", in.TotalViews, in.NotFound)
	}
}

// TestCounterKeepsCountsWhileTheDatabaseIsDown: a flush that fails keeps
// its counts for the next one.
func TestCounterKeepsCountsWhileTheDatabaseIsDown(t *testing.T) {
	url := modelstest.NewURL(t)
	db := modelstest.Open(t, url)
	a := modelstest.Tenant(t, db, "alpha")
	proxy := testenv.StartProxy(t, "127.0.0.1:5432")
	viaProxy := modelstest.Open(t, strings.Replace(url, "127.0.0.1:5432", proxy.Addr, 1))
	c := analytics.New(analytics.Options{DB: viaProxy, Now: fixedNow("2026-12-07T12:00:00Z")})
	c.View(a.ID, "/", nil, nil, nil)
	proxy.Cut()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := c.Flush(ctx); err == nil {
		t.Fatal("a flush with the database down succeeded")
	}
	c.View(a.ID, "/", nil, nil, nil)
	proxy.Restore()
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if in := insights(t, db, a.ID, "2026-12-07"); in.TotalViews != 2 {
		t.Errorf("%d views, want 2 (one kept from the failed flush)", in.TotalViews)
	}
}

// TestCountingDoesNotAllocate: on the hot path, a key already seen in the
// interval, a referrer and a search term cost no allocation.
func TestCountingDoesNotAllocate(t *testing.T) {
	c := analytics.New(analytics.Options{})
	ua := []byte("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
	ref := []byte("https://www.google.co.uk/search?q=x")
	hosts := []string{"highfivespcn.nhs.uk"}
	host := []byte("highfives.localhost")
	c.View(1, "/about", ref, host, hosts)
	c.Search(1, "  Flu Jab ", true)
	c.NotFound(1, "/gone")
	for name, f := range map[string]func(){
		"IsBot":           func() { c.IsBot(ua) },
		"View":            func() { c.View(1, "/about", nil, host, hosts) },
		"View + referrer": func() { c.View(1, "/about", ref, host, hosts) },
		"Search":          func() { c.Search(1, "  Flu Jab ", true) },
		"NotFound":        func() { c.NotFound(1, "/gone") },
	} {
		if n := testing.AllocsPerRun(1000, f); n != 0 {
			t.Errorf("%s: %.1f allocations a call, want 0", name, n)
		}
	}
}

func BenchmarkCount(b *testing.B) {
	c := analytics.New(analytics.Options{})
	ua := []byte("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
	ref := []byte("https://www.google.co.uk/search?q=x")
	host := []byte("highfives.localhost")
	b.Run("IsBot", func(b *testing.B) {
		for range b.N {
			c.IsBot(ua)
		}
	})
	b.Run("View", func(b *testing.B) {
		for range b.N {
			c.View(1, "/about", nil, host, nil)
		}
	})
	b.Run("View+referrer", func(b *testing.B) {
		for range b.N {
			c.View(1, "/about", ref, host, nil)
		}
	})
}
