package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestFeedbackSettingsDefaultsAndSave(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		alpha := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		beta := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)

		s, err := alpha.FeedbackSettings()
		if err != nil || s != models.DefaultFeedbackSettings || !s.FFT || s.Comments || s.Contact || s.RetentionMonths != 12 {
			t.Fatalf("defaults: %+v %v", s, err)
		}
		before, _ := db.TenantByID(ctx, alpha.TenantID())
		want := models.FeedbackSettings{FFT: false, Comments: true, Contact: true, RetentionMonths: 6, NotifyEmail: " Manager@Example.NHS.uk ", EditorsMayRead: true}
		if err := alpha.SaveFeedbackSettings(testActor, want); err != nil {
			t.Fatal(err)
		}
		got, _ := alpha.FeedbackSettings()
		want.NotifyEmail = "manager@example.nhs.uk"
		if got != want {
			t.Errorf("saved %+v, read %+v", want, got)
		}
		after, _ := db.TenantByID(ctx, alpha.TenantID())
		if after.Generation <= before.Generation {
			t.Errorf("generation %d → %d: the forms shown changed", before.Generation, after.Generation)
		}
		want.RetentionMonths = 24
		if err := alpha.SaveFeedbackSettings(testActor, want); err != nil {
			t.Fatal(err)
		}
		if got, _ := alpha.FeedbackSettings(); got.RetentionMonths != 24 {
			t.Errorf("second save: %+v", got)
		}
		if other, _ := beta.FeedbackSettings(); other != models.DefaultFeedbackSettings {
			t.Errorf("beta's settings changed with alpha's: %+v", other)
		}
		for _, tt := range []struct {
			s     models.FeedbackSettings
			field string
		}{
			{models.FeedbackSettings{FFT: true, RetentionMonths: 0}, "retention"},
			{models.FeedbackSettings{FFT: true, RetentionMonths: 37}, "retention"},
			{models.FeedbackSettings{FFT: true, RetentionMonths: 12, NotifyEmail: "not an address"}, "notify_email"},
		} {
			var ve *models.ValidationError
			if err := alpha.SaveFeedbackSettings(testActor, tt.s); !errors.As(err, &ve) || ve.Field != tt.field {
				t.Errorf("%+v: %v, want an error on %q", tt.s, err, tt.field)
			}
		}
		if err := alpha.SaveFeedbackSettings(models.Actor{}, want); err == nil {
			t.Error("a save without an actor was accepted")
		}
	})
}

