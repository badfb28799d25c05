package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestVacancyByIDLifecycle(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		b := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
		closes := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
		v, err := a.SaveVacancy(testActor, 0, 0, models.Vacancy{Title: "Pharmacist", ClosesOn: closes, Salary: "Band 7", HoursText: "37.5 hours", ApplyURL: "https://jobs.nhs.uk/x"})
		if err != nil || v.Version != 1 || !v.ClosesOn.Equal(closes) {
			t.Fatalf("create: %+v %v", v, err)
		}
		for _, tt := range []struct {
			in    models.Vacancy
			field string
		}{
			{models.Vacancy{Title: "X"}, "closes_on"},
			{models.Vacancy{Title: "X", ClosesOn: closes, ApplyURL: "jobs.nhs.uk"}, "apply_url"},
			{models.Vacancy{Title: "Pharmacist", ClosesOn: closes}, "slug"},
		} {
			if _, err := a.SaveVacancy(testActor, 0, 0, tt.in); servicesFieldOf(err) != tt.field {
				t.Errorf("%+v: %v, want %s", tt.in, err, tt.field)
			}
		}
		saved, err := a.SaveVacancy(testActor, v.ID, v.Version, models.Vacancy{Title: "Senior pharmacist", Slug: "pharmacist", ClosesOn: closes, Published: true})
		if err != nil || saved.Version != 2 || saved.Title != "Senior pharmacist" {
			t.Fatalf("edit: %+v %v", saved, err)
		}
		if _, err := a.SaveVacancy(testActor, v.ID, v.Version, models.Vacancy{Title: "Lost", ClosesOn: closes}); !errors.Is(err, models.ErrStale) {
			t.Errorf("stale: %v", err)
		}
		if _, err := b.VacancyByID(v.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta reads alpha's vacancy: %v", err)
		}
		if _, err := b.SaveVacancy(testActor, v.ID, saved.Version, models.Vacancy{Title: "Owned", ClosesOn: closes}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta saves alpha's vacancy: %v", err)
		}
		if err := b.DeleteVacancy(testActor, v.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta deletes alpha's vacancy: %v", err)
		}
		if err := a.DeleteVacancy(testActor, v.ID); err != nil {
			t.Fatal(err)
		}
		if all, _ := a.AllVacancies(); len(all) != 0 {
			t.Errorf("after delete: %d", len(all))
		}
	})
}
