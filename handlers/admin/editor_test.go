package admin_test

import (
	"context"
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
