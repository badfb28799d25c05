package console_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/internal/ods"
	"github.com/pcnweb/pcnweb/internal/ods/odstest"
	"github.com/pcnweb/pcnweb/models"
)

const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

func TestConsoleSignInRefusals(t *testing.T) {
	for _, dbSessions := range []bool{false, true} {
		name := "redis sessions"
		if dbSessions {
			name = "database sessions"
		}
		t.Run(name, func(t *testing.T) {
			s := newServer(t, options{dbSessions: dbSessions})
			alpha := s.tenant(t, "alpha")
			s.member(t, alpha, "manager@alpha.example", models.RoleManager)
			s.operator(t, "op@pcnweb.example", secret)

			for _, tt := range []struct{ name, email, pw string }{
				{"member of a tenant", "manager@alpha.example", password},
				{"wrong password", "op@pcnweb.example", "not the password at all"},
				{"no such account", "nobody@pcnweb.example", password},
			} {
				b := s.browser()
				r := b.password(t, tt.email, tt.pw)
				if r.status != http.StatusUnprocessableEntity || fieldError(r.body, "email") != "Enter a correct email address and password" {
					t.Errorf("%s: %d, email error %q", tt.name, r.status, fieldError(r.body, "email"))
				}
				if r := b.get(t, "/tenants"); r.status != http.StatusSeeOther || r.location() != "/sign-in" {
					t.Errorf("%s: /tenants answered %d %s", tt.name, r.status, r.location())
				}
			}

			b := s.browser()
			r := b.password(t, "op@pcnweb.example", password)
			if r.status != http.StatusOK || !strings.Contains(r.body, "Enter your security code") {
				t.Fatalf("password of an operator with 2FA: %d\n%s", r.status, r.body)
			}
			r = b.post(t, "/sign-in", url.Values{"_csrf": {csrf(t, r.body)}, "step": {"two-factor"}, "code": {"000000"}})
			if r.status != http.StatusUnprocessableEntity || fieldError(r.body, "code") != "Enter a correct code" {
				t.Errorf("wrong code: %d %q", r.status, fieldError(r.body, "code"))
			}
			if r := b.get(t, "/tenants"); r.status != http.StatusSeeOther {
				t.Errorf("after a wrong code /tenants answered %d", r.status)
			}
			// A recovery code is accepted, once.
			r = b.post(t, "/sign-in", url.Values{"_csrf": {csrf(t, r.body)}, "step": {"two-factor"}, "code": {"recovery-code-1"}})
			if r.status != http.StatusSeeOther || r.location() != "/tenants" {
				t.Fatalf("recovery code: %d %s\n%s", r.status, r.location(), r.body)
			}
			if r := b.get(t, "/tenants"); r.status != http.StatusOK || r.header.Get("Cache-Control") != "no-store" || !strings.Contains(r.header.Get("X-Robots-Tag"), "noindex") {
				t.Errorf("signed in: /tenants %d, Cache-Control %q, X-Robots-Tag %q", r.status, r.header.Get("Cache-Control"), r.header.Get("X-Robots-Tag"))
			}
		})
	}
}

