package site_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// TestAnnouncementOnEverySite: a platform announcement appears on every
// tenant's pages the moment it is added (cached pages included), and goes
// at its end time without anyone touching the cache.
func TestAnnouncementOnEverySite(t *testing.T) {
	clk := &clock{t: london("2026-12-01 09:00")}
	s := newServer(t, serverOptions{now: clk.now})
	modelstest.Tenant(t, s.db, "highfives")
	modelstest.Tenant(t, s.db, "riverside")
	s.putPage(t, "highfives", "/about", "About", "About us.")
	pages := [][2]string{{"highfives.localhost", "/"}, {"highfives.localhost", "/about"}, {"riverside.localhost", "/practices"}}
	for _, p := range pages {
		s.get(t, p[0], p[1]) // cached without a notice
		if r := s.get(t, p[0], p[1]); r.header.Get("Cache-Status") != "pcnweb; hit" || strings.Contains(r.body, "NHS App outage") {
			t.Fatalf("%s%s before the announcement: %q", p[0], p[1], r.header.Get("Cache-Status"))
		}
	}
	_, err := s.db.AddAnnouncement(context.Background(), models.Announcement{
		Title: "NHS App outage", Body: "The NHS App is unavailable this morning. Call your practice instead.",
		StartsAt: london("2026-12-01 08:00"), EndsAt: london("2026-12-01 12:00"), CreatedBy: "ops@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		r := s.get(t, p[0], p[1])
		if !strings.Contains(r.body, "NHS App outage") || !strings.Contains(r.body, "until 1 December 2026 at 12pm") {
			t.Errorf("%s%s does not show the announcement:\n%s", p[0], p[1], r.body)
		}
	}
	clk.set(london("2026-12-01 12:00"))
	for _, p := range pages {
		if r := s.get(t, p[0], p[1]); strings.Contains(r.body, "NHS App outage") {
			t.Errorf("%s%s still shows the announcement after its end (stale cache?)", p[0], p[1])
		}
	}
}
