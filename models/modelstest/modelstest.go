// Package modelstest gives tests a real, migrated database of their own.
package modelstest

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"testing"

	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models"
)

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// cleanupT lets the package's template database outlive the first test that
// makes it; Main drops it when the package's tests are done.
type cleanupT struct{ testing.TB }

func (cleanupT) Cleanup(func()) {}

// Main runs a package's tests and then drops its template database. Every
// package that uses NewURL or NewDB calls it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(modelstest.Main(m)) }
func Main(m *testing.M) int {
	mainCalled = true
	code := m.Run()
	if templateName != "" {
		if err := testenv.Drop(templateName); err != nil {
			slog.Error("modelstest: drop template database", "error", err)
		}
	}
	return code
}

var mainCalled bool

// NewURL returns the URL of a new PostgreSQL database with every migration
// applied, private to the test and dropped when it ends. The migrations run
// once per package, into a template that each test's database is copied from.
func NewURL(t testing.TB) string {
	t.Helper()
	if !mainCalled {
		t.Fatal("modelstest: call modelstest.Main from the package's TestMain")
	}
	templateOnce.Do(func() {
		templateName = testenv.DatabaseName("tpl")
		url := testenv.CreateDatabase(cleanupT{t}, templateName, "")
		db, err := models.Open(context.Background(), models.Options{URL: url, Logger: quiet()})
		if err != nil {
			templateErr = err
			return
		}
		defer db.Close()
		_, templateErr = db.Migrate(context.Background(), nil)
	})
	if templateErr != nil {
		t.Fatalf("modelstest: migrate template database: %v", templateErr)
	}
	return testenv.CreateDatabase(t, testenv.DatabaseName(t.Name()), templateName)
}

// NewDB opens a new private migrated PostgreSQL database.
func NewDB(t testing.TB) *models.DB {
	t.Helper()
	return Open(t, NewURL(t))
}

// Open opens url and closes it when the test ends.
func Open(t testing.TB, url string) *models.DB {
	t.Helper()
	db, err := models.Open(context.Background(), models.Options{URL: url, Logger: quiet(), MaxOpenConns: 5})
	if err != nil {
		t.Fatalf("modelstest: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// NewSQLite opens a migrated embedded database in a temporary directory.
func NewSQLite(t testing.TB) *models.DB {
	t.Helper()
	db, err := models.Open(context.Background(), models.Options{DataDir: t.TempDir(), Logger: quiet()})
	if err != nil {
		t.Fatalf("modelstest: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(context.Background(), nil); err != nil {
		t.Fatalf("modelstest: migrate sqlite: %v", err)
	}
	return db
}

// Tenant creates an active, launched tenant with the given slug: its
// public site is the full site, as most tests expect. (Tenants made
// anywhere else start not launched: UnlaunchedTenant.)
func Tenant(t testing.TB, db *models.DB, slug string, domains ...string) models.Tenant {
	t.Helper()
	tn, err := db.CreateTenant(context.Background(), models.NewTenant{Slug: slug, Name: slug + " PCN", Domains: domains, Launched: true})
	if err != nil {
		t.Fatalf("modelstest: create tenant %s: %v", slug, err)
	}
	return tn
}

// UnlaunchedTenant creates an active tenant that has not been launched, as
// every tenant made outside the tests starts: its public host shows the
// holding page.
func UnlaunchedTenant(t testing.TB, db *models.DB, slug string, domains ...string) models.Tenant {
	t.Helper()
	tn, err := db.CreateTenant(context.Background(), models.NewTenant{Slug: slug, Name: slug + " PCN", Domains: domains})
	if err != nil {
		t.Fatalf("modelstest: create tenant %s: %v", slug, err)
	}
	return tn
}

func quiet() *slog.Logger {
	if os.Getenv("PCNWEB_TEST_VERBOSE") != "" {
		return slog.Default()
	}
	return slog.New(slog.DiscardHandler)
}
