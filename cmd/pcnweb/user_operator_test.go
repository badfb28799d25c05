package main

import (
	"context"
	"testing"

	"github.com/pcnweb/pcnweb/models/modelstest"
)

// `pcnweb user add --operator` makes an operator who is a member of no
// tenant, with the password from stdin.
func TestUserAddOperator(t *testing.T) {
	dbURL := modelstest.NewURL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "LOG_LEVEL": "warn"}
	mustCLI(t, env, "", "tenant", "create", "--slug", "alpha", "--name", "Alpha PCN")
	out := mustCLI(t, env, "correct horse battery staple\n", "user", "add", "--operator", "--email", "Op@Example.nhs.uk")
	if out != "created operator op@example.nhs.uk (two-factor authentication is set up at the first sign-in to the console)\n" {
		t.Errorf("output %q", out)
	}
	db := modelstest.Open(t, dbURL)
	ctx := context.Background()
	u, err := db.UserByEmail(ctx, "op@example.nhs.uk")
	if err != nil {
		t.Fatal(err)
	}
	if !u.IsOperator || u.TOTPEnabled {
		t.Errorf("operator %+v: want an operator without two-factor yet", u)
	}
	tn, _ := db.TenantBySlug(ctx, "alpha")
	if _, err := db.ForTenant(ctx, tn.ID).Membership(u.ID); err == nil {
		t.Error("the operator is a member of a tenant")
	}
}
