package webtest

import (
	"context"
	"testing"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// Password is the password of every account the tests make.
const Password = "correct horse battery staple"

// PasswordHash is Password, hashed for storing.
func PasswordHash(t testing.TB) string {
	t.Helper()
	h, err := auth.HashPassword(Password)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// Tenant creates a tenant with the given hosts and an About page (/about,
// "About <slug>") whose text is about; the page is written by "test".
func Tenant(t testing.TB, db *models.DB, slug, about string, domains ...string) models.Tenant {
	t.Helper()
	tn := modelstest.Tenant(t, db, slug, domains...)
	if _, err := db.ForTenant(context.Background(), tn.ID).PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About " + slug, BodyMD: about}); err != nil {
		t.Fatal(err)
	}
	return tn
}

// Member creates a user of tn with role and Password.
func Member(t testing.TB, db *models.DB, tn models.Tenant, email string, role models.Role) models.User {
	t.Helper()
	u, err := db.CreateUser(context.Background(), models.NewUser{Email: email, PasswordHash: PasswordHash(t), TenantID: tn.ID, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	return u
}
