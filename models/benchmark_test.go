package models_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// The benchmark has 50 criteria in 3 sections; each is checked by software,
// provided by the platform, or left to a person with what to check.
func TestBenchmarkHasFiftyCriteriaInThreeSections(t *testing.T) {
	cs := models.Criteria()
	if len(cs) != 50 {
		t.Errorf("%d criteria, want 50", len(cs))
	}
	if len(models.BenchmarkSections) != 3 {
		t.Errorf("%d sections, want 3", len(models.BenchmarkSections))
	}
	perSection := map[int]int{}
	seen := map[string]bool{}
	for _, c := range cs {
		if seen[c.ID] {
			t.Errorf("criterion %s listed twice", c.ID)
		}
		seen[c.ID] = true
		perSection[c.Section]++
		if !strings.HasPrefix(c.ID, fmt.Sprintf("%d.", c.Section)) {
			t.Errorf("criterion %s is in section %d", c.ID, c.Section)
		}
		if strings.TrimSpace(c.Text) == "" {
			t.Errorf("criterion %s has no wording", c.ID)
		}
		kinds := 0
		for _, b := range []bool{c.Check != "", c.Platform, c.Person != ""} {
			if b {
				kinds++
			}
		}
		if kinds != 1 {
			t.Errorf("criterion %s must be exactly one of checked, platform or person: %+v", c.ID, c)
		}
		if c.Check != "" && len(c.Subjects) == 0 {
			t.Errorf("criterion %s is checked but names nothing to fix", c.ID)
		}
	}
	for _, s := range models.BenchmarkSections {
		if perSection[s.Number] == 0 {
			t.Errorf("section %d %q has no criteria", s.Number, s.Title)
		}
	}
	if len(perSection) != 3 {
		t.Errorf("criteria in sections %v", perSection)
	}
}

// practiceField changes the site's practice Y99001.
func practiceField(fn func(p *models.Practice)) func(*testing.T, *models.TenantDB) {
	return func(t *testing.T, store *models.TenantDB) {
		t.Helper()
		p, err := store.PracticeByODS("Y99001")
		if err != nil {
			t.Fatal(err)
		}
		fn(&p)
		if _, err := store.SavePractice(testActor, p.ID, p.Version, p); err != nil {
			t.Fatal(err)
		}
	}
}

