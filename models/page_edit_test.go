package models_test

import (
	"context"
	"errors"
	"testing"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestPutPageRefusesStaleBase(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		tn := modelstest.Tenant(t, db, "alpha")
		store := db.ForTenant(ctx, tn.ID)
		if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "v1"}); err != nil {
			t.Fatal(err)
		}
		opened, err := store.PageForEdit("/about")
		if err != nil {
			t.Fatal(err)
		}
		base := opened.Revision.ID
		// Alice saves from the revision she opened: accepted.
		if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "alice", BaseRevisionID: &base}); err != nil {
			t.Fatalf("first save: %v", err)
		}
		// Bob opened the same revision and saves after her: refused, nothing written.
		_, err = store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "bob", Draft: true, BaseRevisionID: &base})
		var stale *models.StaleError
		if !errors.As(err, &stale) || !errors.Is(err, models.ErrStale) {
			t.Fatalf("second save = %v, want *StaleError", err)
		}
		now, _ := store.PageForEdit("/about")
		if now.Revision.BodyMD != "alice" || stale.Latest != now.Revision.ID {
			t.Errorf("after the refused save: latest %q (id %d), StaleError.Latest %d", now.Revision.BodyMD, now.Revision.ID, stale.Latest)
		}
		// Base 0 means "new page": refused when it exists.
		zero := int64(0)
		if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "x", BaseRevisionID: &zero}); !errors.Is(err, models.ErrStale) {
			t.Errorf("base 0 on an existing page = %v, want ErrStale", err)
		}
		if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/new", Title: "New", BodyMD: "x", BaseRevisionID: &zero}); err != nil {
			t.Errorf("base 0 on a new page = %v", err)
		}
		// Without a base, PutPage (the CLI) saves as before.
		if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "cli"}); err != nil {
			t.Error(err)
		}
	})
}

func TestPagesListsDraftsAndIsScoped(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := modelstest.Tenant(t, db, "alpha")
		b := modelstest.Tenant(t, db, "beta")
		sa := db.ForTenant(ctx, a.ID)
		_, _ = sa.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "x"})
		_, _ = sa.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About v2", BodyMD: "y", Draft: true})
		_, _ = sa.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/draft", Title: "Draft", BodyMD: "z", Draft: true})
		_, _ = sa.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/live", Title: "Live", BodyMD: "z"})
		_, _ = db.ForTenant(ctx, b.ID).PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/secret", Title: "Beta only", BodyMD: "z"})
		pages, err := sa.Pages()
		if err != nil {
			t.Fatal(err)
		}
		want := []models.PageSummary{
			{Path: "/about", Title: "About v2", Published: true, Draft: true},
			{Path: "/draft", Title: "Draft", Published: false, Draft: true},
			{Path: "/live", Title: "Live", Published: true, Draft: false},
		}
		if len(pages) != len(want) {
			t.Fatalf("Pages = %+v", pages)
		}
		for i, w := range want {
			p := pages[i]
			if p.Path != w.Path || p.Title != w.Title || p.Published != w.Published || p.Draft != w.Draft {
				t.Errorf("page %d = %+v, want %+v", i, p, w)
			}
		}
		if _, err := sa.PageForEdit("/secret"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("alpha opens beta's page: %v, want ErrNotFound", err)
		}
	})
}

// Two saves from the same base at the same moment: exactly one wins (the
// page row is locked while the base is checked).
func TestConcurrentSavesOneWins(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	tn := modelstest.Tenant(t, db, "alpha")
	store := db.ForTenant(ctx, tn.ID)
	if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "v1"}); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 5; round++ {
		opened, _ := store.PageForEdit("/about")
		base := opened.Revision.ID
		const n = 4
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			go func() {
				_, err := db.ForTenant(ctx, tn.ID).PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "racer", BaseRevisionID: &base})
				errs <- err
			}()
		}
		wins := 0
		for i := 0; i < n; i++ {
			err := <-errs
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, models.ErrStale):
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if wins != 1 {
			t.Fatalf("round %d: %d saves from one base succeeded, want 1", round, wins)
		}
	}
}
