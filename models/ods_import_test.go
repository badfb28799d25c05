package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/ods"
	"github.com/pcnweb/pcnweb/internal/ods/odstest"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

var odsTestNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func odsTestDate(s string) time.Time {
	t, err := time.Parse("20060102", s)
	if err != nil {
		panic(err)
	}
	return t
}

// odsTestData is a small network: two open PCNs, one closed, and their
// practices.
func odsTestData() *ods.Data {
	return &ods.Data{
		PCNs: []ods.PCN{
			{Code: "U00001", Name: "RIVERSIDE HEALTH PCN", SubICBCode: "36L", SubICBName: "NHS SOUTH WEST LONDON ICB - 36L", Opened: odsTestDate("20191001"),
				Address: []string{"TREVELYAN HOUSE", "160 TOOTING HIGH STREET", "LONDON"}, Postcode: "SW17 0RT"},
			{Code: "U00002", Name: "MOORLAND PCN", SubICBCode: "A3A8R", SubICBName: "NHS NORTH EAST LONDON ICB - A3A8R", Opened: odsTestDate("20191001"),
				Address: []string{"1 HIGH STREET"}, Postcode: "RM7 0JU"},
			{Code: "U00003", Name: "GONE PCN", SubICBCode: "01G", Opened: odsTestDate("20191001"), Closed: odsTestDate("20220331"), Postcode: "M28 0AY"},
		},
		Memberships: []ods.Membership{
			{PracticeCode: "A81001", PracticeName: "THE DENSHAM SURGERY", PCNCode: "U00001", Started: odsTestDate("20191001")},
			{PracticeCode: "A81002", PracticeName: "QUEENS PARK MEDICAL CENTRE", PCNCode: "U00001", Started: odsTestDate("20191001")},
			{PracticeCode: "A81004", PracticeName: "ACKLAM MEDICAL CENTRE", PCNCode: "U00002", Started: odsTestDate("20191001")},
			{PracticeCode: "A81005", PracticeName: "OLD MEMBER", PCNCode: "U00002", Started: odsTestDate("20191001"), Ended: odsTestDate("20210331")},
			{PracticeCode: "A81006", PracticeName: "CLOSED PCN MEMBER", PCNCode: "U00003", Started: odsTestDate("20191001")},
		},
		Practices: map[string]ods.Practice{
			"A81001": {Code: "A81001", Name: "THE DENSHAM SURGERY", Address: []string{"THE HEALTH CENTRE", "LAWSON STREET", "STOCKTON-ON-TEES"}, Postcode: "TS18 1HU", Phone: "01642 672351", Status: "A"},
			"A81002": {Code: "A81002", Name: "QUEENS PARK MEDICAL CENTRE", Address: []string{"FARRER STREET"}, Postcode: "TS18 2AW", Phone: "01642 679681", Status: "A"},
			"A81004": {Code: "A81004", Name: "ACKLAM MEDICAL CENTRE", Address: []string{"TRIMDON AVENUE"}, Postcode: "TS5 8SB", Phone: "01642 828210", Status: "A"},
		},
	}
}

func odsImport(t *testing.T, db *models.DB, data *ods.Data) models.ODSReport {
	t.Helper()
	rep, err := db.ImportODS(context.Background(), data, odsTestNow)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return rep
}

