package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/models"
)

func TestSignInAndCookie(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    options
	}{{"redis sessions, http", options{}}, {"database sessions, https", options{dbSessions: true, secure: true}}} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, tc.o)
			tn := s.tenant(t, "alpha")
			u := s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
			b := s.browser()
			const host = "alpha.localhost"

			r := b.get(t, host, "/admin")
			if r.status != http.StatusSeeOther || r.location() != "/admin/sign-in" {
				t.Fatalf("GET /admin signed out: %d %q, want 303 to the sign-in page", r.status, r.location())
			}
			form := b.get(t, host, "/admin/sign-in")
			for _, want := range []string{`<label class="nhsuk-label" for="email">Email address</label>`, `id="password" name="password" type="password"`, `autocomplete="current-password"`} {
				if !strings.Contains(form.body, want) {
					t.Errorf("sign-in form lacks %s", want)
				}
			}
			r = b.post(t, host, "/admin/sign-in", url.Values{"_csrf": {csrf(t, form.body)}, "email": {"JANE@example.nhs.uk"}, "password": {password}})
			if r.status != http.StatusSeeOther || r.location() != "/admin" {
				t.Fatalf("sign in: %d %q\n%s", r.status, r.location(), r.body)
			}
			var sess *http.Cookie
			for _, c := range r.cookies {
				if c.Name == "pcnweb_session" {
					sess = c
				}
			}
			raw := strings.Join(r.header.Values("Set-Cookie"), "\n")
			switch {
			case sess == nil:
				t.Fatalf("no pcnweb_session cookie: %s", raw)
			case sess.Domain != "" || strings.Contains(strings.ToLower(raw), "domain="):
				t.Errorf("session cookie has a Domain (want host-only): %s", raw)
			case !sess.HttpOnly:
				t.Errorf("session cookie is not HttpOnly: %s", raw)
			case sess.SameSite != http.SameSiteLaxMode:
				t.Errorf("session cookie SameSite = %v, want Lax: %s", sess.SameSite, raw)
			case sess.Secure != tc.o.secure:
				t.Errorf("session cookie Secure = %v, want %v: %s", sess.Secure, tc.o.secure, raw)
			case sess.Path != "/admin":
				t.Errorf("session cookie Path = %q, want /admin", sess.Path)
			}
			r = b.get(t, host, "/admin")
			if r.status != http.StatusOK || !strings.Contains(r.body, "jane@example.nhs.uk") || !strings.Contains(r.body, `href="/admin/pages/edit?path=%2fabout"`) {
				t.Fatalf("dashboard: %d\n%s", r.status, r.body)
			}
			for _, r := range []response{r, form} {
				if r.header.Get("Cache-Control") != "no-store" || !strings.Contains(r.header.Get("X-Robots-Tag"), "noindex") {
					t.Errorf("admin response headers: Cache-Control %q, X-Robots-Tag %q", r.header.Get("Cache-Control"), r.header.Get("X-Robots-Tag"))
				}
				if cs := r.header.Get("Cache-Status"); strings.Contains(cs, "hit") || strings.Contains(cs, "miss") {
					t.Errorf("an admin page went through the page cache: Cache-Status %q", cs)
				}
			}
			log := withoutSetup(s.db.ForTenant(context.Background(), tn.ID).AuditLog(10))
			if len(log) != 1 || log[0].Action != models.AuditSignIn || *log[0].UserID != u.ID {
				t.Errorf("audit log after sign-in: %+v", log)
			}

			// Sign out ends the session and is audited.
			token := b.sessionToken(host)
			r = b.post(t, host, "/admin/sign-out", url.Values{"_csrf": {csrf(t, b.get(t, host, "/admin").body)}})
			if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/admin/sign-in") {
				t.Fatalf("sign out: %d %q", r.status, r.location())
			}
			other := s.browser()
			other.jar[host] = map[string]*http.Cookie{"pcnweb_session": {Name: "pcnweb_session", Value: token, Path: "/admin"}}
			if r := other.get(t, host, "/admin"); r.status != http.StatusSeeOther {
				t.Errorf("the signed-out token still works: %d", r.status)
			}
			if log := withoutSetup(s.db.ForTenant(context.Background(), tn.ID).AuditLog(10)); len(log) != 2 || log[0].Action != models.AuditSignOut {
				t.Errorf("audit log after sign-out: %+v", log)
			}
		})
	}
}

