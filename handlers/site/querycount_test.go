package site_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/handlers/site"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// TestQueriesPerPageDoNotGrowWithContent renders every public page type
// (the page cache bypassed, so each request is a render) for two tenants
// alike but for how much they have: one with 2 of everything (practices,
// services, staff, news, events, vacancies, pages, images in a body), one
// with 20. Each page must take the same number of SQL statements for both
// (a query per item in a loop, N+1, would grow with the items) and no more
// than its bound. Run with -v to see the counts.
func TestQueriesPerPageDoNotGrowWithContent(t *testing.T) {
	s := newServer(t, serverOptions{})
	const few, many = 2, 20
	fewSite := seedCounted(t, s, "fewsite", few)
	manySite := seedCounted(t, s, "manysite", many)

	counter := &models.StatementCounter{}
	s.db.CountStatements(counter)
	t.Cleanup(func() { s.db.CountStatements(nil) })

	// statements renders path for the tenant and counts what it ran. A
	// request with an Authorization header bypasses the page cache
	// (pagecache.Middleware), so every request renders.
	statements := func(t *testing.T, slug, path string) (int, []string) {
		t.Helper()
		host := slug + ".localhost"
		s.get(t, host, "/robots.txt") // the resolver knows the tenant: its lookup is not the page's
		counter.Reset()
		r := s.get(t, host, path, "Authorization", "Bearer bypass-the-page-cache")
		if r.status != 200 {
			t.Fatalf("%s%s: %d, want 200; body %.300q", host, path, r.status, r.body)
		}
		if got := r.header.Get("Cache-Status"); got != "pcnweb; fwd=bypass" {
			t.Fatalf("%s%s: Cache-Status %q, want a bypass (a render)", host, path, got)
		}
		return counter.Count(), counter.Statements()
	}

	type page struct {
		path string
		max  int // statements one render of the page may take
	}
	pages := []page{
		{"/", 12},
		{"/practices", 11},
		{"/practices/Y90001", 12},
		{"/services", 11},
		{"/services/" + "service-1", 12},
		{"/team", 11},
		{"/enhanced-access", 12},
		{"/news", 12},
		{"/news/post-1", 11},
		{"/events", 10},
		{"/events/event-1", 11},
		{"/vacancies", 10},
		{"/vacancies/vacancy-1", 11},
		{"/contact", 11},
		{"/accessibility", 12},
		{"/privacy", 12},
		{"/cookies", 12},
		{"/search?q=service", 12},
		{"/sitemap.xml", 10},
		{"/about", 11},
		{"/news/feed.xml", 10},
	}
	for _, g := range site.GuidePages {
		pages = append(pages, page{g.Path, 12})
	}
	counts := map[string]int{}
	for _, p := range pages {
		t.Run(strings.TrimPrefix(p.path, "/"), func(t *testing.T) {
			nFew, sqlFew := statements(t, fewSite, p.path)
			nMany, sqlMany := statements(t, manySite, p.path)
			counts[p.path] = nFew
			t.Logf("%-28s %2d statements with %d of everything, %2d with %d", p.path, nFew, few, nMany, many)
			if nMany != nFew {
				t.Errorf("%s: %d statements with %d of everything, %d with %d: a query per item (N+1)\nwith %d:\n  %s\nwith %d:\n  %s",
					p.path, nFew, few, nMany, many, few, strings.Join(sqlFew, "\n  "), many, strings.Join(sqlMany, "\n  "))
			}
			if nMany > p.max {
				t.Errorf("%s: %d statements, at most %d wanted:\n  %s", p.path, nMany, p.max, strings.Join(sqlMany, "\n  "))
			}
		})
	}
}

// seedCounted makes tenant slug with n of every kind of content: practices
// (Y90001…), services (service-1…) with staff, news (post-1…), events
// (event-1…), vacancies (vacancy-1…), n pages (the menu links to up to
// models.MaxNavItems of them), and an
// /about page and a news item each showing n library images.
func seedCounted(t *testing.T, s *server, slug string, n int) string {
	t.Helper()
	ctx := context.Background()
	store := s.db.ForTenant(ctx, modelstest.Tenant(t, s.db, slug).ID)
	now := time.Now()
	var images strings.Builder
	for i := 1; i <= n; i++ {
		m, err := store.AddMedia(testActor, models.Media{Kind: models.MediaImage, Filename: fmt.Sprintf("photo%d.jpg", i), ContentType: "image/jpeg",
			Alt: fmt.Sprintf("Photo %d", i), Widths: "320,640", Width: 1280, Height: 960}, func(models.Media) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&images, "![Photo %d](/media/%d/640.jpg)\n\n", i, m.ID)
	}
	week := models.WeeklyHours{}
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday"} {
		week[d] = []models.ClockSpan{{Open: "08:00", Close: "18:30"}}
	}
	for i := 1; i <= n; i++ {
		p, err := store.SavePractice(testActor, 0, 0, models.Practice{ODSCode: fmt.Sprintf("Y9%04d", i), Name: fmt.Sprintf("Practice %d", i),
			Address: "1 High Street\nLeeds", Postcode: "LS1 1AA", Phone: "0113 496 0000", Hours: models.EncodeHours(week), ClosedOnBankHolidays: true,
			AppointmentsURL: "https://example.org/book", OnlineConsultationURL: "https://example.org/ask"})
		if err != nil {
			t.Fatal(err)
		}
		day := now.AddDate(0, 0, 3+i)
		if _, err := store.SaveException(testActor, p.ID, 0, 0, models.PracticeException{StartsOn: day, EndsOn: day, Closed: true, Reason: "Staff training"}, nil); err != nil {
			t.Fatal(err)
		}
		svc, err := store.SaveService(testActor, 0, 0, models.Service{Slug: fmt.Sprintf("service-%d", i), Name: fmt.Sprintf("Service %d", i),
			Summary: "A service", BodyMD: "What the service does.", Published: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.SaveStaffByID(testActor, 0, 0, models.StaffMember{Name: fmt.Sprintf("Person %d", i), Role: "Pharmacist", ServiceID: &svc.ID}); err != nil {
			t.Fatal(err)
		}
		body := "News."
		if i == 1 {
			body = images.String()
		}
		pub := now.Add(-time.Duration(i) * time.Hour)
		if _, err := store.SavePost(testActor, 0, models.Post{Slug: fmt.Sprintf("post-%d", i), Title: fmt.Sprintf("Post %d", i), Summary: "News", BodyMD: body, PublishedAt: &pub}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.SaveEvent(testActor, 0, 0, models.Event{Slug: fmt.Sprintf("event-%d", i), Title: fmt.Sprintf("Event %d", i),
			StartsAt: now.AddDate(0, 0, i), Location: "The surgery", Published: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.SaveVacancy(testActor, 0, 0, models.Vacancy{Slug: fmt.Sprintf("vacancy-%d", i), Title: fmt.Sprintf("Vacancy %d", i),
			ClosesOn: now.AddDate(0, 1, i), Published: true}); err != nil {
			t.Fatal(err)
		}
		s.putPage(t, slug, fmt.Sprintf("/page-%d", i), fmt.Sprintf("Page %d", i), "A page.")
		if i > models.MaxNavItems {
			continue
		}
		_, fp, err := store.Menu()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.AddMenuItem(testActor, fp, fmt.Sprintf("Page %d", i), fmt.Sprintf("/page-%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	s.putPage(t, slug, "/about", "About us", "Our practices.\n\n"+images.String())
	return slug
}
