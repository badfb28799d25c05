package siteimport_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/handlers"
	"github.com/pcnweb/pcnweb/internal/crawl"
	"github.com/pcnweb/pcnweb/internal/media"
	"github.com/pcnweb/pcnweb/internal/safefetch"
	"github.com/pcnweb/pcnweb/internal/webtest"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
	"github.com/pcnweb/pcnweb/siteimport"
)

func TestMain(m *testing.M) { os.Exit(modelstest.Main(m)) }

var quiet = slog.New(slog.DiscardHandler)

// manager queues the imports.
var manager = models.Actor{Name: "jane@example.nhs.uk"}

// fixture is an importer on a test database and media directory, with a
// tenant ("riverside") that has a page of its own at /about.
type fixture struct {
	db    *models.DB
	o     siteimport.Options
	store *models.TenantDB
	tn    models.Tenant
	svc   *webtest.Services
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	svc := webtest.Start(t, webtest.Options{})
	tn := webtest.Tenant(t, svc.DB, "riverside", "Our own about page.")
	dir, err := media.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	o := siteimport.Options{DB: svc.DB, Fetch: safefetch.Options{AllowPrivate: true}, Crawl: crawl.Options{Delay: -1},
		Images: media.NewProcessor(media.ProcessorOptions{}), Media: dir, Logger: quiet, Holder: "test-" + t.Name()}
	return &fixture{db: svc.DB, o: o, store: svc.DB.ForTenant(context.Background(), tn.ID), tn: tn, svc: svc}
}

// run queues an import and runs it here, as the CLI does, and returns the
// job as it ended and its report.
func (f *fixture) run(t *testing.T, kind, source string, payload []byte, publish bool) (models.ImportJob, models.ImportReport) {
	t.Helper()
	job, err := f.store.QueueImport(manager, kind, source, payload, 0, publish)
	if err != nil {
		t.Fatal(err)
	}
	claimed, err := f.db.ClaimImportJob(context.Background(), f.o.Holder, time.Now(), time.Minute)
	if err != nil || claimed == nil || claimed.ID != job.ID {
		t.Fatalf("claim = %+v, %v", claimed, err)
	}
	var lines []string
	if err := siteimport.RunClaimed(context.Background(), f.o, *claimed, func(s string) { lines = append(lines, s) }); err != nil {
		t.Fatal(err)
	}
	done, err := f.store.ImportJobByID(job.ID)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := done.ReportData()
	if err != nil {
		t.Fatal(err)
	}
	if done.Status == models.ImportDone && len(lines) == 0 {
		t.Errorf("no progress was reported")
	}
	return done, rep
}

