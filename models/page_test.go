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
		if err := other.UnpublishPage(testActor, "/about", nil); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta unpublishes alpha's page: %v", err)
		}
		if err := other.DeletePage(testActor, "/about", nil); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta deletes alpha's page: %v", err)
		}
		// A stale base is refused.
		old := int64(1)
		if err := store.UnpublishPage(testActor, "/about", &old); !errors.Is(err, models.ErrStale) {
			t.Errorf("stale unpublish = %v", err)
		}
		latest := testPagesLatest(t, store, "/about")
		if err := store.UnpublishPage(testActor, "/about", &latest); err != nil {
			t.Fatal(err)
		}
		if _, err := store.PublishedPage("/about"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("after unpublishing, PublishedPage = %v", err)
		}
		if revs, _ := store.Revisions("/about"); len(revs) != 2 {
			t.Errorf("unpublishing lost revisions: %d left", len(revs))
		}
		if err := store.DeletePage(testActor, "/about", &old); !errors.Is(err, models.ErrStale) {
			t.Errorf("stale delete = %v", err)
		}
		if err := store.DeletePage(testActor, "/about", &latest); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Revisions("/about"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("after deleting, Revisions = %v", err)
		}
		if err := store.DeletePage(testActor, "/about", nil); !errors.Is(err, models.ErrNotFound) {
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
		if _, err := db.ForTenant(ctx, b.ID).RestoreRevision(models.Actor{Name: "x"}, "/about", first, nil); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta restores alpha's revision: %v", err)
		}

		// A stale base is refused and writes nothing.
		stale := first
		if _, err := store.RestoreRevision(models.Actor{Name: "bob@example.nhs.uk"}, "/about", first, &stale); !errors.Is(err, models.ErrStale) {
			t.Errorf("stale restore = %v", err)
		}
		latest := testPagesLatest(t, store, "/about")
		rev, err := store.RestoreRevision(models.Actor{Name: "bob@example.nhs.uk"}, "/about", first, &latest)
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