func TestODSImportCreatesTenantsAndPractices(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		rec := &recorder{}
		db.SetNotifier(rec)
		rep := odsImport(t, db, odsTestData())
		want := models.ODSReport{TenantsCreated: 2, PCNsSkipped: 1, PracticesCreated: 3}
		if rep != want {
			t.Errorf("report %+v, want %+v", rep, want)
		}
		if rec.count() != 2 {
			t.Errorf("%d notifications, want one per new tenant", rec.count())
		}
		tn, err := db.TenantBySlug(ctx, "riverside-health-pcn")
		if err != nil {
			t.Fatal(err)
		}
		if tn.Name != "Riverside Health PCN" || tn.ODSCode != "U00001" || tn.Status != models.StatusActive {
			t.Errorf("tenant %+v", tn)
		}
		code, name, _, _ := models.ODSTenantForTest(ctx, db, "riverside-health-pcn")
		if code != "36L" || name != "NHS SOUTH WEST LONDON ICB - 36L" {
			t.Errorf("sub-ICB location %q %q", code, name)
		}
		st, _ := db.ForTenant(ctx, tn.ID).Settings()
		if st.Address != "Trevelyan House\n160 Tooting High Street\nLondon\nSW17 0RT" {
			t.Errorf("site address %q", st.Address)
		}
		p, err := db.ForTenant(ctx, tn.ID).PracticeByODS("A81001")
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != "The Densham Surgery" || p.Address != "The Health Centre\nLawson Street\nStockton-on-Tees" || p.Postcode != "TS18 1HU" || p.Phone != "01642 672351" {
			t.Errorf("practice %+v", p)
		}
		if !p.ClosedOnBankHolidays {
			t.Error("an imported practice should take the column's default: closed on bank holidays")
		}
		moor, _ := db.TenantBySlug(ctx, "moorland-pcn")
		ps, _ := db.ForTenant(ctx, moor.ID).Practices()
		if len(ps) != 1 || ps[0].ODSCode != "A81004" {
			t.Errorf("moorland practices %+v, want only the current member", ps)
		}
		if _, err := db.TenantBySlug(ctx, "gone-pcn"); err == nil {
			t.Error("a closed PCN got a tenant")
		}
	})
}

func TestODSImportTwiceChangesNothing(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		odsImport(t, db, odsTestData())
		before, _ := db.Generations(context.Background())
		rec := &recorder{}
		db.SetNotifier(rec)
		rep := odsImport(t, db, odsTestData())
		want := models.ODSReport{TenantsUnchanged: 2, PCNsSkipped: 1, PracticesUnchanged: 3}
		if rep != want {
			t.Errorf("second run %+v, want %+v", rep, want)
		}
		after, _ := db.Generations(context.Background())
		for id, g := range before {
			if after[id] != g {
				t.Errorf("tenant %d generation %d → %d on a run that changed nothing", id, g, after[id])
			}
		}
		if rec.count() != 0 {
			t.Errorf("%d notifications on a run that changed nothing", rec.count())
		}
	})
}

