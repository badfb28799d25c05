package models_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

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

		first, err := a.SaveServiceByID(0, 0, models.Service{Name: "Social prescribing", BodyMD: "**Help**", Published: true})
		if err != nil {
			t.Fatal(err)
		}
		if first.ID == 0 || first.Slug != "social-prescribing" || first.Version != 1 || first.BodyHTML == "" {
			t.Fatalf("created %+v", first)
		}
		second, err := a.SaveServiceByID(0, 0, models.Service{Name: "Pharmacists"})
		if err != nil {
			t.Fatal(err)
		}
		if second.SortOrder <= first.SortOrder {
			t.Errorf("a new service is not last: %d after %d", second.SortOrder, first.SortOrder)
		}

		// The same slug in another tenant is fine; in this one it is refused.
		if _, err := b.SaveServiceByID(0, 0, models.Service{Name: "Pharmacists"}); err != nil {
			t.Errorf("beta's own pharmacists: %v", err)
		}
		if _, err := a.SaveServiceByID(first.ID, first.Version, models.Service{Name: "X", Slug: "pharmacists"}); servicesFieldOf(err) != "slug" {
			t.Errorf("taken slug: %v", err)
		}

		// Edit from the current version; a second edit from the old one is stale.
		saved, err := a.SaveServiceByID(first.ID, first.Version, models.Service{Name: "Social prescribing team", Slug: "social-prescribing", SelfReferral: true})
		if err != nil || saved.Version != 2 || !saved.SelfReferral || saved.Published || saved.SortOrder != first.SortOrder {
			t.Fatalf("edit: %+v %v", saved, err)
		}
		_, err = a.SaveServiceByID(first.ID, first.Version, models.Service{Name: "Lost update"})
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
		if _, err := b.SaveServiceByID(first.ID, saved.Version, models.Service{Name: "Owned"}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta saves alpha's service: %v", err)
		}
		if err := b.DeleteService(first.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta deletes alpha's service: %v", err)
		}
		if err := b.MoveService(second.ID, true); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta moves alpha's service: %v", err)
		}
		if s, err := a.ServiceByID(first.ID); err != nil || s.Name != "Social prescribing team" || s.Version != 2 {
			t.Errorf("alpha's service after beta's attempts: %+v %v", s, err)
		}

		// Move, then delete: its team stays, attached to no service.
		if err := a.MoveService(second.ID, true); err != nil {
			t.Fatal(err)
		}
		if all, _ := a.AllServices(); all[0].ID != second.ID {
			t.Errorf("after moving up: %d first", all[0].ID)
		}
		sid := first.ID
		m, err := a.SaveStaffByID(0, 0, models.StaffMember{Name: "Aisha", Role: "Link worker", ServiceID: &sid})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.DeleteService(first.ID); err != nil {
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
		if _, err := a.SaveServiceByID(0, 0, tt.in); servicesFieldOf(err) != tt.field {
			t.Errorf("%+v: %v, want a message for %s", tt.in, err, tt.field)
		}
	}
}

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
		svc, err := a.SaveServiceByID(0, 0, models.Service{Name: "Pharmacists"})
		if err != nil {
			t.Fatal(err)
		}
		bsvc, err := b.SaveServiceByID(0, 0, models.Service{Name: "Beta service"})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, n := range []string{"Ann", "Bob", "Cat"} {
			m, err := a.SaveStaffByID(0, 0, models.StaffMember{Name: n, Role: "Pharmacist", ServiceID: &svc.ID})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.ID)
		}
		loose, err := a.SaveStaffByID(0, 0, models.StaffMember{Name: "Dev", Role: "Director"})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.MoveStaff(ids[2], true); err != nil {
			t.Fatal(err)
		}
		if got, want := servicesStaffOrder(t, a, svc.ID), []string{"Ann", "Cat", "Bob"}; !slices.Equal(got, want) {
			t.Errorf("order %v", got)
		}
		if err := a.MoveStaff(loose.ID, true); err != nil { // alone in its group
			t.Errorf("move the only member without a service: %v", err)
		}

		// A service of another tenant cannot be chosen.
		if _, err := a.SaveStaffByID(0, 0, models.StaffMember{Name: "Eve", Role: "X", ServiceID: &bsvc.ID}); servicesFieldOf(err) != "service_id" {
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
			if _, err := a.SaveStaffByID(0, 0, tt.in); servicesFieldOf(err) != tt.field {
				t.Errorf("%+v: %v, want a message for %s", tt.in, err, tt.field)
			}
		}

		// Edit, stale edit, another tenant.
		m, _ := a.StaffByID(ids[0])
		saved, err := a.SaveStaffByID(m.ID, m.Version, models.StaffMember{Name: "Ann Smith", Role: "Lead pharmacist", ServiceID: &svc.ID, PhotoURL: "/media/12/320.jpg"})
		if err != nil || saved.Version != m.Version+1 || saved.PhotoURL != "/media/12/320.jpg" {
			t.Fatalf("edit: %+v %v", saved, err)
		}
		if _, err := a.SaveStaffByID(m.ID, m.Version, models.StaffMember{Name: "Lost", Role: "X"}); !errors.Is(err, models.ErrStale) {
			t.Errorf("stale: %v", err)
		}
		for name, err := range map[string]error{
			"read": func() error { _, err := b.StaffByID(m.ID); return err }(),
			"save": func() error {
				_, err := b.SaveStaffByID(m.ID, saved.Version, models.StaffMember{Name: "X", Role: "Y"})
				return err
			}(),
			"move":   b.MoveStaff(m.ID, false),
			"delete": b.DeleteStaff(m.ID),
		} {
			if !errors.Is(err, models.ErrNotFound) {
				t.Errorf("beta %s alpha's team member: %v", name, err)
			}
		}
		if err := a.DeleteStaff(m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.StaffByID(m.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("deleted: %v", err)
		}
	})
}

