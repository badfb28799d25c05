package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/handlers/admin"
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
	if _, err := a.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/old", Title: "Old page", BodyMD: "[gone](/no-such-page). Book an emergency appointment from 08:00.", ReviewDue: &overdue}); err != nil {
		t.Fatal(err)
	}
	post, err := a.SavePost(testActor, 0, models.Post{Title: "Pictures", BodyMD: "![](/static/x.png)"})
	if err != nil {
		t.Fatal(err)
	}
	_, fingerprint, _ := a.Menu()
	if err := a.StartMenu(testActor, fingerprint, []models.NavItem{{Title: "Home", Path: "/"}, {Title: "News", Path: "/news"}, {Title: "About", Path: "/about"}, {Title: "Contact", Path: "/contact"}}); err != nil {
		t.Fatal(err)
	}
	jane := s.browser()
	jane.signIn(t, "alpha.localhost", "jane@example.nhs.uk")
	r := jane.get(t, "alpha.localhost", "/admin/health")
	if r.status != http.StatusOK {
		t.Fatalf("GET health: %d\n%s", r.status, r.body)
	}
	body := strings.NewReplacer("&#34;", `"`, "&#39;", "'").Replace(r.body)
	for _, want := range []string{
		"<h2>1. Patient journeys</h2>", "<h2>2. Content, navigation and design</h2>", "<h2>3. Accessibility, legal pages and trust</h2>",
		"Needs fixing", "Passes", "For a person to check",
		"Provided by the platform", "What to check: Reading age",
		"accessibility statement does not say when it was prepared", `href="/admin/settings#statement_prepared"`,
		"privacy notice does not name the data controller", `href="/admin/settings#data_controller"`,
		"Nohours Surgery has no opening hours", `href="/admin/practices/ods/Y99002/hours"`,
		"Nohours Surgery has no phone number", `href="/admin/practices/ods/Y99002/edit#phone"`,
		"Nohours Surgery has no link to make, change or cancel an appointment online", `href="/admin/practices/ods/Y99002/edit#appointments_url"`,
		"no enhanced access sessions", `href="/admin/sessions"`,
		"No services are shown", `href="/admin/services/new"`,
		"The menu has 4 items", "The menu has news", `href="/admin/menu"`,
		"was due for review on", `href="/admin/pages/edit?path=%2Fold"`,
		"links to /no-such-page",
		`says "emergency appointment"`, "writes times as 08:00",
		"image(s) without alt text", `href="/admin/news/` + itoa(post.ID) + `/edit"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("health page lacks %q", want)
		}
	}
	if strings.Contains(body, "cannot be changed in the website admin") {
		t.Error("health page says the menu cannot be changed, though the menu editor exists")
	}
	if m := regexp.MustCompile(`(\d+) of (\d+) checks pass`).FindStringSubmatch(body); m == nil || m[1] == m[2] {
		t.Errorf("summary of a site with gaps: %q", m)
	}

	// Beta is complete: every check passes, the rest is for a person.
	b := s.db.ForTenant(ctx, done.ID)
	prepared := time.Now().AddDate(0, -1, 0).UTC().Truncate(24 * time.Hour)
	settings, _ := b.Settings()
	settings.StatementPrepared = &prepared
	settings.Description, settings.Phone, settings.DataController, settings.DPOContact = "Five practices.", "01632 960 000", "Fivefields Surgery", "dpo@example.nhs.uk"
	settings.AccessibilityStatus = "full"
	if _, err := b.SaveSettingsAt(testActor, settings, settings.Version, time.Now()); err != nil {
		t.Fatal(err)
	}
	practice := models.Practice{Name: "Fivefields", ODSCode: "Y99001", Phone: "01632 960 001",
		Address: "1 High Street", Postcode: "FF1 1AA", AccessibilityNotes: "Step-free access",
		Hours: `{"monday":[{"open":"08:00","close":"18:30"}]}`}
	// Every online link of the practice (AppointmentsURL, …: whatever
	// links the practice form has).
	pv := reflect.ValueOf(&practice).Elem()
	for i := 0; i < pv.NumField(); i++ {
		if f := pv.Type().Field(i); strings.HasSuffix(f.Name, "URL") && f.Type.Kind() == reflect.String {
			pv.Field(i).SetString("https://example.org/" + strings.ToLower(f.Name))
		}
	}
	p, err := b.SavePractice(testActor, 0, 0, practice)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.SaveEASessionByID(testActor, 0, 0, models.EASession{Weekdays: "1,2,3,4,5", StartsAt: 18*60 + 30, EndsAt: 20 * 60, PracticeID: &p.ID, HowToBook: "Ask your practice"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SaveService(testActor, 0, 0, models.Service{Name: "Social prescribing", Summary: "Help", WhoFor: "Adults", HowToAccess: "Ask at reception", Published: true}); err != nil {
		t.Fatal(err)
	}
	sam := s.browser()
	sam.signIn(t, "beta.localhost", "sam@example.nhs.uk")
	r = sam.get(t, "beta.localhost", "/admin/health")
	m := regexp.MustCompile(`(\d+) of (\d+) checks pass`).FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil || m[1] != m[2] || strings.Contains(r.body, "Needs fixing") || strings.Contains(r.body, "Nohours") ||
		!strings.Contains(r.body, "need a person to check") {
		t.Errorf("complete tenant's health page: %d %q\n%s", r.status, m, r.body)
	}
}

// Every checked criterion's gaps link to a page the admin panel serves.
func TestSiteHealthFixLinksAreAdminRoutes(t *testing.T) {
	s := newServer(t, options{})
	var routes []string
	for _, r := range s.admin.GetRoutes(true) {
		if r.Method == http.MethodGet {
			routes = append(routes, r.Path)
		}
	}
	served := func(p string) bool {
		segs := strings.Split(strings.Trim(p, "/"), "/")
		for _, r := range routes {
			rs := strings.Split(strings.Trim(r, "/"), "/")
			if len(rs) != len(segs) {
				continue
			}
			ok := true
			for i := range rs {
				if !strings.HasPrefix(rs[i], ":") && rs[i] != segs[i] || segs[i] == "" {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
		return false
	}
	keys := map[string][]string{
		models.HealthSubjectPractice: {"Y99001"}, models.HealthSubjectPage: {"/about"}, models.HealthSubjectPost: {"12"},
		models.HealthSubjectSessions: {"", "3"}, models.HealthSubjectService: {"", "4"},
		models.HealthSubjectSettings: {""}, models.HealthSubjectNav: {""},
	}
	for _, c := range models.Criteria() {
		if c.Check == "" {
			continue
		}
		for _, subject := range c.Subjects {
			if len(keys[subject]) == 0 {
				t.Errorf("criterion %s: no sample key of subject %q", c.ID, subject)
			}
			for _, key := range keys[subject] {
				link := admin.FixLinkForTest(models.HealthIssue{Check: c.Check, Subject: subject, Key: key, Field: "phone"})
				u, err := url.Parse(link)
				if err != nil || !strings.HasPrefix(u.Path, "/admin/") || !served(strings.TrimPrefix(u.Path, "/admin")) {
					t.Errorf("criterion %s, %s %q: fix link %q is not a page of the admin panel", c.ID, subject, key, link)
				}
			}
		}
	}
}
