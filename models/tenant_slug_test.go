package models_test

import (
	"context"
	"errors"
	"testing"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestRenameTenant(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := modelstest.Tenant(t, db, "alpha")
		modelstest.Tenant(t, db, "beta")
		var ve *models.ValidationError
		for _, bad := range []string{"", "Not Good", "admin", "beta", "alpha"} {
			if _, err := db.RenameTenant(ctx, "alpha", bad); !errors.As(err, &ve) || ve.Field != "slug" {
				t.Errorf("rename to %q: %v, want a validation error on slug", bad, err)
			}
		}
		if _, err := db.RenameTenant(ctx, "nobody", "x"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("rename an unknown tenant: %v", err)
		}
		rec := &recorder{}
		db.SetNotifier(rec)
		renamed, err := db.RenameTenant(ctx, "alpha", "alpha-pcn")
		if err != nil || renamed.ID != a.ID || renamed.Slug != "alpha-pcn" || renamed.Generation <= a.Generation || rec.count() != 1 {
			t.Fatalf("rename: %+v %v (%d notifications)", renamed, err, rec.count())
		}
		if old, err := db.TenantByOldSlug(ctx, "alpha"); err != nil || old.ID != a.ID {
			t.Errorf("old slug alpha leads to %+v %v", old, err)
		}
		// Renamed again: both old slugs lead to it.
		if _, err := db.RenameTenant(ctx, "alpha-pcn", "alpha-network"); err != nil {
			t.Fatal(err)
		}
		slugs, _ := db.OldSlugs(ctx)
		if len(slugs) != 2 || slugs["alpha"] != a.ID || slugs["alpha-pcn"] != a.ID {
			t.Errorf("old slugs %v", slugs)
		}
		// Back to a slug it had: no longer an old slug.
		if _, err := db.RenameTenant(ctx, "alpha-network", "alpha-pcn"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.TenantByOldSlug(ctx, "alpha-pcn"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("its own slug is still an old slug: %v", err)
		}
		// An ODS import does not take an old slug; a tenant created by
		// hand does, and the former owner is invalidated.
		data := odsTestData()
		data.PCNs[0].Name = "ALPHA"
		odsImport(t, db, data)
		if tn, err := db.TenantBySlug(ctx, "alpha-u00001"); err != nil || tn.ODSCode != "U00001" {
			t.Errorf("the ODS tenant named Alpha: %+v %v, want slug alpha-u00001", tn, err)
		}
		before, _ := db.TenantBySlug(ctx, "alpha-pcn")
		if _, err := db.CreateTenant(ctx, models.NewTenant{Slug: "alpha", Name: "New Alpha"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.TenantByOldSlug(ctx, "alpha"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("the old slug given to a new tenant still redirects: %v", err)
		}
		if after, _ := db.TenantBySlug(ctx, "alpha-pcn"); after.Generation <= before.Generation {
			t.Error("the former owner of the old slug was not invalidated")
		}
	})
}
