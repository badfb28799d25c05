package demo

import (
	"context"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestSeed(t *testing.T) {
	ctx := context.Background()
	db := modelstest.NewSQLite(t)
	n, err := Seed(ctx, db)
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	if n != 3 {
		t.Fatalf("Seed created %d tenants, want 3", n)
	}
	list, err := db.ListTenants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 {
		t.Fatalf("%d tenants in the store, want 3", len(list))
	}
	stores := map[string]*models.TenantDB{}
	for _, tn := range list {
		stores[tn.Slug] = db.ForTenant(ctx, tn.ID)
	}
	hf := stores["highfives"]
	if hf == nil {
		t.Fatal("no highfives tenant")
	}
	now := time.Now()

	practices, err := hf.Practices()
	if err != nil {
		t.Fatal(err)
	}
	if len(practices) < 5 {
		t.Errorf("highfives has %d practices, want at least 5", len(practices))
	}
	for _, p := range practices {
		open := false
		for _, day := range p.Week() {
			open = open || len(day) > 0
		}
		if !open {
			t.Errorf("practice %s has no readable hours", p.ODSCode)
		}
	}

	services, err := hf.Services()
	if err != nil {
		t.Fatal(err)
	}
	if len(services) < 6 {
		t.Errorf("highfives has %d services, want at least 6", len(services))
	}

	published, err := hf.PublishedPosts(now, 0)
	if err != nil {
		t.Fatal(err)
	}
	all, err := hf.PublishedPosts(now.AddDate(0, 0, 30), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 4 {
		t.Errorf("highfives has %d posts, want at least 4", len(all))
	}
	if len(all)-len(published) != 1 {
		t.Errorf("%d of %d posts are scheduled, want exactly 1", len(all)-len(published), len(all))
	}
	if next, err := hf.NextPostPublish(now); err != nil || next.IsZero() {
		t.Errorf("NextPostPublish = %v, %v; want the scheduled post", next, err)
	}

	vacancies, err := hf.Vacancies(now)
	if err != nil {
		t.Fatal(err)
	}
	var open, closed int
	y, m, d := now.Date()
	for _, v := range vacancies {
		if v.OpenOn(y, m, d) {
			open++
		} else {
			closed++
		}
	}
	if open < 1 || closed < 1 {
		t.Errorf("highfives has %d open and %d closed vacancies, want at least 1 of each", open, closed)
	}

	sessions, err := hf.EASessions()
	if err != nil {
		t.Fatal(err)
	}
	if len(sessions) < 2 {
		t.Errorf("highfives has %d sessions, want at least 2", len(sessions))
	}

	// The generated legal pages show for highfives; riverside overrides its privacy notice.
	for _, path := range []string{"/accessibility", "/privacy", "/cookies"} {
		if _, err := hf.PublishedPage(path); err == nil {
			t.Errorf("highfives has a custom %s page that hides the generated one", path)
		}
	}
	if _, err := stores["riverside"].PublishedPage("/privacy"); err != nil {
		t.Errorf("riverside /privacy: %v", err)
	}
	if items, err := stores["moorland"].NavItems(); err != nil || len(items) != 5 {
		t.Errorf("moorland nav: %d items, %v; want 5", len(items), err)
	}

	again, err := Seed(ctx, db)
	if err != nil || again != 0 {
		t.Fatalf("second Seed = %d, %v; want 0, nil", again, err)
	}
	if list, _ := db.ListTenants(ctx); len(list) != 3 {
		t.Errorf("after a second Seed: %d tenants, want 3", len(list))
	}
	if ps, _ := hf.Practices(); len(ps) != len(practices) {
		t.Errorf("after a second Seed: %d practices, want %d", len(ps), len(practices))
	}
}

func TestSeedAccounts(t *testing.T) {
	ctx := context.Background()
	db := modelstest.NewSQLite(t)
	if _, err := Seed(ctx, db); err != nil {
		t.Fatal(err)
	}
	if _, err := SeedAccounts(ctx, db, "short"); err == nil {
		t.Error("a weak demo password was accepted")
	}
	n, err := SeedAccounts(ctx, db, DefaultPassword)
	if err != nil || n != len(Accounts) {
		t.Fatalf("SeedAccounts: %d, %v; want %d", n, err, len(Accounts))
	}
	for _, a := range Accounts {
		u, err := db.UserByEmail(ctx, a.Email)
		if err != nil {
			t.Fatalf("%s: %v", a.Email, err)
		}
		if ok, _, err := auth.VerifyPassword(u.PasswordHash, DefaultPassword); !ok || err != nil {
			t.Errorf("%s: the demo password does not sign in (%v)", a.Email, err)
		}
		tn, _ := db.TenantBySlug(ctx, a.Tenant)
		m, err := db.ForTenant(ctx, tn.ID).Membership(u.ID)
		if err != nil || m.Role != a.Role {
			t.Errorf("%s on %s: role %q, %v; want %q", a.Email, a.Tenant, m.Role, err, a.Role)
		}
	}
	if n, err := SeedAccounts(ctx, db, "another-long-demo-password"); err != nil || n != 0 {
		t.Errorf("second SeedAccounts created %d (%v); existing accounts must be kept", n, err)
	}
}

func TestOperatorRecoveryCode(t *testing.T) {
	ctx := context.Background()
	db := modelstest.NewSQLite(t)
	if _, err := SeedAccounts(ctx, db, DefaultPassword); err != nil {
		t.Fatal(err)
	}
	for run := 0; run < 2; run++ { // each start prints a fresh code
		code, err := OperatorRecoveryCode(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		u, err := db.UserByEmail(ctx, Operator)
		if err != nil || !u.TOTPEnabled {
			t.Fatalf("run %d: two-factor not on: %+v %v", run, u, err)
		}
		for i, want := range []bool{true, false} { // works once
			if ok, err := db.UseRecoveryCode(ctx, u.ID, auth.HashRecoveryCode(code)); ok != want || err != nil {
				t.Errorf("run %d, use %d of %q: %v %v, want %v", run, i+1, code, ok, err, want)
			}
		}
	}
}
