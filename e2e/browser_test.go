package e2e

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// maxPageBytes is the budget of a page without images: every byte on the
// wire (headers included, cache off) of the document and its CSS, JS and
// icons. A home page has the tighter maxHomeBytes: it is most visitors'
// first page, so it pays for the stylesheet and script (issue 14).
const (
	maxPageBytes = 35 * 1024
	maxHomeBytes = 25 * 1024
)

// TestAccessibility loads every page type at desktop and mobile widths and
// asserts that axe-core finds no WCAG 2.2 AA violation.
func TestAccessibility(t *testing.T) {
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			for _, pc := range pages(t) {
				t.Run(pc.name, func(t *testing.T) {
					t.Parallel()
					tb := openTab(t, vp)
					tb.load(t, pc)
					for _, v := range tb.runAxe(t) {
						t.Errorf("%s at %dpx: %s", pc.url(), vp.width, formatViolation(v))
					}
				})
			}
		})
	}
}

// TestAxeSelfCheck guards the accessibility test against passing because
// axe checked nothing: an image without alt text added to a real page must
// be reported.
func TestAxeSelfCheck(t *testing.T) {
	tb := openTab(t, desktop)
	tb.load(t, pageCase{name: "highfives /", sub: "highfives", path: "/", wantStatus: 200})
	if err := chromedp.Do(tb.ctx, chromedp.Evaluate[chromedp.Void](
		`document.getElementById('maincontent').insertAdjacentHTML('beforeend', '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10">')`)); err != nil {
		t.Fatal(err)
	}
	for _, v := range tb.runAxe(t) {
		if v.ID == "image-alt" {
			return
		}
	}
	t.Error("axe did not report an <img> without alt text: the accessibility test checks nothing")
}

func formatViolation(v axeViolation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "axe %s (%s): %s — %d element(s), %s", v.ID, v.Impact, v.Help, v.Count, v.HelpURL)
	for i, n := range v.Nodes {
		if i == 0 || testing.Verbose() {
			fmt.Fprintf(&b, "\n    target %s\n    html   %s", n.Target, n.HTML)
			if n.Summary != "" {
				fmt.Fprintf(&b, "\n    %s", strings.ReplaceAll(n.Summary, "\n", "\n    "))
			}
		}
	}
	return b.String()
}

// pageWeight is the measured weight of one page.
type pageWeight struct {
	page   string
	images bool
	weight
}

// TestPageWeight loads every page type with the cache off, records every
// response, and asserts that a page without images transfers under 35 KB
// (a home page under 25 KB) and that no page makes a request to another host. The weights are logged
// as a table and, with PCNWEB_WRITE_WEIGHTS=path, written there as Markdown.
func TestPageWeight(t *testing.T) {
	list := pages(t)
	weights := make([]*pageWeight, len(list)) // by page index: a stable order
	// The pages in parallel (two tabs on two cores); the group returns when
	// all have run.
	t.Run("pages", func(t *testing.T) {
		for i, pc := range list {
			t.Run(pc.name, func(t *testing.T) {
				t.Parallel()
				measurePage(t, pc, func(w pageWeight) { weights[i] = &w })
			})
		}
	})

	var measured []pageWeight
	for _, w := range weights {
		if w != nil {
			measured = append(measured, *w)
		}
	}
	if len(measured) > 0 {
		t.Logf("page weights (bytes on the wire, cache off, headers included, favicon excluded):\n%s", weightTable(measured))
	}
	if path := os.Getenv("PCNWEB_WRITE_WEIGHTS"); path != "" {
		if len(measured) < len(list) {
			t.Errorf("PCNWEB_WRITE_WEIGHTS: %d of %d pages measured; not writing a partial table to %s", len(measured), len(list), path)
			return
		}
		if err := os.WriteFile(path, []byte(weightMarkdown(measured)), 0o644); err != nil {
			t.Errorf("PCNWEB_WRITE_WEIGHTS: %v", err)
			return
		}
		t.Logf("wrote the page weights to %s", path)
	}
}

