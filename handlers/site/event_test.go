package site_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/internal/demo"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// TestEventSaysWhereOnce: an online event whose place already says so
// reads "Online video call", not "Online video call, and online"; a place
// with an online option too says both, once each.
func TestEventSaysWhereOnce(t *testing.T) {
	clk := &clock{t: london("2026-11-24 10:00")}
	s := newServer(t, serverOptions{now: clk.now})
	tn := modelstest.Tenant(t, s.db, "highfives")
	store := s.db.ForTenant(context.Background(), tn.ID)
	for _, e := range []models.Event{
		{Slug: "ask-a-gp", Title: "Ask a GP", StartsAt: london("2026-12-02 18:30"), Online: true, Location: "Online video call", Published: true},
		{Slug: "talk", Title: "Diabetes talk", StartsAt: london("2026-12-03 18:30"), Online: true, Location: "Riverside Library", Published: true},
		{Slug: "webinar", Title: "Webinar", StartsAt: london("2026-12-04 18:30"), Online: true, Published: true},
	} {
		if _, err := store.SaveEvent(testActor, 0, 0, e); err != nil {
			t.Fatal(err)
		}
	}
	for path, want := range map[string]string{
		"/events/ask-a-gp": "Online video call</dd>",
		"/events/talk":     "Riverside Library, and online</dd>",
		"/events/webinar":  ">Online</dd>",
	} {
		r := s.get(t, "highfives.localhost", path)
		if r.status != 200 || !strings.Contains(r.body, want) {
			t.Errorf("%s: %d, want %q", path, r.status, want)
		}
	}
	r := s.get(t, "highfives.localhost", "/events")
	if strings.Contains(r.body, "call, and online") || !strings.Contains(r.body, "Riverside Library, and online") {
		t.Errorf("/events says an online call is online twice, or forgets the library's online option")
	}
}

// TestEventsAndVacanciesAreReachable: Moorland (the demo tenant with its own
// menu) has an upcoming event, and before no link on its home page, menu,
// footer or news reached it. Now the home page lists the next events and
// the news links to them (and to open vacancies); a tenant without its
// own menu has "Events" in it; a tenant with neither gets no dead links.
func TestEventsAndVacanciesAreReachable(t *testing.T) {
	s := newServer(t, serverOptions{})
	if _, err := demo.Seed(context.Background(), s.db); err != nil {
		t.Fatal(err)
	}
	modelstest.Tenant(t, s.db, "quiet") // no events, no vacancies
	links := func(host, path string) map[string]bool {
		t.Helper()
		r := s.get(t, host, path)
		if r.status != 200 {
			t.Fatalf("%s%s: %d", host, path, r.status)
		}
		out := map[string]bool{}
		for _, m := range hrefRE.FindAllStringSubmatch(r.body, -1) {
			out[m[1]] = true
		}
		return out
	}
	home := links("moorland.localhost", "/")
	if !home["/events/village-health-morning"] || !home["/events"] {
		t.Errorf("Moorland's home page does not link to its event and to all events")
	}
	if !links("moorland.localhost", "/news")["/events"] {
		t.Errorf("Moorland's news does not link to the events")
	}
	// Riverside has no menu of its own: the default one has Events.
	if !strings.Contains(s.get(t, "riverside.localhost", "/practices").body, `<a class="nhsuk-header__navigation-link" href="/events"`) {
		t.Errorf("the default menu has no Events while an event is to come")
	}
	// High Fives has open vacancies: the footer and the news link to them.
	if !links("highfives.localhost", "/contact")["/vacancies"] || !links("highfives.localhost", "/news")["/vacancies"] {
		t.Errorf("High Fives's open vacancies are not linked from the footer and the news")
	}
	for _, path := range []string{"/", "/news", "/practices"} {
		l := links("quiet.localhost", path)
		if l["/events"] || l["/vacancies"] {
			t.Errorf("quiet%s links to events or vacancies it does not have", path)
		}
	}
}

var hrefRE = regexp.MustCompile(`href="([^"]*)"`)
