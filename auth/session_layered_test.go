package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/internal/testenv"
)

// flushPrefix deletes every key of the test's prefix: what a Redis restart
// without persistence (or a FLUSHALL) does to the sessions.
func flushPrefix(t *testing.T, c *redis.Client, prefix string) {
	t.Helper()
	ctx := context.Background()
	keys, err := c.Keys(ctx, prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatal("no keys to flush: sessions are not cached in Redis")
	}
	if err := c.Del(ctx, keys...).Err(); err != nil {
		t.Fatal(err)
	}
}

// TestSessionSurvivesRedisFlush: sessions are kept in the database with
// Redis as a cache, so losing Redis's keys signs no one out; the next
// lookup puts the session back in Redis (read-through).
func TestSessionSurvivesRedisFlush(t *testing.T) {
	f := newFixture(t, true)
	ctx := context.Background()
	token, s, err := f.sessions.Create(ctx, f.alice, f.tenant)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SignInSessionByTokenHash(ctx, s.TokenHash); err != nil {
		t.Fatalf("the session is not in the database: %v", err)
	}
	flushPrefix(t, f.redis, f.prefix)
	got, err := f.sessions.Lookup(ctx, token)
	if err != nil || got.UserID != f.alice || got.CSRF != s.CSRF {
		t.Fatalf("after a Redis flush: %+v, %v; want still signed in", got, err)
	}
	if n, _ := f.redis.Exists(ctx, f.prefix+"session:"+s.TokenHash).Result(); n != 1 {
		t.Error("the lookup did not put the session back in Redis")
	}
	// Sign out reaches both.
	if err := f.sessions.Delete(ctx, token); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.redis.Exists(ctx, f.prefix+"session:"+s.TokenHash).Result(); n != 0 {
		t.Error("signed out, still in Redis")
	}
	if _, err := f.db.SignInSessionByTokenHash(ctx, s.TokenHash); err == nil {
		t.Error("signed out, still in the database")
	}
	if _, err := f.sessions.Lookup(ctx, token); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("after sign-out: %v, want ErrNoSession", err)
	}
}

// TestSessionWithRedisDown: with Redis (a private redis-server) stopped,
// sessions are still made and found, in the database; when Redis is back,
// those sessions still work.
func TestSessionWithRedisDown(t *testing.T) {
	rs := testenv.StartRedis(t)
	opts, _ := redis.ParseURL(rs.URL)
	opts.DialTimeout, opts.ReadTimeout, opts.MaxRetries = 200*time.Millisecond, 200*time.Millisecond, 0
	rc := redis.NewClient(opts)
	t.Cleanup(func() { _ = rc.Close() })
	f := newFixture(t, false)
	up := true
	sessions := auth.NewSessions(auth.SessionOptions{DB: f.db, Redis: rc, RedisUp: func() bool { return up }, Prefix: "s:", Now: f.clock.Now})
	ctx := context.Background()
	before, _, err := sessions.Create(ctx, f.alice, f.tenant)
	if err != nil {
		t.Fatal(err)
	}

	rs.Stop(t)
	for _, known := range []bool{true, false} { // the health monitor noticed, or not yet
		up = known
		during, _, err := sessions.Create(ctx, f.bob, f.tenant)
		if err != nil {
			t.Fatalf("sign in with Redis down (monitor says up: %v): %v", known, err)
		}
		for _, tok := range []string{before, during} {
			if _, err := sessions.Lookup(ctx, tok); err != nil {
				t.Errorf("lookup with Redis down (monitor says up: %v): %v", known, err)
			}
		}
		f.clock.Add(2 * time.Minute) // a touch, written to the database only
		if _, err := sessions.Lookup(ctx, before); err != nil {
			t.Errorf("touch with Redis down: %v", err)
		}
	}

	rs.Start(t)
	up = true
	if _, err := sessions.Lookup(ctx, before); err != nil {
		t.Errorf("after Redis came back: %v", err)
	}
}

// TestSessionTouchHitsTheDatabaseOncePerMinute: activity on a cached session
// is written to the database at most once a minute; and that write is what
// ends a session deleted from the database while its Redis copy was kept
// (a sign-out during a Redis outage).
func TestSessionTouchHitsTheDatabaseOncePerMinute(t *testing.T) {
	f := newFixture(t, true)
	ctx := context.Background()
	token, s, err := f.sessions.Create(ctx, f.alice, f.tenant)
	if err != nil {
		t.Fatal(err)
	}
	seen := func() time.Time {
		t.Helper()
		r, err := f.db.SignInSessionByTokenHash(ctx, s.TokenHash)
		if err != nil {
			t.Fatal(err)
		}
		return r.LastSeenAt.UTC()
	}
	start := seen()
	for range 5 {
		f.clock.Add(10 * time.Second)
		if _, err := f.sessions.Lookup(ctx, token); err != nil {
			t.Fatal(err)
		}
	}
	if got := seen(); !got.Equal(start) {
		t.Errorf("50 s of requests moved the database's last-seen time from %v to %v: a write per request", start, got)
	}
	f.clock.Add(15 * time.Second)
	if _, err := f.sessions.Lookup(ctx, token); err != nil {
		t.Fatal(err)
	}
	if got := seen(); !got.After(start) {
		t.Errorf("after a minute the database's last-seen time is still %v", got)
	}

	// Deleted from the database only: the Redis copy works until the next
	// touch, at most a minute, then the session is gone from both.
	if err := f.db.DeleteSignInSession(ctx, s.TokenHash); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Minute)
	if _, err := f.sessions.Lookup(ctx, token); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("a minute after its row went: %v, want ErrNoSession", err)
	}
	if n, _ := f.redis.Exists(ctx, f.prefix+"session:"+s.TokenHash).Result(); n != 0 {
		t.Error("the Redis copy of a deleted session was kept")
	}
}
