package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
)

var servicesVersionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

// servicesOpenForm opens a form and returns its CSRF token and version, to
// which the test adds the fields it types.
func (b *browser) servicesOpenForm(t *testing.T, host, path string) url.Values {
	t.Helper()
	r := b.get(t, host, path)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, r.status, r.body)
	}
	v := servicesVersionRE.FindStringSubmatch(r.body)
	if v == nil {
		t.Fatalf("GET %s: no version field\n%s", path, r.body)
	}
	return url.Values{"_csrf": {csrf(t, r.body)}, "version": {v[1]}}
}

// servicesWith returns form plus fields.
func servicesWith(form url.Values, fields url.Values) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = v
	}
	for k, v := range fields {
		out[k] = v
	}
	return out
}

// servicesSignedIn is a server with tenants alpha and beta and an editor of
// alpha signed in on alpha's host.
func servicesSignedIn(t *testing.T) (*server, models.Tenant, models.Tenant, *browser) {
	t.Helper()
	s := newServer(t, options{})
	a := s.tenant(t, "alpha")
	bt := s.tenant(t, "beta")
	s.user(t, a, "jane@example.nhs.uk", models.RoleEditor)
	b := s.browser()
	b.signIn(t, "alpha.localhost", "jane@example.nhs.uk")
	return s, a, bt, b
}

// servicesAudit lists the tenant's audit actions with prefix, newest first.
func servicesAudit(t *testing.T, s *server, tn models.Tenant, prefix string) []string {
	t.Helper()
	var out []string
	for _, a := range auditActions(t, s, tn) {
		if strings.HasPrefix(a, prefix) {
			out = append(out, a)
		}
	}
	return out
}

