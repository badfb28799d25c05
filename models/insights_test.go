package models_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// bothEngines runs a test on PostgreSQL and on the embedded SQLite.
func bothEngines(t *testing.T, run func(t *testing.T, db *models.DB)) {
	t.Run("postgres", func(t *testing.T) { run(t, modelstest.NewDB(t)) })
	t.Run("sqlite", func(t *testing.T) { run(t, modelstest.NewSQLite(t)) })
}

func TestAddCountsAddsUpAcrossFlushes(t *testing.T) {
	bothEngines(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := modelstest.Tenant(t, db, "alpha")
		// Two replicas flush the same keys concurrently, many times.
		var wg sync.WaitGroup
		for replica := 0; replica < 2; replica++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 10; i++ {
					batch := []models.DailyCount{
						{TenantID: a.ID, Day: day("2026-12-01"), Kind: models.KindView, Key: "/", N: 3},
						{TenantID: a.ID, Day: day("2026-12-01"), Kind: models.KindView, Key: "/about", N: 1},
						{TenantID: a.ID, Day: day("2026-12-01"), Kind: models.KindView, Key: "/", N: 2}, // merged with the first
						{TenantID: a.ID, Day: day("2026-12-02"), Kind: models.KindReferrer, Key: "nhs.uk", N: 1},
					}
					if err := db.AddCounts(ctx, batch); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		in, err := db.ForTenant(ctx, a.ID).Insights(day("2026-12-01"), day("2026-12-02"), 10)
		if err != nil {
			t.Fatal(err)
		}
		if in.TotalViews != 120 {
			t.Errorf("TotalViews = %d, want 2 replicas × 10 flushes × 6 = 120", in.TotalViews)
		}
		want := []models.Count{{Key: "/", N: 100}, {Key: "/about", N: 20}}
		if !equalCounts(in.TopPages, want) {
			t.Errorf("TopPages = %v, want %v", in.TopPages, want)
		}
		if !equalCounts(in.TopReferrers, []models.Count{{Key: "nhs.uk", N: 20}}) {
			t.Errorf("TopReferrers = %v", in.TopReferrers)
		}
	})
}

func TestAddCountsDropsWhatItCannotStore(t *testing.T) {
	bothEngines(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := modelstest.Tenant(t, db, "alpha")
		long := "/" + strings.Repeat("é", 400)
		err := db.AddCounts(ctx, []models.DailyCount{
			{TenantID: a.ID, Day: day("2026-12-01"), Kind: models.KindView, Key: long, N: 1},
			{TenantID: a.ID, Day: day("2026-12-01"), Kind: models.KindSearch, Key: strings.Repeat("x", 150), N: 1},
			{TenantID: a.ID, Day: day("2026-12-01"), Kind: "bogus", Key: "/", N: 1},
			{TenantID: a.ID, Day: day("2026-12-01"), Kind: models.KindView, Key: "/zero", N: 0},
			{TenantID: a.ID, Day: day("2026-12-01"), Kind: models.KindView, Key: "/negative", N: -4},
			{TenantID: a.ID, Day: day("2026-12-01"), Kind: models.KindView, Key: "bad\xffutf8", N: 1},
		})
		if err != nil {
			t.Fatal(err)
		}
		in, err := db.ForTenant(ctx, a.ID).Insights(day("2026-12-01"), day("2026-12-01"), 10)
		if err != nil {
			t.Fatal(err)
		}
		if in.TotalViews != 2 {
			t.Errorf("TotalViews = %d, want 2 (the long path and the bad UTF-8 one)", in.TotalViews)
		}
		for _, c := range in.TopPages {
			if n := len([]rune(c.Key)); n > models.MaxPathKey {
				t.Errorf("path key of %d characters stored", n)
			}
		}
		if len(in.TopSearches) != 1 || len(in.TopSearches[0].Key) != models.MaxSearchKey {
			t.Errorf("TopSearches = %v, want one key cut to %d", in.TopSearches, models.MaxSearchKey)
		}
	})
}

