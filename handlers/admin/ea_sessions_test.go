package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
)

var eaSessionIDRE = regexp.MustCompile(`href="/admin/sessions/(\d+)/edit"`)

// An editor adds, orders, edits and deletes enhanced access sessions, and
// the public page follows each change.
func TestEASessionLifecycleReachesPublicSite(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jo@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	store := s.db.ForTenant(context.Background(), tn.ID)
	p := practiceSeed(t, store, "K81001", "Riverside Surgery")
	public := s.browser()
	public.get(t, host, "/enhanced-access") // cached
	b := s.browser()
	b.signIn(t, host, "jo@example.nhs.uk")

	form := b.practiceForm(t, host, "/admin/sessions/new")
	if r := b.get(t, host, "/admin/sessions/new"); !strings.Contains(r.body, `<option value="`+itoa(p.ID)+`">Riverside Surgery</option>`) {
		t.Errorf("practice select:\n%s", r.body)
	}
	r := b.post(t, host, "/admin/sessions/new", practiceWith(form, url.Values{"days": {"1", "2", "3", "4", "5"}, "starts_at": {"6.30pm"}, "ends_at": {"20:00"},
		"practice_id": {itoa(p.ID)}, "clinicians": {"GPs and nurses"}, "how_to_book": {"Ask your practice"}}))
	if r.status != http.StatusSeeOther || r.location() != "/admin/sessions?done=saved" {
		t.Fatalf("add: %d %q\n%s", r.status, r.location(), r.body)
	}
	r = b.post(t, host, "/admin/sessions/new", practiceWith(form, url.Values{"days": {"6"}, "starts_at": {"9am"}, "ends_at": {"5pm"}, "how_to_book": {"Call 111"}}))
	if r.status != http.StatusSeeOther {
		t.Fatalf("add Saturday: %d\n%s", r.status, r.body)
	}
	list := b.get(t, host, "/admin/sessions")
	ids := eaSessionIDRE.FindAllStringSubmatch(list.body, -1)
	if len(ids) != 2 || !strings.Contains(list.body, "Monday to Friday") || !strings.Contains(list.body, "6:30pm to 8pm") ||
		!strings.Contains(list.body, "Riverside Surgery") || !strings.Contains(list.body, "Across the network") {
		t.Fatalf("list:\n%s", list.body)
	}
	weekday, saturday := ids[0][1], ids[1][1]
	pub := public.get(t, host, "/enhanced-access")
	if !strings.Contains(pub.body, "Monday to Friday") || !strings.Contains(pub.body, `<a href="/practices/K81001">Riverside Surgery</a>`) || !strings.Contains(pub.body, "Call 111") {
		t.Errorf("public page:\n%s", pub.body)
	}

	// Saturday first.
	r = b.post(t, host, "/admin/sessions/"+saturday+"/move", url.Values{"_csrf": {csrf(t, list.body)}, "direction": {"up"}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/sessions?done=moved" {
		t.Fatalf("move: %d %q", r.status, r.location())
	}
	if ids := eaSessionIDRE.FindAllStringSubmatch(b.get(t, host, "/admin/sessions").body, -1); ids[0][1] != saturday {
		t.Errorf("order after move: %v", ids)
	}
	if pub := public.get(t, host, "/enhanced-access"); strings.Index(pub.body, "Saturday") > strings.Index(pub.body, "Monday to Friday</th>") {
		t.Error("public page not in the new order")
	}

	// Edit: the form shows what is stored; move it across the network.
	edit := "/admin/sessions/" + weekday + "/edit"
	page := b.get(t, host, edit)
	if !strings.Contains(page.body, `value="18:30"`) || !strings.Contains(page.body, `id="days" name="days" type="checkbox" value="1" checked`) ||
		strings.Contains(page.body, `value="6" checked`) || !strings.Contains(page.body, `<option value="`+itoa(p.ID)+`" selected>`) {
		t.Errorf("edit form:\n%s", page.body)
	}
	form = b.practiceForm(t, host, edit)
	r = b.post(t, host, edit, practiceWith(form, url.Values{"days": {"2", "4"}, "starts_at": {"18:30"}, "ends_at": {"8pm"}, "practice_id": {""}}))
	if r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", r.status, r.body)
	}
	if got, _ := store.EASessionByID(eaSessionID(t, weekday)); got.Weekdays != "2,4" || got.PracticeID != nil || got.Clinicians != "" {
		t.Errorf("after edit: %+v", got)
	}
	if pub := public.get(t, host, "/enhanced-access"); !strings.Contains(pub.body, "Tuesday and Thursday") {
		t.Error("public page lacks the edit")
	}

	// Errors next to the field, typed values kept.
	for _, tt := range []struct {
		form       url.Values
		field, msg string
	}{
		{url.Values{"starts_at": {"6pm"}, "ends_at": {"8pm"}, "how_to_book": {"Typed"}}, "days", "Choose at least one day"},
		{url.Values{"days": {"1"}, "starts_at": {"evening"}, "ends_at": {"8pm"}, "how_to_book": {"Typed"}}, "starts_at", "Enter a real start time"},
		{url.Values{"days": {"1"}, "starts_at": {"8pm"}, "ends_at": {"6pm"}, "how_to_book": {"Typed"}}, "ends_at", "The end time must be after the start time"},
		{url.Values{"days": {"1"}, "starts_at": {"6pm"}, "how_to_book": {"Typed"}}, "ends_at", "Enter the end time"},
	} {
		r := b.post(t, host, "/admin/sessions/new", practiceWith(form, tt.form))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `<a href="#`+tt.field+`">`+tt.msg) ||
			!strings.Contains(r.body, `id="`+tt.field+`-error"`) || !strings.Contains(r.body, ">Typed</textarea>") {
			t.Errorf("%v: %d\n%s", tt.form, r.status, r.body)
		}
	}

	// Delete after a confirmation.
	confirm := b.get(t, host, "/admin/sessions/"+saturday+"/delete")
	if confirm.status != http.StatusOK || !strings.Contains(confirm.body, "Saturday, 9am to 5pm, Across the network") {
		t.Fatalf("confirmation: %d\n%s", confirm.status, confirm.body)
	}
	r = b.post(t, host, "/admin/sessions/"+saturday+"/delete", url.Values{"_csrf": {csrf(t, confirm.body)}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/sessions?done=deleted" {
		t.Fatalf("delete: %d %q", r.status, r.location())
	}
	if all, _ := store.EASessions(); len(all) != 1 {
		t.Errorf("sessions after delete: %+v", all)
	}
	if pub := public.get(t, host, "/enhanced-access"); strings.Contains(pub.body, "Call 111") {
		t.Error("deleted session still public")
	}
	var got []string
	for _, a := range auditActions(t, s, tn) {
		if strings.HasPrefix(a, "enhanced-access.") {
			got = append(got, a)
		}
	}
	if want := "enhanced-access.delete enhanced-access.update enhanced-access.move enhanced-access.create enhanced-access.create"; strings.Join(got, " ") != want {
		t.Errorf("audit log: %v, want %s", got, want)
	}
}

// eaSessionID reads an id taken from a link.
func eaSessionID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
