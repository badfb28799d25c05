package models_test

import (
	"context"
	"errors"
	"testing"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func servicesFieldOf(err error) string {
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return ve.Field
	}
	return ""
}

func TestServiceByIDLifecycle(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		b := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)

		first, err := a.SaveService(testActor, 0, 0, models.Service{Name: "Social prescribing", BodyMD: "**Help**", Published: true})
		if err != nil {
			t.Fatal(err)
		}
		if first.ID == 0 || first.Slug != "social-prescribing" || first.Version != 1 || first.BodyHTML == "" {
			t.Fatalf("created %+v", first)
		}
		second, err := a.SaveService(testActor, 0, 0, models.Service{Name: "Pharmacists"})
		if err != nil {
			t.Fatal(err)
		}
		if second.SortOrder <= first.SortOrder {
			t.Errorf("a new service is not last: %d after %d", second.SortOrder, first.SortOrder)
		}

		// The same slug in another tenant is fine; in this one it is refused.
		if _, err := b.SaveService(testActor, 0, 0, models.Service{Name: "Pharmacists"}); err != nil {
			t.Errorf("beta's own pharmacists: %v", err)
		}
		if _, err := a.SaveService(testActor, first.ID, first.Version, models.Service{Name: "X", Slug: "pharmacists"}); servicesFieldOf(err) != "slug" {
			t.Errorf("taken slug: %v", err)
		}

		// Edit from the current version; a second edit from the old one is stale.
		saved, err := a.SaveService(testActor, first.ID, first.Version, models.Service{Name: "Social prescribing team", Slug: "social-prescribing", SelfReferral: true})
		if err != nil || saved.Version != 2 || !saved.SelfReferral || saved.Published || saved.SortOrder != first.SortOrder {
			t.Fatalf("edit: %+v %v", saved, err)
		}
		_, err = a.SaveService(testActor, first.ID, first.Version, models.Service{Name: "Lost update"})
		var ce *models.EditConflictError
		if !errors.As(err, &ce) || !errors.Is(err, models.ErrStale) {
			t.Errorf("stale save: %v", err)
		}

		// Hidden services are in the admin's list, not the public one.
		all, _ := a.AllServices()
		public, _ := a.Services()
		if len(all) != 2 || len(public) != 0 {
			t.Errorf("all %d, public %d", len(all), len(public))
		}

		// Another tenant's id: not found, nothing written.
		if _, err := b.ServiceByID(first.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta reads alpha's service: %v", err)
		}
		if _, err := b.SaveService(testActor, first.ID, saved.Version, models.Service{Name: "Owned"}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta saves alpha's service: %v", err)
		}
		if err := b.DeleteService(testActor, first.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta deletes alpha's service: %v", err)
		}
		if err := b.MoveService(testActor, second.ID, true); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta moves alpha's service: %v", err)
		}
		if s, err := a.ServiceByID(first.ID); err != nil || s.Name != "Social prescribing team" || s.Version != 2 {
			t.Errorf("alpha's service after beta's attempts: %+v %v", s, err)
		}

		// Move, then delete: its team stays, attached to no service.
		if err := a.MoveService(testActor, second.ID, true); err != nil {
			t.Fatal(err)
		}
		if all, _ := a.AllServices(); all[0].ID != second.ID {
			t.Errorf("after moving up: %d first", all[0].ID)
		}
		sid := first.ID
		m, err := a.SaveStaffByID(testActor, 0, 0, models.StaffMember{Name: "Aisha", Role: "Link worker", ServiceID: &sid})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.DeleteService(testActor, first.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.ServiceByID(first.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("deleted service: %v", err)
		}
		if got, err := a.StaffByID(m.ID); err != nil || got.ServiceID != nil {
			t.Errorf("team member after their service was deleted: %+v %v", got, err)
		}
	})
}

func TestServiceValidation(t *testing.T) {
	db := modelstest.NewDB(t)
	a := db.ForTenant(context.Background(), modelstest.Tenant(t, db, "alpha").ID)
	for _, tt := range []struct {
		in    models.Service
		field string
	}{
		{models.Service{Name: " "}, "title"},
		{models.Service{Name: "X", Slug: "Bad Slug"}, "slug"},
		{models.Service{Name: "X", Summary: string(make([]byte, 501))}, "summary"},
	} {
		if _, err := a.SaveService(testActor, 0, 0, tt.in); servicesFieldOf(err) != tt.field {
			t.Errorf("%+v: %v, want a message for %s", tt.in, err, tt.field)
		}
	}
}
