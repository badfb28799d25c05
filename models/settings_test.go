package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestSaveSettingsAtVersion(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		alpha := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		beta := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
		now := time.Now()
		prepared := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

		s, _ := alpha.Settings()
		if s.Version != 0 {
			t.Fatalf("no row yet: version %d", s.Version)
		}
		s.Phone, s.ClinicalDirector, s.AccessibilityStatus, s.StatementPrepared = "0113 496 0000", "Dr A Smith", "full", &prepared
		saved, err := alpha.SaveSettingsAt(testActor, s, 0, now)
		if err != nil || saved.Version != 1 || saved.ClinicalDirector != "Dr A Smith" {
			t.Fatalf("first save: %+v %v", saved, err)
		}
		if _, err := alpha.SaveSettingsAt(testActor, s, 0, now); !errors.Is(err, models.ErrStale) {
			t.Errorf("a second first save: %v", err)
		}
		saved.ClinicalDirector = "Dr B Jones"
		again, err := alpha.SaveSettingsAt(testActor, saved, 1, now)
		if err != nil || again.Version != 2 || again.ClinicalDirector != "Dr B Jones" || again.Phone != "0113 496 0000" {
			t.Fatalf("second save: %+v %v", again, err)
		}
		saved.ClinicalDirector = "Dr Stale"
		if _, err := alpha.SaveSettingsAt(testActor, saved, 1, now); !errors.Is(err, models.ErrStale) {
			t.Errorf("save from version 1 after version 2: %v", err)
		}
		if cur, _ := alpha.Settings(); cur.ClinicalDirector != "Dr B Jones" {
			t.Errorf("stale save wrote: %q", cur.ClinicalDirector)
		}
		if other, _ := beta.Settings(); other.ClinicalDirector != "" || other.Version != 0 {
			t.Errorf("beta's settings: %+v", other)
		}

		before := prepared.AddDate(0, 0, -1)
		future := now.AddDate(0, 0, 3)
		for _, tt := range []struct {
			name  string
			edit  func(*models.SiteSettings)
			field string
		}{
			{"phone", func(s *models.SiteSettings) { s.Phone = "call us" }, "phone"},
			{"email", func(s *models.SiteSettings) { s.Email = "nope" }, "email"},
			{"social", func(s *models.SiteSettings) { s.SocialFacebook = "facebook.com/x" }, "social_facebook"},
			{"status", func(s *models.SiteSettings) { s.AccessibilityStatus = "maybe" }, "accessibility_status"},
			{"future", func(s *models.SiteSettings) { s.StatementPrepared = &future }, "statement_prepared"},
			{"review before prepared", func(s *models.SiteSettings) { s.StatementReviewed = &before }, "statement_reviewed"},
		} {
			bad := again
			tt.edit(&bad)
			if _, err := alpha.SaveSettingsAt(testActor, bad, again.Version, now); testPeopleField(err) != tt.field {
				t.Errorf("%s: %v, want a message for %s", tt.name, err, tt.field)
			}
		}
	})
}
