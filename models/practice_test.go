package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// testPracticeStores gives two tenants' stores on one database.
func testPracticeStores(t *testing.T, db *models.DB) (alpha, beta *models.TenantDB) {
	t.Helper()
	ctx := context.Background()
	return db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID), db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
}

func testPracticeAdd(t *testing.T, store *models.TenantDB, ods, name string) models.Practice {
	t.Helper()
	p, err := store.SavePractice(testActor, 0, 0, models.Practice{ODSCode: ods, Name: name, ClosedOnBankHolidays: true})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func testPracticeDate(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func TestSavePracticeByID(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		store, other := testPracticeStores(t, db)
		p, err := store.SavePractice(testActor, 0, 0, models.Practice{ODSCode: " k81001 ", Name: "Riverside Surgery", Postcode: "rg1 1aa", Address: "1 High Street\r\nReading"})
		if err != nil {
			t.Fatal(err)
		}
		if p.ODSCode != "K81001" || p.Postcode != "RG1 1AA" || p.Address != "1 High Street\nReading" || p.Version != 1 {
			t.Errorf("created %+v", p)
		}
		if err := store.SetPracticeHours(testActor, p.ID, 1, models.WeeklyHours{"monday": {{Open: "08:00", Close: "18:30"}}}); err != nil {
			t.Fatal(err)
		}
		// An edit at the current version keeps the hours and the order.
		p.Name, p.Phone = "Riverside Medical Centre", "0118 496 0000"
		saved, err := store.SavePractice(testActor, p.ID, 2, p)
		if err != nil {
			t.Fatal(err)
		}
		if saved.Name != "Riverside Medical Centre" || saved.Phone != "0118 496 0000" || saved.Version != 3 || saved.Hours == "" {
			t.Errorf("updated %+v", saved)
		}
		// A save opened at an older version is refused and writes nothing.
		p.Name = "Overwritten"
		_, err = store.SavePractice(testActor, p.ID, 2, p)
		var ce *models.EditConflictError
		if !errors.As(err, &ce) || !errors.Is(err, models.ErrStale) {
			t.Errorf("stale save: %v", err)
		}
		// Another practice's ODS code is refused on ods_code.
		testPracticeAdd(t, store, "K81002", "Hill Surgery")
		p.Name = "Riverside"
		_, err = store.SavePractice(testActor, p.ID, 3, models.Practice{ODSCode: "K81002", Name: "Riverside"})
		var ve *models.ValidationError
		if !errors.As(err, &ve) || ve.Field != "ods_code" {
			t.Errorf("duplicate ODS code: %v", err)
		}
		for _, tt := range []struct {
			in    models.Practice
			field string
		}{
			{models.Practice{ODSCode: "K81009"}, "name"},
			{models.Practice{Name: "X", ODSCode: "no!"}, "ods_code"},
			{models.Practice{Name: "X", ODSCode: "K81009", Postcode: "nowhere"}, "postcode"},
			{models.Practice{Name: "X", ODSCode: "K81009", Website: "www.example.org"}, "website"},
			{models.Practice{Name: "X", ODSCode: "K81009", Email: "nobody"}, "email"},
		} {
			if _, err := store.SavePractice(testActor, 0, 0, tt.in); !errors.As(err, &ve) || ve.Field != tt.field {
				t.Errorf("%+v: %v, want an error on %s", tt.in, err, tt.field)
			}
		}
		// Another tenant cannot read or write it; the same ODS code is fine there.
		if _, err := other.PracticeByID(p.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("other tenant reads: %v", err)
		}
		if _, err := other.SavePractice(testActor, p.ID, 3, models.Practice{ODSCode: "B00001", Name: "Owned"}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("other tenant saves: %v", err)
		}
		if err := other.SetPracticeHours(testActor, p.ID, 3, models.WeeklyHours{}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("other tenant sets hours: %v", err)
		}
		if err := other.DeletePractice(testActor, p.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("other tenant deletes: %v", err)
		}
		testPracticeAdd(t, other, "K81001", "Beta's own")
		if got, _ := store.PracticeByID(p.ID); got.Name != "Riverside Medical Centre" || got.Version != 3 {
			t.Errorf("after refused writes: %+v", got)
		}
	})
}

func TestSetPracticeHoursRefusesBadHours(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		store, _ := testPracticeStores(t, db)
		p := testPracticeAdd(t, store, "K81001", "Riverside")
		err := store.SetPracticeHours(testActor, p.ID, 1, models.WeeklyHours{"monday": {{Open: "08:00", Close: "13:00"}, {Open: "12:00", Close: "18:00"}}})
		var ve *models.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("overlapping periods: %v", err)
		}
		if got, _ := store.PracticeByID(p.ID); got.Hours != "" || got.Version != 1 {
			t.Errorf("after refused hours: %+v", got)
		}
	})
}