// pngImage is a small PNG of one colour.
func pngImage(t *testing.T, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for y := 0; y < 30; y++ {
		for x := 0; x < 40; x++ {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var leaflet = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// oldSite is a small hand-written practice website.
func oldSite(t *testing.T) *httptest.Server {
	t.Helper()
	page := func(title, body string) string {
		return `<!doctype html><html lang="en"><head><title>` + title + ` | Riverside PCN</title></head><body>
<header><nav><a href="/">Home</a> <a href="/about.html">About</a> <a href="/services/physio.html">Physio</a></nav></header>
<main><article><h1>` + title + `</h1>` + body + `</article></main>
<footer><p>© Riverside PCN. <a href="/cookies.html">Cookies</a></p></footer></body></html>`
	}
	files := map[string][]byte{
		"/": []byte(page("Welcome to Riverside PCN", `<p>Riverside Primary Care Network brings together four GP practices on the river.</p>
<p>Read <a href="/about.html">about us</a> or see our <a href="/services/physio.html">physiotherapy service</a>.</p>`)),
		"/about.html": []byte(page("About us", `<p>We are four practices working together for 42,000 patients in Riverside.</p>
<h2>Our team</h2><p>Our team includes pharmacists, physiotherapists and social prescribers.</p>
<p><img src="/images/team.png" alt="The Riverside team outside the surgery"></p>
<p><img src="/images/building.png"></p>
<p>Download <a href="/docs/leaflet.pdf">our patient leaflet</a>, see <a href="/services/physio.html">physiotherapy</a>
or visit <a href="https://www.nhs.uk/">the NHS website</a>.</p>`)),
		"/services/physio.html": []byte(page("Physiotherapy", `<p>First contact physiotherapists see patients with muscle and joint problems without a GP referral.</p>
<h2>How to book</h2><p>Ask reception at your practice for an appointment with the physiotherapist.</p>
<form action="/book.php" method="post"><input name="name"><button>Book</button></form>
<p><img src="/images/team.png" alt="The Riverside team outside the surgery"></p>`)),
		"/images/team.png":     pngImage(t, color.RGBA{0, 94, 184, 255}),
		"/images/building.png": pngImage(t, color.RGBA{0, 150, 60, 255}),
		"/docs/leaflet.pdf":    leaflet,
		"/robots.txt":          []byte("User-agent: *\nAllow: /\n"),
	}
	types := map[string]string{".png": "image/png", ".pdf": "application/pdf", ".txt": "text/plain"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		ct := "text/html; charset=utf-8"
		for ext, t := range types {
			if strings.HasSuffix(r.URL.Path, ext) {
				ct = t
			}
		}
		w.Header().Set("Content-Type", ct)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func pageBody(t *testing.T, store *models.TenantDB, path string) models.PageDraft {
	t.Helper()
	d, err := store.PageForEdit(path)
	if err != nil {
		t.Fatalf("page %s: %v", path, err)
	}
	return d
}

func find(items []models.ImportedItem, target string) (models.ImportedItem, bool) {
	for _, it := range items {
		if it.Target == target {
			return it, true
		}
	}
	return models.ImportedItem{}, false
}

func TestImportSite(t *testing.T) {
	f := newFixture(t)
	srv := oldSite(t)
	job, rep := f.run(t, models.ImportSite, srv.URL+"/", nil, false)
	if job.Status != models.ImportDone {
		t.Fatalf("job = %s: %s", job.Status, job.Error)
	}

	// The manager's own /about is kept; the old about page is renamed.
	if d := pageBody(t, f.store, "/about"); d.Revision.BodyMD != "Our own about page." {
		t.Errorf("the manager's /about was changed: %q", d.Revision.BodyMD)
	}
	about, ok := find(rep.Pages, "/about-2")
	if !ok || about.Result != models.ImportRenamed {
		t.Fatalf("pages = %+v, want the old about page renamed to /about-2", rep.Pages)
	}
	d := pageBody(t, f.store, "/about-2")
	md := d.Revision.BodyMD
	if d.Revision.Title != "About us" || d.Page.PublishedRevisionID != nil || d.Revision.Author != "import: "+manager.Name {
		t.Errorf("about page = %q, published %v, by %q; want an unpublished draft by the import", d.Revision.Title, d.Page.PublishedRevisionID, d.Revision.Author)
	}
	for _, want := range []string{"four practices working together", "## Our team", "social prescribers",
		"(/our-services/physio)", "https://www.nhs.uk/", "![The Riverside team outside the surgery](/media/"} {
		if !strings.Contains(md, want) {
			t.Errorf("about page lacks %q:\n%s", want, md)
		}
	}
	for _, chrome := range []string{"Cookies", "© Riverside", srv.URL} {
		if strings.Contains(md, chrome) {
			t.Errorf("about page has %q (navigation, footer or an old internal link):\n%s", chrome, md)
		}
	}
	physio := pageBody(t, f.store, "/our-services/physio")
	if !strings.Contains(physio.Revision.BodyMD, "## How to book") || strings.Contains(physio.Revision.BodyMD, "<form") {
		t.Errorf("physio page:\n%s", physio.Revision.BodyMD)
	}

	// The old home page is not imported over the new one.
	if home, _ := find(rep.Pages, siteimport.OldHomePath); home.Result != models.ImportCreated {
		t.Errorf("pages = %+v, want the old home page at %s", rep.Pages, siteimport.OldHomePath)
	}
	if !hasNote(rep.Found, "home") {
		t.Errorf("found = %+v, want a note about the old home page", rep.Found)
	}

	// Images and the PDF are in the media library, once each.
	all, err := f.store.AllMedia()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, m := range all {
		kinds[m.Kind]++
		if m.Kind == models.MediaImage && m.Alt == "" {
			t.Errorf("an image without alt text in the library: %+v", m)
		}
	}
	if kinds[models.MediaImage] != 2 || kinds[models.MediaPDF] != 1 {
		t.Errorf("media = %v, want 2 images and 1 PDF (the team photo twice is one file)", kinds)
	}
	if !strings.Contains(md, "[our patient leaflet](/media/") {
		t.Errorf("the leaflet link does not go to the media library:\n%s", md)
	}
	if len(rep.NoAlt) != 1 || !strings.Contains(rep.NoAlt[0].Detail, "building.png") || !strings.HasSuffix(rep.NoAlt[0].Page, "/about.html") {
		t.Errorf("no-alt list = %+v, want building.png on the about page", rep.NoAlt)
	}
	if !hasNote(rep.Dropped, "form") {
		t.Errorf("dropped = %+v, want the booking form", rep.Dropped)
	}
	if len(rep.Redirects) != 0 {
		t.Errorf("redirects added for drafts: %+v", rep.Redirects)
	}

	// Published, the old addresses answer 301 through the real site.
	drafts, err := f.store.ImportedDrafts()
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, d := range drafts {
		if d.Kind == models.ImportKindPage && d.Path != siteimport.OldHomePath {
			ids = append(ids, d.ID)
		}
	}
	if n, err := f.store.PublishImported(manager, models.ImportKindPage, ids); err != nil || n != len(ids) || n < 2 {
		t.Fatalf("publish %v = %d, %v", ids, n, err)
	}
	for from, to := range oldToNew {
		r, err := f.store.LookupRedirect(from, "")
		if err != nil || r.To != to || r.Status != http.StatusMovedPermanently || r.Source != "import" {
			t.Errorf("redirect from %s = %+v, %v; want 301 to %s", from, r, err, to)
		}
	}
	if _, err := f.store.LookupRedirect("/", ""); err == nil {
		t.Errorf("the old home page's address redirects")
	}

	// A second run changes nothing and says so.
	job2, rep2 := f.run(t, models.ImportSite, srv.URL+"/", nil, false)
	if job2.Status != models.ImportDone || !rep2.Unchanged {
		t.Errorf("second run = %s %q, unchanged %v: %+v", job2.Status, job2.Error, rep2.Unchanged, rep2.Pages)
	}
	if again, _ := f.store.AllMedia(); len(again) != len(all) {
		t.Errorf("the second run added media: %d → %d", len(all), len(again))
	}
}

// oldToNew are the sample site's old addresses and where they go.
var oldToNew = map[string]string{"/about.html": "/about-2", "/services/physio.html": "/our-services/physio"}

// TestImportedRedirectsAnswerThroughTheSite needs the public site to serve
// the redirects table (handlers/site, wired by the lead when the branches
// meet).
func TestImportedRedirectsAnswerThroughTheSite(t *testing.T) {
	f := newFixture(t)
	srv := oldSite(t)
	if job, _ := f.run(t, models.ImportSite, srv.URL+"/", nil, false); job.Status != models.ImportDone {
		t.Fatalf("job = %s: %s", job.Status, job.Error)
	}
	app := handlers.New(handlers.Deps{Site: f.svc.Site()})
	host := "riverside.localhost"
	// Drafts: the old addresses do not redirect to a page nobody can see.
	if res := webtest.Do(t, app, webtest.Jar{}, "GET", host, "/about.html", nil); res.Status == http.StatusMovedPermanently {
		t.Errorf("GET /about.html redirects to a draft: %q", res.Header.Get("Location"))
	}
	drafts, err := f.store.ImportedDrafts()
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, d := range drafts {
		if d.Kind == models.ImportKindPage {
			ids = append(ids, d.ID)
		}
	}
	if _, err := f.store.PublishImported(manager, models.ImportKindPage, ids); err != nil {
		t.Fatal(err)
	}
	for from, to := range oldToNew {
		res := webtest.Do(t, app, webtest.Jar{}, "GET", host, from, nil)
		if res.Status != http.StatusMovedPermanently || !strings.HasSuffix(res.Header.Get("Location"), to) {
			t.Errorf("GET %s = %d → %q, want 301 to %s", from, res.Status, res.Header.Get("Location"), to)
		}
	}
	if res := webtest.Do(t, app, webtest.Jar{}, "GET", host, "/about-2", nil); res.Status != http.StatusOK || !strings.Contains(res.Body, "social prescribers") {
		t.Errorf("GET /about-2 = %d", res.Status)
	}
}

func hasNote(notes []models.ImportNote, kind string) bool {
	for _, n := range notes {
		if n.Kind == kind {
			return true
		}
	}
	return false
}

func TestImportSitePublishAddsRedirectsAtOnce(t *testing.T) {
	f := newFixture(t)
	srv := oldSite(t)
	job, rep := f.run(t, models.ImportSite, srv.URL+"/", nil, true)
	if job.Status != models.ImportDone {
		t.Fatalf("job = %s: %s", job.Status, job.Error)
	}
	if _, err := f.store.PublishedPage("/our-services/physio"); err != nil {
		t.Errorf("published import: %v", err)
	}
	if _, err := f.store.PublishedPage(siteimport.OldHomePath); err == nil {
		t.Errorf("the old home page was published over the new one's place in the navigation")
	}
	want := models.ImportedRedirect{From: "/services/physio.html", To: "/our-services/physio"}
	found := false
	for _, r := range rep.Redirects {
		found = found || r == want
	}
	if !found {
		t.Errorf("redirects = %+v, want %+v", rep.Redirects, want)
	}
}

func TestImportRefusesWhatItMayNotReach(t *testing.T) {
	f := newFixture(t)
	srv := oldSite(t)
	f.o.Fetch.AllowPrivate = false // as in production
	before, _ := f.store.Pages()
	job, _ := f.run(t, models.ImportSite, srv.URL+"/", nil, false)
	if job.Status != models.ImportFailed || !strings.Contains(job.Error, "may not reach") || strings.Contains(job.Error, "crawl:") {
		t.Errorf("job = %s %q, want failed: a local address", job.Status, job.Error)
	}
	if after, _ := f.store.Pages(); len(after) != len(before) {
		t.Errorf("pages %d → %d after a refused import", len(before), len(after))
	}
}

func TestImportWordPressBombLeavesTheTenantAlone(t *testing.T) {
	f := newFixture(t)
	bomb := []byte(`<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&lol2;</title></channel></rss>`)
	before, _ := f.store.Pages()
	job, _ := f.run(t, models.ImportWordPress, "bomb.xml", bomb, false)
	if job.Status != models.ImportFailed || job.Error == "" || strings.Contains(job.Error, "not implemented") {
		t.Errorf("job = %s %q, want failed with a clear message", job.Status, job.Error)
	}
	if after, _ := f.store.Pages(); len(after) != len(before) {
		t.Errorf("pages %d → %d after a refused file", len(before), len(after))
	}
}
