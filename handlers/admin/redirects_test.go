package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
)

// TestRedirectsAsAManagerUsesThem: an address patients asked for shows up
// as missing with a button that starts a redirect from it; the redirect,
// added, changed and removed through the forms, answers on the public site
// at once; mistakes are shown next to their field.
func TestRedirectsAsAManagerUsesThem(t *testing.T) {
	s, a, beta, b := servicesSignedIn(t)
	const host = "alpha.localhost"
	ctx := context.Background()
	public := s.browser()
	if r := public.get(t, host, "/About-Us.html"); r.status != http.StatusNotFound {
		t.Fatalf("before: %d", r.status)
	}
	// The analytics count that 404 (handlers/site's TestMissingAddressesAreCounted).
	if err := s.db.AddCounts(ctx, []models.DailyCount{{TenantID: a.ID, Day: time.Now(), Kind: models.KindNotFound, Key: "/About-Us.html", N: 1}}); err != nil {
		t.Fatal(err)
	}
	addLink := `href="/admin/redirects/new?from=%2FAbout-Us.html"`
	list := b.get(t, host, "/admin/redirects")
	if !strings.Contains(list.body, addLink) {
		t.Fatalf("the missing address has no button to add a redirect from it:\n%s", list.body)
	}
	for _, want := range []string{"Addresses patients asked for that do not exist", `href="/admin/redirects" aria-current="page">Redirects</a>`, "None yet."} {
		if !strings.Contains(list.body, want) {
			t.Errorf("the list does not show %q", want)
		}
	}

	form := b.get(t, host, "/admin/redirects/new?from=%2FAbout-Us.html")
	if form.status != http.StatusOK || !strings.Contains(form.body, `name="from" type="text" value="/About-Us.html"`) {
		t.Fatalf("the form does not start from the missing address: %d\n%s", form.status, form.body)
	}
	token := csrf(t, form.body)
	r := b.post(t, host, "/admin/redirects/new", url.Values{"_csrf": {token}, "from": {"/About-Us.html"}, "to": {"/about"}, "status": {"301"}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/redirects?done=saved" {
		t.Fatalf("add: %d %q\n%s", r.status, r.location(), r.body)
	}
	if r := public.get(t, host, "/About-Us.html"); r.status != http.StatusMovedPermanently || r.location() != "/about" {
		t.Errorf("public after adding: %d %q", r.status, r.location())
	}
	list = b.get(t, host, "/admin/redirects?done=saved")
	if strings.Contains(list.body, addLink) || !strings.Contains(list.body, "The website uses it now") || !strings.Contains(list.body, "<td class=\"nhsuk-table__cell\">/About-Us.html</td>") {
		t.Errorf("the list after adding:\n%s", list.body)
	}

	for _, tt := range []struct {
		form  url.Values
		field string
		words string
	}{
		{url.Values{"from": {"about-us"}, "to": {"/about"}}, "from", "starting with /"},
		{url.Values{"from": {"/flu"}, "to": {"http://www.nhs.uk/flu"}}, "to", "https://"},
		{url.Values{"from": {"/flu"}, "to": {"javascript:alert(1)"}}, "to", "starting with /"},
		{url.Values{"from": {"/admin/users"}, "to": {"/about"}}, "from", "belong to the platform"},
		{url.Values{"from": {"/About-Us.html/"}, "to": {"/contact"}}, "from", "already a redirect from /About-Us.html"},
		{url.Values{"from": {"/about"}, "to": {"/About-Us.html"}}, "to", "loop"},
		{url.Values{"from": {"/old-news"}, "to": {"/About-Us.html"}}, "to", "point this redirect at /about"},
		{url.Values{"from": {"/about"}, "to": {"/who-we-are"}}, "from", "change that redirect to go to /who-we-are"},
		{url.Values{"from": {"/flu"}, "to": {"/news"}, "status": {"307"}}, "status", "301"},
	} {
		tt.form.Set("_csrf", token)
		r := b.post(t, host, "/admin/redirects/new", tt.form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="`+tt.field+`-error"`) || !strings.Contains(r.body, tt.words) {
			t.Errorf("%v: %d, want 422 with a message on %s saying %q\n%.2000s", tt.form, r.status, tt.field, tt.words, r.body)
		}
		if !strings.Contains(r.body, `href="#`+tt.field+`"`) {
			t.Errorf("%v: the error summary does not link to the field %s", tt.form, tt.field)
		}
	}

	store := s.db.ForTenant(ctx, a.ID)
	red, err := store.RedirectByFrom("/About-Us.html")
	if err != nil {
		t.Fatal(err)
	}
	edit := b.get(t, host, "/admin/redirects/"+formatInt(red.ID)+"/edit")
	if edit.status != http.StatusOK || !strings.Contains(edit.body, `value="/about"`) {
		t.Fatalf("edit form: %d", edit.status)
	}
	r = b.post(t, host, "/admin/redirects/"+formatInt(red.ID)+"/edit", url.Values{"_csrf": {token}, "from": {"/About-Us.html"}, "to": {"https://www.nhs.uk/"}, "status": {"302"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", r.status, r.body)
	}
	if r := public.get(t, host, "/About-Us.html"); r.status != http.StatusFound || r.location() != "https://www.nhs.uk/" {
		t.Errorf("public after the edit: %d %q", r.status, r.location())
	}

	// Another tenant's redirect is not there for alpha.
	other, err := s.db.ForTenant(ctx, beta.ID).PutRedirect(testActor, 0, models.RedirectInput{From: "/beta-old", To: "/beta-new"})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/edit", "/delete"} {
		if r := b.get(t, host, "/admin/redirects/"+formatInt(other.ID)+path); r.status != http.StatusNotFound {
			t.Errorf("GET alpha's panel for beta's redirect%s: %d", path, r.status)
		}
	}
	if r := b.post(t, host, "/admin/redirects/"+formatInt(other.ID)+"/delete", url.Values{"_csrf": {token}}); r.status != http.StatusNotFound {
		t.Errorf("POST delete of beta's redirect on alpha: %d", r.status)
	}

	confirm := b.get(t, host, "/admin/redirects/"+formatInt(red.ID)+"/delete")
	if confirm.status != http.StatusOK || !strings.Contains(confirm.body, "Are you sure you want to remove the redirect from /About-Us.html?") {
		t.Fatalf("confirm: %d\n%s", confirm.status, confirm.body)
	}
	if r := b.post(t, host, "/admin/redirects/"+formatInt(red.ID)+"/delete", url.Values{"_csrf": {token}}); r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.status)
	}
	if r := public.get(t, host, "/About-Us.html"); r.status != http.StatusNotFound {
		t.Errorf("public after the delete: %d", r.status)
	}
	got := strings.Join(auditActions(t, s, a), " ")
	for _, want := range []string{models.AuditRedirectAdd, models.AuditRedirectUpdate, models.AuditRedirectRemove} {
		if !strings.Contains(got, want) {
			t.Errorf("audit log %q lacks %s", got, want)
		}
	}
}

func formatInt(id int64) string { return strconv.FormatInt(id, 10) }

// TestRedirectsCSVRoundTrip: the redirects download as CSV and upload
// back; an upload with a bad line adds nothing and names the line; one
// with lines already there, or going elsewhere, says so.
func TestRedirectsCSVRoundTrip(t *testing.T) {
	s, a, _, b := servicesSignedIn(t)
	const host = "alpha.localhost"
	store := s.db.ForTenant(context.Background(), a.ID)
	if _, err := store.PutRedirect(testActor, 0, models.RedirectInput{From: "/index.php?page_id=7", To: "/about", Status: 302}); err != nil {
		t.Fatal(err)
	}
	upload := func(name, data string) response {
		t.Helper()
		page := b.get(t, host, "/admin/redirects")
		if !strings.Contains(page.body, `enctype="multipart/form-data"`) {
			t.Fatal("the upload form is not multipart")
		}
		return b.postMultipart(t, host, "/admin/redirects/upload", url.Values{"_csrf": {csrf(t, page.body)}}, &testMediaFile{name: name, data: []byte(data)})
	}

	r := upload("bad.csv", "from,to,status\n/a.html,/about\n/b.html,http://insecure.example/\n")
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Nothing has been added. Line 3:") || !strings.Contains(r.body, "https://") || !strings.Contains(r.body, `id="file-error"`) {
		t.Errorf("a bad line: %d\n%.3000s", r.status, r.body)
	}
	if _, err := store.RedirectByFrom("/a.html"); err == nil {
		t.Error("an upload with a bad line added its good line")
	}
	for _, bad := range []struct{ data, words string }{
		{"/a.html,/about,307\n", "Line 1: the status must be 301"},
		{"/a.html\n", "Line 1: give the old address"},
		{"\"/a.html,/about\n", "Line 1: it is not a valid CSV line"},
		{"", "the file has no redirects"},
		{"/x,/y\n/y,/z\n", "Line 2: the redirect from /x already sends patients to /y"},
	} {
		if r := upload("bad.csv", bad.data); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, bad.words) {
			t.Errorf("%q: %d, want 422 saying %q", bad.data, r.status, bad.words)
		}
	}

	// A spreadsheet's file: byte-order mark, header, CRLF, blank status.
	r = upload("redirects.csv", "\xef\xbb\xbffrom,to,status\r\n/a.html,/about,\r\n/b.html,https://www.nhs.uk/,302\r\n/index.php?page_id=7,/contact\r\n\r\n")
	if r.status != http.StatusOK || !strings.Contains(r.body, "2 redirects added, 0 lines already there. 1 line was not added") {
		t.Fatalf("upload: %d\n%.3000s", r.status, r.body)
	}
	if !strings.Contains(r.body, "<h2>Lines not added</h2>") || !strings.Contains(r.body, "/contact") {
		t.Errorf("the conflict is not listed")
	}
	if r := b.get(t, host, "/a.html"); r.status != http.StatusMovedPermanently || r.location() != "/about" {
		t.Errorf("public /a.html: %d %q", r.status, r.location())
	}

	down := b.get(t, host, "/admin/redirects/download")
	want := "from,to,status\n/a.html,/about,301\n/b.html,https://www.nhs.uk/,302\n/index.php?page_id=7,/about,302\n"
	if down.status != http.StatusOK || down.body != want || !strings.HasPrefix(down.header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(down.header.Get("Content-Disposition"), `attachment; filename="redirects-alpha.csv"`) {
		t.Errorf("download: %d %q %q\n%q", down.status, down.header.Get("Content-Type"), down.header.Get("Content-Disposition"), down.body)
	}
	// Uploading the download back changes nothing.
	if r := upload("redirects-alpha.csv", down.body); r.status != http.StatusOK || !strings.Contains(r.body, "0 redirects added, 3 lines already there.") {
		t.Errorf("the download uploaded back: %d\n%.2000s", r.status, r.body)
	}
}

// TestMissingAddressCanBeDismissed: an address on the list of missing ones
// (the analytics' 404 counts; handlers/site counts them) is shown with its
// count and can be taken off it (audited); a path not on the list is a
// 404.
func TestMissingAddressCanBeDismissed(t *testing.T) {
	s, a, bt, b := servicesSignedIn(t)
	const host = "alpha.localhost"
	today := time.Now()
	err := s.db.AddCounts(context.Background(), []models.DailyCount{
		{TenantID: a.ID, Day: today, Kind: models.KindNotFound, Key: "/wp-login.php", N: 12},
		{TenantID: bt.ID, Day: today, Kind: models.KindNotFound, Key: "/beta-secret-path", N: 3},
	})
	if err != nil {
		t.Fatal(err)
	}
	page := b.get(t, host, "/admin/redirects")
	if !strings.Contains(page.body, "<td class=\"nhsuk-table__cell\">/wp-login.php</td>") ||
		!strings.Contains(page.body, "<td class=\"nhsuk-table__cell nhsuk-table__cell--numeric\">12</td>") ||
		!strings.Contains(page.body, today.In(hours.Location()).Format("2 January 2006")) {
		t.Fatalf("the missing address is not listed with its count and day:\n%s", page.body)
	}
	if strings.Contains(page.body, "beta-secret-path") {
		t.Fatal("another tenant's missing address is listed")
	}
	token := csrf(t, page.body)
	if r := b.post(t, host, "/admin/redirects/missing/dismiss", url.Values{"_csrf": {token}, "path": {"/wp-login.php"}}); r.status != http.StatusSeeOther || r.location() != "/admin/redirects?done=dismissed" {
		t.Fatalf("dismiss: %d %q", r.status, r.location())
	}
	if page := b.get(t, host, "/admin/redirects?done=dismissed"); strings.Contains(page.body, "/wp-login.php</td>") || !strings.Contains(page.body, "taken off the list") {
		t.Errorf("after dismissing:\n%s", page.body)
	}
	if r := b.post(t, host, "/admin/redirects/missing/dismiss", url.Values{"_csrf": {token}, "path": {"/wp-login.php"}}); r.status != http.StatusNotFound {
		t.Errorf("dismissing again: %d", r.status)
	}
	if !strings.Contains(strings.Join(auditActions(t, s, a), " "), models.AuditNotFoundRemove) {
		t.Error("the dismissal is not in the audit log")
	}
}
