package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pcnweb/pcnweb/auth"
)

func attempt(email, ip string) auth.Attempt { return auth.Attempt{Email: email, IP: ip} }

// Failures lock the account from that address only: a guesser elsewhere
// does not lock the owner out, until the account's ceiling.
func TestThrottleLocksPairThenReleases(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	th := auth.NewThrottle(auth.ThrottleOptions{Now: clk.Now})
	for i := 0; i < auth.PairFailures-1; i++ {
		if err := th.Failed(ctx, attempt("Someone@Example.nhs.uk", "192.0.2.1")); err != nil {
			t.Fatal(err)
		}
	}
	if d, _ := th.Locked(ctx, attempt("someone@example.nhs.uk", "192.0.2.1")); d != 0 {
		t.Fatalf("locked after %d failures", auth.PairFailures-1)
	}
	_ = th.Failed(ctx, attempt("someone@example.nhs.uk", "192.0.2.1"))
	if d, _ := th.Locked(ctx, attempt("someone@example.nhs.uk", "192.0.2.1")); d != auth.LockDuration {
		t.Fatalf("after %d failures the pair is locked for %v, want %v", auth.PairFailures, d, auth.LockDuration)
	}
	if d, _ := th.Locked(ctx, attempt("someone@example.nhs.uk", "198.51.100.9")); d != 0 {
		t.Error("the account is locked from another address too")
	}
	if d, _ := th.Locked(ctx, attempt("other@example.nhs.uk", "192.0.2.1")); d != 0 {
		t.Error("another account is locked from that address")
	}
	clk.Add(auth.LockDuration)
	if d, _ := th.Locked(ctx, attempt("someone@example.nhs.uk", "192.0.2.1")); d != 0 {
		t.Errorf("still locked %v after the lock-out", d)
	}
	// Failures older than the window do not count.
	for i := 0; i < auth.PairFailures-1; i++ {
		_ = th.Failed(ctx, attempt("slow@example.nhs.uk", "192.0.2.3"))
	}
	clk.Add(auth.FailureWindow)
	_ = th.Failed(ctx, attempt("slow@example.nhs.uk", "192.0.2.3"))
	if d, _ := th.Locked(ctx, attempt("slow@example.nhs.uk", "192.0.2.3")); d != 0 {
		t.Error("failures spread over more than the window locked the account")
	}
}

// A guesser spread over many addresses reaches the account's ceiling: that
// locks the account for unknown places, not for the owner's known address
// or known device.
func TestThrottleCeilingSparesKnownPlaces(t *testing.T) {
	eachThrottle(t, func(t *testing.T, th *auth.Throttle) {
		ctx := context.Background()
		const email = "manager@example.nhs.uk"
		key := []byte("test key")
		now := time.Now()
		// The owner signed in before from the office, on this browser.
		if err := th.Succeeded(ctx, attempt(email, "203.0.113.10")); err != nil {
			t.Fatal(err)
		}
		cookie := auth.RememberDevice(key, "", email, now)
		device := auth.KnownDevice(key, cookie, email, now)
		if device == "" {
			t.Fatal("a fresh known-device token is not recognised")
		}
		// A botnet: a handful of guesses from each of many addresses.
		for i := 0; i < auth.AccountFailures; i++ {
			if err := th.Failed(ctx, attempt(email, fmt.Sprintf("10.%d.%d.1", i/200, i%200))); err != nil {
				t.Fatal(err)
			}
		}
		if d, _ := th.Locked(ctx, attempt(email, "198.51.100.77")); d == 0 {
			t.Errorf("%d failures from many addresses did not lock the account for a new address", auth.AccountFailures)
		}
		if d, err := th.Locked(ctx, attempt(email, "203.0.113.10")); d != 0 || err != nil {
			t.Errorf("the owner's known address is locked out: %v %v", d, err)
		}
		if d, err := th.Locked(ctx, auth.Attempt{Email: email, IP: "192.0.2.200", Device: device}); d != 0 || err != nil {
			t.Errorf("the owner's known device on a new address is locked out: %v %v", d, err)
		}
		// A known device has a bucket of its own: a copied token gets a few guesses only.
		for i := 0; i < auth.PairFailures; i++ {
			_ = th.Failed(ctx, auth.Attempt{Email: email, IP: "192.0.2.200", Device: device})
		}
		if d, _ := th.Locked(ctx, auth.Attempt{Email: email, IP: "192.0.2.200", Device: device}); d == 0 {
			t.Error("a known device's own failures did not lock it")
		}
		if d, _ := th.Locked(ctx, attempt(email, "203.0.113.10")); d != 0 {
			t.Error("a known device's failures locked the known address too")
		}
	})
}

