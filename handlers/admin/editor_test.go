package admin_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
)

// TestPublishWarnsAboutImagesWithoutAlt: publishing a page or a news item
// whose body has an image without alt text stops once, with the message
// next to the body field, the images listed and the text kept; drafts are
// saved without a word; "Publish anyway" publishes; an image described or
// marked decorative publishes at once.
func TestPublishWarnsAboutImagesWithoutAlt(t *testing.T) {
	s, a, _, b := pagesSetup(t)
	const noAlt = "Our new building:\n\n![](/media/7/1600.jpg)\n\nAnd ![ ](/media/8/640.png)"
	store := s.db.ForTenant(context.Background(), a.ID)

	// A new page.
	tok := pagesToken(t, b)
	form := url.Values{"_csrf": {tok}, "path": {"/building"}, "title": {"Our building"}, "body": {noAlt}, "action": {"publish"}}
	r := b.post(t, pagesHost, "/admin/pages/new", form)
	pagesWant(t, "publish a new page with images without alt text", r, http.StatusUnprocessableEntity,
		"2 images have no alt text", `href="#body"`, "<code>/media/7/1600.jpg</code>", "<code>/media/8/640.png</code>",
		`value="publish-anyway"`, "Publish anyway, without alt text", "body-alt-missing")
	if m := textareaRE.FindStringSubmatch(r.body); m == nil || html.UnescapeString(m[1]) != noAlt {
		t.Errorf("the text was not kept in the form: %q", m)
	}
	if _, err := store.PageForEdit("/building"); err == nil {
		t.Error("the warning saved the page")
	}
	form.Set("action", "draft")
	if r := b.post(t, pagesHost, "/admin/pages/new", form); r.status != http.StatusSeeOther {
		t.Fatalf("a draft with images without alt text: %d, want it saved\n%s", r.status, r.body)
	}

	// The stored page, edited: warned, then published anyway.
	ef := b.editForm(t, pagesHost, "/building")
	ef.Set("title", "Our building")
	ef.Set("body", noAlt)
	ef.Set("action", "publish")
	r = b.post(t, pagesHost, "/admin/pages/edit", ef)
	pagesWant(t, "publish the page", r, http.StatusUnprocessableEntity, "2 images have no alt text", "Publish anyway")
	if d, _ := store.PageForEdit("/building"); d.Page.PublishedRevisionID != nil {
		t.Fatal("the warning published the page")
	}
	ef.Set("action", "publish-anyway")
	if r := b.post(t, pagesHost, "/admin/pages/edit", ef); r.status != http.StatusSeeOther {
		t.Fatalf("publish anyway: %d\n%s", r.status, r.body)
	}
	if pub, err := store.PublishedPage("/building"); err != nil || pub.Revision.BodyMD != noAlt {
		t.Fatalf("published anyway: %q %v", pub.Revision.BodyMD, err)
	}

	// Described, or decorative on purpose: no warning.
	for _, body := range []string{
		"![The new building's entrance, with a ramp](/media/7/1600.jpg)",
		`![](/media/7/1600.jpg "decorative")`,
	} {
		ef := b.editForm(t, pagesHost, "/building")
		ef.Set("title", "Our building")
		ef.Set("body", body)
		ef.Set("action", "publish")
		if r := b.post(t, pagesHost, "/admin/pages/edit", ef); r.status != http.StatusSeeOther {
			t.Errorf("publish %q: %d, want no warning\n%s", body, r.status, r.body)
		}
	}

	// A news item: a draft (no date) saves, a publish date warns.
	tok = b.newsToken(t, pagesHost, "/admin/news/new")
	nf := url.Values{"_csrf": {tok}, "title": {"New building"}, "summary": {"We have moved"}, "body": {noAlt}}
	if r := b.post(t, pagesHost, "/admin/news/new", nf); r.status != http.StatusSeeOther {
		t.Fatalf("news draft with images without alt text: %d\n%s", r.status, r.body)
	}
	nf.Set("title", "New building, published")
	nf.Set("slug", "new-building-published")
	nf.Set("date", "2026-01-05")
	r = b.post(t, pagesHost, "/admin/news/new", nf)
	pagesWant(t, "publish news with images without alt text", r, http.StatusUnprocessableEntity,
		"2 images have no alt text", "<code>/media/7/1600.jpg</code>", "Publish anyway, without alt text")
	nf.Set("action", "publish-anyway")
	if r := b.post(t, pagesHost, "/admin/news/new", nf); r.status != http.StatusSeeOther || r.location() != "/admin/news?done=published" {
		t.Fatalf("news, publish anyway: %d %q\n%s", r.status, r.location(), r.body)
	}
}

