package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func weekdays(open, close string) string {
	w := models.WeeklyHours{}
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday"} {
		w[d] = []models.ClockSpan{{Open: open, Close: close}}
	}
	return models.EncodeHours(w)
}

func TestSavePracticeValidatesAndUpserts(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		store := db.ForTenant(ctx, modelstest.Tenant(t, db, "highfives").ID)
		tests := []struct {
			p     models.Practice
			field string
		}{
			{models.Practice{ODSCode: "Y99001"}, "name"},
			{models.Practice{Name: "X", ODSCode: "bad code"}, "ods_code"},
			{models.Practice{Name: "X", ODSCode: "Y99001", Postcode: "NOT A POSTCODE"}, "postcode"},
			{models.Practice{Name: "X", ODSCode: "Y99001", Phone: "call us"}, "phone"},
			{models.Practice{Name: "X", ODSCode: "Y99001", Website: "javascript:alert(1)"}, "website"},
			{models.Practice{Name: "X", ODSCode: "Y99001", Hours: weekdays("18:30", "08:00")}, "hours"},
			{models.Practice{Name: "X", ODSCode: "Y99001", Hours: weekdays("8 o'clock", "18:00")}, "hours"},
		}
		for _, tt := range tests {
			_, err := store.SavePractice(tt.p)
			var ve *models.ValidationError
			if !errors.As(err, &ve) || ve.Field != tt.field {
				t.Errorf("SavePractice(%+v): err = %v, want a validation error on %s", tt.p, err, tt.field)
			}
		}
		p, err := store.SavePractice(models.Practice{Name: "Fivefields", ODSCode: "y99001", Postcode: "ls11aa", Hours: weekdays("08:00", "18:30")})
		if err != nil {
			t.Fatal(err)
		}
		if p.ODSCode != "Y99001" || p.Postcode != "LS1 1AA" {
			t.Errorf("normalised to %q %q", p.ODSCode, p.Postcode)
		}
		if _, err := store.SavePractice(models.Practice{Name: "Fivefields Medical Centre", ODSCode: "Y99001", Hours: weekdays("08:00", "18:30")}); err != nil {
			t.Fatal(err)
		}
		ps, _ := store.Practices()
		if len(ps) != 1 || ps[0].Name != "Fivefields Medical Centre" {
			t.Errorf("upsert by ODS code: %+v", ps)
		}
		if err := store.AddException("Y99001", models.PracticeException{StartsOn: time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2026, 12, 23, 0, 0, 0, 0, time.UTC)}); err == nil {
			t.Error("an exception ending before it starts was accepted")
		}
		if err := store.AddException("Y99001", models.PracticeException{StartsOn: time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC), Closed: true, Reason: "Christmas"}); err != nil {
			t.Fatal(err)
		}
		got, err := store.PracticeByODS("y99001")
		if err != nil || len(got.Exceptions) != 1 || got.Week()[1][0].Open != 8*60 {
			t.Errorf("PracticeByODS = %+v, %v", got, err)
		}
	})
}

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
		_, err := a.SavePost(models.Post{Title: "New clinical pharmacists", BodyMD: "Our pharmacists review medicines.", PublishedAt: &past})
		must(err)
		_, err = a.SavePost(models.Post{Title: "Pharmacist news to come", BodyMD: "Not yet.", PublishedAt: &future})
		must(err)
		_, err = a.SaveService(models.Service{Name: "Clinical pharmacists", Summary: "Medicine reviews", Published: true})
		must(err)
		_, err = a.SaveVacancy(models.Vacancy{Title: "Pharmacist vacancy", ClosesOn: now.AddDate(0, 0, -1), Published: true})
		must(err)
		_, err = a.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "Pharmacy services across five practices."})
		must(err)
		_, err = b.SavePost(models.Post{Title: "Bravo pharmacist", PublishedAt: &past})
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

// TestContentIsolation: every content store of tenant A ignores B's rows.
func TestContentIsolation(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	a := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
	b := db.ForTenant(ctx, modelstest.Tenant(t, db, "bravo").ID)
	now := time.Now()
	if _, err := b.SavePractice(models.Practice{Name: "B surgery", ODSCode: "Y99002"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SaveService(models.Service{Name: "B service", Published: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SavePost(models.Post{Title: "B post", PublishedAt: &now}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SaveEvent(models.Event{Title: "B event", StartsAt: now, Published: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SaveVacancy(models.Vacancy{Title: "B job", ClosesOn: now.AddDate(0, 1, 0), Published: true}); err != nil {
		t.Fatal(err)
	}
	if err := b.SaveSettings(models.SiteSettings{Phone: "0113 496 0999"}); err != nil {
		t.Fatal(err)
	}
	if err := b.SetNavItems([]models.NavItem{{Title: "B", Path: "/b"}}); err != nil {
		t.Fatal(err)
	}
	if err := b.AddSession("Y99002", models.Session{Weekdays: "6", StartsAt: 540, EndsAt: 1020}); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		n    func() (int, error)
	}{
		{"practices", func() (int, error) { v, err := a.Practices(); return len(v), err }},
		{"services", func() (int, error) { v, err := a.Services(); return len(v), err }},
		{"posts", func() (int, error) { v, err := a.PublishedPosts(now.Add(time.Minute), 0); return len(v), err }},
		{"events", func() (int, error) { v, err := a.Events(now); return len(v), err }},
		{"vacancies", func() (int, error) { v, err := a.Vacancies(now); return len(v), err }},
		{"nav", func() (int, error) { v, err := a.NavItems(); return len(v), err }},
		{"sessions", func() (int, error) { v, err := a.Sessions(); return len(v), err }},
		{"staff", func() (int, error) { v, err := a.Staff(); return len(v), err }},
	}
	for _, c := range checks {
		if n, err := c.n(); err != nil || n != 0 {
			t.Errorf("A's %s: %d rows, %v; want none of B's", c.name, n, err)
		}
	}
	if s, _ := a.Settings(); s.Phone != "" {
		t.Error("A read B's settings")
	}
	if _, err := a.PracticeByODS("Y99002"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("A read B's practice: %v", err)
	}
	if err := a.AddException("Y99002", models.PracticeException{StartsOn: now, Closed: true}); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("A added an exception to B's practice: %v", err)
	}
	if err := a.AddStaff("b-service", models.StaffMember{Name: "X", Role: "Y"}); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("A attached staff to B's service: %v", err)
	}
	if _, err := a.ServiceBySlug("b-service"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("A read B's service: %v", err)
	}
}
