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

// inviteLinkRE finds the invitation link the console shows once.
var inviteLinkRE = regexp.MustCompile(`id="invite-link">http://[^/]+(/join/[^<]+)<`)

// inviteEditor has op invite a group editor for tenant tn and returns the
// join path and the editor's user id.
func inviteEditor(t *testing.T, s *server, op *browser, email string, tn models.Tenant) (string, int64) {
	t.Helper()
	form := op.form(t, "/group-editors/new", url.Values{"email": {email}, "label": {"Sheffield federation"}, "audience": {"list"},
		"tenants": {fmt.Sprint(tn.ID)}, "why": {"asked by the ICB"}})
	r := op.post(t, "/group-editors/new", form)
	m := inviteLinkRE.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		t.Fatalf("invite %s: %d\n%s", email, r.status, r.body)
	}
	gs, err := s.db.GroupEditors(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		if g.Email == email {
			return m[1], g.UserID
		}
	}
	t.Fatalf("no group editor %s", email)
	return "", 0
}

// joinAndSignIn has a group editor join by the link and sign in, setting
// up two-factor.
func joinAndSignIn(t *testing.T, s *server, link, email string) *browser {
	t.Helper()
	ed := s.browser()
	page := ed.get(t, link)
	if r := ed.post(t, link, url.Values{"_csrf": {csrf(t, page.body)}, "password": {password}}); r.status != http.StatusSeeOther {
		t.Fatalf("join: %d\n%s", r.status, r.body)
	}
	r := ed.password(t, email, password)
	sm := regexp.MustCompile(`id="secret">([A-Z2-7]+)<`).FindStringSubmatch(r.body)
	if r.status != http.StatusOK || sm == nil {
		t.Fatalf("set-up page: %d\n%s", r.status, r.body)
	}
	if r := ed.post(t, "/sign-in", url.Values{"_csrf": {csrf(t, r.body)}, "step": {"setup"}, "code": {code(t, sm[1])}}); r.status != http.StatusOK {
		t.Fatalf("set-up: %d\n%s", r.status, r.body)
	}
	if r := ed.get(t, "/shared"); r.status != http.StatusOK {
		t.Fatalf("the group editor's shared list: %d", r.status)
	}
	return ed
}

// An operator removes a group editor: a group editor may not; the form
// asks for a reason and a CSRF token; the removal is audited and the
// editor's session ends at once (sessions in Redis, so the cache too),
// and they cannot sign in again.
func TestConsoleRemoveGroupEditor(t *testing.T) {
	s := newServer(t, options{})
	alpha := s.tenant(t, "alpha")
	s.operator(t, "op@pcnweb.example", secret)
	op := s.browser()
	op.signIn(t, "op@pcnweb.example", secret)
	link, id := inviteEditor(t, s, op, "editor@icb.example.nhs.uk", alpha)
	ed := joinAndSignIn(t, s, link, "editor@icb.example.nhs.uk")
	_, otherID := inviteEditor(t, s, op, "other@icb.example.nhs.uk", alpha)
	path := fmt.Sprintf("/group-editors/%d/remove", id)

	// A group editor cannot remove anyone, themselves included.
	tok := csrf(t, ed.get(t, "/shared").body)
	for _, p := range []string{path, fmt.Sprintf("/group-editors/%d/remove", otherID)} {
		if r := ed.get(t, p); r.status != http.StatusForbidden {
			t.Errorf("a group editor's GET %s: %d, want 403", p, r.status)
		}
		if r := ed.post(t, p, url.Values{"_csrf": {tok}, "why": {"x"}}); r.status != http.StatusForbidden {
			t.Errorf("a group editor's POST %s: %d, want 403", p, r.status)
		}
	}
	if _, err := s.db.GroupEditorByUserID(context.Background(), otherID); err != nil {
		t.Fatalf("a group editor removed another: %v", err)
	}

	list := op.get(t, "/group-editors")
	if !strings.Contains(list.body, `href="`+path+`"`) {
		t.Errorf("the list has no Remove link to %s:\n%s", path, list.body)
	}
	if r := op.post(t, path, url.Values{"why": {"left the ICB"}}); r.status != http.StatusForbidden {
		t.Errorf("remove without _csrf: %d, want 403", r.status)
	}
	form := op.form(t, path, url.Values{"why": {""}})
	if r := op.post(t, path, form); r.status != http.StatusUnprocessableEntity || fieldError(r.body, "why") == "" {
		t.Errorf("remove without a reason: %d %q", r.status, fieldError(r.body, "why"))
	}
	if r := ed.get(t, "/shared"); r.status != http.StatusOK {
		t.Fatalf("refused removals ended the session: %d", r.status)
	}
	form.Set("why", "left the ICB")
	if r := op.post(t, path, form); r.status != http.StatusSeeOther || r.location() != "/group-editors" {
		t.Fatalf("remove: %d %s\n%s", r.status, r.location(), r.body)
	}
	if a := s.lastAudit(t); a.Action != models.AuditGroupEditorRemove || a.Why != "left the ICB" || !strings.Contains(a.Subject, "editor@icb.example.nhs.uk") {
		t.Errorf("operator audit: %+v", a)
	}
	if list := op.get(t, "/group-editors"); strings.Contains(list.body, "editor@icb.example.nhs.uk") {
		t.Errorf("the list still shows the removed editor")
	}
	if r := ed.get(t, "/shared"); r.status == http.StatusOK {
		t.Errorf("the removed editor's session lives on: %d", r.status)
	}
	if r := ed.password(t, "editor@icb.example.nhs.uk", password); strings.Contains(r.body, `name="step"`) {
		t.Errorf("the removed editor can sign in: %d\n%s", r.status, r.body)
	}
	if r := op.get(t, path); r.status != http.StatusNotFound {
		t.Errorf("the removed editor's remove page: %d, want 404", r.status)
	}
}

