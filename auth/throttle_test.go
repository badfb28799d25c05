package auth_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/auth"
)

func TestThrottleLocksAccountThenReleases(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	th := auth.NewThrottle(auth.ThrottleOptions{Now: clk.Now})
	for i := 0; i < auth.AccountFailures-1; i++ {
		if err := th.Failed(ctx, "Someone@Example.nhs.uk", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	if d, _ := th.Locked(ctx, "someone@example.nhs.uk", "192.0.2.1"); d != 0 {
		t.Fatalf("locked after %d failures", auth.AccountFailures-1)
	}
	_ = th.Failed(ctx, "someone@example.nhs.uk", "192.0.2.2")
	d, _ := th.Locked(ctx, "someone@example.nhs.uk", "198.51.100.9") // any IP
	if d != auth.LockDuration {
		t.Fatalf("after %d failures the account is locked for %v, want %v", auth.AccountFailures, d, auth.LockDuration)
	}
	if d, _ := th.Locked(ctx, "other@example.nhs.uk", "198.51.100.9"); d != 0 {
		t.Error("another account is locked too")
	}
	clk.Add(auth.LockDuration)
	if d, _ := th.Locked(ctx, "someone@example.nhs.uk", "192.0.2.1"); d != 0 {
		t.Errorf("still locked %v after the lock-out", d)
	}
	// Failures older than the window do not count.
	for i := 0; i < auth.AccountFailures-1; i++ {
		_ = th.Failed(ctx, "slow@example.nhs.uk", "192.0.2.3")
	}
	clk.Add(auth.FailureWindow)
	_ = th.Failed(ctx, "slow@example.nhs.uk", "192.0.2.3")
	if d, _ := th.Locked(ctx, "slow@example.nhs.uk", "192.0.2.3"); d != 0 {
		t.Error("failures spread over more than the window locked the account")
	}
}

func TestThrottleLocksIP(t *testing.T) {
	ctx := context.Background()
	th := auth.NewThrottle(auth.ThrottleOptions{Now: newClock().Now})
	for i := 0; i < auth.IPFailures; i++ {
		_ = th.Failed(ctx, fmt.Sprintf("user%d@example.nhs.uk", i), "203.0.113.7")
	}
	if d, _ := th.Locked(ctx, "fresh@example.nhs.uk", "203.0.113.7"); d == 0 {
		t.Errorf("%d failures from one IP did not lock it", auth.IPFailures)
	}
	if d, _ := th.Locked(ctx, "fresh@example.nhs.uk", "203.0.113.8"); d != 0 {
		t.Error("another IP is locked too")
	}
}

func TestThrottleInRedis(t *testing.T) {
	ctx := context.Background()
	rc, prefix := redisClient(t)
	a := auth.NewThrottle(auth.ThrottleOptions{Redis: rc, Prefix: prefix})
	b := auth.NewThrottle(auth.ThrottleOptions{Redis: rc, Prefix: prefix}) // another replica
	_ = a.Failed(ctx, "x@example.nhs.uk", "192.0.2.1")
	_ = a.Succeeded(ctx, "x@example.nhs.uk") // a success clears the account's count
	for i := 0; i < auth.AccountFailures-1; i++ {
		th := []*auth.Throttle{a, b}[i%2]
		if err := th.Failed(ctx, "x@example.nhs.uk", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	if d, err := b.Locked(ctx, "x@example.nhs.uk", "192.0.2.1"); d != 0 || err != nil {
		t.Fatalf("Locked = %v, %v after %d failures", d, err, auth.AccountFailures-1)
	}
	_ = b.Failed(ctx, "x@example.nhs.uk", "192.0.2.1")
	d, err := a.Locked(ctx, "X@example.nhs.uk", "192.0.2.50")
	if err != nil || d < auth.LockDuration-time.Minute || d > auth.LockDuration {
		t.Fatalf("Locked = %v, %v; want about %v, shared by replicas", d, err, auth.LockDuration)
	}
	keys, _ := rc.Keys(ctx, prefix+"signin:*").Result()
	for _, k := range keys {
		if len(k) > 0 && (contains(k, "x@example") || contains(k, "X@example")) {
			t.Errorf("Redis key %q holds the email address", k)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
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
