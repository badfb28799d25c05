package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestUserAdd(t *testing.T) {
	dbURL := modelstest.NewURL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "LOG_LEVEL": "warn"}
	mustCLI(t, env, "", "tenant", "create", "--slug", "alpha", "--name", "Alpha PCN")

	out := mustCLI(t, env, "correct horse battery staple\n", "user", "add", "--email", "Jane@Example.nhs.uk", "--tenant", "alpha", "--role", "manager")
	if out != "created manager jane@example.nhs.uk on alpha\n" {
		t.Errorf("output %q", out)
	}
	db := modelstest.Open(t, dbURL)
	ctx := context.Background()
	u, err := db.UserByEmail(ctx, "jane@example.nhs.uk")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(u.PasswordHash, "correct horse") {
		t.Fatal("the password is stored in clear")
	}
	if ok, _, err := auth.VerifyPassword(u.PasswordHash, "correct horse battery staple"); !ok || err != nil {
		t.Errorf("stored hash does not verify: %v %v", ok, err)
	}
	tn, _ := db.TenantBySlug(ctx, "alpha")
	if m, err := db.ForTenant(ctx, tn.ID).Membership(u.ID); err != nil || m.Role != models.RoleManager {
		t.Errorf("membership %+v, %v", m, err)
	}
	// Windows line ending, no trailing newline: both read as one line.
	mustCLI(t, env, "Kettle-Orbit-Maple-42\r\n", "user", "add", "--email", "sam@example.nhs.uk", "--tenant", "alpha", "--role", "editor")
	mustCLI(t, env, "Kettle-Orbit-Maple-43", "user", "add", "--email", "kim@example.nhs.uk", "--tenant", "alpha", "--role", "editor")

	for _, tt := range []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"empty stdin", "", []string{"--email", "a@example.nhs.uk", "--tenant", "alpha", "--role", "editor"}, "no password on stdin"},
		{"blank line", "\n", []string{"--email", "a@example.nhs.uk", "--tenant", "alpha", "--role", "editor"}, "no password on stdin"},
		{"short", "short one\n", []string{"--email", "a@example.nhs.uk", "--tenant", "alpha", "--role", "editor"}, "12 characters or more"},
		{"weak", "password1234\n", []string{"--email", "a@example.nhs.uk", "--tenant", "alpha", "--role", "editor"}, "too easy to guess"},
		{"password in argv", "correct horse battery staple\n", []string{"--email", "a@example.nhs.uk", "--tenant", "alpha", "--role", "editor", "hunter2hunter2"}, "read from stdin"},
		{"no email", "correct horse battery staple\n", []string{"--tenant", "alpha", "--role", "editor"}, "--email is required"},
		{"bad email", "correct horse battery staple\n", []string{"--email", "not-an-email", "--tenant", "alpha", "--role", "editor"}, "email: enter an email address in the correct format"},
		{"no tenant", "correct horse battery staple\n", []string{"--email", "a@example.nhs.uk", "--role", "editor"}, "--tenant is required"},
		{"bad role", "correct horse battery staple\n", []string{"--email", "a@example.nhs.uk", "--tenant", "alpha", "--role", "owner"}, "--role must be manager or editor"},
		{"unknown tenant", "correct horse battery staple\n", []string{"--email", "a@example.nhs.uk", "--tenant", "nobody", "--role", "editor"}, "tenant nobody does not exist"},
		{"existing email", "correct horse battery staple\n", []string{"--email", "JANE@example.nhs.uk", "--tenant", "alpha", "--role", "editor"}, "already exists"},
		{"operator of a tenant", "correct horse battery staple\n", []string{"--email", "op@example.nhs.uk", "--operator", "--tenant", "alpha"}, "an operator belongs to no tenant"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cli(t, env, tt.stdin, append([]string{"user", "add"}, tt.args...)...)
			if err == nil {
				t.Fatal("succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q: want one line mentioning %q", err, tt.want)
			}
			if exitCode(err) != 2 {
				t.Errorf("exit code %d, want 2", exitCode(err))
			}
			if strings.Contains(err.Error(), "correct horse") || strings.Contains(err.Error(), "password1234") || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error repeats the password: %q", err)
			}
		})
	}
}

// The account made by `pcnweb user add` signs in to `pcnweb serve`'s admin
// panel (PostgreSQL and Redis, as in production).
func TestUserAddThenSignIn(t *testing.T) {
	redisURL, prefix := testenv.Redis(t)
	env := map[string]string{"DATABASE_URL": modelstest.NewURL(t), "REDIS_URL": redisURL, "PCNWEB_REDIS_PREFIX": prefix, "LOG_LEVEL": "warn"}
	mustCLI(t, env, "", "tenant", "create", "--slug", "alpha", "--name", "Alpha PCN")
	mustCLI(t, env, "correct horse battery staple\n", "user", "add", "--email", "jane@example.nhs.uk", "--tenant", "alpha", "--role", "editor")
	mustCLI(t, env, "Some text\n", "page", "put", "--tenant", "alpha", "--path", "/about", "--title", "About Alpha")
	inst := startServer(t, env)

	do := signInAdmin(t, inst, "alpha.localhost", "jane@example.nhs.uk", "correct horse battery staple")
	if status, body := do(http.MethodGet, "/admin", nil); status != 200 || !strings.Contains(body, "About Alpha") {
		t.Errorf("dashboard: %d\n%s", status, body)
	}
}

// signInAdmin signs email in to the admin panel of a running server at host
// and returns a request function that keeps the session (redirects are not
// followed).
func signInAdmin(t *testing.T, inst *instance, host, email, password string) func(method, path string, form url.Values) (int, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, path string, form url.Values) (int, string) {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, "http://"+inst.addr+path, body)
		req.Host = host
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := do(http.MethodGet, "/admin/sign-in", nil)
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if status != 200 || m == nil {
		t.Fatalf("sign-in form: %d\n%s", status, body)
	}
	if status, _ := do(http.MethodPost, "/admin/sign-in", url.Values{"_csrf": {m[1]}, "email": {email}, "password": {password}}); status != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", email, status)
	}
	return do
}
