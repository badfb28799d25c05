package main

import (
	"context"
	"net/http"
	"os/user"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models/modelstest"
)

// TestPagePutIsAudited: `pcnweb page put` writes the tenant's audit row in
// the transaction of the save, naming the command line and the operating
// system user, and a manager sees it in the admin panel's audit log.
func TestPagePutIsAudited(t *testing.T) {
	env := map[string]string{"DATABASE_URL": modelstest.NewURL(t), "LOG_LEVEL": "warn"}
	mustCLI(t, env, "", "tenant", "create", "--slug", "alpha", "--name", "Alpha PCN")
	mustCLI(t, env, "correct horse battery staple\n", "user", "add", "--email", "jane@example.nhs.uk", "--tenant", "alpha", "--role", "manager")
	mustCLI(t, env, "Some text\n", "page", "put", "--tenant", "alpha", "--path", "/about", "--title", "About Alpha")
	mustCLI(t, env, "A draft\n", "page", "put", "--tenant", "alpha", "--path", "/team-news", "--title", "Team news", "--draft")

	who := "cli:" + osUser(t)
	db := modelstest.Open(t, env["DATABASE_URL"])
	ctx := context.Background()
	tn, err := db.TenantBySlug(ctx, "alpha")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := db.ForTenant(ctx, tn.ID).AuditLog(10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.UserEmail+" "+e.Action+" "+e.Subject)
	}
	want := []string{who + " page.save-draft /team-news", who + " page.publish /about"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// The admin panel's audit log shows them.
	inst := startServer(t, env)
	do := signInAdmin(t, inst, "alpha.localhost", "jane@example.nhs.uk", "correct horse battery staple")
	status, body := do(http.MethodGet, "/admin/audit", nil)
	if status != 200 || !strings.Contains(body, who) || !strings.Contains(body, "/about") || !strings.Contains(body, "Published a page") {
		t.Errorf("admin audit log: %d, want %q publishing /about in:\n%s", status, who, body)
	}
}

// TestCLIChangesAreAudited: every other command that changes the platform
// writes a row of the operator audit log (the console's), naming the
// command line and the operating-system user.
func TestCLIChangesAreAudited(t *testing.T) {
	env := map[string]string{"DATABASE_URL": modelstest.NewURL(t), "LOG_LEVEL": "warn"}
	for _, args := range [][]string{
		{"tenant", "create", "--slug", "alpha", "--name", "Alpha PCN"},
		{"domain", "add", "alpha", "www.alpha.example", "--primary"},
		{"domain", "remove", "www.alpha.example"},
		{"tenant", "suspend", "alpha", "--reason", "contract ended"},
		{"tenant", "resume", "alpha"},
		{"announce", "add", "--title", "NHS App down", "--until", "2099-01-01 10:00"},
		{"announce", "end", "1"},
		{"token", "create", "--name", "deploy", "--scope", "tenants:read"},
		{"token", "revoke", "1"},
	} {
		mustCLI(t, env, "", args...)
	}
	mustCLI(t, env, "correct horse battery staple\n", "user", "add", "--email", "jane@example.nhs.uk", "--tenant", "alpha", "--role", "manager")
	mustCLI(t, env, "correct horse battery staple\n", "user", "add", "--email", "op@example.nhs.uk", "--operator")

	db := modelstest.Open(t, env["DATABASE_URL"])
	rows, err := db.OperatorAuditLogForTenantID(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	who := "cli:" + osUser(t)
	var got []string
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].UserEmail != who {
			t.Errorf("%s by %q, want %q", rows[i].Action, rows[i].UserEmail, who)
		}
		got = append(got, rows[i].Action+" "+rows[i].TenantSlug)
	}
	want := []string{"tenant.create alpha", "domain.add_primary alpha", "domain.remove alpha", "tenant.suspend alpha", "tenant.resume alpha",
		"announcement.add ", "announcement.end ", "token.create ", "token.revoke ", "user.add alpha", "user.add-operator "}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("operator audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func osUser(t *testing.T) string {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	return u.Username
}