func TestSaveFeedbackValidatesEachField(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		alpha := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		beta := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
		own, err := alpha.SavePractice(testActor, 0, 0, models.Practice{Name: "Fivefields", ODSCode: "Y99001"})
		if err != nil {
			t.Fatal(err)
		}
		foreign, err := beta.SavePractice(testActor, 0, 0, models.Practice{Name: "Elsewhere", ODSCode: "Y99002"})
		if err != nil {
			t.Fatal(err)
		}
		foreignService, err := beta.SaveService(testActor, 0, 0, models.Service{Name: "Their service", Published: true})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC)

		for _, tt := range []struct {
			name  string
			in    models.FeedbackInput
			field string
		}{
			{"no answer", models.FeedbackInput{Form: models.FormFFT}, "rating"},
			{"answer out of range", models.FeedbackInput{Form: models.FormFFT, Rating: 7}, "rating"},
			{"another tenant's practice", models.FeedbackInput{Form: models.FormFFT, Rating: 1, PracticeID: foreign.ID}, "practice"},
			{"no such practice", models.FeedbackInput{Form: models.FormFFT, Rating: 1, PracticeID: 999999}, "practice"},
			{"another tenant's service", models.FeedbackInput{Form: models.FormFFT, Rating: 1, ServiceID: foreignService.ID}, "service"},
			{"text too long", models.FeedbackInput{Form: models.FormFFT, Rating: 1, Text: strings.Repeat("a", 2001)}, "text"},
			{"empty comment", models.FeedbackInput{Form: models.FormComments, Text: "  \n "}, "text"},
			{"contact without a name", models.FeedbackInput{Form: models.FormContact, ReplyTo: "a@example.com", Text: "Hi"}, "name"},
			{"contact without an address", models.FeedbackInput{Form: models.FormContact, Name: "Ann", Text: "Hi"}, "reply_to"},
			{"contact with a bad address", models.FeedbackInput{Form: models.FormContact, Name: "Ann", ReplyTo: "ann at home", Text: "Hi"}, "reply_to"},
			{"contact without a message", models.FeedbackInput{Form: models.FormContact, Name: "Ann", ReplyTo: "a@example.com"}, "text"},
			{"unknown form", models.FeedbackInput{Form: "survey", Rating: 1}, "form"},
		} {
			var ve *models.ValidationError
			if _, err := alpha.SaveFeedback(tt.in, now); !errors.As(err, &ve) || ve.Field != tt.field {
				t.Errorf("%s: %v, want an error on %q", tt.name, err, tt.field)
			}
		}
		if _, n, _ := alpha.FeedbackResponses(models.FeedbackFilter{}); n != 0 {
			t.Fatalf("refused posts stored %d responses", n)
		}

		r, err := alpha.SaveFeedback(models.FeedbackInput{Form: models.FormFFT, Rating: models.RatingGood, PracticeID: own.ID, Text: " Kind staff\r\n\x00thanks "}, now)
		if err != nil {
			t.Fatal(err)
		}
		if r.ID == 0 || r.Text != "Kind staff\nthanks" || r.PracticeID == nil || *r.PracticeID != own.ID || r.RatingLabel() != "Good" {
			t.Errorf("stored %+v", r)
		}
		c, err := alpha.SaveFeedback(models.FeedbackInput{Form: models.FormContact, Name: " Ann  Smith ", ReplyTo: "Ann@Example.com", Text: "Where is the car park?"}, now.Add(time.Hour))
		if err != nil || c.Name != "Ann Smith" || c.ReplyTo != "ann@example.com" || c.Rating != 0 {
			t.Errorf("contact: %+v %v", c, err)
		}

		all, n, err := alpha.FeedbackResponses(models.FeedbackFilter{})
		if err != nil || n != 2 || len(all) != 2 || all[0].ID != c.ID {
			t.Errorf("all, newest first: %d %+v %v", n, all, err)
		}
		if got, n, _ := alpha.FeedbackResponses(models.FeedbackFilter{PracticeID: own.ID}); n != 1 || got[0].ID != r.ID {
			t.Errorf("by practice: %d %+v", n, got)
		}
		if got, n, _ := alpha.FeedbackResponses(models.FeedbackFilter{Form: models.FormContact}); n != 1 || got[0].ID != c.ID {
			t.Errorf("by form: %d %+v", n, got)
		}
		if _, n, _ := alpha.FeedbackResponses(models.FeedbackFilter{From: now.Add(time.Minute)}); n != 1 {
			t.Errorf("from a minute later: %d", n)
		}
		if _, n, _ := alpha.FeedbackResponses(models.FeedbackFilter{To: now.Add(time.Minute)}); n != 1 {
			t.Errorf("to a minute later: %d", n)
		}
		if got, n, _ := alpha.FeedbackResponses(models.FeedbackFilter{Limit: 1, Offset: 1}); n != 2 || len(got) != 1 || got[0].ID != r.ID {
			t.Errorf("second page: %d %+v", n, got)
		}
		if _, n, _ := beta.FeedbackResponses(models.FeedbackFilter{}); n != 0 {
			t.Errorf("beta sees %d of alpha's responses", n)
		}

		// Deleting the practice keeps the response, about no practice.
		if err := alpha.DeletePractice(testActor, own.ID); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := alpha.FeedbackResponses(models.FeedbackFilter{Form: models.FormFFT}); len(got) != 1 || got[0].PracticeID != nil {
			t.Errorf("after the practice was deleted: %+v", got)
		}
	})
}