// Wrong password and unknown email get the same answer, and the lock-out
// treats both alike, so nothing reveals whether an account exists.
func TestSignInFailureRevealsNothing(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	normalise := func(body, email string) string {
		body = strings.ReplaceAll(body, email, "EMAIL")
		return csrfRE.ReplaceAllString(body, "CSRF")
	}
	b := s.browser()
	known := b.trySignIn(t, host, "jane@example.nhs.uk", "wrong password entirely")
	unknown := b.trySignIn(t, host, "nobody@example.nhs.uk", "wrong password entirely")
	if known.status != http.StatusUnprocessableEntity || unknown.status != known.status {
		t.Fatalf("statuses: known %d, unknown %d; want 422 both", known.status, unknown.status)
	}
	if !strings.Contains(known.body, "Enter a correct email address and password") || !strings.Contains(known.body, "There is a problem") {
		t.Errorf("failure page lacks the error summary and message:\n%s", known.body)
	}
	if normalise(known.body, "jane@example.nhs.uk") != normalise(unknown.body, "nobody@example.nhs.uk") {
		t.Error("the pages for a wrong password and an unknown email differ")
	}
	if b.sessionToken(host) != "" {
		t.Error("a failed sign-in set a session")
	}

	// Lock-out: five failures lock the account, and the right password is
	// then refused too; an unknown email locks the same way.
	for _, email := range []string{"jane@example.nhs.uk", "nobody@example.nhs.uk"} {
		for i := 1; i < auth.PairFailures; i++ {
			b.trySignIn(t, host, email, "wrong password entirely")
		}
		r := b.trySignIn(t, host, email, password)
		if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "You have tried to sign in too many times") || r.header.Get("Retry-After") == "" {
			t.Errorf("%s after %d failures: %d\n%s", email, auth.PairFailures, r.status, r.body)
		}
	}
	// Another account from another browser is not locked (same test IP, under 20).
	s.user(t, tn, "sam@example.nhs.uk", models.RoleEditor)
	s.browser().signIn(t, host, "sam@example.nhs.uk")
}

func TestCSRFRefused(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"

	// Sign-in form: no token, a token not matching the cookie, a forged one.
	b := s.browser()
	tok := csrf(t, b.get(t, host, "/admin/sign-in").body)
	for name, form := range map[string]url.Values{
		"no token":    {"email": {"jane@example.nhs.uk"}, "password": {password}},
		"other token": {"_csrf": {auth.NewFormToken([]byte("not the server's key, 32 bytes.."))}, "email": {"jane@example.nhs.uk"}, "password": {password}},
	} {
		r := b.post(t, host, "/admin/sign-in", form)
		if r.status != http.StatusForbidden || !strings.Contains(r.body, "This form has expired") {
			t.Errorf("sign-in, %s: %d\n%s", name, r.status, r.body)
		}
	}
	noCookie := s.browser()
	if r := noCookie.post(t, host, "/admin/sign-in", url.Values{"_csrf": {tok}, "email": {"jane@example.nhs.uk"}, "password": {password}}); r.status != http.StatusForbidden {
		t.Errorf("sign-in with a token but without its cookie: %d", r.status)
	}
	if b.sessionToken(host) != "" || noCookie.sessionToken(host) != "" {
		t.Fatal("a refused form signed in")
	}

	// Signed in: every POST needs the session's token.
	b.signIn(t, host, "jane@example.nhs.uk")
	fields := b.editForm(t, host, "/about")
	fields.Set("title", "Hacked")
	fields.Set("body", "hacked")
	fields.Set("action", "publish")
	for _, bad := range []string{"", "wrong", tok} {
		f := url.Values{}
		for k, v := range fields {
			f[k] = v
		}
		f.Set("_csrf", bad)
		if r := b.post(t, host, "/admin/pages/edit", f); r.status != http.StatusForbidden {
			t.Errorf("edit with _csrf %q: %d", bad, r.status)
		}
	}
	if r := b.post(t, host, "/admin/sign-out", url.Values{}); r.status != http.StatusForbidden {
		t.Errorf("sign-out without a token: %d", r.status)
	}
	if r := b.get(t, host, "/admin"); r.status != http.StatusOK {
		t.Error("a refused sign-out signed out")
	}
	pub, _ := s.db.ForTenant(context.Background(), tn.ID).PublishedPage("/about")
	if pub.Revision.Title != "About alpha" {
		t.Errorf("a refused POST changed the page: %q", pub.Revision.Title)
	}
}