func TestDeletePracticeAndOrder(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		store, _ := testPracticeStores(t, db)
		a := testPracticeAdd(t, store, "A00001", "Zebra Surgery")
		b := testPracticeAdd(t, store, "A00002", "Apple Surgery")
		c := testPracticeAdd(t, store, "A00003", "Mango Surgery")
		order := func() []int64 {
			ps, err := store.Practices()
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, p := range ps {
				ids = append(ids, p.ID)
			}
			return ids
		}
		if got := order(); !slices.Equal(got, []int64{a.ID, b.ID, c.ID}) {
			t.Fatalf("new practices go last: %v", got)
		}
		if err := store.MovePractice(testActor, c.ID, true); err != nil {
			t.Fatal(err)
		}
		if got := order(); !slices.Equal(got, []int64{a.ID, c.ID, b.ID}) {
			t.Errorf("after moving up: %v", got)
		}
		// Sessions held at a practice block its delete.
		if _, err := store.SaveEASessionByID(testActor, 0, 0, models.EASession{Weekdays: "6", StartsAt: 540, EndsAt: 720, PracticeID: &b.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.SaveException(testActor, b.ID, 0, 0, models.PracticeException{StartsOn: testPracticeDate(2026, 12, 24), Closed: true}, nil); err != nil {
			t.Fatal(err)
		}
		if err := store.DeletePractice(testActor, b.ID); !errors.Is(err, models.ErrPracticeHostsSessions) {
			t.Errorf("delete with sessions: %v", err)
		}
		ss, _ := store.EASessionsAtPractice(b.ID)
		if err := store.DeleteEASession(testActor, ss[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := store.DeletePractice(testActor, b.ID); err != nil {
			t.Fatalf("delete: %v", err)
		}
		if _, err := store.PracticeByID(b.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("deleted practice: %v", err)
		}
		if _, err := store.ExceptionsOf(b.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("exceptions of a deleted practice: %v", err)
		}
	})
}

func TestPracticeExceptions(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		store, other := testPracticeStores(t, db)
		p := testPracticeAdd(t, store, "K81001", "Riverside")
		q := testPracticeAdd(t, store, "K81002", "Hill")
		training, err := store.SaveException(testActor, p.ID, 0, 0, models.PracticeException{StartsOn: testPracticeDate(2026, 3, 10), Reason: " Staff training "},
			[]models.ClockSpan{{Open: "08:00", Close: "12:00"}, {Open: "14:00", Close: "24:00"}})
		if err != nil {
			t.Fatal(err)
		}
		if !training.EndsOn.Equal(training.StartsOn) || training.Reason != "Staff training" || training.Closed || len(training.ExceptionSpans()) != 2 || training.Version != 1 {
			t.Errorf("saved %+v", training)
		}
		xmas, err := store.SaveException(testActor, p.ID, 0, 0, models.PracticeException{StartsOn: testPracticeDate(2026, 12, 24), EndsOn: testPracticeDate(2026, 12, 27), Closed: true, Reason: "Christmas"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var ve *models.ValidationError
		for _, tt := range []struct {
			name  string
			e     models.PracticeException
			spans []models.ClockSpan
			field string
		}{
			{"no date", models.PracticeException{Closed: true}, nil, "starts_on"},
			{"ends before", models.PracticeException{StartsOn: testPracticeDate(2026, 5, 2), EndsOn: testPracticeDate(2026, 5, 1), Closed: true}, nil, "ends_on"},
			{"open without times", models.PracticeException{StartsOn: testPracticeDate(2026, 5, 2)}, nil, "exception-1-open"},
			{"closes before opening", models.PracticeException{StartsOn: testPracticeDate(2026, 5, 2)}, []models.ClockSpan{{Open: "12:00", Close: "09:00"}}, "exception-1-open"},
			{"overlaps Christmas", models.PracticeException{StartsOn: testPracticeDate(2026, 12, 27), Closed: true}, nil, "starts_on"},
		} {
			if _, err := store.SaveException(testActor, p.ID, 0, 0, tt.e, tt.spans); !errors.As(err, &ve) || ve.Field != tt.field {
				t.Errorf("%s: %v, want an error on %s", tt.name, err, tt.field)
			}
		}
		// The same dates at another practice are fine.
		if _, err := store.SaveException(testActor, q.ID, 0, 0, models.PracticeException{StartsOn: testPracticeDate(2026, 12, 25), Closed: true}, nil); err != nil {
			t.Errorf("same dates at another practice: %v", err)
		}
		// Edit: its own dates do not overlap itself; a stale version is refused.
		xmas.EndsOn = testPracticeDate(2026, 12, 28)
		if _, err := store.SaveException(testActor, p.ID, xmas.ID, 1, xmas, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := store.SaveException(testActor, p.ID, xmas.ID, 1, xmas, nil); !errors.Is(err, models.ErrStale) {
			t.Errorf("stale exception save: %v", err)
		}
		es, err := store.ExceptionsOf(p.ID)
		if err != nil || len(es) != 2 || es[0].ID != training.ID || !es[1].EndsOn.Equal(testPracticeDate(2026, 12, 28)) {
			t.Errorf("exceptions: %+v %v", es, err)
		}
		// An exception is reached only through its own practice and tenant.
		if _, err := store.ExceptionByID(q.ID, xmas.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("through another practice: %v", err)
		}
		if _, err := other.ExceptionByID(p.ID, xmas.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("other tenant reads: %v", err)
		}
		if _, err := other.SaveException(testActor, p.ID, xmas.ID, 2, models.PracticeException{StartsOn: testPracticeDate(2027, 1, 1), Closed: true}, nil); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("other tenant saves: %v", err)
		}
		if _, err := store.SaveException(testActor, q.ID, xmas.ID, 2, models.PracticeException{StartsOn: testPracticeDate(2027, 1, 1), Closed: true}, nil); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("save through another practice: %v", err)
		}
		if err := other.DeleteException(testActor, p.ID, xmas.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("other tenant deletes: %v", err)
		}
		if err := store.DeleteException(testActor, q.ID, xmas.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("delete through another practice: %v", err)
		}
		if err := store.DeleteException(testActor, p.ID, xmas.ID); err != nil {
			t.Fatal(err)
		}
		if es, _ := store.ExceptionsOf(p.ID); len(es) != 1 {
			t.Errorf("after delete: %+v", es)
		}
	})
}

func TestSavePracticeValidatesAndUpserts(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		store := db.ForTenant(ctx, modelstest.Tenant(t, db, "highfives").ID)
		tests := []struct {
			p     models.Practice
			field string
		}{
			{models.Practice{ODSCode: "Y99001"}, "name"},
			{models.Practice{Name: "X", ODSCode: "bad code"}, "ods_code"},
			{models.Practice{Name: "X", ODSCode: "Y99001", Postcode: "NOT A POSTCODE"}, "postcode"},
			{models.Practice{Name: "X", ODSCode: "Y99001", Phone: "call us"}, "phone"},
			{models.Practice{Name: "X", ODSCode: "Y99001", Website: "javascript:alert(1)"}, "website"},
			{models.Practice{Name: "X", ODSCode: "Y99001", Hours: weekdays("18:30", "08:00")}, "hours"},
			{models.Practice{Name: "X", ODSCode: "Y99001", Hours: weekdays("8 o'clock", "18:00")}, "hours"},
		}
		for _, tt := range tests {
			_, err := store.SavePractice(testActor, 0, 0, tt.p)
			var ve *models.ValidationError
			if !errors.As(err, &ve) || ve.Field != tt.field {
				t.Errorf("SavePractice(%+v): err = %v, want a validation error on %s", tt.p, err, tt.field)
			}
		}
		p, err := store.SavePractice(testActor, 0, 0, models.Practice{Name: "Fivefields", ODSCode: "y99001", Postcode: "ls11aa", Hours: weekdays("08:00", "18:30")})
		if err != nil {
			t.Fatal(err)
		}
		if p.ODSCode != "Y99001" || p.Postcode != "LS1 1AA" {
			t.Errorf("normalised to %q %q", p.ODSCode, p.Postcode)
		}
		if _, err := store.SavePractice(testActor, p.ID, p.Version, models.Practice{Name: "Fivefields Medical Centre", ODSCode: "Y99001"}); err != nil {
			t.Fatal(err)
		}
		ps, _ := store.Practices()
		if len(ps) != 1 || ps[0].Name != "Fivefields Medical Centre" {
			t.Errorf("upsert by ODS code: %+v", ps)
		}
		if _, err := store.SaveException(testActor, p.ID, 0, 0, models.PracticeException{StartsOn: time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2026, 12, 23, 0, 0, 0, 0, time.UTC), Closed: true}, nil); err == nil {
			t.Error("an exception ending before it starts was accepted")
		}
		if _, err := store.SaveException(testActor, p.ID, 0, 0, models.PracticeException{StartsOn: time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC), Closed: true, Reason: "Christmas"}, nil); err != nil {
			t.Fatal(err)
		}
		got, err := store.PracticeByODS("y99001")
		if err != nil || len(got.Exceptions) != 1 || got.Week()[1][0].Open != 8*60 {
			t.Errorf("PracticeByODS = %+v, %v", got, err)
		}
	})
}