// An operator without two-factor must set it up before anything else.
func TestConsoleForcedTwoFactorSetup(t *testing.T) {
	s := newServer(t, options{dbSessions: true})
	s.operator(t, "new@pcnweb.example", "")
	b := s.browser()
	r := b.password(t, "new@pcnweb.example", password)
	m := regexp.MustCompile(`id="secret">([A-Z2-7]+)<`).FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil || !strings.Contains(r.body, "otpauth://totp/") {
		t.Fatalf("set-up page: %d\n%s", r.status, r.body)
	}
	if r := b.get(t, "/tenants"); r.status != http.StatusSeeOther {
		t.Fatalf("before set-up /tenants answered %d", r.status)
	}
	r = b.post(t, "/sign-in", url.Values{"_csrf": {csrf(t, r.body)}, "step": {"setup"}, "code": {"000000"}})
	if r.status != http.StatusUnprocessableEntity || !strings.HasPrefix(fieldError(r.body, "code"), "Enter a correct code") {
		t.Fatalf("wrong set-up code: %d %q", r.status, fieldError(r.body, "code"))
	}
	r = b.post(t, "/sign-in", url.Values{"_csrf": {csrf(t, r.body)}, "step": {"setup"}, "code": {code(t, m[1])}})
	codes := regexp.MustCompile(`<li><code>([^<]+)</code></li>`).FindAllStringSubmatch(r.body, -1)
	if r.status != http.StatusOK || len(codes) != auth.RecoveryCodes {
		t.Fatalf("set-up confirmed: %d, %d recovery codes\n%s", r.status, len(codes), r.body)
	}
	if r := b.get(t, "/tenants"); r.status != http.StatusOK {
		t.Errorf("after set-up /tenants answered %d", r.status)
	}
	u, _ := s.db.UserByEmail(context.Background(), "new@pcnweb.example")
	if !u.TOTPEnabled {
		t.Error("two-factor is not on")
	}
}

// The console answers only on its host, and sessions do not cross over.
func TestConsoleHostSeparation(t *testing.T) {
	s := newServer(t, options{})
	alpha := s.tenant(t, "alpha")
	s.member(t, alpha, "manager@alpha.example", models.RoleManager)
	s.operator(t, "op@pcnweb.example", secret)
	b := s.browser()
	b.signIn(t, "op@pcnweb.example", secret)

	if r := b.do(t, http.MethodGet, "alpha.localhost", "/tenants", nil); r.status != http.StatusNotFound || strings.Contains(r.body, "operators' console") {
		t.Errorf("tenant host /tenants: %d", r.status)
	}
	if r := b.do(t, http.MethodGet, "alpha.localhost", "/sign-in", nil); strings.Contains(r.body, "operators' console") {
		t.Error("the console's sign-in answers on a tenant host")
	}
	if r := b.get(t, "/admin/sign-in"); r.status != http.StatusNotFound {
		t.Errorf("console host /admin/sign-in: %d, want 404", r.status)
	}
	// The console's session cookie on a tenant host is no admin session.
	op := b.jar[consoleHost]["pcnweb_console"]
	if op == nil || op.Domain != "" {
		t.Fatalf("console session cookie %+v: want host-only", op)
	}
	other := s.browser()
	other.jar["alpha.localhost"] = map[string]*http.Cookie{"pcnweb_session": {Name: "pcnweb_session", Value: op.Value, Path: "/admin"}}
	if r := other.do(t, http.MethodGet, "alpha.localhost", "/admin", nil); r.status != http.StatusSeeOther || r.location() != "/admin/sign-in" {
		t.Errorf("console session on a tenant's /admin: %d %s", r.status, r.location())
	}
	// A tenant's admin session is no console session.
	m := s.browser()
	form := m.do(t, http.MethodGet, "alpha.localhost", "/admin/sign-in", nil)
	if r := m.do(t, http.MethodPost, "alpha.localhost", "/admin/sign-in", url.Values{"_csrf": {csrf(t, form.body)}, "email": {"manager@alpha.example"}, "password": {password}}); r.status != http.StatusSeeOther {
		t.Fatalf("manager sign-in: %d", r.status)
	}
	m.jar[consoleHost] = map[string]*http.Cookie{"pcnweb_console": {Name: "pcnweb_console", Value: m.jar["alpha.localhost"]["pcnweb_session"].Value, Path: "/"}}
	if r := m.get(t, "/tenants"); r.status != http.StatusSeeOther || r.location() != "/sign-in" {
		t.Errorf("admin session on the console: %d %s", r.status, r.location())
	}
}