// One address guessing many accounts is locked out, whatever the account.
func TestThrottleLocksIP(t *testing.T) {
	ctx := context.Background()
	th := auth.NewThrottle(auth.ThrottleOptions{Now: newClock().Now})
	for i := 0; i < auth.IPFailures; i++ {
		_ = th.Failed(ctx, attempt(fmt.Sprintf("user%d@example.nhs.uk", i), "203.0.113.7"))
	}
	if d, _ := th.Locked(ctx, attempt("fresh@example.nhs.uk", "203.0.113.7")); d == 0 {
		t.Errorf("%d failures from one IP did not lock it", auth.IPFailures)
	}
	if d, _ := th.Locked(ctx, attempt("fresh@example.nhs.uk", "203.0.113.8")); d != 0 {
		t.Error("another IP is locked too")
	}
}

func TestThrottleInRedis(t *testing.T) {
	ctx := context.Background()
	rc, prefix := redisClient(t)
	a := auth.NewThrottle(auth.ThrottleOptions{Redis: rc, Prefix: prefix})
	b := auth.NewThrottle(auth.ThrottleOptions{Redis: rc, Prefix: prefix}) // another replica
	_ = a.Failed(ctx, attempt("x@example.nhs.uk", "192.0.2.1"))
	_ = a.Succeeded(ctx, attempt("x@example.nhs.uk", "192.0.2.1")) // a success clears the pair's count
	for i := 0; i < auth.PairFailures-1; i++ {
		th := []*auth.Throttle{a, b}[i%2]
		if err := th.Failed(ctx, attempt("x@example.nhs.uk", "192.0.2.1")); err != nil {
			t.Fatal(err)
		}
	}
	if d, err := b.Locked(ctx, attempt("x@example.nhs.uk", "192.0.2.1")); d != 0 || err != nil {
		t.Fatalf("Locked = %v, %v after %d failures", d, err, auth.PairFailures-1)
	}
	_ = b.Failed(ctx, attempt("x@example.nhs.uk", "192.0.2.1"))
	d, err := a.Locked(ctx, attempt("X@example.nhs.uk", "192.0.2.1"))
	if err != nil || d < auth.LockDuration-time.Minute || d > auth.LockDuration {
		t.Fatalf("Locked = %v, %v; want about %v, shared by replicas", d, err, auth.LockDuration)
	}
	keys, _ := rc.Keys(ctx, prefix+"signin:*").Result()
	for _, k := range keys {
		if strings.Contains(k, "x@example") || strings.Contains(k, "X@example") {
			t.Errorf("Redis key %q holds the email address", k)
		}
	}
}

// A known-device token works for its account only, until it expires, and
// only with its signature.
func TestKnownDeviceTokens(t *testing.T) {
	key := []byte("test key")
	now := time.Now()
	cookie := auth.RememberDevice(key, "", "jane@example.nhs.uk", now)
	if auth.KnownDevice(key, cookie, "Jane@example.nhs.uk", now) == "" {
		t.Fatal("own token not recognised")
	}
	if auth.KnownDevice(key, cookie, "bob@example.nhs.uk", now) != "" {
		t.Error("jane's token counts for bob")
	}
	if auth.KnownDevice([]byte("other key"), cookie, "jane@example.nhs.uk", now) != "" {
		t.Error("a token signed with another key counts")
	}
	if auth.KnownDevice(key, cookie, "jane@example.nhs.uk", now.Add(auth.KnownDeviceTTL)) != "" {
		t.Error("an expired token counts")
	}
	last := "0"
	if strings.HasSuffix(cookie, "0") {
		last = "1"
	}
	if auth.KnownDevice(key, cookie[:len(cookie)-1]+last, "jane@example.nhs.uk", now) != "" {
		t.Error("a tampered token counts")
	}
	// A shared computer keeps a few accounts' tokens.
	both := auth.RememberDevice(key, cookie, "bob@example.nhs.uk", now)
	if auth.KnownDevice(key, both, "jane@example.nhs.uk", now) == "" || auth.KnownDevice(key, both, "bob@example.nhs.uk", now) == "" {
		t.Error("a second account's sign-in dropped the first's token")
	}
	many := both
	for i := 0; i < 10; i++ {
		many = auth.RememberDevice(key, many, fmt.Sprintf("u%d@example.nhs.uk", i), now)
	}
	if len(strings.Split(many, "~")) > 4 {
		t.Errorf("the cookie keeps %d tokens", len(strings.Split(many, "~")))
	}
}

