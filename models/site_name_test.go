package models_test

import (
	"context"
	"errors"
	"testing"

	"github.com/pcnweb/pcnweb/models"
)

// A manager's site name is validated, audited, bumps the generation, and
// the ODS import no longer overwrites it; saving the same name again
// changes nothing. Another tenant's name is untouched.
func TestSetSiteName(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		odsImport(t, db, odsTestData())
		tn, _ := db.TenantBySlug(ctx, "riverside-health-pcn")
		store := db.ForTenant(ctx, tn.ID)
		var ve *models.ValidationError
		for _, bad := range []string{"", "  ", "Two\nlines"} {
			if err := store.SetSiteName(testActor, bad); !errors.As(err, &ve) || ve.Field != "name" {
				t.Errorf("name %q: %v, want a validation error on name", bad, err)
			}
		}
		if err := store.SetSiteName(testActor, "Riverside Health Network"); err != nil {
			t.Fatal(err)
		}
		after, _ := db.TenantBySlug(ctx, "riverside-health-pcn")
		if after.Name != "Riverside Health Network" || after.Generation != tn.Generation+1 {
			t.Errorf("after: %q generation %d, was %d", after.Name, after.Generation, tn.Generation)
		}
		if err := store.SetSiteName(testActor, "Riverside Health Network"); err != nil {
			t.Fatal(err)
		}
		if again, _ := db.TenantBySlug(ctx, "riverside-health-pcn"); again.Generation != after.Generation {
			t.Error("saving the same name bumped the generation")
		}
		log, _ := store.AuditLog(5)
		n := 0
		for _, e := range log {
			if e.Action == models.AuditSiteName {
				n++
			}
		}
		if n != 1 || log[0].Action != models.AuditSiteName {
			t.Errorf("audit %+v, want one site name row, the newest", log)
		}
		data := odsTestData()
		data.PCNs[0].Name = "RIVERSIDE AND TOOTING PCN"
		odsImport(t, db, data)
		if got, _ := store.SiteName(); got != "Riverside Health Network" {
			t.Errorf("ODS overwrote the manager's name: %q", got)
		}
		if moor, _ := db.TenantBySlug(ctx, "moorland-pcn"); moor.Name != "Moorland PCN" {
			t.Errorf("another tenant's name: %q", moor.Name)
		}
	})
}
