package models_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestAuditPage(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		alpha := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		beta := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
		for i := 0; i < models.AuditPageSize+5; i++ {
			email := "a@example.nhs.uk"
			if i%5 == 0 {
				email = "b@example.nhs.uk"
			}
			if err := alpha.Audit(0, email, models.AuditSignIn, ""); err != nil {
				t.Fatal(err)
			}
		}
		if err := beta.Audit(0, "c@example.nhs.uk", models.AuditSignIn, ""); err != nil {
			t.Fatal(err)
		}
		page1, total, err := alpha.AuditPage(models.AuditFilter{Page: 1})
		if err != nil || total != int64(models.AuditPageSize+5) || len(page1) != models.AuditPageSize {
			t.Fatalf("page 1: %d of %d, %v", len(page1), total, err)
		}
		page2, _, _ := alpha.AuditPage(models.AuditFilter{Page: 2})
		if len(page2) != 5 || page2[0].ID >= page1[len(page1)-1].ID {
			t.Errorf("page 2: %d entries, not older than page 1", len(page2))
		}
		bs, total, _ := alpha.AuditPage(models.AuditFilter{Email: "B@example.nhs.uk"})
		if total != 11 || len(bs) != 11 || bs[0].UserEmail != "b@example.nhs.uk" {
			t.Errorf("filtered by b: %d of %d", len(bs), total)
		}
		people, _ := alpha.AuditPeople()
		if strings.Join(people, ",") != "a@example.nhs.uk,b@example.nhs.uk" {
			t.Errorf("people: %v", people)
		}
	})
}