// settingsField changes the site's settings.
func settingsField(fn func(s *models.SiteSettings)) func(*testing.T, *models.TenantDB) {
	return func(t *testing.T, store *models.TenantDB) {
		t.Helper()
		s, err := store.Settings()
		if err != nil {
			t.Fatal(err)
		}
		fn(&s)
		if _, err := store.SaveSettingsAt(testActor, s, s.Version, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
}

// withPage publishes a page at /extra with body.
func withPage(body string) func(*testing.T, *models.TenantDB) {
	return func(t *testing.T, store *models.TenantDB) {
		t.Helper()
		if _, err := store.PutPage(models.PageInput{By: testActor, Path: "/extra", Title: "Extra", BodyMD: body}); err != nil {
			t.Fatal(err)
		}
	}
}

// withPost saves a news item with body.
func withPost(body string) func(*testing.T, *models.TenantDB) {
	return func(t *testing.T, store *models.TenantDB) {
		t.Helper()
		if _, err := store.SavePost(testActor, 0, models.Post{Title: "Extra news", BodyMD: body}); err != nil {
			t.Fatal(err)
		}
	}
}

// withService publishes another service.
func withService(s models.Service) func(*testing.T, *models.TenantDB) {
	return func(t *testing.T, store *models.TenantDB) {
		t.Helper()
		s.Published = true
		if _, err := store.SaveService(testActor, 0, 0, s); err != nil {
			t.Fatal(err)
		}
	}
}

// withMenu replaces the menu with items of these paths.
func withMenu(paths ...string) func(*testing.T, *models.TenantDB) {
	return func(t *testing.T, store *models.TenantDB) {
		t.Helper()
		var nav []models.NavItem
		for _, p := range paths {
			nav = append(nav, models.NavItem{Title: "Item " + p, Path: p})
		}
		if len(nav) == 0 { // no items of its own: the site shows the standard menu
			current, fingerprint, err := store.Menu()
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range current {
				if err := store.RemoveMenuItem(testActor, fingerprint, it.ID); err != nil {
					t.Fatal(err)
				}
				if _, fingerprint, err = store.Menu(); err != nil {
					t.Fatal(err)
				}
			}
			return
		}
		setMenu(t, store, nav)
	}
}

func monthsAgo(n int) *time.Time {
	d := time.Now().AddDate(0, -n, 0).UTC().Truncate(24 * time.Hour)
	return &d
}

// Each checked criterion, from a complete site: a change that makes a gap
// (found, and only under that criterion, about an item its fix link can
// open), and changes close to it that are not gaps.
func TestBenchmarkChecksEachCriterion(t *testing.T) {
	type change = func(*testing.T, *models.TenantDB)
	type criterionCase struct {
		criterion string
		gaps      map[string]change // name → change that makes a gap
		passes    map[string]change // name → change that must not
	}
	tests := []criterionCase{
		{"1.04", map[string]change{
			"page":   withPage("Call us for an emergency appointment."),
			"news":   withPost("Emergency Appointments are on the day."),
			"plural": withService(models.Service{Name: "Minor illness", Summary: "Same-day care", WhoFor: "All", HowToAccess: "Ask for emergency  appointments at reception"}),
		}, map[string]change{
			"urgent wording": withPage("Ask for an urgent appointment. In an emergency, call 999."),
		}},
		{"1.14", map[string]change{"no phone": practiceField(func(p *models.Practice) { p.Phone = "" })}, nil},
		{"1.15", map[string]change{
			"no address":  practiceField(func(p *models.Practice) { p.Address = "" }),
			"no postcode": practiceField(func(p *models.Practice) { p.Postcode = "" }),
		}, nil},
		{"1.16", map[string]change{"a practice without hours": func(t *testing.T, s *models.TenantDB) {
			p := models.Practice{Name: "Nohours", ODSCode: "Y99003", Phone: "01632 960 003", Address: "2 Low Street", Postcode: "FF2 2AA", AccessibilityNotes: "Step-free"}
			models.SetPracticeLinksForTest(&p, "https://example.org/b")
			if _, err := s.SavePractice(testActor, 0, 0, p); err != nil {
				t.Fatal(err)
			}
		}}, nil},
		{"1.18", map[string]change{"no sessions": func(t *testing.T, s *models.TenantDB) {
			ss, _ := s.EASessions()
			for _, x := range ss {
				if err := s.DeleteEASession(testActor, x.ID); err != nil {
					t.Fatal(err)
				}
			}
		}}, nil},
		{"1.19", map[string]change{"a session without booking": func(t *testing.T, s *models.TenantDB) {
			if _, err := s.SaveEASessionByID(testActor, 0, 0, models.EASession{Weekdays: "6", StartsAt: 9 * 60, EndsAt: 17 * 60}); err != nil {
				t.Fatal(err)
			}
		}}, nil},
		{"2.01", map[string]change{
			"four items":  withMenu("/about", "/practices", "/services", "/contact"),
			"eight items": nil, // the menu editor refuses an eighth item
		}, map[string]change{
			"seven items":       withMenu("/about", "/practices", "/services", "/team", "/contact", "/enhanced-access", "/appointments"),
			"the standard menu": withMenu(),
		}},
		{"2.03", map[string]change{"news in the menu": withMenu("/about", "/practices", "/services", "/news", "/contact")}, nil},
		{"2.04", map[string]change{"a menu item to nowhere": withMenu("/about", "/practices", "/services", "/gone", "/contact")},
			map[string]change{"a menu item to a template page": withMenu("/about", "/practices", "/services", "/register", "/contact")}},
		{"2.10", map[string]change{
			"page":    withPage("Fill in an online consultation and we will triage it."),
			"service": withService(models.Service{Name: "Pharmacists", Summary: "Medicines reviews", WhoFor: "Adults", HowToAccess: "A clinician refers you"}),
		}, map[string]change{"plain words": withPage("Fill in our online form and a GP, nurse or pharmacist will read it.")}},
		{"2.11", map[string]change{
			"24-hour clock":   withPage("Open 08:00 to 18:30."),
			"needless :00":    withPage("Open from 8:00am."),
			"dot for a colon": withPage("Closes at 6.30pm."),
		}, map[string]change{
			"12-hour times":      withPage("Open 8am to 6:30pm, and 12:30pm on Saturday."),
			"money and versions": withPage("Prescriptions cost £9.90; see version 2.10."),
		}},
		{"2.12", map[string]change{
			"page": withPage("Read [our leaflet](https://example.org/leaflet.pdf)."),
			"news": withPost("Read [the report](https://example.org/Report.PDF?x=1)."),
		}, map[string]change{"a web page": withPage("Read [about us](/about).")}},
		{"2.14", map[string]change{"overdue review": func(t *testing.T, s *models.TenantDB) {
			if _, err := s.PutPage(models.PageInput{By: testActor, Path: "/old", Title: "Old", BodyMD: "Old words.", ReviewDue: monthsAgo(1)}); err != nil {
				t.Fatal(err)
			}
		}}, nil},
		{"2.15", map[string]change{
			"no how to access": withService(models.Service{Name: "Physiotherapy", Summary: "Muscles and joints", WhoFor: "Adults"}),
			"no who for":       withService(models.Service{Name: "Physiotherapy", Summary: "Muscles and joints", HowToAccess: "Refer yourself"}),
			"no services": func(t *testing.T, s *models.TenantDB) {
				ss, _ := s.AllServices()
				for _, x := range ss {
					if err := s.DeleteService(testActor, x.ID); err != nil {
						t.Fatal(err)
					}
				}
			},
		}, nil},
		{"2.16", map[string]change{"no description": settingsField(func(s *models.SiteSettings) { s.Description = "" })}, nil},
		{"3.01", map[string]change{"no dates": settingsField(func(s *models.SiteSettings) { s.StatementPrepared = nil })}, nil},
		{"3.02", map[string]change{"prepared 13 months ago": settingsField(func(s *models.SiteSettings) { s.StatementPrepared = monthsAgo(13) })},
			map[string]change{"reviewed since": settingsField(func(s *models.SiteSettings) { s.StatementPrepared, s.StatementReviewed = monthsAgo(13), monthsAgo(2) })}},
		{"3.03", map[string]change{"partial without issues": settingsField(func(s *models.SiteSettings) { s.AccessibilityIssues = "" })},
			map[string]change{"fully compliant": settingsField(func(s *models.SiteSettings) { s.AccessibilityStatus, s.AccessibilityIssues = "full", "" })}},
		{"3.04", map[string]change{"image without alt": withPage("![](/static/x.png)")}, nil},
		{"3.06", map[string]change{"broken link": withPost("See [this page](/no-such-page)."), "a file not in the library": withPage("![A map](/media/999/640.png)")}, map[string]change{"a template page": withPage("See [how to register](/register).")}},
		{"3.07", map[string]change{"click here": withPage("To book, [click here](/practices)."), "read more": withPost("[Read more…](/about)")},
			map[string]change{"descriptive": withPage("[How to book an appointment](/practices).")}},
		{"3.09", map[string]change{
			"no controller": settingsField(func(s *models.SiteSettings) { s.DataController = "" }),
			"no DPO":        settingsField(func(s *models.SiteSettings) { s.DPOContact = "" }),
		}, nil},
		{"3.11", map[string]change{"no phone or email": settingsField(func(s *models.SiteSettings) { s.Phone, s.Email = "", "" })},
			map[string]change{"email only": settingsField(func(s *models.SiteSettings) { s.Phone, s.Email = "", "team@example.nhs.uk" })}},
		{"3.12", map[string]change{"no access notes": practiceField(func(p *models.Practice) { p.AccessibilityNotes = "" })}, nil},
	}

	// Each practice link's criterion: a practice without that link.
	for id, clear := range models.PracticeLinkCriteriaForTest() {
		tests = append(tests, criterionCase{id, map[string]change{"a practice without the link": practiceField(clear)}, nil})
	}
	slices.SortStableFunc(tests, func(a, b criterionCase) int { return strings.Compare(a.criterion, b.criterion) })

	// Another check a criterion's gap cases make too: a statement without
	// its preparation date has no date of review either.
	also := map[string]string{"3.01": models.HealthStatementReview}

	criteria := map[string]models.Criterion{}
	var checked []string
	for _, c := range models.Criteria() {
		criteria[c.ID] = c
		if c.Check != "" {
			checked = append(checked, c.ID)
		}
	}
	var tested []string
	for _, tc := range tests {
		tested = append(tested, tc.criterion)
	}
	if !slices.Equal(checked, tested) {
		t.Errorf("checked criteria %v, tested %v: every checked criterion needs its cases", checked, tested)
	}

	dialects(t, func(t *testing.T, db *models.DB) {
		n := 0
		run := func(t *testing.T, fn change) []models.HealthIssue {
			n++
			store := db.ForTenant(context.Background(), modelstest.Tenant(t, db, fmt.Sprintf("site%d", n)).ID)
			completeSite(t, store)
			if fn != nil {
				fn(t, store)
			}
			issues, err := store.Health(time.Now())
			if err != nil {
				t.Fatal(err)
			}
			return issues
		}
		for _, tc := range tests {
			c := criteria[tc.criterion]
			for name, fn := range tc.gaps {
				if fn == nil {
					continue
				}
				t.Run(tc.criterion+" gap "+name, func(t *testing.T) {
					issues := run(t, fn)
					if !slices.ContainsFunc(issues, func(is models.HealthIssue) bool { return is.Check == c.Check }) {
						t.Fatalf("no gap found: %+v", issues)
					}
					for _, is := range issues {
						if is.Check == also[tc.criterion] {
							continue
						}
						if is.Check != c.Check || !slices.Contains(c.Subjects, is.Subject) || is.Message == "" || !utf8.ValidString(is.Message) {
							t.Errorf("finding %+v, want check %q about one of %v", is, c.Check, c.Subjects)
						}
					}
				})
			}
			for name, fn := range tc.passes {
				t.Run(tc.criterion+" pass "+name, func(t *testing.T) {
					if issues := run(t, fn); len(issues) != 0 {
						t.Errorf("findings: %+v", issues)
					}
				})
			}
		}
	})
}

// The report lists every criterion once, gaps first in each section, and
// counts what passes.
func TestBenchmarkReport(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	complete := db.ForTenant(ctx, modelstest.Tenant(t, db, "complete").ID)
	completeSite(t, complete)
	rep, err := complete.Benchmark(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var person, platform, checks int
	for _, c := range models.Criteria() {
		switch {
		case c.Platform:
			platform++
		case c.Check != "":
			checks++
		default:
			person++
		}
	}
	if rep.Gaps != 0 || rep.Checked != checks+platform || rep.Passing != rep.Checked || rep.Platform != platform || rep.Person != person || rep.Checked+rep.Person != 50 {
		t.Errorf("complete site: %+v (checks %d, platform %d, person %d)", rep, checks, platform, person)
	}

	empty := db.ForTenant(ctx, modelstest.Tenant(t, db, "empty").ID)
	rep, err = empty.Benchmark(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	gaps := 0
	for i, s := range rep.Sections {
		if s.Number != i+1 {
			t.Errorf("section %d in place %d", s.Number, i+1)
		}
		rank := 0
		for _, r := range s.Results {
			seen[r.ID] = true
			order := map[string]int{models.CriterionGap: 0, models.CriterionPass: 1, models.CriterionPlatform: 2, models.CriterionPerson: 3}[r.Status]
			if order < rank {
				t.Errorf("section %d: %s (%s) after a later kind", s.Number, r.ID, r.Status)
			}
			rank = order
			if (r.Status == models.CriterionGap) != (len(r.Issues) > 0) {
				t.Errorf("%s: status %s with %d issues", r.ID, r.Status, len(r.Issues))
			}
			if r.Status == models.CriterionGap {
				gaps++
			}
		}
	}
	if len(seen) != 50 || gaps != rep.Gaps || rep.Passing != rep.Checked-rep.Gaps {
		t.Errorf("empty site: %d criteria, %d gaps, report %+v", len(seen), gaps, rep)
	}
	// An empty site's standard menu and platform pass; its data does not.
	for _, s := range rep.Sections {
		for _, r := range s.Results {
			if r.ID == "2.01" && r.Status != models.CriterionPass {
				t.Errorf("standard menu: %s", r.Status)
			}
			if r.ID == "1.14" && r.Status != models.CriterionPass {
				t.Errorf("no practices, no practice without a phone: %s", r.Status)
			}
			if r.ID == "3.01" && r.Status != models.CriterionGap {
				t.Errorf("no statement date: %s", r.Status)
			}
		}
	}
}

func TestTimeProblems(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Open 8am to 6:30pm", nil},
		{"Open 08:00 to 18:30", []string{"08:00", "18:30"}},
		{"From 8:00am, and 8:00 am again", []string{"8:00am", "8:00 am"}},
		{"Closes 6.30pm", []string{"6.30pm"}},
		{"Costs £9.90, version 2.10, ratio 3:2", nil},
		{"Call 01632 960 000 at 12:30pm", nil},
		{"At 25:00 or 10:75", nil},
		{"Twice: 18:30 and 18:30", []string{"18:30"}},
	} {
		if got := models.TimeProblemsForTest(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestScanContentLinks(t *testing.T) {
	links, pdfs, vague, noAlt := models.ScanLinksForTest(`<p><a href="/b">Here</a> <a href="/a">About us</a> <a href="/b">b</a> <a href="//x.org/y">x</a>` +
		`<a href="/m/1/f.PDF">Leaflet</a> <a href="https://x.org/r.pdf#p2">click here</a> <a href="/a"><img src="/static/i.png"></a></p>`)
	if !slices.Equal(links, []string{"/a", "/b", "/m/1/f.PDF"}) || !slices.Equal(pdfs, []string{"/m/1/f.PDF", "https://x.org/r.pdf#p2"}) ||
		!slices.Equal(vague, []string{"Here", "click here"}) || noAlt != 1 {
		t.Errorf("links %q pdfs %q vague %q noAlt %d", links, pdfs, vague, noAlt)
	}
}

// Whatever the text, the time check ends, and each time it reports is in
// the text.
func FuzzTimeProblems(f *testing.F) {
	for _, s := range []string{"8am", "08:00", "8:00am", "6.30pm", "£1.50", "12:30 p.m.", "9:99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, p := range models.TimeProblemsForTest(text) {
			if !strings.Contains(text, p) {
				t.Errorf("%q reported in %q", p, text)
			}
		}
	})
}

// docs/nhs-guidance.md lists the criteria as the code does.
func TestBenchmarkTableInDocs(t *testing.T) {
	doc, err := os.ReadFile("../docs/nhs-guidance.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(doc), "\n") {
		cells := strings.Split(line, " | ")
		if len(cells) == 4 && strings.HasPrefix(line, "| ") {
			rows[strings.TrimPrefix(cells[0], "| ")] = line
		}
	}
	for _, c := range models.Criteria() {
		row, ok := rows[c.ID]
		if !ok {
			t.Errorf("docs/nhs-guidance.md has no row for criterion %s", c.ID)
			continue
		}
		how := "not checkable: "
		switch {
		case c.Platform:
			how = "provided by the platform"
		case c.Check != "":
			how = "checked by software (`" + c.Check + "`)"
		}
		want := fmt.Sprintf("| %s | %d | %s | %s", c.ID, c.Section, c.Text, how)
		if !strings.HasPrefix(row, want) {
			t.Errorf("docs/nhs-guidance.md row\n%s\nwant it to start\n%s", row, want)
		}
	}
}
