package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
)

// importServer is a panel with tenant alpha, its manager Jane signed in.
type importServer struct {
	*server
	alpha models.Tenant
	jane  *browser
	token string
}

const alphaHost = "alpha.localhost"

func newImportServer(t *testing.T) importServer {
	t.Helper()
	s := newServer(t, options{})
	alpha := s.tenant(t, "alpha")
	s.user(t, alpha, "jane@example.nhs.uk", models.RoleManager)
	jane := s.browser()
	jane.signIn(t, alphaHost, "jane@example.nhs.uk")
	return importServer{server: s, alpha: alpha, jane: jane, token: csrf(t, jane.get(t, alphaHost, "/admin/import").body)}
}

func (s importServer) store(tn models.Tenant) *models.TenantDB {
	return s.db.ForTenant(context.Background(), tn.ID)
}

// finish runs the oldest queued import as the background runner would,
// ending it with report (or failing it with errMsg).
func (s importServer) finish(t *testing.T, report *models.ImportReport, errMsg string) models.ImportJob {
	t.Helper()
	ctx := context.Background()
	job, err := s.db.ClaimImportJob(ctx, "test-runner", time.Now(), time.Minute)
	if err != nil || job == nil {
		t.Fatalf("claim the import: %v %v", job, err)
	}
	if err := s.db.FinishImportJob(ctx, job.ID, "test-runner", report, errMsg, time.Now()); err != nil {
		t.Fatal(err)
	}
	return *job
}

var jobPathRE = regexp.MustCompile(`^/admin/import/(\d+)$`)

// TestImportFormSaysWhatIsWrongNextToTheField: an address that is not one,
// nothing at all, both an address and a file, and a second import while
// one is running are each refused with a message next to its field, and
// nothing is queued.
func TestImportFormSaysWhatIsWrongNextToTheField(t *testing.T) {
	s := newImportServer(t)
	xml := &testMediaFile{name: "export.xml", data: []byte(`<?xml version="1.0"?><rss version="2.0"></rss>`)}
	cases := []struct {
		name    string
		address string
		file    *testMediaFile
		status  int
		field   string
		message string
	}{
		{"nothing", "", nil, http.StatusUnprocessableEntity, "address", "Enter your old website&#39;s address"},
		{"not an address", "our old website", nil, http.StatusUnprocessableEntity, "address", "Enter the full address of the old website"},
		{"not the web", "ftp://old.example.org/", nil, http.StatusUnprocessableEntity, "address", "Enter the full address of the old website"},
		{"both", "https://old.example.org/", xml, http.StatusUnprocessableEntity, "address", "not both"},
		{"empty file", "", &testMediaFile{name: "export.xml"}, http.StatusUnprocessableEntity, "file", "Choose the export file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.jane.postMultipart(t, alphaHost, "/admin/import", url.Values{"_csrf": {s.token}, "address": {tc.address}}, tc.file)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d\n%s", r.status, tc.status, r.body)
			}
			if !strings.Contains(r.body, `id="`+tc.field+`-error"`) || !strings.Contains(r.body, tc.message) {
				t.Errorf("no message %q next to %s:\n%s", tc.message, tc.field, r.body)
			}
			if !strings.Contains(r.body, `href="#`+tc.field+`"`) {
				t.Errorf("the error summary does not link to %s", tc.field)
			}
		})
	}
	if jobs, err := s.store(s.alpha).ImportJobs(0); err != nil || len(jobs) != 0 {
		t.Fatalf("refused forms queued %d imports (%v)", len(jobs), err)
	}

	// Busy: one import at a time.
	if r := s.jane.postMultipart(t, alphaHost, "/admin/import", url.Values{"_csrf": {s.token}, "address": {"https://old.example.org/"}}, nil); r.status != http.StatusSeeOther {
		t.Fatalf("first import: %d\n%s", r.status, r.body)
	}
	r := s.jane.postMultipart(t, alphaHost, "/admin/import", url.Values{"_csrf": {s.token}, "address": {"https://other.example.org/"}}, nil)
	if r.status != http.StatusConflict || !strings.Contains(r.body, "already running") || !strings.Contains(r.body, `id="address-error"`) {
		t.Errorf("second import while the first waits: %d\n%s", r.status, r.body)
	}
	if !strings.Contains(r.body, `value="https://other.example.org/"`) {
		t.Error("the address typed is not kept in the form")
	}
	if jobs, _ := s.store(s.alpha).ImportJobs(0); len(jobs) != 1 {
		t.Errorf("%d imports queued, want 1", len(jobs))
	}
}

