package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
)

var menuFingerprintRE = regexp.MustCompile(`name="fingerprint" value="([0-9a-f]+)"`)

// menuOpen opens the menu page and returns its token and fingerprint.
func menuOpen(t *testing.T, b *browser, host string) (string, string, string) {
	t.Helper()
	r := b.get(t, host, "/admin/menu")
	if r.status != http.StatusOK {
		t.Fatalf("GET menu: %d\n%s", r.status, r.body)
	}
	fp := ""
	if m := menuFingerprintRE.FindStringSubmatch(r.body); m != nil {
		fp = m[1]
	}
	return csrf(t, r.body), fp, r.body
}

func menuTitles(t *testing.T, s *server, tn models.Tenant) string {
	t.Helper()
	items, _, err := s.db.ForTenant(context.Background(), tn.ID).Menu()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, it := range items {
		out = append(out, it.Title)
	}
	return strings.Join(out, ",")
}

func TestMenuEditing(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	beta := s.tenant(t, "beta")
	s.user(t, tn, "ed@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	ctx := context.Background()
	b := s.browser()
	b.signIn(t, host, "ed@example.nhs.uk")
	public := s.browser()
	public.get(t, host, "/about")

	tok, fp, body := menuOpen(t, b, host)
	if strings.Contains(body, "The menu has 0 items") || !strings.Contains(body, "the website shows the standard menu of") || !strings.Contains(body, `<option value="/about">About alpha (/about)</option>`) {
		t.Fatalf("empty menu page:\n%s", body)
	}

	// Validation next to the field; CSRF; stale fingerprint.
	for _, tt := range []struct {
		form  url.Values
		field string
		msg   string
	}{
		{url.Values{"path": {""}}, "path", "Choose a page from the list"},
		{url.Values{"path": {"/not-a-page"}, "title": {"Nowhere"}}, "path", "Choose a page from the list"},
		{url.Values{"path": {"/news"}, "title": {strings.Repeat("x", 41)}}, "title", "Use 40 characters or fewer"},
	} {
		tt.form.Set("_csrf", tok)
		tt.form.Set("fingerprint", fp)
		r := b.post(t, host, "/admin/menu/add", tt.form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `<a href="#`+tt.field+`">`+tt.msg) || !strings.Contains(r.body, `id="`+tt.field+`-error"`) {
			t.Errorf("%v: %d\n%s", tt.form, r.status, r.body)
		}
	}
	if r := b.post(t, host, "/admin/menu/add", url.Values{"fingerprint": {fp}, "path": {"/news"}}); r.status != http.StatusForbidden {
		t.Errorf("add without a CSRF token: %d", r.status)
	}
	if got := menuTitles(t, s, tn); got != "" {
		t.Fatalf("refused adds wrote: %s", got)
	}

	// Add: an empty label takes the page's.
	add := func(path, title string) {
		t.Helper()
		tok, fp, _ := menuOpen(t, b, host)
		r := b.post(t, host, "/admin/menu/add", url.Values{"_csrf": {tok}, "fingerprint": {fp}, "path": {path}, "title": {title}})
		if r.status != http.StatusSeeOther || r.location() != "/admin/menu?done=added" {
			t.Fatalf("add %s: %d %q\n%s", path, r.status, r.location(), r.body)
		}
	}
	add("/practices", "")
	add("/about", "About us")
	if got := menuTitles(t, s, tn); got != "Practices,About us" {
		t.Errorf("menu: %s", got)
	}
	if r := public.get(t, host, "/about"); !strings.Contains(r.body, "About us") {
		t.Error("the public site does not show the new menu at once")
	}

	// A form opened before the last change is refused with 409.
	r := b.post(t, host, "/admin/menu/add", url.Values{"_csrf": {tok}, "fingerprint": {fp}, "path": {"/news"}, "title": {"News"}})
	if r.status != http.StatusConflict || !strings.Contains(r.body, "Someone else changed the menu") {
		t.Errorf("stale add: %d\n%s", r.status, r.body)
	}

	items, _, _ := s.db.ForTenant(ctx, tn.ID).Menu()
	second := "/admin/menu/" + itoa(items[1].ID)
	tok, fp, _ = menuOpen(t, b, host)
	if r := b.post(t, host, second+"/move", url.Values{"_csrf": {tok}, "fingerprint": {fp}, "direction": {"up"}}); r.status != http.StatusSeeOther {
		t.Fatalf("move up: %d\n%s", r.status, r.body)
	}
	if got := menuTitles(t, s, tn); got != "About us,Practices" {
		t.Errorf("after moving up: %s", got)
	}
	if r := b.post(t, host, second+"/move", url.Values{"_csrf": {tok}, "fingerprint": {fp}, "direction": {"down"}}); r.status != http.StatusConflict {
		t.Errorf("stale move: %d", r.status)
	}

	// Rename, with validation and a stale form.
	r = b.get(t, host, second+"/edit")
	if r.status != http.StatusOK || !strings.Contains(r.body, `value="About us"`) {
		t.Fatalf("edit form: %d\n%s", r.status, r.body)
	}
	editFP := menuFingerprintRE.FindStringSubmatch(r.body)[1]
	if r := b.post(t, host, second+"/edit", url.Values{"_csrf": {tok}, "fingerprint": {editFP}, "title": {" "}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="title-error"`) {
		t.Errorf("empty label: %d\n%s", r.status, r.body)
	}
	if r := b.post(t, host, second+"/edit", url.Values{"_csrf": {tok}, "fingerprint": {fp}, "title": {"Old"}}); r.status != http.StatusConflict {
		t.Errorf("stale rename: %d", r.status)
	}
	if r := b.post(t, host, second+"/edit", url.Values{"_csrf": {tok}, "fingerprint": {editFP}, "title": {"About the network"}}); r.status != http.StatusSeeOther {
		t.Fatalf("rename: %d\n%s", r.status, r.body)
	}

	// Another tenant's item: 404, nothing written.
	betaStore := s.db.ForTenant(ctx, beta.ID)
	_, bfp, _ := betaStore.Menu()
	bItem, err := betaStore.AddMenuItem(testActor, bfp, "Beta news", "/news")
	if err != nil {
		t.Fatal(err)
	}
	tok, fp, _ = menuOpen(t, b, host)
	bPath := "/admin/menu/" + itoa(bItem.ID)
	if r := b.get(t, host, bPath+"/edit"); r.status != http.StatusNotFound || strings.Contains(r.body, "Beta news") {
		t.Errorf("GET beta's item: %d", r.status)
	}
	for _, p := range []string{"/edit", "/remove", "/move"} {
		if r := b.post(t, host, bPath+p, url.Values{"_csrf": {tok}, "fingerprint": {fp}, "title": {"Owned"}, "direction": {"up"}}); r.status != http.StatusNotFound {
			t.Errorf("POST beta's item %s: %d", p, r.status)
		}
	}
	if got := menuTitles(t, s, beta); got != "Beta news" {
		t.Errorf("beta's menu: %s", got)
	}

	// Remove; then fill the menu: the warning goes at 5, adding stops at 7.
	if r := b.post(t, host, second+"/remove", url.Values{"_csrf": {tok}, "fingerprint": {fp}}); r.status != http.StatusSeeOther {
		t.Fatalf("remove: %d\n%s", r.status, r.body)
	}
	if got := menuTitles(t, s, tn); got != "Practices" {
		t.Errorf("after removing: %s", got)
	}
	for _, p := range []string{"/services", "/news", "/events", "/contact"} {
		add(p, "")
	}
	if _, _, body := menuOpen(t, b, host); strings.Contains(body, "NHS England recommends 5 to 7:") {
		t.Error("warning shown with 5 items")
	}
	add("/vacancies", "")
	add("/team", "")
	_, fp, body = menuOpen(t, b, host)
	if !strings.Contains(body, "the most NHS guidance allows") || strings.Contains(body, `action="/admin/menu/add"`) {
		t.Errorf("full menu page:\n%s", body)
	}
	tok, _, _ = menuOpen(t, b, host)
	if r := b.post(t, host, "/admin/menu/add", url.Values{"_csrf": {tok}, "fingerprint": {fp}, "path": {"/about"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "already has 7 items") {
		t.Errorf("an eighth item: %d\n%s", r.status, r.body)
	}
	got := auditActions(t, s, tn)
	for _, want := range []string{models.AuditMenuAdd, models.AuditMenuMove, models.AuditMenuEdit, models.AuditMenuRemove} {
		if !contains(got, want) {
			t.Errorf("no %s in the audit log", want)
		}
	}
}

func TestMenuStartFromStandard(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "ed@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "ed@example.nhs.uk")
	tok, fp, body := menuOpen(t, b, host)
	if !strings.Contains(body, "the website shows the standard menu of") || !strings.Contains(body, "Appointments (/appointments)") {
		t.Fatalf("empty menu page:\n%s", body)
	}
	if r := b.post(t, host, "/admin/menu/start", url.Values{"fingerprint": {fp}}); r.status != http.StatusForbidden {
		t.Errorf("start without a CSRF token: %d", r.status)
	}
	if r := b.post(t, host, "/admin/menu/start", url.Values{"_csrf": {tok}, "fingerprint": {fp}}); r.status != http.StatusSeeOther || r.location() != "/admin/menu?done=started" {
		t.Fatalf("start: %d %q\n%s", r.status, r.location(), r.body)
	}
	want := "Home,Appointments,Prescriptions,Services,About us,Contact us"
	if got := menuTitles(t, s, tn); got != want {
		t.Errorf("menu: %s", got)
	}
	if r := b.post(t, host, "/admin/menu/start", url.Values{"_csrf": {tok}, "fingerprint": {fp}}); r.status != http.StatusConflict {
		t.Errorf("a second start: %d", r.status)
	}
	if got := menuTitles(t, s, tn); got != want {
		t.Errorf("menu after a second start: %s", got)
	}
}

var (
	menuStandardRE = regexp.MustCompile(`<li>([^<]+) \((/[a-z-]*)\)</li>`)
	menuPublicRE   = regexp.MustCompile(`class="nhsuk-header__navigation-link" href="(/[a-z-]*)"`)
)

// The Menu page lists the standard menu exactly as the public site shows it,
// Events (before Contact us) included while an event is still to come, and
// never says "0 items".
func TestMenuStandardMatchesSite(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "ed@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "ed@example.nhs.uk")
	store := s.db.ForTenant(context.Background(), tn.ID)
	soon := time.Now().Add(10 * 24 * time.Hour)
	if _, err := store.SaveEvent(testActor, 0, 0, models.Event{Title: "Flu clinic", StartsAt: soon, Published: true}); err != nil {
		t.Fatal(err)
	}
	tok, fp, body := menuOpen(t, b, host)
	if strings.Contains(body, "0 items") {
		t.Errorf("the menu page says 0 items while the site shows the standard menu:\n%s", body)
	}
	var admin []string
	for _, m := range menuStandardRE.FindAllStringSubmatch(body, -1) {
		admin = append(admin, m[2])
	}
	var public []string
	for _, m := range menuPublicRE.FindAllStringSubmatch(s.browser().get(t, host, "/").body, -1) {
		public = append(public, m[1])
	}
	if strings.Join(admin, ",") != strings.Join(public, ",") || !strings.Contains(strings.Join(admin, ","), "/events,/contact") {
		t.Errorf("standard menu: admin lists %v, the site shows %v", admin, public)
	}
	if !strings.Contains(body, "the website shows the standard menu of "+strconv.Itoa(len(admin))+" items") {
		t.Errorf("the menu page does not count the standard menu:\n%s", body)
	}
	if r := b.post(t, host, "/admin/menu/start", url.Values{"_csrf": {tok}, "fingerprint": {fp}}); r.status != http.StatusSeeOther {
		t.Fatalf("start: %d\n%s", r.status, r.body)
	}
	if got, want := menuTitles(t, s, tn), "Home,Appointments,Prescriptions,Services,About us,Events,Contact us"; got != want {
		t.Errorf("menu started from the standard one: %s, want %s", got, want)
	}
}