func TestSessionRotationOnSignIn(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	first := b.sessionToken(host)
	// A browser that holds that session (planted, or left from before) signs
	// in: it gets a new session and the old one ends.
	fresh := s.browser()
	tok := csrf(t, fresh.get(t, host, "/admin/sign-in").body)
	fresh.jar[host]["pcnweb_session"] = &http.Cookie{Name: "pcnweb_session", Value: first, Path: "/admin"}
	r := fresh.post(t, host, "/admin/sign-in", url.Values{"_csrf": {tok}, "email": {"jane@example.nhs.uk"}, "password": {password}})
	second := fresh.sessionToken(host)
	if r.status != http.StatusSeeOther || second == "" || second == first {
		t.Fatalf("sign-in did not make a new session: %d, token changed %v", r.status, second != first)
	}
	old := s.browser()
	old.jar[host] = map[string]*http.Cookie{"pcnweb_session": {Name: "pcnweb_session", Value: first, Path: "/admin"}}
	if r := old.get(t, host, "/admin"); r.status != http.StatusSeeOther {
		t.Errorf("the session from before sign-in still works: %d", r.status)
	}
	if r := fresh.get(t, host, "/admin"); r.status != http.StatusOK {
		t.Errorf("the new session does not work: %d", r.status)
	}
}

func TestSessionTimeouts(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	s.clock.Add(29 * time.Minute)
	if r := b.get(t, host, "/admin"); r.status != http.StatusOK {
		t.Fatalf("after 29 idle minutes: %d", r.status)
	}
	s.clock.Add(30 * time.Minute)
	if r := b.get(t, host, "/admin"); r.status != http.StatusSeeOther {
		t.Fatalf("after 30 idle minutes: %d, want 303 to sign in", r.status)
	}
	// Absolute: active all along, out after 12 hours.
	b = s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	for i := 0; i < 12*3-1; i++ {
		s.clock.Add(20 * time.Minute)
		if r := b.get(t, host, "/admin"); r.status != http.StatusOK {
			t.Fatalf("active session out after %v", time.Duration(i+1)*20*time.Minute)
		}
	}
	s.clock.Add(20 * time.Minute)
	if r := b.get(t, host, "/admin"); r.status != http.StatusSeeOther {
		t.Fatalf("after 12 hours: %d, want 303 to sign in", r.status)
	}
}

func TestSignOutEverywhere(t *testing.T) {
	s := newServer(t, options{dbSessions: true})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	s.user(t, tn, "sam@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	laptop, phone, sam := s.browser(), s.browser(), s.browser()
	laptop.signIn(t, host, "jane@example.nhs.uk")
	phone.signIn(t, host, "jane@example.nhs.uk")
	sam.signIn(t, host, "sam@example.nhs.uk")
	r := laptop.post(t, host, "/admin/sign-out-everywhere", url.Values{"_csrf": {csrf(t, laptop.get(t, host, "/admin").body)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("sign out everywhere: %d", r.status)
	}
	if r := phone.get(t, host, "/admin"); r.status != http.StatusSeeOther {
		t.Errorf("jane's phone is still signed in: %d", r.status)
	}
	if r := laptop.get(t, host, "/admin"); r.status != http.StatusSeeOther {
		t.Errorf("jane's laptop is still signed in: %d", r.status)
	}
	if r := sam.get(t, host, "/admin"); r.status != http.StatusOK {
		t.Errorf("sam was signed out too: %d", r.status)
	}
}

// Twenty failures from one IP, spread over many emails, lock that IP out.
func TestSignInLocksIP(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	b := s.browser()
	for i := 0; i < auth.IPFailures; i++ {
		if r := b.trySignIn(t, host, "guess"+strconv.Itoa(i)+"@example.nhs.uk", "wrong password entirely"); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d: %d", i+1, r.status)
		}
	}
	if r := b.trySignIn(t, host, "jane@example.nhs.uk", password); r.status != http.StatusTooManyRequests {
		t.Errorf("right password from a locked IP: %d, want 429", r.status)
	}
}

// An unknown email costs a password hash too (a dummy one): without it, a
// sign-in for an email with no account would answer many times faster.
// One-sided and by medians, so a loaded machine does not make it flaky.
func TestUnknownEmailTakesAHashToo(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	b := s.browser()
	tok := csrf(t, b.get(t, host, "/admin/sign-in").body)
	timeOf := func(email string) time.Duration {
		start := time.Now()
		r := b.post(t, host, "/admin/sign-in", url.Values{"_csrf": {tok}, "email": {email}, "password": {"wrong password entirely"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("%s: %d", email, r.status)
		}
		return time.Since(start)
	}
	var known, unknown []time.Duration
	for i := 0; i < auth.PairFailures-1; i++ {
		known = append(known, timeOf("jane@example.nhs.uk"))
		unknown = append(unknown, timeOf("nobody"+strconv.Itoa(i)+"@example.nhs.uk"))
	}
	median := func(d []time.Duration) time.Duration {
		slices.Sort(d)
		return d[len(d)/2]
	}
	if k, u := median(known), median(unknown); u < k/3 {
		t.Errorf("unknown email answered in %v, known email with a wrong password in %v: the difference reveals accounts", u, k)
	}
}

// With Redis unreachable, signing in and staying signed in still work:
// see TestSignInWithRedisDown (outage_test.go).
