package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/internal/oldsites"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// importEnv is a database with the tenant "alpha", a media directory and
// the importer allowed to reach the test's loopback servers.
func importEnv(t *testing.T) map[string]string {
	t.Helper()
	env := map[string]string{"DATABASE_URL": modelstest.NewURL(t), "LOG_LEVEL": "warn",
		"PCNWEB_MEDIA_DIR": t.TempDir(), "PCNWEB_IMPORT_ALLOW_PRIVATE": "true"}
	mustCLI(t, env, "", "tenant", "create", "--slug", "alpha", "--name", "Alpha PCN")
	return env
}

func TestImportSiteCommand(t *testing.T) {
	env := importEnv(t)
	srv := httptest.NewServer(oldsites.Handler("plain"))
	t.Cleanup(srv.Close)

	out := mustCLI(t, env, "", "import", "site", "--tenant", "alpha", srv.URL+"/", "--max-pages", "50")
	for _, want := range []string{"imported " + srv.URL + "/ into alpha, as drafts", "pages:     ", " created,", "media:     ", "images without alt text: "} {
		if !strings.Contains(out, want) {
			t.Errorf("first import printed\n%s\nwant %q", out, want)
		}
	}
	if strings.Contains(out, "nothing changed") || strings.Contains(out, "pages:     0 created") {
		t.Errorf("first import printed\n%s", out)
	}

	db := modelstest.Open(t, env["DATABASE_URL"])
	ctx := context.Background()
	tn, err := db.TenantBySlug(ctx, "alpha")
	if err != nil {
		t.Fatal(err)
	}
	store := db.ForTenant(ctx, tn.ID)
	drafts, err := store.ImportedDrafts()
	if err != nil || len(drafts) == 0 {
		t.Fatalf("drafts = %+v, %v", drafts, err)
	}
	jobs, _ := store.ImportJobs(1)
	if len(jobs) != 1 || jobs[0].Status != models.ImportDone || !strings.HasPrefix(jobs[0].CreatedByName, "cli:") {
		t.Errorf("job = %+v, want done, queued by the command line", jobs)
	}
	rev, err := store.PageForEdit(drafts[0].Path)
	if err != nil || rev.Revision.Author != "import: "+jobs[0].CreatedByName {
		t.Errorf("page %s written by %q, %v", drafts[0].Path, rev.Revision.Author, err)
	}

	out = mustCLI(t, env, "", "import", "site", "--tenant", "alpha", srv.URL+"/")
	if !strings.Contains(out, "nothing changed") {
		t.Errorf("second import printed\n%s\nwant \"nothing changed\"", out)
	}
}

func TestImportWordPressCommand(t *testing.T) {
	env := importEnv(t)
	xml, err := oldsites.WordPress("nightingale.xml")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/wp-content/uploads/", http.StripPrefix("/wp-content/uploads/", http.FileServer(http.Dir("../../internal/oldsites/wordpress/uploads"))))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	file := filepath.Join(t.TempDir(), "nightingale.xml")
	if err := os.WriteFile(file, bytes.ReplaceAll(xml, []byte("http://old.example"), []byte(srv.URL)), 0o600); err != nil {
		t.Fatal(err)
	}
	out := mustCLI(t, env, "", "import", "wordpress", "--tenant", "alpha", "--publish", file)
	for _, want := range []string{"imported nightingale.xml into alpha, published", "news:      3 created", "media:     3 files, 3 new", "skipped: "} {
		if !strings.Contains(out, want) {
			t.Errorf("import printed\n%s\nwant %q", out, want)
		}
	}
	if out := mustCLI(t, env, "", "import", "wordpress", "--tenant", "alpha", "--publish", file); !strings.Contains(out, "nothing changed") {
		t.Errorf("second import printed\n%s", out)
	}
}

func TestImportSiteCommandRefusesBadInput(t *testing.T) {
	env := importEnv(t)
	notWXR := filepath.Join(t.TempDir(), "notes.xml")
	if err := os.WriteFile(notWXR, []byte(`<?xml version="1.0"?><notes/>`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		args  []string
		usage bool // exit 2
		want  string
	}{
		{"no tenant", []string{"import", "site", "https://old.example.nhs.uk/"}, true, "--tenant is required"},
		{"no address", []string{"import", "site", "--tenant", "alpha"}, true, "give the old website's address"},
		{"not an address", []string{"import", "site", "--tenant", "alpha", "old.example.nhs.uk"}, true, "enter the full address"},
		{"too many pages", []string{"import", "site", "--tenant", "alpha", "--max-pages", "100000", "https://old.example.nhs.uk/"}, true, "--max-pages"},
		{"unknown tenant", []string{"import", "site", "--tenant", "nope", "https://old.example.nhs.uk/"}, true, "nope"},
		{"unreachable", []string{"import", "site", "--tenant", "alpha", "http://127.0.0.1:1/"}, false, "could not be read"},
		{"no file", []string{"import", "wordpress", "--tenant", "alpha", filepath.Join(t.TempDir(), "missing.xml")}, true, "missing.xml"},
		{"not an export", []string{"import", "wordpress", "--tenant", "alpha", notWXR}, false, "not a WordPress export"},
		{"unknown kind", []string{"import", "wix", "--tenant", "alpha"}, true, "pcnweb import site --tenant S URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cli(t, env, "", tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one with %q", err, tc.want)
			}
			var ue *usageError
			if errors.As(err, &ue) != tc.usage {
				t.Errorf("usage error = %v, want %v (%v)", !tc.usage, tc.usage, err)
			}
		})
	}
	db := modelstest.Open(t, env["DATABASE_URL"])
	tn, _ := db.TenantBySlug(context.Background(), "alpha")
	if pages, _ := db.ForTenant(context.Background(), tn.ID).Pages(); len(pages) != 0 {
		t.Errorf("failed imports left pages: %+v", pages)
	}
}
