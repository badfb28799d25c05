package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/pcnweb/pcnweb/internal/demo"
)

// feedbackMinAge is how long the feedback form must have been open before
// it is sent: a quicker post is refused as automated (handlers/site's
// tokenMinAge is 3 seconds), so a person's is never quicker than this.
const feedbackMinAge = 3500 * time.Millisecond

// tabTo presses Tab until the focused element is the one want describes,
// and returns it; the test fails with where focus went if it never gets
// there.
func (tb *tab) tabTo(t *testing.T, what string, want func(focused) bool) focused {
	t.Helper()
	const maxTabs = 80
	var trail []string
	for range maxTabs {
		tb.press(t, kb.Tab)
		f := tb.focused(t)
		if want(f) {
			if !f.focusIndicator() {
				t.Errorf("%s is focused without a focus indicator: outline %s %s %s, box-shadow %s", what, f.OutlineStyle, f.OutlineWidth, f.OutlineColor, f.BoxShadow)
			}
			return f
		}
		trail = append(trail, fmt.Sprintf("<%s id=%q> %q", strings.ToLower(f.Tag), f.ID, f.Text))
	}
	t.Fatalf("%s is not reachable with Tab; focus went:\n  %s", what, strings.Join(trail, "\n  "))
	return focused{}
}

