package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestEventByIDLifecycle(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		b := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
		start := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
		end := start.Add(2 * time.Hour)
		e, err := a.SaveEvent(testActor, 0, 0, models.Event{Title: "Flu clinic", StartsAt: start, EndsAt: &end, Location: "Quayside"})
		if err != nil || e.Version != 1 || e.Slug != "flu-clinic" {
			t.Fatalf("create: %+v %v", e, err)
		}
		if _, err := a.SaveEvent(testActor, 0, 0, models.Event{Title: "Flu clinic", StartsAt: start}); servicesFieldOf(err) != "slug" {
			t.Errorf("taken slug: %v", err)
		}
		for _, tt := range []struct {
			in    models.Event
			field string
		}{
			{models.Event{Title: "X"}, "starts_at"},
			{models.Event{Title: "X", StartsAt: start, EndsAt: &start}, "ends_at"},
			{models.Event{Title: "X", StartsAt: start, BookingURL: "javascript:alert(1)"}, "booking_url"},
		} {
			if _, err := a.SaveEvent(testActor, 0, 0, tt.in); servicesFieldOf(err) != tt.field {
				t.Errorf("%+v: %v, want %s", tt.in, err, tt.field)
			}
		}
		saved, err := a.SaveEvent(testActor, e.ID, e.Version, models.Event{Title: "Flu clinic", Slug: "flu", StartsAt: start, Published: true})
		if err != nil || saved.Version != 2 || saved.EndsAt != nil || !saved.Published {
			t.Fatalf("edit: %+v %v", saved, err)
		}
		if _, err := a.SaveEvent(testActor, e.ID, e.Version, models.Event{Title: "Lost", StartsAt: start}); !errors.Is(err, models.ErrStale) {
			t.Errorf("stale: %v", err)
		}
		if _, err := b.SaveEvent(testActor, e.ID, saved.Version, models.Event{Title: "Owned", StartsAt: start}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta saves alpha's event: %v", err)
		}
		if err := b.DeleteEvent(testActor, e.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta deletes alpha's event: %v", err)
		}
		if all, _ := b.AllEvents(); len(all) != 0 {
			t.Errorf("beta lists %d events", len(all))
		}
		if err := a.DeleteEvent(testActor, e.ID); err != nil {
			t.Fatal(err)
		}
		if all, _ := a.AllEvents(); len(all) != 0 {
			t.Errorf("after delete: %d events", len(all))
		}
	})
}
