package admin_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/models"
)

var peopleInviteRE = regexp.MustCompile(`http://alpha\.localhost(/admin/invitation/[A-Za-z0-9_-]+)`)

// peopleToken opens a signed-in page and returns its CSRF token.
func (b *browser) peopleToken(t *testing.T, host, path string) string {
	t.Helper()
	r := b.get(t, host, path)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, r.status, r.body)
	}
	return csrf(t, r.body)
}

// peopleInvite invites email as role through the users page and returns the
// link's path from the last mail.
func peopleInvite(t *testing.T, b *browser, box *mailbox, email, role string) string {
	t.Helper()
	tok := b.peopleToken(t, "alpha.localhost", "/admin/users")
	r := b.post(t, "alpha.localhost", "/admin/users/invite", url.Values{"_csrf": {tok}, "email": {email}, "role": {role}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/users?done=invited" {
		t.Fatalf("invite %s: %d %q\n%s", email, r.status, r.location(), r.body)
	}
	mails := box.all()
	last := mails[len(mails)-1]
	m := peopleInviteRE.FindStringSubmatch(last.body)
	if last.to != email || m == nil {
		t.Fatalf("invitation mail: %+v", last)
	}
	return m[1]
}

func peopleInvitations(t *testing.T, s *server, tn models.Tenant) []models.Invitation {
	t.Helper()
	list, err := s.db.ForTenant(context.Background(), tn.ID).Invitations()
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestInvitationNewPersonJoins(t *testing.T) {
	s, box := newAuthServer(t)
	tn := s.tenant(t, "alpha")
	s.tenant(t, "beta")
	s.user(t, tn, "boss@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	boss := s.browser()
	boss.signIn(t, host, "boss@example.nhs.uk")
	if r := boss.get(t, host, "/admin/users"); !strings.Contains(r.body, "boss@example.nhs.uk") || !strings.Contains(r.body, "(you)") {
		t.Fatalf("users page:\n%s", r.body)
	}

	// Validation next to the field, CSRF refusal; nothing is stored.
	tok := boss.peopleToken(t, host, "/admin/users")
	for _, tt := range []struct {
		form  url.Values
		field string
		msg   string
	}{
		{url.Values{"email": {""}, "role": {"editor"}}, "email", "Enter the email address"},
		{url.Values{"email": {"not an email"}, "role": {"editor"}}, "email", "Enter an email address in the correct format"},
		{url.Values{"email": {"boss@example.nhs.uk"}, "role": {"editor"}}, "email", "Someone with this email address is already a member"},
		{url.Values{"email": {"new@example.nhs.uk"}}, "role", "Choose whether they will be a manager or an editor"},
	} {
		tt.form.Set("_csrf", tok)
		r := boss.post(t, host, "/admin/users/invite", tt.form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `<a href="#`+tt.field+`">`+tt.msg) || !strings.Contains(r.body, `id="`+tt.field+`-error"`) {
			t.Errorf("%v: %d\n%s", tt.form, r.status, r.body)
		}
	}
	if r := boss.post(t, host, "/admin/users/invite", url.Values{"email": {"new@example.nhs.uk"}, "role": {"editor"}}); r.status != http.StatusForbidden {
		t.Errorf("invite without a CSRF token: %d", r.status)
	}
	if n := len(peopleInvitations(t, s, tn)); n != 0 || len(box.all()) != 0 {
		t.Fatalf("refused invitations stored %d, mailed %d", n, len(box.all()))
	}

	link := peopleInvite(t, boss, box, "new@example.nhs.uk", "editor")
	if r := boss.get(t, host, "/admin/users?done=invited"); !strings.Contains(r.body, "new@example.nhs.uk") || !strings.Contains(r.body, "Link works until") {
		t.Errorf("pending invitation not listed:\n%s", r.body)
	}

	// The link on another tenant's host is not found.
	other := s.browser()
	if r := other.get(t, "beta.localhost", link); r.status != http.StatusNotFound {
		t.Errorf("alpha's link on beta: %d", r.status)
	}
	form := other.get(t, "beta.localhost", "/admin/sign-in")
	if r := other.post(t, "beta.localhost", link, url.Values{"_csrf": {csrf(t, form.body)}, "password": {"a brand new long passphrase"}, "password-confirm": {"a brand new long passphrase"}}); r.status != http.StatusNotFound {
		t.Errorf("accepting alpha's link on beta: %d", r.status)
	}

	// The new person chooses a password and is signed in.
	b := s.browser()
	r := b.get(t, host, link)
	if r.status != http.StatusOK || !strings.Contains(r.body, "Choose a password") || !strings.Contains(r.body, "as an editor") || r.header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("GET link: %d\n%s", r.status, r.body)
	}
	tok = csrf(t, r.body)
	const pw = "a brand new long passphrase"
	for _, tt := range []struct {
		pw, confirm, field string
	}{
		{"short", "short", "password"},
		{pw, pw + "x", "password-confirm"},
	} {
		r := b.post(t, host, link, url.Values{"_csrf": {tok}, "name": {"New Person"}, "password": {tt.pw}, "password-confirm": {tt.confirm}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="`+tt.field+`-error"`) || !strings.Contains(r.body, "New Person") {
			t.Errorf("password %q/%q: %d\n%s", tt.pw, tt.confirm, r.status, r.body)
		}
	}
	if r := b.post(t, host, link, url.Values{"password": {pw}, "password-confirm": {pw}}); r.status != http.StatusForbidden {
		t.Errorf("accept without a CSRF token: %d", r.status)
	}
	r = b.post(t, host, link, url.Values{"_csrf": {tok}, "name": {"New Person"}, "password": {pw}, "password-confirm": {pw}})
	if r.status != http.StatusSeeOther || r.location() != "/admin" {
		t.Fatalf("accept: %d %q\n%s", r.status, r.location(), r.body)
	}
	if r := b.get(t, host, "/admin"); r.status != http.StatusOK || !strings.Contains(r.body, "new@example.nhs.uk") {
		t.Errorf("after accepting: %d", r.status)
	}
	if r := b.get(t, host, "/admin/users"); r.status != http.StatusForbidden {
		t.Errorf("an editor on the users page: %d", r.status)
	}
	if r := s.browser().trySignIn(t, host, "new@example.nhs.uk", pw); r.status != http.StatusSeeOther {
		t.Errorf("signing in with the chosen password: %d", r.status)
	}
	// The link works once.
	if r := s.browser().get(t, host, link); r.status != http.StatusNotFound {
		t.Errorf("used link: %d", r.status)
	}
	if n := len(peopleInvitations(t, s, tn)); n != 0 {
		t.Errorf("invitations left: %d", n)
	}
	got := auditActions(t, s, tn)
	for _, want := range []string{models.AuditUserInvite, models.AuditUserInvitationAccept} {
		if !contains(got, want) {
			t.Errorf("no %s in the audit log %v", want, got)
		}
	}
}

func TestInvitationExistingAccountResendCancelExpire(t *testing.T) {
	s, box := newAuthServer(t)
	tn := s.tenant(t, "alpha")
	beta := s.tenant(t, "beta")
	s.user(t, tn, "boss@example.nhs.uk", models.RoleManager)
	bob := s.user(t, beta, "bob@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	boss := s.browser()
	boss.signIn(t, host, "boss@example.nhs.uk")

	// Resend: the first link stops working.
	first := peopleInvite(t, boss, box, "bob@example.nhs.uk", "manager")
	inv := peopleInvitations(t, s, tn)[0]
	tok := boss.peopleToken(t, host, "/admin/users")
	if r := boss.post(t, host, "/admin/users/invitations/"+itoa(inv.ID)+"/resend", url.Values{"_csrf": {tok}}); r.status != http.StatusSeeOther || r.location() != "/admin/users?done=resent" {
		t.Fatalf("resend: %d %q", r.status, r.location())
	}
	mails := box.all()
	link := peopleInviteRE.FindStringSubmatch(mails[len(mails)-1].body)[1]
	if r := s.browser().get(t, host, first); r.status != http.StatusNotFound {
		t.Errorf("the first link after a resend: %d", r.status)
	}

	// Bob already has an account (on beta): he enters its password.
	b := s.browser()
	r := b.get(t, host, link)
	if r.status != http.StatusOK || !strings.Contains(r.body, "You already have an account") {
		t.Fatalf("GET link: %d\n%s", r.status, r.body)
	}
	form := url.Values{"_csrf": {csrf(t, r.body)}, "password": {"not my password at all"}}
	if r := b.post(t, host, link, form); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="password-error"`) {
		t.Errorf("wrong password: %d\n%s", r.status, r.body)
	}
	form.Set("password", password)
	if r := b.post(t, host, link, form); r.status != http.StatusSeeOther || r.location() != "/admin" {
		t.Fatalf("accept: %d %q\n%s", r.status, r.location(), r.body)
	}
	if m, err := s.db.ForTenant(context.Background(), tn.ID).Membership(bob.ID); err != nil || m.Role != models.RoleManager {
		t.Errorf("bob's membership of alpha: %+v %v", m, err)
	}
	if m, err := s.db.ForTenant(context.Background(), beta.ID).Membership(bob.ID); err != nil || m.Role != models.RoleEditor {
		t.Errorf("bob's membership of beta: %+v %v", m, err)
	}
	if r := b.get(t, host, "/admin/users"); r.status != http.StatusOK {
		t.Errorf("bob as a manager of alpha: %d", r.status)
	}

	// Cancel: the link stops working.
	cancelled := peopleInvite(t, boss, box, "carol@example.nhs.uk", "editor")
	inv = peopleInvitations(t, s, tn)[0]
	tok = boss.peopleToken(t, host, "/admin/users")
	if r := boss.post(t, host, "/admin/users/invitations/"+itoa(inv.ID)+"/cancel", url.Values{"_csrf": {tok}}); r.status != http.StatusSeeOther {
		t.Fatalf("cancel: %d", r.status)
	}
	if r := s.browser().get(t, host, cancelled); r.status != http.StatusNotFound {
		t.Errorf("cancelled link: %d", r.status)
	}

	// After 7 days the link has expired; the list says so.
	expiring := peopleInvite(t, boss, box, "dan@example.nhs.uk", "editor")
	s.clock.Add(models.InvitationTTL + 1)
	if r := s.browser().get(t, host, expiring); r.status != http.StatusGone || !strings.Contains(r.body, "This invitation has expired") {
		t.Errorf("expired link: %d\n%s", r.status, r.body)
	}
	boss.signIn(t, host, "boss@example.nhs.uk") // the session timed out too
	if r := boss.get(t, host, "/admin/users"); !strings.Contains(r.body, "Expired: send it again") {
		t.Error("the list does not say the invitation expired")
	}
}

func TestUsersRolesRemovalAndRefusals(t *testing.T) {
	s, box := newAuthServer(t)
	tn := s.tenant(t, "alpha")
	beta := s.tenant(t, "beta")
	boss := s.user(t, tn, "boss@example.nhs.uk", models.RoleManager)
	ed := s.user(t, tn, "ed@example.nhs.uk", models.RoleEditor)
	other := s.user(t, beta, "other@example.nhs.uk", models.RoleEditor)
	ctx := context.Background()
	betaStore := s.db.ForTenant(ctx, beta.ID)
	if _, err := betaStore.Invite("ed@example.nhs.uk", models.RoleEditor, other, "beta-hash", s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := betaStore.AcceptInvitation("beta-hash", "", "", s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	betaInv, err := betaStore.Invite("zed@example.nhs.uk", models.RoleEditor, other, "beta-hash-2", s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	const host = "alpha.localhost"

	// An editor gets the 403 page on every manager page, and writes nothing.
	editor := s.browser()
	editor.signIn(t, host, "ed@example.nhs.uk")
	edOnBeta := s.browser()
	edOnBeta.signIn(t, "beta.localhost", "ed@example.nhs.uk")
	edTok := editor.peopleToken(t, host, "/admin/menu")
	for _, path := range []string{"/admin/users", "/admin/settings", "/admin/audit", "/admin/users/" + itoa(boss.ID) + "/edit", "/admin/users/" + itoa(boss.ID) + "/remove"} {
		if r := editor.get(t, host, path); r.status != http.StatusForbidden || !strings.Contains(r.body, "Only the website") {
			t.Errorf("editor GET %s: %d", path, r.status)
		}
	}
	for _, path := range []string{"/admin/users/invite", "/admin/settings", "/admin/users/" + itoa(boss.ID) + "/edit", "/admin/users/" + itoa(boss.ID) + "/remove"} {
		r := editor.post(t, host, path, url.Values{"_csrf": {edTok}, "email": {"x@example.nhs.uk"}, "role": {"editor"}, "was": {"manager"}, "version": {"0"}, "phone": {"0113"}})
		if r.status != http.StatusForbidden {
			t.Errorf("editor POST %s: %d", path, r.status)
		}
	}
	if n := len(peopleInvitations(t, s, tn)); n != 0 || len(box.all()) != 0 {
		t.Errorf("an editor's invitation was stored")
	}
	if m, _ := s.db.ForTenant(ctx, tn.ID).Membership(boss.ID); m.Role != models.RoleManager {
		t.Errorf("an editor changed the manager's role: %s", m.Role)
	}

	mgr := s.browser()
	mgr.signIn(t, host, "boss@example.nhs.uk")
	tok := mgr.peopleToken(t, host, "/admin/users")

	// Another tenant's user and invitation are not found; nothing written.
	for _, path := range []string{"/admin/users/" + itoa(other.ID) + "/edit", "/admin/users/" + itoa(other.ID) + "/remove"} {
		if r := mgr.get(t, host, path); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, r.status)
		}
		if r := mgr.post(t, host, path, url.Values{"_csrf": {tok}, "role": {"manager"}, "was": {"editor"}}); r.status != http.StatusNotFound {
			t.Errorf("POST %s: %d", path, r.status)
		}
	}
	for _, path := range []string{"/resend", "/cancel"} {
		if r := mgr.post(t, host, "/admin/users/invitations/"+itoa(betaInv.ID)+path, url.Values{"_csrf": {tok}}); r.status != http.StatusNotFound {
			t.Errorf("POST beta's invitation %s: %d", path, r.status)
		}
	}
	if m, err := betaStore.Membership(other.ID); err != nil || m.Role != models.RoleEditor {
		t.Errorf("beta's member changed: %+v %v", m, err)
	}
	if list, _ := betaStore.Invitations(); len(list) != 1 || list[0].TokenHash != "beta-hash-2" {
		t.Errorf("beta's invitation changed: %+v", list)
	}
	if len(box.all()) != 0 {
		t.Error("mail sent for beta's invitation")
	}

	// The only manager can neither become an editor nor remove themselves.
	r := mgr.post(t, host, "/admin/users/"+itoa(boss.ID)+"/edit", url.Values{"_csrf": {tok}, "role": {"editor"}, "was": {"manager"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "only manager") || !strings.Contains(r.body, `id="role-error"`) {
		t.Errorf("demoting the only manager: %d\n%s", r.status, r.body)
	}
	r = mgr.post(t, host, "/admin/users/"+itoa(boss.ID)+"/remove", url.Values{"_csrf": {tok}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "You cannot remove yourself") {
		t.Errorf("removing yourself: %d\n%s", r.status, r.body)
	}

	// Role change: a stale page is refused; CSRF is required.
	edit := "/admin/users/" + itoa(ed.ID) + "/edit"
	if r := mgr.get(t, host, edit); r.status != http.StatusOK || !strings.Contains(r.body, `name="was" value="editor"`) {
		t.Fatalf("role form: %d\n%s", r.status, r.body)
	}
	if r := mgr.post(t, host, edit, url.Values{"_csrf": {tok}, "role": {"owner"}, "was": {"editor"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="role-error"`) {
		t.Errorf("no role: %d", r.status)
	}
	if r := mgr.post(t, host, edit, url.Values{"role": {"manager"}, "was": {"editor"}}); r.status != http.StatusForbidden {
		t.Errorf("role change without a CSRF token: %d", r.status)
	}
	if r := mgr.post(t, host, edit, url.Values{"_csrf": {tok}, "role": {"editor"}, "was": {"manager"}}); r.status != http.StatusConflict || !strings.Contains(r.body, "Someone else changed this person") {
		t.Errorf("stale role change: %d\n%s", r.status, r.body)
	}
	if r := mgr.post(t, host, edit, url.Values{"_csrf": {tok}, "role": {"manager"}, "was": {"editor"}}); r.status != http.StatusSeeOther || r.location() != "/admin/users?done=role" {
		t.Fatalf("role change: %d %q\n%s", r.status, r.location(), r.body)
	}
	if r := editor.get(t, host, "/admin/users"); r.status != http.StatusOK {
		t.Errorf("ed as a manager: %d", r.status)
	}

	// Removal ends ed's sessions on alpha, not on beta.
	remove := "/admin/users/" + itoa(ed.ID) + "/remove"
	if r := mgr.get(t, host, remove); r.status != http.StatusOK || !strings.Contains(r.body, "Are you sure you want to remove ed@example.nhs.uk") {
		t.Fatalf("removal confirmation: %d", r.status)
	}
	if r := mgr.post(t, host, remove, url.Values{}); r.status != http.StatusForbidden {
		t.Errorf("removal without a CSRF token: %d", r.status)
	}
	if r := mgr.post(t, host, remove, url.Values{"_csrf": {tok}}); r.status != http.StatusSeeOther || r.location() != "/admin/users?done=removed" {
		t.Fatalf("remove: %d %q\n%s", r.status, r.location(), r.body)
	}
	if r := editor.get(t, host, "/admin"); r.status != http.StatusSeeOther || r.location() != "/admin/sign-in" {
		t.Errorf("ed's alpha session after removal: %d %q", r.status, r.location())
	}
	if r := edOnBeta.get(t, "beta.localhost", "/admin"); r.status != http.StatusOK {
		t.Errorf("ed's beta session after removal from alpha: %d", r.status)
	}
	if _, err := s.db.ForTenant(ctx, tn.ID).Membership(ed.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("ed's membership after removal: %v", err)
	}
	got := auditActions(t, s, tn)
	for _, want := range []string{models.AuditUserRole, models.AuditUserRemove} {
		if !contains(got, want) {
			t.Errorf("no %s in the audit log %v", want, got)
		}
	}
}

// An existing account with two-factor on accepts with its password and then
// its code, like signing in.
func TestInvitationTwoFactorAccount(t *testing.T) {
	s, box := newAuthServer(t)
	tn := s.tenant(t, "alpha")
	beta := s.tenant(t, "beta")
	s.user(t, tn, "boss@example.nhs.uk", models.RoleManager)
	s.user(t, beta, "bob@example.nhs.uk", models.RoleEditor)
	onBeta := s.browser()
	onBeta.signIn(t, "beta.localhost", "bob@example.nhs.uk")
	secret, _ := onBeta.enableTwoFactor(t, s, "beta.localhost")

	const host = "alpha.localhost"
	boss := s.browser()
	boss.signIn(t, host, "boss@example.nhs.uk")
	link := peopleInvite(t, boss, box, "bob@example.nhs.uk", "editor")
	b := s.browser()
	r := b.get(t, host, link)
	r = b.post(t, host, link, url.Values{"_csrf": {csrf(t, r.body)}, "password": {password}})
	if r.status != http.StatusOK || !strings.Contains(r.body, "Enter your security code") || b.sessionToken(host) != "" {
		t.Fatalf("accept with two-factor on: %d\n%s", r.status, r.body)
	}
	s.nextStep()
	if r := b.codeStep(t, host, csrf(t, r.body), s.code(t, secret)); r.status != http.StatusSeeOther || r.location() != "/admin" {
		t.Fatalf("code step: %d %q\n%s", r.status, r.location(), r.body)
	}
	if r := b.get(t, host, "/admin/menu"); r.status != http.StatusOK {
		t.Errorf("bob on alpha: %d", r.status)
	}
}

// With sessions in the database, removing a member ends their sessions on
// this tenant only.
func TestUsersRemovalEndsDatabaseSessions(t *testing.T) {
	s := newServer(t, options{dbSessions: true})
	tn := s.tenant(t, "alpha")
	beta := s.tenant(t, "beta")
	s.user(t, tn, "boss@example.nhs.uk", models.RoleManager)
	ed := s.user(t, tn, "ed@example.nhs.uk", models.RoleEditor)
	ctx := context.Background()
	betaStore := s.db.ForTenant(ctx, beta.ID)
	if _, err := betaStore.Invite("ed@example.nhs.uk", models.RoleEditor, models.User{}, "h", s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := betaStore.AcceptInvitation("h", "", "", s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	const host = "alpha.localhost"
	editor, edBeta := s.browser(), s.browser()
	editor.signIn(t, host, "ed@example.nhs.uk")
	edBeta.signIn(t, "beta.localhost", "ed@example.nhs.uk")
	mgr := s.browser()
	mgr.signIn(t, host, "boss@example.nhs.uk")
	tok := mgr.peopleToken(t, host, "/admin/users")
	if r := mgr.post(t, host, "/admin/users/"+itoa(ed.ID)+"/remove", url.Values{"_csrf": {tok}}); r.status != http.StatusSeeOther {
		t.Fatalf("remove: %d\n%s", r.status, r.body)
	}
	if _, err := s.db.SignInSessionByTokenHash(ctx, auth.HashToken(editor.sessionToken(host))); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("ed's alpha session is still stored: %v", err)
	}
	if _, err := s.db.SignInSessionByTokenHash(ctx, auth.HashToken(edBeta.sessionToken("beta.localhost"))); err != nil {
		t.Errorf("ed's beta session is gone: %v", err)
	}
	if r := edBeta.get(t, "beta.localhost", "/admin"); r.status != http.StatusOK {
		t.Errorf("ed on beta: %d", r.status)
	}
}

// TestInvitationWithoutMailServer: with the log mailer (no mail server set
// up) the manager is told plainly that no email was sent and given the link
// to pass on, which works; the same on sending it again.
func TestInvitationWithoutMailServer(t *testing.T) {
	var logs bytes.Buffer
	s := newServer(t, options{mailer: auth.LogMailer{Logger: slog.New(slog.NewTextHandler(&logs, nil))}, adminClock: true})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "boss@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	boss := s.browser()
	boss.signIn(t, host, "boss@example.nhs.uk")

	linkRE := regexp.MustCompile(`id="invitation-link" type="text" value="http://alpha\.localhost(/admin/invitation/[A-Za-z0-9_-]+)"`)
	check := func(r response, what string) string {
		t.Helper()
		m := linkRE.FindStringSubmatch(r.body)
		if r.status != http.StatusOK || m == nil || strings.Contains(r.body, "has been sent") ||
			!strings.Contains(r.body, "No email was sent to new@example.nhs.uk because no mail server is set up: the invitation went to the server&#39;s log") {
			t.Fatalf("%s: %d\n%s", what, r.status, r.body)
		}
		if !strings.Contains(logs.String(), m[1]) {
			t.Errorf("%s: the link is not in the server's log:\n%s", what, logs.String())
		}
		return m[1]
	}
	tok := boss.peopleToken(t, host, "/admin/users")
	first := check(boss.post(t, host, "/admin/users/invite", url.Values{"_csrf": {tok}, "email": {"new@example.nhs.uk"}, "role": {"editor"}}), "invite")
	inv := peopleInvitations(t, s, tn)[0]
	tok = boss.peopleToken(t, host, "/admin/users")
	link := check(boss.post(t, host, "/admin/users/invitations/"+strconv.FormatInt(inv.ID, 10)+"/resend", url.Values{"_csrf": {tok}}), "resend")
	if link == first {
		t.Fatal("resending kept the link")
	}
	// The link shown is the one that works.
	if r := s.browser().get(t, host, link); r.status != http.StatusOK || !strings.Contains(r.body, "new@example.nhs.uk") {
		t.Errorf("shown link: %d\n%s", r.status, r.body)
	}
	// Without a mail server a reload of the list shows no link.
	if r := boss.get(t, host, "/admin/users"); strings.Contains(r.body, "invitation-link") {
		t.Errorf("the list shows a link:\n%s", r.body)
	}
}
