package e2e

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/internal/demo"
)

// TestConsoleAccessibility signs in to the operators' console in Chromium
// as an operator of its own, made with `pcnweb user add --operator` (the
// demo operator's two-factor is already on, with the recovery code serve
// printed), which must first set up two-factor authentication, as every
// new operator must; then it runs axe-core over every page found from the
// console's navigation, at desktop and then mobile width (the second
// sign-in uses a recovery code from the first).
func TestConsoleAccessibility(t *testing.T) {
	base := "http://" + srv.host("console")
	const operator, password = "console-e2e@pcnweb.example", "e2e console operator password"
	if _, err := srv.cli(password+"\n", "user", "add", "--operator", "--email", operator); err != nil {
		t.Fatal(err)
	}
	tb := openTabFor(t, desktop, 10*time.Minute, chromedp.WithNewBrowserContext())
	check := func(label string, width int64) {
		t.Helper()
		for _, v := range tb.runAxe(t) {
			t.Errorf("console %s at %dpx: %s", label, width, formatViolation(v))
		}
	}
	err := chromedp.Do(tb.ctx,
		chromedp.Navigate(base+"/sign-in"),
		chromedp.WaitVisible(chromedp.ID("email")),
	)
	if err != nil {
		t.Fatal(err)
	}
	check("/sign-in", desktop.width)
	err = chromedp.Do(tb.ctx,
		chromedp.SendKeys(chromedp.ID("email"), operator),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("secret")),
	)
	if err != nil {
		t.Fatalf("password step: %v", err)
	}
	check("two-factor set-up", desktop.width)
	secret := tb.text(t, "#secret")
	key, err := auth.DecodeTOTPSecret(strings.TrimSpace(secret))
	if err != nil {
		t.Fatalf("secret %q: %v", secret, err)
	}
	err = chromedp.Do(tb.ctx,
		chromedp.SendKeys(chromedp.ID("code"), auth.TOTPCode(key, auth.TOTPStep(time.Now()))),
		chromedp.Submit(chromedp.ID("code")),
		chromedp.WaitVisible(chromedp.ID("recovery-codes")),
	)
	if err != nil {
		t.Fatalf("two-factor set-up: %v", err)
	}
	check("recovery codes", desktop.width)
	codes := strings.Fields(tb.text(t, "#recovery-codes"))
	if len(codes) < 2 {
		t.Fatalf("recovery codes: %q", codes)
	}

	pages := func() []string {
		if err := chromedp.Do(tb.ctx, chromedp.Navigate(base+"/tenants"), chromedp.WaitVisible(chromedp.CSS(".admin-nav"))); err != nil {
			t.Fatal(err)
		}
		nav, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.admin-nav a')].map(a => a.getAttribute('href'))`))
		if err != nil {
			t.Fatal(err)
		}
		out := append([]string{}, nav...)
		// One of each kind of page reachable from the sections: a tenant,
		// its forms, the new-item forms.
		for _, section := range nav {
			if err := chromedp.Do(tb.ctx, chromedp.Navigate(base+section), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
				t.Fatal(err)
			}
			links, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#maincontent a[href^="/"]')].map(a => a.getAttribute('href'))`))
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range links {
				if strings.HasPrefix(l, section+"/") && !slices.Contains(out, l) {
					out = append(out, l)
				}
			}
		}
		return out
	}()
	if len(pages) < 8 {
		t.Errorf("found only %d console pages: %v", len(pages), pages)
	}
	walk := func(width int64) {
		for _, p := range pages {
			resp, err := chromedp.RunResponse(tb.ctx, chromedp.Navigate(base+p))
			if err != nil || resp == nil || resp.Status != http.StatusOK {
				t.Errorf("load %s: %v %v", p, resp, err)
				continue
			}
			tb.net.waitIdle(tb.ctx, 150*time.Millisecond, 5*time.Second)
			check(p, width)
			if width == desktop.width {
				tb.screenshot(t, "console"+strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(p))
			}
		}
	}
	walk(desktop.width)
	t.Logf("%d console pages", len(pages))

	// Mobile width: a new browser signs in with a recovery code.
	tb = openTabFor(t, mobile, 10*time.Minute, chromedp.WithNewBrowserContext())
	err = chromedp.Do(tb.ctx,
		chromedp.Navigate(base+"/sign-in"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), operator),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("code")),
	)
	if err != nil {
		t.Fatalf("mobile password step: %v", err)
	}
	check("code step", mobile.width)
	err = chromedp.Do(tb.ctx,
		chromedp.SendKeys(chromedp.ID("code"), codes[0]),
		chromedp.Submit(chromedp.ID("code")),
		chromedp.WaitVisible(chromedp.CSS(".admin-nav")),
	)
	if err != nil {
		t.Fatalf("sign in with a recovery code: %v", err)
	}
	walk(mobile.width)
}

// TestConsoleDemoOperatorRecoveryCode signs in to the console as the demo
// operator with the one-time recovery code `serve --demo` printed beside
// the sign-in hints: no authenticator app needed.
func TestConsoleDemoOperatorRecoveryCode(t *testing.T) {
	m := regexp.MustCompile(`Demo operator at the console: (\S+), same password, then recovery code (\S+) in place of a two-factor code`).
		FindStringSubmatch(srv.logs.String())
	if m == nil {
		t.Fatalf("serve --demo printed no recovery code for the demo operator:\n%s", srv.logs.String())
	}
	if m[1] != demo.Operator {
		t.Errorf("printed operator %q, want %s", m[1], demo.Operator)
	}
	base := "http://" + srv.host("console")
	tb := openTabFor(t, desktop, 2*time.Minute, chromedp.WithNewBrowserContext())
	err := chromedp.Do(tb.ctx,
		chromedp.Navigate(base+"/sign-in"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), demo.Operator),
		chromedp.SendKeys(chromedp.ID("password"), demo.DefaultPassword),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.SendKeys(chromedp.ID("code"), m[2]),
		chromedp.Submit(chromedp.ID("code")),
		chromedp.WaitVisible(chromedp.CSS(".admin-nav")),
	)
	if err != nil {
		t.Fatalf("sign in as the demo operator with the printed recovery code: %v", err)
	}
}