func TestConsoleTenantForms(t *testing.T) {
	s := newServer(t, options{})
	s.operator(t, "op@pcnweb.example", secret)
	b := s.browser()
	b.signIn(t, "op@pcnweb.example", secret)
	ctx := context.Background()

	// Validation next to the field, values kept.
	f := b.form(t, "/tenants/new", url.Values{"slug": {"Bad Slug"}, "name": {"Wandle PCN"}, "theme": {"default"}, "why": {"new PCN joined"}})
	r := b.post(t, "/tenants/new", f)
	if r.status != http.StatusUnprocessableEntity || !strings.HasPrefix(fieldError(r.body, "slug"), "Use 1 to 63") || !strings.Contains(r.body, `value="Wandle PCN"`) {
		t.Errorf("bad slug: %d %q", r.status, fieldError(r.body, "slug"))
	}
	f.Set("slug", "wandle")
	f.Del("why")
	if r := b.post(t, "/tenants/new", f); r.status != http.StatusUnprocessableEntity || fieldError(r.body, "why") != "Enter why you are making this change" {
		t.Errorf("no reason: %d %q", r.status, fieldError(r.body, "why"))
	}
	if _, err := s.db.TenantBySlug(ctx, "wandle"); err == nil {
		t.Fatal("a tenant was created without a reason")
	}
	// CSRF refusal.
	noToken := url.Values{"slug": {"wandle"}, "name": {"Wandle PCN"}, "theme": {"default"}, "why": {"x"}}
	if r := b.post(t, "/tenants/new", noToken); r.status != http.StatusForbidden {
		t.Errorf("POST without _csrf: %d", r.status)
	}
	// Success, audited with the reason.
	f.Set("why", "new PCN joined")
	if r := b.post(t, "/tenants/new", f); r.status != http.StatusSeeOther || r.location() != "/tenants/wandle" {
		t.Fatalf("create: %d %s\n%s", r.status, r.location(), r.body)
	}
	if a := s.lastAudit(t); a.Action != "tenant.create" || a.Why != "new PCN joined" || a.TenantSlug != "wandle" || a.UserEmail != "op@pcnweb.example" {
		t.Errorf("audit %+v", a)
	}
	if _, err := s.db.ForTenant(ctx, mustTenant(t, s, "wandle").ID).PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "x"}); err != nil {
		t.Fatal(err)
	}
	if r := b.get(t, "/tenants?q=WANDLE"); !strings.Contains(r.body, `href="/tenants/wandle"`) || strings.Contains(r.body, "<td>Never</td>") {
		t.Errorf("search by name, last publish shown:\n%s", r.body)
	}
	if r := b.get(t, "/tenants?q=nothing-like-it"); strings.Contains(r.body, `href="/tenants/wandle"`) {
		t.Error("search for something else lists wandle")
	}
	public := s.browser()
	if r := public.do(t, http.MethodGet, "wandle.localhost", "/about", nil); r.status != http.StatusOK {
		t.Fatalf("public site: %d", r.status)
	}

	// Suspend: a reason is required; then the public site is a 503.
	f = b.form(t, "/tenants/wandle/suspend", url.Values{"why": {"unpaid"}})
	if r := b.post(t, "/tenants/wandle/suspend", f); r.status != http.StatusUnprocessableEntity || fieldError(r.body, "reason") == "" {
		t.Errorf("suspend without a reason: %d %q", r.status, fieldError(r.body, "reason"))
	}
	f.Set("reason", "Contract ended")
	if r := b.post(t, "/tenants/wandle/suspend", f); r.status != http.StatusSeeOther {
		t.Fatalf("suspend: %d\n%s", r.status, r.body)
	}
	if r := public.do(t, http.MethodGet, "wandle.localhost", "/about", nil); r.status != http.StatusServiceUnavailable {
		t.Errorf("public site of a suspended tenant: %d, want 503", r.status)
	}
	if a := s.lastAudit(t); a.Action != "tenant.suspend" || a.Why != "unpaid" || a.Subject != "Contract ended" {
		t.Errorf("audit %+v", a)
	}
	f = b.form(t, "/tenants/wandle/resume", url.Values{"why": {"paid"}})
	if r := b.post(t, "/tenants/wandle/resume", f); r.status != http.StatusSeeOther {
		t.Fatalf("resume: %d", r.status)
	}
	if r := public.do(t, http.MethodGet, "wandle.localhost", "/about", nil); r.status != http.StatusOK {
		t.Errorf("public site after resume: %d", r.status)
	}
	// Archive needs the confirmation.
	f = b.form(t, "/tenants/wandle/archive", url.Values{"why": {"PCN dissolved"}})
	if r := b.post(t, "/tenants/wandle/archive", f); r.status != http.StatusUnprocessableEntity || fieldError(r.body, "confirm") == "" {
		t.Errorf("archive without confirmation: %d", r.status)
	}
	f.Set("confirm", "on")
	if r := b.post(t, "/tenants/wandle/archive", f); r.status != http.StatusSeeOther {
		t.Fatalf("archive: %d", r.status)
	}
	if tn := mustTenant(t, s, "wandle"); tn.Status != models.StatusArchived {
		t.Errorf("status %s", tn.Status)
	}
	if r := b.get(t, "/tenants/nobody/suspend"); r.status != http.StatusNotFound {
		t.Errorf("unknown tenant: %d", r.status)
	}
}

