package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Sign-in throttling. Failures are counted per account (the email as typed,
// whether or not it has an account, so a lock-out reveals nothing) *and
// address* pair, so that someone guessing from one place locks out only
// that place, not the account's owner. Above that:
//   - a much higher ceiling per account stops a guesser spread over many
//     addresses; it does not apply to the owner's known places: a browser
//     holding a known-device token for the account (see RememberDevice),
//     or an address the account signed in from before;
//   - a ceiling per address stops one client spraying many accounts;
//   - a known device has a bucket of its own, so a copied token still gets
//     only a few guesses.
//
// Counts run in a fixed window; reaching a limit locks that key.
const (
	PairFailures = 5 // one account from one address, or from one known device
	// SecondStepFailures bounds wrong two-factor codes per account, from
	// anywhere: whoever reaches that step has the password, so the owner
	// is the one being attacked and no known place is exempt.
	SecondStepFailures = 5
	AccountFailures    = 100 // one account from the places it is not known at
	IPFailures         = 20  // one address, across accounts
	FailureWindow      = 15 * time.Minute
	LockDuration       = 15 * time.Minute
	// KnownAddressTTL is how long an address stays known after a
	// successful sign-in from it; at most MaxKnownAddresses are kept.
	KnownAddressTTL   = 90 * 24 * time.Hour
	MaxKnownAddresses = 16
)

// Attempt is one sign-in attempt: the account as typed, the client's
// address, and Device, the id of the browser's known-device token for this
// account (KnownDevice), "" when it has none.
type Attempt struct {
	Email  string
	IP     string
	Device string
	// SecondStep marks a two-factor code (the password was right): on top
	// of the sign-in's own limits it is held to SecondStepFailures per
	// account, however many addresses the codes come from.
	SecondStep bool
}

// ThrottleOptions configure NewThrottle.
type ThrottleOptions struct {
	// Redis, when set, keeps the counters under Prefix+"signin:" so that
	// every replica shares them; otherwise they are kept in this process.
	Redis  redis.UniversalClient
	Prefix string
	// RedisUp, when set, says whether Redis is answering (redishealth):
	// while it is not, this process's counters are used at once instead of
	// each attempt waiting for a refused (or silent) Redis first.
	RedisUp func() bool
	// Now is the clock of the in-process counters; nil means time.Now.
	Now func() time.Time
}

// Throttle counts failed sign-ins and locks account-address pairs,
// accounts, addresses and known devices.
type Throttle struct {
	redis  redis.UniversalClient
	up     func() bool
	prefix string
	now    func() time.Time

	mu      sync.Mutex
	entries map[string]*counter
	known   map[string]map[string]time.Time // account key -> address key -> last success
}

type counter struct {
	n           int
	windowStart time.Time
	lockedUntil time.Time
}

// NewThrottle returns the sign-in throttle.
func NewThrottle(o ThrottleOptions) *Throttle {
	t := &Throttle{redis: o.Redis, up: o.RedisUp, prefix: o.Prefix + "signin:", now: o.Now, entries: map[string]*counter{}, known: map[string]map[string]time.Time{}}
	if t.now == nil {
		t.now = time.Now
	}
	return t
}

// useRedis reports whether the counters should be asked of Redis now.
func (t *Throttle) useRedis() bool { return t.redis != nil && (t.up == nil || t.up()) }

func accountKey(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return "acct:" + hex.EncodeToString(sum[:16])
}

// addrKey names an address without keeping it in the clear.
func addrKey(ip string) string {
	sum := sha256.Sum256([]byte(ip))
	return hex.EncodeToString(sum[:8])
}

func ipKey(ip string) string { return "ip:" + ip }

// keys are the counters an attempt touches, by limit.
type attemptKeys struct {
	acct, pair, account, ip, device, second string
}

func keysOf(a Attempt) attemptKeys {
	acct := accountKey(a.Email)
	k := attemptKeys{acct: acct, pair: "pair:" + acct + ":" + addrKey(a.IP), account: "ceiling:" + acct, ip: ipKey(a.IP)}
	if a.Device != "" {
		k.device = "device:" + acct + ":" + a.Device
	}
	if a.SecondStep {
		k.second = "second:" + acct
	}
	return k
}

// Locked reports how long this attempt is still refused; 0 means it may go
// ahead. A known device is held back only by its own bucket; a known
// address by its pair and the address's ceiling; anyone else also by the
// account's ceiling.
func (t *Throttle) Locked(ctx context.Context, a Attempt) (time.Duration, error) {
	k := keysOf(a)
	var keys []string
	if k.second != "" {
		keys = append(keys, k.second)
	}
	if k.device != "" {
		keys = append(keys, k.device)
	} else {
		keys = append(keys, k.pair, k.ip)
		known, err := t.knownAddress(ctx, k.acct, a.IP)
		if err != nil {
			return 0, err
		}
		if !known {
			keys = append(keys, k.account)
		}
	}
	var longest time.Duration
	for _, key := range keys {
		d, err := t.locked(ctx, key)
		if err != nil {
			return 0, err
		}
		longest = max(longest, d)
	}
	return longest, nil
}

// Failed records a failed sign-in (or a wrong second-step code).
func (t *Throttle) Failed(ctx context.Context, a Attempt) error {
	k := keysOf(a)
	if k.second != "" {
		if err := t.fail(ctx, k.second, SecondStepFailures); err != nil {
			return err
		}
	}
	if k.device != "" {
		return t.fail(ctx, k.device, PairFailures)
	}
	if err := t.fail(ctx, k.pair, PairFailures); err != nil {
		return err
	}
	if err := t.fail(ctx, k.account, AccountFailures); err != nil {
		return err
	}
	return t.fail(ctx, k.ip, IPFailures)
}

// Succeeded records a successful sign-in: the pair's and the device's
// failures are forgotten, and the address becomes known for the account.
// The account's ceiling and the address's count stay: one good password
// must not reset a guesser's or a sprayer's count.
func (t *Throttle) Succeeded(ctx context.Context, a Attempt) error {
	k := keysOf(a)
	drop := []string{k.pair}
	if k.device != "" {
		drop = append(drop, k.device)
	}
	if t.useRedis() {
		knownKey := t.prefix + "known:" + k.acct
		now := t.now()
		_, err := t.redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
			for _, d := range drop {
				p.Del(ctx, t.prefix+"fail:"+d)
			}
			p.ZAdd(ctx, knownKey, redis.Z{Score: float64(now.Unix()), Member: addrKey(a.IP)})
			p.ZRemRangeByScore(ctx, knownKey, "-inf", strconv.FormatInt(now.Add(-KnownAddressTTL).Unix(), 10))
			p.ZRemRangeByRank(ctx, knownKey, 0, -MaxKnownAddresses-1)
			p.Expire(ctx, knownKey, KnownAddressTTL)
			return nil
		})
		if err == nil {
			return nil
		} // else: Redis unreachable, this process's counters stand in (see locked)
	}
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, d := range drop {
		delete(t.entries, d)
	}
	addrs := t.known[k.acct]
	if addrs == nil {
		if len(t.known) > 100_000 {
			t.known = map[string]map[string]time.Time{} // bounded: forgetting known places only costs convenience
		}
		addrs = map[string]time.Time{}
		t.known[k.acct] = addrs
	}
	addrs[addrKey(a.IP)] = now
	for len(addrs) > MaxKnownAddresses {
		oldest, when := "", now
		for ak, at := range addrs {
			if !at.After(when) {
				oldest, when = ak, at
			}
		}
		delete(addrs, oldest)
	}
	return nil
}

// knownAddress reports whether the account signed in from ip within
// KnownAddressTTL.
func (t *Throttle) knownAddress(ctx context.Context, acct, ip string) (bool, error) {
	now := t.now()
	if t.useRedis() {
		score, err := t.redis.ZScore(ctx, t.prefix+"known:"+acct, addrKey(ip)).Result()
		if errors.Is(err, redis.Nil) {
			return false, nil
		}
		if err == nil {
			return now.Sub(time.Unix(int64(score), 0)) < KnownAddressTTL, nil
		} // else: Redis unreachable, this process's record stands in (see locked)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	at, ok := t.known[acct][addrKey(ip)]
	return ok && now.Sub(at) < KnownAddressTTL, nil
}

func (t *Throttle) locked(ctx context.Context, k string) (time.Duration, error) {
	if t.useRedis() {
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
	if t.useRedis() {
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
