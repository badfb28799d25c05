package site_test

import (
	"context"
	"strings"
	"testing"

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
		if _, err := store.SaveEvent(0, 0, e); err != nil {
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