func mustTenant(t *testing.T, s *server, slug string) models.Tenant {
	t.Helper()
	tn, err := s.db.TenantBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return tn
}

func TestConsoleDomains(t *testing.T) {
	s := newServer(t, options{})
	s.tenant(t, "alpha")
	s.tenant(t, "beta", "www.beta.example")
	s.operator(t, "op@pcnweb.example", secret)
	b := s.browser()
	b.signIn(t, "op@pcnweb.example", secret)

	f := b.form(t, "/tenants/alpha/domains/new", url.Values{"domain": {"not a host"}, "why": {"their own domain"}})
	if r := b.post(t, "/tenants/alpha/domains/new", f); r.status != http.StatusUnprocessableEntity || fieldError(r.body, "domain") == "" {
		t.Errorf("bad domain: %d", r.status)
	}
	f.Set("domain", "www.beta.example")
	if r := b.post(t, "/tenants/alpha/domains/new", f); r.status != http.StatusUnprocessableEntity || fieldError(r.body, "domain") != "This domain is already attached to a tenant" {
		t.Errorf("another tenant's domain: %d %q", r.status, fieldError(r.body, "domain"))
	}
	f.Set("domain", "WWW.Alpha.example")
	f.Set("primary", "on")
	if r := b.post(t, "/tenants/alpha/domains/new", f); r.status != http.StatusSeeOther {
		t.Fatalf("attach: %d\n%s", r.status, r.body)
	}
	if tn := mustTenant(t, s, "alpha"); tn.PrimaryDomain() != "www.alpha.example" {
		t.Errorf("primary %q", tn.PrimaryDomain())
	}
	if a := s.lastAudit(t); a.Action != "domain.attach" || a.Subject != "www.alpha.example" || a.Why != "their own domain" {
		t.Errorf("audit %+v", a)
	}
	page := b.get(t, "/tenants/alpha")
	tok := regexp.MustCompile(`<code>(pcnweb-verify-[0-9a-f]+)</code>`).FindStringSubmatch(page.body)
	if tok == nil || !strings.Contains(page.body, "Not yet verified") {
		t.Fatalf("tenant page shows no token:\n%s", page.body)
	}
	check := url.Values{"_csrf": {csrf(t, page.body)}}
	if r := b.post(t, "/tenants/alpha/domains/www.alpha.example/check", check); r.status != http.StatusSeeOther || !strings.Contains(r.location(), "notyet") {
		t.Errorf("check before publishing: %d %s", r.status, r.location())
	}
	s.verifier.publish("www.alpha.example", tok[1])
	if r := b.post(t, "/tenants/alpha/domains/www.alpha.example/check", check); r.status != http.StatusSeeOther || !strings.Contains(r.location(), "verified") {
		t.Errorf("check after publishing: %d %s", r.status, r.location())
	}
	if r := b.get(t, "/tenants/alpha"); !strings.Contains(r.body, ">Verified<") {
		t.Error("the domain is not shown as verified")
	}
	if r := b.post(t, "/tenants/alpha/domains/www.beta.example/check", check); r.status != http.StatusNotFound {
		t.Errorf("checking another tenant's domain: %d", r.status)
	}
	// Another tenant's domain is a 404 and nothing is written.
	if r := b.post(t, "/tenants/alpha/domains/www.beta.example/detach", url.Values{"_csrf": {csrf(t, page.body)}, "why": {"x"}}); r.status != http.StatusNotFound {
		t.Errorf("detach another tenant's domain: %d", r.status)
	}
	if tn := mustTenant(t, s, "beta"); len(tn.Domains) != 1 {
		t.Error("beta's domain was detached")
	}
	f = b.form(t, "/tenants/alpha/domains/new", url.Values{"domain": {"alpha.example"}, "why": {"apex too"}})
	if r := b.post(t, "/tenants/alpha/domains/new", f); r.status != http.StatusSeeOther {
		t.Fatalf("attach second: %d", r.status)
	}
	f = b.form(t, "/tenants/alpha/domains/alpha.example/primary", url.Values{"why": {"shorter"}})
	if r := b.post(t, "/tenants/alpha/domains/alpha.example/primary", f); r.status != http.StatusSeeOther {
		t.Fatalf("make primary: %d", r.status)
	}
	if tn := mustTenant(t, s, "alpha"); tn.PrimaryDomain() != "alpha.example" {
		t.Errorf("primary %q", tn.PrimaryDomain())
	}
	f = b.form(t, "/tenants/alpha/domains/www.alpha.example/detach", nil)
	if r := b.post(t, "/tenants/alpha/domains/www.alpha.example/detach", f); r.status != http.StatusUnprocessableEntity || fieldError(r.body, "why") == "" {
		t.Errorf("detach without a reason: %d", r.status)
	}
	f.Set("why", "not used")
	if r := b.post(t, "/tenants/alpha/domains/www.alpha.example/detach", f); r.status != http.StatusSeeOther {
		t.Fatalf("detach: %d", r.status)
	}
	if tn := mustTenant(t, s, "alpha"); len(tn.Domains) != 1 || tn.Domains[0].Host != "alpha.example" {
		t.Errorf("domains %+v", tn.Domains)
	}
}

