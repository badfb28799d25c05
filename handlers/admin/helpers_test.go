package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers"
	"github.com/pcnweb/pcnweb/handlers/admin"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/media"
	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/internal/webtest"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

const password = webtest.Password

// clock is an injectable clock for sessions.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// server is the public listener (handlers.New) with the admin panel, on a
// real database and a real Redis.
type server struct {
	app   *fiber.App
	admin *fiber.App // the panel built from the same Deps, for its route list
	dbURL string
	db    *models.DB
	// mediaDir is the directory of the media library's files.
	mediaDir string
	clock    *clock
	redis    *redis.Client
	// redisServer is the test's own redis-server (options.privateRedis).
	redisServer *testenv.RedisServer
	prefix      string // of the test's Redis keys
	// dbProxy stands between the server and PostgreSQL (options.proxiedDB),
	// so the test can cut it.
	dbProxy *testenv.Proxy
}

type options struct {
	dbSessions bool // sessions in the database instead of Redis
	secure     bool
	mailer     auth.Mailer // password reset links; nil sends none
	adminClock bool        // the panel's own clock (2FA codes, reset links) is the test clock too
	// privateRedis runs a redis-server of the test's own (server.redisServer),
	// so the test can stop it.
	privateRedis bool
	// proxiedDB reaches PostgreSQL through a proxy (server.dbProxy) the
	// test can cut.
	proxiedDB bool
	// images decodes uploads; nil is the panel's default processor.
	images *media.Processor
	// proxied believes X-Forwarded-For from app.Test's connections, so a
	// browser can come from an address of its own (browser.ip).
	proxied bool
}

func newServer(t *testing.T, o options) *server {
	t.Helper()
	dbURL := modelstest.NewURL(t)
	var proxy *testenv.Proxy
	if o.proxiedDB {
		proxy = testenv.StartProxy(t, "127.0.0.1:5432")
		proxied := strings.Replace(dbURL, "127.0.0.1:5432", proxy.Addr, 1)
		if proxied == dbURL {
			t.Fatal("test database is not on 127.0.0.1:5432")
		}
		dbURL = proxied
	}
	var rs *testenv.RedisServer
	var redisURL, prefix string
	if o.privateRedis {
		rs = testenv.StartRedis(t)
		redisURL, prefix = rs.URL, "pcnwebtest:"
	}
	svc := webtest.Start(t, webtest.Options{DB: modelstest.Open(t, dbURL), RedisURL: redisURL, Prefix: prefix})
	db := svc.DB
	clk := &clock{t: time.Now()}
	signIn := svc.SignIn(t, webtest.SignInOptions{DBSessions: o.dbSessions, Now: clk.Now})
	signIn.Web = web.Config{Secure: o.secure}
	if o.proxied {
		signIn.Web.TrustedProxies = []string{"0.0.0.0"}
	}
	signIn.Mailer = o.mailer
	if o.adminClock {
		signIn.Now = clk.Now
	}
	mediaDir := t.TempDir()
	store, err := media.NewDir(mediaDir)
	if err != nil {
		t.Fatal(err)
	}
	adminDeps := admin.Deps{Deps: signIn, Scheme: "http", BaseDomain: "localhost", Media: store, Images: o.images}
	sd := svc.Site()
	sd.Web, sd.Media = signIn.Web, store
	app := handlers.New(handlers.Deps{Site: sd, Admin: &adminDeps})
	return &server{app: app, admin: admin.New(adminDeps), dbURL: dbURL, mediaDir: mediaDir, db: db, clock: clk, redis: svc.Redis, redisServer: rs, prefix: svc.Prefix, dbProxy: proxy}
}

// setupActor is who the tests' own direct writes (PutPage) are made by:
// their audit rows are setup, not what a test checks.
const setupActor = "test"

// withoutSetup drops the audit rows of the tests' own writes.
func withoutSetup(log []models.AuditEntry, _ ...error) []models.AuditEntry {
	out := []models.AuditEntry{}
	for _, e := range log {
		if e.UserEmail != setupActor {
			out = append(out, e)
		}
	}
	return out
}

