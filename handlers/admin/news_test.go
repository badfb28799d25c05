package admin_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
)

var postIDRE = regexp.MustCompile(`href="/admin/news/(\d+)/edit"`)

// newsToken opens a news form (path: /admin/news/new or …/edit) and returns
// its CSRF token.
func (b *browser) newsToken(t *testing.T, host, path string) string {
	t.Helper()
	r := b.get(t, host, path)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, r.status, r.body)
	}
	return csrf(t, r.body)
}

func TestNewsLifecycleReachesPublicSite(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	public := s.browser()
	public.get(t, host, "/news") // cached

	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	if r := b.get(t, host, "/admin"); !strings.Contains(r.body, `href="/admin/news"`) || !strings.Contains(r.body, `href="/admin/health"`) {
		t.Error("dashboard lacks links to news and site health")
	}

	// A draft: saved, listed as a draft, not public.
	tok := b.newsToken(t, host, "/admin/news/new")
	r := b.post(t, host, "/admin/news/new", url.Values{"_csrf": {tok}, "title": {"Flu clinics open"}, "summary": {"Book now"}, "body": {"Clinics on **Saturday**."}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/news?done=draft" {
		t.Fatalf("save draft: %d %q\n%s", r.status, r.location(), r.body)
	}
	list := b.get(t, host, r.location())
	if !strings.Contains(list.body, "Your draft has been saved") || !strings.Contains(list.body, "Flu clinics open") || !strings.Contains(list.body, "Draft") {
		t.Errorf("list after draft:\n%s", list.body)
	}
	m := postIDRE.FindStringSubmatch(list.body)
	if m == nil {
		t.Fatalf("no edit link:\n%s", list.body)
	}
	edit := "/admin/news/" + m[1] + "/edit"
	if r := public.get(t, host, "/news/flu-clinics-open"); r.status != http.StatusNotFound {
		t.Errorf("draft on the public site: %d", r.status)
	}

	// Scheduled: a future UK date.
	future := time.Now().In(hours.Location()).AddDate(0, 0, 3)
	tok = b.newsToken(t, host, edit)
	r = b.post(t, host, edit, url.Values{"_csrf": {tok}, "title": {"Flu clinics open"}, "body": {"Clinics on **Saturday**."}, "date": {future.Format("2006-01-02")}, "time": {"09:30"}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/news?done=scheduled" {
		t.Fatalf("schedule: %d %q\n%s", r.status, r.location(), r.body)
	}
	if list := b.get(t, host, "/admin/news"); !strings.Contains(list.body, "Scheduled for") {
		t.Errorf("list after scheduling:\n%s", list.body)
	}
	if r := public.get(t, host, "/news/flu-clinics-open"); r.status != http.StatusNotFound {
		t.Errorf("scheduled post on the public site: %d", r.status)
	}
	p, _ := s.db.ForTenant(context.Background(), tn.ID).AllPosts()
	if want := time.Date(future.Year(), future.Month(), future.Day(), 9, 30, 0, 0, hours.Location()); len(p) != 1 || !p[0].PublishedAt.Equal(want) {
		t.Errorf("scheduled for %v, want %v (UK time)", p[0].PublishedAt, want)
	}

	// Published: today; the cached /news shows it at once.
	tok = b.newsToken(t, host, edit)
	today := time.Now().In(hours.Location())
	r = b.post(t, host, edit, url.Values{"_csrf": {tok}, "title": {"Flu clinics open"}, "slug": {"flu-clinics"}, "body": {"Clinics on **Saturday**."}, "date": {today.Format("2006-01-02")}, "time": {"00:00"}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/news?done=published" {
		t.Fatalf("publish: %d %q\n%s", r.status, r.location(), r.body)
	}
	if r := public.get(t, host, "/news"); !strings.Contains(r.body, "Flu clinics open") {
		t.Errorf("public /news after publishing: %d\n%s", r.status, r.body)
	}
	if r := public.get(t, host, "/news/flu-clinics"); r.status != http.StatusOK || !strings.Contains(r.body, "<strong>Saturday</strong>") {
		t.Errorf("public post after publishing: %d", r.status)
	}
	if r := b.get(t, host, edit); !strings.Contains(r.body, "Published on") || !strings.Contains(r.body, "/news/flu-clinics") {
		t.Errorf("edit form of a published post:\n%s", r.body)
	}

	// Unpublish: gone from the public site.
	tok = b.newsToken(t, host, edit)
	r = b.post(t, host, "/admin/news/"+m[1]+"/unpublish", url.Values{"_csrf": {tok}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/news?done=unpublished" {
		t.Fatalf("unpublish: %d %q", r.status, r.location())
	}
	if r := public.get(t, host, "/news/flu-clinics"); r.status != http.StatusNotFound {
		t.Errorf("unpublished post on the public site: %d", r.status)
	}
	if r := public.get(t, host, "/news"); strings.Contains(r.body, "Flu clinics open") {
		t.Error("unpublished post still listed on /news")
	}

	// Delete, after a confirmation page.
	confirm := b.get(t, host, "/admin/news/"+m[1]+"/delete")
	if confirm.status != http.StatusOK || !strings.Contains(confirm.body, "Are you sure you want to delete") {
		t.Fatalf("delete confirmation: %d\n%s", confirm.status, confirm.body)
	}
	r = b.post(t, host, "/admin/news/"+m[1]+"/delete", url.Values{"_csrf": {csrf(t, confirm.body)}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/news?done=deleted" {
		t.Fatalf("delete: %d %q", r.status, r.location())
	}
	if r := b.get(t, host, edit); r.status != http.StatusNotFound {
		t.Errorf("deleted post's edit form: %d", r.status)
	}

	log, _ := s.db.ForTenant(context.Background(), tn.ID).AuditLog(10)
	var actions []string
	for _, e := range log {
		if strings.HasPrefix(e.Action, "news.") {
			actions = append(actions, e.Action+" "+e.Subject+" "+e.UserEmail)
		}
	}
	want := "news.delete /news/flu-clinics jane@example.nhs.uk|news.unpublish /news/flu-clinics jane@example.nhs.uk|news.publish /news/flu-clinics jane@example.nhs.uk|" +
		"news.schedule /news/flu-clinics-open jane@example.nhs.uk|news.save-draft /news/flu-clinics-open jane@example.nhs.uk"
	if got := strings.Join(actions, "|"); got != want {
		t.Errorf("audit log:\n%s\nwant\n%s", got, want)
	}
}

func TestNewsValidationAndCSRF(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "sam@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "sam@example.nhs.uk")
	tok := b.newsToken(t, host, "/admin/news/new")

	for _, tt := range []struct {
		form  url.Values
		field string
		msg   string
	}{
		{url.Values{"title": {" "}, "body": {"My unsaved words"}}, "title", "Enter a title"},
		{url.Values{"title": {"X"}, "slug": {"Bad Slug!"}, "body": {"My unsaved words"}}, "slug", "Use lower-case letters"},
		{url.Values{"title": {"X"}, "date": {"2026-02-31"}, "body": {"My unsaved words"}}, "date", "Enter a real date"},
		{url.Values{"title": {"X"}, "time": {"09:00"}, "body": {"My unsaved words"}}, "date", "Enter a date as well as a time"},
		{url.Values{"title": {"X"}, "date": {"2026-03-01"}, "time": {"25:00"}, "body": {"My unsaved words"}}, "time", "Enter a real time"},
	} {
		tt.form.Set("_csrf", tok)
		r := b.post(t, host, "/admin/news/new", tt.form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `<a href="#`+tt.field+`">`+tt.msg) ||
			!strings.Contains(r.body, `id="`+tt.field+`-error"`) || !strings.Contains(r.body, "My unsaved words") {
			t.Errorf("%v: %d\n%s", tt.form, r.status, r.body)
		}
	}
	// A slug another post uses.
	if _, err := s.db.ForTenant(context.Background(), tn.ID).SavePost(testActor, 0, models.Post{Title: "Taken"}); err != nil {
		t.Fatal(err)
	}
	r := b.post(t, host, "/admin/news/new", url.Values{"_csrf": {tok}, "title": {"Taken"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="slug-error"`) {
		t.Errorf("duplicate slug: %d", r.status)
	}

	// CSRF: a missing or wrong token is refused and nothing is written.
	for _, bad := range []string{"", "wrong"} {
		r := b.post(t, host, "/admin/news/new", url.Values{"_csrf": {bad}, "title": {"Forged"}})
		if r.status != http.StatusForbidden {
			t.Errorf("token %q: %d", bad, r.status)
		}
	}
	posts, _ := s.db.ForTenant(context.Background(), tn.ID).AllPosts()
	if len(posts) != 1 {
		t.Errorf("posts after refused writes: %d", len(posts))
	}
	id := posts[0].ID
	for _, path := range []string{"/edit", "/unpublish", "/delete"} {
		if r := b.post(t, host, "/admin/news/"+itoa(id)+path, url.Values{"title": {"Forged"}}); r.status != http.StatusForbidden {
			t.Errorf("POST %s without a token: %d", path, r.status)
		}
	}
	if p, err := s.db.ForTenant(context.Background(), tn.ID).PostByID(id); err != nil || p.Title != "Taken" {
		t.Errorf("post after forged writes: %+v %v", p, err)
	}

	// Signed out: sent to sign in.
	if r := s.browser().get(t, host, "/admin/news"); r.status != http.StatusSeeOther || r.location() != "/admin/sign-in" {
		t.Errorf("signed out: %d %q", r.status, r.location())
	}
}

func TestNewsOfAnotherTenantIs404(t *testing.T) {
	s := newServer(t, options{})
	a := s.tenant(t, "alpha")
	bt := s.tenant(t, "beta")
	s.user(t, a, "jane@example.nhs.uk", models.RoleManager)
	past := time.Now().Add(-time.Hour)
	beta := s.db.ForTenant(context.Background(), bt.ID)
	bp, err := beta.SavePost(testActor, 0, models.Post{Title: "Beta secret", BodyMD: "secret", PublishedAt: &past})
	if err != nil {
		t.Fatal(err)
	}
	const host = "alpha.localhost"
	jane := s.browser()
	jane.signIn(t, host, "jane@example.nhs.uk")
	tok := jane.newsToken(t, host, "/admin/news/new")
	id := itoa(bp.ID)
	for _, path := range []string{"/admin/news/" + id + "/edit", "/admin/news/" + id + "/delete"} {
		if r := jane.get(t, host, path); r.status != http.StatusNotFound || strings.Contains(r.body, "Beta secret") {
			t.Errorf("GET %s: %d", path, r.status)
		}
	}
	for _, path := range []string{"/edit", "/unpublish", "/delete"} {
		r := jane.post(t, host, "/admin/news/"+id+path, url.Values{"_csrf": {tok}, "title": {"Owned"}, "slug": {"owned"}})
		if r.status != http.StatusNotFound {
			t.Errorf("POST %s on beta's post: %d", path, r.status)
		}
	}
	if r := jane.get(t, host, "/admin/news"); strings.Contains(r.body, "Beta secret") {
		t.Error("alpha's news list shows beta's post")
	}
	if r := jane.get(t, host, "/admin/news/abc/edit"); r.status != http.StatusNotFound {
		t.Errorf("non-numeric id: %d", r.status)
	}
	p, err := beta.PostByID(bp.ID)
	if err != nil || p.Title != "Beta secret" || p.PublishedAt == nil {
		t.Errorf("beta's post was changed: %+v %v", p, err)
	}
	if _, err := s.db.ForTenant(context.Background(), a.ID).PostByID(bp.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("alpha sees beta's post: %v", err)
	}
	log := withoutSetup(beta.AuditLog(10))
	if len(log) != 0 {
		t.Errorf("beta's audit log: %+v", log)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
