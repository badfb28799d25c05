package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// recorder is a Notifier that remembers every change it is told of.
type recorder struct {
	mu      sync.Mutex
	changes []int64 // generations
}

func (r *recorder) TenantChanged(_ context.Context, _ int64, gen int64) {
	r.mu.Lock()
	r.changes = append(r.changes, gen)
	r.mu.Unlock()
}

func (r *recorder) count() int { r.mu.Lock(); defer r.mu.Unlock(); return len(r.changes) }

// dialects runs a test against PostgreSQL and the embedded SQLite default,
// since both are shipped.
func dialects(t *testing.T, fn func(t *testing.T, db *models.DB)) {
	t.Run("postgres", func(t *testing.T) { fn(t, modelstest.NewDB(t)) })
	t.Run("sqlite", func(t *testing.T) { fn(t, modelstest.NewSQLite(t)) })
}

func TestCreateTenantValidates(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		tests := []struct {
			name  string
			in    models.NewTenant
			field string
		}{
			{"empty slug", models.NewTenant{Name: "X"}, "slug"},
			{"upper-case slug", models.NewTenant{Slug: "High", Name: "X"}, "slug"},
			{"reserved slug", models.NewTenant{Slug: "console", Name: "X"}, "slug"},
			{"empty name", models.NewTenant{Slug: "ok", Name: "  "}, "name"},
			{"bad ODS code", models.NewTenant{Slug: "ok", Name: "X", ODSCode: "u1"}, "ods_code"},
			{"bad domain", models.NewTenant{Slug: "ok", Name: "X", Domains: []string{"Not A Host"}}, "domain"},
		}
		for _, tt := range tests {
			_, err := db.CreateTenant(ctx, tt.in)
			var ve *models.ValidationError
			if !errors.As(err, &ve) || ve.Field != tt.field {
				t.Errorf("%s: err = %v, want a validation error on %q", tt.name, err, tt.field)
			}
		}
		if ts, _ := db.ListTenants(ctx); len(ts) != 0 {
			t.Errorf("invalid input created %d tenants", len(ts))
		}
	})
}

func TestTenantLifecycle(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		rec := &recorder{}
		db.SetNotifier(rec)
		tn, err := db.CreateTenant(ctx, models.NewTenant{Slug: "highfives", Name: "High Fives PCN", ODSCode: "U12345", Domains: []string{"highfivespcn.nhs.uk"}})
		if err != nil {
			t.Fatal(err)
		}
		if tn.Status != models.StatusActive || tn.Generation != 1 || len(tn.Domains) != 1 {
			t.Fatalf("created %+v", tn)
		}
		if _, err := db.CreateTenant(ctx, models.NewTenant{Slug: "highfives", Name: "Again"}); !errors.Is(err, models.ErrConflict) {
			t.Errorf("duplicate slug: err = %v, want ErrConflict", err)
		}
		if _, err := db.CreateTenant(ctx, models.NewTenant{Slug: "other", Name: "Other", Domains: []string{"highfivespcn.nhs.uk"}}); !errors.Is(err, models.ErrConflict) {
			t.Errorf("duplicate domain: err = %v, want ErrConflict", err)
		}
		if _, err := db.TenantBySlug(ctx, "other"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a failed create left a tenant behind: %v", err)
		}

		tn, err = db.AddDomain(ctx, "highfives", "www.highfivespcn.nhs.uk", true)
		if err != nil {
			t.Fatal(err)
		}
		if tn.PrimaryDomain() != "www.highfivespcn.nhs.uk" || tn.Generation != 2 {
			t.Errorf("after primary domain: primary=%q gen=%d", tn.PrimaryDomain(), tn.Generation)
		}
		tn, err = db.AddDomain(ctx, "highfives", "highfives.example", true)
		if err != nil {
			t.Fatal(err)
		}
		if tn.PrimaryDomain() != "highfives.example" {
			t.Errorf("a second primary should replace the first, got %q", tn.PrimaryDomain())
		}
		byHost, err := db.TenantByHost(ctx, "highfivespcn.nhs.uk")
		if err != nil || byHost.ID != tn.ID {
			t.Errorf("TenantByHost = %v, %v", byHost.Slug, err)
		}
		tn, err = db.SetTenantStatus(ctx, "highfives", models.StatusSuspended, "unpaid invoice")
		if err != nil || tn.Status != models.StatusSuspended || tn.StatusReason != "unpaid invoice" {
			t.Fatalf("suspend: %+v, %v", tn, err)
		}
		tn, err = db.SetTenantStatus(ctx, "highfives", models.StatusActive, "ignored")
		if err != nil || tn.Status != models.StatusActive || tn.StatusReason != "" {
			t.Fatalf("resume: %+v, %v", tn, err)
		}
		if _, err := db.RemoveDomain(ctx, "highfives.example"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.TenantByHost(ctx, "highfives.example"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("removed domain still resolves: %v", err)
		}
		gens, err := db.Generations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// create + 2 domains + suspend + resume + remove: every change reported once.
		if rec.count() != 6 || gens[tn.ID] != 6 {
			t.Errorf("notifier saw %d changes, generation %d; want 6 and 6", rec.count(), gens[tn.ID])
		}
	})
}
