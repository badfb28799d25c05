package schedule_test

import (
	"context"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// The lease holder deletes feedback text older than the retention period,
// at its first tick and then hourly.
func TestTickDeletesOldFeedbackText(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	store := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
	start := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	save := func(at time.Time) {
		t.Helper()
		if _, err := store.SaveFeedback(models.FeedbackInput{Form: models.FormFFT, Rating: models.RatingGood, Text: "kind staff"}, at); err != nil {
			t.Fatal(err)
		}
	}
	save(start.AddDate(-1, 0, -1)) // past the default 12 months
	kept := func() int {
		t.Helper()
		rs, _, err := store.FeedbackResponses(models.FeedbackFilter{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range rs {
			if r.Text != "" {
				n++
			}
		}
		return n
	}

	clk := &testClock{t: start}
	leader := runner(db, clk, "a")
	if _, err := leader.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if n := kept(); n != 0 {
		t.Fatalf("%d texts kept after the first tick", n)
	}
	// Text that falls due ten minutes later waits until an hour has passed
	// since the last purge.
	save(start.AddDate(-1, 0, 0).Add(10 * time.Minute))
	clk.Set(start.Add(30 * time.Minute))
	if _, err := leader.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if n := kept(); n != 1 {
		t.Fatalf("%d texts kept half an hour later, want 1", n)
	}
	clk.Set(start.Add(61 * time.Minute))
	if _, err := leader.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if n := kept(); n != 0 {
		t.Fatalf("%d texts kept an hour later", n)
	}
}