func TestResetRequestsLimitedPerAccountAndIP(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	th := auth.NewThrottle(auth.ThrottleOptions{Now: clk.Now})
	allowed := func(email, ip string) bool {
		t.Helper()
		ok, err := th.ResetAllowed(ctx, email, ip)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	for i := 0; i < auth.ResetsPerAccount; i++ {
		if !allowed("jane@example.nhs.uk", fmt.Sprintf("192.0.2.%d", i)) {
			t.Fatalf("request %d refused", i+1)
		}
	}
	if allowed("Jane@example.nhs.uk", "192.0.2.200") {
		t.Error("more resets than the limit for one address")
	}
	clk.Add(auth.LockDuration)
	if !allowed("jane@example.nhs.uk", "192.0.2.201") {
		t.Error("still refused after the lock")
	}
	// Many addresses from one IP.
	for i := 0; i < auth.ResetsPerIP; i++ {
		if !allowed(fmt.Sprintf("person%d@example.nhs.uk", i), "198.51.100.7") {
			t.Fatalf("address %d from one IP refused", i+1)
		}
	}
	if allowed("another@example.nhs.uk", "198.51.100.7") {
		t.Error("more resets than the limit from one IP")
	}
}

func FuzzKnownDevice(f *testing.F) {
	key := []byte("test key")
	now := time.Unix(1_800_000_000, 0)
	valid := auth.RememberDevice(key, "", "jane@example.nhs.uk", now)
	for _, s := range []string{"", valid, valid + "~" + valid, "a.b.c.d", "~~~", strings.Repeat("0", 16) + "." + strings.Repeat("0", 16) + ".99999999999.x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cookie string) {
		id := auth.KnownDevice(key, cookie, "jane@example.nhs.uk", now)
		if id != "" && (len(id) != 16 || !strings.Contains(cookie, "."+id+".")) {
			t.Fatalf("KnownDevice(%q) = %q", cookie, id)
		}
		next := auth.RememberDevice(key, cookie, "bob@example.nhs.uk", now)
		if auth.KnownDevice(key, next, "bob@example.nhs.uk", now) == "" || len(strings.Split(next, "~")) > 4 {
			t.Fatalf("RememberDevice(%q) = %q", cookie, next)
		}
	})
}

// TestSecondStepLimitedPerAccount: wrong two-factor codes come from someone
// who has the password, so spreading them over many addresses (each a
// fresh pair, far below the account's ceiling) must not buy more guesses:
// SecondStepFailures of them lock the code step for the account everywhere,
// while the password step of a known place is not affected.
func TestSecondStepLimitedPerAccount(t *testing.T) {
	eachThrottle(t, func(t *testing.T, th *auth.Throttle) {
		ctx := context.Background()
		const email = "manager@example.nhs.uk"
		code := func(ip string) auth.Attempt {
			a := attempt(email, ip)
			a.SecondStep = true
			return a
		}
		for i := 0; i < auth.SecondStepFailures; i++ {
			ip := fmt.Sprintf("10.0.%d.1", i)
			if d, err := th.Locked(ctx, code(ip)); d != 0 || err != nil {
				t.Fatalf("code %d from a fresh address refused early: %v %v", i+1, d, err)
			}
			if err := th.Failed(ctx, code(ip)); err != nil {
				t.Fatal(err)
			}
		}
		if d, _ := th.Locked(ctx, code("192.0.2.99")); d == 0 {
			t.Errorf("%d wrong codes from %d addresses did not lock the code step for a new address", auth.SecondStepFailures, auth.SecondStepFailures)
		}
		if d, err := th.Locked(ctx, attempt(email, "192.0.2.99")); d != 0 || err != nil {
			t.Errorf("wrong codes locked the password step of a fresh pair: %v %v", d, err)
		}
	})
}

// TestThrottleSkipsRedisWhileDown: while the health monitor says Redis is
// down, the counters are this process's at once: no attempt waits for a
// dial to a Redis that is not answering, and the lock still works.
func TestThrottleSkipsRedisWhileDown(t *testing.T) {
	var dials atomic.Int64
	rc := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", Dialer: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return nil, errors.New("redis is down")
	}})
	t.Cleanup(func() { _ = rc.Close() })
	th := auth.NewThrottle(auth.ThrottleOptions{Redis: rc, RedisUp: func() bool { return false }, Prefix: "down:"})
	ctx := context.Background()
	a := attempt("manager@example.nhs.uk", "192.0.2.1")
	for i := 0; i < auth.PairFailures; i++ {
		if err := th.Failed(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if d, err := th.Locked(ctx, a); d == 0 || err != nil {
		t.Errorf("Redis down: %d failures did not lock the pair: %v %v", auth.PairFailures, d, err)
	}
	if n := dials.Load(); n != 0 {
		t.Errorf("Redis down: the throttle dialled Redis %d times, want none", n)
	}
}

// eachThrottle runs f against a throttle counting in this process and one
// counting in Redis.
func eachThrottle(t *testing.T, f func(t *testing.T, th *auth.Throttle)) {
	t.Run("in process", func(t *testing.T) { f(t, auth.NewThrottle(auth.ThrottleOptions{})) })
	t.Run("redis", func(t *testing.T) {
		o := auth.ThrottleOptions{}
		o.Redis, o.Prefix = redisClient(t)
		f(t, auth.NewThrottle(o))
	})
}