func TestEventByIDLifecycle(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		b := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
		start := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
		end := start.Add(2 * time.Hour)
		e, err := a.SaveEventByID(0, 0, models.Event{Title: "Flu clinic", StartsAt: start, EndsAt: &end, Location: "Quayside"})
		if err != nil || e.Version != 1 || e.Slug != "flu-clinic" {
			t.Fatalf("create: %+v %v", e, err)
		}
		if _, err := a.SaveEventByID(0, 0, models.Event{Title: "Flu clinic", StartsAt: start}); servicesFieldOf(err) != "slug" {
			t.Errorf("taken slug: %v", err)
		}
		for _, tt := range []struct {
			in    models.Event
			field string
		}{
			{models.Event{Title: "X"}, "starts_at"},
			{models.Event{Title: "X", StartsAt: start, EndsAt: &start}, "ends_at"},
			{models.Event{Title: "X", StartsAt: start, BookingURL: "javascript:alert(1)"}, "booking_url"},
		} {
			if _, err := a.SaveEventByID(0, 0, tt.in); servicesFieldOf(err) != tt.field {
				t.Errorf("%+v: %v, want %s", tt.in, err, tt.field)
			}
		}
		saved, err := a.SaveEventByID(e.ID, e.Version, models.Event{Title: "Flu clinic", Slug: "flu", StartsAt: start, Published: true})
		if err != nil || saved.Version != 2 || saved.EndsAt != nil || !saved.Published {
			t.Fatalf("edit: %+v %v", saved, err)
		}
		if _, err := a.SaveEventByID(e.ID, e.Version, models.Event{Title: "Lost", StartsAt: start}); !errors.Is(err, models.ErrStale) {
			t.Errorf("stale: %v", err)
		}
		if _, err := b.SaveEventByID(e.ID, saved.Version, models.Event{Title: "Owned", StartsAt: start}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta saves alpha's event: %v", err)
		}
		if err := b.DeleteEvent(e.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta deletes alpha's event: %v", err)
		}
		if all, _ := b.AllEvents(); len(all) != 0 {
			t.Errorf("beta lists %d events", len(all))
		}
		if err := a.DeleteEvent(e.ID); err != nil {
			t.Fatal(err)
		}
		if all, _ := a.AllEvents(); len(all) != 0 {
			t.Errorf("after delete: %d events", len(all))
		}
	})
}

func TestVacancyByIDLifecycle(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		b := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
		closes := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
		v, err := a.SaveVacancyByID(0, 0, models.Vacancy{Title: "Pharmacist", ClosesOn: closes, Salary: "Band 7", HoursText: "37.5 hours", ApplyURL: "https://jobs.nhs.uk/x"})
		if err != nil || v.Version != 1 || !v.ClosesOn.Equal(closes) {
			t.Fatalf("create: %+v %v", v, err)
		}
		for _, tt := range []struct {
			in    models.Vacancy
			field string
		}{
			{models.Vacancy{Title: "X"}, "closes_on"},
			{models.Vacancy{Title: "X", ClosesOn: closes, ApplyURL: "jobs.nhs.uk"}, "apply_url"},
			{models.Vacancy{Title: "Pharmacist", ClosesOn: closes}, "slug"},
		} {
			if _, err := a.SaveVacancyByID(0, 0, tt.in); servicesFieldOf(err) != tt.field {
				t.Errorf("%+v: %v, want %s", tt.in, err, tt.field)
			}
		}
		saved, err := a.SaveVacancyByID(v.ID, v.Version, models.Vacancy{Title: "Senior pharmacist", Slug: "pharmacist", ClosesOn: closes, Published: true})
		if err != nil || saved.Version != 2 || saved.Title != "Senior pharmacist" {
			t.Fatalf("edit: %+v %v", saved, err)
		}
		if _, err := a.SaveVacancyByID(v.ID, v.Version, models.Vacancy{Title: "Lost", ClosesOn: closes}); !errors.Is(err, models.ErrStale) {
			t.Errorf("stale: %v", err)
		}
		if _, err := b.VacancyByID(v.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta reads alpha's vacancy: %v", err)
		}
		if _, err := b.SaveVacancyByID(v.ID, saved.Version, models.Vacancy{Title: "Owned", ClosesOn: closes}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta saves alpha's vacancy: %v", err)
		}
		if err := b.DeleteVacancy(v.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta deletes alpha's vacancy: %v", err)
		}
		if err := a.DeleteVacancy(v.ID); err != nil {
			t.Fatal(err)
		}
		if all, _ := a.AllVacancies(); len(all) != 0 {
			t.Errorf("after delete: %d", len(all))
		}
	})
}