func weekdays(open, close string) string {
	w := models.WeeklyHours{}
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday"} {
		w[d] = []models.ClockSpan{{Open: open, Close: close}}
	}
	return models.EncodeHours(w)
}

// TestAddExceptionToPractices: one closure for several practices is written
// for all of them in one transaction (one generation bump, an audit row per
// practice), or for none when one of them cannot take it.
func TestAddExceptionToPractices(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		store, other := testPracticeStores(t, db)
		p := testPracticeAdd(t, store, "K81001", "Riverside")
		q := testPracticeAdd(t, store, "K81002", "Hill")
		r := testPracticeAdd(t, store, "K81003", "Fivefields")
		elsewhere := testPracticeAdd(t, other, "K81009", "Beta's")
		if _, err := store.SaveException(testActor, r.ID, 0, 0, models.PracticeException{StartsOn: testPracticeDate(2026, 3, 10), Closed: true, Reason: "Flood"}, nil); err != nil {
			t.Fatal(err)
		}
		state := func() string {
			tn, err := db.TenantByID(ctx, store.TenantID())
			if err != nil {
				t.Fatal(err)
			}
			log, _ := store.AuditLog(100)
			return fmt.Sprintf("generation %d, %d audit rows", tn.Generation, len(log))
		}
		training := models.PracticeException{StartsOn: testPracticeDate(2026, 3, 10), Reason: "Staff training"}
		afternoon := []models.ClockSpan{{Open: "08:00", Close: "13:00"}}

		// Refused as a whole: nothing written.
		before := state()
		var ve *models.ValidationError
		for _, tt := range []struct {
			name string
			ids  []int64
			want string // a validation field, or "" for ErrNotFound
		}{
			{"none chosen", nil, "practices"},
			{"one overlaps", []int64{p.ID, q.ID, r.ID}, "starts_on"},
			{"another tenant's practice", []int64{p.ID, elsewhere.ID}, ""},
			{"twice", []int64{p.ID, p.ID}, ""},
		} {
			_, err := store.AddExceptionToPractices(testActor, tt.ids, training, afternoon)
			switch {
			case tt.want == "" && !errors.Is(err, models.ErrNotFound):
				t.Errorf("%s: %v, want ErrNotFound", tt.name, err)
			case tt.want != "" && (!errors.As(err, &ve) || ve.Field != tt.want):
				t.Errorf("%s: %v, want a message on %s", tt.name, err, tt.want)
			}
		}
		if _, err := store.AddExceptionToPractices(testActor, []int64{p.ID, r.ID}, training, afternoon); !errors.As(err, &ve) || !strings.Contains(ve.Message, "of Fivefields") {
			t.Errorf("overlap with one practice's closure: %v, want the practice named", err)
		}
		if after := state(); after != before {
			t.Fatalf("refused changes wrote something: %s before, %s after", before, after)
		}
		for _, id := range []int64{p.ID, q.ID} {
			if es, _ := store.ExceptionsOf(id); len(es) != 0 {
				t.Fatalf("practice %d has %d exceptions after refusals", id, len(es))
			}
		}

		// Accepted: every practice has it, one generation bump, one audit
		// row each.
		tn, _ := db.TenantByID(ctx, store.TenantID())
		saved, err := store.AddExceptionToPractices(testActor, []int64{q.ID, p.ID}, training, afternoon)
		if err != nil {
			t.Fatal(err)
		}
		if len(saved) != 2 || saved[0].PracticeID != q.ID || saved[1].PracticeID != p.ID {
			t.Fatalf("saved %+v", saved)
		}
		for _, s := range saved {
			if s.Reason != "Staff training" || s.Closed || len(s.ExceptionSpans()) != 1 || !s.EndsOn.Equal(s.StartsOn) || s.Version != 1 {
				t.Errorf("saved %+v", s)
			}
		}
		got, _ := db.TenantByID(ctx, store.TenantID())
		if got.Generation != tn.Generation+1 {
			t.Errorf("generation %d → %d, want one bump", tn.Generation, got.Generation)
		}
		log, _ := store.AuditLog(2)
		if len(log) != 2 {
			t.Fatalf("audit log: %+v", log)
		}
		subjects := []string{log[0].Subject, log[1].Subject}
		sort.Strings(subjects)
		if log[0].Action != models.AuditPracticeExceptionCreate || subjects[0] != "/practices/K81001 10/3/2026" || subjects[1] != "/practices/K81002 10/3/2026" {
			t.Errorf("audit rows: %+v", log)
		}
		if es, _ := other.ExceptionsOf(elsewhere.ID); len(es) != 0 {
			t.Error("another tenant's practice got the closure")
		}
	})
}
