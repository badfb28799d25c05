package site_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// TestPracticeSaysEachThingOnce: the tag says "Closed now" and the text
// goes on from it (before: a "Closed" tag, then "Closed now – opens at
// 8am tomorrow"); at 8pm no "Open today 8am to 6:30pm" contradicts it.
func TestPracticeSaysEachThingOnce(t *testing.T) {
	clk := &clock{t: london("2026-11-24 20:00")} // a Tuesday, after closing
	s := newServer(t, serverOptions{now: clk.now})
	tn := modelstest.Tenant(t, s.db, "highfives")
	seedPractice(t, s.db.ForTenant(context.Background(), tn.ID), "Y99001", "Fivefields Medical Centre")
	for _, path := range []string{"/", "/practices", "/practices/Y99001"} {
		r := s.get(t, "highfives.localhost", path)
		if r.status != 200 {
			t.Fatalf("%s: %d", path, r.status)
		}
		if !strings.Contains(r.body, `nhsuk-tag--grey">Closed now</strong> – opens at 8am tomorrow`) {
			t.Errorf("%s at 8pm: no \"Closed now\" tag followed by when it opens\n%s", path, r.body)
		}
		if strings.Contains(r.body, ">Closed</strong> Closed") || strings.Contains(r.body, "Open today") {
			t.Errorf("%s at 8pm says it is closed twice, or \"Open today\"", path)
		}
	}
	clk.set(london("2026-11-25 10:00"))
	for _, path := range []string{"/", "/practices"} {
		r := s.get(t, "highfives.localhost", path)
		if !strings.Contains(r.body, `nhsuk-tag--green">Open now</strong> – closes at 6:30pm`) || !strings.Contains(r.body, "Open today</dt>") ||
			!strings.Contains(r.body, "8am to 6:30pm") || strings.Contains(r.body, "Open</strong> Open") {
			t.Errorf("%s at 10am: want the \"Open now\" tag, then \"– closes at 6:30pm\", and today's hours", path)
		}
	}
}

// TestPracticeListsUpcomingBankHolidays: a practice that closes on bank
// holidays lists them under "Changes to opening times", as the admin
// says, the Boxing Day substitute among them; beside the closures the
// manager entered.
func TestPracticeListsUpcomingBankHolidays(t *testing.T) {
	clk := &clock{t: london("2026-12-07 10:00")}
	s := newServer(t, serverOptions{now: clk.now})
	tn := modelstest.Tenant(t, s.db, "highfives")
	store := s.db.ForTenant(context.Background(), tn.ID)
	seedPractice(t, store, "Y99001", "Fivefields Medical Centre")
	p, err := store.PracticeByODS("Y99001")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SaveException(testActor, p.ID, 0, 0, models.PracticeException{StartsOn: date("2026-12-16"), EndsOn: date("2026-12-16"), Closed: true, Reason: "Staff training"}, nil); err != nil {
		t.Fatal(err)
	}
	r := s.get(t, "highfives.localhost", "/practices/Y99001")
	if r.status != 200 {
		t.Fatalf("%d", r.status)
	}
	want := []string{
		"Changes to opening times",
		"<strong>Wednesday 16 December</strong>: Closed (Staff training)",
		"<strong>Friday 25 December</strong>: Closed (Christmas Day)",
		"<strong>Monday 28 December</strong>: Closed (Boxing Day (substitute day))",
		"<strong>Friday 1 January</strong>: Closed (New Year’s Day)",
	}
	last := -1
	for _, w := range want {
		i := strings.Index(r.body, w)
		if i < 0 {
			t.Errorf("the practice page does not say %q", w)
			continue
		}
		if i < last {
			t.Errorf("%q is out of date order", w)
		}
		last = i
	}
	// Bank holidays beyond the next 60 days are not listed yet.
	if strings.Contains(r.body, "Good Friday") {
		t.Error("Good Friday, months away, is listed")
	}
}
