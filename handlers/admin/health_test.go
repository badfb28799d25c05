package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
)

func TestSiteHealthPage(t *testing.T) {
	s := newServer(t, options{})
	ctx := context.Background()
	gappy := s.tenant(t, "alpha")
	done := s.tenant(t, "beta")
	s.user(t, gappy, "jane@example.nhs.uk", models.RoleEditor)
	s.user(t, done, "sam@example.nhs.uk", models.RoleManager)

	// Alpha lacks everything it can lack.
	a := s.db.ForTenant(ctx, gappy.ID)
	if _, err := a.SavePractice(testActor, 0, 0, models.Practice{Name: "Nohours Surgery", ODSCode: "Y99002"}); err != nil {
		t.Fatal(err)
	}
	overdue := time.Now().AddDate(0, -1, 0).UTC().Truncate(24 * time.Hour)
	if _, err := a.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/old", Title: "Old page", BodyMD: "[gone](/no-such-page)", ReviewDue: &overdue}); err != nil {
		t.Fatal(err)
	}
	post, err := a.SavePost(testActor, 0, models.Post{Title: "Pictures", BodyMD: "![](/static/x.png)"})
	if err != nil {
		t.Fatal(err)
	}
	_, fingerprint, _ := a.Menu()
	if err := a.StartMenu(testActor, fingerprint, []models.NavItem{{Title: "Home", Path: "/"}}); err != nil {
		t.Fatal(err)
	}
	jane := s.browser()
	jane.signIn(t, "alpha.localhost", "jane@example.nhs.uk")
	r := jane.get(t, "alpha.localhost", "/admin/health")
	if r.status != http.StatusOK {
		t.Fatalf("GET health: %d\n%s", r.status, r.body)
	}
	for _, want := range []string{
		"accessibility statement does not say when it was prepared",
		"Nohours Surgery has no opening hours",
		"Nohours Surgery has no phone number",
		"no enhanced access sessions",
		"The menu has 1 items",
		"was due for review on",
		`href="/admin/pages/edit?path=%2Fold"`,
		"links to /no-such-page",
		"image(s) without alt text",
		`href="/admin/news/` + itoa(post.ID) + `/edit"`,
	} {
		if !strings.Contains(strings.ReplaceAll(r.body, "&#34;", `"`), want) {
			t.Errorf("health page lacks %q", want)
		}
	}

	// Beta is complete: nothing to report.
	b := s.db.ForTenant(ctx, done.ID)
	prepared := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	settings, _ := b.Settings()
	settings.StatementPrepared = &prepared
	if _, err := b.SaveSettingsAt(testActor, settings, settings.Version, time.Now()); err != nil {
		t.Fatal(err)
	}
	p, err := b.SavePractice(testActor, 0, 0, models.Practice{Name: "Fivefields", ODSCode: "Y99001", Phone: "01632 960 001",
		Hours: `{"monday":[{"open":"08:00","close":"18:30"}]}`})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.SaveEASessionByID(testActor, 0, 0, models.EASession{Weekdays: "1,2,3,4,5", StartsAt: 18*60 + 30, EndsAt: 20 * 60, PracticeID: &p.ID}); err != nil {
		t.Fatal(err)
	}
	sam := s.browser()
	sam.signIn(t, "beta.localhost", "sam@example.nhs.uk")
	r = sam.get(t, "beta.localhost", "/admin/health")
	if r.status != http.StatusOK || !strings.Contains(r.body, "Nothing is missing") || strings.Contains(r.body, "Nohours") {
		t.Errorf("complete tenant's health page: %d\n%s", r.status, r.body)
	}
}
