package site_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// TestCraftedQueryCannotPoisonThePlainSearch: the query string of issue 9,
// which url.ParseQuery refuses for its semicolon, is answered 400 on one
// replica, and a plain /search on the other (sharing PostgreSQL and Redis)
// never shows it. Before, the cache key dropped the unreadable query while
// the handler still read q, so the plain page's entry held "Search results
// for CALL 09099 000000 FOR YOUR VACCINE;".
func TestCraftedQueryCannotPoisonThePlainSearch(t *testing.T) {
	url := modelstest.NewURL(t)
	redisURL, prefix := testenv.Redis(t)
	a := newServer(t, serverOptions{dbURL: url, redisURL: redisURL, prefix: prefix})
	b := newServer(t, serverOptions{dbURL: url, redisURL: redisURL, prefix: prefix})
	modelstest.Tenant(t, a.db, "highfives")
	a.putPage(t, "highfives", "/about", "About us", "Five practices.") // a publish
	const crafted = "/search?q=CALL%2009099%20000000%20FOR%20YOUR%20VACCINE;"
	r := a.get(t, "highfives.localhost", crafted)
	if r.status != 400 || strings.Contains(r.body, "CALL 09099") {
		t.Fatalf("crafted query: %d, want 400 without its text; body %.300q", r.status, r.body)
	}
	for _, s := range []*server{b, a, b} {
		r := s.get(t, "highfives.localhost", "/search")
		if r.status != 200 || strings.Contains(r.body, "CALL 09099") || strings.Contains(r.body, "Search results for") {
			t.Fatalf("plain /search after the crafted query: %d %q shows it", r.status, r.header.Get("Cache-Status"))
		}
	}
}

// TestUnreadableQueryIs400: on any page, a query string url.ParseQuery
// refuses gets the tenant's themed 400 page saying what is wrong.
func TestUnreadableQueryIs400(t *testing.T) {
	s := newServer(t, serverOptions{})
	modelstest.Tenant(t, s.db, "highfives")
	s.putPage(t, "highfives", "/about", "About us", "Five practices.")
	tests := []struct{ path, reason string }{
		{"/search?q=flu;jab", "semicolon"},
		{"/?utm_source=mail;x", "semicolon"},
		{"/about?%zz", "percent sign"},
		{"/news?page=100%", "percent sign"},
		{"/no-such-page?a=%", "percent sign"},
	}
	for _, tt := range tests {
		r := s.get(t, "highfives.localhost", tt.path)
		if r.status != 400 || !strings.Contains(r.body, "There is a problem with the web address") || !strings.Contains(r.body, tt.reason) {
			t.Errorf("%s: %d, want the themed 400 page naming the %s; body %.400q", tt.path, r.status, tt.reason, r.body)
		}
		if !strings.Contains(r.body, "highfives PCN") || r.header.Get("Cache-Status") != "pcnweb; fwd=bypass" {
			t.Errorf("%s: not the tenant's page, or Cache-Status %q", tt.path, r.header.Get("Cache-Status"))
		}
	}
	// The same pages with a readable query are served.
	for _, p := range []string{"/search?q=flu%3Bjab", "/about?a=%25"} {
		if r := s.get(t, "highfives.localhost", p); r.status != 200 {
			t.Errorf("%s: %d, want 200", p, r.status)
		}
	}
}

