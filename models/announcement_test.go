package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestAnnouncements(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		base := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		at := func(h int) time.Time { return base.Add(time.Duration(h) * time.Hour) }

		invalid := []struct {
			a     models.Announcement
			field string
		}{
			{models.Announcement{StartsAt: at(0), EndsAt: at(1)}, "title"},
			{models.Announcement{Title: "X"}, "starts_at"},
			{models.Announcement{Title: "X", StartsAt: at(1), EndsAt: at(1)}, "ends_at"},
			{models.Announcement{Title: string(make([]byte, 121)), StartsAt: at(0), EndsAt: at(1)}, "title"},
		}
		for _, tt := range invalid {
			var ve *models.ValidationError
			if _, err := db.AddAnnouncement(ctx, tt.a); !errors.As(err, &ve) || ve.Field != tt.field {
				t.Errorf("%+v: %v, want an error on %s", tt.a, err, tt.field)
			}
		}

		a := modelstest.Tenant(t, db, "alpha")
		b := modelstest.Tenant(t, db, "beta")
		outage, err := db.AddAnnouncement(ctx, models.Announcement{Title: "Outage", StartsAt: at(0), EndsAt: at(3)})
		if err != nil {
			t.Fatal(err)
		}
		// Every tenant's generation moved on with it.
		for _, before := range []models.Tenant{a, b} {
			after, _ := db.TenantByID(ctx, before.ID)
			if after.Generation <= before.Generation {
				t.Errorf("tenant %s generation %d → %d: not bumped", before.Slug, before.Generation, after.Generation)
			}
		}
		if _, err := db.AddAnnouncement(ctx, models.Announcement{Title: "Later", StartsAt: at(1), EndsAt: at(2)}); err != nil {
			t.Fatal(err)
		}

		steps := []struct {
			now       time.Time
			wantTitle string
			wantNext  time.Time
		}{
			{at(-1), "", at(0)},
			{at(0), "Outage", at(1)},
			{at(1), "Later", at(2)}, // the one that started last
			{at(2), "Outage", at(3)},
			{at(3), "", time.Time{}},
		}
		for _, s := range steps {
			got, next, err := db.ActiveAnnouncement(ctx, s.now)
			if err != nil {
				t.Fatal(err)
			}
			title := ""
			if got != nil {
				title = got.Title
			}
			if title != s.wantTitle || !next.Equal(s.wantNext) {
				t.Errorf("at %v: %q next %v, want %q next %v", s.now, title, next, s.wantTitle, s.wantNext)
			}
		}

		// Ending one now takes it off; ending one that has not started removes it.
		if err := db.EndAnnouncement(ctx, outage.ID, at(0).Add(30*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := db.ActiveAnnouncement(ctx, at(0).Add(31*time.Minute)); got != nil {
			t.Errorf("ended announcement still active: %q", got.Title)
		}
		list, err := db.Announcements(ctx, at(0).Add(31*time.Minute), 10)
		if err != nil || len(list) != 2 || list[0].Title != "Later" || list[1].Title != "Outage" {
			t.Errorf("list: %+v, %v; want Later (upcoming) then Outage (ended)", list, err)
		}
		if err := db.EndAnnouncement(ctx, list[0].ID, at(0).Add(31*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.Announcements(ctx, at(0), 10); len(list) != 1 {
			t.Errorf("a future announcement ended before it started is still listed: %+v", list)
		}
		if err := db.EndAnnouncement(ctx, 9999, at(0)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("ending an unknown announcement: %v", err)
		}
	})
}
