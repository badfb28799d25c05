package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/ods"
	"github.com/pcnweb/pcnweb/internal/ods/odstest"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// consoleDialects runs a test on PostgreSQL and on SQLite: migration 00013
// rebuilds SQLite's sessions table, and the aggregate times differ.
func consoleDialects(t *testing.T, run func(t *testing.T, db *models.DB)) {
	t.Run("postgres", func(t *testing.T) { run(t, modelstest.NewDB(t)) })
	t.Run("sqlite", func(t *testing.T) { run(t, modelstest.NewSQLite(t)) })
}

func TestOperatorAccountsAndAudit(t *testing.T) {
	consoleDialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		op, err := db.CreateOperator(ctx, "Op@Example.nhs.uk", "hash")
		if err != nil || !op.IsOperator || op.Email != "op@example.nhs.uk" {
			t.Fatalf("CreateOperator: %+v, %v", op, err)
		}
		if _, err := db.CreateOperator(ctx, "op@example.nhs.uk", "hash"); !errors.Is(err, models.ErrConflict) {
			t.Errorf("second operator with the same email: %v, want ErrConflict", err)
		}
		// A console session belongs to no tenant (tenant_id 0).
		if err := db.CreateConsoleSignInSession(ctx, models.SignInSession{TokenHash: "h", UserID: op.ID, CSRFToken: "c",
			CreatedAt: time.Now(), LastSeenAt: time.Now()}); err != nil {
			t.Fatalf("console session: %v", err)
		}
		a := modelstest.Tenant(t, db, "alpha")
		b := modelstest.Tenant(t, db, "beta")
		for _, tn := range []*models.Tenant{&a, &b, nil} {
			if err := db.OperatorAudit(ctx, op, "tenant.suspend", tn, "subject", "  because  "); err != nil {
				t.Fatal(err)
			}
		}
		all, err := db.OperatorAuditLogForTenantID(ctx, 0, 10)
		if err != nil || len(all) != 3 {
			t.Fatalf("log: %d, %v", len(all), err)
		}
		if all[0].TenantID != nil || all[0].Why != "because" || all[0].UserEmail != "op@example.nhs.uk" {
			t.Errorf("newest entry %+v: want the platform-wide one, reason trimmed", all[0])
		}
		of, err := db.OperatorAuditLogForTenantID(ctx, a.ID, 10)
		if err != nil || len(of) != 1 || of[0].TenantSlug != "alpha" {
			t.Errorf("log of alpha: %+v, %v", of, err)
		}
		if err := models.ValidateWhy(" "); err == nil {
			t.Error("an empty reason is accepted")
		}
	})
}

func TestLastPublished(t *testing.T) {
	consoleDialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := modelstest.Tenant(t, db, "alpha")
		b := modelstest.Tenant(t, db, "beta")
		before := time.Now().Add(-time.Second)
		if _, err := db.ForTenant(ctx, a.ID).PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "x"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ForTenant(ctx, b.ID).PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/draft", Title: "Draft", BodyMD: "x", Draft: true}); err != nil {
			t.Fatal(err)
		}
		last, err := db.LastPublished(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if at, ok := last[a.ID]; !ok || at.Before(before) || at.After(time.Now().Add(time.Second)) {
			t.Errorf("alpha last published %v (%v), want about now", at, ok)
		}
		if _, ok := last[b.ID]; ok {
			t.Error("beta has only a draft, but has a last publish")
		}
	})
}