func TestConsolePeople(t *testing.T) {
	s := newServer(t, options{})
	alpha := s.tenant(t, "alpha")
	beta := s.tenant(t, "beta")
	s.operator(t, "op@pcnweb.example", secret)
	ctx := context.Background()
	u := s.member(t, beta, "manager@beta.example", models.RoleManager)
	if err := s.db.SetTOTPSecret(ctx, u.ID, secret); err != nil {
		t.Fatal(err)
	}
	if err := s.db.EnableTOTP(ctx, u.ID, 0, []string{"x"}); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn(t, "op@pcnweb.example", secret)

	f := b.form(t, "/tenants/alpha/invite", url.Values{"email": {"not-an-email"}, "why": {"first manager"}})
	if r := b.post(t, "/tenants/alpha/invite", f); r.status != http.StatusUnprocessableEntity || fieldError(r.body, "email") == "" {
		t.Errorf("bad email: %d", r.status)
	}
	f.Set("email", "first@alpha.example")
	if r := b.post(t, "/tenants/alpha/invite", f); r.status != http.StatusSeeOther || !strings.HasSuffix(r.location(), "done=invite") {
		t.Fatalf("invite: %d %s\n%s", r.status, r.location(), r.body)
	}
	if len(s.mail.sent) != 1 || !strings.Contains(s.mail.sent[0], "http://alpha.localhost/admin/invitation/") || !strings.HasPrefix(s.mail.sent[0], "first@alpha.example\n") {
		t.Errorf("mail %q", s.mail.sent)
	}
	if invs, _ := s.db.ForTenant(ctx, alpha.ID).Invitations(); len(invs) != 1 || invs[0].Role != models.RoleManager {
		t.Errorf("invitations %+v", invs)
	}
	if a := s.lastAudit(t); a.Action != "user.invite-manager" || a.Why != "first manager" {
		t.Errorf("audit %+v", a)
	}

	// Reset two-factor: another tenant's member is a 404 and nothing changes.
	path := "/tenants/beta/users/" + itoa(u.ID) + "/reset-2fa"
	f = b.form(t, path, url.Values{"why": {"lost phone, identity checked"}})
	if r := b.post(t, "/tenants/alpha/users/"+itoa(u.ID)+"/reset-2fa", f); r.status != http.StatusNotFound {
		t.Errorf("reset through another tenant: %d", r.status)
	}
	if got, _ := s.db.UserByID(ctx, u.ID); !got.TOTPEnabled {
		t.Fatal("two-factor was reset through another tenant")
	}
	if r := b.post(t, path, url.Values{"why": {"x"}}); r.status != http.StatusForbidden {
		t.Errorf("reset without _csrf: %d", r.status)
	}
	if r := b.post(t, path, f); r.status != http.StatusSeeOther {
		t.Fatalf("reset: %d\n%s", r.status, r.body)
	}
	if got, _ := s.db.UserByID(ctx, u.ID); got.TOTPEnabled || got.TOTPSecret != "" {
		t.Error("two-factor is still on")
	}
	if a := s.lastAudit(t); a.Action != "user.reset-two-factor" || a.Subject != "manager@beta.example" || a.TenantSlug != "beta" {
		t.Errorf("audit %+v", a)
	}
	if r := b.get(t, "/audit?tenant=beta"); !strings.Contains(r.body, "lost phone, identity checked") || strings.Contains(r.body, "first manager") {
		t.Errorf("audit page filtered by beta:\n%s", r.body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestConsoleTokens(t *testing.T) {
	s := newServer(t, options{})
	s.operator(t, "op@pcnweb.example", secret)
	b := s.browser()
	b.signIn(t, "op@pcnweb.example", secret)
	ctx := context.Background()

	f := b.form(t, "/tokens/new", url.Values{"name": {"onboarding"}, "why": {"scripted onboarding"}})
	if r := b.post(t, "/tokens/new", f); r.status != http.StatusUnprocessableEntity || fieldError(r.body, "scopes") == "" {
		t.Errorf("no scopes: %d", r.status)
	}
	f["scopes"] = []string{"tenants:read", "pages:write"}
	f.Set("expires", time.Now().AddDate(0, 1, 0).Format("2006-01-02"))
	r := b.post(t, "/tokens/new", f)
	m := regexp.MustCompile(`id="token">(pcn_[A-Za-z0-9_-]+)<`).FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		t.Fatalf("create: %d\n%s", r.status, r.body)
	}
	tok, err := s.db.APITokenByHash(ctx, auth.HashToken(m[1]), time.Now())
	if err != nil || tok.Prefix != m[1][:8] || tok.Scopes != "tenants:read pages:write" || tok.ExpiresAt == nil || tok.CreatedBy != "op@pcnweb.example" {
		t.Fatalf("stored token %+v, %v", tok, err)
	}
	list := b.get(t, "/tokens")
	if strings.Contains(list.body, m[1]) || !strings.Contains(list.body, tok.Prefix) {
		t.Error("the list shows the token, or not its prefix")
	}
	if a := s.lastAudit(t); a.Action != "token.create" || a.Why != "scripted onboarding" || strings.Contains(a.Subject, m[1]) {
		t.Errorf("audit %+v", a)
	}
	path := "/tokens/" + itoa(tok.ID) + "/revoke"
	f = b.form(t, path, url.Values{"why": {"script retired"}})
	if r := b.post(t, path, f); r.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.status)
	}
	if _, err := s.db.APITokenByHash(ctx, auth.HashToken(m[1]), time.Now()); err == nil {
		t.Error("the revoked token still works")
	}
	if r := b.get(t, "/tokens/999999/revoke"); r.status != http.StatusNotFound {
		t.Errorf("unknown token: %d", r.status)
	}
}

