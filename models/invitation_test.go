package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// testPeopleUser creates an account that is a member of tn.
func testPeopleUser(t *testing.T, db *models.DB, tn models.Tenant, email string, role models.Role) models.User {
	t.Helper()
	u, err := db.CreateUser(context.Background(), models.NewUser{Email: email, PasswordHash: "x", TenantID: tn.ID, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func testPeopleField(err error) string {
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return ve.Field
	}
	return ""
}

func TestInvitationLifecycle(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a, b := modelstest.Tenant(t, db, "alpha"), modelstest.Tenant(t, db, "beta")
		alpha, beta := db.ForTenant(ctx, a.ID), db.ForTenant(ctx, b.ID)
		boss := testPeopleUser(t, db, a, "boss@example.nhs.uk", models.RoleManager)
		testPeopleUser(t, db, b, "bob@example.nhs.uk", models.RoleManager)
		now := time.Now()

		inv, err := alpha.Invite(" New@Example.nhs.uk ", models.RoleEditor, boss, "hash-1", now)
		if err != nil || inv.Email != "new@example.nhs.uk" || inv.ExpiresAt.Sub(now.UTC()) != models.InvitationTTL {
			t.Fatalf("invite: %+v %v", inv, err)
		}
		for _, tt := range []struct {
			email string
			role  models.Role
			field string
		}{
			{"new@example.nhs.uk", models.RoleEditor, "email"},  // already invited
			{"boss@example.nhs.uk", models.RoleEditor, "email"}, // already a member
			{"not an email", models.RoleEditor, "email"},
			{"x@example.nhs.uk", "owner", "role"},
		} {
			if _, err := alpha.Invite(tt.email, tt.role, boss, "hash-x", now); testPeopleField(err) != tt.field {
				t.Errorf("invite %q %q: %v, want a message for %s", tt.email, tt.role, err, tt.field)
			}
		}

		// Another tenant neither sees nor uses alpha's invitation.
		if _, err := beta.InvitationByToken("hash-1", now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta finds alpha's token: %v", err)
		}
		if _, err := beta.AcceptInvitation("hash-1", "pw", "", now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta accepts alpha's token: %v", err)
		}
		if err := beta.CancelInvitation(testActor, inv.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta cancels alpha's invitation: %v", err)
		}
		if _, err := beta.ResendInvitation(testActor, inv.ID, "hash-evil", now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta resends alpha's invitation: %v", err)
		}

		// Resend: a new link, the old one is dead.
		if _, err := alpha.ResendInvitation(testActor, inv.ID, "hash-2", now); err != nil {
			t.Fatal(err)
		}
		if _, err := alpha.InvitationByToken("hash-1", now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("old link after resend: %v", err)
		}
		if _, err := alpha.InvitationByToken("hash-2", now.Add(models.InvitationTTL)); !errors.Is(err, models.ErrInvitationExpired) {
			t.Errorf("link after 7 days: %v", err)
		}

		// Accept with a new account: a member with the invited role, once.
		u, err := alpha.AcceptInvitation("hash-2", "new-hash", "New Person", now)
		if err != nil || u.Email != "new@example.nhs.uk" {
			t.Fatalf("accept: %+v %v", u, err)
		}
		if m, err := alpha.Membership(u.ID); err != nil || m.Role != models.RoleEditor {
			t.Errorf("membership after accept: %+v %v", m, err)
		}
		if _, err := alpha.AcceptInvitation("hash-2", "new-hash", "", now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("second accept: %v", err)
		}

		// An existing account (a member of beta) accepts without a new password.
		if _, err := alpha.Invite("bob@example.nhs.uk", models.RoleManager, boss, "hash-3", now); err != nil {
			t.Fatal(err)
		}
		bob, err := alpha.AcceptInvitation("hash-3", "", "", now)
		if err != nil || bob.Email != "bob@example.nhs.uk" {
			t.Fatalf("accept by an existing account: %+v %v", bob, err)
		}
		if m, err := alpha.Membership(bob.ID); err != nil || m.Role != models.RoleManager {
			t.Errorf("bob's membership of alpha: %+v %v", m, err)
		}
		if m, err := beta.Membership(bob.ID); err != nil || m.Role != models.RoleManager {
			t.Errorf("bob's membership of beta changed: %+v %v", m, err)
		}

		// Cancel: the link stops working.
		if _, err := alpha.Invite("gone@example.nhs.uk", models.RoleEditor, boss, "hash-4", now); err != nil {
			t.Fatal(err)
		}
		list, _ := alpha.Invitations()
		if len(list) != 1 || list[0].Email != "gone@example.nhs.uk" {
			t.Fatalf("pending invitations: %+v", list)
		}
		if err := alpha.CancelInvitation(testActor, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := alpha.InvitationByToken("hash-4", now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("cancelled link: %v", err)
		}

		ms, err := alpha.Members()
		if err != nil || len(ms) != 3 {
			t.Fatalf("members: %+v %v", ms, err)
		}
		if bs, _ := beta.Members(); len(bs) != 1 {
			t.Errorf("beta's members: %+v", bs)
		}
	})
}

func TestMemberRoleAndRemoval(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a, b := modelstest.Tenant(t, db, "alpha"), modelstest.Tenant(t, db, "beta")
		alpha, beta := db.ForTenant(ctx, a.ID), db.ForTenant(ctx, b.ID)
		boss := testPeopleUser(t, db, a, "boss@example.nhs.uk", models.RoleManager)
		ed := testPeopleUser(t, db, a, "ed@example.nhs.uk", models.RoleEditor)

		for i := 0; i < 2; i++ {
			if err := alpha.Audit(boss.ID, boss.Email, models.AuditSignIn, ""); err != nil {
				t.Fatal(err)
			}
		}
		if err := beta.Audit(ed.ID, ed.Email, models.AuditSignIn, ""); err != nil {
			t.Fatal(err)
		}
		ms, err := alpha.Members()
		if err != nil || len(ms) != 2 || ms[0].Email != "boss@example.nhs.uk" || ms[0].LastSignIn == nil || ms[1].LastSignIn != nil {
			t.Errorf("members with last sign-in: %+v %v", ms, err)
		}
		if err := alpha.ChangeRole(testActor, boss.ID, models.RoleManager, models.RoleEditor); testPeopleField(err) != "role" {
			t.Errorf("demoting the only manager: %v", err)
		}
		if err := alpha.RemoveMember(models.Actor{UserID: ed.ID, Name: "test"}, boss.ID); testPeopleField(err) != "remove" {
			t.Errorf("removing the only manager: %v", err)
		}
		if err := alpha.RemoveMember(models.Actor{UserID: boss.ID, Name: "test"}, boss.ID); testPeopleField(err) != "remove" {
			t.Errorf("removing yourself: %v", err)
		}
		if err := beta.ChangeRole(testActor, ed.ID, models.RoleEditor, models.RoleManager); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta changes alpha's member: %v", err)
		}
		if err := beta.RemoveMember(testActor, ed.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta removes alpha's member: %v", err)
		}
		if err := alpha.ChangeRole(testActor, ed.ID, models.RoleManager, models.RoleManager); !errors.Is(err, models.ErrStale) {
			t.Errorf("role change from a stale page: %v", err)
		}
		if err := alpha.ChangeRole(testActor, ed.ID, models.RoleEditor, models.RoleManager); err != nil {
			t.Fatal(err)
		}
		if err := alpha.ChangeRole(testActor, boss.ID, models.RoleManager, models.RoleEditor); err != nil {
			t.Errorf("demoting a manager when another is left: %v", err)
		}
		if err := alpha.RemoveMember(models.Actor{UserID: ed.ID, Name: "test"}, boss.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := alpha.Membership(boss.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("membership after removal: %v", err)
		}
		if _, err := db.UserByID(ctx, boss.ID); err != nil {
			t.Errorf("the account itself is kept: %v", err)
		}
	})
}
