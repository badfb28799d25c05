package admin_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/handlers"
	"github.com/pcnweb/pcnweb/handlers/admin"
	"github.com/pcnweb/pcnweb/internal/feedbackcsv"
	"github.com/pcnweb/pcnweb/internal/webtest"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// feedbackFixture is a tenant with a practice, a service, a manager and an
// editor, and a few responses sent at known times.
type feedbackFixture struct {
	s        *server
	tn       models.Tenant
	store    *models.TenantDB
	practice models.Practice
	other    models.Practice
	service  models.Service
	now      time.Time
}

func newFeedbackFixture(t *testing.T, s *server, slug string) *feedbackFixture {
	t.Helper()
	ctx := context.Background()
	tn := s.tenant(t, slug)
	store := s.db.ForTenant(ctx, tn.ID)
	practice, err := store.SavePractice(testActor, 0, 0, models.Practice{Name: slug + " Fivefields Surgery", ODSCode: "Y9" + fmt.Sprint(len(slug)) + "001"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := store.SavePractice(testActor, 0, 0, models.Practice{Name: slug + " Riverside Surgery", ODSCode: "Y9" + fmt.Sprint(len(slug)) + "002"})
	if err != nil {
		t.Fatal(err)
	}
	service, err := store.SaveService(testActor, 0, 0, models.Service{Name: slug + " Social prescribing", Published: true})
	if err != nil {
		t.Fatal(err)
	}
	s.user(t, tn, "boss@"+slug+".nhs.uk", models.RoleManager)
	s.user(t, tn, "ed@"+slug+".nhs.uk", models.RoleEditor)
	return &feedbackFixture{s: s, tn: tn, store: store, practice: practice, other: other, service: service, now: time.Now()}
}

// send stores a response as the public form would, received at when.
func (f *feedbackFixture) send(t *testing.T, in models.FeedbackInput, when time.Time) {
	t.Helper()
	if _, err := f.store.SaveFeedback(in, when); err != nil {
		t.Fatal(err)
	}
}

// ukDate is t's date in London, as the filters take it.
func ukDate(t time.Time) string {
	loc, _ := time.LoadLocation("Europe/London")
	return t.In(loc).Format("2006-01-02")
}

func TestFeedbackListFiltersAndPages(t *testing.T) {
	s := newServer(t, options{})
	f := newFeedbackFixture(t, s, "alpha")
	const host = "alpha.localhost"
	tenDaysAgo := f.now.AddDate(0, 0, -10)
	f.send(t, models.FeedbackInput{Form: models.FormFFT, Rating: models.RatingPoor, PracticeID: f.other.ID, Text: "Waited an hour"}, tenDaysAgo)
	f.send(t, models.FeedbackInput{Form: models.FormFFT, Rating: models.RatingVeryGood, PracticeID: f.practice.ID, Text: "Kind nurse\n\nQuick too"}, f.now.Add(-2*time.Hour))
	f.send(t, models.FeedbackInput{Form: models.FormContact, Name: "Sam Jones", ReplyTo: "sam@example.org", Text: "Is the car park open?"}, f.now.Add(-time.Hour))

	b := s.browser()
	b.signIn(t, host, "boss@alpha.nhs.uk")
	r := b.get(t, host, "/admin/feedback")
	if r.status != http.StatusOK {
		t.Fatalf("GET feedback: %d\n%s", r.status, r.body)
	}
	// Newest first, with the answer's label, the practice and the text.
	order := []string{"Is the car park open?", "Kind nurse", "Waited an hour"}
	last := -1
	for _, text := range order {
		i := strings.Index(r.body, text)
		if i < 0 || i < last {
			t.Fatalf("%q missing or out of order:\n%s", text, r.body)
		}
		last = i
	}
	for _, want := range []string{"Friends and Family Test: <strong>Very good</strong>", "alpha Fivefields Surgery", "Poor",
		"<p class=\"nhsuk-u-margin-bottom-2\">Quick too</p>", "From Sam Jones", "mailto:sam@example.org", "3 responses",
		`href="/admin/feedback" aria-current="page">Feedback</a>`, `href="/admin/feedback/download"`, `href="/admin/feedback/settings"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the list lacks %q", want)
		}
	}

	for _, tt := range []struct {
		name  string
		query url.Values
		want  []string
	}{
		{"practice", url.Values{"practice": {fmt.Sprint(f.practice.ID)}}, []string{"Kind nurse"}},
		{"form", url.Values{"form": {models.FormContact}}, []string{"Is the car park open?"}},
		{"from", url.Values{"from": {ukDate(f.now.AddDate(0, 0, -1))}}, []string{"Is the car park open?", "Kind nurse"}},
		{"to, inclusive", url.Values{"to": {ukDate(tenDaysAgo)}}, []string{"Waited an hour"}},
		{"UK date", url.Values{"to": {tenDaysAgo.In(londonTZ(t)).Format("2/1/2006")}}, []string{"Waited an hour"}},
		{"form and dates", url.Values{"form": {models.FormFFT}, "from": {ukDate(tenDaysAgo)}, "to": {ukDate(f.now)}}, []string{"Kind nurse", "Waited an hour"}},
		{"nothing", url.Values{"form": {models.FormComments}}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := b.get(t, host, "/admin/feedback?"+tt.query.Encode())
			if r.status != http.StatusOK {
				t.Fatalf("%d\n%s", r.status, r.body)
			}
			for _, text := range order {
				if got, want := strings.Contains(r.body, text), containsString(tt.want, text); got != want {
					t.Errorf("%q shown: %v, want %v", text, got, want)
				}
			}
			if tt.want == nil && !strings.Contains(r.body, "No responses match these choices.") {
				t.Errorf("no word that nothing matched:\n%s", r.body)
			}
			// The download link keeps the filters.
			if tt.want != nil && !strings.Contains(r.body, `href="/admin/feedback/download?`+strings.ReplaceAll(tt.query.Encode(), "&", "&amp;")+`"`) {
				t.Errorf("download link without the filters %s:\n%s", tt.query.Encode(), r.body)
			}
		})
	}

	// A date that is not one: the message next to the field.
	r = b.get(t, host, "/admin/feedback?from=31%2F2%2F2026&to=2026-01-01")
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `<a href="#from">Enter a real date for ‘From’`) ||
		!strings.Contains(r.body, `id="from-error"`) || strings.Contains(r.body, "Kind nurse") {
		t.Errorf("bad date: %d\n%s", r.status, r.body)
	}
	r = b.get(t, host, "/admin/feedback?from=2026-02-02&to=2026-01-01")
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `<a href="#to">‘To’ must be the same as or after ‘From’`) {
		t.Errorf("to before from: %d\n%s", r.status, r.body)
	}

	// 50 a page: 53 responses are two pages, the filters kept in the links.
	for i := range 50 {
		f.send(t, models.FeedbackInput{Form: models.FormFFT, Rating: models.RatingGood, Text: fmt.Sprintf("Reply number %d.", i)}, f.now.Add(-time.Duration(i+10)*time.Minute))
	}
	r = b.get(t, host, "/admin/feedback?form=fft")
	if !strings.Contains(r.body, "52 responses, page 1 of 2") || !strings.Contains(r.body, `href="/admin/feedback?form=fft&amp;page=2"`) ||
		strings.Contains(r.body, "Waited an hour") || !strings.Contains(r.body, "Reply number 0.") {
		t.Errorf("page 1:\n%s", r.body)
	}
	r = b.get(t, host, "/admin/feedback?form=fft&page=2")
	if r.status != http.StatusOK || !strings.Contains(r.body, "Waited an hour") || !strings.Contains(r.body, `href="/admin/feedback?form=fft"`) ||
		strings.Contains(r.body, "Reply number 0.") {
		t.Errorf("page 2: %d\n%s", r.status, r.body)
	}
	if r := b.get(t, host, "/admin/feedback?page=9"); r.status != http.StatusNotFound {
		t.Errorf("a page past the end: %d", r.status)
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func londonTZ(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// readFeedbackCSV parses a download, checking its byte order mark and
// header, and returns its rows.
func readFeedbackCSV(t *testing.T, body string) [][]string {
	t.Helper()
	body, ok := strings.CutPrefix(body, feedbackcsv.BOM)
	if !ok {
		t.Fatalf("no byte order mark: %q", body)
	}
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(records) == 0 {
		t.Fatalf("not CSV: %v\n%s", err, body)
	}
	if got := strings.Join(records[0], ","); got != "Received (UK time),Form,Answer,Practice,Service,Text,Name,Reply to" {
		t.Errorf("header %q", got)
	}
	return records[1:]
}

func TestFeedbackDownloadCSV(t *testing.T) {
	s := newServer(t, options{})
	f := newFeedbackFixture(t, s, "alpha")
	const host = "alpha.localhost"
	when := f.now.Add(-time.Hour)
	f.send(t, models.FeedbackInput{Form: models.FormFFT, Rating: models.RatingVeryGood, PracticeID: f.practice.ID, ServiceID: f.service.ID,
		Text: "=HYPERLINK(\"http://evil.example\",\"click\")"}, when)
	f.send(t, models.FeedbackInput{Form: models.FormComments, Text: "Lovely, thanks, \"really\""}, f.now.Add(-2*time.Hour))

	b := s.browser()
	b.signIn(t, host, "boss@alpha.nhs.uk")
	r := b.get(t, host, "/admin/feedback/download")
	if r.status != http.StatusOK {
		t.Fatalf("download: %d\n%s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	wantName := fmt.Sprintf(`attachment; filename="feedback-alpha-%s.csv"`, ukDate(time.Now()))
	if cd := r.header.Get("Content-Disposition"); cd != wantName {
		t.Errorf("Content-Disposition %q, want %q", cd, wantName)
	}
	if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control %q: patients' words must not be cached", cc)
	}
	rows := readFeedbackCSV(t, r.body)
	want := [][]string{
		{when.In(londonTZ(t)).Format("02/01/2006 15:04"), "Friends and Family Test", "Very good", "alpha Fivefields Surgery", "alpha Social prescribing",
			"'=HYPERLINK(\"http://evil.example\",\"click\")", "", ""},
		{f.now.Add(-2 * time.Hour).In(londonTZ(t)).Format("02/01/2006 15:04"), "Comments", "", "", "", "Lovely, thanks, \"really\"", "", ""},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("rows\n%q\nwant\n%q", rows, want)
	}
	// The same filters as the list.
	r = b.get(t, host, "/admin/feedback/download?form=comments")
	if rows := readFeedbackCSV(t, r.body); len(rows) != 1 || rows[0][1] != "Comments" {
		t.Errorf("filtered download: %q", rows)
	}
	r = b.get(t, host, "/admin/feedback/download?from=yesterday")
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Enter a real date for ‘From’") || r.header.Get("Content-Disposition") != "" {
		t.Errorf("download with a bad date: %d %v\n%s", r.status, r.header, r.body)
	}
	// Signed out: the sign-in page, no data.
	if r := s.browser().get(t, host, "/admin/feedback/download"); r.status != http.StatusSeeOther || strings.Contains(r.body, "HYPERLINK") {
		t.Errorf("signed-out download: %d %s", r.status, r.body)
	}
}

func TestFeedbackEditorsReadOnlyWhenAllowed(t *testing.T) {
	s := newServer(t, options{})
	f := newFeedbackFixture(t, s, "alpha")
	const host = "alpha.localhost"
	f.send(t, models.FeedbackInput{Form: models.FormFFT, Rating: models.RatingGood, Text: "Helpful receptionist"}, f.now.Add(-time.Hour))

	ed := s.browser()
	ed.signIn(t, host, "ed@alpha.nhs.uk")
	for _, path := range []string{"/admin/feedback", "/admin/feedback/download", "/admin/feedback/settings"} {
		r := ed.get(t, host, path)
		if r.status != http.StatusForbidden || strings.Contains(r.body, "Helpful receptionist") {
			t.Errorf("editor GET %s before managers allow it: %d\n%s", path, r.status, r.body)
		}
	}
	if r := ed.get(t, host, "/admin/feedback"); !strings.Contains(r.body, "Only the website&#39;s managers can read patients&#39; feedback") {
		t.Errorf("the 403 page does not say why:\n%s", r.body)
	}
	token := csrf(t, ed.get(t, host, "/admin").body)
	r := ed.post(t, host, "/admin/feedback/settings", url.Values{"_csrf": {token}, "fft": {"on"}, "retention": {"12"}, "editors_may_read": {"on"}})
	if r.status != http.StatusForbidden {
		t.Errorf("an editor saved the feedback settings: %d", r.status)
	}
	if got, _ := f.store.FeedbackSettings(); got.EditorsMayRead {
		t.Fatal("the editor's save was stored")
	}

	boss := s.browser()
	boss.signIn(t, host, "boss@alpha.nhs.uk")
	form := url.Values{"_csrf": {csrf(t, boss.get(t, host, "/admin/feedback/settings").body)}, "fft": {"on"}, "retention": {"12"}, "editors_may_read": {"on"}}
	if r := boss.post(t, host, "/admin/feedback/settings", form); r.status != http.StatusSeeOther {
		t.Fatalf("manager saves: %d\n%s", r.status, r.body)
	}
	r = ed.get(t, host, "/admin/feedback")
	if r.status != http.StatusOK || !strings.Contains(r.body, "Helpful receptionist") || strings.Contains(r.body, `href="/admin/feedback/settings"`) {
		t.Errorf("editor allowed to read: %d\n%s", r.status, r.body)
	}
	if r := ed.get(t, host, "/admin/feedback/download"); r.status != http.StatusOK || !strings.Contains(r.body, "Helpful receptionist") {
		t.Errorf("editor allowed to download: %d", r.status)
	}
	if r := ed.get(t, host, "/admin/feedback/settings"); r.status != http.StatusForbidden {
		t.Errorf("settings stay the managers': %d", r.status)
	}
}

func TestFeedbackOfAnotherTenantNeverShown(t *testing.T) {
	s := newServer(t, options{})
	alpha := newFeedbackFixture(t, s, "alpha")
	beta := newFeedbackFixture(t, s, "beta")
	alpha.send(t, models.FeedbackInput{Form: models.FormFFT, Rating: models.RatingGood, PracticeID: alpha.practice.ID, Text: "alpha's own words"}, alpha.now.Add(-time.Hour))
	beta.send(t, models.FeedbackInput{Form: models.FormFFT, Rating: models.RatingPoor, PracticeID: beta.practice.ID, Text: "beta's secret words"}, beta.now.Add(-time.Hour))
	beta.send(t, models.FeedbackInput{Form: models.FormContact, Name: "Beta Patient", ReplyTo: "patient@beta.example", Text: "beta's contact"}, beta.now.Add(-time.Minute))
	// And what beta's managers chose: editors may read beta's feedback,
	// not alpha's.
	if err := beta.store.SaveFeedbackSettings(testActor, models.FeedbackSettings{FFT: true, RetentionMonths: 12, EditorsMayRead: true}); err != nil {
		t.Fatal(err)
	}

	const host = "alpha.localhost"
	boss := s.browser()
	boss.signIn(t, host, "boss@alpha.nhs.uk")
	paths := []string{"/admin/feedback", "/admin/feedback/download",
		"/admin/feedback?practice=" + fmt.Sprint(beta.practice.ID), "/admin/feedback/download?practice=" + fmt.Sprint(beta.practice.ID),
		"/admin/feedback?form=contact", "/admin/feedback/download?form=contact", "/admin/feedback/settings"}
	for _, path := range paths {
		r := boss.get(t, host, path)
		if r.status != http.StatusOK {
			t.Errorf("GET %s: %d", path, r.status)
		}
		for _, secret := range []string{"beta's secret", "beta's contact", "Beta Patient", "patient@beta.example", "beta Fivefields"} {
			if strings.Contains(r.body, secret) {
				t.Errorf("alpha's GET %s shows beta's %q", path, secret)
			}
		}
	}
	if r := boss.get(t, host, "/admin/feedback"); !strings.Contains(r.body, "alpha&#39;s own words") {
		t.Errorf("alpha's own response missing:\n%s", r.body)
	}
	// Beta's editors may read beta's; alpha's editor is still refused.
	ed := s.browser()
	ed.signIn(t, host, "ed@alpha.nhs.uk")
	if r := ed.get(t, host, "/admin/feedback"); r.status != http.StatusForbidden {
		t.Errorf("alpha's editor under beta's setting: %d", r.status)
	}
	// A manager of beta signed in on beta is not signed in on alpha.
	bb := s.browser()
	bb.signIn(t, "beta.localhost", "boss@beta.nhs.uk")
	if r := bb.get(t, "beta.localhost", "/admin/feedback"); r.status != http.StatusOK || !strings.Contains(r.body, "beta&#39;s secret words") ||
		strings.Contains(r.body, "alpha&#39;s own words") {
		t.Errorf("beta's list: %d\n%s", r.status, r.body)
	}
}

func TestFeedbackSettingsForm(t *testing.T) {
	s := newServer(t, options{})
	f := newFeedbackFixture(t, s, "alpha")
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "boss@alpha.nhs.uk")

	r := b.get(t, host, "/admin/feedback/settings")
	if r.status != http.StatusOK {
		t.Fatalf("GET settings: %d\n%s", r.status, r.body)
	}
	// The defaults: the FFT on, the others off, 12 months.
	for _, want := range []string{`id="fft" name="fft" type="checkbox" value="on" checked`, `id="comments" name="comments" type="checkbox" value="on" aria-describedby`,
		`id="retention" name="retention" type="number" value="12"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("settings form lacks %q:\n%s", want, r.body)
		}
	}
	token := csrf(t, r.body)

	// Refusals: the message next to the field, the typed values kept,
	// nothing saved.
	gen, audits := tenantState(t, s, "alpha")
	for _, tt := range []struct {
		name, field, value, msg string
	}{
		{"not a number", "retention", "a year", "Enter a whole number of months between 1 and 36"},
		{"too few", "retention", "0", "Enter a number of months between 1 and 36"},
		{"too many", "retention", "37", "Enter a number of months between 1 and 36"},
		{"bad address", "notify_email", "feedback at nhs.net", "Enter an email address in the correct format"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"_csrf": {token}, "comments": {"on"}, "retention": {"6"}, "notify_email": {"team@nhs.net"}}
			form.Set(tt.field, tt.value)
			r := b.post(t, host, "/admin/feedback/settings", form)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `<a href="#`+tt.field+`">`+tt.msg) ||
				!strings.Contains(r.body, `id="`+tt.field+`-error"`) || !strings.Contains(r.body, `value="`+tt.value+`"`) ||
				!strings.Contains(r.body, `id="comments" name="comments" type="checkbox" value="on" checked`) {
				t.Errorf("%d\n%s", r.status, r.body)
			}
		})
	}
	if got, _ := f.store.FeedbackSettings(); got != models.DefaultFeedbackSettings {
		t.Fatalf("a refused save was stored: %+v", got)
	}
	if g, a := tenantState(t, s, "alpha"); g != gen || a != audits {
		t.Errorf("refused saves changed the tenant: generation %d → %d, audit rows %d → %d", gen, g, audits, a)
	}

	// A save: stored, audited, the generation bumped (the site shows other
	// forms now), and said so.
	r = b.post(t, host, "/admin/feedback/settings", url.Values{"_csrf": {token}, "comments": {"on"}, "contact": {"on"},
		"retention": {" 6 "}, "notify_email": {"Team@NHS.net"}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/feedback/settings?done=saved" {
		t.Fatalf("save: %d %s\n%s", r.status, r.location(), r.body)
	}
	want := models.FeedbackSettings{Comments: true, Contact: true, RetentionMonths: 6, NotifyEmail: "team@nhs.net"}
	if got, _ := f.store.FeedbackSettings(); got != want {
		t.Errorf("stored %+v, want %+v", got, want)
	}
	if g, a := tenantState(t, s, "alpha"); g <= gen || a != audits+1 {
		t.Errorf("save: generation %d → %d, audit rows %d → %d", gen, g, audits, a)
	}
	log, _ := f.store.AuditLog(1)
	if len(log) != 1 || log[0].Action != models.AuditFeedbackSettings || log[0].UserEmail != "boss@alpha.nhs.uk" {
		t.Errorf("audit row %+v", log)
	}
	r = b.get(t, host, "/admin/feedback/settings?done=saved")
	if !strings.Contains(r.body, "The feedback settings have been saved.") || !strings.Contains(r.body, `value="team@nhs.net"`) ||
		strings.Contains(r.body, `name="fft" type="checkbox" value="on" checked`) {
		t.Errorf("after the save:\n%s", r.body)
	}
}

