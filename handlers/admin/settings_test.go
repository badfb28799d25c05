package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
)

var settingsVersionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

// settingsOpen opens the settings form and returns a filled-in form with
// its token and version.
func settingsOpen(t *testing.T, b *browser, host string) url.Values {
	t.Helper()
	r := b.get(t, host, "/admin/settings")
	if r.status != http.StatusOK {
		t.Fatalf("GET settings: %d\n%s", r.status, r.body)
	}
	v := settingsVersionRE.FindStringSubmatch(r.body)
	if v == nil {
		t.Fatalf("no version field:\n%s", r.body)
	}
	return url.Values{
		"_csrf": {csrf(t, r.body)}, "version": {v[1]},
		"description": {"Five practices in the river valley"}, "phone": {"0113 496 0000"}, "email": {"valley.pcn@nhs.net"},
		"address": {"1 High Street\nRiverside"}, "clinical_director": {"Dr Amina Patel"}, "nhs_identity": {"on"},
		"social_facebook": {"https://www.facebook.com/valleypcn"}, "data_controller": {"Riverside Surgery"},
		"dpo_contact": {"dpo@nhs.net"}, "accessibility_status": {"partial"}, "accessibility_issues": {"Some PDFs are not accessible"},
		"statement_prepared": {"1/3/2025"}, "statement_reviewed": {"27/03/2025"},
	}
}

func TestSettingsForm(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	beta := s.tenant(t, "beta")
	s.user(t, tn, "boss@example.nhs.uk", models.RoleManager)
	s.user(t, tn, "sam@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	ctx := context.Background()
	b := s.browser()
	b.signIn(t, host, "boss@example.nhs.uk")

	// Validation next to the field, typed values kept, nothing saved.
	for _, tt := range []struct {
		field, value, msg string
	}{
		{"phone", "call us", "Enter a phone number"},
		{"email", "not-an-email", "Enter an email address in the correct format"},
		{"social_facebook", "facebook.com/valley", "Enter the full address of the page"},
		{"statement_prepared", "31/2/2025", "Enter a real date"},
		{"statement_reviewed", "1/1/2025", "The review date must be the same as or after"},
		{"statement_prepared", time.Now().AddDate(0, 0, 5).Format("2/1/2006"), "The date the statement was prepared must be today or in the past"},
		{"accessibility_status", "maybe", "Choose how far the website meets"},
	} {
		form := settingsOpen(t, b, host)
		form.Set(tt.field, tt.value)
		r := b.post(t, host, "/admin/settings", form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `<a href="#`+tt.field+`">`+tt.msg) ||
			!strings.Contains(r.body, `id="`+tt.field+`-error"`) || !strings.Contains(r.body, "Dr Amina Patel") {
			t.Errorf("%s %q: %d\n%s", tt.field, tt.value, r.status, r.body)
		}
	}
	if cur, _ := s.db.ForTenant(ctx, tn.ID).Settings(); cur.Version != 0 {
		t.Fatalf("refused saves wrote settings: %+v", cur)
	}

	// CSRF refusal.
	form := settingsOpen(t, b, host)
	form.Del("_csrf")
	if r := b.post(t, host, "/admin/settings", form); r.status != http.StatusForbidden {
		t.Errorf("save without a CSRF token: %d", r.status)
	}

	// The first save creates the row; the public site shows it at once.
	public := s.browser()
	public.get(t, host, "/contact")
	form = settingsOpen(t, b, host)
	if form.Get("version") != "0" {
		t.Fatalf("version before the first save: %s", form.Get("version"))
	}
	if r := b.post(t, host, "/admin/settings", form); r.status != http.StatusSeeOther || r.location() != "/admin/settings?done=saved" {
		t.Fatalf("save: %d %q\n%s", r.status, r.location(), r.body)
	}
	cur, _ := s.db.ForTenant(ctx, tn.ID).Settings()
	if cur.ClinicalDirector != "Dr Amina Patel" || !cur.NHSIdentity || cur.StatementReviewed == nil || cur.StatementReviewed.Format("2006-01-02") != "2025-03-27" || cur.Version != 1 {
		t.Errorf("saved settings: %+v", cur)
	}
	if r := public.get(t, host, "/contact"); !strings.Contains(r.body, "0113 496 0000") {
		t.Errorf("public contact page after saving:\n%s", r.body)
	}
	if r := b.get(t, host, "/admin/settings?done=saved"); !strings.Contains(r.body, "Your settings have been saved") || !strings.Contains(r.body, `type="date" value="2025-03-27"`) {
		t.Errorf("form after saving:\n%s", r.body)
	}

	// Two managers: the second save from the older version is refused.
	sam := s.browser()
	sam.signIn(t, host, "sam@example.nhs.uk")
	mine, theirs := settingsOpen(t, b, host), settingsOpen(t, sam, host)
	mine.Set("clinical_director", "Dr Mine")
	theirs.Set("clinical_director", "Dr Theirs")
	if r := b.post(t, host, "/admin/settings", mine); r.status != http.StatusSeeOther {
		t.Fatalf("first save: %d", r.status)
	}
	r := sam.post(t, host, "/admin/settings", theirs)
	if r.status != http.StatusConflict || !strings.Contains(r.body, "Someone else changed the settings") || !strings.Contains(r.body, "Dr Theirs") {
		t.Errorf("stale save: %d\n%s", r.status, r.body)
	}
	if cur, _ := s.db.ForTenant(ctx, tn.ID).Settings(); cur.ClinicalDirector != "Dr Mine" {
		t.Errorf("after the stale save: %q", cur.ClinicalDirector)
	}

	// The other tenant's settings are untouched.
	if other, _ := s.db.ForTenant(ctx, beta.ID).Settings(); other.Version != 0 || other.ClinicalDirector != "" {
		t.Errorf("beta's settings: %+v", other)
	}
	if !contains(auditActions(t, s, tn), models.AuditSettingsSave) {
		t.Error("no settings.save in the audit log")
	}
}

// The patient participation group the manager describes in the settings
// is what the /patient-group page shows; too long a description is
// refused next to its field.
func TestSettingsPatientGroup(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "boss@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "boss@example.nhs.uk")
	public := s.browser()
	if body := public.get(t, host, "/patient-group").body; !strings.Contains(body, "ask your practice") {
		t.Errorf("/patient-group without a group does not say to ask the practice")
	}
	form := settingsOpen(t, b, host)
	form.Set("patient_group", strings.Repeat("a", 2001))
	if r := b.post(t, host, "/admin/settings", form); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="patient_group-error"`) {
		t.Errorf("a 2,001-character description: %d", r.status)
	}
	form = settingsOpen(t, b, host)
	form.Set("patient_group", "We meet on the first Tuesday of the month.")
	form.Set("patient_group_join", "Ask at reception for a form.")
	if r := b.post(t, host, "/admin/settings", form); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.status, r.body)
	}
	if page := b.get(t, host, "/admin/settings").body; !strings.Contains(page, "We meet on the first Tuesday of the month.") {
		t.Errorf("the settings form does not show the saved group")
	}
	body := public.get(t, host, "/patient-group").body
	if !strings.Contains(body, "<p>We meet on the first Tuesday of the month.</p>") || !strings.Contains(body, "<p>Ask at reception for a form.</p>") {
		t.Errorf("/patient-group does not show the group:\n%s", body)
	}
}
