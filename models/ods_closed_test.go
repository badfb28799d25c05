package models_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/ods"
	"github.com/pcnweb/pcnweb/internal/ods/odstest"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// olderVintage is the date of the older ePCN workbook the tests rebuild
// from the 2023 one: April 2022, when the columns were still named after
// Clinical Commissioning Groups.
var olderVintage = odsTestDate("20220401")

// olderWorkbook writes the ePCN workbook as it stood on asOf, in the
// CCG-era layout, from what the newer file records: PCNs opened by then,
// open if they closed after it; memberships started by then, current if
// they ended after it. It returns the workbook's path.
func olderWorkbook(t *testing.T, newer *ods.Data, asOf time.Time) string {
	t.Helper()
	date := func(d time.Time) string {
		if d.IsZero() || d.After(asOf) {
			return ""
		}
		return d.Format("20060102")
	}
	pcns := [][]string{odstest.CCGPCNHeader}
	listed := map[string]ods.PCN{}
	for _, p := range newer.PCNs {
		if p.Opened.After(asOf) {
			continue
		}
		listed[p.Code] = p
		row := []string{p.Code, p.Name, p.SubICBCode, p.SubICBName, p.Opened.Format("20060102"), date(p.Closed), "", "", "", "", "", p.Postcode}
		copy(row[6:11], p.Address)
		pcns = append(pcns, row)
	}
	partners := [][]string{odstest.CCGPartnerHeader}
	for _, m := range newer.Memberships {
		p, ok := listed[m.PCNCode]
		if !ok || m.Started.After(asOf) {
			continue
		}
		partners = append(partners, []string{m.PracticeCode, m.PracticeName, p.SubICBCode, p.SubICBName, m.PCNCode, p.Name, p.SubICBCode, p.SubICBName,
			m.Started.Format("20060102"), date(m.Ended), "TRUE"})
	}
	path := filepath.Join(t.TempDir(), "ePCN-2022.xlsx")
	b := odstest.Workbook(t, map[string][][]string{ods.SheetPCNs: pcns, ods.SheetPartners: partners}, ods.SheetPCNs, ods.SheetPartners)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestODSImportOlderThenNewerRealFiles imports the April 2022 workbook
// (rebuilt in the CCG-era layout from the real 2023 files) and then the
// real 2023 one: every tenant whose PCN closed in between is closed, its
// practices marked as having left, and no practice is listed on two live
// sites.
func TestODSImportOlderThenNewerRealFiles(t *testing.T) {
	epcn, epraccur := odstest.Files(t)
	newer, err := ods.Load(epcn, epraccur)
	if err != nil {
		t.Fatal(err)
	}
	older, err := ods.Load(olderWorkbook(t, newer, olderVintage), epraccur)
	if err != nil {
		t.Fatalf("the CCG-era workbook: %v", err)
	}
	// What the files say happened between the two.
	closedSince := map[string]bool{}
	for _, p := range newer.PCNs {
		if !p.Closed.IsZero() && p.Closed.After(olderVintage) && !p.Opened.After(olderVintage) && !p.Closed.After(odsTestNow) {
			closedSince[p.Code] = true
		}
	}
	if len(closedSince) == 0 {
		t.Fatal("no PCN closed between the two files: the test proves nothing")
	}

	db := modelstest.NewDB(t)
	ctx := context.Background()
	first, err := db.ImportODS(ctx, older, odsTestNow)
	if err != nil {
		t.Fatal(err)
	}
	second, err := db.ImportODS(ctx, newer, odsTestNow)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("older file: %+v", first)
	t.Logf("newer file: %+v", second)
	if second.TenantsClosed != len(closedSince) {
		t.Errorf("%d tenants closed, want the %d whose PCN closed after April 2022", second.TenantsClosed, len(closedSince))
	}
	if second.TenantsNotInFile != 0 || second.TenantsReopened != 0 {
		t.Errorf("report %+v: every older PCN is in the newer file, and none reopened", second)
	}

	ts, err := db.ListTenants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var closed []models.Tenant
	for _, tn := range ts {
		if closedSince[tn.ODSCode] != (tn.Status == models.StatusClosed) {
			t.Errorf("tenant %s (%s) status %s; closed in the newer file: %v", tn.Slug, tn.ODSCode, tn.Status, closedSince[tn.ODSCode])
		}
		if tn.Status == models.StatusClosed {
			closed = append(closed, tn)
		}
	}

	// No practice is listed on two live sites.
	twice, err := models.LiveListingsForTest(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(twice) > 0 {
		t.Errorf("%d practices listed on two live sites: %v", len(twice), twice)
	}

	// A closed site lists no practices, and says where each went.
	moved, withSite := 0, 0
	for _, tn := range closed {
		store := db.ForTenant(ctx, tn.ID)
		if ps, _ := store.Practices(); len(ps) != 0 {
			t.Errorf("closed tenant %s still lists %d practices", tn.Slug, len(ps))
		}
		moves, err := store.PracticeMoves()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range moves {
			moved++
			if m.Slug != "" {
				withSite++
			}
			if m.Slug != "" && m.PCN == "" {
				t.Errorf("%s: a site without a PCN name: %+v", tn.Slug, m)
			}
		}
	}
	t.Logf("%d tenants closed; their %d practices: %d now on another PCN's live site, %d in no PCN the newer file lists as open",
		len(closed), moved, withSite, moved-withSite)
	if moved == 0 || withSite == 0 {
		t.Errorf("the closed sites point to %d practices, %d with a new site", moved, withSite)
	}

	// Importing the newer file again changes nothing.
	again, err := db.ImportODS(ctx, newer, odsTestNow)
	if err != nil {
		t.Fatal(err)
	}
	if again.TenantsClosed != 0 || again.TenantsStillClosed != len(closedSince) || again.PracticesLeft != 0 || again.TenantsUpdated != 0 {
		t.Errorf("third import %+v, want nothing changed", again)
	}
}

// A PCN closed in the newer file closes its tenant: the site shows where
// the practices went; the practices are marked as having left on the
// membership's end date (else the PCN's close date). Open again, it reopens.
func TestODSImportClosedPCNClosesTenant(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		odsImport(t, db, odsTestData())
		// The newer file: Moorland PCN closed on 30 September 2026; its
		// practice A81004 joined Riverside the next day.
		data := odsTestData()
		data.PCNs[1].Closed = odsTestDate("20260930")
		data.Memberships[2].Ended = odsTestDate("20260930")
		data.Memberships = append(data.Memberships, ods.Membership{PracticeCode: "A81004", PracticeName: "ACKLAM MEDICAL CENTRE", PCNCode: "U00001", Started: odsTestDate("20261001")})
		rep := odsImport(t, db, data)
		want := models.ODSReport{TenantsUpdated: 1, TenantsClosed: 1, PCNsSkipped: 1, PracticesCreated: 1, PracticesUnchanged: 2, PracticesLeft: 1}
		if rep != want {
			t.Errorf("report %+v, want %+v", rep, want)
		}
		moor, err := db.TenantBySlug(ctx, "moorland-pcn")
		if err != nil || moor.Status != models.StatusClosed || moor.ClosedOn == nil || !moor.ClosedOn.Equal(odsTestDate("20260930")) {
			t.Fatalf("the closed PCN's tenant: %+v %v", moor, err)
		}
		if left, _ := models.ODSPracticeLeftForTest(ctx, db, moor.ID, "A81004"); left == nil || !left.Equal(odsTestDate("20260930")) {
			t.Errorf("A81004 left Moorland on %v, want 2026-09-30", left)
		}
		moves, err := db.ForTenant(ctx, moor.ID).PracticeMoves()
		if err != nil {
			t.Fatal(err)
		}
		if len(moves) != 1 || moves[0].Practice != "Acklam Medical Centre" || moves[0].PCN != "Riverside Health PCN" || moves[0].Slug != "riverside-health-pcn" {
			t.Errorf("moves %+v, want Acklam to Riverside", moves)
		}
		log, _ := db.ForTenant(ctx, moor.ID).AuditLog(5)
		if len(log) == 0 || !strings.Contains(log[0].Subject, "the PCN closed on 30 September 2026") {
			t.Errorf("audit %+v", log)
		}
		twice, _ := models.LiveListingsForTest(ctx, db)
		if len(twice) != 0 {
			t.Errorf("listed twice: %v", twice)
		}

		// Again: nothing more to do.
		rep = odsImport(t, db, data)
		if rep.TenantsClosed != 0 || rep.TenantsStillClosed != 1 || rep.PracticesLeft != 0 {
			t.Errorf("second run %+v", rep)
		}

		// ODS corrects itself: the PCN is open again, and the site with it.
		data.PCNs[1].Closed = time.Time{}
		rep = odsImport(t, db, data)
		if rep.TenantsReopened != 1 {
			t.Errorf("reopen run %+v", rep)
		}
		if moor, _ = db.TenantBySlug(ctx, "moorland-pcn"); moor.Status != models.StatusActive || moor.ClosedOn != nil {
			t.Errorf("reopened tenant %+v", moor)
		}
	})
}