// TestUndeclaredParamsShareThePlainPageEntry: tracking parameters and any
// other parameter a page does not read are not part of its cache key (one
// entry, one render) and do not reach the handler.
func TestUndeclaredParamsShareThePlainPageEntry(t *testing.T) {
	clk := &clock{t: london("2026-11-24 10:00")}
	s := newServer(t, serverOptions{now: clk.now})
	tn := modelstest.Tenant(t, s.db, "highfives")
	s.putPage(t, "highfives", "/about", "About us", "Five practices.")
	published := london("2026-11-20 09:00")
	if _, err := s.db.ForTenant(context.Background(), tn.ID).SavePost(testActor, 0, models.Post{Title: "Flu jabs", PublishedAt: &published}); err != nil {
		t.Fatal(err)
	}
	steps := []struct{ path, cache, contains string }{
		{"/about", "pcnweb; fwd=miss", "Five practices."},
		{"/about?utm_source=newsletter&fbclid=abc", "pcnweb; hit", "Five practices."},
		{"/search?q=flu&utm_source=newsletter", "pcnweb; fwd=miss", "Flu jabs"},
		{"/search?utm_campaign=winter&q=flu", "pcnweb; hit", "Flu jabs"},
		{"/search?q=flu", "pcnweb; hit", "Flu jabs"},
		{"/search?utm_source=newsletter", "pcnweb; fwd=miss", "Search"},
		{"/search", "pcnweb; hit", "Search"},
	}
	for _, st := range steps {
		r := s.get(t, "highfives.localhost", st.path)
		if r.status != 200 || r.header.Get("Cache-Status") != st.cache || !strings.Contains(r.body, st.contains) {
			t.Errorf("%s: %d %q, want 200 %q with %q", st.path, r.status, r.header.Get("Cache-Status"), st.cache, st.contains)
		}
	}
	// A name the page does not declare is not read, whatever it looks like.
	if r := s.get(t, "highfives.localhost", "/search?Q=flu"); strings.Contains(r.body, "Flu jabs") {
		t.Error("/search?Q=flu searched: the handler read an undeclared parameter")
	}
}