func TestServicesLifecycleReachesPublicSite(t *testing.T) {
	s, a, _, b := servicesSignedIn(t)
	const host = "alpha.localhost"
	store := s.db.ForTenant(context.Background(), a.ID)
	public := s.browser()
	public.get(t, host, "/services") // cached

	if r := b.get(t, host, "/admin/services"); r.status != http.StatusOK || !strings.Contains(r.body, "There are no services yet") {
		t.Fatalf("empty list: %d\n%s", r.status, r.body)
	}
	form := b.servicesOpenForm(t, host, "/admin/services/new")
	r := b.post(t, host, "/admin/services/new", servicesWith(form, url.Values{"name": {"Social prescribing"},
		"summary": {"Help with what affects your health"}, "who_for": {"Adults"}, "how_to_access": {"Ask at reception"},
		"body": {"Our **link workers** help."}, "self_referral": {"on"}, "published": {"on"}}))
	if r.status != http.StatusSeeOther || r.location() != "/admin/services?done=saved" {
		t.Fatalf("add: %d %q\n%s", r.status, r.location(), r.body)
	}
	r = b.post(t, host, "/admin/services/new", servicesWith(form, url.Values{"name": {"Clinical pharmacists"}, "published": {"on"}}))
	if r.status != http.StatusSeeOther {
		t.Fatalf("add second: %d\n%s", r.status, r.body)
	}
	if r := public.get(t, host, "/services"); !strings.Contains(r.body, "Social prescribing") || !strings.Contains(r.body, "Clinical pharmacists") {
		t.Errorf("public /services after adding: %d\n%s", r.status, r.body)
	}
	if r := public.get(t, host, "/services/social-prescribing"); r.status != http.StatusOK || !strings.Contains(r.body, "<strong>link workers</strong>") {
		t.Errorf("public service page: %d", r.status)
	}
	all, _ := store.AllServices()
	if len(all) != 2 || all[0].Name != "Social prescribing" || !all[0].SelfReferral || all[0].WhoFor != "Adults" {
		t.Fatalf("stored: %+v", all)
	}
	sp, cp := itoa(all[0].ID), itoa(all[1].ID)

	// The list: in order, with status, team size and move buttons.
	list := b.get(t, host, "/admin/services?done=saved")
	for _, want := range []string{"The service has been saved.", `href="/admin/services/` + sp + `/edit"`, "Published",
		`action="/admin/services/` + cp + `/move"`, "Add a service"} {
		if !strings.Contains(list.body, want) {
			t.Errorf("list lacks %q", want)
		}
	}
	r = b.post(t, host, "/admin/services/"+cp+"/move", url.Values{"_csrf": {form.Get("_csrf")}, "direction": {"up"}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/services?done=moved" {
		t.Fatalf("move: %d %q", r.status, r.location())
	}
	if all, _ := store.AllServices(); all[0].Name != "Clinical pharmacists" {
		t.Errorf("after moving up: %s first", all[0].Name)
	}
	if r := b.post(t, host, "/admin/services/"+cp+"/move", url.Values{"_csrf": {form.Get("_csrf")}, "direction": {"sideways"}}); r.status != http.StatusBadRequest {
		t.Errorf("move sideways: %d", r.status)
	}

	// Hide it: gone from the public site at once, still in the admin.
	edit := "/admin/services/" + sp + "/edit"
	form = b.servicesOpenForm(t, host, edit)
	r = b.post(t, host, edit, servicesWith(form, url.Values{"name": {"Social prescribing"}, "slug": {"social-prescribing"}}))
	if r.status != http.StatusSeeOther {
		t.Fatalf("hide: %d\n%s", r.status, r.body)
	}
	if r := public.get(t, host, "/services/social-prescribing"); r.status != http.StatusNotFound {
		t.Errorf("hidden service on the public site: %d", r.status)
	}
	if r := b.get(t, host, "/admin/services"); !strings.Contains(r.body, "Hidden") {
		t.Error("the list does not say the service is hidden")
	}

	// Delete, after a confirmation that says what happens to its team.
	sid := all[0].ID
	if _, err := store.SaveStaffByID(testActor, 0, 0, models.StaffMember{Name: "Aisha Begum", Role: "Link worker", ServiceID: &sid}); err != nil {
		t.Fatal(err)
	}
	confirm := b.get(t, host, "/admin/services/"+sp+"/delete")
	if confirm.status != http.StatusOK || !strings.Contains(confirm.body, "Are you sure you want to delete the service") ||
		!strings.Contains(confirm.body, "1 team member will stay on the team page") {
		t.Fatalf("confirmation: %d\n%s", confirm.status, confirm.body)
	}
	r = b.post(t, host, "/admin/services/"+sp+"/delete", url.Values{"_csrf": {csrf(t, confirm.body)}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/services?done=deleted" {
		t.Fatalf("delete: %d %q", r.status, r.location())
	}
	if r := b.get(t, host, edit); r.status != http.StatusNotFound {
		t.Errorf("deleted service's form: %d", r.status)
	}
	if r := public.get(t, host, "/team"); !strings.Contains(r.body, "Aisha Begum") {
		t.Errorf("the deleted service's team member left the team page:\n%s", r.body)
	}

	want := []string{"service.delete", "service.save", "service.move", "service.save", "service.save"}
	if got := servicesAudit(t, s, a, "service."); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("audit %v, want %v", got, want)
	}
}

func TestServicesFormRefusals(t *testing.T) {
	s, a, _, b := servicesSignedIn(t)
	const host = "alpha.localhost"
	store := s.db.ForTenant(context.Background(), a.ID)
	taken, err := store.SaveService(testActor, 0, 0, models.Service{Name: "Pharmacists", Published: true})
	if err != nil {
		t.Fatal(err)
	}
	form := b.servicesOpenForm(t, host, "/admin/services/new")
	for _, tt := range []struct {
		fields url.Values
		field  string
		msg    string
	}{
		{url.Values{"name": {" "}}, "name", "Enter the name of the service"},
		{url.Values{"name": {"X"}, "slug": {"Bad Slug!"}}, "slug", "Use lower-case letters"},
		{url.Values{"name": {"Pharmacy team"}, "slug": {"pharmacists"}}, "slug", "Another service already uses this web address"},
		{url.Values{"name": {"X"}, "summary": {strings.Repeat("x", 501)}}, "summary", "Use 500 characters or fewer"},
	} {
		tt.fields.Set("who_for", "My unsaved words")
		r := b.post(t, host, "/admin/services/new", servicesWith(form, tt.fields))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `<a href="#`+tt.field+`">`+tt.msg) ||
			!strings.Contains(r.body, `id="`+tt.field+`-error"`) || !strings.Contains(r.body, "My unsaved words") {
			t.Errorf("%v: %d\n%s", tt.fields, r.status, r.body)
		}
	}

	// Two people open the same service; the second save is refused.
	edit := "/admin/services/" + itoa(taken.ID) + "/edit"
	first := b.servicesOpenForm(t, host, edit)
	second := b.servicesOpenForm(t, host, edit)
	if r := b.post(t, host, edit, servicesWith(first, url.Values{"name": {"Pharmacists"}, "summary": {"First"}, "published": {"on"}})); r.status != http.StatusSeeOther {
		t.Fatalf("first save: %d\n%s", r.status, r.body)
	}
	r := b.post(t, host, edit, servicesWith(second, url.Values{"name": {"Pharmacists"}, "summary": {"Second person's words"}}))
	if r.status != http.StatusConflict || !strings.Contains(r.body, "Someone else changed this service while you were editing it") ||
		!strings.Contains(r.body, "Second person&#39;s words") {
		t.Errorf("stale save: %d\n%s", r.status, r.body)
	}
	if got, _ := store.ServiceByID(taken.ID); got.Summary != "First" || !got.Published {
		t.Errorf("after the refused save: %+v", got)
	}

	// CSRF: every POST without the token is refused and writes nothing.
	id := itoa(taken.ID)
	for _, path := range []string{"/admin/services/new", "/admin/services/" + id + "/edit", "/admin/services/" + id + "/delete", "/admin/services/" + id + "/move"} {
		if r := b.post(t, host, path, url.Values{"name": {"Forged"}, "direction": {"up"}}); r.status != http.StatusForbidden {
			t.Errorf("POST %s without a token: %d", path, r.status)
		}
	}
	if all, _ := store.AllServices(); len(all) != 1 || all[0].Name != "Pharmacists" {
		t.Errorf("after forged posts: %+v", all)
	}
	// Signed out: sent to sign in.
	if r := s.browser().get(t, host, "/admin/services"); r.status != http.StatusSeeOther || r.location() != "/admin/sign-in" {
		t.Errorf("signed out: %d %q", r.status, r.location())
	}
}

