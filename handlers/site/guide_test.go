package site_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/ods"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// guidePaths are NHS England's content templates every tenant has.
var guidePaths = []string{"/appointments", "/prescriptions", "/test-results", "/fit-notes", "/register",
	"/health-online", "/proxy-access", "/complaints", "/patient-group"}

// importedTenant imports one PCN with two practices from ODS data, as
// `pcnweb import ods` does: nothing but names, addresses and phone numbers.
func importedTenant(t *testing.T, db *models.DB) models.Tenant {
	t.Helper()
	day := func(s string) time.Time { d, _ := time.Parse("20060102", s); return d }
	data := &ods.Data{
		PCNs: []ods.PCN{{Code: "U00001", Name: "RIVERSIDE HEALTH PCN", SubICBCode: "36L", SubICBName: "NHS SOUTH WEST LONDON ICB - 36L",
			Opened: day("20191001"), Address: []string{"160 TOOTING HIGH STREET", "LONDON"}, Postcode: "SW17 0RT"}},
		Memberships: []ods.Membership{
			{PracticeCode: "A81001", PracticeName: "THE DENSHAM SURGERY", PCNCode: "U00001", Started: day("20191001")},
			{PracticeCode: "A81002", PracticeName: "QUEENS PARK MEDICAL CENTRE", PCNCode: "U00001", Started: day("20191001")},
		},
		Practices: map[string]ods.Practice{
			"A81001": {Code: "A81001", Name: "THE DENSHAM SURGERY", Address: []string{"LAWSON STREET", "STOCKTON-ON-TEES"}, Postcode: "TS18 1HU", Phone: "01642 672351", Status: "A"},
			"A81002": {Code: "A81002", Name: "QUEENS PARK MEDICAL CENTRE", Address: []string{"FARRER STREET"}, Postcode: "TS18 2AW", Phone: "01642 679681", Status: "A"},
		},
	}
	if _, err := db.ImportODS(context.Background(), data, time.Now()); err != nil {
		t.Fatal(err)
	}
	// Imported tenants start on their holding page: launched as they are,
	// before anyone has written a word.
	tn, err := db.LaunchTenant(context.Background(), "riverside-health-pcn", testActor, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tn
}

var (
	externalHrefRE = regexp.MustCompile(`href="(https?://[^"]*)"`)
	// guideOwnLinks are the only addresses a generated page links to
	// without a practice's data: NHS services patients use everywhere.
	guideOwnLinks = regexp.MustCompile(`^https://(111\.nhs\.uk/|www\.nhs\.uk/|www\.ombudsman\.org\.uk/|www\.healthwatch\.co\.uk/)`)
)

// TestGuidePagesOfAnImportedTenant: a tenant straight from the ODS import,
// with no manager content, has every template page. Each lists each
// practice with its phone number as a tel: link where a link is missing,
// links only to NHS services nobody needs to enter, claims no times or
// services nobody entered, and never says "emergency appointment".
func TestGuidePagesOfAnImportedTenant(t *testing.T) {
	s := newServer(t, serverOptions{})
	importedTenant(t, s.db)
	host := "riverside-health-pcn.localhost"
	for _, path := range guidePaths {
		t.Run(path, func(t *testing.T) {
			r := s.get(t, host, path)
			if r.status != 200 {
				t.Fatalf("%s: %d\n%s", path, r.status, r.body)
			}
			lower := strings.ToLower(r.body)
			for _, bad := range []string{"emergency appointment", "6:30pm to 8pm", "pharmacist", "physiotherap", "9am to 5pm"} {
				if strings.Contains(lower, bad) {
					t.Errorf("%s says %q, which nobody entered", path, bad)
				}
			}
			main := r.body[strings.Index(r.body, "<main"):strings.Index(r.body, "</main>")]
			for _, m := range externalHrefRE.FindAllStringSubmatch(main, -1) {
				if !guideOwnLinks.MatchString(m[1]) {
					t.Errorf("%s links to %s, which no one entered", path, m[1])
				}
			}
			for _, want := range []string{"The Densham Surgery", "Queens Park Medical Centre", "Page last reviewed", "Next review due"} {
				if !strings.Contains(r.body, want) {
					t.Errorf("%s lacks %q", path, want)
				}
			}
			// Every page with a per-practice section says how to phone it.
			if !strings.Contains(r.body, `<a href="tel:&#43;441642672351">01642 672351</a>`) {
				t.Errorf("%s does not give The Densham Surgery's phone number as a tel: link", path)
			}
		})
	}
	for path, want := range map[string]string{
		"/appointments":  "To find out if you can ask online, call",
		"/prescriptions": "To find out how to order, call",
		"/test-results":  "To ask for your results, call",
		"/fit-notes":     "To ask for a fit note, call",
		"/register":      "You do not need proof of address, ID or immigration status to register.",
		"/health-online": "To find out which online services the practice offers, call",
		"/complaints":    "you can complain to NHS South West London ICB instead",
		"/patient-group": "ask your practice",
	} {
		if body := s.get(t, host, path).body; !strings.Contains(body, want) {
			t.Errorf("%s lacks %q", path, want)
		}
	}
	// The home page and enhanced access claim nothing nobody entered: no
	// times, no services, and every tile leads to a page that works.
	home := s.get(t, host, "/").body
	for _, bad := range []string{"6:30pm to 8pm", "pharmacists", "physiotherapy", `href="/enhanced-access"`, `href="/services"><`} {
		if strings.Contains(home, bad) {
			t.Errorf("the imported tenant's home page has %q", bad)
		}
	}
	for _, tile := range []string{`href="/appointments">Make, change or cancel an appointment`, `href="/prescriptions">Get a repeat prescription online`,
		`href="/fit-notes">Get a sick note for work`, `href="/test-results">Get test results`, `href="/register">Register with a practice`} {
		if !strings.Contains(home, tile) {
			t.Errorf("the home page lacks the tile %s", tile)
		}
	}
	if ea := s.get(t, host, "/enhanced-access").body; strings.Contains(ea, "6:30pm") || strings.Contains(ea, "9am to 5pm") || !strings.Contains(ea, "Ask your GP practice") {
		t.Errorf("/enhanced-access of a tenant without sessions claims times nobody entered")
	}
	// The menu: Home, Appointments, Prescriptions, Services, Our practices
	// (no About us page), Contact us.
	var nav []string
	for _, m := range regexp.MustCompile(`class="nhsuk-header__navigation-link" href="([^"]*)"`).FindAllStringSubmatch(home, -1) {
		nav = append(nav, m[1])
	}
	if got, want := strings.Join(nav, ","), "/,/appointments,/prescriptions,/services,/practices,/contact"; got != want {
		t.Errorf("menu = %s, want %s", got, want)
	}
	// The sitemap lists every template page.
	sm := s.get(t, host, "/sitemap.xml").body
	for _, path := range guidePaths {
		if !strings.Contains(sm, "<loc>http://"+host+path+"</loc>") {
			t.Errorf("the sitemap lacks %s", path)
		}
	}
}

// TestGuidePagesWithFullData: a practice's own links are shown on the
// page for them; a practice without them gets its phone number; the
// patient group the manager described is shown; a tenant ODS never
// placed gets no invented ICB name.
func TestGuidePagesWithFullData(t *testing.T) {
	s := newServer(t, serverOptions{})
	tn := modelstest.Tenant(t, s.db, "alpha")
	store := s.db.ForTenant(context.Background(), tn.ID)
	if _, err := store.SavePractice(testActor, 0, 0, models.Practice{ODSCode: "Y99001", Name: "Linked Surgery", Phone: "0113 496 0001",
		Address: "1 Vale Road\nLeeds", Postcode: "LS1 1AA",
		AppointmentsURL: "https://linked.example/appointments", PrescriptionsURL: "https://linked.example/prescriptions",
		RegistrationURL: "https://linked.example/join", OnlineConsultationURL: "https://linked.example/ask",
		TestResultsURL: "https://linked.example/results", FitNotesURL: "https://linked.example/fit-notes",
		CharterURL: "https://linked.example/charter"}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.SavePractice(testActor, 0, 0, models.Practice{ODSCode: "Y99002", Name: "Plain Surgery", Phone: "0113 496 0002"}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.SavePractice(testActor, 0, 0, models.Practice{ODSCode: "Y99003", Name: "Silent Surgery"}); err != nil {
		t.Fatal(err)
	}
	set, err := store.Settings()
	if err != nil {
		t.Fatal(err)
	}
	set.PatientGroup = "We meet every month.\n\nAnyone registered can come."
	set.PatientGroupJoin = "Email ppg@alpha.example."
	if _, err := store.SaveSettingsAt(testActor, set, 0, time.Now()); err != nil {
		t.Fatal(err)
	}
	host := "alpha.localhost"
	for _, tc := range []struct {
		path, link, plain string
	}{
		{"/appointments", `<a href="https://linked.example/ask">fill in Linked Surgery's online form</a>. You can use it from 8am to 6:30pm, Monday to Friday.`, "To find out if you can ask online, call"},
		{"/prescriptions", `<a href="https://linked.example/prescriptions">Get a repeat prescription online from Linked Surgery</a>`, "To find out how to order, call"},
		{"/test-results", `<a href="https://linked.example/results">Get test results from Linked Surgery</a>`, "To ask for your results, call"},
		{"/fit-notes", `<a href="https://linked.example/fit-notes">Ask Linked Surgery for a fit note</a>`, "To ask for a fit note, call"},
		{"/register", `<a href="https://linked.example/join">Register with Linked Surgery online</a>`, "To register, call"},
		{"/health-online", `<a href="https://linked.example/results">Get test results</a>`, "To find out which online services the practice offers, call"},
		{"/complaints", `<a href="https://linked.example/charter">What you can expect from Linked Surgery: You and Your General Practice</a>`, "To complain to Plain Surgery, call"},
	} {
		body := s.get(t, host, tc.path).body
		if !strings.Contains(body, tc.link) {
			t.Errorf("%s lacks Linked Surgery's own link %s", tc.path, tc.link)
		}
		if !strings.Contains(body, tc.plain+` <a href="tel:&#43;441134960002">0113 496 0002</a>`) {
			t.Errorf("%s does not give Plain Surgery's phone number instead of a link", tc.path)
		}
		if !strings.Contains(body, `contact the practice (see <a href="/practices/Y99003">Silent Surgery</a> for its details)`) {
			t.Errorf("%s invents a way to contact Silent Surgery, which has no phone number", tc.path)
		}
		if strings.Contains(strings.ToLower(body), "emergency appointment") {
			t.Errorf("%s says emergency appointment", tc.path)
		}
	}
	complaints := s.get(t, host, "/complaints").body
	if !strings.Contains(complaints, "the integrated care board (ICB) for your area") || strings.Contains(complaints, "complain to NHS") {
		t.Errorf("/complaints of a tenant without ODS data names an ICB")
	}
	ppg := s.get(t, host, "/patient-group").body
	for _, want := range []string{"<p>We meet every month.</p>", "<p>Anyone registered can come.</p>", "<p>Email ppg@alpha.example.</p>"} {
		if !strings.Contains(ppg, want) {
			t.Errorf("/patient-group lacks %s", want)
		}
	}
	if strings.Contains(ppg, "Silent Surgery") {
		t.Errorf("/patient-group lists the practices although the network described its group")
	}
}

// TestGuidePageOverriddenAndBack: a page the manager publishes at a
// template's path replaces the generated one; deleting it (the admin's
// "Go back to the generated page") brings the generated one back at once.
func TestGuidePageOverriddenAndBack(t *testing.T) {
	s := newServer(t, serverOptions{})
	tn := modelstest.Tenant(t, s.db, "alpha")
	store := s.db.ForTenant(context.Background(), tn.ID)
	seedPractice(t, store, "Y99001", "Vale Surgery")
	host := "alpha.localhost"
	if body := s.get(t, host, "/appointments").body; !strings.Contains(body, "Ask your practice for an appointment") {
		t.Fatalf("generated /appointments:\n%s", body)
	}
	if _, err := store.CreatePage(models.PageInput{Path: "/appointments", Title: "Booking at our practices", BodyMD: "Call us on the day.", By: testActor}); err != nil {
		t.Fatal(err)
	}
	body := s.get(t, host, "/appointments").body
	if !strings.Contains(body, "Booking at our practices") || !strings.Contains(body, "Call us on the day.") || strings.Contains(body, "Ask your practice for an appointment") {
		t.Errorf("the manager's published page does not replace the generated one:\n%s", body)
	}
	if !strings.Contains(s.get(t, host, "/sitemap.xml").body, "/appointments</loc>") {
		t.Errorf("the sitemap lost /appointments")
	}
	if err := store.DeletePage(testActor, "/appointments", nil); err != nil {
		t.Fatal(err)
	}
	if body := s.get(t, host, "/appointments").body; !strings.Contains(body, "Ask your practice for an appointment") || strings.Contains(body, "Call us on the day.") {
		t.Errorf("after deleting the manager's page, /appointments is not the generated page again")
	}
}
