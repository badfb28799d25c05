package admin_test

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
)

const pagesHost = "alpha.localhost"

// pagesSetup is a server with tenants alpha (signed in as an editor: pages
// are content, open to both roles) and beta, each with a published /about.
func pagesSetup(t *testing.T) (*server, models.Tenant, models.Tenant, *browser) {
	t.Helper()
	s := newServer(t, options{})
	a := s.tenant(t, "alpha")
	b := s.tenant(t, "beta")
	s.user(t, a, "jane@example.nhs.uk", models.RoleEditor)
	br := s.browser()
	br.signIn(t, pagesHost, "jane@example.nhs.uk")
	return s, a, b, br
}

// pagesToken returns the CSRF token of the signed-in browser.
func pagesToken(t *testing.T, b *browser) string {
	t.Helper()
	return csrf(t, b.get(t, pagesHost, "/admin/pages").body)
}

// pagesLatest is the latest revision of a page of tn.
func pagesLatest(t *testing.T, s *server, tn models.Tenant, path string) models.PageDraft {
	t.Helper()
	d, err := s.db.ForTenant(context.Background(), tn.ID).PageForEdit(path)
	if err != nil {
		t.Fatalf("page %s: %v", path, err)
	}
	return d
}

// pagesPut saves a page of tn directly.
func pagesPut(t *testing.T, s *server, tn models.Tenant, in models.PageInput) {
	t.Helper()
	if _, err := s.db.ForTenant(context.Background(), tn.ID).PutPage(in); err != nil {
		t.Fatal(err)
	}
}

func pagesWant(t *testing.T, what string, r response, status int, wants ...string) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d\n%s", what, r.status, status, r.body)
		return
	}
	for _, w := range wants {
		if !strings.Contains(r.body, w) {
			t.Errorf("%s: the page lacks %q\n%s", what, w, r.body)
		}
	}
}

