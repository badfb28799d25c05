package siteimport

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/pcnweb/pcnweb/models"
)

// Runner runs queued imports in the background. Every replica starts one;
// each job is claimed by one runner under a lease it renews while the job
// runs, so a job whose replica dies is taken over by another once the
// lease has expired and run again from the start (which the import's
// idempotence makes safe).
type Runner struct {
	o Options

	cancel context.CancelFunc
	done   chan struct{}
}

// New makes a Runner; call Tick yourself, or Start.
func New(o Options) *Runner {
	o = o.withDefaults()
	if o.Holder == "" {
		o.Holder = NewHolder()
	}
	return &Runner{o: o}
}

// NewHolder names this process in a lease: host, process id and a random
// suffix.
func NewHolder() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b)
}

// Start makes a Runner and runs it in the background until ctx ends or
// Stop is called.
func Start(ctx context.Context, o Options) *Runner {
	r := New(o)
	ctx, r.cancel = context.WithCancel(ctx)
	r.done = make(chan struct{})
	go func() {
		defer close(r.done)
		r.Run(ctx)
	}()
	return r
}

// Stop ends a started Runner and waits for it. A job it was running stays
// claimed until its lease expires; then another replica runs it again.
func (r *Runner) Stop() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	<-r.done
}

// Holder is the name this runner claims jobs under.
func (r *Runner) Holder() string { return r.o.Holder }

// Run runs jobs one after another, looking for one every Poll while idle,
// until ctx ends.
func (r *Runner) Run(ctx context.Context) {
	for {
		ran, err := r.Tick(ctx)
		if err != nil && ctx.Err() == nil {
			r.o.Logger.ErrorContext(ctx, "siteimport: tick", "error", err)
		}
		if ran && ctx.Err() == nil {
			continue
		}
		t := time.NewTimer(r.o.Poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// Tick claims one job and runs it to the end: ran is false when there was
// none. A job's failure is recorded on the job, not returned.
func (r *Runner) Tick(ctx context.Context) (ran bool, err error) {
	job, err := r.o.DB.ClaimImportJob(ctx, r.o.Holder, r.o.Now(), r.o.LeaseTTL)
	if err != nil || job == nil {
		return false, err
	}
	return true, RunClaimed(ctx, r.o, *job, nil)
}

// RunClaimed runs a job that holder o.Holder has claimed: it renews the
// lease with the progress while the job runs, then records the report or
// the failure on the job. report, when not nil, hears each progress line
// too. When the lease is lost to another replica the run stops and
// models.ErrImportLost is returned; nothing is recorded.
func RunClaimed(ctx context.Context, o Options, job models.ImportJob, report func(string)) error {
	o = o.withDefaults()
	log := o.Logger.With("import_job", job.ID, "tenant_id", job.TenantID, "kind", job.Kind)
	log.InfoContext(ctx, "siteimport: job started", "source", job.Source, "attempt", job.Attempts)
	jctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var mu sync.Mutex
	latest, sent := "Starting", ""
	var lost error
	progress := func(s string) {
		mu.Lock()
		latest = s
		mu.Unlock()
		if report != nil {
			report(s)
		}
	}
	renew := func() {
		mu.Lock()
		p := latest
		mu.Unlock()
		if err := o.DB.RenewImportJob(ctx, job.ID, o.Holder, p, o.Now(), o.LeaseTTL); err != nil {
			if errors.Is(err, models.ErrImportLost) {
				mu.Lock()
				lost = err
				mu.Unlock()
				cancel()
				return
			}
			log.WarnContext(ctx, "siteimport: renew lease", "error", err)
		}
		sent = p
	}
	// Renew every few seconds when the progress has moved, and at least
	// every third of the lease.
	stopped := make(chan struct{})
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		every := min(2*time.Second, o.LeaseTTL/3)
		last := time.Now()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stopped:
				return
			case <-jctx.Done():
				return
			case <-t.C:
				mu.Lock()
				moved := latest != sent
				mu.Unlock()
				if moved || time.Since(last) >= o.LeaseTTL/3 {
					renew()
					last = time.Now()
				}
			}
		}
	}()
	rep, runErr := RunJob(jctx, o, job, progress)
	close(stopped)
	<-renewed
	mu.Lock()
	lostErr := lost
	mu.Unlock()
	if lostErr != nil {
		log.WarnContext(ctx, "siteimport: another replica took the job over")
		return lostErr
	}
	if ctx.Err() != nil {
		// Shutting down: the lease runs out and another replica runs the
		// job again.
		return ctx.Err()
	}
	msg := ""
	var rp *models.ImportReport
	if runErr != nil {
		msg = Message(runErr)
		log.WarnContext(ctx, "siteimport: job failed", "error", runErr)
	} else {
		rp = &rep
		log.InfoContext(ctx, "siteimport: job done", "pages", len(rep.Pages), "news", len(rep.News), "media", len(rep.Media),
			"redirects", len(rep.Redirects), "unchanged", rep.Unchanged, "duration_ms", rep.Duration.Milliseconds())
	}
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer fcancel()
	if err := o.DB.FinishImportJob(fctx, job.ID, o.Holder, rp, msg, o.Now()); err != nil {
		return err
	}
	return nil
}
