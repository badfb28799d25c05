package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func londonTime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, hours.Location())
	if err != nil {
		panic(err)
	}
	return t
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestNextChangeIsTheEarliestClockChange: a handle records, for every read
// whose answer changes with the clock, the earliest such change after the
// time of the read, for each kind (a scheduled news item going live, a
// vacancy closing at midnight after its closing date in London, an event
// ending) and for a search, which can find any of them. In British Summer
// Time, so that London and UTC dates differ.
func TestNextChangeIsTheEarliestClockChange(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		now := londonTime("2026-07-15 10:00")
		must := func(_ any, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		at := func(s string) *time.Time { v := londonTime(s); return &v }

		posts := db.ForTenant(ctx, modelstest.Tenant(t, db, "posts").ID)
		must(posts.SavePost(testActor, 0, models.Post{Title: "Flu jabs", PublishedAt: at("2026-07-14 09:00")}))
		must(posts.SavePost(testActor, 0, models.Post{Title: "Flu clinic dates", PublishedAt: at("2026-07-15 13:00")}))
		must(posts.SavePost(testActor, 0, models.Post{Title: "Flu later", PublishedAt: at("2026-07-15 15:00")}))
		must(posts.SavePost(testActor, 0, models.Post{Title: "Flu draft"}))

		vacancies := db.ForTenant(ctx, modelstest.Tenant(t, db, "vacancies").ID)
		must(vacancies.SaveVacancy(testActor, 0, 0, models.Vacancy{Title: "Flu nurse closed", ClosesOn: day("2026-07-10"), Published: true}))
		must(vacancies.SaveVacancy(testActor, 0, 0, models.Vacancy{Title: "Flu nurse", ClosesOn: day("2026-07-15"), Published: true}))
		must(vacancies.SaveVacancy(testActor, 0, 0, models.Vacancy{Title: "Flu pharmacist", ClosesOn: day("2026-07-20"), Published: true}))
		must(vacancies.SaveVacancy(testActor, 0, 0, models.Vacancy{Title: "Flu draft", ClosesOn: day("2026-07-12"), Published: false}))

		events := db.ForTenant(ctx, modelstest.Tenant(t, db, "events").ID)
		must(events.SaveEvent(testActor, 0, 0, models.Event{Title: "Flu past", StartsAt: londonTime("2026-07-14 09:00"), EndsAt: at("2026-07-14 12:00"), Published: true}))
		must(events.SaveEvent(testActor, 0, 0, models.Event{Title: "Flu clinic", StartsAt: londonTime("2026-07-15 09:00"), EndsAt: at("2026-07-15 16:00"), Published: true}))
		must(events.SaveEvent(testActor, 0, 0, models.Event{Title: "Flu talk", StartsAt: londonTime("2026-07-15 14:00"), Published: true})) // no end: over when it starts
		must(events.SaveEvent(testActor, 0, 0, models.Event{Title: "Flu draft", StartsAt: londonTime("2026-07-15 11:00"), Published: false}))

		// Another tenant's scheduled post changes nothing of these.
		other := db.ForTenant(ctx, modelstest.Tenant(t, db, "other").ID)
		must(other.SavePost(testActor, 0, models.Post{Title: "Flu elsewhere", PublishedAt: at("2026-07-15 10:30")}))
		must(other.SaveService(testActor, 0, 0, models.Service{Name: "Flu service", Published: true}))

		type store = *models.TenantDB
		tests := []struct {
			name  string
			store store
			read  func(s store, now time.Time) error
			now   time.Time
			want  time.Time // zero: nothing read changes with the clock
		}{
			{"nothing read", posts, func(store, time.Time) error { return nil }, now, time.Time{}},
			{"services only", other, func(s store, _ time.Time) error { _, err := s.Services(); return err }, now, time.Time{}},
			{"published posts", posts, func(s store, now time.Time) error { _, err := s.PublishedPosts(now, 3); return err }, now, londonTime("2026-07-15 13:00")},
			{"published posts after the first went live", posts, func(s store, now time.Time) error { _, err := s.PublishedPosts(now, 0); return err },
				londonTime("2026-07-15 13:00"), londonTime("2026-07-15 15:00")},
			{"all posts live", posts, func(s store, now time.Time) error { _, err := s.PublishedPosts(now, 0); return err },
				londonTime("2026-07-15 15:00"), time.Time{}},
			{"vacancies", vacancies, func(s store, now time.Time) error { _, err := s.Vacancies(now); return err }, now, londonTime("2026-07-16 00:00")},
			{"vacancies on the last day, after midnight UTC", vacancies, func(s store, now time.Time) error { _, err := s.Vacancies(now); return err },
				londonTime("2026-07-16 00:30"), londonTime("2026-07-21 00:00")},
			{"one vacancy", vacancies, func(s store, now time.Time) error { _, err := s.VacancyBySlug("flu-pharmacist", now); return err }, now, londonTime("2026-07-21 00:00")},
			{"events", events, func(s store, now time.Time) error { _, err := s.Events(now); return err }, now, londonTime("2026-07-15 14:00")},
			{"events after the talk", events, func(s store, now time.Time) error { _, err := s.Events(now); return err }, londonTime("2026-07-15 14:00"), londonTime("2026-07-15 16:00")},
			{"search of posts", posts, func(s store, now time.Time) error { _, err := s.Search("flu", now); return err }, now, londonTime("2026-07-15 13:00")},
			{"search of vacancies", vacancies, func(s store, now time.Time) error { _, err := s.Search("flu", now); return err }, now, londonTime("2026-07-16 00:00")},
			{"search of events", events, func(s store, now time.Time) error { _, err := s.Search("flu", now); return err }, now, londonTime("2026-07-15 14:00")},
			{"search with nothing to change", other, func(s store, now time.Time) error { _, err := s.Search("flu", now); return err },
				londonTime("2026-07-16 09:00"), time.Time{}},
			{"several reads keep the earliest", events, func(s store, now time.Time) error {
				if _, err := s.Events(londonTime("2026-07-15 14:30")); err != nil {
					return err
				}
				_, err := s.Events(now)
				return err
			}, now, londonTime("2026-07-15 14:00")},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s := db.ForTenant(ctx, tt.store.TenantID()) // a fresh handle, as each request has
				if err := tt.read(s, tt.now); err != nil {
					t.Fatal(err)
				}
				if got := s.NextChange(); !got.Equal(tt.want) {
					t.Errorf("NextChange() = %v, want %v", got, tt.want)
				}
			})
		}
	})
}

