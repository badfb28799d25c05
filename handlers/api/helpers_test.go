package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers"
	"github.com/pcnweb/pcnweb/handlers/api"
	"github.com/pcnweb/pcnweb/internal/metrics"
	"github.com/pcnweb/pcnweb/internal/webtest"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

const apiTestConsoleHost = "console.localhost"

// apiTestServer is the public listener (handlers.New) with the API on the
// console host, on a real PostgreSQL and Redis.
type apiTestServer struct {
	app     *fiber.App
	db      *models.DB
	metrics *metrics.Metrics
	mail    *apiTestMailer
	logs    *apiTestLog // the API's log (its audit records)
}

// apiTestLog is a log buffer safe for concurrent writes.
type apiTestLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *apiTestLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *apiTestLog) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// apiTestMailer keeps the emails "sent".
type apiTestMailer struct {
	mu   sync.Mutex
	sent []apiTestMail
}

type apiTestMail struct{ to, subject, body string }

func (m *apiTestMailer) Send(_ context.Context, to, subject, body string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, apiTestMail{to, subject, body})
	return nil
}

func (m *apiTestMailer) all() []apiTestMail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]apiTestMail(nil), m.sent...)
}

func newAPITestServer(t testing.TB) *apiTestServer {
	t.Helper()
	return newAPITestServerOn(t, modelstest.Open(t, modelstest.NewURL(t)))
}

// newAPITestServerOn is the server on db (PostgreSQL or SQLite).
func newAPITestServerOn(t testing.TB, db *models.DB) *apiTestServer {
	t.Helper()
	svc := webtest.Start(t, webtest.Options{DB: db, FailFast: true})
	mail := &apiTestMailer{}
	logs := &apiTestLog{}
	app := handlers.New(handlers.Deps{
		Site:        svc.Site(),
		ConsoleHost: apiTestConsoleHost,
		API: &api.Deps{DB: db, Logger: slog.New(slog.NewTextHandler(logs, nil)), Mailer: mail, Scheme: "http", BaseDomain: "localhost",
			ConsoleHost: apiTestConsoleHost, Themes: svc.Themes.Themes()},
	})
	return &apiTestServer{app: app, db: db, metrics: svc.Metrics, mail: mail, logs: logs}
}

// token stores an API token with scopes (and an expiry, when not nil) and
// returns it.
func (s *apiTestServer) token(t testing.TB, scopes string, expires *time.Time) (string, models.APIToken) {
	t.Helper()
	tok := "pcn_" + auth.NewToken()
	stored, err := s.db.CreateAPIToken(context.Background(), models.APIToken{Name: "test " + scopes, TokenHash: auth.HashToken(tok),
		Prefix: tok[:8], Scopes: scopes, CreatedBy: "test", CreatedAt: time.Now(), ExpiresAt: expires})
	if err != nil {
		t.Fatal(err)
	}
	return tok, stored
}

// allScopes is a token that may do everything.
func (s *apiTestServer) allScopes(t testing.TB) string {
	tok, _ := s.token(t, strings.Join(models.APIScopes, " "), nil)
	return tok
}

func (s *apiTestServer) tenant(t testing.TB, slug string) models.Tenant {
	t.Helper()
	tn, err := s.db.CreateTenant(context.Background(), models.NewTenant{Slug: slug, Name: "PCN " + slug, Launched: true})
	if err != nil {
		t.Fatal(err)
	}
	return tn
}

type apiTestResponse struct {
	status int
	header http.Header
	body   string
}

// json decodes the response body into v.
func (r apiTestResponse) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("response %d is not JSON: %v\n%s", r.status, err, r.body)
	}
}

// apiTestError is the one error shape.
type apiTestError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

// wantError checks an error response: its status, JSON shape, code and
// field.
func (r apiTestResponse) wantError(t testing.TB, status int, code, field string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type %q, want application/json", ct)
	}
	var e apiTestError
	r.json(t, &e)
	if e.Error.Code != code || e.Error.Field != field || e.Error.Message == "" {
		t.Errorf("error %+v, want code %q, field %q and a message", e.Error, code, field)
	}
}

// call sends a request to host (the console host when "") with an optional
// bearer token and body (sent as JSON unless headers say otherwise).
func (s *apiTestServer) call(t testing.TB, method, target, token, body string, headers ...string) apiTestResponse {
	t.Helper()
	return s.callHost(t, apiTestConsoleHost, method, target, token, body, headers...)
}

func (s *apiTestServer) callHost(t testing.TB, host, method, target, token, body string, headers ...string) apiTestResponse {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	req.Host = host
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := s.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return apiTestResponse{resp.StatusCode, resp.Header, string(b)}
}