// TestStaleSaveShowsWhoChangedWhat: a refused save says who saved the page
// since, when, and what they changed (a diff from the version the user
// opened), keeps the user's text, and offers both ways out: save theirs
// over (accepted now) or open the other version.
func TestStaleSaveShowsWhoChangedWhat(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	s.user(t, tn, "sam@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	store := s.db.ForTenant(context.Background(), tn.ID)
	if _, err := store.PutPage(models.PageInput{By: testActor, Path: "/clinics", Title: "Clinics",
		BodyMD: "Flu clinics on Saturday.\nBring your NHS number."}); err != nil {
		t.Fatal(err)
	}
	jane, sam := s.browser(), s.browser()
	jane.signIn(t, host, "jane@example.nhs.uk")
	sam.signIn(t, host, "sam@example.nhs.uk")
	jf := jane.editForm(t, host, "/clinics")
	sf := sam.editForm(t, host, "/clinics")

	jf.Set("title", "Clinics")
	jf.Set("body", "Flu clinics on Sunday.\nBring your NHS number.")
	jf.Set("action", "draft")
	if r := jane.post(t, host, "/admin/pages/edit", jf); r.status != http.StatusSeeOther {
		t.Fatalf("jane saves: %d", r.status)
	}
	sf.Set("title", "Clinics")
	sf.Set("body", "Sam's <own> text")
	sf.Set("action", "publish")
	r := sam.post(t, host, "/admin/pages/edit", sf)
	pagesWant(t, "sam's stale save", r, http.StatusConflict,
		"After you opened this page, jane@example.nhs.uk saved version 2 (a draft) on ",
		"Version 2 (draft): saved by jane@example.nhs.uk on ",
		"1 line added, 1 line removed",
		"<del>Flu clinics on Saturday.</del>", "<ins>Flu clinics on Sunday.</ins>",
		"Keep your text", "Take their version", `href="/admin/pages/edit?path=%2fclinics"`)
	if m := textareaRE.FindStringSubmatch(r.body); m == nil || html.UnescapeString(m[1]) != "Sam's <own> text" {
		t.Errorf("sam's text was not kept in the form: %q", m)
	}
	// Keep my text: the form now names the latest version, so the second
	// save replaces Jane's.
	again := revisionRE.FindStringSubmatch(r.body)
	if again == nil {
		t.Fatal("no revision in the conflict form")
	}
	sf.Set("revision", again[1])
	if r := sam.post(t, host, "/admin/pages/edit", sf); r.status != http.StatusSeeOther {
		t.Fatalf("sam keeps his text: %d\n%s", r.status, r.body)
	}
	if pub, err := store.PublishedPage("/clinics"); err != nil || pub.Revision.BodyMD != "Sam's <own> text" {
		t.Errorf("published after keeping his text: %q %v", pub.Revision.BodyMD, err)
	}
	// Take their version: the link opens the latest in the editor.
	if r := jane.get(t, host, "/admin/pages/edit?path=/clinics"); !strings.Contains(r.body, "Sam&#39;s &lt;own&gt; text") {
		t.Errorf("the editor does not open the latest version:\n%s", r.body)
	}
}

// TestMediaPickerListsOwnImages: the editor's picker reads the tenant's
// images (not its PDFs, not another tenant's) with their alt text and the
// address to insert; the editor links to the library for use without the
// script.
func TestMediaPickerListsOwnImages(t *testing.T) {
	s, _ := newMediaServer(t)
	a := s.tenant(t, "alpha")
	bt := s.tenant(t, "beta")
	s.user(t, a, "jane@example.nhs.uk", models.RoleEditor)
	s.user(t, bt, "bob@example.nhs.uk", models.RoleEditor)
	jane, bob := s.browser(), s.browser()
	jane.signIn(t, "alpha.localhost", "jane@example.nhs.uk")
	bob.signIn(t, "beta.localhost", "bob@example.nhs.uk")
	if r := jane.uploadMedia(t, "alpha.localhost", url.Values{"alt": {"The waiting room [new]"}}, &testMediaFile{"room.png", testMediaPNGFile(t, 800, 400)}); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", r.status, r.body)
	}
	if r := jane.uploadMedia(t, "alpha.localhost", url.Values{"title": {"Annual report"}}, &testMediaFile{"report.pdf", testMediaPDF}); r.status != http.StatusSeeOther {
		t.Fatalf("upload PDF: %d\n%s", r.status, r.body)
	}
	if r := bob.uploadMedia(t, "beta.localhost", url.Values{"alt": {"Beta's secret picture"}}, &testMediaFile{"b.png", testMediaPNGFile(t, 320, 320)}); r.status != http.StatusSeeOther {
		t.Fatalf("upload to beta: %d\n%s", r.status, r.body)
	}
	items, err := s.db.ForTenant(context.Background(), a.ID).AllMedia()
	if err != nil {
		t.Fatal(err)
	}
	var room models.Media
	for _, m := range items {
		if m.Kind == models.MediaImage {
			room = m
		}
	}

	r := jane.get(t, "alpha.localhost", "/admin/media/picker")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("picker: %d %s\n%s", r.status, r.header.Get("Content-Type"), r.body)
	}
	var got struct {
		Images []struct {
			ID            int64
			Src, Thumb    string
			Alt, Filename string
			Width, Height int
		}
		Upload string
	}
	if err := json.Unmarshal([]byte(r.body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Images) != 1 {
		t.Fatalf("picker lists %d images, want alpha's one image (no PDF, nothing of beta's): %s", len(got.Images), r.body)
	}
	im := got.Images[0]
	if im.ID != room.ID || im.Src != room.Src() || im.Alt != "The waiting room [new]" || im.Filename != "room.png" ||
		im.Width != 800 || im.Height != 400 || !strings.HasPrefix(im.Thumb, "/media/") || got.Upload != "/admin/media/new" {
		t.Errorf("picker image %+v, upload %q", im, got.Upload)
	}
	if strings.Contains(r.body, "secret") {
		t.Error("the picker shows another tenant's image")
	}
	if r := s.browser().get(t, "alpha.localhost", "/admin/media/picker"); r.status != http.StatusSeeOther {
		t.Errorf("picker signed out: %d, want the sign-in redirect", r.status)
	}

	// Without the script: the editors link to the library, whose rows show
	// the Markdown to copy, alt text escaped.
	for _, path := range []string{"/admin/pages/new", "/admin/news/new", "/admin/pages/edit?path=%2fprivacy"} {
		r := jane.get(t, "alpha.localhost", path)
		if !strings.Contains(r.body, `data-media-picker="/admin/media/picker"`) || !strings.Contains(r.body, `<a href="/admin/media" target="_blank" rel="noopener">images and files (opens in a new tab)</a>`) {
			t.Errorf("%s lacks the link to the media library:\n%s", path, r.body)
		}
	}
	if r := jane.get(t, "alpha.localhost", "/admin/media"); !strings.Contains(r.body, `![The waiting room \[new\]](`+room.Src()+`)`) {
		t.Errorf("the library does not show the image's Markdown:\n%s", r.body)
	}
}