// TestImportRunsInTheBackgroundAndShowsItsProgress: the form queues the
// import as a draft import by Jane and goes to its page, which reloads
// itself while the job waits or runs, shows the runner's progress, and is
// listed with who started it.
func TestImportRunsInTheBackgroundAndShowsItsProgress(t *testing.T) {
	s := newImportServer(t)
	form := s.jane.get(t, alphaHost, "/admin/import")
	for _, want := range []string{`enctype="multipart/form-data"`, `type="url"`, `name="address"`, `type="file"`, "Start the import", "None yet."} {
		if !strings.Contains(form.body, want) {
			t.Errorf("the import page has no %s", want)
		}
	}
	if strings.Contains(form.body, "publish") && strings.Contains(form.body, `name="publish"`) {
		t.Error("managers are offered to publish straight away; imports are drafts")
	}
	r := s.jane.postMultipart(t, alphaHost, "/admin/import", url.Values{"_csrf": {s.token}, "address": {" https://www.old-pcn.example/ "}}, nil)
	m := jobPathRE.FindStringSubmatch(r.location())
	if r.status != http.StatusSeeOther || m == nil {
		t.Fatalf("start: %d %q\n%s", r.status, r.location(), r.body)
	}
	jobs, err := s.store(s.alpha).ImportJobs(0)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("jobs %v %v", jobs, err)
	}
	if j := jobs[0]; j.Kind != models.ImportSite || j.Source != "https://www.old-pcn.example/" || j.Publish || j.CreatedByName != "jane@example.nhs.uk" {
		t.Errorf("queued %+v", j)
	}

	page := s.jane.get(t, alphaHost, r.location())
	if page.status != http.StatusOK || !strings.Contains(page.body, `<meta http-equiv="refresh" content="3">`) || !strings.Contains(page.body, "Waiting to start") {
		t.Errorf("a queued import's page: %d\n%s", page.status, page.body)
	}
	ctx := context.Background()
	job, err := s.db.ClaimImportJob(ctx, "runner", time.Now(), time.Minute)
	if err != nil || job == nil {
		t.Fatal(job, err)
	}
	if err := s.db.RenewImportJob(ctx, job.ID, "runner", "Read 12 pages of about 40: /services/physio", time.Now(), time.Minute); err != nil {
		t.Fatal(err)
	}
	page = s.jane.get(t, alphaHost, r.location())
	if !strings.Contains(page.body, "Running") || !strings.Contains(page.body, "Read 12 pages of about 40: /services/physio") ||
		!strings.Contains(page.body, `http-equiv="refresh"`) {
		t.Errorf("a running import's page:\n%s", page.body)
	}
	list := s.jane.get(t, alphaHost, "/admin/import")
	for _, want := range []string{"https://www.old-pcn.example/", "jane@example.nhs.uk", "Running", `href="` + r.location() + `"`} {
		if !strings.Contains(list.body, want) {
			t.Errorf("the list of imports has no %q", want)
		}
	}
	if err := s.db.FinishImportJob(ctx, job.ID, "runner", &models.ImportReport{}, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if page = s.jane.get(t, alphaHost, r.location()); strings.Contains(page.body, `http-equiv="refresh"`) {
		t.Error("a finished import's page still reloads itself")
	}
}

// TestImportWordPressExportFile: a chosen .xml file is a WordPress import
// of that file.
func TestImportWordPressExportFile(t *testing.T) {
	s := newImportServer(t)
	data := []byte(`<?xml version="1.0"?><rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel></channel></rss>`)
	r := s.jane.postMultipart(t, alphaHost, "/admin/import", url.Values{"_csrf": {s.token}}, &testMediaFile{name: "oldsite.WordPress.2026-12-01.xml", data: data})
	if r.status != http.StatusSeeOther || !jobPathRE.MatchString(r.location()) {
		t.Fatalf("upload: %d %s\n%s", r.status, r.location(), r.body)
	}
	job := s.finish(t, nil, "")
	if job.Kind != models.ImportWordPress || job.Source != "oldsite.WordPress.2026-12-01.xml" || string(job.Payload) != string(data) {
		t.Errorf("queued %s %q with %d bytes", job.Kind, job.Source, len(job.Payload))
	}
}

