// Package redishealth watches a Redis connection so that callers can skip
// Redis while it is down instead of waiting on timeouts, and learn when it
// comes back (after which anything they cached alone may be stale, since
// invalidations published meanwhile were missed).
package redishealth

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Monitor tracks whether Redis answers. A nil *Monitor means "no Redis".
// The client is any of go-redis's: one node, or a Sentinel-managed master
// (redis.NewFailoverClient), which follows a failover by itself; "up" then
// means "the current master answers".
type Monitor struct {
	client   redis.UniversalClient
	log      *slog.Logger
	interval time.Duration
	up       atomic.Bool

	mu        sync.Mutex
	onRecover []func(context.Context)
}

// New returns a monitor that starts optimistic (up) and pings every interval.
func New(client redis.UniversalClient, log *slog.Logger, interval time.Duration) *Monitor {
	m := &Monitor{client: client, log: log, interval: interval}
	m.up.Store(true)
	return m
}

// Client is the monitored client.
func (m *Monitor) Client() redis.UniversalClient {
	if m == nil {
		return nil
	}
	return m.client
}

// Up reports whether Redis is configured and was answering at last check.
func (m *Monitor) Up() bool { return m != nil && m.up.Load() }

// OnRecover registers fn to run each time Redis comes back after an outage.
func (m *Monitor) OnRecover(fn func(context.Context)) {
	m.mu.Lock()
	m.onRecover = append(m.onRecover, fn)
	m.mu.Unlock()
}

// Failed records that a call failed for a connection reason; the next ping
// decides when Redis is back.
func (m *Monitor) Failed(err error) {
	// A request that gave up (its client went away) says nothing of Redis.
	if m == nil || err == nil || err == redis.Nil || errors.Is(err, context.Canceled) {
		return
	}
	if m.up.CompareAndSwap(true, false) {
		m.log.Warn("redis unreachable; serving without it", "error", err)
	}
}

// Check pings once and updates the state, running the recovery hooks when
// Redis answers after being down.
func (m *Monitor) Check(ctx context.Context) {
	pctx, cancel := context.WithTimeout(ctx, m.interval)
	err := m.client.Ping(pctx).Err()
	cancel()
	if err != nil {
		m.Failed(err)
		return
	}
	if m.up.CompareAndSwap(false, true) {
		m.log.Info("redis reachable again")
		m.mu.Lock()
		hooks := append([]func(context.Context){}, m.onRecover...)
		m.mu.Unlock()
		for _, fn := range hooks {
			fn(ctx)
		}
	}
}

// Run pings until ctx ends.
func (m *Monitor) Run(ctx context.Context) {
	t := time.NewTicker(m.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m.Check(ctx)
		}
	}
}
