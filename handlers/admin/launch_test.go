package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/handlers/admin"
	"github.com/pcnweb/pcnweb/handlers/site"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
	"github.com/pcnweb/pcnweb/tenants"
)

// A manager takes a new site from its holding page to the full site: the
// dashboard says it is not live, the checklist says what is missing and
// where to add it, the manager previews the full site, confirms, launches.
func TestManagerLaunchesTheSite(t *testing.T) {
	s := newServer(t, options{})
	ctx := context.Background()
	tn := modelstest.UnlaunchedTenant(t, s.db, "alpha")
	store := s.db.ForTenant(ctx, tn.ID)
	if _, err := store.SavePractice(testActor, 0, 0, models.Practice{ODSCode: "Y01001", Name: "Riverside Surgery", Phone: "020 7946 0001"}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: setupActor}, Path: "/about", Title: "About Alpha", BodyMD: "Alpha's own words."}); err != nil {
		t.Fatal(err)
	}
	s.user(t, tn, "jane@example.nhs.uk", models.RoleManager)
	s.user(t, tn, "ed@example.nhs.uk", models.RoleEditor)
	host := "alpha.localhost"
	jane, ed, patient := s.browser(), s.browser(), s.browser()
	jane.signIn(t, host, "jane@example.nhs.uk")
	ed.signIn(t, host, "ed@example.nhs.uk")

	if r := patient.get(t, host, "/about"); !strings.Contains(r.body, "coming soon") || strings.Contains(r.body, "own words.") {
		t.Fatalf("before the launch a patient gets %d, want the holding page", r.status)
	}
	dash := jane.get(t, host, "/admin")
	if !strings.Contains(dash.body, "Your website is not live yet") || !strings.Contains(dash.body, `href="/admin/launch"`) {
		t.Errorf("the dashboard of a site not launched has no launch panel:\n%s", dash.body)
	}

	list := jane.get(t, host, "/admin/launch")
	if list.status != http.StatusOK {
		t.Fatalf("GET /admin/launch: %d", list.status)
	}
	for _, want := range []string{
		"Opening hours for Riverside Surgery", `href="/admin/practices/ods/Y01001/hours"`,
		"How to contact your data protection officer", `href="/admin/settings#dpo_contact"`,
		`href="/admin/sessions"`, `href="/admin/launch/preview"`,
		`href="/admin/launch/confirm" role="button" draggable="false" data-module="nhsuk-button">` + admin.LaunchButton + `</a>`,
	} {
		if !strings.Contains(list.body, want) {
			t.Errorf("the checklist lacks %q", want)
		}
	}
	missing, done, _ := strings.Cut(list.body, `id="launch-done"`)
	if !strings.Contains(done, "A phone number for Riverside Surgery") || strings.Contains(missing, "A phone number for Riverside Surgery") {
		t.Error("the practice's phone number is not listed as done")
	}

	// An editor sees the checklist, previews, but does not launch.
	if r := ed.get(t, host, "/admin/launch"); strings.Contains(r.body, admin.LaunchButton) || !strings.Contains(r.body, "A manager of your website can launch it") {
		t.Errorf("an editor's checklist offers the launch")
	}
	if r := ed.get(t, host, "/admin/launch/confirm"); r.status != http.StatusForbidden {
		t.Errorf("an editor's confirmation page: %d, want 403", r.status)
	}
	if r := ed.post(t, host, "/admin/launch", url.Values{"_csrf": {csrf(t, ed.get(t, host, "/admin").body)}}); r.status != http.StatusForbidden {
		t.Errorf("an editor's launch: %d, want 403", r.status)
	}

	// The manager previews the full site; patients still get the holding page.
	if r := jane.get(t, host, "/admin/launch/preview"); r.status != http.StatusSeeOther || r.location() != "/" {
		t.Fatalf("preview: %d %s", r.status, r.location())
	}
	if r := jane.get(t, host, "/about"); !strings.Contains(r.body, "own words.") || !strings.Contains(r.body, site.PreviewSiteBanner) {
		t.Errorf("the manager's preview of /about: %d\n%s", r.status, r.body)
	}
	if r := patient.get(t, host, "/about"); !strings.Contains(r.body, "coming soon") {
		t.Error("after the manager's preview a patient does not get the holding page")
	}

	// Without the form's token, nothing happens.
	gen, audits := tenantState(t, s, "alpha")
	if r := jane.post(t, host, "/admin/launch", url.Values{}); r.status != http.StatusForbidden {
		t.Errorf("launch without a CSRF token: %d, want 403", r.status)
	}
	confirm := jane.get(t, host, "/admin/launch/confirm")
	if !strings.Contains(confirm.body, "still missing") || !strings.Contains(confirm.body, "Opening hours for Riverside Surgery") ||
		!strings.Contains(confirm.body, `<button class="nhsuk-button" data-module="nhsuk-button" type="submit">`+admin.LaunchButton+`</button>`) {
		t.Errorf("the confirmation does not list what is missing before its button:\n%s", confirm.body)
	}
	if g, a := tenantState(t, s, "alpha"); g != gen || a != audits {
		t.Fatal("looking at the checklist and the confirmation changed the tenant")
	}

	r := jane.post(t, host, "/admin/launch", url.Values{"_csrf": {csrf(t, confirm.body)}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/launch?done=launched" {
		t.Fatalf("launch: %d %s\n%s", r.status, r.location(), r.body)
	}
	if g, _ := tenantState(t, s, "alpha"); g <= gen {
		t.Error("the launch did not bump the generation")
	}
	log := withoutSetup(store.AuditLog(10))
	if len(log) == 0 || log[0].Action != models.AuditLaunch || log[0].UserEmail != "jane@example.nhs.uk" {
		t.Errorf("audit log after the launch: %+v", log)
	}
	if r := jane.get(t, host, "/admin/launch?done=launched"); !strings.Contains(r.body, "Your website is live") || strings.Contains(r.body, admin.LaunchButton) {
		t.Errorf("the checklist after the launch:\n%s", r.body)
	}
	if r := patient.get(t, host, "/about"); !strings.Contains(r.body, "own words.") || r.header.Get("X-Robots-Tag") != "" {
		t.Errorf("after the launch a patient gets %d (X-Robots-Tag %q), want the page", r.status, r.header.Get("X-Robots-Tag"))
	}
	if r := jane.get(t, host, "/about"); strings.Contains(r.body, site.PreviewSiteBanner) {
		t.Error("after the launch the manager still sees the preview notice")
	}
	if r := jane.get(t, host, "/admin"); strings.Contains(r.body, "Your website is not live yet") {
		t.Error("the dashboard still says the site is not live")
	}
	// A second launch (another manager first, a double click) is refused
	// and says so.
	if r := jane.post(t, host, "/admin/launch", url.Values{"_csrf": {csrf(t, confirm.body)}}); r.status != http.StatusConflict || !strings.Contains(r.body, "was launched already") {
		t.Errorf("second launch: %d", r.status)
	}

	// Signing out ends the preview cookie.
	jane.post(t, host, "/admin/sign-out", url.Values{"_csrf": {csrf(t, jane.get(t, host, "/admin").body)}})
	if c := jane.jar[host][tenants.PreviewCookie]; c != nil && c.Value != "" {
		t.Errorf("after signing out the browser keeps the preview cookie %q", c.Value)
	}
}
