package models_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// completeSite fills a tenant so that no health check finds anything.
func completeSite(t *testing.T, store *models.TenantDB) {
	t.Helper()
	prepared := time.Now().AddDate(0, -1, 0).UTC().Truncate(24 * time.Hour)
	settings, _ := store.Settings()
	settings.StatementPrepared = &prepared
	settings.Description = "Five practices working together in Fivefields."
	settings.Phone = "01632 960 000"
	settings.DataController = "Fivefields Surgery"
	settings.DPOContact = "dpo@example.nhs.uk"
	settings.AccessibilityStatus = "partial"
	settings.AccessibilityIssues = "Some older pages have headings out of order"
	if _, err := store.SaveSettingsAt(testActor, settings, settings.Version, time.Now()); err != nil {
		t.Fatal(err)
	}
	practice := models.Practice{Name: "Fivefields", ODSCode: "Y99001", Phone: "01632 960 001", Hours: weekdays("08:00", "18:30"),
		Address: "1 High Street\nFivefields", Postcode: "FF1 1AA", AccessibilityNotes: "Step-free access"}
	models.SetPracticeLinksForTest(&practice, "https://example.org/online")
	p, err := store.SavePractice(testActor, 0, 0, practice)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SaveEASessionByID(testActor, 0, 0, models.EASession{Weekdays: "1,2,3,4,5", StartsAt: 18*60 + 30, EndsAt: 20 * 60, PracticeID: &p.ID, HowToBook: "Ask your practice"}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.SaveService(testActor, 0, 0, models.Service{Name: "Social prescribing", Summary: "Help with what affects your health", WhoFor: "Adults", HowToAccess: "Ask at reception", Published: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "See [practices](/practices), [Fivefields](/practices/y99001#map), [news](/news/flu) and ![A clinic](/static/logo.svg). Open 8am to 6:30pm, £1.50."}); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Hour)
	if _, err := store.SavePost(testActor, 0, models.Post{Title: "Flu", Slug: "flu", BodyMD: "Read [about us](/about).", PublishedAt: &past}); err != nil {
		t.Fatal(err)
	}
	var nav []models.NavItem
	for _, p := range []string{"/about", "/practices", "/services", "/team", "/contact"} {
		nav = append(nav, models.NavItem{Title: p, Path: p})
	}
	setMenu(t, store, nav)
}

// setMenu replaces the menu with items, as a manager would: removing
// each item, then starting the menu afresh.
func setMenu(t *testing.T, store *models.TenantDB, items []models.NavItem) {
	t.Helper()
	current, fingerprint, err := store.Menu()
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range current {
		if err := store.RemoveMenuItem(testActor, fingerprint, it.ID); err != nil {
			t.Fatal(err)
		}
		if _, fingerprint, err = store.Menu(); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.StartMenu(testActor, fingerprint, items); err != nil {
		t.Fatal(err)
	}
}

func TestHealthCompleteSiteHasNoFindings(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		store := db.ForTenant(context.Background(), modelstest.Tenant(t, db, "complete").ID)
		completeSite(t, store)
		issues, err := store.Health(time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(issues) != 0 {
			t.Errorf("complete site: %+v", issues)
		}
	})
}