func TestInsightsZeroFillsDaysAndRanksTops(t *testing.T) {
	bothEngines(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := modelstest.Tenant(t, db, "alpha")
		b := modelstest.Tenant(t, db, "bravo")
		err := db.AddCounts(ctx, []models.DailyCount{
			{TenantID: a.ID, Day: day("2026-11-30"), Kind: models.KindView, Key: "/", N: 50}, // before the range
			{TenantID: a.ID, Day: day("2026-12-01"), Kind: models.KindView, Key: "/", N: 5},
			{TenantID: a.ID, Day: day("2026-12-03"), Kind: models.KindView, Key: "/news", N: 7},
			{TenantID: a.ID, Day: day("2026-12-03"), Kind: models.KindView, Key: "/about", N: 5},
			{TenantID: a.ID, Day: day("2026-12-03"), Kind: models.KindSearch, Key: "flu jab", N: 4},
			{TenantID: a.ID, Day: day("2026-12-03"), Kind: models.KindSearch, Key: "covid", N: 2},
			{TenantID: a.ID, Day: day("2026-12-03"), Kind: models.KindSearchNone, Key: "covid", N: 2},
			{TenantID: a.ID, Day: day("2026-12-03"), Kind: models.KindNotFound, Key: "/old.html", N: 3},
			{TenantID: a.ID, Day: day("2026-12-05"), Kind: models.KindView, Key: "/", N: 99}, // after the range
			{TenantID: b.ID, Day: day("2026-12-02"), Kind: models.KindView, Key: "/secret", N: 1000},
			{TenantID: b.ID, Day: day("2026-12-02"), Kind: models.KindNotFound, Key: "/b-only", N: 8},
		})
		if err != nil {
			t.Fatal(err)
		}
		in, err := db.ForTenant(ctx, a.ID).Insights(day("2026-12-01"), day("2026-12-04"), 2)
		if err != nil {
			t.Fatal(err)
		}
		wantDays := []models.DayViews{
			{Day: day("2026-12-01"), Views: 5},
			{Day: day("2026-12-02"), Views: 0},
			{Day: day("2026-12-03"), Views: 12},
			{Day: day("2026-12-04"), Views: 0},
		}
		if len(in.Days) != len(wantDays) {
			t.Fatalf("Days = %v, want %v", in.Days, wantDays)
		}
		for i, w := range wantDays {
			if !in.Days[i].Day.Equal(w.Day) || in.Days[i].Views != w.Views {
				t.Errorf("Days[%d] = %v, want %v", i, in.Days[i], w)
			}
		}
		if in.TotalViews != 17 || !in.From.Equal(day("2026-12-01")) || !in.To.Equal(day("2026-12-04")) {
			t.Errorf("TotalViews %d From %v To %v", in.TotalViews, in.From, in.To)
		}
		// Top 2 only; ties broken by key.
		if want := []models.Count{{Key: "/news", N: 7}, {Key: "/", N: 5}}; !equalCounts(in.TopPages, want) {
			t.Errorf("TopPages = %v, want %v", in.TopPages, want)
		}
		if want := []models.Count{{Key: "flu jab", N: 4}, {Key: "covid", N: 2}}; !equalCounts(in.TopSearches, want) {
			t.Errorf("TopSearches = %v, want %v", in.TopSearches, want)
		}
		if want := []models.Count{{Key: "covid", N: 2}}; !equalCounts(in.NoResultSearches, want) {
			t.Errorf("NoResultSearches = %v, want %v", in.NoResultSearches, want)
		}
		if want := []models.Count{{Key: "/old.html", N: 3}}; !equalCounts(in.NotFound, want) {
			t.Errorf("NotFound = %v, want %v (never the other tenant's)", in.NotFound, want)
		}
		if len(in.TopReferrers) != 0 {
			t.Errorf("TopReferrers = %v, want none", in.TopReferrers)
		}

		// The platform view sums every tenant, in the range only.
		pv, err := db.PlatformViews(ctx, day("2026-12-01"), day("2026-12-04"))
		if err != nil {
			t.Fatal(err)
		}
		want := []models.TenantViews{{TenantID: a.ID, Views: 17, NotFound: 3}, {TenantID: b.ID, Views: 1000, NotFound: 8}}
		if len(pv) != 2 || pv[0] != want[0] || pv[1] != want[1] {
			t.Errorf("PlatformViews = %v, want %v", pv, want)
		}
	})
}

func TestRollUpCountsKeepsTotalsOfOldDays(t *testing.T) {
	bothEngines(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := modelstest.Tenant(t, db, "alpha")
		now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
		old, recent := day("2025-10-31"), day("2025-11-01") // the cut-off is 1 November 2025
		err := db.AddCounts(ctx, []models.DailyCount{
			{TenantID: a.ID, Day: old, Kind: models.KindView, Key: "/", N: 4},
			{TenantID: a.ID, Day: old, Kind: models.KindView, Key: "/about", N: 6},
			{TenantID: a.ID, Day: old, Kind: models.KindSearch, Key: "flu", N: 2},
			{TenantID: a.ID, Day: recent, Kind: models.KindView, Key: "/", N: 1},
		})
		if err != nil {
			t.Fatal(err)
		}
		folded, err := db.RollUpCounts(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if folded != 3 {
			t.Errorf("folded %d rows, want 3", folded)
		}
		// A late flush for an old day, then a second roll-up: still exact.
		if err := db.AddCounts(ctx, []models.DailyCount{{TenantID: a.ID, Day: old, Kind: models.KindView, Key: "/late", N: 5}}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RollUpCounts(ctx, now); err != nil {
			t.Fatal(err)
		}
		in, err := db.ForTenant(ctx, a.ID).Insights(old, recent, 10)
		if err != nil {
			t.Fatal(err)
		}
		if in.Days[0].Views != 15 || in.Days[1].Views != 1 {
			t.Errorf("Days = %v, want 15 then 1", in.Days)
		}
		if want := []models.Count{{Key: "/", N: 1}}; !equalCounts(in.TopPages, want) {
			t.Errorf("TopPages = %v, want only the recent day's detail %v", in.TopPages, want)
		}
		if len(in.TopSearches) != 0 {
			t.Errorf("TopSearches = %v, want the old detail gone", in.TopSearches)
		}
	})
}

func equalCounts(got, want []models.Count) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}
