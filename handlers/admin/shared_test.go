package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
)

// shareWithAll shares an item with every tenant as an operator.
func shareWithAll(t *testing.T, s *server, id int64, in models.SharedItemInput) models.SharedItem {
	t.Helper()
	ctx := context.Background()
	op, err := s.db.UserByEmail(ctx, "op@example.nhs.uk")
	if err != nil {
		if op, err = s.db.CreateOperator(ctx, "op@example.nhs.uk", "hash"); err != nil {
			t.Fatal(err)
		}
	}
	in.Owner, in.Audience = "NHS South Yorkshire ICB", models.Audience{Kind: models.AudienceAll}
	item, err := s.db.SaveSharedItem(ctx, models.SharedEditor{User: op}, id, in, "campaign")
	if err != nil {
		t.Fatal(err)
	}
	return item
}

// A manager sees what is shared with the site and hides, shows again and
// replaces it; the public site follows each step, and an edit of the
// original reaches a cached page of a tenant that still inherits it.
func TestAdminSharedContent(t *testing.T) {
	s := newServer(t, options{})
	alpha := s.tenant(t, "alpha")
	s.tenant(t, "bravo")
	s.user(t, alpha, "jane@example.nhs.uk", models.RoleEditor)
	notice := shareWithAll(t, s, 0, models.SharedItemInput{Kind: models.SharedNotice, Title: "Flu jabs", Body: "Book your flu jab."})
	page := shareWithAll(t, s, 0, models.SharedItemInput{Kind: models.SharedPage, Path: "/nhs-111", Title: "NHS 111", Body: "Call **111** for urgent help."})

	site := s.browser()
	home := site.get(t, "alpha.localhost", "/")
	if !strings.Contains(home.body, "Flu jabs") || !strings.Contains(home.body, "From NHS South Yorkshire ICB") {
		t.Fatalf("home page without the shared notice:\n%s", home.body)
	}
	p := site.get(t, "alpha.localhost", "/nhs-111")
	if p.status != http.StatusOK || !strings.Contains(p.body, "<strong>111</strong>") || !strings.Contains(p.body, "From NHS South Yorkshire ICB") {
		t.Fatalf("shared page: %d\n%s", p.status, p.body)
	}
	// The shared page is cached; an edit of the original reaches it.
	if again := site.get(t, "alpha.localhost", "/nhs-111"); !strings.Contains(again.header.Get("Cache-Status"), "hit") {
		t.Errorf("second visit: Cache-Status %q, want a hit", again.header.Get("Cache-Status"))
	}
	shareWithAll(t, s, page.ID, models.SharedItemInput{Kind: models.SharedPage, Path: "/nhs-111", Title: "NHS 111 online", Body: "Use 111.nhs.uk first."})
	if p := site.get(t, "alpha.localhost", "/nhs-111"); !strings.Contains(p.body, "NHS 111 online") {
		t.Errorf("alpha shows the old version after the edit:\n%s", p.body)
	}

	jane := s.browser()
	jane.signIn(t, "alpha.localhost", "jane@example.nhs.uk")
	list := jane.get(t, "alpha.localhost", "/admin/shared")
	if list.status != http.StatusOK || !strings.Contains(list.body, "Flu jabs") || !strings.Contains(list.body, "NHS 111 online") {
		t.Fatalf("shared list: %d\n%s", list.status, list.body)
	}
	token := csrf(t, list.body)
	post := func(path string, form url.Values) response {
		t.Helper()
		if form == nil {
			form = url.Values{}
		}
		form.Set("_csrf", token)
		return jane.post(t, "alpha.localhost", path, form)
	}

	// Hide the notice: gone from alpha, still on bravo.
	if r := post("/admin/shared/"+itoa(notice.ID)+"/hide", nil); r.status != http.StatusSeeOther {
		t.Fatalf("hide: %d\n%s", r.status, r.body)
	}
	if home := site.get(t, "alpha.localhost", "/"); strings.Contains(home.body, "Flu jabs") {
		t.Error("alpha still shows the hidden notice")
	}
	if home := site.get(t, "bravo.localhost", "/"); !strings.Contains(home.body, "Flu jabs") {
		t.Error("bravo lost the notice alpha hid")
	}
	if r := jane.get(t, "alpha.localhost", "/admin/shared?done=hidden"); !strings.Contains(r.body, "Show again") {
		t.Errorf("no Show again after hiding:\n%s", r.body)
	}
	// Replace it with alpha's own words: a mistake first.
	if r := post("/admin/shared/"+itoa(notice.ID)+"/replace", url.Values{"title": {""}, "body": {"x"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="title-error"`) {
		t.Fatalf("own notice without a title: %d\n%s", r.status, r.body)
	}
	if r := post("/admin/shared/"+itoa(notice.ID)+"/replace", url.Values{"title": {"Our flu clinic"}, "body": {"Saturday 9am to 1pm."}}); r.status != http.StatusSeeOther {
		t.Fatalf("own notice: %d\n%s", r.status, r.body)
	}
	home = site.get(t, "alpha.localhost", "/")
	if !strings.Contains(home.body, "Our flu clinic") || strings.Contains(home.body, "From NHS South Yorkshire ICB") {
		t.Errorf("alpha's own notice not shown, or shown as the ICB's:\n%s", home.body)
	}
	// Replace the page: a draft prefilled with the shared text, opened in
	// the editor; the path shows nothing until it is published.
	r := post("/admin/shared/"+itoa(page.ID)+"/replace", nil)
	if r.status != http.StatusSeeOther || r.location() != "/admin/pages/edit?path=%2Fnhs-111" {
		t.Fatalf("replace page: %d %s\n%s", r.status, r.location(), r.body)
	}
	if ed := jane.get(t, "alpha.localhost", r.location()); !strings.Contains(ed.body, "Use 111.nhs.uk first.") {
		t.Errorf("the editor is not prefilled with the shared text:\n%s", ed.body)
	}
	if p := site.get(t, "alpha.localhost", "/nhs-111"); p.status != http.StatusNotFound {
		t.Errorf("replaced page before publishing: %d", p.status)
	}
	// Show it again: the shared version is back.
	if r := post("/admin/shared/"+itoa(page.ID)+"/show", nil); r.status != http.StatusSeeOther {
		t.Fatalf("show again: %d", r.status)
	}
	if p := site.get(t, "alpha.localhost", "/nhs-111"); p.status != http.StatusOK || !strings.Contains(p.body, "NHS 111 online") {
		t.Errorf("shown again: %d", p.status)
	}
	// Each step is in alpha's audit log, as jane.
	log, err := s.db.ForTenant(context.Background(), alpha.ID).AuditLog(50)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range log {
		if e.UserEmail == "jane@example.nhs.uk" && strings.HasPrefix(e.Action, "shared.") {
			got = append(got, e.Action)
		}
	}
	want := []string{models.AuditSharedShow, models.AuditSharedReplace, models.AuditSharedReplace, models.AuditSharedHide}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("alpha's audit log of jane's shared actions: %q, want %q", got, want)
	}
	// Another tenant's state is not reachable: an item that does not
	// reach alpha is a 404.
	if r := post("/admin/shared/999999/hide", nil); r.status != http.StatusNotFound {
		t.Errorf("hide an unknown item: %d", r.status)
	}
}
