package models_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func sessionIDs(t *testing.T, store *models.TenantDB) []int64 {
	t.Helper()
	ss, err := store.EASessions()
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, s := range ss {
		ids = append(ids, s.ID)
	}
	return ids
}

func TestMoveRowReorders(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		store := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		other := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
		for i := 0; i < 3; i++ {
			if _, err := store.SaveEASessionByID(testActor, 0, 0, models.EASession{Weekdays: "1", StartsAt: 1000 + i, EndsAt: 1100}); err != nil {
				t.Fatal(err)
			}
		}
		// Equal sort_order: display falls back to start time.
		if err := models.ClearSortOrderForTest(store, "enhanced_access_sessions"); err != nil {
			t.Fatal(err)
		}
		ids := sessionIDs(t, store)
		a, b, c := ids[0], ids[1], ids[2]
		steps := []struct {
			id   int64
			up   bool
			want []int64
		}{
			{c, true, []int64{a, c, b}},
			{c, true, []int64{c, a, b}},
			{c, true, []int64{c, a, b}},  // already first
			{b, false, []int64{c, a, b}}, // already last
			{c, false, []int64{a, c, b}},
		}
		for i, s := range steps {
			if err := models.MoveRowForTest(store, "enhanced_access_sessions", s.id, s.up); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			if got := sessionIDs(t, store); !slices.Equal(got, s.want) {
				t.Fatalf("step %d: order %v, want %v", i, got, s.want)
			}
		}
		if err := models.MoveRowForTest(other, "enhanced_access_sessions", a, true); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("moving another tenant's row: %v, want ErrNotFound", err)
		}
	})
}

func TestClaimVersion(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		store := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		other := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
		if _, err := store.SaveEASessionByID(testActor, 0, 0, models.EASession{Weekdays: "1", StartsAt: 600, EndsAt: 700}); err != nil {
			t.Fatal(err)
		}
		id := sessionIDs(t, store)[0]
		if err := models.ClaimVersionForTest(store, "enhanced_access_sessions", id, 1); err != nil {
			t.Fatalf("first save from version 1: %v", err)
		}
		err := models.ClaimVersionForTest(store, "enhanced_access_sessions", id, 1)
		var ce *models.EditConflictError
		if !errors.As(err, &ce) || ce.Current != 2 || !errors.Is(err, models.ErrStale) {
			t.Errorf("second save from version 1: %v, want a conflict at version 2", err)
		}
		if err := models.ClaimVersionForTest(other, "enhanced_access_sessions", id, 2); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another tenant claiming the row: %v, want ErrNotFound", err)
		}
		ss, _ := store.EASessions()
		if ss[0].Version != 2 {
			t.Errorf("version read back %d, want 2", ss[0].Version)
		}
	})
}