func TestConsolePlatformAndAnnouncements(t *testing.T) {
	s := newServer(t, options{})
	s.tenant(t, "alpha")
	s.operator(t, "op@pcnweb.example", secret)
	b := s.browser()
	b.signIn(t, "op@pcnweb.example", secret)
	public := s.browser()
	public.do(t, http.MethodGet, "alpha.localhost", "/about", nil)

	if r := b.get(t, "/platform"); r.status != http.StatusOK {
		t.Fatalf("platform: %d", r.status)
	}
	london, _ := time.LoadLocation("Europe/London")
	now := time.Now().In(london)
	f := b.form(t, "/platform/announcements/new", url.Values{"title": {"NHS App outage"}, "body": {"Phone the practice."},
		"starts_at": {now.Add(-time.Hour).Format("2006-01-02T15:04")}, "ends_at": {"tomorrow"}, "why": {"national incident"}})
	if r := b.post(t, "/platform/announcements/new", f); r.status != http.StatusUnprocessableEntity || fieldError(r.body, "ends_at") == "" {
		t.Errorf("bad end: %d", r.status)
	}
	f.Set("ends_at", now.Add(2*time.Hour).Format("2006-01-02T15:04"))
	if r := b.post(t, "/platform/announcements/new", f); r.status != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", r.status, r.body)
	}
	if r := public.do(t, http.MethodGet, "alpha.localhost", "/about", nil); !strings.Contains(r.body, "NHS App outage") {
		t.Error("the public site does not show the announcement")
	}
	as, _ := s.db.Announcements(context.Background(), time.Now(), 10)
	if len(as) != 1 {
		t.Fatalf("announcements %+v", as)
	}
	path := "/platform/announcements/" + itoa(as[0].ID) + "/end"
	f = b.form(t, path, url.Values{"why": {"resolved"}})
	if r := b.post(t, path, f); r.status != http.StatusSeeOther {
		t.Fatalf("end: %d", r.status)
	}
	if r := public.do(t, http.MethodGet, "alpha.localhost", "/about", nil); strings.Contains(r.body, "NHS App outage") {
		t.Error("the public site still shows the ended announcement")
	}
	if a := s.lastAudit(t); a.Action != "announcement.end" || a.Why != "resolved" {
		t.Errorf("audit %+v", a)
	}
}

