package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/models"
)

var linkRE = regexp.MustCompile(`http://alpha\.localhost(/admin/password-reset/[A-Za-z0-9_-]+)`)

// askReset posts the reset form for email and returns the answer.
func (b *browser) askReset(t *testing.T, host, email string) response {
	t.Helper()
	r := b.get(t, host, "/admin/password-reset")
	if r.status != http.StatusOK {
		t.Fatalf("GET password-reset: %d", r.status)
	}
	return b.post(t, host, "/admin/sign-in", url.Values{"_csrf": {csrf(t, r.body)}, "step": {"reset-request"}, "email": {email}})
}

func TestPasswordReset(t *testing.T) {
	s, box := newAuthServer(t)
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleManager)
	other := s.tenant(t, "beta")
	s.user(t, other, "bob@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	const newPassword = "a brand new long passphrase"

	// Unknown email, and an account of another tenant: the same page, no mail.
	b := s.browser()
	unknown := b.askReset(t, host, "nobody@example.nhs.uk")
	foreign := b.askReset(t, host, "bob@example.nhs.uk")
	known := b.askReset(t, host, "Jane@example.nhs.uk")
	norm := func(r response) string { return csrfRE.ReplaceAllString(r.body, "CSRF") }
	if known.status != http.StatusOK || !strings.Contains(known.body, "If the address has an account, we've sent a link") {
		t.Fatalf("reset request: %d\n%s", known.status, known.body)
	}
	if norm(unknown) != norm(known) || norm(foreign) != norm(known) || unknown.status != known.status {
		t.Error("the answers for known and unknown emails differ")
	}
	mails := box.wait(t, 1)
	if len(mails) != 1 || mails[0].to != "jane@example.nhs.uk" {
		t.Fatalf("mails: %+v", mails)
	}
	m := linkRE.FindStringSubmatch(mails[0].body)
	if m == nil {
		t.Fatalf("no link in %q", mails[0].body)
	}
	link := m[1]

	// A session elsewhere, to be ended by the reset.
	elsewhere := s.browser()
	elsewhere.signIn(t, host, "jane@example.nhs.uk")

	r := b.get(t, host, link)
	if r.status != http.StatusOK || !strings.Contains(r.body, "Choose a new password") || r.header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("GET link: %d %q\n%s", r.status, r.header.Get("Referrer-Policy"), r.body)
	}
	token := strings.TrimPrefix(link, "/admin/password-reset/")
	form := func(pw, confirm string) url.Values {
		return url.Values{"_csrf": {csrf(t, r.body)}, "step": {"reset"}, "token": {token}, "password": {pw}, "password-confirm": {confirm}}
	}
	if r := b.post(t, host, "/admin/sign-in", form("short", "short")); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="password-error"`) {
		t.Errorf("short password: %d\n%s", r.status, r.body)
	}
	if r := b.post(t, host, "/admin/sign-in", form(newPassword, newPassword+"x")); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="password-confirm-error"`) {
		t.Errorf("passwords that differ: %d\n%s", r.status, r.body)
	}
	if r := b.post(t, host, "/admin/sign-in", url.Values{"step": {"reset"}, "token": {token}, "password": {newPassword}, "password-confirm": {newPassword}}); r.status != http.StatusForbidden {
		t.Errorf("reset without a CSRF token: %d", r.status)
	}
	if r := b.post(t, host, "/admin/sign-in", form(newPassword, newPassword)); r.status != http.StatusSeeOther || r.location() != "/admin/sign-in?reset=1" {
		t.Fatalf("reset: %d %q\n%s", r.status, r.location(), r.body)
	}
	if r := elsewhere.get(t, host, "/admin"); r.status != http.StatusSeeOther {
		t.Errorf("a session survived the reset: %d", r.status)
	}
	if r := s.browser().trySignIn(t, host, "jane@example.nhs.uk", password); r.status != http.StatusUnprocessableEntity {
		t.Errorf("old password after the reset: %d", r.status)
	}
	if r := s.browser().trySignIn(t, host, "jane@example.nhs.uk", newPassword); r.status != http.StatusSeeOther {
		t.Errorf("new password: %d", r.status)
	}
	if !contains(auditActions(t, s, tn), models.AuditPasswordReset) {
		t.Errorf("no %s in the audit log", models.AuditPasswordReset)
	}

	// The link works once.
	if r := b.get(t, host, link); r.status != http.StatusGone || !strings.Contains(r.body, "expired or has already been used") {
		t.Errorf("used link: %d\n%s", r.status, r.body)
	}
	if r := b.post(t, host, "/admin/sign-in", form("another long passphrase!", "another long passphrase!")); r.status != http.StatusGone {
		t.Errorf("reset with a used link: %d", r.status)
	}

	// An expired link is refused.
	b.askReset(t, host, "jane@example.nhs.uk")
	mails = box.wait(t, 2)
	m = linkRE.FindStringSubmatch(mails[len(mails)-1].body)
	s.clock.Add(time.Hour + time.Second)
	if r := b.get(t, host, m[1]); r.status != http.StatusGone || !strings.Contains(r.body, "expired or has already been used") {
		t.Errorf("expired link: %d", r.status)
	}
	if r := b.get(t, host, "/admin/password-reset/"+auth.NewToken()); r.status != http.StatusGone {
		t.Errorf("unknown link: %d", r.status)
	}
}

func TestPasswordResetValidation(t *testing.T) {
	s, box := newAuthServer(t)
	s.tenant(t, "alpha")
	const host = "alpha.localhost"
	b := s.browser()
	for _, email := range []string{"", "not an email"} {
		if r := b.askReset(t, host, email); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="email-error"`) || !strings.Contains(r.body, "There is a problem") {
			t.Errorf("email %q: %d\n%s", email, r.status, r.body)
		}
	}
	if r := b.post(t, host, "/admin/sign-in", url.Values{"step": {"reset-request"}, "email": {"x@example.nhs.uk"}}); r.status != http.StatusForbidden {
		t.Errorf("reset request without a CSRF token: %d", r.status)
	}
	if len(box.all()) != 0 {
		t.Error("mail sent")
	}
}

// Reset requests are limited per email address: the form answers the same,
// and no more links are sent, so it cannot flood an inbox.
func TestPasswordResetRequestsLimited(t *testing.T) {
	s, box := newAuthServer(t)
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleManager)
	b := s.browser()
	var answers []string
	for i := 0; i < auth.ResetsPerAccount+2; i++ {
		r := b.askReset(t, "alpha.localhost", "jane@example.nhs.uk")
		if r.status != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, r.status)
		}
		answers = append(answers, csrfRE.ReplaceAllString(r.body, "CSRF"))
	}
	for i, a := range answers {
		if a != answers[0] {
			t.Errorf("answer %d differs from the first", i+1)
		}
	}
	box.wait(t, auth.ResetsPerAccount)
	time.Sleep(200 * time.Millisecond) // a stray send would have arrived by now
	if n := len(box.all()); n != auth.ResetsPerAccount {
		t.Errorf("%d links sent for %d requests, want %d", n, auth.ResetsPerAccount+2, auth.ResetsPerAccount)
	}
}
