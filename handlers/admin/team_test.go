package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
)

func TestTeamLifecycle(t *testing.T) {
	s, a, _, b := servicesSignedIn(t)
	const host = "alpha.localhost"
	store := s.db.ForTenant(context.Background(), a.ID)
	svc, err := store.SaveService(testActor, 0, 0, models.Service{Name: "Pharmacists", Published: true})
	if err != nil {
		t.Fatal(err)
	}
	public := s.browser()
	public.get(t, host, "/team") // cached

	form := b.servicesOpenForm(t, host, "/admin/team/new")
	if r := b.get(t, host, "/admin/services/"+itoa(svc.ID)+"/edit"); !strings.Contains(r.body, `href="/admin/team/new?service=`+itoa(svc.ID)+`"`) {
		t.Error("the service's form has no link to add a team member to it")
	}
	if r := b.get(t, host, "/admin/team/new?service="+itoa(svc.ID)); !strings.Contains(r.body, `<option value="`+itoa(svc.ID)+`" selected>`) {
		t.Error("adding a team member from a service does not choose that service")
	}
	if r := b.get(t, host, "/admin/team/new"); !strings.Contains(r.body, `<option value="`+itoa(svc.ID)+`">Pharmacists</option>`) {
		t.Errorf("the form does not offer the service:\n%s", r.body)
	}
	for _, p := range []url.Values{
		{"name": {"Ann Lee"}, "role": {"Clinical pharmacist"}, "service_id": {itoa(svc.ID)}, "photo_url": {"/media/12/320.jpg"}, "bio": {"Ann runs medicine reviews."}},
		{"name": {"Bob Roy"}, "role": {"Pharmacy technician"}, "service_id": {itoa(svc.ID)}},
		{"name": {"Dr Cat Wu"}, "role": {"Clinical director"}},
	} {
		r := b.post(t, host, "/admin/team/new", servicesWith(form, p))
		if r.status != http.StatusSeeOther || r.location() != "/admin/team?done=saved" {
			t.Fatalf("add %v: %d %q\n%s", p, r.status, r.location(), r.body)
		}
	}
	if r := public.get(t, host, "/team"); !strings.Contains(r.body, "Ann Lee") || !strings.Contains(r.body, "Dr Cat Wu") {
		t.Errorf("public team page after adding:\n%s", r.body)
	}
	staff, _ := store.Staff()
	ids := map[string]string{}
	var annID int64
	for _, m := range staff {
		ids[m.Name] = itoa(m.ID)
		if m.Name == "Ann Lee" {
			annID = m.ID
		}
	}

	list := b.get(t, host, "/admin/team")
	pharm, across := strings.Index(list.body, ">Pharmacists</caption>"), strings.Index(list.body, ">Across the network</caption>")
	if pharm < 0 || across < pharm || !strings.Contains(list.body, "Clinical pharmacist") {
		t.Errorf("grouped list:\n%s", list.body)
	}
	if strings.Contains(list.body, `action="/admin/team/`+ids["Dr Cat Wu"]+`/move"`) {
		t.Error("a member alone in their group has move buttons")
	}
	r := b.post(t, host, "/admin/team/"+ids["Bob Roy"]+"/move", url.Values{"_csrf": {form.Get("_csrf")}, "direction": {"up"}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/team?done=moved" {
		t.Fatalf("move: %d %q", r.status, r.location())
	}
	if l := b.get(t, host, "/admin/team").body; strings.Index(l, "Bob Roy") > strings.Index(l, "Ann Lee") {
		t.Error("Bob was not moved above Ann")
	}

	// Validation: next to the field, typed values kept.
	for _, tt := range []struct {
		fields url.Values
		field  string
		msg    string
	}{
		{url.Values{"name": {""}, "role": {"Nurse"}}, "name", "Enter a name"},
		{url.Values{"name": {"Eve"}, "role": {" "}}, "role", "Enter a role"},
		{url.Values{"name": {"Eve"}, "role": {"Nurse"}, "photo_url": {"https://elsewhere.example/eve.jpg"}}, "photo_url", "The photo must be an image uploaded to this site"},
		{url.Values{"name": {"Eve"}, "role": {"Nurse"}, "service_id": {"abc"}}, "service_id", "Choose a service from the list"},
	} {
		tt.fields.Set("bio", "My unsaved words")
		r := b.post(t, host, "/admin/team/new", servicesWith(form, tt.fields))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `<a href="#`+tt.field+`">`+tt.msg) ||
			!strings.Contains(r.body, `id="`+tt.field+`-error"`) || !strings.Contains(r.body, "My unsaved words") {
			t.Errorf("%v: %d\n%s", tt.fields, r.status, r.body)
		}
	}

	// Edit and a stale edit.
	edit := "/admin/team/" + ids["Ann Lee"] + "/edit"
	first := b.servicesOpenForm(t, host, edit)
	second := b.servicesOpenForm(t, host, edit)
	if r := b.get(t, host, edit); !strings.Contains(r.body, `<option value="`+itoa(svc.ID)+`" selected>`) || !strings.Contains(r.body, "/media/12/320.jpg") {
		t.Errorf("edit form:\n%s", r.body)
	}
	if r := b.post(t, host, edit, servicesWith(first, url.Values{"name": {"Ann Lee"}, "role": {"Lead pharmacist"}, "service_id": {""}})); r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", r.status, r.body)
	}
	r = b.post(t, host, edit, servicesWith(second, url.Values{"name": {"Ann Lee"}, "role": {"Typed by the second person"}}))
	if r.status != http.StatusConflict || !strings.Contains(r.body, "Someone else changed this team member") || !strings.Contains(r.body, "Typed by the second person") {
		t.Errorf("stale: %d\n%s", r.status, r.body)
	}
	if m, _ := store.StaffByID(annID); m.Role != "Lead pharmacist" || m.ServiceID != nil {
		t.Errorf("after edits: %+v", m)
	}

	// Delete after confirmation; CSRF refused.
	del := "/admin/team/" + ids["Bob Roy"] + "/delete"
	for _, path := range []string{"/admin/team/new", edit, del, "/admin/team/" + ids["Bob Roy"] + "/move"} {
		if r := b.post(t, host, path, url.Values{"name": {"Forged"}, "role": {"X"}, "direction": {"up"}}); r.status != http.StatusForbidden {
			t.Errorf("POST %s without a token: %d", path, r.status)
		}
	}
	confirm := b.get(t, host, del)
	if !strings.Contains(confirm.body, "Are you sure you want to remove Bob Roy from the team?") {
		t.Fatalf("confirmation:\n%s", confirm.body)
	}
	if r := b.post(t, host, del, url.Values{"_csrf": {csrf(t, confirm.body)}}); r.status != http.StatusSeeOther || r.location() != "/admin/team?done=deleted" {
		t.Fatalf("delete: %d %q", r.status, r.location())
	}
	if r := public.get(t, host, "/team"); strings.Contains(r.body, "Bob Roy") {
		t.Error("deleted member still on the public team page")
	}
	want := "staff.delete staff.save staff.move staff.save staff.save staff.save"
	if got := strings.Join(servicesAudit(t, s, a, "staff."), " "); got != want {
		t.Errorf("audit %s, want %s", got, want)
	}
}
