package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pcnweb/pcnweb/internal/demo"
	"github.com/pcnweb/pcnweb/internal/testenv"
)

// adminSignIn signs in to the admin panel at base (scheme://host:port) in
// the tab and waits for the dashboard.
func (tb *tab) adminSignIn(t *testing.T, base, email, password string) {
	t.Helper()
	err := chromedp.Do(tb.ctx,
		chromedp.Navigate(base+"/admin/sign-in"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS(".admin-nav")),
	)
	if err != nil {
		t.Fatalf("sign in to %s as %s: %v", base, email, err)
	}
	loc, err := chromedp.Run(tb.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(loc, "/admin") {
		t.Fatalf("after signing in the browser is at %s, want the dashboard", loc)
	}
}

// text returns the visible text of the first element matching sel.
func (tb *tab) text(t *testing.T, sel string) string {
	t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// screenshot saves the tab's page under $PCNWEB_E2E_SCREENSHOTS, if set,
// so a person can look at what the test saw.
func (tb *tab) screenshot(t *testing.T, name string) {
	t.Helper()
	dir := os.Getenv("PCNWEB_E2E_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
}

// TestAdminPublishReachesAnotherServer is the panel's end-to-end path across
// replicas: two `pcnweb serve` processes share PostgreSQL and Redis; a
// manager signs in on the first in Chromium, edits the About page and
// publishes; the second process, which had the old page cached, serves the
// new text at once.
func TestAdminPublishReachesAnotherServer(t *testing.T) {
	dbURL := testenv.CreateDatabase(t, testenv.DatabaseName("e2e_admin"), "")
	redisURL, prefix := testenv.Redis(t)
	const password = "a-long-e2e-test-password"
	env := []string{"DATABASE_URL=" + dbURL, "REDIS_URL=" + redisURL, "PCNWEB_REDIS_PREFIX=" + prefix,
		"PCNWEB_DEMO_PASSWORD=" + password, "PCNWEB_DATA_DIR=" + t.TempDir()}
	first, err := startServerWith(binPath, []string{"serve", "--demo"}, true, env...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = first.stop() })
	second, err := startServerWith(binPath, []string{"serve"}, true, env...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = second.stop() })

	// The second server renders and caches the About page as it is.
	ctx := context.Background()
	marker := fmt.Sprintf("Published from the admin panel at %d", time.Now().UnixNano())
	for i := 0; i < 2; i++ {
		r, err := second.get(ctx, second.host("highfives"), "/about")
		if err != nil || r.status != http.StatusOK {
			t.Fatalf("GET /about on the second server: %v %d", err, r.status)
		}
		if i == 1 && !strings.HasPrefix(r.header.Get("Cache-Status"), "pcnweb; hit") {
			t.Fatalf("the second server did not cache /about: Cache-Status %q", r.header.Get("Cache-Status"))
		}
	}

	tb := openTab(t, desktop, chromedp.WithNewBrowserContext())
	tb.adminSignIn(t, "http://"+first.host("highfives"), demo.Accounts[0].Email, password)
	err = chromedp.Do(tb.ctx,
		chromedp.Navigate("http://"+first.host("highfives")+"/admin/pages/edit?path=%2Fabout"),
		chromedp.WaitVisible(chromedp.ID("body")),
		chromedp.SetValue(chromedp.ID("body"), "## What we do\n\n"+marker+".\n"),
		chromedp.Click(chromedp.CSS(`button[value="publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[role="status"]`)),
	)
	if err != nil {
		t.Fatalf("edit and publish /about: %v", err)
	}
	tb.screenshot(t, "admin-published")
	if notice := tb.text(t, `[role="status"]`); !strings.Contains(strings.ToLower(notice), "published") {
		t.Errorf("after publishing the panel says %q", notice)
	}

	// The other process, straight away, in the same browser.
	if err := chromedp.Do(tb.ctx, chromedp.Navigate("http://"+second.host("highfives")+"/about")); err != nil {
		t.Fatal(err)
	}
	tb.screenshot(t, "public-about-second-server")
	if got := tb.text(t, "#maincontent"); !strings.Contains(got, marker) {
		t.Errorf("the second server's /about does not show the published text %q:\n%s", marker, got)
	}
}

// adminPage is an admin page the accessibility test loads.
type adminPage struct {
	name string
	path string
}

var digits = regexp.MustCompile(`[0-9]+`)

// discoverAdminPages signs in on the demo server and lists the panel's
// pages: every section of its navigation, and from each section the first
// link of each shape (an edit form, a new-item form, a confirmation…), so
// new pages are covered without listing them here. Downloads (a link with
// the download attribute, like the feedback CSV) are files, not pages.
func discoverAdminPages(t *testing.T, tb *tab, base string) []adminPage {
	t.Helper()
	links := func(path string) []string {
		err := chromedp.Do(tb.ctx, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS("h1")))
		if err != nil {
			t.Fatalf("load %s: %v", path, err)
		}
		hrefs, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('#maincontent a[href^="/admin"]:not([download]), .admin-nav a[href^="/admin"]')].map(a => a.getAttribute('href'))`))
		if err != nil {
			t.Fatalf("links of %s: %v", path, err)
		}
		return hrefs
	}
	var sections []string
	for _, h := range links("/admin") {
		if !slices.Contains(sections, h) {
			sections = append(sections, h)
		}
	}
	seen := map[string]bool{}
	var out []adminPage
	add := func(h string) {
		shape := digits.ReplaceAllString(h, "N")
		if i := strings.IndexByte(shape, '?'); i >= 0 {
			shape = shape[:i] // one page per route, not per query
		}
		if seen[shape] {
			return
		}
		seen[shape] = true
		out = append(out, adminPage{name: h, path: h})
	}
	for _, s := range sections {
		add(s)
	}
	for _, s := range sections {
		if s == "/admin" {
			continue
		}
		for _, h := range links(s) {
			if strings.HasPrefix(h, s+"/") || strings.HasPrefix(h, s+"?") {
				add(h)
			}
		}
	}
	return out
}

// TestAdminAccessibility runs axe-core over every admin page at desktop
// and mobile widths, signed in as the demo manager, plus the sign-in page,
// a failed sign-in and a form sent with errors.
func TestAdminAccessibility(t *testing.T) {
	base := "http://" + srv.host("highfives")
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			t.Parallel()
			tb := openTabFor(t, vp, 10*time.Minute, chromedp.WithNewBrowserContext())
			check := func(label string) {
				t.Helper()
				for _, v := range tb.runAxe(t) {
					t.Errorf("%s at %dpx: %s", label, vp.width, formatViolation(v))
				}
			}
			// Signed out: the sign-in page, then with an error.
			if err := chromedp.Do(tb.ctx, chromedp.Navigate(base+"/admin/sign-in"), chromedp.WaitVisible(chromedp.ID("email"))); err != nil {
				t.Fatal(err)
			}
			check("/admin/sign-in")
			err := chromedp.Do(tb.ctx,
				chromedp.SendKeys(chromedp.ID("email"), "nobody@example.org"),
				chromedp.SendKeys(chromedp.ID("password"), "not the password at all"),
				chromedp.Submit(chromedp.ID("password")),
				chromedp.WaitVisible(chromedp.CSS(".nhsuk-error-summary")),
			)
			if err != nil {
				t.Fatalf("failed sign-in: %v", err)
			}
			check("/admin/sign-in with an error")

			tb.adminSignIn(t, base, demo.Accounts[0].Email, demo.DefaultPassword)
			pages := discoverAdminPages(t, tb, base)
			if len(pages) < 30 {
				t.Errorf("found only %d admin pages to check: %v", len(pages), pages)
			}
			t.Logf("%d admin pages at %dpx", len(pages), vp.width)
			for _, p := range pages {
				resp, err := chromedp.RunResponse(tb.ctx, chromedp.Navigate(base+p.path))
				if err != nil {
					t.Errorf("load %s: %v", p.path, err)
					continue
				}
				if resp == nil || resp.Status != http.StatusOK {
					status := int64(0)
					if resp != nil {
						status = resp.Status
					}
					t.Errorf("load %s: status %d, want 200", p.path, status)
					continue
				}
				tb.net.waitIdle(tb.ctx, 150*time.Millisecond, 5*time.Second)
				check(p.path)
				if vp == desktop {
					tb.screenshot(t, "admin"+strings.NewReplacer("/", "-", "?", "-", "=", "-", "%2F", "-").Replace(strings.TrimPrefix(p.path, "/admin")))
				}
			}
			// A form sent empty shows its error summary and messages.
			err = chromedp.Do(tb.ctx,
				chromedp.Navigate(base+"/admin/news/new"),
				chromedp.WaitVisible(chromedp.ID("title")),
				chromedp.Submit(chromedp.ID("title")),
				chromedp.WaitVisible(chromedp.CSS(".nhsuk-error-summary")),
			)
			if err != nil {
				t.Fatalf("news form with errors: %v", err)
			}
			check("/admin/news/new with errors")
		})
	}
}
