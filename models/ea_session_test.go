package models_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/pcnweb/pcnweb/models"
)

func TestSaveSessionByID(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		store, other := testPracticeStores(t, db)
		p := testPracticeAdd(t, store, "K81001", "Riverside")
		theirs := testPracticeAdd(t, other, "B00001", "Beta surgery")
		s, err := store.SaveEASessionByID(testActor, 0, 0, models.EASession{Weekdays: "0,6,1", StartsAt: 1110, EndsAt: 1200, PracticeID: &p.ID, Clinicians: " GPs and nurses ", HowToBook: "Ring your practice"})
		if err != nil {
			t.Fatal(err)
		}
		if s.Weekdays != "1,6,0" || s.Clinicians != "GPs and nurses" || s.Version != 1 || s.PracticeID == nil || *s.PracticeID != p.ID {
			t.Errorf("created %+v", s)
		}
		var ve *models.ValidationError
		for _, tt := range []struct {
			s     models.EASession
			field string
		}{
			{models.EASession{StartsAt: 600, EndsAt: 700}, "days"},
			{models.EASession{Weekdays: "7", StartsAt: 600, EndsAt: 700}, "days"},
			{models.EASession{Weekdays: "1", StartsAt: 700, EndsAt: 600}, "ends_at"},
			{models.EASession{Weekdays: "1", StartsAt: 600, EndsAt: 700, PracticeID: &theirs.ID}, "practice_id"},
		} {
			if _, err := store.SaveEASessionByID(testActor, 0, 0, tt.s); !errors.As(err, &ve) || ve.Field != tt.field {
				t.Errorf("%+v: %v, want an error on %s", tt.s, err, tt.field)
			}
		}
		// Across the network; then a stale save.
		s.PracticeID = nil
		saved, err := store.SaveEASessionByID(testActor, s.ID, 1, s)
		if err != nil || saved.PracticeID != nil || saved.Version != 2 {
			t.Errorf("update: %+v %v", saved, err)
		}
		if _, err := store.SaveEASessionByID(testActor, s.ID, 1, s); !errors.Is(err, models.ErrStale) {
			t.Errorf("stale save: %v", err)
		}
		// Another tenant cannot reach it.
		if _, err := other.EASessionByID(s.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("other tenant reads: %v", err)
		}
		if _, err := other.SaveEASessionByID(testActor, s.ID, 2, models.EASession{Weekdays: "1", StartsAt: 1, EndsAt: 2}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("other tenant saves: %v", err)
		}
		if err := other.DeleteEASession(testActor, s.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("other tenant deletes: %v", err)
		}
		if err := other.MoveEASession(testActor, s.ID, true); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("other tenant moves: %v", err)
		}
		if err := store.DeleteEASession(testActor, s.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := store.EASessionByID(s.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("deleted: %v", err)
		}
	})
}

func TestMoveSessionFollowsTheListedOrder(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		store, _ := testPracticeStores(t, db)
		// Stored the old way (sort_order 0): listed by start time, not by id.
		for _, start := range []int{1200, 1100, 1000} {
			if _, err := store.SaveEASessionByID(testActor, 0, 0, models.EASession{Weekdays: "1", StartsAt: start, EndsAt: 1300}); err != nil {
				t.Fatal(err)
			}
		}
		if err := models.ClearSortOrderForTest(store, "enhanced_access_sessions"); err != nil {
			t.Fatal(err)
		}
		ids := sessionIDs(t, store) // 1000, 1100, 1200
		if err := store.MoveEASession(testActor, ids[0], false); err != nil {
			t.Fatal(err)
		}
		if got, want := sessionIDs(t, store), []int64{ids[1], ids[0], ids[2]}; !slices.Equal(got, want) {
			t.Errorf("order %v, want %v", got, want)
		}
	})
}