// TestSearchFollowsTheClock: search finds a scheduled news item from its
// publish time, a vacancy to the end of its closing date in London, and an
// event until it is over.
func TestSearchFollowsTheClock(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		store := db.ForTenant(ctx, modelstest.Tenant(t, db, "highfives").ID)
		live := londonTime("2026-07-15 13:00")
		ends := londonTime("2026-07-15 16:00")
		if _, err := store.SavePost(testActor, 0, models.Post{Title: "Vaccine clinic dates", PublishedAt: &live}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.SaveVacancy(testActor, 0, 0, models.Vacancy{Title: "Vaccine nurse", ClosesOn: day("2026-07-15"), Published: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.SaveEvent(testActor, 0, 0, models.Event{Title: "Vaccine drop-in", StartsAt: londonTime("2026-07-15 09:00"), EndsAt: &ends, Published: true}); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			at   string
			want []string
		}{
			{"2026-07-15 12:59", []string{"Vaccine nurse", "Vaccine drop-in"}},
			{"2026-07-15 13:00", []string{"Vaccine clinic dates", "Vaccine nurse", "Vaccine drop-in"}},
			{"2026-07-15 16:00", []string{"Vaccine clinic dates", "Vaccine nurse"}},
			{"2026-07-15 23:59", []string{"Vaccine clinic dates", "Vaccine nurse"}},
			{"2026-07-16 00:00", []string{"Vaccine clinic dates"}}, // 23:00 UTC on the closing date
		}
		for _, st := range steps {
			results, err := store.Search("vaccine", londonTime(st.at))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, r := range results {
				got[r.Title] = true
			}
			if len(got) != len(st.want) {
				t.Errorf("at %s: found %v, want %v", st.at, got, st.want)
			}
			for _, w := range st.want {
				if !got[w] {
					t.Errorf("at %s: %q not found (found %v)", st.at, w, got)
				}
			}
		}
	})
}
