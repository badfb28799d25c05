package models_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestScheduledChangesStayInTheirTenant(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(testing.TB) *models.DB
	}{{"postgres", modelstest.NewDB}, {"sqlite", modelstest.NewSQLite}} {
		t.Run(tc.name, func(t *testing.T) {
			db := tc.open(t)
			ctx := context.Background()
			alpha, beta := modelstest.Tenant(t, db, "alpha"), modelstest.Tenant(t, db, "beta")
			a, b := db.ForTenant(ctx, alpha.ID), db.ForTenant(ctx, beta.ID)
			now := time.Now()
			past := now.Add(-time.Hour)
			bp, err := b.SavePost(testActor, 0, models.Post{Title: "Beta news", BodyMD: "x", PublishedAt: &past})
			if err != nil {
				t.Fatal(err)
			}
			bTarget := strconv.FormatInt(bp.ID, 10)
			bc, err := b.ScheduleChange(models.ScheduleInput{Kind: models.ScheduleKindPost, Target: bTarget, Action: models.ScheduleUnpublish,
				RunAt: now.Add(time.Hour), Now: now, By: models.Actor{Name: "b@example.nhs.uk"}})
			if err != nil {
				t.Fatal(err)
			}
			if bc.RunAt.Second() != 0 || bc.RunAt.Nanosecond() != 0 {
				t.Errorf("run_at %v is not to the minute", bc.RunAt)
			}

			// alpha cannot see, cancel, schedule against or replace beta's.
			if got, err := a.PendingChanges("", ""); err != nil || len(got) != 0 {
				t.Errorf("alpha sees %+v, %v", got, err)
			}
			if got, _ := a.PendingChanges(models.ScheduleKindPost, bTarget); len(got) != 0 {
				t.Errorf("alpha sees beta's post's changes: %+v", got)
			}
			if _, err := a.CancelChange(testActor, bc.ID); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("alpha cancels beta's change: %v", err)
			}
			if _, err := a.ScheduleChange(models.ScheduleInput{By: testActor, Kind: models.ScheduleKindPost, Target: bTarget, Action: models.ScheduleUnpublish,
				RunAt: now.Add(time.Hour), Now: now}); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("alpha schedules beta's post: %v", err)
			}
			soon := now.Add(30 * time.Minute)
			if _, err := a.SetPostUnpublish(testActor, bp.ID, &soon, now); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("alpha replaces the unpublish of beta's post: %v", err)
			}
			if got, _ := b.PendingChanges("", ""); len(got) != 1 || !got[0].RunAt.Equal(bc.RunAt) || got[0].Label != "Beta news" {
				t.Errorf("beta's changes after alpha's attempts: %+v", got)
			}

			// Applying beta's change moves beta's generation, not alpha's.
			gens, _ := db.Generations(ctx)
			res, err := db.ApplyDue(ctx, now.Add(2*time.Hour))
			if err != nil || len(res) != 1 || res[0].Err != nil {
				t.Fatalf("apply: %+v, %v", res, err)
			}
			after, _ := db.Generations(ctx)
			if after[alpha.ID] != gens[alpha.ID] || after[beta.ID] != gens[beta.ID]+1 {
				t.Errorf("generations %v -> %v", gens, after)
			}
			if _, err := b.PostBySlug(bp.Slug, now); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("beta's post is still published: %v", err)
			}
		})
	}
}

func TestSetPostUnpublishReplacesThePendingOne(t *testing.T) {
	db := modelstest.NewDB(t)
	store := db.ForTenant(context.Background(), modelstest.Tenant(t, db, "alpha").ID)
	now := time.Now()
	p, err := store.SavePost(testActor, 0, models.Post{Title: "Flu", BodyMD: "x", PublishedAt: &now})
	if err != nil {
		t.Fatal(err)
	}
	first, second := now.Add(time.Hour).Truncate(time.Minute), now.Add(2*time.Hour).Truncate(time.Minute)
	for _, step := range []struct {
		at      *time.Time
		changed bool
		want    []time.Time
	}{
		{&first, true, []time.Time{first}},
		{&first, false, []time.Time{first}},
		{&second, true, []time.Time{second}},
		{nil, true, nil},
		{nil, false, nil},
	} {
		changed, err := store.SetPostUnpublish(models.Actor{Name: "jane@example.nhs.uk"}, p.ID, step.at, now)
		if err != nil || changed != step.changed {
			t.Errorf("set %v: changed %v, %v; want %v", step.at, changed, err, step.changed)
		}
		got, _ := store.PendingChanges(models.ScheduleKindPost, strconv.FormatInt(p.ID, 10))
		if len(got) != len(step.want) || (len(got) == 1 && !got[0].RunAt.Equal(step.want[0])) {
			t.Errorf("after set %v: %+v, want %v", step.at, got, step.want)
		}
	}
	past := now.Add(-time.Minute)
	var ve *models.ValidationError
	if _, err := store.SetPostUnpublish(testActor, p.ID, &past, now); !errors.As(err, &ve) || ve.Field != "when" {
		t.Errorf("a past time: %v", err)
	}
}
