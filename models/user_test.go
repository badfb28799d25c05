package models_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

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

func TestTwoFactorAndPasswordReset(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := modelstest.Tenant(t, db, "alpha")
		u, err := db.CreateUser(ctx, models.NewUser{Email: "jane@example.nhs.uk", PasswordHash: "h", TenantID: a.ID, Role: models.RoleManager})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetTOTPSecret(ctx, u.ID, "SECRET"); err != nil {
			t.Fatal(err)
		}
		if err := db.EnableTOTP(ctx, u.ID, 100, []string{"h1", "h2"}); err != nil {
			t.Fatal(err)
		}
		got, _ := db.UserByID(ctx, u.ID)
		if !got.TOTPEnabled || got.TOTPSecret != "SECRET" || got.TOTPLastStep != 100 {
			t.Fatalf("after enable: %+v", got)
		}
		if ok, err := db.UseTOTPStep(ctx, u.ID, 100); ok || err != nil {
			t.Errorf("replayed step accepted: %v %v", ok, err)
		}
		if ok, err := db.UseTOTPStep(ctx, u.ID, 101); !ok || err != nil {
			t.Errorf("next step refused: %v %v", ok, err)
		}
		if ok, _ := db.UseRecoveryCode(ctx, u.ID, "h1"); !ok {
			t.Error("recovery code refused")
		}
		if ok, _ := db.UseRecoveryCode(ctx, u.ID, "h1"); ok {
			t.Error("recovery code accepted twice")
		}
		if err := db.DisableTOTP(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.UserByID(ctx, u.ID); got.TOTPEnabled || got.TOTPSecret != "" {
			t.Errorf("after disable: %+v", got)
		}
		if ok, _ := db.UseRecoveryCode(ctx, u.ID, "h2"); ok {
			t.Error("recovery code survived disabling")
		}

		now := time.Now().UTC()
		if err := db.CreatePasswordResetForTenantID(ctx, u.ID, a.ID, "t1", now, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := db.CreatePasswordResetForTenantID(ctx, u.ID, a.ID, "t2", now, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PasswordResetByTokenForTenantID(ctx, "t1", a.ID, now.Add(time.Hour)); !errors.Is(err, models.ErrResetUnusable) {
			t.Errorf("expired link: %v", err)
		}
		if _, err := db.PasswordResetByTokenForTenantID(ctx, "nope", a.ID, now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown link: %v", err)
		}
		if r, err := db.ResetPasswordForTenantID(ctx, "t1", a.ID, "new", now); err != nil || r.PasswordHash != "new" {
			t.Fatalf("reset: %+v %v", r, err)
		}
		for _, tok := range []string{"t1", "t2"} {
			if _, err := db.ResetPasswordForTenantID(ctx, tok, a.ID, "again", now); !errors.Is(err, models.ErrResetUnusable) {
				t.Errorf("link %s after a reset: %v", tok, err)
			}
		}
	})
}

// A reset link works only on the tenant it was asked for on, and only
// while its user is a member there.
func TestPasswordResetBoundToTenant(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a, b := modelstest.Tenant(t, db, "alpha"), modelstest.Tenant(t, db, "beta")
		u, err := db.CreateUser(ctx, models.NewUser{Email: "jane@example.nhs.uk", PasswordHash: "h", TenantID: a.ID, Role: models.RoleManager})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		if err := db.CreatePasswordResetForTenantID(ctx, u.ID, b.ID, "asked-on-beta", now, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PasswordResetByTokenForTenantID(ctx, "asked-on-beta", a.ID, now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta's link looked up on alpha: %v, want ErrNotFound", err)
		}
		if _, err := db.ResetPasswordForTenantID(ctx, "asked-on-beta", a.ID, "stolen", now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta's link used on alpha: %v, want ErrNotFound", err)
		}
		if got, _ := db.UserByID(ctx, u.ID); got.PasswordHash != "h" {
			t.Fatalf("the password changed: %q", got.PasswordHash)
		}
		if _, err := db.PasswordResetByTokenForTenantID(ctx, "asked-on-beta", b.ID, now); err != nil {
			t.Errorf("beta's link on beta: %v", err)
		}
		// jane is no member of beta (any more): the link does nothing there either.
		if _, err := db.ResetPasswordForTenantID(ctx, "asked-on-beta", b.ID, "not-a-member", now); !errors.Is(err, models.ErrResetUnusable) {
			t.Errorf("link of a non-member: %v, want ErrResetUnusable", err)
		}
	})
}
