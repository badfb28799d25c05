package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/models"
)

// DefaultPassword is the demo accounts' password when PCNWEB_DEMO_PASSWORD
// is not set. The demo is for trying pcnweb out on one machine: a real
// deployment never runs `serve --demo`.
const DefaultPassword = "try-the-pcnweb-demo"

// Account is a demo sign-in.
type Account struct {
	Email  string
	Tenant string // slug
	Role   models.Role
}

// Accounts are the demo's sign-ins: a manager for every demo tenant and an
// editor for High Fives, to show what an editor may not do.
var Accounts = []Account{
	{"manager@highfives.example", "highfives", models.RoleManager},
	{"editor@highfives.example", "highfives", models.RoleEditor},
	{"manager@riverside.example", "riverside", models.RoleManager},
	{"manager@moorland.example", "moorland", models.RoleManager},
}

// Operator is the demo's operator account, for the operators' console on
// the console host (console.localhost). It has no two-factor authentication
// yet: the console makes it set that up at its first sign-in.
const Operator = "operator@pcnweb.example"

// SeedAccounts creates the demo accounts that do not exist yet, with
// password, on the demo tenants that exist, and the demo operator; it
// reports how many tenant accounts it created. Existing accounts keep their
// password.
func SeedAccounts(ctx context.Context, db *models.DB, password string) (int, error) {
	if err := auth.CheckPassword(password, ""); err != nil {
		return 0, fmt.Errorf("demo password: %w", err)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return 0, err
	}
	if _, err := db.UserByEmail(ctx, Operator); errors.Is(err, models.ErrNotFound) {
		if _, err := db.CreateOperator(ctx, Operator, hash); err != nil {
			return 0, fmt.Errorf("demo operator: %w", err)
		}
	} else if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range Accounts {
		if _, err := db.UserByEmail(ctx, a.Email); err == nil {
			continue
		} else if !errors.Is(err, models.ErrNotFound) {
			return n, err
		}
		t, err := db.TenantBySlug(ctx, a.Tenant)
		if errors.Is(err, models.ErrNotFound) {
			continue // not a demo store
		} else if err != nil {
			return n, err
		}
		if _, err := db.CreateUser(ctx, models.NewUser{Email: a.Email, PasswordHash: hash, TenantID: t.ID, Role: a.Role}); err != nil {
			return n, fmt.Errorf("demo account %s: %w", a.Email, err)
		}
		n++
	}
	return n, nil
}

// OperatorRecoveryCode gives the demo operator a fresh recovery code, so the
// console can be tried without an authenticator app: it signs the operator
// in once, in place of a two-factor code. An operator without two-factor
// gets it turned on with a secret nobody holds; an operator with it keeps
// the secret, and their recovery codes are replaced by this one.
func OperatorRecoveryCode(ctx context.Context, db *models.DB) (string, error) {
	u, err := db.UserByEmail(ctx, Operator)
	if err != nil {
		return "", fmt.Errorf("demo operator: %w", err)
	}
	if !u.TOTPEnabled {
		if err := db.SetTOTPSecret(ctx, u.ID, auth.NewTOTPSecret()); err != nil {
			return "", fmt.Errorf("demo operator: %w", err)
		}
	}
	code := auth.NewRecoveryCodes(1)[0]
	if err := db.EnableTOTP(ctx, u.ID, u.TOTPLastStep, []string{auth.HashRecoveryCode(code)}); err != nil {
		return "", fmt.Errorf("demo operator: %w", err)
	}
	return code, nil
}