// measurePage loads the page in a fresh tab with the cache off, reports its
// weight, and checks its requests.
func measurePage(t *testing.T, pc pageCase, report func(pageWeight)) {
	tb := openTab(t, desktop)
	tb.load(t, pc)
	type facts struct {
		Images int
		Icons  []string
	}
	f, err := chromedp.Run(tb.ctx, chromedp.Evaluate[facts](`({
  Images: document.querySelectorAll('img, picture, video, svg image, input[type=image]').length,
  Icons: [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href),
})`))
	if err != nil {
		t.Fatal(err)
	}
	// The browser fetches the favicon once per profile, for whichever
	// page comes first, so it is left out of every page's weight.
	var reqs []request
	for _, r := range tb.net.requests() {
		if r.typ == network.ResourceTypeOther && slices.Contains(f.Icons, r.url) {
			continue
		}
		reqs = append(reqs, r)
	}
	w := weigh(reqs)
	report(pageWeight{pc.name, f.Images > 0, w})

	if bad := foreign(tb.net.requests()); len(bad) > 0 {
		t.Errorf("%s made %d request(s) to other hosts:\n%s", pc.url(), len(bad), describe(bad))
	}
	var broken []request
	for _, r := range tb.net.requests() {
		if r.typ != network.ResourceTypeDocument && (r.failed != "" || r.status >= 400) {
			broken = append(broken, r)
		}
	}
	if len(broken) > 0 {
		t.Errorf("%s has %d failed subresource request(s):\n%s", pc.url(), len(broken), describe(broken))
	}
	budget, what := maxPageBytes, "a page without images"
	if pc.path == "/" && pc.wantStatus == 200 {
		budget, what = maxHomeBytes, "a home page without images"
	}
	if f.Images == 0 && w.total() >= float64(budget) {
		t.Errorf("%s transferred %.0f bytes (%.1f KB), over the %d KB budget of %s:\n%s",
			pc.url(), w.total(), w.total()/1024, budget/1024, what, describe(reqs))
	}
}

func weightTable(ws []pageWeight) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-36s %4s %8s %8s %8s %8s %8s %9s %8s\n", "page", "reqs", "html", "css", "js", "images", "other", "total", "KB")
	for _, w := range ws {
		fmt.Fprintf(&b, "%-36s %4d %8.0f %8.0f %8.0f %8.0f %8.0f %9.0f %8.1f\n",
			w.page, w.requests, w.html, w.css, w.js, w.image, w.other, w.total(), w.total()/1024)
	}
	return b.String()
}

func weightMarkdown(ws []pageWeight) string {
	var b strings.Builder
	b.WriteString("<!-- Written by `PCNWEB_WRITE_WEIGHTS=<file> go test ./e2e/ -run TestPageWeight`: bytes on the wire per page load in headless Chromium, cache off, headers included, favicon excluded (the browser fetches it once per profile). -->\n")
	b.WriteString("| Page | Requests | HTML | CSS | JS | Images | Other | Total (bytes) | Total (KB) |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, w := range ws {
		fmt.Fprintf(&b, "| %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f |\n",
			strings.ReplaceAll(w.page, "|", `\|`), w.requests, w.html, w.css, w.js, w.image, w.other, w.total(), w.total()/1024)
	}
	return b.String()
}

// focused describes document.activeElement.
type focused struct {
	Tag, ID, Text, Href, Class                   string
	Top, Left, Bottom, Right, Width, Height      float64
	ViewportWidth, ViewportHeight                float64
	OutlineStyle, OutlineWidth, OutlineColor     string
	BoxShadow, Visibility, Opacity, AriaExpanded string
	InMain, IsMenuToggle                         bool
}

const focusedJS = `(() => {
  const e = document.activeElement || document.body;
  const r = e.getBoundingClientRect();
  const cs = getComputedStyle(e);
  const main = document.getElementById('maincontent');
  return {
    Tag: e.tagName, ID: e.id || '', Text: (e.textContent || '').trim().replace(/\s+/g, ' '),
    Href: e.getAttribute('href') || '', Class: e.getAttribute('class') || '',
    Top: r.top, Left: r.left, Bottom: r.bottom, Right: r.right, Width: r.width, Height: r.height,
    ViewportWidth: document.documentElement.clientWidth, ViewportHeight: document.documentElement.clientHeight,
    OutlineStyle: cs.outlineStyle, OutlineWidth: cs.outlineWidth, OutlineColor: cs.outlineColor,
    BoxShadow: cs.boxShadow, Visibility: cs.visibility, Opacity: cs.opacity,
    AriaExpanded: e.getAttribute('aria-expanded') || '',
    InMain: !!main && main.contains(e),
    IsMenuToggle: e.matches('.nhsuk-header__menu-toggle, #toggle-menu'),
  };
})()`

func (tb *tab) focused(t *testing.T) focused {
	t.Helper()
	f, err := chromedp.Run(tb.ctx, chromedp.Evaluate[focused](focusedJS))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (tb *tab) press(t *testing.T, key string) {
	t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.KeyEvent(key)); err != nil {
		t.Fatalf("press %q: %v", key, err)
	}
}

// inViewport reports whether the element's box is inside the viewport.
func (f focused) inViewport() bool {
	return f.Width > 0 && f.Height > 0 && f.Top >= 0 && f.Left >= 0 &&
		f.Bottom <= f.ViewportHeight && f.Right <= f.ViewportWidth &&
		f.Visibility == "visible" && f.Opacity != "0"
}

// focusIndicator reports whether the element shows a focus style: a box
// shadow, or an outline that has a width and a colour.
func (f focused) focusIndicator() bool {
	if f.BoxShadow != "" && f.BoxShadow != "none" {
		return true
	}
	transparent := f.OutlineColor == "transparent" || strings.HasSuffix(strings.ReplaceAll(f.OutlineColor, " ", ""), ",0)")
	return f.OutlineStyle != "none" && f.OutlineWidth != "0px" && !transparent
}

