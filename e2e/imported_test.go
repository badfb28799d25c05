package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pcnweb/pcnweb/internal/ods/odstest"
)

// West Merton PCN (U00070) in the real 2023 NHS ODS files: a PCN nobody has
// written a word for, as `pcnweb import ods` makes it.
const (
	importedODSCode = "U00070"
	importedEmail   = "manager@west-merton.example"
	importedPass    = "imported-tenant-e2e-password"
)

var (
	// phone is the narrow width NHS England's guidance is tried at.
	phone = viewport{"390px", 390, 844, true}
	// templatePaths are NHS England's content templates every tenant has.
	templatePaths = []string{"/appointments", "/prescriptions", "/test-results", "/fit-notes", "/register",
		"/health-online", "/proxy-access", "/complaints", "/patient-group"}
)

// storeEnv is the environment of a command on the embedded store in
// dataDir, whatever DATABASE_URL and REDIS_URL the developer's shell has.
func storeEnv(dataDir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DATABASE_URL=") && !strings.HasPrefix(kv, "REDIS_URL=") {
			env = append(env, kv)
		}
	}
	return append(env, "PCNWEB_DATA_DIR="+dataDir)
}

// pcnwebCLI runs the binary under test on the embedded store in dataDir.
func pcnwebCLI(t *testing.T, dataDir, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = storeEnv(dataDir)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pcnweb %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// visit loads url in the tab, wants status 200, waits for the network to be
// quiet and returns whether the page asks not to be indexed.
func (tb *tab) visit(t *testing.T, url string) (noindex bool) {
	t.Helper()
	resp, err := chromedp.Run(tb.ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("load %s: %v", url, err)
	}
	if resp == nil || resp.Status != http.StatusOK {
		t.Fatalf("load %s: response %+v, want 200", url, resp)
	}
	tb.net.waitIdle(tb.ctx, 150*time.Millisecond, 5*time.Second)
	robots, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](
		`(document.querySelector('meta[name="robots"]') || {content: ""}).content`))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(robots, "noindex")
}

// noAxeViolations runs axe-core over the loaded page.
func (tb *tab) noAxeViolations(t *testing.T, label string) {
	t.Helper()
	for _, v := range tb.runAxe(t) {
		t.Errorf("%s: %s", label, formatViolation(v))
	}
}

