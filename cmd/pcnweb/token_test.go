package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestTokenCommands(t *testing.T) {
	dbURL := modelstest.NewURL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "LOG_LEVEL": "warn"}
	db := modelstest.Open(t, dbURL)
	ctx := context.Background()

	out := mustCLI(t, env, "", "token", "create", "--name", "onboarding", "--scope", "tenants:read", "--scope", "pages:write", "--expires", "2099-12-31")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], `created API token `) || !strings.Contains(lines[0], `"onboarding" (tenants:read pages:write)`) {
		t.Fatalf("create printed %q", out)
	}
	token := lines[1]
	if !strings.HasPrefix(token, "pcn_") || len(token) != 4+43 {
		t.Fatalf("token %q: want pcn_ and 43 characters", token)
	}
	stored, err := db.APITokenByHash(ctx, auth.HashToken(token), time.Now())
	if err != nil {
		t.Fatalf("the printed token does not work: %v", err)
	}
	if stored.Prefix != token[:8] || stored.Name != "onboarding" || stored.ExpiresAt == nil ||
		!stored.ExpiresAt.Equal(time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)) || !stored.Allows("pages:write") || stored.Allows("tenants:write") {
		t.Errorf("stored %+v", stored)
	}
	if stored.TokenHash == token || strings.Contains(stored.TokenHash, token[4:]) {
		t.Error("the token is stored in clear")
	}

	list := mustCLI(t, env, "", "token", "list")
	if !strings.Contains(list, "onboarding") || !strings.Contains(list, token[:8]) || !strings.Contains(list, "active") || strings.Contains(list, token[8:]) {
		t.Errorf("list:\n%s", list)
	}

	id := strings.Fields(lines[0])[3]
	if out := mustCLI(t, env, "", "token", "revoke", id); out != "revoked API token "+id+"\n" {
		t.Errorf("revoke printed %q", out)
	}
	if _, err := db.APITokenByHash(ctx, auth.HashToken(token), time.Now()); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("a revoked token still works: %v", err)
	}
	if list := mustCLI(t, env, "", "token", "list"); !strings.Contains(list, "revoked") {
		t.Errorf("list after revoke:\n%s", list)
	}
	mustCLI(t, env, "", "token", "revoke", id) // again: nothing to do, no error

	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no name", []string{"create", "--scope", "tenants:read"}, "name: enter a name"},
		{"no scope", []string{"create", "--name", "x"}, "scopes: choose at least one"},
		{"unknown scope", []string{"create", "--name", "x", "--scope", "root"}, `"root" is not a scope`},
		{"bad expiry", []string{"create", "--name", "x", "--scope", "tenants:read", "--expires", "next year"}, "not a date like 2027-01-01"},
		{"past expiry", []string{"create", "--name", "x", "--scope", "tenants:read", "--expires", "2020-01-01"}, "in the past"},
		{"revoke what", []string{"revoke"}, "exactly one token ID"},
		{"revoke a word", []string{"revoke", "abc"}, "not a token ID"},
		{"revoke unknown", []string{"revoke", "9999"}, "token 9999 does not exist"},
		{"unknown subcommand", []string{"rotate"}, `unknown subcommand "rotate"`},
		{"no subcommand", nil, "say create, list or revoke"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cli(t, env, "", append([]string{"token"}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) || exitCode(err) != 2 {
				t.Errorf("error %v (exit %d), want one containing %q and exit 2", err, exitCode(err), tt.want)
			}
		})
	}
	if ts, _ := db.APITokens(ctx); len(ts) != 1 {
		t.Errorf("refused commands stored tokens: %d in all", len(ts))
	}
}

// A token made on the command line works against a running server's API on
// the console host (serve.go wires the API app).
func TestTokenWorksAgainstTheServedAPI(t *testing.T) {
	dbURL := modelstest.NewURL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "LOG_LEVEL": "warn", "PCNWEB_CONSOLE_HOST": "console.localhost"}
	mustCLI(t, env, "", "tenant", "create", "--slug", "alpha", "--name", "Alpha PCN")
	// Launched, so its host serves the full site rather than the holding
	// page that answers every path.
	mustCLI(t, env, "", "tenant", "launch", "alpha")
	out := mustCLI(t, env, "", "token", "create", "--name", "script", "--scope", "tenants:read")
	token := strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:])
	inst := startServer(t, env)

	call := func(tok string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+inst.addr+"/api/v1/tenants/alpha", nil)
		req.Host = "console.localhost"
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := call(token); status != http.StatusOK || !strings.Contains(body, `"name":"Alpha PCN"`) {
		t.Fatalf("GET /api/v1/tenants/alpha: %d %s", status, body)
	}
	if status, body := call(""); status != http.StatusUnauthorized || !strings.Contains(body, `"code":"unauthorized"`) {
		t.Errorf("without a token: %d %s", status, body)
	}
	if p := inst.get(t, "alpha.localhost", "/api/v1/tenants/alpha"); p.status != http.StatusNotFound {
		t.Errorf("a tenant's host answered the API: %d", p.status)
	}
}