func TestPagesListShowsStatusesAndLegalPages(t *testing.T) {
	s, a, _, b := pagesSetup(t)
	pagesPut(t, s, a, models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About v2", BodyMD: "changed", Draft: true})
	pagesPut(t, s, a, models.PageInput{By: models.Actor{Name: "test"}, Path: "/new-draft", Title: "Not yet", BodyMD: "x", Draft: true})
	pagesPut(t, s, a, models.PageInput{By: models.Actor{Name: "test"}, Path: "/privacy", Title: "Our privacy notice", BodyMD: "ours"})
	pagesPut(t, s, a, models.PageInput{By: models.Actor{Name: "test"}, Path: "/cookies", Title: "Our cookies", BodyMD: "ours", Draft: true})

	r := b.get(t, pagesHost, "/admin/pages")
	pagesWant(t, "pages list", r, http.StatusOK,
		`href="/admin/pages/new"`, "Create a page",
		`About v2<span class="nhsuk-u-visually-hidden"> (edit)</span>`, "Unpublished changes",
		"Not yet", ">Draft<", "<h2>Legal pages</h2>")
	// Each legal page says what the website shows, with the right actions.
	legal := r.body[strings.Index(r.body, "<h2>Legal pages</h2>"):]
	for _, w := range []string{
		`Accessibility statement <span class="nhsuk-u-font-weight-normal">(/accessibility)</span>`,
		`href="/admin/pages/edit?path=%2faccessibility">Write your own version`,
		`href="/admin/pages/edit?path=%2fprivacy">Edit your own version`,
		`href="/admin/pages/delete?path=%2fprivacy">Go back to the generated page`,
		"The website shows your own version.",
		"Your own version is a draft.",
	} {
		if !strings.Contains(legal, w) {
			t.Errorf("legal pages section lacks %q\n%s", w, legal)
		}
	}
	// The dashboard is a short overview that links here.
	pagesWant(t, "dashboard", b.get(t, pagesHost, "/admin"), http.StatusOK, `href="/admin/pages"`, "Recently updated pages", `href="/admin/news"`)
}

func TestCreatePage(t *testing.T) {
	s, a, b, br := pagesSetup(t)
	public := s.browser()
	pagesWant(t, "public /flu before", public.get(t, pagesHost, "/flu"), http.StatusNotFound)

	form := br.get(t, pagesHost, "/admin/pages/new")
	pagesWant(t, "create form", form, http.StatusOK, `for="title">Title</label>`, `for="path">Web address</label>`, `data-editor`, `value="publish">Publish</button>`)
	tok := csrf(t, form.body)

	tests := []struct {
		name, path, title, field, message string
	}{
		{"no title", "/flu", " ", "title", "Enter a title"},
		{"no path", "", "Flu", "path", "Enter a path, like /about"},
		{"upper-case path", "/Flu Jabs", "Flu", "path", "Use a path like /about"},
		{"reserved path", "/admin/x", "Flu", "path", "/admin is used by the platform"},
		{"path the site makes itself", "/news/flu", "Flu", "path", "The website makes /news itself"},
		{"taken path", "/about", "Flu", "path", "A page already has this web address"},
		{"beta's path is not alpha's problem, but a bad one is", "flu//x", "Flu", "path", "Use a path like"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := br.post(t, pagesHost, "/admin/pages/new", url.Values{"_csrf": {tok}, "path": {tt.path}, "title": {tt.title}, "body": {"My typed words"}, "action": {"publish"}})
			pagesWant(t, tt.name, r, http.StatusUnprocessableEntity, `<a href="#`+tt.field+`">`+html.EscapeString(tt.message), `id="`+tt.field+`-error"`, "My typed words")
		})
	}
	if d := pagesLatest(t, s, a, "/about"); d.Revision.Title != "About alpha" {
		t.Errorf("a refused create changed /about: %q", d.Revision.Title)
	}

	// Without the form's token: refused, nothing created.
	r := br.post(t, pagesHost, "/admin/pages/new", url.Values{"path": {"/flu"}, "title": {"Flu"}, "body": {"x"}, "action": {"publish"}})
	if r.status != http.StatusForbidden {
		t.Errorf("create without CSRF token: %d", r.status)
	}
	if _, err := s.db.ForTenant(context.Background(), a.ID).PageForEdit("/flu"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("a create without token wrote: %v", err)
	}

	// A path beta uses is free for alpha, and a create publishes at once.
	pagesPut(t, s, b, models.PageInput{By: models.Actor{Name: "test"}, Path: "/flu", Title: "Beta flu", BodyMD: "beta"})
	r = br.post(t, pagesHost, "/admin/pages/new", url.Values{"_csrf": {tok}, "path": {"flu"}, "title": {"Flu jabs"}, "body": {"Book your **flu** jab."}, "action": {"publish"}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/pages/edit?path=%2Fflu&saved=publish" {
		t.Fatalf("create: %d %q\n%s", r.status, r.location(), r.body)
	}
	pagesWant(t, "editor after create", br.get(t, pagesHost, r.location()), http.StatusOK, "Your changes have been published.", "Book your **flu** jab.")
	pagesWant(t, "public /flu after", public.get(t, pagesHost, "/flu"), http.StatusOK, "<strong>flu</strong>", "Flu jabs")
	log, _ := s.db.ForTenant(context.Background(), a.ID).AuditLog(1)
	if len(log) != 1 || log[0].Action != models.AuditPagePublish || log[0].Subject != "/flu" {
		t.Errorf("audit log: %+v", log)
	}

	// A draft is created but not public.
	r = br.post(t, pagesHost, "/admin/pages/new", url.Values{"_csrf": {tok}, "path": {"/later"}, "title": {"Later"}, "body": {"soon"}, "action": {"draft"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("create draft: %d", r.status)
	}
	pagesWant(t, "public draft", public.get(t, pagesHost, "/later"), http.StatusNotFound)

	// Signed out: to the sign-in page.
	if r := s.browser().get(t, pagesHost, "/admin/pages/new"); r.status != http.StatusSeeOther || r.location() != "/admin/sign-in" {
		t.Errorf("signed-out create form: %d %q", r.status, r.location())
	}
}

func TestUnpublishAndDeletePage(t *testing.T) {
	s, a, b, br := pagesSetup(t)
	public := s.browser()
	pagesWant(t, "public before", public.get(t, pagesHost, "/about"), http.StatusOK, "alpha original text")

	edit := br.get(t, pagesHost, "/admin/pages/edit?path=%2fabout")
	pagesWant(t, "edit page", edit, http.StatusOK, `action="/admin/pages/unpublish"`, `href="/admin/pages/delete?path=%2fabout">Delete this page`,
		`href="/admin/pages/history?path=%2fabout"`, `href="/admin/pages/preview?path=%2fabout"`)
	tok := csrf(t, edit.body)
	base := strconv.FormatInt(pagesLatest(t, s, a, "/about").Revision.ID, 10)

	// Refusals first: no token, another tenant's page, a stale base.
	if r := br.post(t, pagesHost, "/admin/pages/unpublish", url.Values{"path": {"/about"}, "revision": {base}}); r.status != http.StatusForbidden {
		t.Errorf("unpublish without CSRF token: %d", r.status)
	}
	pagesPut(t, s, b, models.PageInput{By: models.Actor{Name: "test"}, Path: "/beta-only", Title: "Beta only", BodyMD: "beta"})
	betaBase := strconv.FormatInt(pagesLatest(t, s, b, "/beta-only").Revision.ID, 10)
	for _, p := range []string{"/admin/pages/unpublish", "/admin/pages/delete"} {
		if r := br.post(t, pagesHost, p, url.Values{"_csrf": {tok}, "path": {"/beta-only"}, "revision": {betaBase}}); r.status != http.StatusNotFound {
			t.Errorf("POST %s of beta's page: %d", p, r.status)
		}
	}
	if r := br.get(t, pagesHost, "/admin/pages/delete?path=%2fbeta-only"); r.status != http.StatusNotFound {
		t.Errorf("delete confirmation of beta's page: %d", r.status)
	}
	if _, err := s.db.ForTenant(context.Background(), b.ID).PublishedPage("/beta-only"); err != nil {
		t.Errorf("beta's page was touched: %v", err)
	}
	pagesPut(t, s, a, models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About alpha", BodyMD: "someone else's words"})
	r := br.post(t, pagesHost, "/admin/pages/unpublish", url.Values{"_csrf": {tok}, "path": {"/about"}, "revision": {base}})
	pagesWant(t, "stale unpublish", r, http.StatusConflict, "Someone else changed this page after you opened it, so it has not been unpublished")
	pagesWant(t, "public after a stale unpublish", public.get(t, pagesHost, "/about"), http.StatusOK, "someone else&#39;s words")

	// Unpublish: off the website, kept as a draft.
	base = strconv.FormatInt(pagesLatest(t, s, a, "/about").Revision.ID, 10)
	r = br.post(t, pagesHost, "/admin/pages/unpublish", url.Values{"_csrf": {tok}, "path": {"/about"}, "revision": {base}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("unpublish: %d\n%s", r.status, r.body)
	}
	pagesWant(t, "after unpublish", br.get(t, pagesHost, r.location()), http.StatusOK, "The page has been unpublished")
	pagesWant(t, "public after unpublish", public.get(t, pagesHost, "/about"), http.StatusNotFound)
	pagesWant(t, "list after unpublish", br.get(t, pagesHost, "/admin/pages"), http.StatusOK, "About alpha", ">Draft<")

	// Delete: a confirmation, then the page and its history are gone.
	confirm := br.get(t, pagesHost, "/admin/pages/delete?path=%2fabout")
	pagesWant(t, "delete confirmation", confirm, http.StatusOK, "Are you sure you want to delete “About alpha”?", `value="`+base+`"`, "Yes, delete it")
	if r := br.post(t, pagesHost, "/admin/pages/delete", url.Values{"path": {"/about"}, "revision": {base}}); r.status != http.StatusForbidden {
		t.Errorf("delete without CSRF token: %d", r.status)
	}
	pagesPut(t, s, a, models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About alpha", BodyMD: "newer", Draft: true})
	r = br.post(t, pagesHost, "/admin/pages/delete", url.Values{"_csrf": {tok}, "path": {"/about"}, "revision": {base}})
	pagesWant(t, "stale delete", r, http.StatusConflict, "so it has not been deleted")
	base = strconv.FormatInt(pagesLatest(t, s, a, "/about").Revision.ID, 10)
	r = br.post(t, pagesHost, "/admin/pages/delete", url.Values{"_csrf": {tok}, "path": {"/about"}, "revision": {base}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/pages?done=deleted" {
		t.Fatalf("delete: %d %q\n%s", r.status, r.location(), r.body)
	}
	pagesWant(t, "list after delete", br.get(t, pagesHost, r.location()), http.StatusOK, "The page has been deleted.")
	if _, err := s.db.ForTenant(context.Background(), a.ID).Revisions("/about"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("the page is still there: %v", err)
	}
	log := withoutSetup(s.db.ForTenant(context.Background(), a.ID).AuditLog(10))
	if len(log) < 2 || log[0].Action != "page.delete" || log[1].Action != "page.unpublish" || log[0].Subject != "/about" {
		t.Errorf("audit log: %+v", log)
	}
}

func TestLegalPageOverride(t *testing.T) {
	s, a, _, br := pagesSetup(t)
	public := s.browser()
	generated := public.get(t, pagesHost, "/privacy")
	pagesWant(t, "generated privacy notice", generated, http.StatusOK, "Privacy notice")

	// "Write your own version" opens an empty editor for the path.
	form := br.get(t, pagesHost, "/admin/pages/edit?path=%2fprivacy")
	pagesWant(t, "own version form", form, http.StatusOK, "Write your own privacy notice", `name="revision" value="0"`, "instead of the page generated from your settings", "data-editor")
	if strings.Contains(form.body, "/admin/pages/delete") {
		t.Error("a page that does not exist yet offers to be deleted")
	}
	// Other paths that do not exist stay 404s.
	if r := br.get(t, pagesHost, "/admin/pages/edit?path=%2fnowhere"); r.status != http.StatusNotFound {
		t.Errorf("edit of a missing page: %d", r.status)
	}

	r := br.post(t, pagesHost, "/admin/pages/edit", url.Values{"_csrf": {csrf(t, form.body)}, "path": {"/privacy"}, "revision": {"0"},
		"title": {"How we use your data"}, "body": {"We keep **very little**."}, "action": {"publish"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("publish own privacy notice: %d\n%s", r.status, r.body)
	}
	pagesWant(t, "public own privacy notice", public.get(t, pagesHost, "/privacy"), http.StatusOK, "How we use your data", "<strong>very little</strong>")
	pagesWant(t, "legal section", br.get(t, pagesHost, "/admin/pages"), http.StatusOK, "The website shows your own version.")

	// "Go back to the generated page": a confirmation, then the override is deleted.
	confirm := br.get(t, pagesHost, "/admin/pages/delete?path=%2fprivacy")
	pagesWant(t, "go back confirmation", confirm, http.StatusOK, "Are you sure you want to delete your own version of the Privacy notice?", "generated from your settings")
	base := strconv.FormatInt(pagesLatest(t, s, a, "/privacy").Revision.ID, 10)
	r = br.post(t, pagesHost, "/admin/pages/delete", url.Values{"_csrf": {csrf(t, confirm.body)}, "path": {"/privacy"}, "revision": {base}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/pages?done=generated" {
		t.Fatalf("go back to generated: %d %q", r.status, r.location())
	}
	back := public.get(t, pagesHost, "/privacy")
	if back.status != http.StatusOK || strings.Contains(back.body, "very little") {
		t.Errorf("public /privacy after going back: %d\n%s", back.status, back.body)
	}
}

var pagesRestoreRE = regexp.MustCompile(`name="restore" value="(\d+)"`)

func TestPageHistoryCompareAndRestore(t *testing.T) {
	s, a, b, br := pagesSetup(t)
	public := s.browser()
	pagesPut(t, s, a, models.PageInput{By: models.Actor{Name: "sam@example.nhs.uk"}, Path: "/about", Title: "About alpha", BodyMD: "alpha original text\nsecond line"})
	first := pagesLatest(t, s, a, "/about").Revision.ID
	pagesPut(t, s, a, models.PageInput{By: models.Actor{Name: "ann@example.nhs.uk"}, Path: "/about", Title: "About alpha", BodyMD: "alpha new text\nsecond line", Draft: true})
	latest := pagesLatest(t, s, a, "/about").Revision.ID

	h := br.get(t, pagesHost, "/admin/pages/history?path=%2fabout")
	pagesWant(t, "history", h, http.StatusOK, "History of “About alpha”", "ann@example.nhs.uk", "sam@example.nhs.uk", "Live on the website", "Latest", "(UK time)")
	if strings.Index(h.body, "ann@example.nhs.uk") > strings.Index(h.body, "sam@example.nhs.uk") {
		t.Error("history is not newest first")
	}

	// Compare: the removed and added lines are marked in words and symbols.
	c := br.get(t, pagesHost, "/admin/pages/compare?path=%2fabout&from="+strconv.FormatInt(first, 10)+"&to="+strconv.FormatInt(latest, 10))
	pagesWant(t, "compare", c, http.StatusOK, "− Removed</span> <del>alpha original text</del>", "+ Added</span> <ins>alpha new text</ins>",
		"1 line added, 1 line removed", "second line")
	pagesWant(t, "compare by default", br.get(t, pagesHost, "/admin/pages/compare?path=%2fabout"), http.StatusOK, "<del>alpha original text</del>")
	pagesPut(t, s, b, models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "Beta", BodyMD: "beta secret"})
	betaRev := pagesLatest(t, s, b, "/about").Revision.ID
	if r := br.get(t, pagesHost, "/admin/pages/compare?path=%2fabout&from="+strconv.FormatInt(betaRev, 10)); r.status != http.StatusNotFound || strings.Contains(r.body, "beta secret") {
		t.Errorf("compare with beta's revision: %d", r.status)
	}

	// Restore: refused without token, for beta's revision, and from a stale list.
	tok := csrf(t, h.body)
	m := pagesRestoreRE.FindAllStringSubmatch(h.body, -1)
	if len(m) == 0 || m[len(m)-1][1] == strconv.FormatInt(latest, 10) {
		t.Fatalf("no restore buttons for older versions:\n%s", h.body)
	}
	restore := func(id, base int64, withToken bool) response {
		f := url.Values{"path": {"/about"}, "restore": {strconv.FormatInt(id, 10)}, "revision": {strconv.FormatInt(base, 10)}}
		if withToken {
			f.Set("_csrf", tok)
		}
		return br.post(t, pagesHost, "/admin/pages/restore", f)
	}
	if r := restore(first, latest, false); r.status != http.StatusForbidden {
		t.Errorf("restore without CSRF token: %d", r.status)
	}
	if r := restore(betaRev, latest, true); r.status != http.StatusNotFound {
		t.Errorf("restore of beta's revision: %d", r.status)
	}
	if r := restore(first, first, true); r.status != http.StatusConflict || !strings.Contains(r.body, "nothing has been restored") {
		t.Errorf("stale restore: %d\n%s", r.status, r.body)
	}
	if got := pagesLatest(t, s, a, "/about").Revision.ID; got != latest {
		t.Errorf("a refused restore wrote revision %d", got)
	}

	r := restore(first, latest, true)
	if r.status != http.StatusSeeOther {
		t.Fatalf("restore: %d\n%s", r.status, r.body)
	}
	pagesWant(t, "editor after restore", br.get(t, pagesHost, r.location()), http.StatusOK, "copied into a new draft", "alpha original text\nsecond line")
	d := pagesLatest(t, s, a, "/about")
	if d.Revision.BodyMD != "alpha original text\nsecond line" || d.Revision.Author != "jane@example.nhs.uk" || d.Revision.ID == first {
		t.Errorf("restored revision: %+v", d.Revision)
	}
	pagesWant(t, "public after restore (draft only)", public.get(t, pagesHost, "/about"), http.StatusOK, "alpha original text")
	// Beta's history is not alpha's business.
	if r := br.get(t, pagesHost, "/admin/pages/history?path=%2fbeta-none"); r.status != http.StatusNotFound {
		t.Errorf("history of a missing page: %d", r.status)
	}
}

func TestPageHistoryLabelsDraftsAndSeconds(t *testing.T) {
	s, a, _, br := pagesSetup(t)
	pagesPut(t, s, a, models.PageInput{By: models.Actor{Name: "sam@example.nhs.uk"}, Path: "/about", Title: "About alpha", BodyMD: "one"})
	pagesPut(t, s, a, models.PageInput{By: models.Actor{Name: "ann@example.nhs.uk"}, Path: "/about", Title: "About alpha", BodyMD: "two", Draft: true})
	h := br.get(t, pagesHost, "/admin/pages/history?path=%2fabout")
	pagesWant(t, "history", h, http.StatusOK, "Live on the website", "Draft: not published", "Version 2, ", "Version 1, ", "(draft)", "(live)")
	if n := len(pagesSecondsRE.FindAllString(h.body, -1)); n < 2 {
		t.Errorf("history shows %d times with seconds:\n%s", n, h.body)
	}
}

var pagesSecondsRE = regexp.MustCompile(`at \d{1,2}:\d{2}:\d{2}[ap]m`)

func TestPagePreviewIsPrivateAndNeverPublic(t *testing.T) {
	s, a, b, br := pagesSetup(t)
	public := s.browser()
	pagesWant(t, "public before", public.get(t, pagesHost, "/about"), http.StatusOK, "alpha original text")
	public.get(t, pagesHost, "/about") // cached now
	pagesPut(t, s, a, models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About alpha", BodyMD: "Draft words **not live**", Draft: true})
	pagesPut(t, s, b, models.PageInput{By: models.Actor{Name: "test"}, Path: "/beta-only", Title: "Beta", BodyMD: "beta draft", Draft: true})

	p := br.get(t, pagesHost, "/admin/pages/preview?path=%2fabout")
	pagesWant(t, "preview", p, http.StatusOK, "Draft words <strong>not live</strong>", "Preview – this version is not published",
		`<meta name="robots" content="noindex">`, "nhsuk-header")
	if p.header.Get("Cache-Control") != "no-store" || !strings.Contains(p.header.Get("X-Robots-Tag"), "noindex") {
		t.Errorf("preview headers: Cache-Control %q, X-Robots-Tag %q", p.header.Get("Cache-Control"), p.header.Get("X-Robots-Tag"))
	}
	// The public page is unchanged, before and after the cache.
	for i := 0; i < 2; i++ {
		r := public.get(t, pagesHost, "/about")
		if r.status != http.StatusOK || !strings.Contains(r.body, "alpha original text") || strings.Contains(r.body, "Draft words") || strings.Contains(r.body, "not published") {
			t.Errorf("public /about after a preview: %d %s\n%s", r.status, r.header.Get("Cache-Status"), r.body)
		}
	}
	// An older revision can be previewed too.
	revs, _ := s.db.ForTenant(context.Background(), a.ID).Revisions("/about")
	first := strconv.FormatInt(revs[len(revs)-1].ID, 10)
	pagesWant(t, "preview of a revision", br.get(t, pagesHost, "/admin/pages/preview?path=%2fabout&revision="+first), http.StatusOK, "alpha original text")

	// The home page and the contact page preview in their own layouts.
	pagesPut(t, s, a, models.PageInput{By: models.Actor{Name: "test"}, Path: "/", Title: "Home", BodyMD: "Welcome *draft*", Draft: true})
	pagesPut(t, s, a, models.PageInput{By: models.Actor{Name: "test"}, Path: "/contact", Title: "Contact", BodyMD: "Call us *draft*", Draft: true})
	pagesWant(t, "home preview", br.get(t, pagesHost, "/admin/pages/preview?path=%2f"), http.StatusOK,
		"Welcome <em>draft</em>", "Contact a practice", "Preview – this version is not published", `<meta name="robots" content="noindex">`)
	pagesWant(t, "contact preview", br.get(t, pagesHost, "/admin/pages/preview?path=%2fcontact"), http.StatusOK,
		"Call us <em>draft</em>", "Contact us", "Preview – this version is not published")
	for _, path := range []string{"/", "/contact"} {
		if r := public.get(t, pagesHost, path); strings.Contains(r.body, "draft</em>") || strings.Contains(r.body, "not published") {
			t.Errorf("public %s shows the draft", path)
		}
	}

	for _, path := range []string{"/admin/pages/preview?path=%2fbeta-only", "/admin/pages/preview?path=%2fnowhere", "/admin/pages/preview?path=..%2fetc",
		"/admin/pages/history?path=%2fbeta-only", "/admin/pages/compare?path=%2fbeta-only", "/admin/pages/edit?path=%2fbeta-only"} {
		if r := br.get(t, pagesHost, path); r.status != http.StatusNotFound || strings.Contains(r.body, "beta draft") {
			t.Errorf("GET %s: %d", path, r.status)
		}
	}
	if r := s.browser().get(t, pagesHost, "/admin/pages/preview?path=%2fabout"); r.status != http.StatusSeeOther || strings.Contains(r.body, "Draft words") {
		t.Errorf("signed-out preview: %d", r.status)
	}
}

func TestMarkdownPreviewEndpoint(t *testing.T) {
	s, _, _, br := pagesSetup(t)
	tok := pagesToken(t, br)
	r := br.post(t, pagesHost, "/admin/preview/markdown", url.Values{"_csrf": {tok}, "body": {"## Opening\n\n**Bold** <script>alert(1)</script> [x](javascript:alert(1))\n\n| a | b |\n| - | - |\n| 1 | 2 |"}})
	pagesWant(t, "markdown preview", r, http.StatusOK, `<h2 id="opening">Opening</h2>`, "<strong>Bold</strong>", "<table>")
	for _, bad := range []string{"<script", "javascript:", "alert(1)</script>"} {
		if strings.Contains(r.body, bad) {
			t.Errorf("the preview kept %q:\n%s", bad, r.body)
		}
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("preview Cache-Control %q", r.header.Get("Cache-Control"))
	}
	if r := br.post(t, pagesHost, "/admin/preview/markdown", url.Values{"body": {"x"}}); r.status != http.StatusForbidden {
		t.Errorf("preview without CSRF token: %d", r.status)
	}
	if r := s.browser().post(t, pagesHost, "/admin/preview/markdown", url.Values{"_csrf": {tok}, "body": {"x"}}); r.status != http.StatusSeeOther || r.location() != "/admin/sign-in" {
		t.Errorf("signed-out preview: %d %q", r.status, r.location())
	}
	big := strings.Repeat("a", 300<<10)
	if r := br.post(t, pagesHost, "/admin/preview/markdown", url.Values{"_csrf": {tok}, "body": {big}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "too long") {
		t.Errorf("preview of a too long text: %d", r.status)
	}
	// Every editor page loads the script and marks its body.
	page := br.get(t, pagesHost, "/admin/pages/edit?path=%2fabout")
	pagesWant(t, "editor page", page, http.StatusOK, `<script src="/static/`, `editor.`, `data-editor>`)
	pagesWant(t, "news form", br.get(t, pagesHost, "/admin/news/new"), http.StatusOK, `data-editor>`)
}

// A template page (NHS England's, generated from the practices' details) is
// overridden and brought back exactly as a legal page is: listed on the
// Pages page, "Write your own version", publish, then "Go back to the
// generated page", audited.
func TestTemplatePageOverrideAndBack(t *testing.T) {
	s, a, _, br := pagesSetup(t)
	public := s.browser()
	pagesWant(t, "generated appointments", public.get(t, pagesHost, "/appointments"), http.StatusOK, "Ask your practice for an appointment")

	list := br.get(t, pagesHost, "/admin/pages")
	pagesWant(t, "pages list", list, http.StatusOK, "<h2>Pages made from your practices' details</h2>",
		`“Appointments” page <span class="nhsuk-u-font-weight-normal">(/appointments)</span>`,
		`href="/admin/pages/edit?path=%2fpatient-group">Write your own version`)

	form := br.get(t, pagesHost, "/admin/pages/edit?path=%2fappointments")
	pagesWant(t, "own version form", form, http.StatusOK, `name="revision" value="0"`, "instead of the page generated from your practices&#39; details and settings")
	r := br.post(t, pagesHost, "/admin/pages/edit", url.Values{"_csrf": {csrf(t, form.body)}, "path": {"/appointments"}, "revision": {"0"},
		"title": {"Booking an appointment"}, "body": {"Phone **your practice** at 8am."}, "action": {"publish"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("publish own appointments page: %d\n%s", r.status, r.body)
	}
	pagesWant(t, "public own appointments", public.get(t, pagesHost, "/appointments"), http.StatusOK, "Booking an appointment", "<strong>your practice</strong>")
	list = br.get(t, pagesHost, "/admin/pages")
	guides := list.body[strings.Index(list.body, "Pages made from your practices"):]
	if !strings.Contains(guides, `href="/admin/pages/delete?path=%2fappointments">Go back to the generated page`) {
		t.Errorf("the overridden template page offers no way back:\n%s", guides)
	}

	confirm := br.get(t, pagesHost, "/admin/pages/delete?path=%2fappointments")
	pagesWant(t, "go back confirmation", confirm, http.StatusOK, "Are you sure you want to delete your own version of the “Appointments” page?",
		"generated from your practices&#39; details and settings")
	base := strconv.FormatInt(pagesLatest(t, s, a, "/appointments").Revision.ID, 10)
	r = br.post(t, pagesHost, "/admin/pages/delete", url.Values{"_csrf": {csrf(t, confirm.body)}, "path": {"/appointments"}, "revision": {base}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/pages?done=generated" {
		t.Fatalf("go back to generated: %d %q", r.status, r.location())
	}
	back := public.get(t, pagesHost, "/appointments")
	if back.status != http.StatusOK || strings.Contains(back.body, "your practice</strong>") || !strings.Contains(back.body, "Ask your practice for an appointment") {
		t.Errorf("public /appointments after going back: %d\n%s", back.status, back.body)
	}
	log := withoutSetup(s.db.ForTenant(context.Background(), a.ID).AuditLog(10))
	if len(log) == 0 || log[0].Action != "page.delete" || log[0].Subject != "/appointments" {
		t.Errorf("audit log: %+v", log)
	}
}