// A PCN the file does not list at all (a regional extract, say) is not
// taken for closed: its tenant is counted and left alone. An archived
// tenant is left alone even when its PCN closes.
func TestODSImportAbsentPCNLeftAlone(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	odsImport(t, db, odsTestData())
	if _, err := db.SetTenantStatus(ctx, "riverside-health-pcn", models.StatusArchived, ""); err != nil {
		t.Fatal(err)
	}
	data := odsTestData()
	data.PCNs[0].Closed = odsTestDate("20260930")
	data.PCNs = append(data.PCNs[:1], data.PCNs[2:]...) // Moorland is not in this file
	data.Memberships = data.Memberships[:2]
	rep := odsImport(t, db, data)
	if rep.TenantsNotInFile != 1 || rep.TenantsClosed != 0 || rep.PracticesLeft != 0 {
		t.Errorf("report %+v, want Moorland counted as not in the file and nothing closed", rep)
	}
	for slug, want := range map[string]models.TenantStatus{"moorland-pcn": models.StatusActive, "riverside-health-pcn": models.StatusArchived} {
		if tn, _ := db.TenantBySlug(ctx, slug); tn.Status != want {
			t.Errorf("%s status %s, want %s", slug, tn.Status, want)
		}
	}
}

// A closed tenant an operator suspends reads as suspended, and as closed
// again once resumed; resuming a closed tenant reopens it.
func TestClosedTenantStatus(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	odsImport(t, db, odsTestData())
	data := odsTestData()
	data.PCNs[1].Closed = odsTestDate("20260930")
	odsImport(t, db, data)
	tn, err := db.SetTenantStatus(ctx, "moorland-pcn", models.StatusSuspended, "checking")
	if err != nil || tn.Status != models.StatusSuspended {
		t.Fatalf("suspend a closed tenant: %+v %v", tn, err)
	}
	if tn, _ = db.SetTenantStatus(ctx, "moorland-pcn", models.StatusActive, ""); tn.Status != models.StatusClosed {
		t.Errorf("resuming a suspended closed tenant: %s, want closed (it was suspended, not closed, by the operator)", tn.Status)
	}
	if tn, _ = db.SetTenantStatus(ctx, "moorland-pcn", models.StatusActive, ""); tn.Status != models.StatusActive || tn.ClosedOn != nil {
		t.Errorf("resuming a closed tenant: %+v, want it reopened", tn)
	}
	ts, _ := db.ListTenants(ctx)
	sort.Slice(ts, func(i, j int) bool { return ts[i].Slug < ts[j].Slug })
	if len(ts) != 2 || ts[0].Status != models.StatusActive {
		t.Errorf("tenants %+v", ts)
	}
}
