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

	// render renders path for the tenant, the page cache bypassed (a
	// request with an Authorization header: pagecache.Middleware), and
	// returns the statements it ran.
	render := func(t *testing.T, host, path string) []string {
		t.Helper()
		counter.Reset()
		r := s.get(t, host, path, "Authorization", "Bearer bypass-the-page-cache")
		if r.status != 200 {
			t.Fatalf("%s%s: %d, want 200; body %.300q", host, path, r.status, r.body)
		}
		if got := r.header.Get("Cache-Status"); got != "pcnweb; fwd=bypass" {
			t.Fatalf("%s%s: Cache-Status %q, want a bypass (a render)", host, path, got)
		}
		return counter.Statements()
	}
	// statements renders path for the tenant just after a publish (a new
	// generation: nothing of the tenant's is known in this process but its
	// host), and again at the same generation (its frame kept: Frames).
	statements := func(t *testing.T, slug, path string) (first, again []string) {
		t.Helper()
		host := slug + ".localhost"
		tn, err := s.resolver.Resolve(context.Background(), host)
		if err != nil {
			t.Fatal(err)
		}
		s.resolver.Advance(tn.ID, tn.Generation()+1)
		if _, err := s.resolver.Resolve(context.Background(), host); err != nil { // the host's mapping reloads: not the page's
			t.Fatal(err)
		}
		return render(t, host, path), render(t, host, path)
	}

	// framed is what a render at a generation already rendered saves: the
	// frame's reads (settings, published pages, menu, events, vacancies,
	// feedback settings, announcement, shared notices: two statements).
	const framed = 9
	type page struct {
		path string
		max  int // statements one render of the page may take
	}
	pages := []page{
		{"/", 16},
		{"/practices", 11},
		{"/practices/Y90001", 11},
		{"/services", 10},
		{"/services/service-1", 11},
		{"/team", 11},
		{"/enhanced-access", 12},
		{"/news", 11},
		{"/news/post-1", 11},
		{"/events", 10},
		{"/events/event-1", 10},
		{"/vacancies", 10},
		{"/vacancies/vacancy-1", 10},
		{"/contact", 10},
		{"/accessibility", 11},
		{"/privacy", 11},
		{"/cookies", 11},
		{"/search?q=service", 19},
		{"/sitemap.xml", 17},
		{"/about", 12},
		{"/news/feed.xml", 11},
	}
	for _, g := range site.GuidePages {
		max := 12
		if g.Path == "/complaints" { // also reads the ICB: the tenant and its domains
			max = 14
		}
		pages = append(pages, page{g.Path, max})
	}
	for _, p := range pages {
		t.Run(strings.TrimPrefix(p.path, "/"), func(t *testing.T) {
			fewFirst, fewAgain := statements(t, fewSite, p.path)
			manyFirst, manyAgain := statements(t, manySite, p.path)
			t.Logf("%-22s statements with %d of everything: %2d, again %2d; with %d: %2d, again %2d",
				p.path, few, len(fewFirst), len(fewAgain), many, len(manyFirst), len(manyAgain))
			for _, c := range []struct {
				when      string
				few, many []string
			}{{"after a publish", fewFirst, manyFirst}, {"again", fewAgain, manyAgain}} {
				if len(c.many) != len(c.few) {
					t.Errorf("%s %s: %d statements with %d of everything, %d with %d: a query per item (N+1)\nwith %d:\n  %s\nwith %d:\n  %s",
						p.path, c.when, len(c.few), few, len(c.many), many, few, strings.Join(c.few, "\n  "), many, strings.Join(c.many, "\n  "))
				}
			}
			if len(manyFirst) > p.max {
				t.Errorf("%s: %d statements after a publish, at most %d wanted:\n  %s", p.path, len(manyFirst), p.max, strings.Join(manyFirst, "\n  "))
			}
			if len(manyAgain) > len(manyFirst)-framed {
				t.Errorf("%s: %d statements again, the frame's %d not saved:\n  %s", p.path, len(manyAgain), framed, strings.Join(manyAgain, "\n  "))
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