// TestServicesAreaOfAnotherTenantIs404 walks every route of services, team,
// events and vacancies with alpha's session against beta's rows.
func TestServicesAreaOfAnotherTenantIs404(t *testing.T) {
	s, a, bt, b := servicesSignedIn(t)
	const host = "alpha.localhost"
	beta := s.db.ForTenant(context.Background(), bt.ID)
	svc, err := beta.SaveService(testActor, 0, 0, models.Service{Name: "Beta secret service", Published: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := beta.SaveStaffByID(testActor, 0, 0, models.StaffMember{Name: "Beta secret person", Role: "X", ServiceID: &svc.ID})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := beta.SaveEvent(testActor, 0, 0, models.Event{Title: "Beta secret event", StartsAt: servicesFuture(), Published: true})
	if err != nil {
		t.Fatal(err)
	}
	vac, err := beta.SaveVacancy(testActor, 0, 0, models.Vacancy{Title: "Beta secret job", ClosesOn: servicesFuture(), Published: true})
	if err != nil {
		t.Fatal(err)
	}
	tok := csrf(t, b.get(t, host, "/admin/services/new").body)
	for _, area := range []struct {
		base  string
		id    int64
		posts []string
	}{
		{"/admin/services/", svc.ID, []string{"edit", "delete", "move"}},
		{"/admin/team/", m.ID, []string{"edit", "delete", "move"}},
		{"/admin/events/", ev.ID, []string{"edit", "delete"}},
		{"/admin/vacancies/", vac.ID, []string{"edit", "delete"}},
	} {
		for _, p := range []string{"edit", "delete"} {
			path := area.base + itoa(area.id) + "/" + p
			if r := b.get(t, host, path); r.status != http.StatusNotFound || strings.Contains(r.body, "Beta secret") {
				t.Errorf("GET %s: %d", path, r.status)
			}
		}
		for _, p := range area.posts {
			path := area.base + itoa(area.id) + "/" + p
			r := b.post(t, host, path, url.Values{"_csrf": {tok}, "version": {"1"}, "name": {"Owned"}, "role": {"Owned"}, "title": {"Owned"},
				"start_date": {"2030-01-01"}, "start_time": {"10:00"}, "closes_on": {"2030-01-01"}, "direction": {"up"}})
			if r.status != http.StatusNotFound {
				t.Errorf("POST %s: %d", path, r.status)
			}
		}
		if r := b.get(t, host, strings.TrimSuffix(area.base, "/")); strings.Contains(r.body, "Beta secret") {
			t.Errorf("alpha's list %s shows beta's row", area.base)
		}
	}
	// Beta's service cannot be chosen for alpha's team member.
	r := b.post(t, host, "/admin/team/new", url.Values{"_csrf": {tok}, "version": {"0"}, "name": {"Ann"}, "role": {"Nurse"}, "service_id": {itoa(svc.ID)}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="service_id-error"`) {
		t.Errorf("beta's service in alpha's form: %d\n%s", r.status, r.body)
	}
	if r := b.get(t, host, "/admin/team/new"); strings.Contains(r.body, "Beta secret") {
		t.Error("alpha's team form offers beta's service")
	}

	if got, _ := beta.ServiceByID(svc.ID); got.Name != "Beta secret service" || got.Version != 1 {
		t.Errorf("beta's service: %+v", got)
	}
	if got, _ := beta.StaffByID(m.ID); got.Name != "Beta secret person" || got.Version != 1 {
		t.Errorf("beta's team member: %+v", got)
	}
	if got, _ := beta.EventByID(ev.ID); got.Title != "Beta secret event" || got.Version != 1 {
		t.Errorf("beta's event: %+v", got)
	}
	if got, _ := beta.VacancyByID(vac.ID); got.Title != "Beta secret job" || got.Version != 1 {
		t.Errorf("beta's vacancy: %+v", got)
	}
	if log := auditActions(t, s, bt); len(log) != 0 {
		t.Errorf("beta's audit log: %v", log)
	}
	if staff, _ := s.db.ForTenant(context.Background(), a.ID).Staff(); len(staff) != 0 {
		t.Errorf("alpha's team: %+v", staff)
	}
}
