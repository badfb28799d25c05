package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
)

// An operator shares a notice with a hand-picked list of PCNs through the
// console form; the PCNs' sites show it with who it is from, the others do
// not; the item's page says which PCNs show it.
func TestConsoleSharedContent(t *testing.T) {
	s := newServer(t, options{})
	alpha, bravo := s.tenant(t, "alpha"), s.tenant(t, "bravo")
	s.tenant(t, "charlie")
	s.operator(t, "op@pcnweb.example", secret)
	b := s.browser()
	b.signIn(t, "op@pcnweb.example", secret)

	// A form with mistakes: each error next to its field.
	form := b.form(t, "/shared/new", url.Values{"kind": {"notice"}, "title": {""}, "owner": {"NHS South Yorkshire ICB"}, "audience": {"list"}, "why": {"flu campaign"}})
	r := b.post(t, "/shared/new", form)
	if r.status != http.StatusUnprocessableEntity || fieldError(r.body, "title") != "Enter a title" {
		t.Fatalf("no title: %d %q", r.status, fieldError(r.body, "title"))
	}
	form.Set("title", "Flu jabs")
	r = b.post(t, "/shared/new", form)
	if r.status != http.StatusUnprocessableEntity || fieldError(r.body, "tenants") != "Choose at least one PCN" {
		t.Fatalf("no PCNs: %d %q", r.status, fieldError(r.body, "tenants"))
	}
	form["tenants"] = []string{fmt.Sprint(alpha.ID), fmt.Sprint(bravo.ID)}
	form.Set("body", "Book your flu jab at your practice.")
	r = b.post(t, "/shared/new", form)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/shared/") {
		t.Fatalf("share: %d %s\n%s", r.status, r.location(), r.body)
	}
	item := r.location()
	if a := s.lastAudit(t); a.Action != models.AuditSharedCreate || a.Why != "flu campaign" {
		t.Errorf("operator audit: %+v", a)
	}
	for _, tt := range []struct {
		host string
		want bool
	}{{"alpha.localhost", true}, {"bravo.localhost", true}, {"charlie.localhost", false}} {
		page := b.do(t, http.MethodGet, tt.host, "/", nil)
		got := strings.Contains(page.body, "Flu jabs") && strings.Contains(page.body, "From NHS South Yorkshire ICB")
		if got != tt.want {
			t.Errorf("%s shows the notice: %v, want %v", tt.host, got, tt.want)
		}
	}
	// Bravo hides it: the item's page says so.
	if err := s.db.ForTenant(context.Background(), bravo.ID).HideShared(models.Actor{Name: "manager"}, idOf(t, item)); err != nil {
		t.Fatal(err)
	}
	r = b.get(t, item)
	if r.status != http.StatusOK || !regexp.MustCompile(`alpha PCN[^<]*<span[^>]*>\(alpha\)</span></td><td>Shows it`).MatchString(r.body) ||
		!strings.Contains(r.body, "<td>Hidden</td>") {
		t.Errorf("item page: %d\n%s", r.status, r.body)
	}
	// An edit reaches alpha's site at once (its cached page is retired).
	edit := b.form(t, item+"/edit", nil)
	r = b.get(t, item+"/edit")
	m := regexp.MustCompile(`action="(/shared/[^"]+)"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("edit form:\n%s", r.body)
	}
	edit = url.Values{"_csrf": edit["_csrf"], "kind": {"notice"}, "title": {"Flu and COVID jabs"}, "owner": {"NHS South Yorkshire ICB"},
		"audience": {"list"}, "tenants": {fmt.Sprint(alpha.ID), fmt.Sprint(bravo.ID)}, "why": {"COVID too"}}
	if r := b.post(t, strings.ReplaceAll(m[1], "&amp;", "&"), edit); r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", r.status, r.body)
	}
	if page := b.do(t, http.MethodGet, "alpha.localhost", "/", nil); !strings.Contains(page.body, "Flu and COVID jabs") {
		t.Errorf("alpha does not show the edit")
	}
	// Delete it.
	del := b.form(t, item+"/delete", url.Values{"why": {"campaign over"}})
	if r := b.post(t, item+"/delete", del); r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d\n%s", r.status, r.body)
	}
	if page := b.do(t, http.MethodGet, "alpha.localhost", "/", nil); strings.Contains(page.body, "Flu and COVID jabs") {
		t.Errorf("alpha still shows the deleted notice")
	}
}

func idOf(t *testing.T, path string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(path, "/shared/%d", &id); err != nil {
		t.Fatal(err)
	}
	return id
}

// An operator invites a group editor for two PCNs; they join by the link,
// set up two-factor, and can share with those PCNs only and use nothing
// else of the console.
func TestConsoleGroupEditor(t *testing.T) {
	s := newServer(t, options{dbSessions: true})
	alpha, bravo, charlie := s.tenant(t, "alpha"), s.tenant(t, "bravo"), s.tenant(t, "charlie")
	s.operator(t, "op@pcnweb.example", secret)
	op := s.browser()
	op.signIn(t, "op@pcnweb.example", secret)

	form := op.form(t, "/group-editors/new", url.Values{"email": {"editor@icb.example.nhs.uk"}, "label": {""}, "audience": {"list"},
		"tenants": {fmt.Sprint(alpha.ID), fmt.Sprint(bravo.ID)}, "why": {"asked by the ICB"}})
	r := op.post(t, "/group-editors/new", form)
	if r.status != http.StatusUnprocessableEntity || !strings.HasPrefix(fieldError(r.body, "label"), "Enter the group's name") {
		t.Fatalf("no label: %d %q", r.status, fieldError(r.body, "label"))
	}
	form.Set("label", "Sheffield federation")
	r = op.post(t, "/group-editors/new", form)
	m := regexp.MustCompile(`id="invite-link">http://[^/]+(/join/[^<]+)<`).FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		t.Fatalf("invite: %d\n%s", r.status, r.body)
	}
	if a := s.lastAudit(t); a.Action != "group-editor.invite" {
		t.Errorf("operator audit: %+v", a)
	}

	// They join: a weak password is refused next to the field.
	ed := s.browser()
	page := ed.get(t, m[1])
	if page.status != http.StatusOK || !strings.Contains(page.body, "editor@icb.example.nhs.uk") {
		t.Fatalf("join page: %d\n%s", page.status, page.body)
	}
	r = ed.post(t, m[1], url.Values{"_csrf": {csrf(t, page.body)}, "password": {"short"}})
	if r.status != http.StatusUnprocessableEntity || fieldError(r.body, "password") == "" {
		t.Fatalf("weak password: %d %q", r.status, fieldError(r.body, "password"))
	}
	r = ed.post(t, m[1], url.Values{"_csrf": {csrf(t, r.body)}, "password": {password}})
	if r.status != http.StatusSeeOther || r.location() != "/sign-in?joined" {
		t.Fatalf("join: %d %s\n%s", r.status, r.location(), r.body)
	}
	if r := ed.get(t, m[1]); r.status != http.StatusNotFound {
		t.Errorf("the link works twice: %d", r.status)
	}
	// Signing in makes them set up two-factor first.
	r = ed.password(t, "editor@icb.example.nhs.uk", password)
	sm := regexp.MustCompile(`id="secret">([A-Z2-7]+)<`).FindStringSubmatch(r.body)
	if r.status != http.StatusOK || sm == nil {
		t.Fatalf("set-up page: %d\n%s", r.status, r.body)
	}
	r = ed.post(t, "/sign-in", url.Values{"_csrf": {csrf(t, r.body)}, "step": {"setup"}, "code": {code(t, sm[1])}})
	if r.status != http.StatusOK {
		t.Fatalf("set-up: %d\n%s", r.status, r.body)
	}

	// Nothing of the operators' console.
	if r := ed.get(t, "/tenants"); r.status != http.StatusSeeOther || r.location() != "/shared" {
		t.Errorf("GET /tenants: %d %s, want a redirect to /shared", r.status, r.location())
	}
	for _, path := range []string{"/tenants/alpha", "/tokens", "/audit", "/platform", "/group-editors", "/tenants/new"} {
		if r := ed.get(t, path); r.status != http.StatusForbidden || !strings.Contains(r.body, "You cannot use this page") {
			t.Errorf("GET %s: %d, want 403", path, r.status)
		}
	}
	list := ed.get(t, "/shared")
	if list.status != http.StatusOK || strings.Contains(list.body, `href="/tenants"`) || strings.Contains(list.body, "Group editors") {
		t.Errorf("shared list of a group editor: %d\n%s", list.status, list.body)
	}
	tok := csrf(t, list.body)
	if r := ed.post(t, "/tenants/alpha/suspend", url.Values{"_csrf": {tok}, "why": {"x"}}); r.status != http.StatusForbidden {
		t.Errorf("POST suspend: %d, want 403", r.status)
	}

	// Sharing outside the group is refused with a reason next to the
	// audience; inside it works, owned by the group by default.
	form = ed.form(t, "/shared/new", url.Values{"kind": {"notice"}, "title": {"Clinic"}, "tenants": {fmt.Sprint(alpha.ID)}, "why": {"clinic"}})
	newForm := ed.get(t, "/shared/new")
	if !strings.Contains(newForm.body, `value="Sheffield federation"`) || strings.Contains(newForm.body, ">"+charlie.Name) || strings.Contains(newForm.body, `value="all"`) {
		t.Errorf("the group editor's form offers more than the group:\n%s", newForm.body)
	}
	form.Set("owner", "Sheffield federation")
	form.Set("audience", "icb")
	form.Set("icb", "NHS South Yorkshire ICB")
	r = ed.post(t, "/shared/new", form)
	if r.status != http.StatusUnprocessableEntity || !strings.HasPrefix(fieldError(r.body, "audience"), "You can share only with PCNs in your group") {
		t.Fatalf("outside the group: %d %q", r.status, fieldError(r.body, "audience"))
	}
	form.Set("audience", "list")
	form["tenants"] = []string{fmt.Sprint(alpha.ID)}
	if r := ed.post(t, "/shared/new", form); r.status != http.StatusSeeOther {
		t.Fatalf("inside the group: %d\n%s", r.status, r.body)
	}
	if page := ed.do(t, http.MethodGet, "alpha.localhost", "/", nil); !strings.Contains(page.body, "From Sheffield federation") {
		t.Errorf("alpha does not show the group's notice")
	}
	if a := s.lastAudit(t); a.Action != models.AuditSharedCreate || a.UserEmail != "editor@icb.example.nhs.uk" {
		t.Errorf("operator audit of the group editor's share: %+v", a)
	}
}