// TestHandlersReadQueryOnlyThroughDeclaredParams: the site's handlers read
// query values only with pagecache.Param, which refuses (panics on) a name
// the route does not declare, so a handler cannot come to depend on a
// parameter the cache key leaves out. (The request's query string is cut to
// the declared parameters anyway; this makes reading another one fail
// loudly instead of reading nothing.)
func TestHandlersReadQueryOnlyThroughDeclaredParams(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	direct := map[string]bool{"Query": true, "Queries": true, "QueryParser": true, "QueryArgs": true, "QueryString": true,
		"QueryInt": true, "QueryBool": true, "QueryFloat": true, "OriginalURL": true}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && direct[sel.Sel.Name] {
					t.Errorf("%s: reads the query with %s; use pagecache.Param with a name the route declares", fset.Position(call.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
	}
}

// TestScheduledPostIsFoundOnTime: a news item scheduled for 10am is found by
// the site search from 10am, although the search page was cached before
// (and likewise on the home page and the news list).
func TestScheduledPostIsFoundOnTime(t *testing.T) {
	clk := &clock{t: london("2026-11-24 09:00")}
	s := newServer(t, serverOptions{now: clk.now})
	tn := modelstest.Tenant(t, s.db, "highfives")
	live := london("2026-11-24 10:00")
	if _, err := s.db.ForTenant(context.Background(), tn.ID).SavePost(testActor, 0, models.Post{Title: "Flu clinic dates", BodyMD: "Saturday clinics.", PublishedAt: &live}); err != nil {
		t.Fatal(err)
	}
	paths := []string{"/search?q=flu", "/", "/news"}
	for _, p := range paths {
		for range 2 { // the second from the cache
			if r := s.get(t, "highfives.localhost", p); r.status != 200 || strings.Contains(r.body, "Flu clinic dates") {
				t.Fatalf("9am %s: %d, shows the news item before its time", p, r.status)
			}
		}
	}
	if r := s.get(t, "highfives.localhost", "/search?q=flu"); r.header.Get("Cache-Status") != "pcnweb; hit" {
		t.Fatalf("9am /search?q=flu not cached: %q", r.header.Get("Cache-Status"))
	}
	clk.set(london("2026-11-24 09:59"))
	if r := s.get(t, "highfives.localhost", "/search?q=flu"); r.header.Get("Cache-Status") != "pcnweb; hit" {
		t.Errorf("9:59 /search?q=flu: %q, want a hit (nothing changed yet)", r.header.Get("Cache-Status"))
	}
	clk.set(live)
	for _, p := range paths {
		if r := s.get(t, "highfives.localhost", p); !strings.Contains(r.body, "Flu clinic dates") {
			t.Errorf("10am %s (%s): the news item that went live is not shown", p, r.header.Get("Cache-Status"))
		}
	}
}

// TestVacancyClosingOnSearchAndLists: a vacancy is found and listed to the
// end of its closing date (London time), and at midnight it is gone from
// the search, the list and the sitemap, cached or not.
func TestVacancyClosingOnSearchAndLists(t *testing.T) {
	for _, tt := range []struct{ closes, last, midnight string }{
		{"2026-11-30", "2026-11-30 23:59", "2026-12-01 00:00"},
		{"2026-07-31", "2026-07-31 23:59", "2026-08-01 00:00"}, // summer time: 23:00 UTC
	} {
		t.Run(tt.closes, func(t *testing.T) {
			clk := &clock{t: london(tt.last)}
			s := newServer(t, serverOptions{now: clk.now})
			tn := modelstest.Tenant(t, s.db, "highfives")
			if _, err := s.db.ForTenant(context.Background(), tn.ID).SaveVacancy(testActor, 0, 0, models.Vacancy{Title: "Clinical pharmacist", ClosesOn: date(tt.closes), Published: true}); err != nil {
				t.Fatal(err)
			}
			pages := []struct{ path, shows string }{
				{"/search?q=pharmacist", "Clinical pharmacist"},
				{"/vacancies", "Clinical pharmacist"},
				{"/sitemap.xml", "/vacancies/clinical-pharmacist"},
			}
			for _, p := range pages {
				for range 2 {
					if r := s.get(t, "highfives.localhost", p.path); !strings.Contains(r.body, p.shows) {
						t.Fatalf("%s %s: the open vacancy is missing", tt.last, p.path)
					}
				}
			}
			clk.set(london(tt.midnight))
			for _, p := range pages {
				if r := s.get(t, "highfives.localhost", p.path); strings.Contains(r.body, p.shows) {
					t.Errorf("%s %s (%s): the closed vacancy is still shown", tt.midnight, p.path, r.header.Get("Cache-Status"))
				}
			}
			if r := s.get(t, "highfives.localhost", "/vacancies/clinical-pharmacist"); r.status != 404 {
				t.Errorf("closed vacancy page: %d, want 404", r.status)
			}
		})
	}
}

// TestEventEndingOnSearchAndLists: an event is found by the search until it
// ends, and moves from upcoming to past on the events page then, cached or
// not.
func TestEventEndingOnSearchAndLists(t *testing.T) {
	clk := &clock{t: london("2026-12-05 11:00")}
	s := newServer(t, serverOptions{now: clk.now})
	tn := modelstest.Tenant(t, s.db, "highfives")
	ends := london("2026-12-05 12:00")
	if _, err := s.db.ForTenant(context.Background(), tn.ID).SaveEvent(testActor, 0, 0, models.Event{Title: "Flu clinic", StartsAt: london("2026-12-05 09:00"), EndsAt: &ends, Published: true}); err != nil {
		t.Fatal(err)
	}
	upcoming := func(body string) bool {
		before, _, _ := strings.Cut(body, "Past events")
		return strings.Contains(before, "Flu clinic")
	}
	for range 2 {
		if r := s.get(t, "highfives.localhost", "/search?q=flu"); !strings.Contains(r.body, "Flu clinic") {
			t.Fatal("11am: the event on now is not found")
		}
		if r := s.get(t, "highfives.localhost", "/events"); !upcoming(r.body) {
			t.Fatal("11am: the event on now is not upcoming")
		}
	}
	clk.set(ends)
	if r := s.get(t, "highfives.localhost", "/search?q=flu"); strings.Contains(r.body, "Flu clinic") {
		t.Errorf("noon (%s): the search still finds the event that ended", r.header.Get("Cache-Status"))
	}
	if r := s.get(t, "highfives.localhost", "/events"); upcoming(r.body) || !strings.Contains(r.body, "Flu clinic") {
		t.Errorf("noon (%s): the event that ended is not under past events", r.header.Get("Cache-Status"))
	}
}
