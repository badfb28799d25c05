package admin_test

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
)

func TestAuditLogPage(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	beta := s.tenant(t, "beta")
	s.user(t, tn, "boss@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	ctx := context.Background()
	alpha := s.db.ForTenant(ctx, tn.ID)
	for i := 0; i < models.AuditPageSize; i++ {
		if err := alpha.Audit(0, "ann@example.nhs.uk", "news.publish", "/news/item-"+itoa(int64(i))); err != nil {
			t.Fatal(err)
		}
	}
	for _, action := range []string{"practice.save", "event.delete", "mystery-code"} {
		if err := alpha.Audit(0, "zoe@example.nhs.uk", action, "/x"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.db.ForTenant(ctx, beta.ID).Audit(0, "beta-secret@example.nhs.uk", "news.publish", "/news/beta-secret"); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn(t, host, "boss@example.nhs.uk") // the newest entry

	r := b.get(t, host, "/admin/audit")
	body := html.UnescapeString(r.body)
	// 54 and the publish of the About page s.tenant made.
	if r.status != http.StatusOK || !strings.Contains(body, "55 entries, page 1 of 2") {
		t.Fatalf("audit log: %d\n%s", r.status, r.body)
	}
	// Newest first, in plain words, other parts of the panel included.
	order := []string{"Signed in", "mystery-code", "Deleted an event", "Saved a practice", "Published a news item"}
	at := 0
	for _, w := range order {
		i := strings.Index(body[at:], w)
		if i < 0 {
			t.Fatalf("%q missing or out of order in:\n%s", w, body)
		}
		at += i
	}
	if strings.Contains(body, "beta-secret") {
		t.Error("alpha's audit log shows beta's entries")
	}
	if !strings.Contains(body, `href="/admin/audit?page=2"`) || strings.Contains(body, "Newer entries") {
		t.Error("page 1 links")
	}
	r = b.get(t, host, "/admin/audit?page=2")
	if r.status != http.StatusOK || !strings.Contains(r.body, "/news/item-0") || !strings.Contains(r.body, "Newer entries") || strings.Contains(r.body, "Older entries") {
		t.Errorf("page 2: %d\n%s", r.status, r.body)
	}
	if r := b.get(t, host, "/admin/audit?page=3"); r.status != http.StatusNotFound {
		t.Errorf("page 3: %d", r.status)
	}

	// Filter by person.
	r = b.get(t, host, "/admin/audit?person=zoe%40example.nhs.uk")
	if r.status != http.StatusOK || !strings.Contains(r.body, "3 entries") || strings.Contains(r.body, "ann@example.nhs.uk</td>") ||
		!strings.Contains(r.body, `<option value="zoe@example.nhs.uk" selected>`) {
		t.Errorf("filtered by zoe: %d\n%s", r.status, r.body)
	}
}
