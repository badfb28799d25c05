package auth_test

import (
	"context"
	"errors"
	"testing"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// A member removed from one tenant loses the sessions made on it and keeps
// those of other tenants.
func TestDeleteUserOnTenant(t *testing.T) {
	bothStores(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		other := modelstest.Tenant(t, f.db, "beta").ID
		here, _, err := f.sessions.Create(ctx, f.alice, f.tenant)
		if err != nil {
			t.Fatal(err)
		}
		there, _, err := f.sessions.Create(ctx, f.alice, other)
		if err != nil {
			t.Fatal(err)
		}
		bobs, _, err := f.sessions.Create(ctx, f.bob, f.tenant)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.sessions.DeleteUserOnTenant(ctx, f.alice, f.tenant); err != nil {
			t.Fatal(err)
		}
		if _, err := f.sessions.Lookup(ctx, here); !errors.Is(err, auth.ErrNoSession) {
			t.Errorf("alice's session on the tenant survived: %v", err)
		}
		if _, err := f.sessions.Lookup(ctx, there); err != nil {
			t.Errorf("alice's session on another tenant ended: %v", err)
		}
		if _, err := f.sessions.Lookup(ctx, bobs); err != nil {
			t.Errorf("bob's session ended: %v", err)
		}
	})
}
