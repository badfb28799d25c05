package models_test

import (
	"context"
	"errors"
	"testing"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// testPagesLatest is the id of the page's latest revision.
func testPagesLatest(t *testing.T, store *models.TenantDB, path string) int64 {
	t.Helper()
	d, err := store.PageForEdit(path)
	if err != nil {
		t.Fatal(err)
	}
	return d.Revision.ID
}

func TestCreatePageRefusesATakenPath(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := modelstest.Tenant(t, db, "alpha")
		b := modelstest.Tenant(t, db, "beta")
		store := db.ForTenant(ctx, a.ID)
		if _, err := store.CreatePage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "first"}); err != nil {
			t.Fatal(err)
		}
		_, err := store.CreatePage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "Again", BodyMD: "second"})
		var ve *models.ValidationError
		if !errors.As(err, &ve) || ve.Field != "path" {
			t.Fatalf("second create = %v, want a validation error on path", err)
		}
		if p, _ := store.PublishedPage("/about"); p.Revision.BodyMD != "first" {
			t.Errorf("the refused create wrote: %q", p.Revision.BodyMD)
		}
		// Another tenant's path is free here.
		if _, err := db.ForTenant(ctx, b.ID).CreatePage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "Beta", BodyMD: "b", Draft: true}); err != nil {
			t.Errorf("beta's /about: %v", err)
		}
		if _, err := store.CreatePage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/admin/x", Title: "X", BodyMD: "x"}); !errors.As(err, &ve) || ve.Field != "path" {
			t.Errorf("reserved path = %v", err)
		}
	})
}

func TestUnpublishAndDeletePage(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := modelstest.Tenant(t, db, "alpha")
		b := modelstest.Tenant(t, db, "beta")
		store := db.ForTenant(ctx, a.ID)
		other := db.ForTenant(ctx, b.ID)
		for _, body := range []string{"one", "two"} {
			if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: body}); err != nil {
				t.Fatal(err)
			}
		}
		// Another tenant cannot touch it.
		if err := other.UnpublishPage("/about", nil); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta unpublishes alpha's page: %v", err)
		}
		if err := other.DeletePage("/about", nil); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta deletes alpha's page: %v", err)
		}
		// A stale base is refused.
		old := int64(1)
		if err := store.UnpublishPage("/about", &old); !errors.Is(err, models.ErrStale) {
			t.Errorf("stale unpublish = %v", err)
		}
		latest := testPagesLatest(t, store, "/about")
		if err := store.UnpublishPage("/about", &latest); err != nil {
			t.Fatal(err)
		}
		if _, err := store.PublishedPage("/about"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("after unpublishing, PublishedPage = %v", err)
		}
		if revs, _ := store.Revisions("/about"); len(revs) != 2 {
			t.Errorf("unpublishing lost revisions: %d left", len(revs))
		}
		if err := store.DeletePage("/about", &old); !errors.Is(err, models.ErrStale) {
			t.Errorf("stale delete = %v", err)
		}
		if err := store.DeletePage("/about", &latest); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Revisions("/about"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("after deleting, Revisions = %v", err)
		}
		if err := store.DeletePage("/about", nil); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("deleting twice = %v", err)
		}
		// The path can be used again.
		if _, err := store.CreatePage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "new"}); err != nil {
			t.Errorf("create after delete: %v", err)
		}
	})
}

func TestRestoreRevisionMakesADraft(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := modelstest.Tenant(t, db, "alpha")
		b := modelstest.Tenant(t, db, "beta")
		store := db.ForTenant(ctx, a.ID)
		if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "ann@example.nhs.uk"}, Path: "/about", Title: "Old title", BodyMD: "old **text**"}); err != nil {
			t.Fatal(err)
		}
		first := testPagesLatest(t, store, "/about")
		if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "New title", BodyMD: "new text"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ForTenant(ctx, b.ID).PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "Beta", BodyMD: "beta"}); err != nil {
			t.Fatal(err)
		}
		betaRev := testPagesLatest(t, db.ForTenant(ctx, b.ID), "/about")

		// Reading: the revision of this page only.
		if r, err := store.RevisionByID("/about", first); err != nil || r.BodyMD != "old **text**" || r.Author != "ann@example.nhs.uk" {
			t.Errorf("RevisionByID = %+v, %v", r, err)
		}
		if _, err := store.RevisionByID("/about", betaRev); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another tenant's revision = %v", err)
		}
		if _, err := db.ForTenant(ctx, b.ID).RestoreRevision("/about", first, nil, "x"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta restores alpha's revision: %v", err)
		}

		// A stale base is refused and writes nothing.
		stale := first
		if _, err := store.RestoreRevision("/about", first, &stale, "bob@example.nhs.uk"); !errors.Is(err, models.ErrStale) {
			t.Errorf("stale restore = %v", err)
		}
		latest := testPagesLatest(t, store, "/about")
		rev, err := store.RestoreRevision("/about", first, &latest, "bob@example.nhs.uk")
		if err != nil {
			t.Fatal(err)
		}
		if rev.Title != "Old title" || rev.BodyMD != "old **text**" || rev.BodyHTML != "<p>old <strong>text</strong></p>\n" || rev.Author != "bob@example.nhs.uk" {
			t.Errorf("restored revision = %+v", rev)
		}
		h, err := store.History("/about")
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Revisions) != 3 || h.Revisions[0].ID != rev.ID || h.Page.Title != "Old title" {
			t.Errorf("history after restore: %+v", h)
		}
		// The live page is unchanged until someone publishes.
		if live, _ := store.PublishedPage("/about"); live.Revision.BodyMD != "new text" {
			t.Errorf("restore changed the live page: %q", live.Revision.BodyMD)
		}
	})
}
