package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func testMenuTitles(t *testing.T, store *models.TenantDB) (string, string) {
	t.Helper()
	items, fp, err := store.Menu()
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, it := range items {
		titles = append(titles, it.Title)
	}
	return strings.Join(titles, ","), fp
}

func TestMenuEdits(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		alpha := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		beta := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)

		_, fp := testMenuTitles(t, alpha)
		for _, p := range []string{"/practices", "/services", "/news"} {
			it, err := alpha.AddMenuItem(testActor, fp, strings.ToUpper(p[1:2])+p[2:], p)
			if err != nil {
				t.Fatalf("add %s: %v", p, err)
			}
			if it.ID == 0 {
				t.Fatal("no id")
			}
			_, fp = testMenuTitles(t, alpha)
		}
		items, _, _ := alpha.Menu()
		if _, err := alpha.AddMenuItem(testActor, fp, "Again", "/news"); testPeopleField(err) != "path" {
			t.Errorf("a path twice: %v", err)
		}
		if _, err := alpha.AddMenuItem(testActor, fp, " ", "/events"); testPeopleField(err) != "title" {
			t.Errorf("empty title: %v", err)
		}
		if _, err := alpha.AddMenuItem(testActor, "old", "Events", "/events"); !errors.Is(err, models.ErrStale) {
			t.Errorf("add to a changed menu: %v", err)
		}
		if err := alpha.MoveMenuItem(testActor, fp, items[2].ID, true); err != nil {
			t.Fatal(err)
		}
		got, fp := testMenuTitles(t, alpha)
		if got != "Practices,News,Services" {
			t.Errorf("after moving News up: %s", got)
		}
		if err := alpha.MoveMenuItem(testActor, "old", items[2].ID, true); !errors.Is(err, models.ErrStale) {
			t.Errorf("move on a changed menu: %v", err)
		}
		if err := alpha.RenameMenuItem(testActor, fp, items[0].ID, "Our practices"); err != nil {
			t.Fatal(err)
		}
		got, fp = testMenuTitles(t, alpha)
		if got != "Our practices,News,Services" {
			t.Errorf("after renaming: %s", got)
		}
		if err := alpha.RemoveMenuItem(testActor, fp, items[1].ID); err != nil {
			t.Fatal(err)
		}
		got, fp = testMenuTitles(t, alpha)
		if got != "Our practices,News" {
			t.Errorf("after removing: %s", got)
		}

		// Another tenant's ids are not found, and nothing is written.
		_, bfp := testMenuTitles(t, beta)
		if err := beta.RenameMenuItem(testActor, bfp, items[0].ID, "Owned"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta renames alpha's item: %v", err)
		}
		if err := beta.RemoveMenuItem(testActor, bfp, items[0].ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta removes alpha's item: %v", err)
		}
		if err := beta.MoveMenuItem(testActor, bfp, items[2].ID, true); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta moves alpha's item: %v", err)
		}
		if again, _ := testMenuTitles(t, alpha); again != "Our practices,News" {
			t.Errorf("alpha's menu after beta's attempts: %s", again)
		}

		// The most the guidance allows.
		for _, p := range []string{"/a", "/b", "/c", "/d", "/e"} {
			if _, err := alpha.AddMenuItem(testActor, fp, "Item "+p, p); err != nil {
				t.Fatalf("add %s: %v", p, err)
			}
			_, fp = testMenuTitles(t, alpha)
		}
		if _, err := alpha.AddMenuItem(testActor, fp, "Eighth", "/f"); testPeopleField(err) != "title" {
			t.Errorf("an eighth item: %v", err)
		}
	})
}
