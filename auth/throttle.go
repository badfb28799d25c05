package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Sign-in throttling: failures are counted per account (the email as typed,
// whether or not it has an account, so the lock-out reveals nothing) and per
// client IP, in a fixed window; reaching the limit locks that key.
const (
	AccountFailures = 5
	IPFailures      = 20
	FailureWindow   = 15 * time.Minute
	LockDuration    = 15 * time.Minute
)

// ThrottleOptions configure NewThrottle.
type ThrottleOptions struct {
	// Redis, when set, keeps the counters under Prefix+"signin:" so that
	// every replica shares them; otherwise they are kept in this process.
	Redis  redis.UniversalClient
	Prefix string
	// Now is the clock of the in-process counters; nil means time.Now.
	Now func() time.Time
}

// Throttle counts failed sign-ins and locks accounts and IPs.
type Throttle struct {
	redis  redis.UniversalClient
	prefix string
	now    func() time.Time

	mu      sync.Mutex
	entries map[string]*counter
}

type counter struct {
	n           int
	windowStart time.Time
	lockedUntil time.Time
}

// NewThrottle returns the sign-in throttle.
func NewThrottle(o ThrottleOptions) *Throttle {
	t := &Throttle{redis: o.Redis, prefix: o.Prefix + "signin:", now: o.Now, entries: map[string]*counter{}}
	if t.now == nil {
		t.now = time.Now
	}
	return t
}

func accountKey(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return "acct:" + hex.EncodeToString(sum[:16])
}

func ipKey(ip string) string { return "ip:" + ip }

// Locked reports how long sign-ins for this email or from this IP are still
// refused; 0 means they are allowed.
func (t *Throttle) Locked(ctx context.Context, email, ip string) (time.Duration, error) {
	var longest time.Duration
	for _, k := range []string{accountKey(email), ipKey(ip)} {
		d, err := t.locked(ctx, k)
		if err != nil {
			return 0, err
		}
		longest = max(longest, d)
	}
	return longest, nil
}

// Failed records a failed sign-in.
func (t *Throttle) Failed(ctx context.Context, email, ip string) error {
	if err := t.fail(ctx, accountKey(email), AccountFailures); err != nil {
		return err
	}
	return t.fail(ctx, ipKey(ip), IPFailures)
}

// Succeeded clears the account's failures after a successful sign-in (the
// IP's stay: one good password must not reset a spraying client's count).
func (t *Throttle) Succeeded(ctx context.Context, email string) error {
	k := accountKey(email)
	if t.redis != nil {
		if err := t.redis.Del(ctx, t.prefix+"fail:"+k).Err(); err == nil {
			return nil
		} // else: Redis unreachable, this process's counters stand in (see locked)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.entries, k)
	return nil
}

func (t *Throttle) locked(ctx context.Context, k string) (time.Duration, error) {
	if t.redis != nil {
		d, err := t.redis.PTTL(ctx, t.prefix+"lock:"+k).Result()
		if err == nil {
			return max(d, 0), nil
		}
		// Redis unreachable: this process's own counters stand in until it
		// is back (each replica counts on its own meanwhile), so signing in
		// still works — sessions fall back to the database the same way.
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if c := t.entries[k]; c != nil {
		if d := c.lockedUntil.Sub(t.now()); d > 0 {
			return d, nil
		}
	}
	return 0, nil
}

func (t *Throttle) fail(ctx context.Context, k string, limit int) error {
	if t.redis != nil {
		failKey := t.prefix + "fail:" + k
		var incr *redis.IntCmd
		_, err := t.redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.SetNX(ctx, failKey, 0, FailureWindow) // starts the window
			incr = p.Incr(ctx, failKey)
			return nil
		})
		if err != nil {
			return t.failLocal(k, limit) // Redis unreachable: see locked
		}
		if incr.Val() >= int64(limit) {
			_, err = t.redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, t.prefix+"lock:"+k, "1", LockDuration)
				p.Del(ctx, failKey)
				return nil
			})
			if err != nil {
				return unavailable(fmt.Errorf("auth: lock sign-in: %w", err))
			}
		}
		return nil
	}
	return t.failLocal(k, limit)
}

// failLocal counts a failure in this process.
func (t *Throttle) failLocal(k string, limit int) error {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.entries) > 100_000 {
		t.sweep(now)
	}
	c := t.entries[k]
	if c == nil || now.Sub(c.windowStart) >= FailureWindow {
		locked := time.Time{}
		if c != nil {
			locked = c.lockedUntil
		}
		c = &counter{windowStart: now, lockedUntil: locked}
		t.entries[k] = c
	}
	c.n++
	if c.n >= limit {
		c.lockedUntil = now.Add(LockDuration)
		c.n, c.windowStart = 0, now
	}
	return nil
}

// Password reset requests are limited too, so the form cannot be used to
// flood someone's inbox: a few links per email address and a few more per
// client IP in each FailureWindow.
const (
	ResetsPerAccount = 3
	ResetsPerIP      = 10
)

// ResetAllowed counts a password reset request for email from ip and reports
// whether a link may be sent. The request that reaches a limit is still
// allowed; later ones are not until the lock ends.
func (t *Throttle) ResetAllowed(ctx context.Context, email, ip string) (bool, error) {
	acct, client := "reset:"+accountKey(email), "resetip:"+ip
	for _, k := range []string{acct, client} {
		d, err := t.locked(ctx, k)
		if err != nil {
			return false, err
		}
		if d > 0 {
			return false, nil
		}
	}
	if err := t.fail(ctx, acct, ResetsPerAccount); err != nil {
		return false, err
	}
	return true, t.fail(ctx, client, ResetsPerIP)
}

// sweep drops entries that neither count nor lock any more; t.mu is held.
func (t *Throttle) sweep(now time.Time) {
	for k, c := range t.entries {
		if now.Sub(c.windowStart) >= FailureWindow && !now.Before(c.lockedUntil) {
			delete(t.entries, k)
		}
	}
}
