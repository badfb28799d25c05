package site_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// TestKeptFrameFollowsPublishesAndTheClock: the site frame a render keeps
// for the next one (Frames) is read again when the tenant publishes (a new
// generation) and when what it shows changes with the clock alone (the
// last upcoming event ends), and not otherwise. Each request bypasses the
// page cache (an Authorization header), so what is seen is the frame.
func TestKeptFrameFollowsPublishesAndTheClock(t *testing.T) {
	clk := &clock{t: london("2026-11-24 10:00")}
	s := newServer(t, serverOptions{now: clk.now})
	tn := modelstest.Tenant(t, s.db, "highfives")
	store := s.db.ForTenant(context.Background(), tn.ID)
	s.putPage(t, "highfives", "/about", "About us", "Five practices.")
	if _, err := store.SaveEvent(testActor, 0, 0, models.Event{Title: "Flu clinic", StartsAt: london("2026-11-24 11:00"), Published: true}); err != nil {
		t.Fatal(err)
	}
	counter := &models.StatementCounter{}
	s.db.CountStatements(counter)
	t.Cleanup(func() { s.db.CountStatements(nil) })
	render := func() (string, int) {
		t.Helper()
		counter.Reset()
		r := s.get(t, "highfives.localhost", "/about", "Authorization", "Bearer bypass-the-page-cache")
		if r.status != 200 || r.header.Get("Cache-Status") != "pcnweb; fwd=bypass" {
			t.Fatalf("/about: %d %q, want a 200 render", r.status, r.header.Get("Cache-Status"))
		}
		return r.body, counter.Count()
	}
	eventsLink := `href="/events"`

	// The first render also resolves the host: the frame's reads are
	// first minus again.
	body, first := render()
	if !strings.Contains(body, eventsLink) {
		t.Fatalf("an upcoming event, but no link to the events:\n%s", body)
	}
	clk.set(london("2026-11-24 10:59"))
	body, again := render()
	if !strings.Contains(body, eventsLink) || again >= first {
		t.Errorf("before the event ends: link %v, %d statements after %d (the frame not kept)", strings.Contains(body, eventsLink), again, first)
	}
	clk.set(london("2026-11-24 11:00")) // the event is over: the frame's clock change
	if body, n := render(); strings.Contains(body, eventsLink) || n <= again {
		t.Errorf("after the event ended: link %v, %d statements, as many as with the frame kept (%d)", strings.Contains(body, eventsLink), n, again)
	}

	_, fp, err := store.Menu()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.AddMenuItem(testActor, fp, "Flu jabs", "/flu-jabs"); err != nil { // a publish: a new generation
		t.Fatal(err)
	}
	if body, _ := render(); !strings.Contains(body, `href="/flu-jabs"`) {
		t.Errorf("the menu item added is not in the frame:\n%s", body)
	}
	clk.set(clk.now().Add(time.Hour))
	if body, n := render(); !strings.Contains(body, `href="/flu-jabs"`) || n >= first {
		t.Errorf("an hour on, nothing changed: menu item %v, %d statements (the frame not kept)", strings.Contains(body, `href="/flu-jabs"`), n)
	}
}
