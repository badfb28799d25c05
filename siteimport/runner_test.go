package siteimport_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/siteimport"
)

func queueWordPress(t *testing.T, f *fixture) models.ImportJob {
	t.Helper()
	job, err := f.store.QueueImport(manager, models.ImportWordPress, "nightingale.xml", wordpressExport(t, "nightingale.xml"), 0, false)
	if err != nil {
		t.Fatal(err)
	}
	return job
}

func TestTwoRunnersRunAJobOnce(t *testing.T) {
	f := newFixture(t)
	job := queueWordPress(t, f)
	runners := []*siteimport.Runner{}
	for _, h := range []string{"replica-a", "replica-b"} {
		o := f.o
		o.Holder = h
		runners = append(runners, siteimport.New(o))
	}
	var wg sync.WaitGroup
	ran := make([]bool, len(runners))
	for i, r := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if ran[i], err = r.Tick(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ran[0] == ran[1] {
		t.Fatalf("ran = %v, want exactly one runner to run the job", ran)
	}
	done, _ := f.store.ImportJobByID(job.ID)
	if done.Status != models.ImportDone || done.Attempts != 1 {
		t.Errorf("job = %s (attempts %d): %s", done.Status, done.Attempts, done.Error)
	}
	if rep, _ := done.ReportData(); len(rep.Pages) == 0 {
		t.Errorf("report = %+v", rep)
	}
	for _, r := range runners {
		if again, err := r.Tick(context.Background()); again || err != nil {
			t.Errorf("a finished job ran again: %v, %v", again, err)
		}
	}
}

func TestDeadReplicasJobIsTakenOver(t *testing.T) {
	f := newFixture(t)
	job := queueWordPress(t, f)
	// A replica claimed it two minutes ago and died without renewing.
	if j, err := f.db.ClaimImportJob(context.Background(), "dead-replica", time.Now().Add(-2*time.Minute), time.Minute); err != nil || j == nil {
		t.Fatalf("claim = %+v, %v", j, err)
	}
	o := f.o
	o.Holder = "survivor"
	ran, err := siteimport.New(o).Tick(context.Background())
	if err != nil || !ran {
		t.Fatalf("tick = %v, %v; want the dead replica's job taken over", ran, err)
	}
	done, _ := f.store.ImportJobByID(job.ID)
	if done.Status != models.ImportDone || done.Holder != "survivor" || done.Attempts != 2 {
		t.Errorf("job = %s by %s (attempts %d): %s", done.Status, done.Holder, done.Attempts, done.Error)
	}
}

func TestStartedRunnerRunsQueuedJobs(t *testing.T) {
	f := newFixture(t)
	o := f.o
	o.Poll = 20 * time.Millisecond
	r := siteimport.Start(context.Background(), o)
	defer r.Stop()
	job := queueWordPress(t, f)
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := f.store.ImportJobByID(job.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == models.ImportDone || got.Status == models.ImportFailed {
			if got.Status != models.ImportDone || got.Progress == "" {
				t.Errorf("job = %s, progress %q: %s", got.Status, got.Progress, got.Error)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("job still %s after 30s (%q)", got.Status, got.Progress)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