func TestHealthFindsEachGap(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		store := db.ForTenant(ctx, modelstest.Tenant(t, db, "gappy").ID)
		// Another tenant's complete content must not hide or add findings.
		completeSite(t, db.ForTenant(ctx, modelstest.Tenant(t, db, "other").ID))

		if _, err := store.SavePractice(testActor, 0, 0, models.Practice{Name: "Nohours", ODSCode: "Y99002"}); err != nil {
			t.Fatal(err)
		}
		overdue := time.Now().AddDate(0, 0, -3).UTC().Truncate(24 * time.Hour)
		if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/old", Title: "Old", BodyMD: "[gone](/no-such-page) and [team](/team)", ReviewDue: &overdue}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.SavePost(testActor, 0, models.Post{Title: "Draft", BodyMD: "![](/static/x.png) [other](/news/unknown)"}); err != nil {
			t.Fatal(err)
		}
		setMenu(t, store, []models.NavItem{{Title: "Home", Path: "/"}, {Title: "About", Path: "/old"}})
		issues, err := store.Health(time.Now())
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, is := range issues {
			got = append(got, is.Check+" "+is.Subject+":"+is.Key)
			if is.Message == "" {
				t.Errorf("no description: %+v", is)
			}
		}
		sort.Strings(got)
		want := []string{
			"accessibility-issues settings:",
			"accessibility-review settings:",
			"accessibility-statement settings:",
			"broken-link page:/old",
			"broken-link post:",
			"description settings:",
			"enhanced-access sessions:",
			"image-alt post:",
			"navigation navigation:",
			"network-contact settings:",
			"page-review page:/old",
			"practice-access practice:Y99002",
			"practice-address practice:Y99002",
			"practice-hours practice:Y99002",
			"practice-link-appointments_url practice:Y99002",
			"practice-link-charter_url practice:Y99002",
			"practice-link-fit_notes_url practice:Y99002",
			"practice-link-online_consultation_url practice:Y99002",
			"practice-link-prescriptions_url practice:Y99002",
			"practice-link-registration_url practice:Y99002",
			"practice-link-test_results_url practice:Y99002",
			"practice-phone practice:Y99002",
			"privacy-notice settings:",
			"privacy-notice settings:",
			"service-access service:",
		}
		// Post keys are ids: compare without them.
		for i := range got {
			if strings.HasPrefix(got[i], "broken-link post:") || strings.HasPrefix(got[i], "image-alt post:") {
				got[i] = got[i][:strings.Index(got[i], ":")+1]
			}
		}
		sort.Strings(got)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		for _, is := range issues {
			if is.Check == models.HealthBrokenLink && is.Subject == models.HealthSubjectPage && !strings.Contains(is.Message, "/no-such-page") {
				t.Errorf("broken link message: %q", is.Message)
			}
		}

		// Eight menu items is too many as well.
		var nav []models.NavItem
		for i := 0; i < 7; i++ {
			nav = append(nav, models.NavItem{Title: "x", Path: fmt.Sprintf("/p%d", i)})
		}
		setMenu(t, store, nav)
		issues, _ = store.Health(time.Now())
		for _, is := range issues {
			if is.Check == models.HealthNavLength {
				t.Errorf("7 menu items flagged: %+v", is)
			}
		}
	})
}

func TestPostAdminStore(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		b := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
		p, err := a.SavePost(testActor, 0, models.Post{Title: "Hello world"})
		if err != nil || p.Slug != "hello-world" {
			t.Fatalf("create: %+v %v", p, err)
		}
		if _, err := a.SavePost(testActor, 0, models.Post{Title: "Hello world"}); err == nil {
			t.Error("a second post with the same slug was accepted")
		}
		future := time.Now().Add(time.Hour)
		if _, err := a.SavePost(testActor, p.ID, models.Post{Title: "Renamed", Slug: "renamed", PublishedAt: &future}); err != nil {
			t.Fatal(err)
		}
		all, _ := a.AllPosts()
		if len(all) != 1 || all[0].Slug != "renamed" || all[0].PublishedAt == nil {
			t.Errorf("after rename: %+v", all)
		}
		if _, err := b.PostByID(p.ID); !errorsIsNotFound(err) {
			t.Errorf("beta reads alpha's post: %v", err)
		}
		if _, err := b.SavePost(testActor, p.ID, models.Post{Title: "Owned"}); !errorsIsNotFound(err) {
			t.Errorf("beta writes alpha's post: %v", err)
		}
		if err := b.UnpublishPost(testActor, p.ID); !errorsIsNotFound(err) {
			t.Errorf("beta unpublishes alpha's post: %v", err)
		}
		if err := b.DeletePost(testActor, p.ID); !errorsIsNotFound(err) {
			t.Errorf("beta deletes alpha's post: %v", err)
		}
		if err := a.UnpublishPost(testActor, p.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := a.PostByID(p.ID); got.PublishedAt != nil || got.Title != "Renamed" {
			t.Errorf("after unpublish: %+v", got)
		}
		if err := a.DeletePost(testActor, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.PostByID(p.ID); !errorsIsNotFound(err) {
			t.Errorf("after delete: %v", err)
		}
	})
}

func errorsIsNotFound(err error) bool { return errors.Is(err, models.ErrNotFound) }
