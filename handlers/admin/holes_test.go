package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/models"
)

// The logo setting takes only an image of the site's own media library,
// by its path or its https:// address on one of the site's own hosts;
// anything else is an error next to the field and nothing is saved.
func TestSettingsLogoOnlyFromOwnMedia(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha", "www.alphapcn.nhs.uk")
	beta := s.tenant(t, "beta")
	s.user(t, tn, "boss@example.nhs.uk", models.RoleManager)
	ctx := context.Background()
	img, err := s.db.ForTenant(ctx, tn.ID).AddMedia(testActor, models.Media{Kind: models.MediaImage, Filename: "logo.png", ContentType: "image/png", Alt: "Logo", Widths: "320"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := s.db.ForTenant(ctx, beta.ID).AddMedia(testActor, models.Media{Kind: models.MediaImage, Filename: "b.png", ContentType: "image/png", Alt: "B", Widths: "320"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "boss@example.nhs.uk")
	for _, logo := range []string{
		"//evil.example/logo.png",
		`/\evil.example/logo.png`,
		"/\t/evil.example/logo.png",
		"https://evil.example/media/1/320.png",
		"https:evil.example/logo.png",
		"javascript:alert(1)",
		theirs.URL("320.png"),
		"/media/424242/320.png",
	} {
		form := settingsOpen(t, b, host)
		form.Set("logo_url", logo)
		r := b.post(t, host, "/admin/settings", form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="logo_url-error"`) || !strings.Contains(r.body, `<a href="#logo_url">`) {
			t.Errorf("logo %q: %d\n%.2000s", logo, r.status, r.body)
		}
	}
	if cur, _ := s.db.ForTenant(ctx, tn.ID).Settings(); cur.Version != 0 {
		t.Fatalf("refused logos were saved: %+v", cur)
	}
	for _, logo := range []string{img.URL("320.png"), "https://www.alphapcn.nhs.uk" + img.URL("320.png"), "https://alpha.localhost" + img.URL("320.png")} {
		form := settingsOpen(t, b, host)
		form.Set("logo_url", logo)
		if r := b.post(t, host, "/admin/settings", form); r.status != http.StatusSeeOther {
			t.Fatalf("logo %q: %d\n%s", logo, r.status, r.body)
		}
		if cur, _ := s.db.ForTenant(ctx, tn.ID).Settings(); cur.LogoURL != img.URL("320.png") {
			t.Errorf("logo %q stored as %q, want the path %q", logo, cur.LogoURL, img.URL("320.png"))
		}
	}
}

// A reset link asked for on tenant B's host does nothing on tenant A's
// host, even for an account that is a member of both, and writes nothing
// to A's audit log. The link's host comes from the configuration, however
// the request's Host header was spelt.
func TestPasswordResetBoundToTenantHost(t *testing.T) {
	s, box := newAuthServer(t)
	alpha := s.tenant(t, "alpha")
	beta := s.tenant(t, "beta")
	boss := s.user(t, beta, "boss@example.nhs.uk", models.RoleManager)
	jane := s.user(t, alpha, "jane@example.nhs.uk", models.RoleManager)
	ctx := context.Background()
	if _, err := s.db.ForTenant(ctx, beta.ID).Invite(jane.Email, models.RoleEditor, boss, "invite-hash", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ForTenant(ctx, beta.ID).AcceptInvitation("invite-hash", "", "", time.Now()); err != nil {
		t.Fatal(err)
	}

	// Asked for on beta's host, spelt with an odd port and case.
	b := s.browser()
	b.askReset(t, "BETA.localhost:6666", "jane@example.nhs.uk")
	mails := box.wait(t, 1)
	m := regexp.MustCompile(`(\S+)(/admin/password-reset/[A-Za-z0-9_-]+)`).FindStringSubmatch(mails[0].body)
	if m == nil {
		t.Fatalf("no link in %q", mails[0].body)
	}
	if m[1] != "http://beta.localhost" {
		t.Errorf("the link is on %q, want the configured http://beta.localhost", m[1])
	}
	link := m[2]
	token := strings.TrimPrefix(link, "/admin/password-reset/")

	// On alpha's host the link is unknown, and a reset with it does nothing.
	if r := b.get(t, "alpha.localhost", link); r.status != http.StatusGone {
		t.Errorf("beta's link on alpha: %d, want 410", r.status)
	}
	page := b.get(t, "alpha.localhost", "/admin/password-reset")
	const newPassword = "a brand new long passphrase"
	r := b.post(t, "alpha.localhost", "/admin/sign-in", url.Values{"_csrf": {csrf(t, page.body)}, "step": {"reset"}, "token": {token}, "password": {newPassword}, "password-confirm": {newPassword}})
	if r.status != http.StatusGone {
		t.Errorf("reset on alpha with beta's link: %d, want 410", r.status)
	}
	if contains(auditActions(t, s, alpha), models.AuditPasswordReset) {
		t.Error("alpha's audit log records a reset made with beta's link")
	}
	s.browser().signIn(t, "alpha.localhost", "jane@example.nhs.uk") // the old password still works

	// On beta's host it works, and beta's log has it.
	if r := b.get(t, "beta.localhost", link); r.status != http.StatusOK {
		t.Fatalf("beta's link on beta: %d", r.status)
	}
	page = b.get(t, "beta.localhost", "/admin/password-reset")
	r = b.post(t, "beta.localhost", "/admin/sign-in", url.Values{"_csrf": {csrf(t, page.body)}, "step": {"reset"}, "token": {token}, "password": {newPassword}, "password-confirm": {newPassword}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("reset on beta: %d\n%s", r.status, r.body)
	}
	if !contains(auditActions(t, s, beta), models.AuditPasswordReset) {
		t.Error("no reset in beta's audit log")
	}
}

// Someone hammering a manager's account from elsewhere cannot lock the
// manager out: failures lock the account from that address only; past the
// account's ceiling (a guesser spread over many addresses) new places are
// refused, but the manager's browser (its known-device cookie) and an
// address they signed in from before still get in.
func TestLockOutCannotBeTurnedOnTheOwner(t *testing.T) {
	s := newServer(t, options{proxied: true})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	const email = "jane@example.nhs.uk"
	from := func(ip string) *browser { b := s.browser(); b.ip = ip; return b }

	owner := from("203.0.113.10") // the practice's office
	owner.signIn(t, host, email)
	signedOut := func(b *browser) *browser { delete(b.jar[host], "pcnweb_session"); return b } // keeps its other cookies
	if owner.jar[host]["pcnweb_device"] == nil {
		t.Fatal("signing in set no known-device cookie")
	}

	attacker := from("198.51.100.66")
	for i := 0; i < auth.PairFailures; i++ {
		attacker.trySignIn(t, host, email, "wrong password entirely")
	}
	if r := attacker.trySignIn(t, host, email, password); r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "You have tried to sign in too many times") {
		t.Fatalf("the attacker's address after %d failures: %d", auth.PairFailures, r.status)
	}
	// The owner, even on a new computer somewhere else, is not locked out.
	from("192.0.2.44").signIn(t, host, email)
	// Nor is the owner's browser behind the attacker's address (a shared NAT).
	owner.ip = "198.51.100.66"
	signedOut(owner).signIn(t, host, email)

	// A botnet reaches the account's ceiling (counted as another replica would).
	th := auth.NewThrottle(auth.ThrottleOptions{Redis: s.redis, Prefix: s.prefix})
	for i := 0; i < auth.AccountFailures; i++ {
		if err := th.Failed(context.Background(), auth.Attempt{Email: email, IP: "10.9." + strconv.Itoa(i/250) + "." + strconv.Itoa(i%250)}); err != nil {
			t.Fatal(err)
		}
	}
	stranger := from("192.0.2.99")
	r := stranger.trySignIn(t, host, email, password)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("a new place past the account's ceiling: %d, want 429", r.status)
	}
	// The answer is the one any lock-out gets: it tells nothing of the account.
	unknown := from("192.0.2.98")
	for i := 0; i < auth.PairFailures; i++ {
		unknown.trySignIn(t, host, "nobody@example.nhs.uk", "wrong password entirely")
	}
	u := unknown.trySignIn(t, host, "nobody@example.nhs.uk", password)
	norm := func(body, email string) string {
		return csrfRE.ReplaceAllString(strings.ReplaceAll(body, email, "EMAIL"), "CSRF")
	}
	if u.status != r.status || norm(u.body, "nobody@example.nhs.uk") != norm(r.body, email) {
		t.Error("a locked-out unknown email and a locked-out account answer differently")
	}
	owner.ip = "192.0.2.200" // the owner's browser, travelling
	signedOut(owner).signIn(t, host, email)
	from("203.0.113.10").signIn(t, host, email) // a colleague's computer at the office
}