func TestFFTResultsCountCompleteLondonMonths(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		alpha := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		beta := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
		p, err := alpha.SavePractice(testActor, 0, 0, models.Practice{Name: "Fivefields", ODSCode: "Y99001"})
		if err != nil {
			t.Fatal(err)
		}
		london, _ := time.LoadLocation("Europe/London")
		post := func(store *models.TenantDB, rating int, practice int64, at time.Time) {
			t.Helper()
			if _, err := store.SaveFeedback(models.FeedbackInput{Form: models.FormFFT, Rating: rating, PracticeID: practice, Text: "secret words"}, at); err != nil {
				t.Fatal(err)
			}
		}
		// April 2026 (BST): 00:30 London on 1 April is 23:30 UTC on 31 March.
		post(alpha, models.RatingVeryGood, p.ID, time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC))
		post(alpha, models.RatingGood, 0, time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC))
		post(alpha, models.RatingPoor, p.ID, time.Date(2026, 4, 30, 22, 59, 0, 0, time.UTC))
		post(alpha, models.RatingDontKnow, 0, time.Date(2026, 4, 20, 12, 0, 0, 0, time.UTC))
		// 23:30 UTC on 30 April is already May in London: current month.
		post(alpha, models.RatingVeryPoor, 0, time.Date(2026, 4, 30, 23, 30, 0, 0, time.UTC))
		// February: an older complete month.
		post(alpha, models.RatingNeither, 0, time.Date(2026, 2, 10, 12, 0, 0, 0, time.UTC))
		// A comment is no FFT answer; beta's answers are beta's.
		if _, err := alpha.SaveFeedback(models.FeedbackInput{Form: models.FormComments, Text: "hello"}, time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		post(beta, models.RatingVeryPoor, 0, time.Date(2026, 4, 3, 12, 0, 0, 0, time.UTC))

		now := time.Date(2026, 5, 12, 10, 0, 0, 0, time.UTC)
		got, err := alpha.FFTResults(now)
		if err != nil {
			t.Fatal(err)
		}
		april := time.Date(2026, 4, 1, 0, 0, 0, 0, london)
		if len(got) != 4 {
			t.Fatalf("want April (network, Fivefields), March, February; got %+v", got)
		}
		if !got[0].Month.Equal(april) || got[0].PracticeID != nil || got[0].Counts != [6]int{1, 1, 0, 1, 0, 1} || got[0].Total != 4 || got[0].GoodShare != 0.5 {
			t.Errorf("April, network: %+v", got[0])
		}
		if got[1].PracticeID == nil || *got[1].PracticeID != p.ID || got[1].PracticeName != "Fivefields" || got[1].Counts != [6]int{1, 0, 0, 1, 0, 0} || got[1].GoodShare != 0.5 {
			t.Errorf("April, Fivefields: %+v", got[1])
		}
		if got[2].Total != 0 || !got[2].Month.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, london)) {
			t.Errorf("March, no answers: %+v", got[2])
		}
		if got[3].Counts != [6]int{0, 0, 1, 0, 0, 0} || got[3].GoodShare != 0 {
			t.Errorf("February: %+v", got[3])
		}
		if next := alpha.NextChange(); !next.Equal(time.Date(2026, 6, 1, 0, 0, 0, 0, london)) {
			t.Errorf("results change at %v, want the start of June in London", next)
		}
		if b, _ := beta.FFTResults(now); len(b) != 1 || b[0].Total != 1 || b[0].Counts[models.RatingVeryPoor-1] != 1 {
			t.Errorf("beta's results: %+v", b)
		}
		if empty, err := db.ForTenant(ctx, modelstest.Tenant(t, db, "gamma").ID).FFTResults(now); err != nil || len(empty) != 0 {
			t.Errorf("a tenant without answers: %+v %v", empty, err)
		}
	})
}

func TestPurgeFeedbackTextAfterEachTenantsRetention(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		alpha := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID) // default: 12 months
		beta := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
		if err := beta.SaveFeedbackSettings(testActor, models.FeedbackSettings{FFT: true, Contact: true, RetentionMonths: 3}); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
		save := func(store *models.TenantDB, in models.FeedbackInput, at time.Time) models.FeedbackResponse {
			t.Helper()
			r, err := store.SaveFeedback(in, at)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		fft := models.FeedbackInput{Form: models.FormFFT, Rating: models.RatingGood, Text: "kind nurse"}
		contact := models.FeedbackInput{Form: models.FormContact, Name: "Ann", ReplyTo: "ann@example.com", Text: "parking?"}
		alphaOld := save(alpha, fft, now.AddDate(0, -13, 0))
		alphaKept := save(alpha, fft, now.AddDate(0, -4, 0))
		betaOld := save(beta, contact, now.AddDate(0, -4, 0))
		betaKept := save(beta, contact, now.AddDate(0, -2, 0))

		n, err := db.PurgeFeedbackText(ctx, now)
		if err != nil || n != 2 {
			t.Fatalf("purged %d, %v; want 2", n, err)
		}
		read := func(store *models.TenantDB, id int64) models.FeedbackResponse {
			t.Helper()
			rs, _, err := store.FeedbackResponses(models.FeedbackFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				if r.ID == id {
					return r
				}
			}
			t.Fatalf("response %d is gone: only the text may be deleted", id)
			return models.FeedbackResponse{}
		}
		if r := read(alpha, alphaOld.ID); r.Text != "" || r.TextDeletedAt == nil || r.Rating != models.RatingGood {
			t.Errorf("alpha's 13-month-old response: %+v", r)
		}
		if r := read(alpha, alphaKept.ID); r.Text != "kind nurse" || r.TextDeletedAt != nil {
			t.Errorf("alpha's 4-month-old response: %+v", r)
		}
		if r := read(beta, betaOld.ID); r.Text != "" || r.Name != "" || r.ReplyTo != "" || r.TextDeletedAt == nil {
			t.Errorf("beta's 4-month-old response (3 months kept): %+v", r)
		}
		if r := read(beta, betaKept.ID); r.Text != "parking?" || r.Name != "Ann" {
			t.Errorf("beta's 2-month-old response: %+v", r)
		}
		if n, err := db.PurgeFeedbackText(ctx, now); err != nil || n != 0 {
			t.Errorf("second purge: %d %v", n, err)
		}
	})
}