// eval runs a JavaScript expression in the tab and returns its value.
func eval[T any](t *testing.T, tb *tab, js string) T {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// waitUntil sleeps until at.
func waitUntil(at time.Time) { time.Sleep(time.Until(at)) }

// TestFeedbackByKeyboard: a patient on a phone (390px) gives Friends and
// Family Test feedback with the keyboard alone (Tab, Space, the arrow keys
// and Enter; no click): sent without an answer, the form comes back with
// the error next to the question; answered, it lands on the thank-you
// page. axe finds nothing on the form, the form with its error, the
// thank-you page or the published results. Then the manager signs in and
// reads the response in the admin's feedback list.
func TestFeedbackByKeyboard(t *testing.T) {
	base := "http://" + srv.host("highfives")
	text := fmt.Sprintf("The nurse was kind and on time (keyboard test %d)", time.Now().UnixNano())
	tb := openTabFor(t, phone, 3*time.Minute, chromedp.WithNewBrowserContext())
	shot := func(name string) { tb.screenshot(t, "feedback-"+phone.name+"-"+name) }

	tb.visit(t, base+"/feedback")
	opened := time.Now()
	if h1 := tb.text(t, "h1"); h1 != "Friends and Family Test" {
		t.Errorf("/feedback h1 %q", h1)
	}
	if main := tb.text(t, "main"); !strings.Contains(main, "not for medical help") || !strings.Contains(main, "111") || !strings.Contains(main, "999") {
		t.Errorf("/feedback does not say it is not for medical help, with 111 and 999:\n%s", main)
	}
	tb.noAxeViolations(t, "/feedback at 390px")
	if w := eval[int64](t, tb, `document.documentElement.scrollWidth`); w > phone.width {
		t.Errorf("/feedback at 390px scrolls sideways: scrollWidth %d", w)
	}
	shot("form")

	isSend := func(f focused) bool { return f.Tag == "BUTTON" && f.Text == "Send feedback" }
	// Sent without an answer: the error summary and the message next to
	// the question.
	tb.tabTo(t, "the Send feedback button", isSend)
	waitUntil(opened.Add(feedbackMinAge))
	tb.press(t, kb.Enter)
	if err := chromedp.Do(tb.ctx, chromedp.WaitVisible(chromedp.ID("rating-error"))); err != nil {
		t.Fatalf("the form sent without an answer did not come back with its error: %v\n%s", err, tb.text(t, "main"))
	}
	reshown := time.Now()
	tb.net.waitIdle(tb.ctx, 150*time.Millisecond, 5*time.Second)
	if summary := tb.text(t, ".nhsuk-error-summary"); !strings.Contains(summary, "There is a problem") || !strings.Contains(summary, "Select how your experience") {
		t.Errorf("error summary: %q", summary)
	}
	tb.noAxeViolations(t, "/feedback with an error at 390px")
	shot("error")

	// The answer: Tab to the first radio, Space chooses it; the arrow keys
	// move the choice down to "Good" and back up to "Very good".
	tb.tabTo(t, "the first answer", func(f focused) bool { return f.ID == "rating" })
	tb.press(t, " ")
	if v := eval[string](t, tb, `(document.querySelector('input[name=rating]:checked') || {value: ""}).value`); v != "1" {
		t.Fatalf("Space on the first answer chose %q, want 1 (Very good)", v)
	}
	tb.press(t, kb.ArrowDown)
	if v := eval[string](t, tb, `document.querySelector('input[name=rating]:checked').value`); v != "2" {
		t.Errorf("ArrowDown chose %q, want 2 (Good)", v)
	}
	tb.press(t, kb.ArrowUp)
	if v := eval[string](t, tb, `document.querySelector('input[name=rating]:checked').value`); v != "1" {
		t.Errorf("ArrowUp chose %q, want 1 (Very good)", v)
	}
	// The reason, typed; then the practice, chosen with the arrow key.
	tb.tabTo(t, "the reason box", func(f focused) bool { return f.ID == "text" })
	if err := chromedp.Do(tb.ctx, chromedp.KeyEvent(text)); err != nil {
		t.Fatal(err)
	}
	tb.tabTo(t, "the practice list", func(f focused) bool { return f.ID == "practice" })
	tb.press(t, kb.ArrowDown)
	practice := eval[string](t, tb, `(function(s){ return s.value ? s.selectedOptions[0].text : "" })(document.getElementById('practice'))`)
	if practice == "" {
		t.Fatal("ArrowDown on the practice list chose no practice")
	}
	shot("filled")
	tb.tabTo(t, "the Send feedback button", isSend)
	waitUntil(reshown.Add(feedbackMinAge))
	tb.press(t, kb.Enter)
	if err := chromedp.Do(tb.ctx, chromedp.WaitVisible(chromedp.CSS(".nhsuk-panel--confirmation"))); err != nil {
		t.Fatalf("no thank-you page after sending the form: %v\n%s", err, tb.text(t, "main"))
	}
	tb.net.waitIdle(tb.ctx, 150*time.Millisecond, 5*time.Second)
	if loc := eval[string](t, tb, `location.pathname`); loc != "/feedback/thanks" {
		t.Errorf("after sending the form the browser is at %s, want /feedback/thanks", loc)
	}
	if panel := tb.text(t, ".nhsuk-panel--confirmation"); !strings.Contains(panel, "We have received your feedback") {
		t.Errorf("thank-you panel: %q", panel)
	}
	tb.noAxeViolations(t, "/feedback/thanks at 390px")
	shot("thanks")

	tb.visit(t, base+"/feedback/results")
	if strings.Contains(tb.text(t, "main"), text) {
		t.Error("the published results show a patient's free text")
	}
	tb.noAxeViolations(t, "/feedback/results at 390px")
	shot("results")

	// The manager reads it in the admin.
	mgr := openTabFor(t, desktop, 2*time.Minute, chromedp.WithNewBrowserContext())
	mgr.adminSignIn(t, base, demo.Accounts[0].Email, demo.DefaultPassword)
	mgr.visit(t, base+"/admin/feedback")
	main := mgr.text(t, "main")
	for _, want := range []string{text, "Very good", practice, "Download"} {
		if !strings.Contains(main, want) {
			t.Errorf("the manager's feedback list lacks %q:\n%s", want, main)
		}
	}
	// Newest first: the patient's response is the first row.
	if first := mgr.text(t, "tbody tr"); !strings.Contains(first, text) {
		t.Errorf("the first response listed is not the newest: %q", first)
	}
	mgr.noAxeViolations(t, "/admin/feedback")
	mgr.screenshot(t, "feedback-desktop-admin")
	mgr.visit(t, base+"/admin/feedback/settings")
	mgr.noAxeViolations(t, "/admin/feedback/settings")
	mgr.screenshot(t, "feedback-desktop-admin-settings")
}
