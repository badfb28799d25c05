package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestSearch(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
		a := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		b := db.ForTenant(ctx, modelstest.Tenant(t, db, "bravo").ID)
		past, future := now.Add(-time.Hour), now.Add(time.Hour)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		_, err := a.SavePost(testActor, 0, models.Post{Title: "New clinical pharmacists", BodyMD: "Our pharmacists review medicines.", PublishedAt: &past})
		must(err)
		_, err = a.SavePost(testActor, 0, models.Post{Title: "Pharmacist news to come", BodyMD: "Not yet.", PublishedAt: &future})
		must(err)
		_, err = a.SaveService(testActor, 0, 0, models.Service{Name: "Clinical pharmacists", Summary: "Medicine reviews", Published: true})
		must(err)
		_, err = a.SaveVacancy(testActor, 0, 0, models.Vacancy{Title: "Pharmacist vacancy", ClosesOn: now.AddDate(0, 0, -1), Published: true})
		must(err)
		_, err = a.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "Pharmacy services across five practices."})
		must(err)
		_, err = b.SavePost(testActor, 0, models.Post{Title: "Bravo pharmacist", PublishedAt: &past})
		must(err)

		results, err := a.Search("pharmacist", now)
		must(err)
		kinds := map[string]string{}
		for _, r := range results {
			kinds[r.Title] = r.Kind
		}
		if kinds["New clinical pharmacists"] != "News" || kinds["Clinical pharmacists"] != "Service" {
			t.Errorf("results = %v, want the published post and the service", kinds)
		}
		for _, hidden := range []string{"Pharmacist news to come", "Pharmacist vacancy", "Bravo pharmacist"} {
			if _, ok := kinds[hidden]; ok {
				t.Errorf("search found %q (scheduled, closed or another tenant's)", hidden)
			}
		}
		for _, q := range []string{"", "   ", "%", "_", "'; DROP TABLE posts; --", "\\"} {
			if _, err := a.Search(q, now); err != nil {
				t.Errorf("Search(%q): %v", q, err)
			}
		}
	})
}

// TestSearchMatchesPrefixes: a word finds the longer words it starts, on
// PostgreSQL as on SQLite ("physio" finds physiotherapy; before, PostgreSQL
// found nothing where SQLite found 3), and characters that are tsquery
// syntax are only separators.
func TestSearchMatchesPrefixes(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
		a := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		past := now.Add(-time.Hour)
		must := func(_ any, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(a.SaveService(testActor, 0, 0, models.Service{Name: "Mobile physiotherapy clinic", Summary: "A van visits each village.", Published: true}))
		must(a.SavePost(testActor, 0, models.Post{Title: "New timetable for the van", BodyMD: "The physiotherapist now visits on Mondays.", PublishedAt: &past}))
		must(a.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "Physiotherapists, pharmacists and nurses."}))
		must(a.SaveService(testActor, 0, 0, models.Service{Name: "Pharmacist visits", Published: true}))
		tests := []struct {
			q    string
			want int
		}{
			{"physio", 3},
			{"Physio", 3},
			{"physio van", 2}, // every word must match
			{"pharm", 2},
		}
		for _, tt := range tests {
			results, err := a.Search(tt.q, now)
			if err != nil {
				t.Errorf("Search(%q): %v", tt.q, err)
				continue
			}
			if len(results) != tt.want {
				t.Errorf("Search(%q) found %d, want %d: %+v", tt.q, len(results), tt.want, results)
			}
		}
		// tsquery's own syntax typed into the box is no error.
		for _, q := range []string{"physio:* | pharm", "phys'io", "physio)", "!physio", "&|!():*'\\", "a & ", "'"} {
			if _, err := a.Search(q, now); err != nil {
				t.Errorf("Search(%q): %v", q, err)
			}
		}
	})
}