func TestConsoleCreateFromODS(t *testing.T) {
	dir := odstest.Dir(t)
	data, err := ods.Load(odstest.Files(t))
	if err != nil {
		t.Fatal(err)
	}
	var pcn ods.PCN
	for _, p := range data.PCNs {
		if p.OpenOn(time.Now()) {
			pcn = p
			break
		}
	}
	s := newServer(t, options{odsDir: dir})
	s.operator(t, "op@pcnweb.example", secret)
	b := s.browser()
	b.signIn(t, "op@pcnweb.example", secret)

	f := b.form(t, "/tenants/new-from-ods", url.Values{"ods_code": {"U00000"}, "why": {"onboarding"}})
	if r := b.post(t, "/tenants/new-from-ods", f); r.status != http.StatusUnprocessableEntity || fieldError(r.body, "ods_code") == "" {
		t.Errorf("unknown code: %d %q", r.status, fieldError(r.body, "ods_code"))
	}
	f.Set("ods_code", strings.ToLower(pcn.Code))
	r := b.post(t, "/tenants/new-from-ods", f)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/tenants/") {
		t.Fatalf("create from ODS: %d %s\n%s", r.status, r.location(), r.body)
	}
	tn := mustTenant(t, s, strings.TrimPrefix(r.location(), "/tenants/"))
	if tn.ODSCode != pcn.Code || tn.Name != ods.Title(pcn.Name) {
		t.Errorf("tenant %+v, want PCN %s %q", tn, pcn.Code, pcn.Name)
	}
	if a := s.lastAudit(t); a.Action != "tenant.create-from-ods" || a.Why != "onboarding" || a.TenantSlug != tn.Slug {
		t.Errorf("audit %+v", a)
	}

	// Without PCNWEB_ODS_DIR the form says so next to the field.
	s2 := newServer(t, options{})
	s2.operator(t, "op@pcnweb.example", secret)
	b2 := s2.browser()
	b2.signIn(t, "op@pcnweb.example", secret)
	f = b2.form(t, "/tenants/new-from-ods", url.Values{"ods_code": {pcn.Code}, "why": {"onboarding"}})
	if r := b2.post(t, "/tenants/new-from-ods", f); r.status != http.StatusUnprocessableEntity || !strings.Contains(fieldError(r.body, "ods_code"), "PCNWEB_ODS_DIR") {
		t.Errorf("no ODS dir: %d %q", r.status, fieldError(r.body, "ods_code"))
	}
}