func TestDomainChecks(t *testing.T) {
	consoleDialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := modelstest.Tenant(t, db, "alpha", "www.alpha.example", "alpha.example")
		b := modelstest.Tenant(t, db, "beta", "www.beta.example")
		checks, err := db.DomainChecksForTenantID(ctx, a.ID)
		if err != nil || len(checks) != 2 {
			t.Fatalf("checks: %+v, %v", checks, err)
		}
		again, _ := db.DomainChecksForTenantID(ctx, a.ID)
		for i := range checks {
			if checks[i].Token == "" || checks[i].Token != again[i].Token || checks[i].Verified() {
				t.Errorf("domain %s: token %q then %q, verified %v", checks[i].Host, checks[i].Token, again[i].Token, checks[i].Verified())
			}
		}
		now := time.Now()
		if err := db.RecordDomainCheckForTenantID(ctx, a.ID, "alpha.example", false, now); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordDomainCheckForTenantID(ctx, a.ID, "www.alpha.example", true, now); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordDomainCheckForTenantID(ctx, a.ID, "www.beta.example", true, now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("checking another tenant's domain: %v, want ErrNotFound", err)
		}
		c, _ := db.DomainCheckForTenantID(ctx, a.ID, "www.alpha.example")
		if !c.Verified() || c.CheckedAt == nil {
			t.Errorf("www.alpha.example: %+v, want verified", c)
		}
		if c, _ := db.DomainCheckForTenantID(ctx, a.ID, "alpha.example"); c.Verified() || c.CheckedAt == nil {
			t.Errorf("alpha.example: %+v, want checked, not verified", c)
		}
		if _, err := db.DomainCheckForTenantID(ctx, a.ID, "www.beta.example"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another tenant's domain: %v", err)
		}
		if err := db.SetPrimaryDomainForTenantID(ctx, a.ID, "alpha.example"); err != nil {
			t.Fatal(err)
		}
		if err := db.SetPrimaryDomainForTenantID(ctx, a.ID, "www.beta.example"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("making another tenant's domain primary: %v", err)
		}
		got, _ := db.TenantByID(ctx, a.ID)
		if got.PrimaryDomain() != "alpha.example" || got.Generation <= a.Generation {
			t.Errorf("primary %q, generation %d→%d", got.PrimaryDomain(), a.Generation, got.Generation)
		}
		if gb, _ := db.TenantByID(ctx, b.ID); gb.PrimaryDomain() != "" {
			t.Errorf("beta's primary changed to %q", gb.PrimaryDomain())
		}
	})
}

// consoleOpenPCN returns an open PCN of the real files that has members.
func consoleOpenPCN(t *testing.T, data *ods.Data) (ods.PCN, int) {
	t.Helper()
	members := map[string]int{}
	for _, m := range data.Memberships {
		if m.CurrentOn(time.Now()) {
			members[m.PCNCode]++
		}
	}
	for _, p := range data.PCNs {
		if p.OpenOn(time.Now()) && members[p.Code] > 0 {
			return p, members[p.Code]
		}
	}
	t.Fatal("no open PCN with members in the ODS files")
	return ods.PCN{}, 0
}

func TestImportODSPCN(t *testing.T) {
	data, err := ods.Load(odstest.Files(t))
	if err != nil {
		t.Fatal(err)
	}
	db := modelstest.NewDB(t)
	ctx := context.Background()
	other := modelstest.Tenant(t, db, "other")
	pcn, n := consoleOpenPCN(t, data)
	tn, rep, err := db.ImportODSPCN(ctx, data, " "+pcn.Code+" ", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if tn.ODSCode != pcn.Code || tn.Name != ods.Title(pcn.Name) || rep.TenantsCreated != 1 || rep.PracticesCreated == 0 || rep.PracticesCreated > n {
		t.Errorf("tenant %+v, report %+v (PCN %s with %d members)", tn, rep, pcn.Code, n)
	}
	ts, _ := db.ListTenants(ctx)
	if len(ts) != 2 {
		t.Errorf("%d tenants, want the imported one and the other only", len(ts))
	}
	// Again: nothing new.
	if _, rep, err := db.ImportODSPCN(ctx, data, pcn.Code, time.Now()); err != nil || rep.TenantsCreated != 0 || rep.PracticesCreated != 0 {
		t.Errorf("second import: %+v, %v", rep, err)
	}
	if got, _ := db.TenantByID(ctx, other.ID); got.Generation != other.Generation {
		t.Error("the import touched another tenant")
	}
	var ve *models.ValidationError
	if _, _, err := db.ImportODSPCN(ctx, data, "U00000", time.Now()); !errors.As(err, &ve) || ve.Field != "ods_code" {
		t.Errorf("unknown code: %v", err)
	}
}