// TestKeyboard: the first Tab on the home page reaches a visible "Skip to
// main content" link, Enter on it moves focus to the main content, and on a
// phone the header's "More" menu toggle is there and reachable by Tab.
func TestKeyboard(t *testing.T) {
	home := pageCase{name: "highfives /", sub: "highfives", path: "/", wantStatus: 200}

	t.Run("skip link", func(t *testing.T) {
		tb := openTab(t, desktop)
		tb.load(t, home)
		tb.press(t, kb.Tab)
		f := tb.focused(t)
		if f.Tag != "A" || f.Text != "Skip to main content" || f.Href != "#maincontent" {
			t.Fatalf("first Tab focused <%s class=%q href=%q> %q, want the skip link to #maincontent", strings.ToLower(f.Tag), f.Class, f.Href, f.Text)
		}
		if !f.inViewport() {
			t.Errorf("focused skip link is not visible in the viewport: box (%.0f,%.0f)-(%.0f,%.0f) in %.0fx%.0f, visibility %s, opacity %s",
				f.Left, f.Top, f.Right, f.Bottom, f.ViewportWidth, f.ViewportHeight, f.Visibility, f.Opacity)
		}
		if !f.focusIndicator() {
			t.Errorf("focused skip link has no focus indicator: outline %s %s %s, box-shadow %s", f.OutlineStyle, f.OutlineWidth, f.OutlineColor, f.BoxShadow)
		}
		tb.press(t, kb.Enter)
		after := tb.focused(t)
		if after.ID == "maincontent" || after.InMain {
			return
		}
		// Without a script that focuses the target, the fragment moves the
		// sequential focus starting point: the next Tab lands in <main>.
		t.Logf("Enter on the skip link left focus on <%s>; checking that the next Tab lands in #maincontent", strings.ToLower(after.Tag))
		tb.press(t, kb.Tab)
		if next := tb.focused(t); !next.InMain {
			t.Errorf("after Enter on the skip link, focus is on <%s id=%q> %q and the next Tab reaches <%s> %q, outside #maincontent",
				strings.ToLower(after.Tag), after.ID, after.Text, strings.ToLower(next.Tag), next.Text)
		}
	})

	t.Run("mobile menu toggle", func(t *testing.T) {
		tb := openTab(t, mobile)
		tb.load(t, home)
		exists, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`!!document.querySelector('header .nhsuk-header__menu-toggle, header #toggle-menu')`))
		if err != nil {
			t.Fatal(err)
		}
		if !exists {
			t.Fatal("the header has no menu toggle (.nhsuk-header__menu-toggle)")
		}
		const maxTabs = 40
		var trail []string
		for i := 1; i <= maxTabs; i++ {
			tb.press(t, kb.Tab)
			f := tb.focused(t)
			if f.IsMenuToggle {
				if !f.inViewport() {
					t.Errorf("the menu toggle is focused after %d Tabs but not visible: box (%.0f,%.0f)-(%.0f,%.0f) in %.0fx%.0f",
						i, f.Left, f.Top, f.Right, f.Bottom, f.ViewportWidth, f.ViewportHeight)
				}
				if !f.focusIndicator() {
					t.Errorf("the focused menu toggle has no focus indicator: outline %s %s %s, box-shadow %s", f.OutlineStyle, f.OutlineWidth, f.OutlineColor, f.BoxShadow)
				}
				t.Logf("menu toggle %q reached after %d Tabs", f.Text, i)
				tb.press(t, kb.Enter)
				if g := tb.focused(t); g.AriaExpanded != "true" {
					t.Errorf("Enter on the menu toggle: aria-expanded=%q, want \"true\"", g.AriaExpanded)
				}
				return
			}
			trail = append(trail, fmt.Sprintf("<%s> %q", strings.ToLower(f.Tag), f.Text))
			if f.InMain {
				break // past the header
			}
		}
		t.Errorf("the menu toggle is not reachable by Tab at %dpx; focus went:\n  %s", mobile.width, strings.Join(trail, "\n  "))
	})
}

// TestNoThirdPartyRequests checks the browser's isolation: a name other than
// the test server's does not resolve, so the weight test's "no other hosts"
// holds even if a page tried.
func TestNoThirdPartyRequests(t *testing.T) {
	tb := openTab(t, desktop)
	err := chromedp.Do(tb.ctx, chromedp.Navigate("http://example.com/"))
	var le *chromedp.LoadError
	if !errors.As(err, &le) {
		t.Fatalf("loading http://example.com/: %v, want a load error (host-resolver-rules not applied?)", err)
	}
	if !strings.Contains(le.ErrorText, "NAME_NOT_RESOLVED") {
		t.Errorf("loading http://example.com/: %s, want net::ERR_NAME_NOT_RESOLVED", le.ErrorText)
	}
}
