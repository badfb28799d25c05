package admin_test

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
)

func TestEditAndPublishReachesPublicSite(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	public := s.browser()
	if r := public.get(t, host, "/about"); !strings.Contains(r.body, "alpha original text") {
		t.Fatalf("public /about before: %d", r.status)
	}
	public.get(t, host, "/about") // now cached

	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	page := b.get(t, host, "/admin/pages/edit?path=%2fabout")
	for _, want := range []string{`for="title">Title</label>`, `<textarea class="nhsuk-textarea" id="body" name="body"`, "alpha original text", `value="publish">Publish</button>`, `value="draft">Save draft</button>`, `name="revision"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("edit form lacks %s", want)
		}
	}

	// A draft is saved but not shown to patients.
	f := b.editForm(t, host, "/about")
	f.Set("title", "About us")
	f.Set("body", "Draft text\r\n\r\n- one")
	f.Set("action", "draft")
	r := b.post(t, host, "/admin/pages/edit", f)
	if r.status != http.StatusSeeOther {
		t.Fatalf("save draft: %d\n%s", r.status, r.body)
	}
	if r := b.get(t, host, r.location()); !strings.Contains(r.body, "Your draft has been saved") || !strings.Contains(r.body, "Draft text\n\n- one") {
		t.Errorf("after saving a draft:\n%s", r.body)
	}
	if r := public.get(t, host, "/about"); !strings.Contains(r.body, "alpha original text") {
		t.Error("a draft reached the public site")
	}

	// Publish: visible at once, through the cache's invalidation.
	f = b.editForm(t, host, "/about")
	f.Set("title", "About us")
	f.Set("body", "We are **five** practices.")
	f.Set("action", "publish")
	if r := b.post(t, host, "/admin/pages/edit", f); r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d\n%s", r.status, r.body)
	}
	r = public.get(t, host, "/about")
	if !strings.Contains(r.body, "<strong>five</strong>") || !strings.Contains(r.body, "About us") {
		t.Errorf("public /about after publishing: %d %s\n%s", r.status, r.header.Get("Cache-Status"), r.body)
	}
	log, _ := s.db.ForTenant(context.Background(), tn.ID).AuditLog(10)
	if len(log) < 3 || log[0].Action != models.AuditPagePublish || log[0].Subject != "/about" || log[1].Action != models.AuditPageSaveDraft {
		t.Errorf("audit log: %+v", log)
	}
	revs, _ := s.db.ForTenant(context.Background(), tn.ID).Revisions("/about")
	if revs[0].Author != "jane@example.nhs.uk" {
		t.Errorf("revision author %q", revs[0].Author)
	}

	// A validation error is shown next to the field, with the text kept.
	f = b.editForm(t, host, "/about")
	f.Set("title", "  ")
	f.Set("body", "My unsaved words")
	f.Set("action", "publish")
	r = b.post(t, host, "/admin/pages/edit", f)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `<a href="#title">Enter a title</a>`) ||
		!strings.Contains(r.body, `id="title-error"`) || !strings.Contains(r.body, "My unsaved words") {
		t.Errorf("empty title: %d\n%s", r.status, r.body)
	}
}

func TestConcurrentEditRefusedAndTextKept(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	s.user(t, tn, "sam@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	jane, sam := s.browser(), s.browser()
	jane.signIn(t, host, "jane@example.nhs.uk")
	sam.signIn(t, host, "sam@example.nhs.uk")
	jf := jane.editForm(t, host, "/about")
	sf := sam.editForm(t, host, "/about")

	jf.Set("title", "About")
	jf.Set("body", "Jane's version")
	jf.Set("action", "publish")
	if r := jane.post(t, host, "/admin/pages/edit", jf); r.status != http.StatusSeeOther {
		t.Fatalf("jane publishes: %d", r.status)
	}
	sf.Set("title", "About")
	sf.Set("body", "Sam's <careful> version")
	sf.Set("action", "publish")
	r := sam.post(t, host, "/admin/pages/edit", sf)
	if r.status != http.StatusConflict || !strings.Contains(r.body, "After you opened this page") {
		t.Fatalf("sam's stale save: %d\n%s", r.status, r.body)
	}
	m := textareaRE.FindStringSubmatch(r.body)
	if m == nil || html.UnescapeString(m[1]) != "Sam's <careful> version" {
		t.Errorf("sam's text was not kept in the form: %q", m)
	}
	pub, _ := s.db.ForTenant(context.Background(), tn.ID).PublishedPage("/about")
	if pub.Revision.BodyMD != "Jane's version" {
		t.Fatalf("the stale save overwrote: %q", pub.Revision.BodyMD)
	}
	// Sam, now warned, saves again from the form he was given: accepted.
	again := revisionRE.FindStringSubmatch(r.body)
	sf.Set("revision", again[1])
	if r := sam.post(t, host, "/admin/pages/edit", sf); r.status != http.StatusSeeOther {
		t.Errorf("sam's deliberate second save: %d", r.status)
	}
}