// replica is another instance of the app (handlers.New) on the same
// database and Redis as s, as a second replica of the deployment is: its
// own services, caches and clock (siteNow, the public site's).
func replica(t *testing.T, s *server, siteNow func() time.Time) *server {
	t.Helper()
	o := s.redis.Options()
	svc := webtest.Start(t, webtest.Options{DB: modelstest.Open(t, s.dbURL), RedisURL: fmt.Sprintf("redis://%s/%d", o.Addr, o.DB), Prefix: s.prefix})
	signIn := svc.SignIn(t, webtest.SignInOptions{})
	adminDeps := admin.Deps{Deps: signIn, Scheme: "http", BaseDomain: "localhost"}
	sd := svc.Site()
	sd.Web, sd.Now = signIn.Web, siteNow
	other := *s
	other.app = handlers.New(handlers.Deps{Site: sd, Admin: &adminDeps})
	other.admin = admin.New(adminDeps)
	return &other
}

var feedbackTokenRE = regexp.MustCompile(`name="token" value="([^"]+)"`)

// A patient's response posted through the public form of one replica is
// in the admin of another (list and CSV), and in no other tenant's.
func TestFeedbackPostedOnOneReplicaIsReadOnAnother(t *testing.T) {
	s := newServer(t, options{}) // replica 2: the managers' admin
	alpha := newFeedbackFixture(t, s, "alpha")
	newFeedbackFixture(t, s, "beta")
	// Replica 1's clock starts 5 s behind, so that after the patient's
	// 5 s it is not ahead of replica 2's (the CSV leaves out responses
	// received after its own now).
	siteClock := &clock{t: time.Now().Add(-5 * time.Second)}
	one := replica(t, s, siteClock.Now) // replica 1: the patient's form

	patient := one.browser()
	const host = "alpha.localhost"
	form := patient.get(t, host, "/feedback")
	m := feedbackTokenRE.FindStringSubmatch(form.body)
	if form.status != http.StatusOK || m == nil {
		t.Fatalf("GET /feedback on replica 1: %d\n%s", form.status, form.body)
	}
	siteClock.Add(5 * time.Second) // a person takes a few seconds
	r := webtest.DoHeader(t, one.app, patient.jar, http.MethodPost, host, "/feedback", url.Values{
		"token": {html.UnescapeString(m[1])}, "rating": {fmt.Sprint(models.RatingVeryGood)}, "practice": {fmt.Sprint(alpha.practice.ID)},
		"text": {"The nurse on replica one was lovely"}, "website": {""},
	}, http.Header{"Origin": {"http://" + host}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/feedback/thanks" {
		t.Fatalf("POST /feedback on replica 1: %d %s\n%s", r.Status, r.Header.Get("Location"), r.Body)
	}

	boss := s.browser()
	boss.signIn(t, host, "boss@alpha.nhs.uk")
	list := boss.get(t, host, "/admin/feedback")
	if list.status != http.StatusOK || !strings.Contains(list.body, "The nurse on replica one was lovely") ||
		!strings.Contains(list.body, "<strong>Very good</strong>") || !strings.Contains(list.body, "alpha Fivefields Surgery") {
		t.Errorf("replica 2's admin:\n%s", list.body)
	}
	rows := readFeedbackCSV(t, boss.get(t, host, "/admin/feedback/download").body)
	if len(rows) != 1 || rows[0][5] != "The nurse on replica one was lovely" || rows[0][2] != "Very good" {
		t.Errorf("replica 2's CSV: %q", rows)
	}

	other := s.browser()
	other.signIn(t, "beta.localhost", "boss@beta.nhs.uk")
	for _, path := range []string{"/admin/feedback", "/admin/feedback/download"} {
		if r := other.get(t, "beta.localhost", path); strings.Contains(r.body, "replica one") {
			t.Errorf("beta's %s shows alpha's response", path)
		}
	}
}
