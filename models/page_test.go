package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestPutPagePublishesAndKeepsRevisions(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		tn := modelstest.Tenant(t, db, "highfives")
		store := db.ForTenant(ctx, tn.ID)

		if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About us", BodyMD: "We are **five** practices.<script>x()</script>"}); err != nil {
			t.Fatal(err)
		}
		got, err := store.PublishedPage("/about")
		if err != nil {
			t.Fatal(err)
		}
		if got.Revision.Title != "About us" || !strings.Contains(got.Revision.BodyHTML, "<strong>five</strong>") || strings.Contains(got.Revision.BodyHTML, "script") {
			t.Errorf("published = %q %q", got.Revision.Title, got.Revision.BodyHTML)
		}
		if !got.Page.InNav {
			t.Error("a new top-level page should be in the navigation")
		}

		// A draft adds a revision but leaves the live page alone.
		if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About (draft)", BodyMD: "new", Draft: true}); err != nil {
			t.Fatal(err)
		}
		got, _ = store.PublishedPage("/about")
		if got.Revision.Title != "About us" {
			t.Errorf("a draft changed the live page to %q", got.Revision.Title)
		}
		revs, err := store.Revisions("/about")
		if err != nil || len(revs) != 2 || revs[0].Title != "About (draft)" {
			t.Errorf("revisions = %d, %v", len(revs), err)
		}
		// A draft-only page is not public.
		if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/secret", Title: "Secret", Draft: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.PublishedPage("/secret"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("draft-only page: err = %v, want ErrNotFound", err)
		}
		pages, _ := store.PublishedPages()
		if len(pages) != 1 {
			t.Errorf("published pages = %d, want 1", len(pages))
		}
	})
}

func TestPutPageValidates(t *testing.T) {
	db := modelstest.NewSQLite(t)
	ctx := context.Background()
	store := db.ForTenant(ctx, modelstest.Tenant(t, db, "a").ID)
	tests := []struct {
		in    models.PageInput
		field string
	}{
		{models.PageInput{By: models.Actor{Name: "test"}, Path: "about", Title: "x"}, "path"},
		{models.PageInput{By: models.Actor{Name: "test"}, Path: "/About", Title: "x"}, "path"},
		{models.PageInput{By: models.Actor{Name: "test"}, Path: "/a//b", Title: "x"}, "path"},
		{models.PageInput{By: models.Actor{Name: "test"}, Path: "/admin", Title: "x"}, "path"},
		{models.PageInput{By: models.Actor{Name: "test"}, Path: "/static/x", Title: "x"}, "path"},
		{models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: " "}, "title"},
		{models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "x", BodyMD: strings.Repeat("a", 300<<10)}, "body"},
		{models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "x", BodyMD: "\xff"}, "body"},
	}
	for _, tt := range tests {
		_, err := store.PutPage(tt.in)
		var ve *models.ValidationError
		if !errors.As(err, &ve) || ve.Field != tt.field {
			t.Errorf("PutPage(%q, %q): err = %v, want a validation error on %s", tt.in.Path, tt.in.Title, err, tt.field)
		}
	}
}

// TestTenantIsolation: a store bound to tenant A never reads or changes
// tenant B's rows, even when it asks for them by path or id.
func TestTenantIsolation(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		b := db.ForTenant(ctx, modelstest.Tenant(t, db, "bravo").ID)
		if _, err := b.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/only-b", Title: "B's page", BodyMD: "b"}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.PublishedPage("/only-b"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("A read B's page: err = %v", err)
		}
		if pages, _ := a.PublishedPages(); len(pages) != 0 {
			t.Errorf("A lists %d of B's pages", len(pages))
		}
		if _, err := a.Revisions("/only-b"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("A read B's revisions: err = %v", err)
		}
		// Writing the same path through A creates A's own page; B's is untouched.
		if _, err := a.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/only-b", Title: "A's page", BodyMD: "a"}); err != nil {
			t.Fatal(err)
		}
		got, err := b.PublishedPage("/only-b")
		if err != nil || got.Revision.Title != "B's page" {
			t.Errorf("B's page after A wrote the same path: %q, %v", got.Revision.Title, err)
		}
		revs, _ := b.Revisions("/only-b")
		if len(revs) != 1 {
			t.Errorf("B's page has %d revisions, want 1", len(revs))
		}
	})
}

// TestTenantGuardRefusesForeignRows: the create callback refuses a row for
// another tenant through a scoped handle, and rows without a tenant at all.
func TestTenantGuardRefusesForeignRows(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	a := modelstest.Tenant(t, db, "alpha")
	b := modelstest.Tenant(t, db, "bravo")
	if err := models.CreateRowForTest(db.ForTenant(ctx, a.ID), &models.Page{TenantID: b.ID, Path: "/x", Title: "x"}); err == nil {
		t.Error("a handle for A created a row for B")
	}
	if err := models.CreateRowForTest(db.ForTenant(ctx, a.ID), &models.Page{Path: "/y", Title: "y"}); err == nil {
		t.Error("a row without a tenant was created")
	}
}