// Wrong passwords lock the account out, as on the admin panel; signing out
// ends the session.
func TestConsoleLockOutAndSignOut(t *testing.T) {
	s := newServer(t, options{})
	s.operator(t, "op@pcnweb.example", secret)
	b := s.browser()
	b.signIn(t, "op@pcnweb.example", secret)
	page := b.get(t, "/tenants")
	if r := b.post(t, "/sign-out", url.Values{"_csrf": {csrf(t, page.body)}}); r.status != http.StatusSeeOther || r.location() != "/sign-in?signed-out=1" {
		t.Fatalf("sign out: %d %s", r.status, r.location())
	}
	if r := b.get(t, "/tenants"); r.status != http.StatusSeeOther {
		t.Errorf("after signing out /tenants answered %d", r.status)
	}

	var r response
	for i := 0; i <= auth.PairFailures; i++ {
		r = s.browser().password(t, "op@pcnweb.example", "wrong password, again and again")
	}
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("after %d failures: %d", auth.PairFailures+1, r.status)
	}
	if r := s.browser().password(t, "op@pcnweb.example", password); r.status != http.StatusTooManyRequests {
		t.Errorf("the right password while locked out: %d", r.status)
	}
}

// TestConsoleInviteWithoutMailServer: with the log mailer the operator is
// told plainly that no email was sent and given the link to pass on.
func TestConsoleInviteWithoutMailServer(t *testing.T) {
	var logs bytes.Buffer
	s := newServer(t, options{mailer: auth.LogMailer{Logger: slog.New(slog.NewTextHandler(&logs, nil))}})
	s.tenant(t, "alpha")
	s.operator(t, "op@pcnweb.example", secret)
	b := s.browser()
	b.signIn(t, "op@pcnweb.example", secret)

	f := b.form(t, "/tenants/alpha/invite", url.Values{"email": {"first@alpha.example"}, "why": {"first manager"}})
	r := b.post(t, "/tenants/alpha/invite", f)
	m := regexp.MustCompile(`id="invitation-link" type="text" value="(http://alpha\.localhost/admin/invitation/[A-Za-z0-9_-]+)"`).FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil || strings.Contains(r.body, "has been sent") ||
		!strings.Contains(r.body, "No email was sent to first@alpha.example because no mail server is set up: the invitation went to the server&#39;s log") {
		t.Fatalf("invite: %d\n%s", r.status, r.body)
	}
	if !strings.Contains(logs.String(), m[1]) {
		t.Errorf("the link is not in the server's log:\n%s", logs.String())
	}
	if len(s.mail.sent) != 0 {
		t.Errorf("mail %q", s.mail.sent)
	}
	if r := b.get(t, "/tenants/alpha"); strings.Contains(r.body, "invitation-link") {
		t.Errorf("the tenant's page shows a link:\n%s", r.body)
	}
}
