package main

import (
	"context"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestRedirectCommands(t *testing.T) {
	dbURL := modelstest.NewURL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "LOG_LEVEL": "warn"}
	mustCLI(t, env, "", "tenant", "create", "--slug", "alpha", "--name", "Alpha PCN")
	mustCLI(t, env, "", "tenant", "create", "--slug", "beta", "--name", "Beta PCN")

	if out := mustCLI(t, env, "", "redirect", "add", "--tenant", "alpha", "/About-Us.html", "/about"); out != "added /About-Us.html → /about (301) on alpha\n" {
		t.Errorf("add: %q", out)
	}
	if out := mustCLI(t, env, "", "redirect", "add", "--tenant", "alpha", "/index.php?page_id=7", "https://www.nhs.uk/", "--status", "302"); !strings.Contains(out, "(302)") {
		t.Errorf("add with --status: %q", out)
	}
	out := mustCLI(t, env, "", "redirect", "list", "--tenant", "alpha")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "FROM") || !strings.Contains(lines[1], "/About-Us.html") || !strings.Contains(lines[1], "cli") ||
		!strings.Contains(lines[2], "/index.php?page_id=7") || !strings.Contains(lines[2], "302") {
		t.Errorf("list:\n%s", out)
	}
	if out := mustCLI(t, env, "", "redirect", "list", "--tenant", "beta"); strings.Contains(out, "About") {
		t.Errorf("beta lists alpha's redirects:\n%s", out)
	}

	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", nil, "usage: pcnweb redirect add"},
		{"unknown subcommand", []string{"move", "--tenant", "alpha"}, "unknown subcommand"},
		{"no tenant", []string{"list"}, "--tenant is required"},
		{"one address", []string{"add", "--tenant", "alpha", "/x"}, "give the old address and the new one"},
		{"unknown tenant", []string{"list", "--tenant", "nobody"}, "tenant nobody does not exist"},
		{"insecure target", []string{"add", "--tenant", "alpha", "/x", "http://insecure.example/"}, "to: use the https:// address"},
		{"bad status", []string{"add", "--tenant", "alpha", "/x", "/y", "--status", "307"}, "status: choose 301"},
		{"loop", []string{"add", "--tenant", "alpha", "/about", "/About-Us.html"}, "loop"},
		{"twice", []string{"add", "--tenant", "alpha", "/About-Us.html/", "/contact"}, "already a redirect from /About-Us.html"},
		{"remove a missing one", []string{"remove", "--tenant", "alpha", "/nothing"}, "redirect from /nothing does not exist"},
		{"remove another tenant's", []string{"remove", "--tenant", "beta", "/About-Us.html"}, "does not exist"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cli(t, env, "", append([]string{"redirect"}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) || exitCode(err) != 2 {
				t.Errorf("error %v (exit %d), want exit 2 saying %q", err, exitCode(err), tt.want)
			}
		})
	}

	if out := mustCLI(t, env, "", "redirect", "remove", "--tenant", "alpha", "/About-Us.html/"); out != "removed /About-Us.html → /about from alpha\n" {
		t.Errorf("remove: %q", out)
	}
	db := modelstest.Open(t, dbURL)
	ctx := context.Background()
	tn, _ := db.TenantBySlug(ctx, "alpha")
	log, err := db.ForTenant(ctx, tn.ID).AuditLog(10)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
		if !strings.HasPrefix(e.UserEmail, "cli:") {
			t.Errorf("audit row by %q, want the CLI actor", e.UserEmail)
		}
	}
	if strings.Join(actions, " ") != "redirect.remove redirect.add redirect.add" {
		t.Errorf("audit actions %v", actions)
	}
}
