package site_test

import (
	"context"
	"encoding/xml"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// clock is an injected, settable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func london(s string) time.Time {
	loc, _ := time.LoadLocation("Europe/London")
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// seedPractice adds a practice open 8am–6:30pm on weekdays.
func seedPractice(t *testing.T, store *models.TenantDB, ods, name string) {
	t.Helper()
	week := models.WeeklyHours{}
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday"} {
		week[d] = []models.ClockSpan{{Open: "08:00", Close: "18:30"}}
	}
	if _, err := store.SavePractice(testActor, 0, 0, models.Practice{ODSCode: ods, Name: name, Address: "1 High Street\nLeeds", Postcode: "LS1 1AA",
		Phone: "0113 496 0000", Hours: models.EncodeHours(week), ClosedOnBankHolidays: true}); err != nil {
		t.Fatal(err)
	}
}

// TestOpenNowIsNeverStale: the open/closed state is computed in London time
// and a cached page is rendered again the moment the state changes.
func TestOpenNowIsNeverStale(t *testing.T) {
	clk := &clock{t: london("2026-11-24 17:00")} // a Tuesday
	s := newServer(t, serverOptions{now: clk.now})
	tn := modelstest.Tenant(t, s.db, "highfives")
	store := s.db.ForTenant(context.Background(), tn.ID)
	seedPractice(t, store, "Y99001", "Fivefields Medical Centre")
	p, err := store.PracticeByODS("Y99001")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SaveException(testActor, p.ID, 0, 0, models.PracticeException{StartsOn: date("2026-11-26"), EndsOn: date("2026-11-26"), Closed: true, Reason: "Staff training"}, nil); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		at    string
		want  string
		cache string
	}{
		{"2026-11-24 17:00", "Open now", "pcnweb; fwd=miss"},
		{"2026-11-24 18:29", "Open now", "pcnweb; hit"},
		{"2026-11-24 18:30", "Closed now", "pcnweb; fwd=miss"}, // closing time: re-rendered at once
		{"2026-11-24 23:00", "Closed now", "pcnweb; hit"},
		{"2026-11-25 08:00", "Open now", "pcnweb; fwd=miss"},
		{"2026-11-26 10:00", "Staff training", "pcnweb; fwd=miss"}, // the exception day
		{"2026-12-25 10:00", "Closed", "pcnweb; fwd=miss"},         // Christmas Day, a bank holiday
		{"2027-03-29 12:00", "Easter Monday", "pcnweb; fwd=miss"},  // a bank holiday, the day after the clocks went forward
		{"2027-03-30 18:29", "Open now", "pcnweb; fwd=miss"},       // British Summer Time: 18:29 BST is 17:29 UTC
	}
	for _, st := range steps {
		clk.set(london(st.at))
		for _, path := range []string{"/practices/Y99001", "/practices", "/"} {
			r := s.get(t, "highfives.localhost", path)
			if r.status != 200 || !strings.Contains(r.body, st.want) {
				t.Errorf("%s %s: status %d, want %q in the page", st.at, path, r.status, st.want)
			}
			if path == "/practices/Y99001" && r.header.Get("Cache-Status") != st.cache {
				t.Errorf("%s %s: Cache-Status %q, want %q", st.at, path, r.header.Get("Cache-Status"), st.cache)
			}
		}
	}
}

// TestVacancyDisappearsAfterClosingDate: a cached vacancy list drops the
// vacancy at midnight after its closing date, London time.
func TestVacancyDisappearsAfterClosingDate(t *testing.T) {
	clk := &clock{t: london("2026-11-30 23:59")}
	s := newServer(t, serverOptions{now: clk.now})
	tn := modelstest.Tenant(t, s.db, "highfives")
	store := s.db.ForTenant(context.Background(), tn.ID)
	if _, err := store.SaveVacancy(testActor, 0, 0, models.Vacancy{Title: "Clinical pharmacist", ClosesOn: date("2026-11-30"), Published: true}); err != nil {
		t.Fatal(err)
	}
	if r := s.get(t, "highfives.localhost", "/vacancies"); !strings.Contains(r.body, "Clinical pharmacist") {
		t.Fatal("open vacancy not listed")
	}
	if r := s.get(t, "highfives.localhost", "/vacancies/clinical-pharmacist"); r.status != 200 {
		t.Fatalf("open vacancy page: %d", r.status)
	}
	clk.set(london("2026-12-01 00:00"))
	if r := s.get(t, "highfives.localhost", "/vacancies"); strings.Contains(r.body, "Clinical pharmacist") {
		t.Error("closed vacancy still listed (stale cache?)")
	}
	if r := s.get(t, "highfives.localhost", "/vacancies/clinical-pharmacist"); r.status != 404 {
		t.Errorf("closed vacancy page: %d, want 404", r.status)
	}
}

