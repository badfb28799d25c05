package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// TestContentIsolation: every content store of tenant A ignores B's rows.
func TestContentIsolation(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	a := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
	b := db.ForTenant(ctx, modelstest.Tenant(t, db, "bravo").ID)
	now := time.Now()
	bPractice, err := b.SavePractice(testActor, 0, 0, models.Practice{Name: "B surgery", ODSCode: "Y99002"})
	if err != nil {
		t.Fatal(err)
	}
	bService, err := b.SaveService(testActor, 0, 0, models.Service{Name: "B service", Published: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.SavePost(testActor, 0, models.Post{Title: "B post", PublishedAt: &now}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SaveEvent(testActor, 0, 0, models.Event{Title: "B event", StartsAt: now, Published: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SaveVacancy(testActor, 0, 0, models.Vacancy{Title: "B job", ClosesOn: now.AddDate(0, 1, 0), Published: true}); err != nil {
		t.Fatal(err)
	}
	bSettings, _ := b.Settings()
	bSettings.Phone = "0113 496 0999"
	if _, err := b.SaveSettingsAt(testActor, bSettings, bSettings.Version, now); err != nil {
		t.Fatal(err)
	}
	_, fingerprint, _ := b.Menu()
	if err := b.StartMenu(testActor, fingerprint, []models.NavItem{{Title: "B", Path: "/b"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SaveEASessionByID(testActor, 0, 0, models.EASession{Weekdays: "6", StartsAt: 540, EndsAt: 1020, PracticeID: &bPractice.ID}); err != nil {
		t.Fatal(err)
	}
	bStaff, err := b.SaveStaffByID(testActor, 0, 0, models.StaffMember{Name: "B person", Role: "Y", ServiceID: &bService.ID})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		n    func() (int, error)
	}{
		{"practices", func() (int, error) { v, err := a.Practices(); return len(v), err }},
		{"services", func() (int, error) { v, err := a.Services(); return len(v), err }},
		{"posts", func() (int, error) { v, err := a.PublishedPosts(now.Add(time.Minute), 0); return len(v), err }},
		{"events", func() (int, error) { v, err := a.Events(now); return len(v), err }},
		{"vacancies", func() (int, error) { v, err := a.Vacancies(now); return len(v), err }},
		{"nav", func() (int, error) { v, err := a.NavItems(); return len(v), err }},
		{"sessions", func() (int, error) { v, err := a.EASessions(); return len(v), err }},
		{"staff", func() (int, error) { v, err := a.Staff(); return len(v), err }},
	}
	for _, c := range checks {
		if n, err := c.n(); err != nil || n != 0 {
			t.Errorf("A's %s: %d rows, %v; want none of B's", c.name, n, err)
		}
	}
	if s, _ := a.Settings(); s.Phone != "" {
		t.Error("A read B's settings")
	}
	if _, err := a.PracticeByODS("Y99002"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("A read B's practice: %v", err)
	}
	// A's writes cannot reach B's rows by id.
	if _, err := a.SaveException(testActor, bPractice.ID, 0, 0, models.PracticeException{StartsOn: now, Closed: true}, nil); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("A added an exception to B's practice: %v", err)
	}
	var ve *models.ValidationError
	if _, err := a.SaveStaffByID(testActor, 0, 0, models.StaffMember{Name: "X", Role: "Y", ServiceID: &bService.ID}); !errors.As(err, &ve) || ve.Field != "service_id" {
		t.Errorf("A attached staff to B's service: %v", err)
	}
	if _, err := a.SaveEASessionByID(testActor, 0, 0, models.EASession{Weekdays: "6", StartsAt: 540, EndsAt: 1020, PracticeID: &bPractice.ID}); !errors.As(err, &ve) || ve.Field != "practice_id" {
		t.Errorf("A held a session at B's practice: %v", err)
	}
	if err := a.OrderTeam(testActor, []int64{bStaff.ID}); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("A ordered B's team: %v", err)
	}
	if m, _ := b.StaffByID(bStaff.ID); m.SortOrder != bStaff.SortOrder {
		t.Errorf("A's OrderTeam moved B's member to %d", m.SortOrder)
	}
	if _, err := a.ServiceBySlug("b-service"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("A read B's service: %v", err)
	}
}
