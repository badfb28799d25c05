package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/pcnweb/pcnweb/internal/demo"
)

// TestEditorImagePicker drives the editor's Image button in Chromium: it
// opens a modal dialog named "Insert an image" listing the media library,
// Escape closes it and gives focus back to the button, the chosen image
// goes in with the library's alt text as a paragraph of its own (not inside
// the list above the cursor), alt text is asked for when it is cleared, and
// "only decoration" writes the decorative marker. axe finds nothing wrong
// with the open dialog.
func TestEditorImagePicker(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for x := 0; x < 400; x++ {
		for y := 0; y < 300; y++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, img); err != nil {
		t.Fatal(err)
	}
	a := signInOverHTTP(t, srv, demo.Accounts[0].Email, demo.DefaultPassword)
	if st, body, _ := a.upload(t, "floor-plan.png", pngData.Bytes()); st != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%.600s", st, body)
	}

	base := "http://" + srv.host("highfives")
	tb := openTabFor(t, desktop, 3*time.Minute, chromedp.WithNewBrowserContext())
	tb.adminSignIn(t, base, demo.Accounts[0].Email, demo.DefaultPassword)
	bodyValue := func() string {
		t.Helper()
		v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.getElementById('body').value`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	dialogOpen := func() bool {
		t.Helper()
		v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`!!document.querySelector('dialog.admin-picker[open]')`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	openPicker := chromedp.Steps(
		chromedp.Click(chromedp.Search(`//button[normalize-space()="Image"]`)),
		chromedp.WaitVisible(chromedp.CSS(`dialog.admin-picker[open] .admin-picker__item label`)),
	)
	err := chromedp.Do(tb.ctx,
		chromedp.Navigate(base+"/admin/pages/new"),
		chromedp.WaitVisible(chromedp.Search(`//button[normalize-space()="Image"]`)),
		chromedp.Evaluate[chromedp.Void](`(function(){var b=document.getElementById('body');b.value='Our services:\n\n- one\n- two';b.focus();b.setSelectionRange(b.value.length,b.value.length);})()`),
		openPicker,
	)
	if err != nil {
		t.Fatalf("open the picker: %v", err)
	}
	name, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`(function(){var d=document.querySelector('dialog.admin-picker[open]');return document.getElementById(d.getAttribute('aria-labelledby')).textContent;})()`))
	if err != nil || name != "Insert an image" {
		t.Errorf("the dialog is named %q (%v), want \"Insert an image\"", name, err)
	}
	inside, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`document.querySelector('dialog.admin-picker').contains(document.activeElement)`))
	if err != nil || !inside {
		t.Errorf("focus is not inside the open dialog (%v)", err)
	}
	for _, v := range tb.runAxe(t) {
		t.Errorf("image picker: %s", formatViolation(v))
	}

	// Escape closes it, and focus goes back to the Image button.
	if err := chromedp.Do(tb.ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	focused, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.activeElement.textContent`))
	if dialogOpen() || err != nil || focused != "Image" {
		t.Errorf("after Escape: dialog open %v, focus on %q (%v), want closed and on the Image button", dialogOpen(), focused, err)
	}

	// Choose the uploaded image: its alt text comes from the library, and
	// it goes in after the list, on a paragraph of its own.
	err = chromedp.Do(tb.ctx,
		openPicker,
		chromedp.Click(chromedp.Search(`//dialog[@open]//label[contains(., "A floor plan of the surgery")]`)),
	)
	if err != nil {
		t.Fatalf("choose the image: %v", err)
	}
	alt, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.querySelector('dialog.admin-picker textarea').value`))
	if err != nil || alt != "A floor plan of the surgery" {
		t.Errorf("alt text offered: %q (%v), want the library's", alt, err)
	}
	if err := chromedp.Do(tb.ctx, chromedp.Click(chromedp.Search(`//dialog[@open]//button[normalize-space()="Insert image"]`))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	got := bodyValue()
	before, md, ok := strings.Cut(got, "![A floor plan of the surgery](/media/")
	if !ok || before != "Our services:\n\n- one\n- two\n\n" || !strings.HasSuffix(md, ")\n") || strings.Count(md, "\n") != 1 {
		t.Fatalf("after inserting, the body is %q: want the image after the list, on a paragraph of its own", got)
	}

	// Alt text cleared: the picker asks for it, and stays open; "only
	// decoration" writes the decorative marker instead. The cursor is in
	// the first line's middle: the image goes after that line, not inside
	// it.
	err = chromedp.Do(tb.ctx,
		chromedp.Evaluate[chromedp.Void](`(function(){var b=document.getElementById('body');b.focus();b.setSelectionRange(3,3);})()`),
		openPicker,
		chromedp.Click(chromedp.Search(`//dialog[@open]//label[contains(., "A floor plan of the surgery")]`)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('dialog.admin-picker textarea').value = ''`),
		chromedp.Click(chromedp.Search(`//dialog[@open]//button[normalize-space()="Insert image"]`)),
		chromedp.WaitVisible(chromedp.CSS(`dialog.admin-picker[open] .admin-picker__errors`)),
	)
	if err != nil {
		t.Fatalf("insert without alt text: %v", err)
	}
	if msg := tb.text(t, "dialog.admin-picker .admin-picker__errors"); !strings.Contains(msg, "Enter alt text, or tick") {
		t.Errorf("error summary in the picker: %q", msg)
	}
	if bodyValue() != got {
		t.Error("an image without alt text was inserted")
	}
	err = chromedp.Do(tb.ctx,
		chromedp.Click(chromedp.Search(`//dialog[@open]//label[contains(., "only decoration")]`)),
		chromedp.Click(chromedp.Search(`//dialog[@open]//button[normalize-space()="Insert image"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	// The cursor was in the first line: the image goes after that line.
	if got := bodyValue(); !strings.HasPrefix(got, "Our services:\n\n![](/media/") || !strings.Contains(got, ` "decorative")`+"\n\n- one\n- two\n\n") {
		t.Errorf("decorative image after the first line: body %q", got)
	}
}
