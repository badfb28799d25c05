package schedule_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
	"github.com/pcnweb/pcnweb/schedule"
)

func TestMain(m *testing.M) { os.Exit(modelstest.Main(m)) }

// testClock is a clock the test moves by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

var quiet = slog.New(slog.DiscardHandler)

func runner(db *models.DB, clk *testClock, holder string) *schedule.Runner {
	return schedule.New(schedule.Options{DB: db, Logger: quiet, Holder: holder, Now: clk.Now})
}

// draftPage makes a published page at path with a newer draft and returns
// the draft's revision.
func draftPage(t *testing.T, store *models.TenantDB, path string) int64 {
	t.Helper()
	if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: path, Title: "Live", BodyMD: "live text"}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: path, Title: "Draft", BodyMD: "draft text", Draft: true}); err != nil {
		t.Fatal(err)
	}
	d, err := store.PageForEdit(path)
	if err != nil {
		t.Fatal(err)
	}
	return d.Revision.ID
}

func publishedPost(t *testing.T, store *models.TenantDB, slug string) models.Post {
	t.Helper()
	at := time.Now().Add(-time.Hour)
	p, err := store.SavePost(testActor, 0, models.Post{Title: "Post " + slug, Slug: slug, BodyMD: "text", PublishedAt: &at})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func generation(t *testing.T, db *models.DB, tenantID int64) int64 {
	t.Helper()
	gens, err := db.Generations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return gens[tenantID]
}

// scheduleSome schedules n page publishes and n post unpublishes at runAt.
func scheduleSome(t *testing.T, store *models.TenantDB, n int, runAt, now time.Time) {
	t.Helper()
	for i := 0; i < n; i++ {
		path := "/page-" + strconv.Itoa(i)
		rev := draftPage(t, store, path)
		if _, err := store.ScheduleChange(models.ScheduleInput{Kind: models.ScheduleKindPage, Target: path, Action: models.SchedulePublish,
			RunAt: runAt, By: models.Actor{Name: "jane@example.nhs.uk"}, Now: now, BaseRevisionID: rev}); err != nil {
			t.Fatal(err)
		}
		p := publishedPost(t, store, "post-"+strconv.Itoa(i))
		if _, err := store.ScheduleChange(models.ScheduleInput{Kind: models.ScheduleKindPost, Target: strconv.FormatInt(p.ID, 10),
			Action: models.ScheduleUnpublish, RunAt: runAt, By: models.Actor{Name: "jane@example.nhs.uk"}, Now: now}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTwoRunnersApplyEachChangeExactlyOnce(t *testing.T) {
	db := modelstest.NewDB(t)
	tn := modelstest.Tenant(t, db, "alpha")
	store := db.ForTenant(context.Background(), tn.ID)
	now := time.Now()
	runAt := now.Add(2 * time.Hour).Truncate(time.Minute)
	const n = 5
	scheduleSome(t, store, n, runAt, now)
	before := generation(t, db, tn.ID)

	clk := &testClock{t: runAt.Add(time.Second)}
	a, b := runner(db, clk, "replica-a"), runner(db, clk, "replica-b")
	var mu sync.Mutex
	applied := map[int64]int{}
	var wg sync.WaitGroup
	for _, r := range []*schedule.Runner{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 3; i++ {
				res, err := r.Tick(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for _, x := range res {
					if x.Err != nil {
						t.Errorf("change %d failed: %v", x.Change.ID, x.Err)
					}
					applied[x.Change.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(applied) != 2*n {
		t.Errorf("applied %d changes, want %d", len(applied), 2*n)
	}
	for id, k := range applied {
		if k != 1 {
			t.Errorf("change %d applied %d times", id, k)
		}
	}
	if a.Leader() == b.Leader() {
		t.Errorf("leaders: a %v, b %v; want exactly one", a.Leader(), b.Leader())
	}
	if got := generation(t, db, tn.ID) - before; got != 2*n {
		t.Errorf("generation moved by %d, want %d (one per change)", got, 2*n)
	}
	for i := 0; i < n; i++ {
		p, err := store.PublishedPage("/page-" + strconv.Itoa(i))
		if err != nil || p.Revision.BodyMD != "draft text" {
			t.Errorf("page %d: %q, %v; want the draft published", i, p.Revision.BodyMD, err)
		}
	}
	if ps, _ := store.PublishedPosts(clk.Now(), 0); len(ps) != 0 {
		t.Errorf("%d posts still published", len(ps))
	}
	if pending, _ := store.PendingChanges("", ""); len(pending) != 0 {
		t.Errorf("%d changes still pending", len(pending))
	}
}

func TestApplyDueRunConcurrentlyAppliesEachChangeOnce(t *testing.T) {
	// Even without the lease (a holder whose lease lapsed mid-tick), a
	// change is claimed in the transaction that applies it.
	db := modelstest.NewDB(t)
	tn := modelstest.Tenant(t, db, "alpha")
	store := db.ForTenant(context.Background(), tn.ID)
	now := time.Now()
	runAt := now.Add(time.Hour)
	scheduleSome(t, store, 4, runAt, now)
	var mu sync.Mutex
	total := 0
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := db.ApplyDue(context.Background(), runAt.Add(time.Second))
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += len(res)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if total != 8 {
		t.Errorf("applied %d times, want 8", total)
	}
}

func TestLeasePassesWhenTheHolderStops(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(testing.TB) *models.DB
	}{{"postgres", modelstest.NewDB}, {"sqlite", modelstest.NewSQLite}} {
		t.Run(tc.name, func(t *testing.T) {
			db := tc.open(t)
			ctx := context.Background()
			t0 := time.Date(2026, 3, 2, 9, 0, 1, 0, time.UTC)
			clk := &testClock{t: t0}
			a, b := runner(db, clk, "replica-a"), runner(db, clk, "replica-b")
			tick := func(r *schedule.Runner) bool {
				t.Helper()
				if _, err := r.Tick(ctx); err != nil {
					t.Fatal(err)
				}
				return r.Leader()
			}
			if !tick(a) || tick(b) {
				t.Fatal("a took the lease first, so b must not have it")
			}
			clk.Set(t0.Add(time.Minute))
			if !tick(a) || tick(b) {
				t.Fatal("a renewed its lease; b must not have it")
			}
			// a stops renewing: b waits until the lease has expired.
			clk.Set(t0.Add(2 * time.Minute))
			if tick(b) {
				t.Fatal("b took a lease that had not expired")
			}
			clk.Set(t0.Add(time.Minute + schedule.DefaultLeaseTTL + time.Second))
			if !tick(b) {
				t.Fatal("b did not take the expired lease")
			}
			if tick(a) {
				t.Fatal("a came back and took b's lease")
			}
		})
	}
}

func TestStoppedRunnerReleasesTheLease(t *testing.T) {
	db := modelstest.NewDB(t)
	clk := &testClock{t: time.Now()}
	a := schedule.Start(context.Background(), schedule.Options{DB: db, Logger: quiet, Holder: "replica-a", Now: clk.Now})
	b := runner(db, clk, "replica-b")
	for deadline := time.Now().Add(10 * time.Second); !a.Leader(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a never took the lease")
		}
	}
	if ok, err := db.AcquireLease(context.Background(), schedule.LeaseName, "probe", clk.Now(), time.Second); err != nil || ok {
		t.Fatalf("another holder took the lease while a runs: %v, %v", ok, err)
	}
	a.Stop()
	if _, err := b.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !b.Leader() {
		t.Error("b did not get the lease a released")
	}
}

func TestScheduledChangesRunOnTimeNotBefore(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(testing.TB) *models.DB
	}{{"postgres", modelstest.NewDB}, {"sqlite", modelstest.NewSQLite}} {
		t.Run(tc.name, func(t *testing.T) {
			db := tc.open(t)
			tn := modelstest.Tenant(t, db, "alpha")
			store := db.ForTenant(context.Background(), tn.ID)
			now := time.Now()
			ten := now.Add(24 * time.Hour).Truncate(time.Hour)
			rev := draftPage(t, store, "/about")
			if _, err := store.ScheduleChange(models.ScheduleInput{By: testActor, Kind: models.ScheduleKindPage, Target: "/about", Action: models.SchedulePublish,
				RunAt: ten, Now: now, BaseRevisionID: rev}); err != nil {
				t.Fatal(err)
			}
			if _, err := store.ScheduleChange(models.ScheduleInput{By: testActor, Kind: models.ScheduleKindPage, Target: "/about", Action: models.ScheduleUnpublish,
				RunAt: ten.Add(time.Hour), Now: now}); err != nil {
				t.Fatal(err)
			}
			clk := &testClock{t: ten.Add(-time.Minute + time.Second)}
			r := runner(db, clk, "replica-a")
			body := func() string {
				p, err := store.PublishedPage("/about")
				if errors.Is(err, models.ErrNotFound) {
					return "(unpublished)"
				}
				if err != nil {
					t.Fatal(err)
				}
				return p.Revision.BodyMD
			}
			for _, step := range []struct {
				at   time.Time
				want string
			}{
				{ten.Add(-time.Minute + time.Second), "live text"},
				{ten.Add(time.Second), "draft text"},
				{ten.Add(time.Hour - time.Minute + time.Second), "draft text"},
				{ten.Add(time.Hour + time.Second), "(unpublished)"},
			} {
				clk.Set(step.at)
				if _, err := r.Tick(context.Background()); err != nil {
					t.Fatal(err)
				}
				if got := body(); got != step.want {
					t.Errorf("at %s: %q, want %q", step.at.Format(time.TimeOnly), got, step.want)
				}
			}
		})
	}
}

func TestCancelledChangesNeverRun(t *testing.T) {
	db := modelstest.NewDB(t)
	alpha, beta := modelstest.Tenant(t, db, "alpha"), modelstest.Tenant(t, db, "beta")
	store := db.ForTenant(context.Background(), alpha.ID)
	now := time.Now()
	p := publishedPost(t, store, "flu")
	c, err := store.ScheduleChange(models.ScheduleInput{By: testActor, Kind: models.ScheduleKindPost, Target: strconv.FormatInt(p.ID, 10),
		Action: models.ScheduleUnpublish, RunAt: now.Add(time.Hour), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ForTenant(context.Background(), beta.ID).CancelChange(testActor, c.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another tenant cancelled the change: %v", err)
	}
	if pending, _ := store.PendingChanges("", ""); len(pending) != 1 || pending[0].Label != "Post flu" {
		t.Fatalf("pending after the other tenant's cancel: %+v", pending)
	}
	if _, err := store.CancelChange(testActor, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := store.CancelChange(testActor, c.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("second cancel: %v, want ErrNotFound", err)
	}
	clk := &testClock{t: now.Add(2 * time.Hour)}
	res, err := runner(db, clk, "replica-a").Tick(context.Background())
	if err != nil || len(res) != 0 {
		t.Errorf("tick ran %d changes (%v), want none", len(res), err)
	}
	if _, err := store.PostBySlug("flu", clk.Now()); err != nil {
		t.Errorf("the post was unpublished: %v", err)
	}
}

func TestAFailingChangeIsRecordedAndNotRetried(t *testing.T) {
	db := modelstest.NewDB(t)
	tn := modelstest.Tenant(t, db, "alpha")
	store := db.ForTenant(context.Background(), tn.ID)
	now := time.Now()
	p := publishedPost(t, store, "flu")
	if _, err := store.ScheduleChange(models.ScheduleInput{By: testActor, Kind: models.ScheduleKindPost, Target: strconv.FormatInt(p.ID, 10),
		Action: models.SchedulePublish, RunAt: now.Add(time.Hour), Now: now}); err != nil {
		t.Fatal(err)
	}
	// Deleting a post cancels its unpublish, not a publish: that one fails.
	if err := store.DeletePost(testActor, p.ID); err != nil {
		t.Fatal(err)
	}
	clk := &testClock{t: now.Add(2 * time.Hour)}
	r := runner(db, clk, "replica-a")
	res, err := r.Tick(context.Background())
	if err != nil || len(res) != 1 || !errors.Is(res[0].Err, models.ErrNotFound) {
		t.Fatalf("tick: %+v, %v; want one change failed with ErrNotFound", res, err)
	}
	if res, _ := r.Tick(context.Background()); len(res) != 0 {
		t.Errorf("the failed change ran again: %+v", res)
	}
	if pending, _ := store.PendingChanges("", ""); len(pending) != 0 {
		t.Errorf("the failed change is still pending: %+v", pending)
	}
	failed, err := store.FailedChanges(now)
	if err != nil || len(failed) != 1 || failed[0].Error != "it no longer exists" || failed[0].Label != "(deleted)" {
		t.Errorf("failed changes: %+v, %v", failed, err)
	}
}

func TestScheduledPublishNeverReplacesANewerPublishedVersion(t *testing.T) {
	db := modelstest.NewDB(t)
	tn := modelstest.Tenant(t, db, "alpha")
	store := db.ForTenant(context.Background(), tn.ID)
	now := time.Now()
	rev := draftPage(t, store, "/about")
	if _, err := store.ScheduleChange(models.ScheduleInput{By: testActor, Kind: models.ScheduleKindPage, Target: "/about", Action: models.SchedulePublish,
		RunAt: now.Add(time.Hour), Now: now, BaseRevisionID: rev}); err != nil {
		t.Fatal(err)
	}
	// Meanwhile someone publishes a newer version by hand.
	if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "Newer", BodyMD: "newer text"}); err != nil {
		t.Fatal(err)
	}
	res, err := runner(db, &testClock{t: now.Add(2 * time.Hour)}, "replica-a").Tick(context.Background())
	if err != nil || len(res) != 1 || res[0].Err == nil {
		t.Fatalf("tick: %+v, %v; want the change refused", res, err)
	}
	if p, _ := store.PublishedPage("/about"); p.Revision.BodyMD != "newer text" {
		t.Errorf("live text %q, want the newer version kept", p.Revision.BodyMD)
	}
	failed, _ := store.FailedChanges(now)
	if len(failed) != 1 || !strings.Contains(failed[0].Error, "newer version") {
		t.Errorf("failed changes: %+v", failed)
	}
}

func TestScheduleChangeRefuses(t *testing.T) {
	db := modelstest.NewDB(t)
	alpha, beta := modelstest.Tenant(t, db, "alpha"), modelstest.Tenant(t, db, "beta")
	store := db.ForTenant(context.Background(), alpha.ID)
	now := time.Now()
	rev := draftPage(t, store, "/about")
	betaRev := draftPage(t, db.ForTenant(context.Background(), beta.ID), "/beta-only")
	var ve *models.ValidationError
	for _, tc := range []struct {
		name  string
		in    models.ScheduleInput
		check func(error) bool
	}{
		{"a time in the past", models.ScheduleInput{By: testActor, Kind: "page", Target: "/about", Action: "publish", RunAt: now.Add(-time.Minute), BaseRevisionID: rev},
			func(err error) bool { return errors.As(err, &ve) && ve.Field == "when" }},
		{"another tenant's page", models.ScheduleInput{By: testActor, Kind: "page", Target: "/beta-only", Action: "publish", RunAt: now.Add(time.Hour), BaseRevisionID: betaRev},
			func(err error) bool { return errors.Is(err, models.ErrNotFound) }},
		{"a revision that is no longer the latest", models.ScheduleInput{By: testActor, Kind: "page", Target: "/about", Action: "publish", RunAt: now.Add(time.Hour), BaseRevisionID: rev - 1},
			func(err error) bool { return errors.Is(err, models.ErrStale) }},
		{"an unknown action", models.ScheduleInput{By: testActor, Kind: "page", Target: "/about", Action: "delete", RunAt: now.Add(time.Hour)},
			func(err error) bool { return errors.As(err, &ve) && ve.Field == "action" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Now = now
			if _, err := store.ScheduleChange(tc.in); !tc.check(err) {
				t.Errorf("got %v", err)
			}
		})
	}
	// Nothing new to publish once the latest version is live.
	if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "Live", BodyMD: "all published"}); err != nil {
		t.Fatal(err)
	}
	_, err := store.ScheduleChange(models.ScheduleInput{By: testActor, Kind: "page", Target: "/about", Action: "publish", RunAt: now.Add(time.Hour), Now: now})
	if !errors.As(err, &ve) || ve.Field != "action" {
		t.Errorf("publishing a page without a draft: %v", err)
	}
	if pending, _ := store.PendingChanges("", ""); len(pending) != 0 {
		t.Errorf("refused changes were recorded: %+v", pending)
	}
}

// testActor makes the tests' own changes: every content write says who makes it.
var testActor = models.Actor{Name: "test@example.nhs.uk"}

// TestLeaderRollsUpAnalyticsDaily: the leader folds analytics detail older
// than 13 months into daily totals on its first tick of a London day.
func TestLeaderRollsUpAnalyticsDaily(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	tn := modelstest.Tenant(t, db, "alpha")
	old := time.Date(2025, 10, 31, 0, 0, 0, 0, time.UTC)
	add := func(key string) {
		t.Helper()
		if err := db.AddCounts(ctx, []models.DailyCount{{TenantID: tn.ID, Day: old, Kind: models.KindView, Key: key, N: 2}}); err != nil {
			t.Fatal(err)
		}
	}
	add("/a")
	clk := &testClock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	r := runner(db, clk, "one")
	if _, err := r.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	detail := func() int {
		in, err := db.ForTenant(ctx, tn.ID).Insights(old, old, 10)
		if err != nil {
			t.Fatal(err)
		}
		if in.TotalViews == 0 {
			t.Fatal("the day's total was lost")
		}
		return len(in.TopPages)
	}
	if n := detail(); n != 0 {
		t.Errorf("after the first tick %d detail rows remain, want 0", n)
	}
	// Later the same day: not again. The next day: again.
	add("/b")
	clk.Set(clk.Now().Add(time.Hour))
	if _, err := r.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if n := detail(); n != 1 {
		t.Errorf("a second roll-up ran the same day (%d detail rows, want 1)", n)
	}
	clk.Set(clk.Now().Add(24 * time.Hour))
	if _, err := r.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if n := detail(); n != 0 {
		t.Errorf("the next day's tick left %d detail rows, want 0", n)
	}
}