// An operator makes a new link for an invitation not used yet: the old
// link stops working, the new one is shown once and works. A group editor
// may not; an editor who has joined has no link to make again.
func TestConsoleGroupEditorNewLink(t *testing.T) {
	s := newServer(t, options{dbSessions: true})
	alpha := s.tenant(t, "alpha")
	s.operator(t, "op@pcnweb.example", secret)
	op := s.browser()
	op.signIn(t, "op@pcnweb.example", secret)
	joinedLink, joinedID := inviteEditor(t, s, op, "joined@icb.example.nhs.uk", alpha)
	ed := joinAndSignIn(t, s, joinedLink, "joined@icb.example.nhs.uk")
	oldLink, id := inviteEditor(t, s, op, "late@icb.example.nhs.uk", alpha)
	path := fmt.Sprintf("/group-editors/%d/new-link", id)

	list := op.get(t, "/group-editors")
	if !strings.Contains(list.body, `href="`+path+`"`) || strings.Contains(list.body, fmt.Sprintf(`href="/group-editors/%d/new-link"`, joinedID)) {
		t.Errorf("the list should offer a new link for the pending invitation only:\n%s", list.body)
	}
	tok := csrf(t, ed.get(t, "/shared").body)
	if r := ed.post(t, path, url.Values{"_csrf": {tok}, "why": {"x"}}); r.status != http.StatusForbidden {
		t.Errorf("a group editor's new link: %d, want 403", r.status)
	}
	if r := op.post(t, path, url.Values{"why": {"lost it"}}); r.status != http.StatusForbidden {
		t.Errorf("new link without _csrf: %d, want 403", r.status)
	}
	if r := op.get(t, oldLink); r.status != http.StatusOK {
		t.Fatalf("refused new links broke the old one: %d", r.status)
	}
	form := op.form(t, path, url.Values{"why": {"lost the email"}})
	r := op.post(t, path, form)
	m := inviteLinkRE.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil || m[1] == oldLink || !strings.Contains(r.body, "no longer works") {
		t.Fatalf("new link: %d\n%s", r.status, r.body)
	}
	if a := s.lastAudit(t); a.Action != models.AuditGroupEditorReLink || a.Why != "lost the email" {
		t.Errorf("operator audit: %+v", a)
	}
	if r := s.browser().get(t, oldLink); r.status != http.StatusNotFound {
		t.Errorf("the old link: %d, want 404", r.status)
	}
	if r := s.browser().get(t, m[1]); r.status != http.StatusOK || !strings.Contains(r.body, "late@icb.example.nhs.uk") {
		t.Errorf("the new link: %d", r.status)
	}
	if r := op.get(t, fmt.Sprintf("/group-editors/%d/new-link", joinedID)); r.status != http.StatusConflict {
		t.Errorf("a new link for an editor who joined: %d, want 409", r.status)
	}
}

// A shared page whose body shows an image of a site's media library is
// refused next to the body, saying to use a full https address; nothing
// is saved.
func TestConsoleSharedRefusesSiteMedia(t *testing.T) {
	s := newServer(t, options{})
	s.tenant(t, "alpha")
	s.operator(t, "op@pcnweb.example", secret)
	b := s.browser()
	b.signIn(t, "op@pcnweb.example", secret)
	for _, kind := range []string{"page", "notice"} {
		form := b.form(t, "/shared/new", url.Values{"kind": {kind}, "title": {"Flu jabs"}, "owner": {"NHS South Yorkshire ICB"},
			"audience": {"all"}, "body": {"Book now.\n\n![A nurse giving a jab](/media/12/640.jpg)"}, "why": {"flu campaign"}})
		if kind == "page" {
			form.Set("path", "/flu-jabs")
		}
		r := b.post(t, "/shared/new", form)
		if msg := fieldError(r.body, "body"); r.status != http.StatusUnprocessableEntity || !strings.Contains(msg, "/media/") || !strings.Contains(msg, "https://") {
			t.Errorf("%s with a /media/ image: %d %q", kind, r.status, msg)
		}
	}
	items, err := s.db.SharedItems(context.Background(), models.SharedEditor{User: models.User{IsOperator: true}})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 0 {
		t.Errorf("saved %d items, want none", len(items))
	}
}