// TestImportReportShowsWhatAManagerMustCheck: a finished import's page
// lists each section of its report with links to where the manager acts:
// the draft's editor, the image's alt text, the practices for hours.
func TestImportReportShowsWhatAManagerMustCheck(t *testing.T) {
	s := newImportServer(t)
	store := s.store(s.alpha)
	if r := s.jane.postMultipart(t, alphaHost, "/admin/import", url.Values{"_csrf": {s.token}, "address": {"https://old.example.org/"}}, nil); r.status != http.StatusSeeOther {
		t.Fatal(r.status, r.body)
	}
	jobs, _ := store.ImportJobs(1)
	item, _, err := store.ImportPage(models.ImportActor(jobs[0]), models.ImportPageInput{JobID: jobs[0].ID, SourceKey: "https://old.example.org/physio.html",
		SourceURL: "https://old.example.org/physio.html", Path: "/physio", Title: "Physiotherapy", BodyMD: "See a physio without seeing a GP first."})
	if err != nil {
		t.Fatal(err)
	}
	report := &models.ImportReport{
		Source:    "https://old.example.org/",
		Pages:     []models.ImportedItem{item},
		Media:     []models.ImportedItem{{Source: "https://old.example.org/img/team.jpg", Target: "/media/7/640.jpg", Title: "team.jpg", Result: "created"}},
		Redirects: []models.ImportedRedirect{{From: "/physio.html", To: "/physio"}},
		NoAlt: []models.ImportNote{{Page: "https://old.example.org/physio.html", Kind: "image", Detail: "https://old.example.org/img/team.jpg"},
			{Page: "https://old.example.org/about.html", Kind: "image", Detail: "https://elsewhere.example/media/12/x.jpg"}},
		Dropped: []models.ImportNote{{Page: "https://old.example.org/contact.html", Kind: "form", Detail: "a contact form"},
			{Page: "https://old.example.org/contact.html", Kind: "iframe", Detail: "a map"}},
		Found:    []models.ImportNote{{Page: "https://old.example.org/", Kind: "opening hours", Detail: "Monday to Friday 8am to 6:30pm"}},
		Skipped:  []models.ImportNote{{Page: "https://old.example.org/login", Kind: "robots.txt", Detail: "disallowed"}},
		Duration: 65 * time.Second,
	}
	job := s.finish(t, report, "")
	page := s.jane.get(t, alphaHost, "/admin/import/"+formatID(job.ID))
	if page.status != http.StatusOK {
		t.Fatalf("report: %d", page.status)
	}
	for _, want := range []string{
		"Import of https://old.example.org/",
		`href="/admin/pages/edit?path=%2Fphysio"`, "Physiotherapy", "https://old.example.org/physio.html",
		`href="/admin/media/7/edit">Add alt text`, `href="/admin/media">Find it in images and files`,
		"/physio.html", `href="/admin/redirects"`,
		"What could not come across", "https://old.example.org/contact.html", "form: a contact form", "iframe: a map",
		"Already has a home on your new website", "Monday to Friday 8am to 6:30pm", `href="/admin/practices">Set opening hours`,
		"Skipped", "robots.txt", "1 minute 5 seconds",
		`href="/admin/import/review"`,
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the report has no %q", want)
		}
	}
	if n := strings.Count(page.body, "<h3 class=\"admin-import__source\">https://old.example.org/contact.html</h3>"); n != 1 {
		t.Errorf("what could not come across from contact.html is under %d headings, want 1", n)
	}
}

func formatID(id int64) string { return strconv.FormatInt(id, 10) }