// TestBadDataRendersCleanly: an empty site, a practice without hours and an
// event without an end all render every page.
func TestBadDataRendersCleanly(t *testing.T) {
	clk := &clock{t: london("2026-11-24 10:00")}
	s := newServer(t, serverOptions{now: clk.now})
	modelstest.Tenant(t, s.db, "empty")
	tn := modelstest.Tenant(t, s.db, "sparse")
	store := s.db.ForTenant(context.Background(), tn.ID)
	if _, err := store.SavePractice(testActor, 0, 0, models.Practice{ODSCode: "Y99009", Name: "No Hours Surgery"}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.SaveEvent(testActor, 0, 0, models.Event{Title: "Open afternoon", StartsAt: london("2026-12-02 14:00"), Published: true}); err != nil {
		t.Fatal(err)
	}
	paths := []string{"/", "/practices", "/services", "/team", "/enhanced-access", "/news", "/news/feed.xml", "/events", "/vacancies",
		"/contact", "/accessibility", "/privacy", "/cookies", "/search", "/search?q=anything", "/sitemap.xml", "/robots.txt"}
	for _, host := range []string{"empty.localhost", "sparse.localhost"} {
		for _, p := range paths {
			if r := s.get(t, host, p); r.status != 200 {
				t.Errorf("%s%s: %d", host, p, r.status)
			}
		}
	}
	if r := s.get(t, "sparse.localhost", "/practices/Y99009"); r.status != 200 || !strings.Contains(r.body, "No Hours Surgery") {
		t.Errorf("practice without hours: %d", r.status)
	}
	if r := s.get(t, "sparse.localhost", "/events/open-afternoon"); r.status != 200 {
		t.Errorf("event without end: %d", r.status)
	}
	if r := s.get(t, "sparse.localhost", "/events/open-afternoon.ics"); r.status != 200 || !strings.Contains(r.body, "BEGIN:VEVENT") {
		t.Errorf("ics of event without end: %d %q", r.status, r.body)
	}
}

// TestMachineReadableFormats: the Atom feed, the sitemap and robots.txt are
// well-formed and point at the tenant's canonical host.
func TestMachineReadableFormats(t *testing.T) {
	clk := &clock{t: london("2026-11-24 10:00")}
	s := newServer(t, serverOptions{now: clk.now})
	tn := modelstest.Tenant(t, s.db, "highfives")
	store := s.db.ForTenant(context.Background(), tn.ID)
	published := london("2026-11-20 09:00")
	future := london("2026-12-20 09:00")
	for _, p := range []models.Post{
		{Title: "Flu jabs & more", Summary: "Book now", BodyMD: "Come <b>in</b>", PublishedAt: &published},
		{Title: "Scheduled", BodyMD: "later", PublishedAt: &future},
	} {
		if _, err := store.SavePost(testActor, 0, p); err != nil {
			t.Fatal(err)
		}
	}
	var feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Entries []struct {
			Title string `xml:"title"`
			Link  struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	r := s.get(t, "highfives.localhost", "/news/feed.xml")
	if err := xml.Unmarshal([]byte(r.body), &feed); err != nil {
		t.Fatalf("feed does not parse: %v\n%s", err, r.body)
	}
	if len(feed.Entries) != 1 || feed.Entries[0].Title != "Flu jabs & more" || feed.Entries[0].Link.Href != "http://highfives.localhost/news/flu-jabs-more" {
		t.Errorf("feed entries = %+v, want only the published post", feed.Entries)
	}
	var sm struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(s.get(t, "highfives.localhost", "/sitemap.xml").body), &sm); err != nil {
		t.Fatal(err)
	}
	locs := map[string]bool{}
	for _, u := range sm.URLs {
		locs[u.Loc] = true
	}
	for _, want := range []string{"http://highfives.localhost/", "http://highfives.localhost/news/flu-jabs-more", "http://highfives.localhost/accessibility"} {
		if !locs[want] {
			t.Errorf("sitemap lacks %s", want)
		}
	}
	if locs["http://highfives.localhost/news/scheduled"] {
		t.Error("sitemap lists a scheduled post")
	}
	if rb := s.get(t, "highfives.localhost", "/robots.txt").body; !strings.Contains(rb, "Sitemap: http://highfives.localhost/sitemap.xml") || !strings.Contains(rb, "Disallow: /admin") {
		t.Errorf("robots.txt = %q", rb)
	}
	// The scheduled post appears when its time comes, despite the cache.
	clk.set(future)
	if r := s.get(t, "highfives.localhost", "/news"); !strings.Contains(r.body, "Scheduled") {
		t.Error("scheduled post not shown once due")
	}
}

// TestLegalPagesGeneratedUnlessOverridden.
func TestLegalPagesGeneratedUnlessOverridden(t *testing.T) {
	s := newServer(t, serverOptions{})
	tn := modelstest.Tenant(t, s.db, "highfives")
	store := s.db.ForTenant(context.Background(), tn.ID)
	settings, _ := store.Settings()
	settings.Email, settings.AccessibilityStatus, settings.AccessibilityIssues = "team@highfives.example", "partial", "Some PDFs are not accessible"
	if _, err := store.SaveSettingsAt(testActor, settings, settings.Version, time.Now()); err != nil {
		t.Fatal(err)
	}
	if r := s.get(t, "highfives.localhost", "/accessibility"); !strings.Contains(r.body, "Some PDFs are not accessible") || !strings.Contains(r.body, "Equality and Human Rights Commission") {
		t.Errorf("generated accessibility statement lacks the tenant's facts")
	}
	if r := s.get(t, "highfives.localhost", "/privacy"); !strings.Contains(r.body, "National Data Opt-out") && !strings.Contains(r.body, "national data opt-out") {
		t.Errorf("privacy notice lacks the National Data Opt-out")
	}
	s.putPage(t, "highfives", "/privacy", "Our privacy notice", "Written by our DPO.")
	if r := s.get(t, "highfives.localhost", "/privacy"); !strings.Contains(r.body, "Written by our DPO.") {
		t.Errorf("manager's privacy notice does not override the generated one")
	}
}

// TestEveryPageParses: each page type is well-formed HTML with one h1.
func TestEveryPageParses(t *testing.T) {
	clk := &clock{t: london("2026-11-24 10:00")}
	s := newServer(t, serverOptions{now: clk.now})
	tn := modelstest.Tenant(t, s.db, "highfives")
	store := s.db.ForTenant(context.Background(), tn.ID)
	seedPractice(t, store, "Y99001", "Fivefields Medical Centre")
	if _, err := store.SaveService(testActor, 0, 0, models.Service{Name: "Social prescribing", Summary: "Help with things that affect your health", Published: true}); err != nil {
		t.Fatal(err)
	}
	pub := london("2026-11-01 09:00")
	if _, err := store.SavePost(testActor, 0, models.Post{Title: "New pharmacist", PublishedAt: &pub}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.SaveEvent(testActor, 0, 0, models.Event{Title: "Flu clinic", StartsAt: london("2026-12-05 09:00"), Published: true}); err != nil {
		t.Fatal(err)
	}
	s.putPage(t, "highfives", "/about", "About us", "# Who we are\n\nFive practices.")
	for _, p := range []string{"/", "/about", "/practices", "/practices/Y99001", "/services", "/services/social-prescribing", "/team",
		"/enhanced-access", "/news", "/news/new-pharmacist", "/events", "/events/flu-clinic", "/vacancies", "/contact",
		"/accessibility", "/privacy", "/cookies", "/search?q=pharmacist", "/no-such-page"} {
		r := s.get(t, "highfives.localhost", p)
		doc, err := html.Parse(strings.NewReader(r.body))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if n := countTag(doc, "h1"); n != 1 {
			t.Errorf("%s: %d h1 elements, want 1", p, n)
		}
	}
	if r := s.get(t, "highfives.localhost", "/search?q=pharmacist"); !strings.Contains(r.body, "New pharmacist") {
		t.Error("search does not find the news post")
	}
}

func countTag(n *html.Node, tag string) int {
	c := 0
	if n.Type == html.ElementNode && n.Data == tag {
		c++
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		c += countTag(ch, tag)
	}
	return c
}

// testActor makes the tests' own changes: every content write says who makes it.
var testActor = models.Actor{Name: "test@example.nhs.uk"}