// tenant creates a tenant with an About page and returns it.
func (s *server) tenant(t *testing.T, slug string, domains ...string) models.Tenant {
	t.Helper()
	return webtest.Tenant(t, s.db, slug, slug+" original text", domains...)
}

// user creates an account with the test password on a tenant.
func (s *server) user(t *testing.T, tn models.Tenant, email string, role models.Role) models.User {
	t.Helper()
	return webtest.Member(t, s.db, tn, email, role)
}

// browser keeps cookies per host, like a browser with host-only cookies.
type browser struct {
	s    *server
	jar  webtest.Jar
	last *http.Response
	ip   string // the client's address, with options.proxied
}

func (s *server) browser() *browser { return &browser{s: s, jar: webtest.Jar{}} }

type response struct {
	status  int
	header  http.Header
	body    string
	cookies []*http.Cookie
}

func (r response) location() string { return r.header.Get("Location") }

func (b *browser) do(t *testing.T, method, host, path string, form url.Values) response {
	t.Helper()
	var h http.Header
	if b.ip != "" {
		h = http.Header{"X-Forwarded-For": {b.ip}}
	}
	r := webtest.DoHeader(t, b.s.app, b.jar, method, host, path, form, h)
	return response{r.Status, r.Header, r.Body, r.Cookies}
}

func (b *browser) get(t *testing.T, host, path string) response {
	t.Helper()
	return b.do(t, http.MethodGet, host, path, nil)
}

func (b *browser) post(t *testing.T, host, path string, form url.Values) response {
	t.Helper()
	return b.do(t, http.MethodPost, host, path, form)
}

// csrfRE finds a form's _csrf field.
var csrfRE = webtest.CSRFRE

// csrf returns the form token of a page.
func csrf(t *testing.T, body string) string { t.Helper(); return webtest.CSRF(t, body) }

// signIn signs in through the form and fails the test if that does not work.
func (b *browser) signIn(t *testing.T, host, email string) {
	t.Helper()
	r := b.trySignIn(t, host, email, password)
	if r.status != http.StatusSeeOther || r.location() != "/admin" {
		t.Fatalf("sign in as %s on %s: %d %s\n%s", email, host, r.status, r.location(), r.body)
	}
}

func (b *browser) trySignIn(t *testing.T, host, email, pw string) response {
	t.Helper()
	form := b.get(t, host, "/admin/sign-in")
	if form.status != http.StatusOK {
		t.Fatalf("GET sign-in: %d", form.status)
	}
	return b.post(t, host, "/admin/sign-in", url.Values{"_csrf": {csrf(t, form.body)}, "email": {email}, "password": {pw}})
}

func (b *browser) sessionToken(host string) string {
	if c := b.jar[host]["pcnweb_session"]; c != nil {
		return c.Value
	}
	return ""
}

var (
	revisionRE = regexp.MustCompile(`name="revision" value="(\d+)"`)
	textareaRE = regexp.MustCompile(`(?s)<textarea[^>]*name="body"[^>]*>(.*?)</textarea>`)
)

// editForm opens a page's edit form and returns its fields.
func (b *browser) editForm(t *testing.T, host, path string) url.Values {
	t.Helper()
	r := b.get(t, host, "/admin/pages/edit?path="+url.QueryEscape(path))
	if r.status != http.StatusOK {
		t.Fatalf("GET edit %s: %d\n%s", path, r.status, r.body)
	}
	rev := revisionRE.FindStringSubmatch(r.body)
	if rev == nil {
		t.Fatalf("no revision field:\n%s", r.body)
	}
	return url.Values{"_csrf": {csrf(t, r.body)}, "path": {path}, "revision": {rev[1]}}
}

// testActor makes the tests' own content writes, as setupActor.
var testActor = models.Actor{Name: setupActor}