// TestFailedImportSaysWhyAndOffersToTryAgain: a failed import's page says
// why in plain words, and "Try again" queues the same address again.
func TestFailedImportSaysWhyAndOffersToTryAgain(t *testing.T) {
	s := newImportServer(t)
	if r := s.jane.postMultipart(t, alphaHost, "/admin/import", url.Values{"_csrf": {s.token}, "address": {"https://gone.example.org/"}}, nil); r.status != http.StatusSeeOther {
		t.Fatal(r.status)
	}
	job := s.finish(t, nil, "The old website could not be reached: gone.example.org does not exist.")
	page := s.jane.get(t, alphaHost, "/admin/import/"+formatID(job.ID))
	for _, want := range []string{"did not work", "could not be reached: gone.example.org does not exist.", "Try again",
		`name="address" value="https://gone.example.org/"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the failed import's page has no %q:\n%s", want, page.body)
		}
	}
	retry := s.jane.postMultipart(t, alphaHost, "/admin/import", url.Values{"_csrf": {s.token}, "address": {"https://gone.example.org/"}}, nil)
	if retry.status != http.StatusSeeOther || retry.location() == "/admin/import/"+formatID(job.ID) {
		t.Errorf("try again: %d %s", retry.status, retry.location())
	}
}

// importDraft makes a draft page as an import of alpha would.
func (s importServer) importDraft(t *testing.T, tn models.Tenant, path, title string) int64 {
	t.Helper()
	store := s.store(tn)
	item, _, err := store.ImportPage(models.Actor{Name: "import: test"}, models.ImportPageInput{SourceKey: "https://old.example.org" + path + ".html",
		SourceURL: "https://old.example.org" + path + ".html", Path: path, Title: title, BodyMD: title + " from the old site.",
		RedirectFrom: []string{path + ".html"}})
	if err != nil || item.Result != "created" {
		t.Fatalf("import %s: %+v %v", path, item, err)
	}
	drafts, err := store.ImportedDrafts()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range drafts {
		if d.Path == path {
			return d.ID
		}
	}
	t.Fatalf("no imported draft at %s in %+v", path, drafts)
	return 0
}

// published reports whether the tenant's page at path is published.
func (s importServer) published(tn models.Tenant, path string) bool {
	_, err := s.store(tn).PublishedPage(path)
	return err == nil
}

// TestReviewPublishesSelectedThenAll: the review page lists each imported
// draft with its editor and preview; publishing none is refused next to
// the list, "Publish selected" publishes the ticked ones (and their old
// addresses redirect), "Publish all" the rest, each audited.
func TestReviewPublishesSelectedThenAll(t *testing.T) {
	s := newImportServer(t)
	physio := s.importDraft(t, s.alpha, "/physio", "Physiotherapy")
	s.importDraft(t, s.alpha, "/carers", "Carers' support")

	review := s.jane.get(t, alphaHost, "/admin/import/review")
	for _, want := range []string{"Physiotherapy", "Carers&#39; support", `value="page:` + formatID(physio) + `"`,
		`href="/admin/pages/edit?path=%2Fphysio"`, `href="/admin/pages/preview?path=%2Fphysio"`, "Publish selected", "Publish all"} {
		if !strings.Contains(review.body, want) {
			t.Errorf("the review page has no %q", want)
		}
	}
	none := s.jane.post(t, alphaHost, "/admin/import/review", url.Values{"_csrf": {s.token}, "action": {"selected"}})
	if none.status != http.StatusUnprocessableEntity || !strings.Contains(none.body, `id="drafts-error"`) || !strings.Contains(none.body, "Select the drafts to publish") {
		t.Errorf("publish with nothing selected: %d\n%s", none.status, none.body)
	}
	gen, audits := tenantState(t, s.server, "alpha")
	r := s.jane.post(t, alphaHost, "/admin/import/review", url.Values{"_csrf": {s.token}, "action": {"selected"}, "item": {"page:" + formatID(physio)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("publish selected: %d\n%s", r.status, r.body)
	}
	if done := s.jane.get(t, alphaHost, r.location()); !strings.Contains(done.body, "1 imported page or news story has been published") {
		t.Errorf("no success banner after publishing:\n%s", done.body)
	}
	if !s.published(s.alpha, "/physio") || s.published(s.alpha, "/carers") {
		t.Errorf("after publishing /physio: /physio published %v, /carers published %v", s.published(s.alpha, "/physio"), s.published(s.alpha, "/carers"))
	}
	if gen2, audits2 := tenantState(t, s.server, "alpha"); gen2 <= gen || audits2 <= audits {
		t.Errorf("publishing did not bump the generation (%d → %d) or write an audit row (%d → %d)", gen, gen2, audits, audits2)
	}
	if old := s.jane.get(t, alphaHost, "/physio.html"); old.status != http.StatusMovedPermanently || old.location() != "/physio" {
		t.Errorf("the old address after publishing: %d %q", old.status, old.location())
	}

	r = s.jane.post(t, alphaHost, "/admin/import/review", url.Values{"_csrf": {s.token}, "action": {"all"}})
	if r.status != http.StatusSeeOther || !s.published(s.alpha, "/carers") {
		t.Fatalf("publish all: %d, /carers published %v", r.status, s.published(s.alpha, "/carers"))
	}
	if empty := s.jane.get(t, alphaHost, "/admin/import/review"); !strings.Contains(empty.body, "There are no imported drafts waiting") {
		t.Errorf("the review page after publishing everything:\n%s", empty.body)
	}
	if again := s.jane.post(t, alphaHost, "/admin/import/review", url.Values{"_csrf": {s.token}, "action": {"all"}}); again.status != http.StatusUnprocessableEntity {
		t.Errorf("publish all with nothing left: %d, want 422", again.status)
	}
}

// TestImportIsForManagers: an editor sees no link to the import and gets
// the managers-only page on each of its routes.
func TestImportIsForManagers(t *testing.T) {
	s := newImportServer(t)
	s.user(t, s.alpha, "ed@example.nhs.uk", models.RoleEditor)
	ed := s.browser()
	ed.signIn(t, alphaHost, "ed@example.nhs.uk")
	if r := s.jane.postMultipart(t, alphaHost, "/admin/import", url.Values{"_csrf": {s.token}, "address": {"https://old.example.org/"}}, nil); r.status != http.StatusSeeOther {
		t.Fatal(r.status)
	}
	jobPath := ""
	if jobs, _ := s.store(s.alpha).ImportJobs(1); len(jobs) == 1 {
		jobPath = "/admin/import/" + formatID(jobs[0].ID)
	}
	if dash := ed.get(t, alphaHost, "/admin"); strings.Contains(dash.body, `href="/admin/import"`) {
		t.Error("an editor's dashboard links to the import")
	}
	if dash := s.jane.get(t, alphaHost, "/admin"); !strings.Contains(dash.body, "Import from your old website") {
		t.Error("a manager's dashboard has no link to the import")
	}
	edToken := csrf(t, ed.get(t, alphaHost, "/admin").body)
	for _, get := range []string{"/admin/import", "/admin/import/review", jobPath} {
		if r := ed.get(t, alphaHost, get); r.status != http.StatusForbidden || !strings.Contains(r.body, "Only the website") {
			t.Errorf("editor GET %s: %d", get, r.status)
		}
	}
	for _, post := range []string{"/admin/import", "/admin/import/review"} {
		if r := ed.post(t, alphaHost, post, url.Values{"_csrf": {edToken}, "address": {"https://x.example.org/"}, "action": {"all"}}); r.status != http.StatusForbidden {
			t.Errorf("editor POST %s: %d", post, r.status)
		}
	}
	if jobs, _ := s.store(s.alpha).ImportJobs(0); len(jobs) != 1 {
		t.Errorf("%d imports after the editor's tries, want 1", len(jobs))
	}
}

// TestImportStaysInItsTenant: tenant B's import and drafts are not
// reachable from A's panel: B's job is a 404 on A, B's draft id in A's
// review form is a 404 and stays a draft, and neither list shows B's.
func TestImportStaysInItsTenant(t *testing.T) {
	s := newImportServer(t)
	beta := s.tenant(t, "beta")
	job, err := s.store(beta).QueueImport(models.Actor{Name: "bob@beta.example"}, models.ImportSite, "https://beta-secret.example/", nil, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	draft := s.importDraft(t, beta, "/beta-secret", "Beta secret page")
	if r := s.jane.get(t, alphaHost, "/admin/import/"+formatID(job.ID)); r.status != http.StatusNotFound || strings.Contains(r.body, "beta-secret") {
		t.Errorf("beta's import on alpha: %d", r.status)
	}
	for _, p := range []string{"/admin/import", "/admin/import/review"} {
		if r := s.jane.get(t, alphaHost, p); strings.Contains(r.body, "beta-secret") || strings.Contains(r.body, "Beta secret") {
			t.Errorf("%s on alpha shows beta's import", p)
		}
	}
	before := tenantFingerprint(t, s.server, "beta")
	r := s.jane.post(t, alphaHost, "/admin/import/review", url.Values{"_csrf": {s.token}, "action": {"selected"}, "item": {"page:" + formatID(draft)}})
	if r.status != http.StatusNotFound {
		t.Errorf("publish beta's draft from alpha: %d, want 404", r.status)
	}
	if s.published(beta, "/beta-secret") || tenantFingerprint(t, s.server, "beta") != before {
		t.Error("alpha's panel published beta's draft")
	}
	// Alpha's own import is not busy because of beta's.
	if r := s.jane.postMultipart(t, alphaHost, "/admin/import", url.Values{"_csrf": {s.token}, "address": {"https://old.example.org/"}}, nil); r.status != http.StatusSeeOther {
		t.Errorf("alpha's import while beta's waits: %d", r.status)
	}
}
