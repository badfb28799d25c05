package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/admin"
	"github.com/pcnweb/pcnweb/models"
)

// mailbox is a Mailer that keeps what it is given.
type mailbox struct {
	mu   sync.Mutex
	sent []mail
}

type mail struct{ to, subject, body string }

func (m *mailbox) Send(_ context.Context, to, subject, body string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, mail{to, subject, body})
	return nil
}

func (m *mailbox) all() []mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]mail(nil), m.sent...)
}

// wait returns the mails once at least n have been sent: reset links are
// sent after the answer, in the background.
func (m *mailbox) wait(t *testing.T, n int) []mail {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if all := m.all(); len(all) >= n {
			return all
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d mails sent, want %d: %+v", len(m.all()), n, m.all())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// newAuthServer is newServer (Redis sessions) with a Mailer and the test
// clock as the admin panel's clock too.
func newAuthServer(t *testing.T) (*server, *mailbox) {
	t.Helper()
	box := &mailbox{}
	return newServer(t, options{mailer: box, adminClock: true}), box
}

var (
	secretRE = regexp.MustCompile(`id="secret">([A-Z2-7]+)<`)
	codesRE  = regexp.MustCompile(`(?s)id="recovery-codes">(.*?)</pre>`)
)

// code is the TOTP code of the test clock's current step.
func (s *server) code(t *testing.T, secret string) string {
	t.Helper()
	key, err := auth.DecodeTOTPSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	return auth.TOTPCode(key, auth.TOTPStep(s.clock.Now()))
}

// nextStep moves the clock to the next TOTP step, so a new code is due.
func (s *server) nextStep() { s.clock.Add(auth.TOTPPeriod) }

// passwordStep signs in with the password and expects the code page.
func (b *browser) passwordStep(t *testing.T, host, email string) string {
	t.Helper()
	r := b.trySignIn(t, host, email, password)
	if r.status != http.StatusOK || !strings.Contains(r.body, "Enter your security code") || !strings.Contains(r.body, `name="code"`) {
		t.Fatalf("password step: %d %q\n%s", r.status, r.location(), r.body)
	}
	if b.sessionToken(host) != "" {
		t.Fatal("a session exists before the second step")
	}
	return csrf(t, r.body)
}

func (b *browser) codeStep(t *testing.T, host, token, code string) response {
	t.Helper()
	return b.post(t, host, "/admin/sign-in", url.Values{"_csrf": {token}, "step": {"two-factor"}, "code": {code}})
}

func auditActions(t *testing.T, s *server, tn models.Tenant) []string {
	t.Helper()
	log, err := s.db.ForTenant(context.Background(), tn.ID).AuditLog(100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range withoutSetup(log) {
		out = append(out, e.Action)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// enableTwoFactor turns two-factor on through the account page and returns
// the secret and the recovery codes.
func (b *browser) enableTwoFactor(t *testing.T, s *server, host string) (string, []string) {
	t.Helper()
	r := b.get(t, host, "/admin/account/two-factor")
	if r.status != http.StatusOK || !strings.Contains(r.body, "Two-factor authentication is off") {
		t.Fatalf("two-factor page: %d\n%s", r.status, r.body)
	}
	tok := csrf(t, r.body)
	r = b.post(t, host, "/admin/account/two-factor", url.Values{"_csrf": {tok}, "action": {"start"}})
	m := secretRE.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil || !strings.Contains(r.body, "otpauth://totp/") {
		t.Fatalf("start: %d\n%s", r.status, r.body)
	}
	secret := m[1]
	key, _ := auth.DecodeTOTPSecret(secret)
	wrong := auth.TOTPCode(key, auth.TOTPStep(s.clock.Now())+5)
	r = b.post(t, host, "/admin/account/two-factor", url.Values{"_csrf": {tok}, "action": {"confirm"}, "code": {wrong}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "There is a problem") || !strings.Contains(r.body, `id="code-error"`) {
		t.Fatalf("confirm with a wrong code: %d\n%s", r.status, r.body)
	}
	if u, _ := s.db.UserByEmail(context.Background(), "jane@example.nhs.uk"); u.TOTPEnabled {
		t.Fatal("a wrong code turned two-factor on")
	}
	r = b.post(t, host, "/admin/account/two-factor", url.Values{"_csrf": {tok}, "action": {"confirm"}, "code": {s.code(t, secret)}})
	cm := codesRE.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || cm == nil {
		t.Fatalf("confirm: %d\n%s", r.status, r.body)
	}
	codes := strings.Fields(cm[1])
	if len(codes) != auth.RecoveryCodes {
		t.Fatalf("%d recovery codes: %q", len(codes), cm[1])
	}
	return secret, codes
}

func TestTwoFactor(t *testing.T) {
	s, _ := newAuthServer(t)
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	secret, codes := b.enableTwoFactor(t, s, host)
	if !contains(auditActions(t, s, tn), models.AuditTwoFactorEnable) {
		t.Errorf("no %s in the audit log", models.AuditTwoFactorEnable)
	}
	if r := b.get(t, host, "/admin/account/two-factor"); !strings.Contains(r.body, "Two-factor authentication is on") {
		t.Errorf("account page after enabling:\n%s", r.body)
	}

	// Sign-in now takes a second step; the confirming code cannot be replayed.
	b = s.browser()
	tok := b.passwordStep(t, host, "jane@example.nhs.uk")
	if r := b.get(t, host, "/admin"); r.status != http.StatusSeeOther {
		t.Fatalf("signed in after the password alone: %d", r.status)
	}
	if r := b.codeStep(t, host, tok, s.code(t, secret)); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Enter a correct code") {
		t.Fatalf("replayed code: %d\n%s", r.status, r.body)
	}
	key, _ := auth.DecodeTOTPSecret(secret)
	if r := b.codeStep(t, host, tok, auth.TOTPCode(key, auth.TOTPStep(s.clock.Now())+3)); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong code: %d", r.status)
	}
	s.nextStep()
	if r := b.codeStep(t, host, tok, s.code(t, secret)); r.status != http.StatusSeeOther || r.location() != "/admin" {
		t.Fatalf("right code: %d %q\n%s", r.status, r.location(), r.body)
	}
	if r := b.get(t, host, "/admin"); r.status != http.StatusOK {
		t.Fatalf("dashboard after the second step: %d", r.status)
	}

	// A recovery code works once.
	for i, want := range []int{http.StatusSeeOther, http.StatusUnprocessableEntity} {
		b := s.browser()
		tok := b.passwordStep(t, host, "jane@example.nhs.uk")
		if r := b.codeStep(t, host, tok, strings.ToUpper(codes[0])); r.status != want {
			t.Fatalf("recovery code, use %d: %d, want %d", i+1, r.status, want)
		}
	}

	// The pending step expires.
	b2 := s.browser()
	tok = b2.passwordStep(t, host, "jane@example.nhs.uk")
	s.clock.Add(admin.PendingTimeout + time.Second)
	if r := b2.codeStep(t, host, tok, s.code(t, secret)); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "timed out") || b2.sessionToken(host) != "" {
		t.Fatalf("code after the pending step expired: %d\n%s", r.status, r.body)
	}

	// Turning it off takes a current code.
	s.nextStep()
	r := b.get(t, host, "/admin/account/two-factor")
	tok = csrf(t, r.body)
	if r := b.post(t, host, "/admin/account/two-factor", url.Values{"_csrf": {tok}, "action": {"disable"}, "code": {codes[1]}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("disable with a recovery code: %d", r.status)
	}
	if r := b.post(t, host, "/admin/account/two-factor", url.Values{"_csrf": {tok}, "action": {"disable"}, "code": {s.code(t, secret)}}); r.status != http.StatusSeeOther {
		t.Fatalf("disable: %d\n%s", r.status, r.body)
	}
	if !contains(auditActions(t, s, tn), models.AuditTwoFactorDisable) {
		t.Errorf("no %s in the audit log", models.AuditTwoFactorDisable)
	}
	s.browser().signIn(t, host, "jane@example.nhs.uk")
}

// Wrong codes count toward the sign-in lock-out.
func TestTwoFactorLockOut(t *testing.T) {
	s, _ := newAuthServer(t)
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	secret, _ := b.enableTwoFactor(t, s, host)
	b = s.browser()
	tok := b.passwordStep(t, host, "jane@example.nhs.uk")
	for range auth.PairFailures {
		b.codeStep(t, host, tok, "000000x")
	}
	s.nextStep()
	if r := b.codeStep(t, host, tok, s.code(t, secret)); r.status != http.StatusTooManyRequests || b.sessionToken(host) != "" {
		t.Fatalf("right code after %d wrong ones: %d", auth.PairFailures, r.status)
	}
}

// The forms of the second step refuse a missing CSRF token.
func TestTwoFactorCSRF(t *testing.T) {
	s, _ := newAuthServer(t)
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	if r := b.post(t, host, "/admin/account/two-factor", url.Values{"action": {"start"}}); r.status != http.StatusForbidden {
		t.Errorf("start without a token: %d", r.status)
	}
	if r := s.browser().post(t, host, "/admin/sign-in", url.Values{"step": {"two-factor"}, "code": {"123456"}}); r.status != http.StatusForbidden {
		t.Errorf("code step without a token: %d", r.status)
	}
}
