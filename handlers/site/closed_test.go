package site_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/ods"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func closedTestDate(s string) time.Time {
	d, err := time.Parse("20060102", s)
	if err != nil {
		panic(err)
	}
	return d
}

// closedTestData is two PCNs and their practices as ODS lists them.
func closedTestData() *ods.Data {
	return &ods.Data{
		PCNs: []ods.PCN{
			{Code: "U00001", Name: "RIVERSIDE HEALTH PCN", SubICBCode: "36L", Opened: closedTestDate("20191001"), Postcode: "SW17 0RT"},
			{Code: "U00002", Name: "MOORLAND PCN", SubICBCode: "A3A8R", Opened: closedTestDate("20191001"), Postcode: "RM7 0JU"},
		},
		Memberships: []ods.Membership{
			{PracticeCode: "A81001", PracticeName: "THE DENSHAM SURGERY", PCNCode: "U00001", Started: closedTestDate("20191001")},
			{PracticeCode: "A81004", PracticeName: "ACKLAM MEDICAL CENTRE", PCNCode: "U00002", Started: closedTestDate("20191001")},
			{PracticeCode: "A81005", PracticeName: "GREEN LANE SURGERY", PCNCode: "U00002", Started: closedTestDate("20191001")},
		},
		Practices: map[string]ods.Practice{
			"A81001": {Code: "A81001", Name: "THE DENSHAM SURGERY", Postcode: "TS18 1HU", Phone: "01642 672351", Status: "A"},
			"A81004": {Code: "A81004", Name: "ACKLAM MEDICAL CENTRE", Postcode: "TS5 8SB", Phone: "01642 828210", Status: "A"},
			"A81005": {Code: "A81005", Name: "GREEN LANE SURGERY", Postcode: "TS5 7SL", Phone: "01642 000555", Status: "A"},
		},
	}
}

// TestClosedSiteSaysWherePracticesWent: once ODS lists Moorland PCN as
// closed, every page of its site answers 410 Gone (not indexed) with a page
// saying when it closed and where each practice went, linking the live
// site of its new network; the practice is listed on that site only.
func TestClosedSiteSaysWherePracticesWent(t *testing.T) {
	s := newServer(t, serverOptions{})
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	if _, err := s.db.ImportODS(ctx, closedTestData(), now); err != nil {
		t.Fatal(err)
	}
	if r := s.get(t, "moorland-pcn.localhost", "/"); r.status != 200 || !strings.Contains(r.body, "Acklam Medical Centre") {
		t.Fatalf("Moorland before it closed: %d", r.status)
	}
	// The newer file: Moorland closed on 30 September 2026; Acklam joined
	// Riverside, Green Lane joined no network.
	data := closedTestData()
	data.PCNs[1].Closed = closedTestDate("20260930")
	data.Memberships[1].Ended = closedTestDate("20260930")
	data.Memberships[2].Ended = closedTestDate("20260930")
	data.Memberships = append(data.Memberships, ods.Membership{PracticeCode: "A81004", PracticeName: "ACKLAM MEDICAL CENTRE", PCNCode: "U00001", Started: closedTestDate("20261001")})
	if _, err := s.db.ImportODS(ctx, data, now); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/practices/a81004", "/news?page=2"} {
		r := s.get(t, "moorland-pcn.localhost", path)
		if r.status != 410 || r.header.Get("X-Robots-Tag") != "noindex" || !strings.Contains(r.body, `<meta name="robots" content="noindex">`) {
			t.Errorf("%s: status %d, X-Robots-Tag %q; want 410 and noindex", path, r.status, r.header.Get("X-Robots-Tag"))
		}
		for _, want := range []string{
			"<h1>Moorland PCN has closed</h1>",
			"Moorland PCN has closed (on 30 September 2026)",
			"Your GP practice has not closed",
			`<strong>Acklam Medical Centre</strong> is now part of <a href="http://riverside-health-pcn.localhost/">Riverside Health PCN</a>.`,
			`Phone: <a href="tel:&#43;441642828210">01642 828210</a>`,
			"<strong>Green Lane Surgery</strong> is not part of a network on this website now.",
			"111", "999",
		} {
			if !strings.Contains(r.body, want) {
				t.Errorf("%s: the closed page does not say %q\n%s", path, want, r.body)
			}
		}
	}
	if r := s.get(t, "riverside-health-pcn.localhost", "/"); r.status != 200 || !strings.Contains(r.body, "Acklam Medical Centre") {
		t.Errorf("Riverside's home page: %d, Acklam listed: %v", r.status, strings.Contains(r.body, "Acklam Medical Centre"))
	}
}

// TestRenamedTenantOldHostRedirects: after an operator changes a tenant's
// slug, its old platform host answers with a 301 to the new one, path and
// query kept; a tenant later given the old slug takes the host over.
func TestRenamedTenantOldHostRedirects(t *testing.T) {
	s := newServer(t, serverOptions{})
	ctx := context.Background()
	modelstest.Tenant(t, s.db, "oldname")
	if r := s.get(t, "oldname.localhost", "/"); r.status != 200 {
		t.Fatalf("before the rename: %d", r.status)
	}
	if _, err := s.db.RenameTenant(ctx, "oldname", "newname"); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/news?page=2&x=%C3%A9", "/admin/sign-in"} {
		r := s.get(t, "oldname.localhost", path)
		if want := "http://newname.localhost" + path; r.status != 301 || r.header.Get("Location") != want {
			t.Errorf("GET oldname%s: %d to %q, want 301 to %q", path, r.status, r.header.Get("Location"), want)
		}
	}
	if r := s.get(t, "newname.localhost", "/"); r.status != 200 {
		t.Errorf("the new host: %d", r.status)
	}
	if _, err := s.db.CreateTenant(ctx, models.NewTenant{Slug: "oldname", Name: "Another PCN"}); err != nil {
		t.Fatal(err)
	}
	if r := s.get(t, "oldname.localhost", "/"); r.status != 200 || !strings.Contains(r.body, "Another PCN") {
		t.Errorf("the old slug given to a new tenant: %d, want its own site", r.status)
	}
	if r := s.get(t, "newname.localhost", "/"); r.status != 200 {
		t.Errorf("the renamed tenant's host after losing its old slug: %d", r.status)
	}
}
