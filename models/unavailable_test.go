package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// TestErrUnavailable: with PostgreSQL cut off (a TCP proxy that drops every
// connection), every kind of call — a read, a tenant read, a change in a
// transaction, a ping — fails with models.ErrUnavailable; answers from a
// database that is up (not found, conflict) never do.
func TestErrUnavailable(t *testing.T) {
	url := modelstest.NewURL(t)
	proxy := testenv.StartProxy(t, "127.0.0.1:5432")
	proxied := strings.Replace(url, "127.0.0.1:5432", proxy.Addr, 1)
	if proxied == url {
		t.Fatal("test database is not on 127.0.0.1:5432")
	}
	db := modelstest.Open(t, proxied)
	tn := modelstest.Tenant(t, db, "highfives")
	ctx := context.Background()

	_, err := db.TenantBySlug(ctx, "nobody")
	if !errors.Is(err, models.ErrNotFound) || errors.Is(err, models.ErrUnavailable) {
		t.Fatalf("database up, unknown slug: %v", err)
	}
	_, err = db.CreateTenant(ctx, models.NewTenant{Slug: "highfives", Name: "Again", Theme: "default"})
	if !errors.Is(err, models.ErrConflict) || errors.Is(err, models.ErrUnavailable) {
		t.Fatalf("database up, duplicate slug: %v", err)
	}

	proxy.Cut()
	defer proxy.Restore()
	store := db.ForTenant(ctx, tn.ID)
	for _, c := range []struct {
		name string
		call func() error
	}{
		{"ping", func() error { return db.Ping(ctx) }},
		{"tenant by slug", func() error { _, err := db.TenantBySlug(ctx, "highfives"); return err }},
		{"tenant settings", func() error { _, err := store.Settings(); return err }},
		{"published pages", func() error { _, err := store.PublishedPages(); return err }},
		{"put page (a change)", func() error {
			_, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "x"})
			return err
		}},
	} {
		if err := c.call(); !errors.Is(err, models.ErrUnavailable) {
			t.Errorf("%s with the database down: %v, want ErrUnavailable", c.name, err)
		}
	}
}
