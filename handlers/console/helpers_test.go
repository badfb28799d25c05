package console_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers"
	"github.com/pcnweb/pcnweb/handlers/admin"
	"github.com/pcnweb/pcnweb/handlers/console"
	"github.com/pcnweb/pcnweb/internal/metrics"
	"github.com/pcnweb/pcnweb/internal/webtest"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestMain(m *testing.M) { os.Exit(modelstest.Main(m)) }

const (
	password    = webtest.Password
	consoleHost = "console.localhost"
)

// fakeVerifier answers domain checks from a map of host → published token.
type fakeVerifier struct {
	mu        sync.Mutex
	published map[string]string
}

func (f *fakeVerifier) Verify(_ context.Context, host, token string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.published[host] == token, nil
}

func (f *fakeVerifier) publish(host, token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.published[host] = token
}

// mailbox keeps the mails sent.
type mailbox struct {
	mu   sync.Mutex
	sent []string // "to\nsubject\nbody"
}

func (m *mailbox) Send(_ context.Context, to, subject, body string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, to+"\n"+subject+"\n"+body)
	return nil
}

// server is the public listener (handlers.New) with the admin panel and the
// console, on a real database and a real Redis.
type server struct {
	app      *fiber.App
	db       *models.DB
	verifier *fakeVerifier
	mail     *mailbox
	metrics  *metrics.Metrics
}

type options struct {
	dbSessions bool   // sessions in the database instead of Redis
	odsDir     string // PCNWEB_ODS_DIR
	// mailer is the console's Mailer instead of s.mail (a log mailer: no
	// mail server set up).
	mailer auth.Mailer
}

func newServer(t *testing.T, o options) *server {
	t.Helper()
	svc := webtest.Start(t, webtest.Options{})
	signIn := svc.SignIn(t, webtest.SignInOptions{DBSessions: o.dbSessions})
	s := &server{db: svc.DB, verifier: &fakeVerifier{published: map[string]string{}}, mail: &mailbox{}, metrics: svc.Metrics}
	// The console's mail goes to s.mail; the panel sends none.
	withMail := signIn
	withMail.Mailer = s.mail
	if o.mailer != nil {
		withMail.Mailer = o.mailer
	}
	s.app = handlers.New(handlers.Deps{
		Site:        svc.Site(),
		Admin:       &admin.Deps{Deps: signIn, Scheme: "http"},
		ConsoleHost: consoleHost,
		Console: &console.Deps{Deps: withMail, Metrics: svc.Metrics, Verifier: s.verifier, ODSDir: o.odsDir,
			TenantURL: func(t models.Tenant) string { return "http://" + t.Slug + ".localhost" }},
	})
	return s
}

// tenant creates a tenant with an About page.
func (s *server) tenant(t *testing.T, slug string, domains ...string) models.Tenant {
	t.Helper()
	return webtest.Tenant(t, s.db, slug, slug+" text", domains...)
}

// member creates a tenant's user with the test password.
func (s *server) member(t *testing.T, tn models.Tenant, email string, role models.Role) models.User {
	t.Helper()
	return webtest.Member(t, s.db, tn, email, role)
}

// operator creates an operator; with a secret, two-factor is on with it and
// the recovery code "recovery-code-1".
func (s *server) operator(t *testing.T, email, secret string) models.User {
	t.Helper()
	ctx := context.Background()
	u, err := s.db.CreateOperator(ctx, email, webtest.PasswordHash(t))
	if err != nil {
		t.Fatal(err)
	}
	if secret != "" {
		if err := s.db.SetTOTPSecret(ctx, u.ID, secret); err != nil {
			t.Fatal(err)
		}
		if err := s.db.EnableTOTP(ctx, u.ID, 0, []string{auth.HashRecoveryCode("recovery-code-1")}); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// code is the current TOTP code of a secret.
func code(t *testing.T, secret string) string {
	t.Helper()
	key, err := auth.DecodeTOTPSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	return auth.TOTPCode(key, auth.TOTPStep(time.Now()))
}

// browser keeps cookies per host, like a browser with host-only cookies.
type browser struct {
	s   *server
	jar webtest.Jar
}

func (s *server) browser() *browser { return &browser{s: s, jar: webtest.Jar{}} }

type response struct {
	status int
	header http.Header
	body   string
}

func (r response) location() string { return r.header.Get("Location") }

func (b *browser) do(t *testing.T, method, host, path string, form url.Values) response {
	t.Helper()
	r := webtest.Do(t, b.s.app, b.jar, method, host, path, form)
	return response{r.Status, r.Header, r.Body}
}

func (b *browser) get(t *testing.T, path string) response {
	t.Helper()
	return b.do(t, http.MethodGet, consoleHost, path, nil)
}

func (b *browser) post(t *testing.T, path string, form url.Values) response {
	t.Helper()
	return b.do(t, http.MethodPost, consoleHost, path, form)
}

// csrfRE finds a form's _csrf field.
var csrfRE = webtest.CSRFRE

// csrf returns the form token of a page.
func csrf(t *testing.T, body string) string { t.Helper(); return webtest.CSRF(t, body) }

// password posts the first step of signing in.
func (b *browser) password(t *testing.T, email, pw string) response {
	t.Helper()
	form := b.get(t, "/sign-in")
	if form.status != http.StatusOK {
		t.Fatalf("GET /sign-in: %d", form.status)
	}
	return b.post(t, "/sign-in", url.Values{"_csrf": {csrf(t, form.body)}, "email": {email}, "password": {pw}})
}

// signIn signs an operator with two-factor on in, through both steps.
func (b *browser) signIn(t *testing.T, email, secret string) {
	t.Helper()
	r := b.password(t, email, password)
	if r.status != http.StatusOK || !strings.Contains(r.body, `name="step" value="two-factor"`) {
		t.Fatalf("password step: %d\n%s", r.status, r.body)
	}
	r = b.post(t, "/sign-in", url.Values{"_csrf": {csrf(t, r.body)}, "step": {"two-factor"}, "code": {code(t, secret)}})
	if r.status != http.StatusSeeOther || r.location() != "/tenants" {
		t.Fatalf("code step: %d %s\n%s", r.status, r.location(), r.body)
	}
}

// form opens a console form and returns its token with the given fields.
func (b *browser) form(t *testing.T, path string, fields url.Values) url.Values {
	t.Helper()
	r := b.get(t, path)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, r.status, r.body)
	}
	if fields == nil {
		fields = url.Values{}
	}
	fields.Set("_csrf", csrf(t, r.body))
	return fields
}

// fieldErrorRE finds the error message shown next to a field.
func fieldError(body, field string) string {
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(field) + `-error"><span class="nhsuk-u-visually-hidden">Error:</span> ([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// lastAudit is the newest operator audit row.
func (s *server) lastAudit(t *testing.T) models.OperatorAuditEntry {
	t.Helper()
	rows, err := s.db.OperatorAuditLogForTenantID(context.Background(), 0, 1)
	if err != nil || len(rows) == 0 {
		t.Fatalf("operator audit: %v, %v", rows, err)
	}
	return rows[0]
}
