package e2e

import (
	"context"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pcnweb/pcnweb/internal/demo"
	"github.com/pcnweb/pcnweb/internal/oldsites"
)

// reportRow is a row of the import report's Pages or News table.
type reportRow struct {
	Source string `json:"source"`
	Target string `json:"target"`
	Title  string `json:"title"`
}

// oldSiteRE finds a sample old website's address in the demo's banner.
var oldSiteRE = regexp.MustCompile(`Old website \((\w+)\)\s+(http://\S+)`)

// importTab is a manager's tab on a tenant's panel at base.
type importTab struct {
	*tab
	base string
}

// start fills in the import form with address and starts the import.
func (tb importTab) start(t *testing.T, address string) {
	t.Helper()
	err := chromedp.Do(tb.ctx,
		chromedp.Navigate(tb.base+"/admin/import"),
		chromedp.WaitVisible(chromedp.ID("address")),
		chromedp.SendKeys(chromedp.ID("address"), address),
		chromedp.Click(chromedp.Search(`//button[normalize-space()="Start the import"]`)),
		chromedp.WaitVisible(chromedp.CSS(".admin-import__title")),
	)
	if err != nil {
		t.Fatalf("start the import of %s: %v", address, err)
	}
}

// report waits for the import's report (the progress page reloads itself
// until then) and returns the rows of its Pages and News tables.
func (tb importTab) report(t *testing.T, logs func() string) (pages, news []reportRow) {
	t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.WaitVisible(chromedp.ID("import-summary"))); err != nil {
		t.Fatalf("no import report: %v\n%s", err, logs())
	}
	tb.net.waitIdle(tb.ctx, 150*time.Millisecond, 5*time.Second)
	rows := func(table string) []reportRow {
		t.Helper()
		got, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]reportRow](`[...document.querySelectorAll('#report-`+table+` tbody tr')].map(tr => ({
			source: tr.cells[0].textContent.trim(),
			target: (tr.cells[1].querySelector('.admin-import__source') || tr.cells[1]).textContent.trim(),
			title: (tr.cells[1].querySelector('a') || tr.cells[1]).textContent.replace('(edit)', '').trim()}))`))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	return rows("pages"), rows("news")
}

// publishAll goes from the report to the review and publishes every draft.
func (tb importTab) publishAll(t *testing.T, shot func(string)) {
	t.Helper()
	err := chromedp.Do(tb.ctx,
		chromedp.Click(chromedp.Search(`//a[normalize-space()="Review and publish the drafts"]`)),
		chromedp.WaitVisible(chromedp.Search(`//button[normalize-space()="Publish all"]`)),
	)
	if err != nil {
		t.Fatalf("open the review: %v", err)
	}
	if shot != nil {
		tb.noAxeViolations(t, "/admin/import/review")
		shot("review")
	}
	err = chromedp.Do(tb.ctx,
		chromedp.Click(chromedp.Search(`//button[normalize-space()="Publish all"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[role="status"]`)),
	)
	if err != nil {
		t.Fatalf("publish all: %v", err)
	}
	if notice := tb.text(t, `[role="status"]`); !strings.Contains(notice, "have been published") {
		t.Errorf("after publishing all the panel says %q", notice)
	}
}