// TestImportedTenantLaunch imports every PCN in England from the real ODS
// files, then drives one of them as its patients and its manager would:
// before launch every path of the public host is a holding page that asks
// not to be indexed; the manager signs in, reads the launch checklist and
// launches; then the home page and every content template page are there,
// filled from ODS data, at 390px and 1280px, with no axe violation.
func TestImportedTenantLaunch(t *testing.T) {
	dataDir := t.TempDir()
	epcn, epraccur := odstest.Files(t)
	pcnwebCLI(t, dataDir, "", "import", "ods", epcn, epraccur)
	var tenants []struct {
		Slug     string `json:"slug"`
		Name     string `json:"name"`
		ODSCode  string `json:"ods_code"`
		Launched bool   `json:"launched"`
	}
	if err := json.Unmarshal([]byte(pcnwebCLI(t, dataDir, "", "tenant", "list", "--json")), &tenants); err != nil {
		t.Fatal(err)
	}
	slug, name := "", ""
	for _, tn := range tenants {
		if tn.ODSCode == importedODSCode {
			slug, name = tn.Slug, tn.Name
			if tn.Launched {
				t.Errorf("%s is launched straight from the import; want its holding page until someone launches it", slug)
			}
		}
	}
	if slug == "" {
		t.Fatalf("no tenant with ODS code %s among the %d imported", importedODSCode, len(tenants))
	}
	pcnwebCLI(t, dataDir, importedPass+"\n", "user", "add", "--email", importedEmail, "--tenant", slug, "--role", "manager")

	s, err := startServerWith(binPath, []string{"serve"}, false, "PCNWEB_DATA_DIR="+dataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("stop the server: %v", err)
		}
	})
	base := "http://" + s.host(slug)
	shot := func(tb *tab, vp viewport, label string) {
		tb.screenshot(t, "imported-"+vp.name+strings.NewReplacer("/", "-").Replace(label))
	}

	// Patients before the launch: the holding page, on every path.
	for _, vp := range []viewport{phone, desktop} {
		tb := openTab(t, vp, chromedp.WithNewBrowserContext())
		for _, path := range []string{"/", "/appointments"} {
			if !tb.visit(t, base+path) {
				t.Errorf("%s before the launch at %dpx: no robots noindex", path, vp.width)
			}
			if h1 := tb.text(t, "h1"); h1 != name {
				t.Errorf("holding page %s: h1 %q, want the PCN's name %q", path, h1, name)
			}
			if body := tb.text(t, "main"); !strings.Contains(body, "coming soon") || !strings.Contains(body, "111") {
				t.Errorf("holding page %s says:\n%s", path, body)
			}
			tb.noAxeViolations(t, "holding page "+path+" at "+vp.name)
			shot(tb, vp, "-holding"+path)
		}
	}

	// The manager: the checklist, then the launch.
	mgr := openTabFor(t, desktop, 3*time.Minute, chromedp.WithNewBrowserContext())
	mgr.adminSignIn(t, base, importedEmail, importedPass)
	mgr.visit(t, base+"/admin/launch")
	if missing := mgr.text(t, "#launch-missing"); strings.TrimSpace(missing) == "" {
		t.Errorf("an imported tenant's launch checklist lists nothing missing")
	}
	mgr.noAxeViolations(t, "/admin/launch")
	shot(mgr, desktop, "-admin-launch")
	err = chromedp.Do(mgr.ctx,
		chromedp.Click(chromedp.Search(`//a[normalize-space()="Launch your site"]`)),
		chromedp.WaitVisible(chromedp.Search(`//button[normalize-space()="Launch your site"]`)),
	)
	if err != nil {
		t.Fatalf("open the launch confirmation: %v", err)
	}
	mgr.noAxeViolations(t, "/admin/launch/confirm")
	shot(mgr, desktop, "-admin-launch-confirm")
	err = chromedp.Do(mgr.ctx,
		chromedp.Click(chromedp.Search(`//button[normalize-space()="Launch your site"]`)),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(., "Your website is live")]`)),
	)
	if err != nil {
		t.Fatalf("launch: %v", err)
	}
	var shown struct {
		Launched bool `json:"launched"`
	}
	if err := json.Unmarshal([]byte(pcnwebCLI(t, dataDir, "", "tenant", "show", slug, "--json")), &shown); err != nil {
		t.Fatal(err)
	}
	if !shown.Launched {
		t.Errorf("tenant show %s --json: launched false after the launch", slug)
	}

	// Patients after the launch: the full site, made from ODS data.
	for _, vp := range []viewport{phone, desktop} {
		tb := openTabFor(t, vp, 3*time.Minute, chromedp.WithNewBrowserContext())
		if tb.visit(t, base+"/") {
			t.Errorf("home page after the launch at %dpx still asks not to be indexed", vp.width)
		}
		for _, path := range []string{"/appointments", "/prescriptions"} {
			if n, err := chromedp.Run(tb.ctx, chromedp.Evaluate[int](`document.querySelectorAll('main a[href="`+path+`"]').length`)); err != nil || n == 0 {
				t.Errorf("home page at %dpx: no link to %s in the main content (err %v)", vp.width, path, err)
			}
		}
		tb.noAxeViolations(t, "/ at "+vp.name)
		shot(tb, vp, "-home")
		for _, path := range templatePaths {
			if tb.visit(t, base+path) {
				t.Errorf("%s after the launch at %dpx asks not to be indexed", path, vp.width)
			}
			main := tb.text(t, "main")
			if strings.Contains(strings.ToLower(main), "emergency appointment") {
				t.Errorf("%s says \"emergency appointment\"", path)
			}
			if h1 := tb.text(t, "h1"); h1 == "" || h1 == name {
				t.Errorf("%s: h1 %q, want the page's own title", path, h1)
			}
			tb.noAxeViolations(t, path+" at "+vp.name)
			shot(tb, vp, path)
		}
		// No sideways scrolling at this width.
		if w, err := chromedp.Run(tb.ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`)); err != nil || w > vp.width {
			t.Errorf("/patient-group at %dpx scrolls sideways: scrollWidth %d (err %v)", vp.width, w, err)
		}
	}
}
