package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// TestMigrationKeepsExistingTenantsLaunched migrates a database that an
// older release left at 00016, with a tenant in it, to the newest schema:
// the tenant was public before, so it stays launched; a tenant made after
// the migration is not.
func TestMigrationKeepsExistingTenantsLaunched(t *testing.T) {
	open := map[string]func(t *testing.T) *models.DB{
		"postgres": func(t *testing.T) *models.DB {
			return modelstest.Open(t, testenv.CreateDatabase(t, testenv.DatabaseName(t.Name()), ""))
		},
		"sqlite": func(t *testing.T) *models.DB {
			db, err := models.Open(context.Background(), models.Options{DataDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = db.Close() })
			return db
		},
	}
	for name, openDB := range open {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db := openDB(t)
			if err := models.MigrateToForTest(ctx, db, 16); err != nil {
				t.Fatal(err)
			}
			if err := models.ExecForTest(ctx, db, "INSERT INTO tenants (slug, name, created_at, updated_at) VALUES ('older', 'Older PCN', ?, ?)",
				time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Migrate(ctx, nil); err != nil {
				t.Fatal(err)
			}
			older, err := db.TenantBySlug(ctx, "older")
			if err != nil {
				t.Fatal(err)
			}
			if !older.Launched() || !older.LaunchedAt.Equal(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)) {
				t.Errorf("a tenant from before the migration: launched at %v, want launched when it was made (1 March 2025 9am UTC)", older.LaunchedAt)
			}
			newer, err := db.CreateTenant(ctx, models.NewTenant{Slug: "newer", Name: "Newer PCN"})
			if err != nil {
				t.Fatal(err)
			}
			if newer.Launched() {
				t.Error("a tenant created after the migration is launched; want its holding page")
			}
			if again, _ := db.TenantBySlug(ctx, "newer"); again.Launched() {
				t.Error("a tenant created after the migration reads back launched")
			}
		})
	}
}

// TestNewTenantsStartNotLaunched covers every way a tenant is made outside
// the demo and the tests: by hand (command line, console, API) and from the
// ODS files.
func TestNewTenantsStartNotLaunched(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		byHand, err := db.CreateTenant(ctx, models.NewTenant{Slug: "byhand", Name: "By Hand PCN"})
		if err != nil {
			t.Fatal(err)
		}
		if byHand.Launched() {
			t.Error("a tenant created by hand is launched")
		}
		launched, err := db.CreateTenant(ctx, models.NewTenant{Slug: "demo", Name: "Demo PCN", Launched: true})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := db.TenantBySlug(ctx, "demo"); !launched.Launched() || !got.Launched() {
			t.Error("NewTenant.Launched did not make a launched tenant")
		}
		when, err := db.ForTenant(ctx, byHand.ID).LaunchedAt()
		if err != nil || when != nil {
			t.Errorf("LaunchedAt of a new tenant = %v, %v; want nil", when, err)
		}
	})
}