// TestSiteImportInTheAdmin is "Import from your old website" as a newcomer
// meets it in the demo, in Chromium: `serve --demo` serves the sample old
// sites on loopback and lets the importer reach them (and nothing else on
// the machine: PCNWEB_IMPORT_ALLOW_PRIVATE is not set). Riverside's manager
// signs in, tries an address on this machine that is not a sample site (the
// import fails and says why), then imports the sample Wix site, watches its
// progress and reads the report: the pages, an image without alt text, the
// contact form that could not come across, the opening hours that have a
// home already. They publish every draft, and patients see the imported
// page with its heading and image. Moorland's manager imports the sample
// WordPress (Nightingale) site and publishes it: its old addresses then
// redirect to the new pages.
func TestSiteImportInTheAdmin(t *testing.T) {
	s, err := startServerWith(binPath, []string{"serve", "--demo"}, false, "PCNWEB_DATA_DIR="+t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("stop the server: %v", err)
		}
	})
	sample := map[string]string{}
	for _, m := range oldSiteRE.FindAllStringSubmatch(s.logs.String(), -1) {
		sample[m[1]] = m[2]
	}
	if sample["wix"] == "" || sample["nightingale"] == "" {
		t.Fatalf("the demo's banner does not name the sample Wix and Nightingale sites:\n%s", s.logs.String())
	}
	// A site on this machine the demo did not start: private, so refused.
	elsewhere := httptest.NewServer(oldsites.Handler("plain"))
	defer elsewhere.Close()

	tb := importTab{openTabFor(t, desktop, 6*time.Minute, chromedp.WithNewBrowserContext()), "http://" + s.host("riverside")}
	base := tb.base
	tb.adminSignIn(t, base, "manager@riverside.example", demo.DefaultPassword)
	shot := func(name string) { tb.screenshot(t, "site-import-"+name) }
	err = chromedp.Do(tb.ctx,
		chromedp.Click(chromedp.Search(`//main//a[normalize-space()="Import from your old website"]`)),
		chromedp.WaitVisible(chromedp.ID("address")),
	)
	if err != nil {
		t.Fatalf("open the import from the dashboard: %v", err)
	}
	if h1 := tb.text(t, "h1"); h1 != "Import from your old website" {
		t.Errorf("import page h1 %q", h1)
	}
	tb.noAxeViolations(t, "/admin/import")
	shot("form")

	// Not a sample site: the import fails, in plain words, with a way on.
	tb.start(t, elsewhere.URL+"/")
	if err := chromedp.Do(tb.ctx, chromedp.WaitVisible(chromedp.ID("import-error"))); err != nil {
		t.Fatalf("the import of %s did not fail: %v\n%s", elsewhere.URL, err, tb.text(t, "main"))
	}
	if msg := tb.text(t, "#import-error"); msg == "" || strings.Contains(msg, "safefetch") || strings.Contains(msg, "dial tcp") {
		t.Errorf("the failed import says %q; want plain words", msg)
	}
	short, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	if err := chromedp.Do(short, chromedp.WaitVisible(chromedp.Search(`//main//button[normalize-space()="Try again"]`))); err != nil {
		t.Errorf("the failed import offers no Try again button: %v", err)
	}
	cancel()
	tb.noAxeViolations(t, "failed import")
	shot("failed")

	// The sample Wix site: progress, then the report.
	tb.start(t, sample["wix"])
	if running, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`!!document.getElementById('import-progress')`)); running {
		shot("progress")
		if refresh, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`!!document.querySelector('meta[http-equiv="refresh"]')`)); !refresh {
			t.Error("the progress page does not refresh itself")
		}
	}
	pages, news := tb.report(t, s.logs.String)
	tb.noAxeViolations(t, "import report")
	shot("report")
	var prescribing *reportRow
	for i, p := range pages {
		if strings.HasSuffix(p.Source, "/copy-of-services") {
			prescribing = &pages[i]
		}
	}
	if prescribing == nil || !strings.HasPrefix(prescribing.Target, "/") {
		t.Fatalf("the report's pages do not list the Social Prescribing page (/copy-of-services): %+v", pages)
	}
	t.Logf("wix: %d pages and %d news stories", len(pages), len(news))
	section := func(id string) string {
		t.Helper()
		return tb.text(t, "#report-"+id)
	}
	if got := section("no-alt"); !strings.Contains(got, "about-us") || !strings.Contains(got, "Add alt text") {
		t.Errorf("images without alt text: the About page's photo of the pharmacist is not listed with a link to add it:\n%s", got)
	}
	if got := strings.ToLower(section("dropped")); !strings.Contains(got, "/contact") || !strings.Contains(got, "form") {
		t.Errorf("what could not come across does not list the contact page's form:\n%s", got)
	}
	if got := strings.ToLower(section("found")); !strings.Contains(got, "hours") {
		t.Errorf("already has a home does not list the opening hours:\n%s", got)
	}
	tb.publishAll(t, shot)
	shot("published")

	// Patients: the imported page with its heading and image.
	public := openTabFor(t, desktop, 2*time.Minute, chromedp.WithNewBrowserContext())
	public.visit(t, base+prescribing.Target)
	if h1 := public.text(t, "main h1"); !strings.Contains(h1, "Social Prescribing") {
		t.Errorf("%s: h1 %q, want Social Prescribing", prescribing.Target, h1)
	}
	loaded, err := chromedp.Run(public.ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll('main img')].some(i =>
		i.alt.includes('walking group') && i.complete && i.naturalWidth > 0)`))
	if err != nil || !loaded {
		t.Errorf("%s: the walking group's photo is not shown with its alt text (%v)", prescribing.Target, err)
	}
	public.noAxeViolations(t, "imported page "+prescribing.Target)
	public.screenshot(t, "site-import-public-page")

	// The sample WordPress site on Moorland: its old addresses redirect.
	moor := importTab{openTabFor(t, desktop, 4*time.Minute, chromedp.WithNewBrowserContext()), "http://" + s.host("moorland")}
	moor.adminSignIn(t, moor.base, "manager@moorland.example", demo.DefaultPassword)
	moor.start(t, sample["nightingale"])
	pages, news = moor.report(t, s.logs.String)
	t.Logf("nightingale: %d pages and %d news stories", len(pages), len(news))
	moor.publishAll(t, nil)
	var moved []reportRow
	for _, r := range append(append([]reportRow{}, news...), pages...) {
		// The old home page is not redirected: "/" is the new home page.
		if u, err := url.Parse(r.Source); err == nil && u.Path != "/" && u.Path != r.Target && strings.HasPrefix(r.Target, "/") {
			r.Source = u.RequestURI()
			moved = append(moved, r)
		}
	}
	if len(moved) == 0 {
		t.Fatalf("no imported page or news story changed its address: %+v %+v", pages, news)
	}
	for _, r := range moved[:min(3, len(moved))] {
		if err := chromedp.Do(public.ctx, chromedp.Navigate(moor.base+r.Source)); err != nil {
			t.Fatalf("visit the old address %s: %v", r.Source, err)
		}
		public.net.waitIdle(public.ctx, 150*time.Millisecond, 5*time.Second)
		if loc, err := chromedp.Run(public.ctx, chromedp.Location()); err != nil || loc != moor.base+r.Target {
			t.Errorf("the old address %s ends at %s (%v), want %s", r.Source, loc, err, moor.base+r.Target)
		} else {
			t.Logf("old address %s → %s", r.Source, r.Target)
		}
	}
	public.screenshot(t, "site-import-old-address")
}
