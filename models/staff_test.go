package models_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// servicesStaffOrder names the members of a service in display order.
func servicesStaffOrder(t *testing.T, store *models.TenantDB, serviceID int64) []string {
	t.Helper()
	ms, err := store.Staff()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		if m.ServiceID != nil && *m.ServiceID == serviceID {
			out = append(out, m.Name)
		}
	}
	return out
}

func TestStaffByIDLifecycle(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		b := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
		svc, err := a.SaveService(testActor, 0, 0, models.Service{Name: "Pharmacists"})
		if err != nil {
			t.Fatal(err)
		}
		bsvc, err := b.SaveService(testActor, 0, 0, models.Service{Name: "Beta service"})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, n := range []string{"Ann", "Bob", "Cat"} {
			m, err := a.SaveStaffByID(testActor, 0, 0, models.StaffMember{Name: n, Role: "Pharmacist", ServiceID: &svc.ID})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.ID)
		}
		loose, err := a.SaveStaffByID(testActor, 0, 0, models.StaffMember{Name: "Dev", Role: "Director"})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.MoveStaff(testActor, ids[2], true); err != nil {
			t.Fatal(err)
		}
		if got, want := servicesStaffOrder(t, a, svc.ID), []string{"Ann", "Cat", "Bob"}; !slices.Equal(got, want) {
			t.Errorf("order %v", got)
		}
		if err := a.MoveStaff(testActor, loose.ID, true); err != nil { // alone in its group
			t.Errorf("move the only member without a service: %v", err)
		}

		// A service of another tenant cannot be chosen.
		if _, err := a.SaveStaffByID(testActor, 0, 0, models.StaffMember{Name: "Eve", Role: "X", ServiceID: &bsvc.ID}); servicesFieldOf(err) != "service_id" {
			t.Errorf("beta's service: %v", err)
		}
		for _, tt := range []struct {
			in    models.StaffMember
			field string
		}{
			{models.StaffMember{Role: "X"}, "name"},
			{models.StaffMember{Name: "X"}, "role"},
			{models.StaffMember{Name: "X", Role: "Y", PhotoURL: "https://evil.example/a.jpg"}, "photo_url"},
			{models.StaffMember{Name: "X", Role: "Y", PhotoURL: "//evil.example/a.jpg"}, "photo_url"},
		} {
			if _, err := a.SaveStaffByID(testActor, 0, 0, tt.in); servicesFieldOf(err) != tt.field {
				t.Errorf("%+v: %v, want a message for %s", tt.in, err, tt.field)
			}
		}

		// Edit, stale edit, another tenant.
		m, _ := a.StaffByID(ids[0])
		saved, err := a.SaveStaffByID(testActor, m.ID, m.Version, models.StaffMember{Name: "Ann Smith", Role: "Lead pharmacist", ServiceID: &svc.ID, PhotoURL: "/media/12/320.jpg"})
		if err != nil || saved.Version != m.Version+1 || saved.PhotoURL != "/media/12/320.jpg" {
			t.Fatalf("edit: %+v %v", saved, err)
		}
		if _, err := a.SaveStaffByID(testActor, m.ID, m.Version, models.StaffMember{Name: "Lost", Role: "X"}); !errors.Is(err, models.ErrStale) {
			t.Errorf("stale: %v", err)
		}
		for name, err := range map[string]error{
			"read": func() error { _, err := b.StaffByID(m.ID); return err }(),
			"save": func() error {
				_, err := b.SaveStaffByID(testActor, m.ID, saved.Version, models.StaffMember{Name: "X", Role: "Y"})
				return err
			}(),
			"move":   b.MoveStaff(testActor, m.ID, false),
			"order":  b.OrderTeam(testActor, []int64{m.ID}),
			"delete": b.DeleteStaff(testActor, m.ID),
		} {
			if !errors.Is(err, models.ErrNotFound) {
				t.Errorf("beta %s alpha's team member: %v", name, err)
			}
		}
		if err := a.DeleteStaff(testActor, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.StaffByID(m.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("deleted: %v", err)
		}
	})
}

// TestOrderTeam: the whole team takes the order given, across services, as
// the public team page lists it; an unknown id changes nothing.
func TestOrderTeam(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		a := db.ForTenant(context.Background(), modelstest.Tenant(t, db, "alpha").ID)
		svc, err := a.SaveService(testActor, 0, 0, models.Service{Name: "Pharmacists"})
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]int64{}
		for _, m := range []models.StaffMember{{Name: "Ann"}, {Name: "Bob", ServiceID: &svc.ID}, {Name: "Cat", ServiceID: &svc.ID}, {Name: "Dev"}} {
			m.Role = "X"
			saved, err := a.SaveStaffByID(testActor, 0, 0, m)
			if err != nil {
				t.Fatal(err)
			}
			byName[m.Name] = saved.ID
		}
		names := func() []string {
			ms, err := a.Staff()
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, m := range ms {
				out = append(out, m.Name)
			}
			return out
		}
		if err := a.OrderTeam(testActor, []int64{byName["Dev"], byName["Cat"], byName["Ann"], byName["Bob"]}); err != nil {
			t.Fatal(err)
		}
		want := []string{"Dev", "Cat", "Ann", "Bob"}
		if got := names(); !slices.Equal(got, want) {
			t.Errorf("team %v, want %v", got, want)
		}
		if err := a.OrderTeam(testActor, []int64{byName["Ann"], 999999}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown id: %v, want ErrNotFound", err)
		}
		if got := names(); !slices.Equal(got, want) {
			t.Errorf("after a refused order: %v, want %v", got, want)
		}
	})
}
