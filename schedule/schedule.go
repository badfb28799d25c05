// Package schedule runs the scheduled publish and unpublish changes that
// managers set in the admin panel. Every replica starts a Runner; a lease
// row in the database elects the one that acts, so each change runs once,
// to the minute, and another replica takes over within a minute and a
// half when the holder stops.
package schedule

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
)

// LeaseName is the lease row the runners compete for.
const LeaseName = "schedule"

// DefaultLeaseTTL is how long a lease lasts unless renewed; the holder
// renews it every minute.
const DefaultLeaseTTL = 90 * time.Second

// Options configure a Runner.
type Options struct {
	DB     *models.DB
	Logger *slog.Logger
	// Holder names this replica in the lease; empty makes one from the
	// host name, the process id and a random suffix.
	Holder string
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// LeaseTTL: 0 is DefaultLeaseTTL.
	LeaseTTL time.Duration
}

// Runner applies due changes while it holds the lease.
type Runner struct {
	db     *models.DB
	log    *slog.Logger
	holder string
	now    func() time.Time
	ttl    time.Duration

	// rolledUp is the London date of the last analytics roll-up
	// (models.DB.RollUpCounts): the leader runs it once a day.
	rolledUp string

	mu     sync.Mutex
	leader bool
	cancel context.CancelFunc
	done   chan struct{}
}

// New makes a Runner; call Tick yourself, or Start.
func New(o Options) *Runner {
	r := &Runner{db: o.DB, log: o.Logger, holder: o.Holder, now: o.Now, ttl: o.LeaseTTL}
	if r.log == nil {
		r.log = slog.Default()
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.ttl <= 0 {
		r.ttl = DefaultLeaseTTL
	}
	if r.holder == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		r.holder = host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b)
	}
	return r
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

// Stop ends a started Runner and waits until it has let go of the lease.
func (r *Runner) Stop() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	<-r.done
}

// Holder is the name this runner holds the lease under.
func (r *Runner) Holder() string { return r.holder }

// Leader reports whether the last tick held the lease.
func (r *Runner) Leader() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.leader
}

// Run ticks at once (to catch up on changes that fell due while no
// replica ran) and then a second after every minute boundary, until ctx
// ends; then it releases the lease.
func (r *Runner) Run(ctx context.Context) {
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := r.db.ReleaseLease(rctx, LeaseName, r.holder); err != nil {
			r.log.WarnContext(rctx, "schedule: release lease", "error", err)
		}
	}()
	for {
		if _, err := r.Tick(ctx); err != nil && ctx.Err() == nil {
			r.log.ErrorContext(ctx, "schedule: tick", "error", err)
		}
		now := r.now()
		next := now.Truncate(time.Minute).Add(time.Minute + time.Second)
		t := time.NewTimer(next.Sub(now))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// Tick takes or renews the lease and, when this runner holds it, applies
// every change that is due. It returns what was applied; a change that
// failed is logged and recorded, not returned as the error.
func (r *Runner) Tick(ctx context.Context) ([]models.ScheduleResult, error) {
	now := r.now()
	leader, err := r.db.AcquireLease(ctx, LeaseName, r.holder, now, r.ttl)
	r.mu.Lock()
	was := r.leader
	r.leader = leader && err == nil
	r.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if leader != was {
		r.log.InfoContext(ctx, "schedule: lease", "holder", r.holder, "leader", leader)
	}
	if !leader {
		return nil, nil
	}
	r.rollUpCounts(ctx, now)
	results, err := r.db.ApplyDue(ctx, now)
	for _, res := range results {
		c := res.Change
		if res.Err != nil {
			r.log.ErrorContext(ctx, "schedule: change failed", "tenant_id", c.TenantID, "change_id", c.ID,
				"kind", c.Kind, "target", c.Target, "action", c.Action, "error", res.Err)
			continue
		}
		r.log.InfoContext(ctx, "schedule: change applied", "tenant_id", c.TenantID, "change_id", c.ID,
			"kind", c.Kind, "target", c.Target, "action", c.Action)
	}
	return results, err
}

// rollUpCounts folds old analytics detail into daily totals, on the first
// tick of each London day that this runner leads; a failure is logged and
// tried again at the next tick.
func (r *Runner) rollUpCounts(ctx context.Context, now time.Time) {
	day := now.In(hours.Location()).Format(time.DateOnly)
	if day == r.rolledUp {
		return
	}
	n, err := r.db.RollUpCounts(ctx, now)
	if err != nil {
		r.log.ErrorContext(ctx, "schedule: roll up analytics", "error", err)
		return
	}
	r.rolledUp = day
	if n > 0 {
		r.log.InfoContext(ctx, "schedule: analytics rolled up", "rows", n)
	}
}
