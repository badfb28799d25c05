package admin_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"github.com/pcnweb/pcnweb/internal/demo"
	"github.com/pcnweb/pcnweb/models"
)

// tenantRows lists the ids of every row of every tenant-owned table (a table
// with a tenant_id column and an id column) that belongs to tenant, by table.
func tenantRows(t *testing.T, db *sql.DB, tenant int64) map[string][]int64 {
	t.Helper()
	rows, err := db.Query(`SELECT c.table_name FROM information_schema.columns c
		WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id'
		AND EXISTS (SELECT 1 FROM information_schema.columns i
		            WHERE i.table_schema = 'public' AND i.table_name = c.table_name AND i.column_name = 'id')
		ORDER BY c.table_name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	out := map[string][]int64{}
	for _, table := range tables {
		r, err := db.Query(fmt.Sprintf(`SELECT id FROM %q WHERE tenant_id = $1 ORDER BY id`, table), tenant)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var id int64
			if err := r.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out[table] = append(out[table], id)
		}
		r.Close()
	}
	return out
}

// tenantFingerprint is everything a write to the tenant would change: its
// generation (bumped by every content change), and its audit log length.
func tenantFingerprint(t *testing.T, s *server, slug string) string {
	t.Helper()
	gen, audits := tenantState(t, s, slug)
	return fmt.Sprintf("generation %d, %d audit rows", gen, audits)
}

// tenantState is the tenant's generation and the length of its audit log.
func tenantState(t *testing.T, s *server, slug string) (generation int64, audits int) {
	t.Helper()
	ctx := context.Background()
	tn, err := s.db.TenantBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	log, err := s.db.ForTenant(ctx, tn.ID).AuditLog(1000)
	if err != nil {
		t.Fatal(err)
	}
	return tn.Generation, len(log)
}

// notContentPOSTs are the panel's POST routes that do not change what the
// public site shows: signing in and out, the account's own two-factor
// setting, accepting an invitation, the Markdown preview (writes nothing)
// and managing the team's accounts. A successful POST to any other route
// changes public content, so it must bump the tenant's generation (the
// page cache's key) and write an audit row, in the same transaction.
var notContentPOSTs = []string{
	"/sign-in", "/sign-out", "/sign-out-everywhere", "/account/two-factor", "/invitation/:token",
	"/preview/markdown",
	"/users/invite", "/users/:id/edit", "/users/:id/remove", "/users/invitations/:id/cancel", "/users/invitations/:id/resend",
}

var routeParamRE = regexp.MustCompile(`:[A-Za-z_]+\??`)

// TestEveryAdminRouteRefusesAnotherTenantsObjects walks every route of the
// panel, signed in as the manager of an empty tenant, with the id of every
// object of another tenant (the demo's High Fives, which has every kind of
// content) and the paths of its pages: GETs are 404 and show none of its
// data; POSTs write nothing to it.
func TestEveryAdminRouteRefusesAnotherTenantsObjects(t *testing.T) {
	s := newServer(t, options{})
	ctx := context.Background()
	if _, err := demo.Seed(ctx, s.db); err != nil {
		t.Fatal(err)
	}
	victim, err := s.db.TenantBySlug(ctx, "highfives")
	if err != nil {
		t.Fatal(err)
	}
	alpha := s.tenant(t, "alpha")
	janeUser := s.user(t, alpha, "jane@example.nhs.uk", models.RoleManager)
	jane := s.browser()
	jane.signIn(t, "alpha.localhost", "jane@example.nhs.uk")
	token := csrf(t, jane.get(t, "alpha.localhost", "/admin").body)

	sqlDB, err := sql.Open("pgx", s.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer sqlDB.Close()
	// Ids of the victim's rows, less any number that is also an id of one
	// of alpha's own rows (ids are per table, so a victim's event could
	// share its number with alpha's page revision).
	own := map[int64]bool{janeUser.ID: true} // users have no tenant_id: alpha's own account
	for _, ids := range tenantRows(t, sqlDB, alpha.ID) {
		for _, id := range ids {
			own[id] = true
		}
	}
	var ids []string
	seen := map[int64]bool{}
	victimRows := tenantRows(t, sqlDB, victim.ID)
	tables := make([]string, 0, len(victimRows))
	for table := range victimRows {
		tables = append(tables, table)
	}
	sort.Strings(tables)
	for _, table := range tables {
		for _, id := range victimRows[table] {
			if !own[id] && !seen[id] {
				seen[id] = true
				ids = append(ids, fmt.Sprint(id))
			}
		}
	}
	if len(victimRows) < 8 || len(ids) < 5 {
		t.Fatalf("the victim tenant has too few objects to try: %v", victimRows)
	}
	// Pages only the victim has, for routes that take ?path=.
	victimPages := []string{"/health-online", "/patient-charter"}
	// Words from the victim's content that must never appear on alpha.
	secrets := []string{"High Fives", "highfives"}

	// Fields a form might need, so that a handler that validates before it
	// looks the object up still gets as far as the lookup.
	form := url.Values{"_csrf": {token}, "version": {"1"}, "revision": {"1"}, "title": {"Owned"}, "name": {"Owned"},
		"label": {"Owned"}, "body": {"owned"}, "summary": {"owned"}, "alt": {"Owned"}, "slug": {"owned"},
		"ods_code": {"Y99999"}, "role": {"editor"}, "email": {"owned@example.org"}, "action": {"publish"},
		"path": {victimPages[0]}, "date": {"2030-01-01"}, "time": {"09:00"}, "direction": {"up"}}

	before := tenantFingerprint(t, s, "highfives")
	var walked, changed []string
	routes := s.admin.GetRoutes(true)
	// Routes with an object in the URL first: the others may create
	// objects of alpha's own, whose ids the victim's could then share.
	sort.SliceStable(routes, func(i, j int) bool {
		return strings.Contains(routes[i].Path, ":") && !strings.Contains(routes[j].Path, ":")
	})
	for _, r := range routes {
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			continue
		}
		if !strings.Contains(r.Path, ":") {
			// No object in the URL: try the victim's paths in ?path= on
			// GET (POST forms carry path in the body, above).
			if r.Method == http.MethodGet && r.Path != "/" {
				for _, p := range victimPages {
					target := "/admin" + strings.TrimSuffix(r.Path, "/") + "?path=" + url.QueryEscape(p) + "&id=" + ids[0]
					resp := jane.get(t, "alpha.localhost", target)
					for _, secret := range secrets {
						if strings.Contains(resp.body, secret) {
							t.Errorf("GET %s on alpha shows the other tenant's %q", target, secret)
						}
					}
				}
			} else if r.Method == http.MethodPost && !slices.Contains([]string{"/sign-in", "/sign-out", "/sign-out-everywhere"}, r.Path) {
				target := "/admin" + r.Path
				gen, audits := tenantState(t, s, "alpha")
				resp := jane.post(t, "alpha.localhost", target, form)
				if resp.status < 400 && strings.Contains(resp.location(), "highfives") {
					t.Errorf("POST %s on alpha went to the other tenant: %d %s", target, resp.status, resp.location())
				}
				if resp.status < 400 && !slices.Contains(notContentPOSTs, r.Path) {
					changed = append(changed, r.Path)
					gen2, audits2 := tenantState(t, s, "alpha")
					if gen2 <= gen {
						t.Errorf("POST %s on alpha succeeded (%d) without bumping the generation (%d, then %d)", target, resp.status, gen, gen2)
					}
					if audits2 <= audits {
						t.Errorf("POST %s on alpha succeeded (%d) without an audit row (%d rows, then %d)", target, resp.status, audits, audits2)
					}
				}
			}
			continue
		}
		walked = append(walked, r.Method+" "+r.Path)
		for _, id := range ids {
			target := "/admin" + routeParamRE.ReplaceAllString(r.Path, id)
			var resp response
			if r.Method == http.MethodGet {
				resp = jane.get(t, "alpha.localhost", target)
				gone := strings.Contains(r.Path, ":token") && resp.status == http.StatusGone // an unknown link
				if resp.status != http.StatusNotFound && !gone {
					t.Errorf("GET %s (another tenant's id) on alpha: %d, want 404", target, resp.status)
				}
			} else {
				resp = jane.post(t, "alpha.localhost", target, form)
				// A link's form (":token") is refused before the lookup
				// without the sign-in form's own CSRF cookie: also no write.
				refused := strings.Contains(r.Path, ":token") && resp.status == http.StatusForbidden
				if resp.status != http.StatusNotFound && resp.status != http.StatusUnprocessableEntity && !refused {
					t.Errorf("POST %s (another tenant's id) on alpha: %d, want 404", target, resp.status)
				}
			}
			for _, secret := range secrets {
				if strings.Contains(resp.body, secret) {
					t.Errorf("%s %s on alpha shows the other tenant's %q", r.Method, target, secret)
				}
			}
		}
	}
	if after := tenantFingerprint(t, s, "highfives"); after != before {
		t.Errorf("the walk wrote to the other tenant: %s before, %s after", before, after)
	}
	if len(walked) < 3 {
		t.Errorf("only %d routes take an id: %v", len(walked), walked)
	}
	if len(changed) < 3 {
		t.Errorf("only %d content POSTs succeeded on alpha, too few to check the generation and the audit log: %v", len(changed), changed)
	}
	t.Logf("walked %d routes with ids × %d foreign ids: %v", len(walked), len(ids), walked)
	t.Logf("%d content POSTs on alpha bumped its generation and wrote an audit row: %v", len(changed), changed)
}
