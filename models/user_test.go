package models_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestUsersAndMemberships(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := modelstest.Tenant(t, db, "alpha")
		b := modelstest.Tenant(t, db, "beta")
		u, err := db.CreateUser(ctx, models.NewUser{Email: " Jane.Smith@Example.NHS.uk ", PasswordHash: "h", TenantID: a.ID, Role: models.RoleManager})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "jane.smith@example.nhs.uk" {
			t.Errorf("email stored as %q, want lower-cased", u.Email)
		}
		if _, err := db.CreateUser(ctx, models.NewUser{Email: "JANE.SMITH@example.nhs.uk", PasswordHash: "h", TenantID: b.ID, Role: models.RoleEditor}); !errors.Is(err, models.ErrConflict) {
			t.Errorf("second account for one email: %v, want ErrConflict", err)
		}
		for _, in := range []models.NewUser{
			{Email: "not an email", PasswordHash: "h", TenantID: a.ID, Role: models.RoleEditor},
			{Email: "x@example.nhs.uk", PasswordHash: "h", TenantID: a.ID, Role: "owner"},
			{Email: "x@example.nhs.uk", TenantID: a.ID, Role: models.RoleEditor},
		} {
			if _, err := db.CreateUser(ctx, in); !errors.Is(err, models.ErrInvalid) {
				t.Errorf("CreateUser(%+v) = %v, want a validation error", in, err)
			}
		}
		got, err := db.UserByEmail(ctx, "JANE.smith@example.nhs.uk")
		if err != nil || got.ID != u.ID {
			t.Fatalf("UserByEmail = %+v, %v", got, err)
		}
		m, err := db.ForTenant(ctx, a.ID).Membership(u.ID)
		if err != nil || m.Role != models.RoleManager {
			t.Errorf("membership of alpha = %+v, %v", m, err)
		}
		if _, err := db.ForTenant(ctx, b.ID).Membership(u.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("membership of beta = %v, want ErrNotFound", err)
		}
	})
}

func TestPlatformSecretIsSharedAndStable(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		first, err := db.PlatformSecret(ctx, "csrf", func() []byte { return []byte("first-secret") })
		if err != nil {
			t.Fatal(err)
		}
		second, err := db.PlatformSecret(ctx, "csrf", func() []byte { return []byte("second-secret") })
		if err != nil || !bytes.Equal(first, second) || string(first) != "first-secret" {
			t.Errorf("secret = %q then %q (%v); want the first one kept", first, second, err)
		}
	})
}

func TestAuditLogIsTenantScoped(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := modelstest.Tenant(t, db, "alpha")
		b := modelstest.Tenant(t, db, "beta")
		u, _ := db.CreateUser(ctx, models.NewUser{Email: "jane@example.nhs.uk", PasswordHash: "h", TenantID: a.ID, Role: models.RoleEditor})
		if err := db.ForTenant(ctx, a.ID).Audit(u.ID, u.Email, models.AuditPagePublish, "/about"); err != nil {
			t.Fatal(err)
		}
		log, err := db.ForTenant(ctx, a.ID).AuditLog(10)
		if err != nil || len(log) != 1 || log[0].Action != models.AuditPagePublish || log[0].Subject != "/about" || log[0].UserEmail != u.Email || *log[0].UserID != u.ID {
			t.Errorf("alpha's log = %+v, %v", log, err)
		}
		if log, _ := db.ForTenant(ctx, b.ID).AuditLog(10); len(log) != 0 {
			t.Errorf("beta sees alpha's audit log: %+v", log)
		}
	})
}