func TestODSImportNewerFileKeepsManagersContent(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		odsImport(t, db, odsTestData())
		tn, _ := db.TenantBySlug(ctx, "riverside-health-pcn")
		store := db.ForTenant(ctx, tn.ID)

		// A manager writes hours, notes and a phone number of their own,
		// and a practice ODS does not know about.
		p, _ := store.PracticeByODS("A81001")
		p.AccessibilityNotes = "Step-free entrance on Lawson Street."
		p.Phone = "01642 000111"
		p.AppointmentsURL = "https://example.nhs.uk/book"
		saved, err := store.SavePractice(testActor, p.ID, p.Version, p)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.SetPracticeHours(testActor, p.ID, saved.Version, models.WeeklyHours{"monday": {{Open: "08:00", Close: "18:30"}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.SavePractice(testActor, 0, 0, models.Practice{ODSCode: "Y99999", Name: "Branch Surgery"}); err != nil {
			t.Fatal(err)
		}
		st, _ := store.Settings()
		st.Email = "pcn@example.nhs.uk"
		if _, err := store.SaveSettingsAt(testActor, st, st.Version, time.Now()); err != nil {
			t.Fatal(err)
		}
		genBefore := tn.Generation

		// The newer file: the PCN is renamed and has moved, A81001's
		// surgery is renamed and has a new phone, A81002 has left.
		data := odsTestData()
		data.PCNs[0].Name = "RIVERSIDE AND TOOTING PCN"
		data.PCNs[0].Address = []string{"2 NEW ROAD"}
		pr := data.Practices["A81001"]
		pr.Name, pr.Phone = "THE DENSHAM HEALTH CENTRE", "01642 999999"
		data.Practices["A81001"] = pr
		data.Memberships[1].Ended = odsTestDate("20260331")
		rec := &recorder{}
		db.SetNotifier(rec)
		// Imported after the manager's edits, whose audit rows carry the
		// time they were made: the import's row is the newest.
		later := odsTestNow
		if now := time.Now(); now.After(later) {
			later = now
		}
		rep, err := db.ImportODS(ctx, data, later)
		if err != nil {
			t.Fatalf("import: %v", err)
		}
		want := models.ODSReport{TenantsUpdated: 1, TenantsUnchanged: 1, PCNsSkipped: 1, PracticesUpdated: 1, PracticesUnchanged: 1, PracticesLeft: 1}
		if rep != want {
			t.Errorf("report %+v, want %+v", rep, want)
		}

		tn, _ = db.TenantBySlug(ctx, "riverside-health-pcn") // the slug, and so the site's address, stays
		if tn.Name != "Riverside and Tooting PCN" {
			t.Errorf("tenant name %q, want the new ODS name", tn.Name)
		}
		if tn.Generation <= genBefore || rec.count() != 1 {
			t.Errorf("generation %d → %d, %d notifications: the changed tenant must be invalidated", genBefore, tn.Generation, rec.count())
		}
		st, _ = store.Settings()
		if st.Address != "2 New Road\nSW17 0RT" || st.Email != "pcn@example.nhs.uk" {
			t.Errorf("settings address %q email %q", st.Address, st.Email)
		}
		p, _ = store.PracticeByODS("A81001")
		if p.Name != "The Densham Health Centre" {
			t.Errorf("practice name %q, want the new ODS name", p.Name)
		}
		if p.Phone != "01642 000111" || p.AccessibilityNotes == "" || p.Hours == "" || p.AppointmentsURL == "" {
			t.Errorf("the manager's phone, notes, hours or links were lost: %+v", p)
		}
		left, err := models.ODSPracticeLeftForTest(ctx, db, tn.ID, "A81002")
		if err != nil || left == nil || !left.Equal(odsTestDate("20260331")) {
			t.Errorf("A81002 left on %v (%v), want 2026-03-31", left, err)
		}
		if left, _ := models.ODSPracticeLeftForTest(ctx, db, tn.ID, "Y99999"); left != nil {
			t.Error("a practice the manager added by hand was marked as having left")
		}
		// The site no longer lists it; the admin still does, marked.
		if _, err := store.PracticeByODS("A81002"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("the public practice page of a practice that left: %v, want not found", err)
		}
		public, _ := store.Practices()
		all, _ := store.AllPractices()
		if len(all) != len(public)+1 || all[len(all)-1].ODSCode != "A81002" || all[len(all)-1].LeftPCNOn == nil {
			t.Errorf("practices: %d public, %d in the admin (last %+v); want the one that left listed last in the admin only", len(public), len(all), all[len(all)-1])
		}

		log, _ := store.AuditLog(10)
		if len(log) == 0 || log[0].Action != models.AuditODSImport ||
			!strings.Contains(log[0].Subject, `renamed "Riverside and Tooting PCN"`) || !strings.Contains(log[0].Subject, "practice A81002 left the PCN on 31 March 2026") {
			t.Errorf("audit log %+v, want the import's changes", log)
		}

		// A practice that rejoins is a member again.
		data.Memberships[1].Ended = time.Time{}
		rep = odsImport(t, db, data)
		if rep.PracticesUpdated != 1 {
			t.Errorf("rejoin: %+v", rep)
		}
		if left, _ := models.ODSPracticeLeftForTest(ctx, db, tn.ID, "A81002"); left != nil {
			t.Errorf("A81002 still marked as left on %v after rejoining", left)
		}
	})
}

func TestODSImportManagersSettingsAddressKept(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	odsImport(t, db, odsTestData())
	tn, _ := db.TenantBySlug(ctx, "moorland-pcn")
	store := db.ForTenant(ctx, tn.ID)
	st, _ := store.Settings()
	st.Address = "Moorland PCN office\nThe Square\nRM7 0JU"
	if _, err := store.SaveSettingsAt(testActor, st, st.Version, time.Now()); err != nil {
		t.Fatal(err)
	}
	data := odsTestData()
	data.PCNs[1].Address = []string{"3 OTHER STREET"}
	odsImport(t, db, data)
	st, _ = store.Settings()
	if !strings.HasPrefix(st.Address, "Moorland PCN office") {
		t.Errorf("the manager's address was overwritten: %q", st.Address)
	}
}

func TestODSImportSlugs(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	// Slugs already taken by a hand-made tenant, and a reserved one.
	modelstest.Tenant(t, db, "riverside-health-pcn")
	data := odsTestData()
	data.PCNs[1].Name = "ADMIN"
	odsImport(t, db, data)
	for code, want := range map[string]string{"U00001": "riverside-health-pcn-u00001", "U00002": "admin-u00002"} {
		ts, _ := db.ListTenants(ctx)
		found := false
		for _, tn := range ts {
			if tn.ODSCode == code {
				found = true
				if tn.Slug != want {
					t.Errorf("PCN %s slug %q, want %q", code, tn.Slug, want)
				}
			}
		}
		if !found {
			t.Errorf("no tenant for %s", code)
		}
	}
}

// TestODSImportRealFiles imports the NHS's own files and checks the counts
// and a few values against them.
func TestODSImportRealFiles(t *testing.T) {
	data, err := ods.Load(odstest.Files(t))
	if err != nil {
		t.Fatal(err)
	}
	db := modelstest.NewDB(t)
	ctx := context.Background()
	start := time.Now()
	rep, err := db.ImportODS(ctx, data, odsTestNow)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported %+v in %v", rep, time.Since(start))
	// 1,329 PCNs, of which 65 have a close date; 6,391 current memberships, all of open PCNs.
	if rep.TenantsCreated != 1264 || rep.PCNsSkipped != 65 || rep.PracticesCreated != 6391 {
		t.Errorf("report %+v, want 1264 tenants (65 closed PCNs skipped) and 6391 practices", rep)
	}
	nt, np, _ := models.ODSCountsForTest(ctx, db)
	if nt != 1264 || np != 6391 {
		t.Errorf("%d tenants and %d practices in the database", nt, np)
	}
	tn, err := db.TenantBySlug(ctx, "west-merton-pcn")
	if err != nil || tn.ODSCode != "U00070" || tn.Name != "West Merton PCN" {
		t.Errorf("West Merton PCN: %+v %v", tn, err)
	}
	stockton, err := db.TenantBySlug(ctx, "stockton-pcn")
	if err != nil || stockton.ODSCode != "U89141" {
		t.Fatalf("Stockton PCN: %+v %v", stockton, err)
	}
	p, err := db.ForTenant(ctx, stockton.ID).PracticeByODS("A81001")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "The Densham Surgery" || p.Postcode != "TS18 1HU" || p.Phone != "01642 672351" || !strings.HasPrefix(p.Address, "The Health Centre\nLawson Street") {
		t.Errorf("A81001 %+v", p)
	}
	rep, err = db.ImportODS(ctx, data, odsTestNow)
	if err != nil {
		t.Fatal(err)
	}
	if rep.TenantsUnchanged != 1264 || rep.PracticesUnchanged != 6391 || rep.TenantsUpdated+rep.PracticesUpdated+rep.TenantsCreated+rep.PracticesCreated != 0 {
		t.Errorf("second import %+v, want everything unchanged", rep)
	}
}

// A failure part-way through (here PostgreSQL refusing a NUL byte in the
// last practice written) leaves the database as it was.
func TestODSImportFailureWritesNothing(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	odsImport(t, db, odsTestData())
	before, _ := db.Generations(ctx)
	data := odsTestData()
	data.PCNs = append(data.PCNs, ods.PCN{Code: "U00004", Name: "NEW PCN", SubICBCode: "36L", Opened: odsTestDate("20191001"), Postcode: "SW1A 1AA"})
	data.PCNs[0].Name = "RENAMED PCN"
	data.Memberships = append(data.Memberships, ods.Membership{PracticeCode: "A81009", PracticeName: "BAD\x00NAME", PCNCode: "U00004", Started: odsTestDate("20191001")})
	if _, err := db.ImportODS(ctx, data, odsTestNow); err == nil {
		t.Fatal("the import succeeded")
	}
	nt, np, _ := models.ODSCountsForTest(ctx, db)
	if nt != 2 || np != 3 {
		t.Errorf("%d tenants and %d practices after a failed import, want the 2 and 3 from before", nt, np)
	}
	tn, _ := db.TenantBySlug(ctx, "riverside-health-pcn")
	after, _ := db.Generations(ctx)
	if tn.Name != "Riverside Health PCN" || after[tn.ID] != before[tn.ID] {
		t.Errorf("a failed import renamed the tenant to %q or moved its generation %d → %d", tn.Name, before[tn.ID], after[tn.ID])
	}
}
