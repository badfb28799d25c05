package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
)

// servicesFuture is a UK midnight a month from now.
func servicesFuture() time.Time {
	y, m, d := time.Now().In(hours.Location()).AddDate(0, 1, 0).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func TestEventsLifecycle(t *testing.T) {
	s, a, _, b := servicesSignedIn(t)
	const host = "alpha.localhost"
	store := s.db.ForTenant(context.Background(), a.ID)
	public := s.browser()
	public.get(t, host, "/events") // cached
	past := time.Now().Add(-48 * time.Hour)
	if _, err := store.SaveEvent(testActor, 0, 0, models.Event{Title: "Last year's fair", StartsAt: past, Published: true}); err != nil {
		t.Fatal(err)
	}

	day := time.Now().In(hours.Location()).AddDate(0, 0, 10).Format("2006-01-02")
	form := b.servicesOpenForm(t, host, "/admin/events/new")
	r := b.post(t, host, "/admin/events/new", servicesWith(form, url.Values{"title": {"Flu clinic"}, "summary": {"Walk in"},
		"start_date": {day}, "start_time": {"09:30"}, "end_time": {"12:00"}, "location": {"Quayside Surgery"},
		"booking_url": {"https://book.example/flu"}, "published": {"on"}}))
	if r.status != http.StatusSeeOther || r.location() != "/admin/events?done=saved" {
		t.Fatalf("add: %d %q\n%s", r.status, r.location(), r.body)
	}
	all, _ := store.AllEvents()
	e := all[len(all)-1]
	wantStart, _ := time.ParseInLocation("2006-01-02 15:04", day+" 09:30", hours.Location())
	if e.Title != "Flu clinic" || !e.StartsAt.Equal(wantStart) || e.EndsAt == nil || !e.EndsAt.Equal(wantStart.Add(150*time.Minute)) {
		t.Fatalf("stored: %+v (start want %v, UK time)", e, wantStart)
	}
	if r := public.get(t, host, "/events"); !strings.Contains(r.body, "Flu clinic") {
		t.Errorf("public /events after adding:\n%s", r.body)
	}
	if r := public.get(t, host, "/events/flu-clinic"); r.status != http.StatusOK || !strings.Contains(r.body, "https://book.example/flu") {
		t.Errorf("public event: %d", r.status)
	}

	list := b.get(t, host, "/admin/events").body
	up, pa := strings.Index(list, "<h2>Upcoming</h2>"), strings.Index(list, "<h2>Past</h2>")
	if up < 0 || pa < 0 || !(up < strings.Index(list, "Flu clinic") && strings.Index(list, "Flu clinic") < pa && pa < strings.Index(list, "Last year")) {
		t.Errorf("upcoming and past:\n%s", list)
	}

	// Validation.
	for _, tt := range []struct {
		fields url.Values
		field  string
		msg    string
	}{
		{url.Values{"title": {""}, "start_date": {day}, "start_time": {"10:00"}}, "title", "Enter a title"},
		{url.Values{"title": {"X"}, "start_time": {"10:00"}}, "start_date", "Enter the date the event starts"},
		{url.Values{"title": {"X"}, "start_date": {"2026-02-30"}, "start_time": {"10:00"}}, "start_date", "Enter a real date"},
		{url.Values{"title": {"X"}, "start_date": {day}}, "start_time", "Enter the time the event starts"},
		{url.Values{"title": {"X"}, "start_date": {day}, "start_time": {"10:00"}, "end_time": {"09:00"}}, "end_time", "The end must be after the start"},
		{url.Values{"title": {"X"}, "start_date": {day}, "start_time": {"10:00"}, "end_date": {day}}, "end_time", "Enter the time the event ends"},
		{url.Values{"title": {"X"}, "start_date": {day}, "start_time": {"10:00"}, "booking_url": {"book.example"}}, "booking_url", "Enter a full web address"},
		{url.Values{"title": {"Flu clinic"}, "start_date": {day}, "start_time": {"10:00"}}, "slug", "Another event already uses this web address"},
	} {
		tt.fields.Set("location", "My unsaved words")
		r := b.post(t, host, "/admin/events/new", servicesWith(form, tt.fields))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `<a href="#`+tt.field+`">`+tt.msg) ||
			!strings.Contains(r.body, `id="`+tt.field+`-error"`) || !strings.Contains(r.body, "My unsaved words") {
			t.Errorf("%v: %d\n%s", tt.fields, r.status, r.body)
		}
	}

	// Edit (the form shows UK times), then a stale edit.
	edit := "/admin/events/" + itoa(e.ID) + "/edit"
	if r := b.get(t, host, edit); !strings.Contains(r.body, `value="09:30"`) || !strings.Contains(r.body, `value="12:00"`) {
		t.Errorf("edit form times:\n%s", r.body)
	}
	first := b.servicesOpenForm(t, host, edit)
	second := b.servicesOpenForm(t, host, edit)
	if r := b.post(t, host, edit, servicesWith(first, url.Values{"title": {"Flu clinic"}, "slug": {"flu-clinic"}, "start_date": {day},
		"start_time": {"10:00"}, "online": {"on"}})); r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", r.status, r.body)
	}
	if r := public.get(t, host, "/events/flu-clinic"); r.status != http.StatusNotFound {
		t.Errorf("unpublished event on the public site: %d", r.status)
	}
	r = b.post(t, host, edit, servicesWith(second, url.Values{"title": {"Second person's title"}, "start_date": {day}, "start_time": {"11:00"}}))
	if r.status != http.StatusConflict || !strings.Contains(r.body, "Someone else changed this event") {
		t.Errorf("stale: %d\n%s", r.status, r.body)
	}
	if got, _ := store.EventByID(e.ID); got.Title != "Flu clinic" || !got.Online || got.EndsAt != nil {
		t.Errorf("after the edits: %+v", got)
	}

	// CSRF, then delete after confirmation.
	del := "/admin/events/" + itoa(e.ID) + "/delete"
	for _, path := range []string{"/admin/events/new", edit, del} {
		if r := b.post(t, host, path, url.Values{"title": {"Forged"}}); r.status != http.StatusForbidden {
			t.Errorf("POST %s without a token: %d", path, r.status)
		}
	}
	confirm := b.get(t, host, del)
	if !strings.Contains(confirm.body, "Are you sure you want to delete the event “Flu clinic”?") {
		t.Fatalf("confirmation:\n%s", confirm.body)
	}
	if r := b.post(t, host, del, url.Values{"_csrf": {csrf(t, confirm.body)}}); r.status != http.StatusSeeOther || r.location() != "/admin/events?done=deleted" {
		t.Fatalf("delete: %d %q", r.status, r.location())
	}
	if _, err := store.EventByID(e.ID); err == nil {
		t.Error("event still stored after delete")
	}
	want := "event.delete event.save event.save"
	if got := strings.Join(servicesAudit(t, s, a, "event."), " "); got != want {
		t.Errorf("audit %s, want %s", got, want)
	}
}
