package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

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

// TestAChangeAndItsAuditRowAreCommittedTogether checks the one mutation
// path: a content change, its audit row and the generation bump are
// committed together or not at all.
func TestAChangeAndItsAuditRowAreCommittedTogether(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		tn := modelstest.Tenant(t, db, "alpha")
		store := db.ForTenant(ctx, tn.ID)
		state := func() string {
			t.Helper()
			got, err := db.TenantByID(ctx, tn.ID)
			if err != nil {
				t.Fatal(err)
			}
			log, err := store.AuditLog(100)
			if err != nil {
				t.Fatal(err)
			}
			events, err := store.AllEvents()
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("generation %d, %d audit rows, %d events", got.Generation, len(log), len(events))
		}
		event := models.Event{Title: "Flu clinic", StartsAt: time.Now().Add(24 * time.Hour), Published: true}
		before := state()

		var ve *models.ValidationError
		if _, err := store.SaveEvent(models.Actor{UserID: 7}, 0, 0, event); !errors.As(err, &ve) || ve.Field != "by" {
			t.Errorf("an actor without a name: %v, want a *ValidationError on by", err)
		}
		// The audit row names a user who does not exist: its write fails
		// (foreign key), and the event must go with it.
		if _, err := store.SaveEvent(models.Actor{UserID: 1 << 40, Name: "ghost@example.nhs.uk"}, 0, 0, event); err == nil {
			t.Error("a change whose audit row cannot be written succeeded")
		}
		// A change that writes no audit row is refused.
		err := models.ChangeAuditedForTest(store, testActor, "", "", func(tx *models.TenantDB) error {
			return models.CreateRowForTest(tx, &models.Event{TenantID: tn.ID, Slug: "silent", Title: "Silent", StartsAt: time.Now()})
		})
		if err == nil {
			t.Error("a change without an audit row succeeded")
		}
		if after := state(); after != before {
			t.Fatalf("refused changes wrote something: %s before, %s after", before, after)
		}

		saved, err := store.SaveEvent(testActor, 0, 0, event)
		if err != nil {
			t.Fatal(err)
		}
		log, _ := store.AuditLog(1)
		if len(log) != 1 || log[0].Action != models.AuditEventSave || log[0].Subject != "/events/"+saved.Slug || log[0].UserEmail != testActor.Name {
			t.Errorf("audit log after a save: %+v", log)
		}
		got, _ := db.TenantByID(ctx, tn.ID)
		if got.Generation != tn.Generation+1 {
			t.Errorf("generation %d → %d, want one bump", tn.Generation, got.Generation)
		}
	})
}