func TestLaunchIsAuditedAndBumpsTheGeneration(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		rec := &recorder{}
		db.SetNotifier(rec)
		tn := modelstest.UnlaunchedTenant(t, db, "wandle")
		other := modelstest.UnlaunchedTenant(t, db, "other")
		store := db.ForTenant(ctx, tn.ID)
		now := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)

		if err := store.Launch(models.Actor{}, now); !errors.Is(err, models.ErrInvalid) {
			t.Fatalf("launch without saying who: %v, want a validation error", err)
		}
		before := rec.count()
		if err := store.Launch(models.Actor{UserID: 0, Name: "jane@example.nhs.uk"}, now); err != nil {
			t.Fatal(err)
		}
		got, err := db.TenantBySlug(ctx, "wandle")
		if err != nil {
			t.Fatal(err)
		}
		if !got.Launched() || !got.LaunchedAt.Equal(now) {
			t.Errorf("launched at %v, want %v", got.LaunchedAt, now)
		}
		if got.Generation != tn.Generation+1 {
			t.Errorf("generation %d after the launch, want %d", got.Generation, tn.Generation+1)
		}
		if rec.count() != before+1 {
			t.Errorf("%d notifications for the launch, want 1", rec.count()-before)
		}
		log, err := store.AuditLog(10)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != 1 || log[0].Action != models.AuditLaunch || log[0].UserEmail != "jane@example.nhs.uk" {
			t.Errorf("audit log after the launch: %+v", log)
		}

		// Again: refused, nothing written.
		if err := store.Launch(testActor, now.Add(time.Hour)); !errors.Is(err, models.ErrAlreadyLaunched) {
			t.Errorf("second launch: %v, want ErrAlreadyLaunched", err)
		}
		again, _ := db.TenantBySlug(ctx, "wandle")
		if again.Generation != got.Generation || !again.LaunchedAt.Equal(now) {
			t.Errorf("a refused launch changed the tenant: generation %d, launched %v", again.Generation, again.LaunchedAt)
		}
		if log, _ := store.AuditLog(10); len(log) != 1 {
			t.Errorf("a refused launch wrote an audit row: %+v", log)
		}
		// The other tenant is untouched.
		if o, _ := db.TenantBySlug(ctx, "other"); o.Launched() || o.Generation != other.Generation {
			t.Errorf("launching wandle changed another tenant: %+v", o)
		}

		// By slug, as the operators do.
		o, err := db.LaunchTenant(ctx, "other", models.Actor{Name: "cli:ops"}, now)
		if err != nil || !o.Launched() {
			t.Fatalf("LaunchTenant: %+v, %v", o, err)
		}
		if _, err := db.LaunchTenant(ctx, "other", models.Actor{Name: "cli:ops"}, now); !errors.Is(err, models.ErrAlreadyLaunched) {
			t.Errorf("LaunchTenant again: %v, want ErrAlreadyLaunched", err)
		}
		if _, err := db.LaunchTenant(ctx, "nobody", models.Actor{Name: "cli:ops"}, now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("LaunchTenant of an unknown slug: %v, want ErrNotFound", err)
		}
	})
}

func TestLaunchChecklist(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		tn := modelstest.UnlaunchedTenant(t, db, "wandle")
		store := db.ForTenant(ctx, tn.ID)
		items, err := store.LaunchChecklist()
		if err != nil {
			t.Fatal(err)
		}
		// An empty tenant lacks everything.
		for _, it := range items {
			if it.Done {
				t.Errorf("an empty tenant has %q done", it.Title)
			}
		}
		if models.LaunchMissing(items) != 6 {
			t.Errorf("%d missing items on an empty tenant, want 6: %+v", models.LaunchMissing(items), items)
		}

		if _, err := store.SavePractice(testActor, 0, 0, models.Practice{ODSCode: "Y01234", Name: "Riverside Surgery", Phone: "020 7946 0001"}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.PutPage(models.PageInput{By: testActor, Path: "/about", Title: "About us", BodyMD: "We are four practices."}); err != nil {
			t.Fatal(err)
		}
		items, err = store.LaunchChecklist()
		if err != nil {
			t.Fatal(err)
		}
		state := map[string]bool{}
		for _, it := range items {
			state[it.Check+" "+it.Key] = it.Done
		}
		want := map[string]bool{
			"practices ": true, "practice-phone Y01234": true, "practice-hours Y01234": false, "about ": true,
			"contact ": false, "accessibility ": false, "privacy ": false, "enhanced-access ": false,
		}
		for k, w := range want {
			if got, ok := state[k]; !ok || got != w {
				t.Errorf("checklist item %q: done %v (listed %v), want done %v", k, got, ok, w)
			}
		}
		// Missing items first.
		seenDone := false
		for _, it := range items {
			if it.Done {
				seenDone = true
			} else if seenDone {
				t.Errorf("missing item %q listed after a done one", it.Title)
			}
		}
		// Another tenant's practices are not this one's.
		other := modelstest.UnlaunchedTenant(t, db, "other")
		items, err = db.ForTenant(ctx, other.ID).LaunchChecklist()
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.Key == "Y01234" || it.Done {
				t.Errorf("another tenant's checklist shows %+v", it)
			}
		}
	})
}
