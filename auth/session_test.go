package auth_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// clock is an injectable clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func redisClient(t *testing.T) (*redis.Client, string) {
	t.Helper()
	url, prefix := testenv.Redis(t)
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { _ = c.Close() })
	return c, prefix
}

// fixture is a database with one tenant and two users of it.
type fixture struct {
	db         *models.DB
	tenant     int64
	alice, bob int64
	redis      *redis.Client
	prefix     string
	clock      *clock
	sessions   *auth.Sessions
	usesRedis  bool
}

func newFixture(t *testing.T, useRedis bool) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: modelstest.NewDB(t), clock: newClock(), usesRedis: useRedis}
	tn := modelstest.Tenant(t, f.db, "alpha")
	f.tenant = tn.ID
	for _, u := range []struct {
		email string
		id    *int64
	}{{"alice@example.nhs.uk", &f.alice}, {"bob@example.nhs.uk", &f.bob}} {
		made, err := f.db.CreateUser(ctx, models.NewUser{Email: u.email, PasswordHash: "x", TenantID: tn.ID, Role: models.RoleEditor})
		if err != nil {
			t.Fatal(err)
		}
		*u.id = made.ID
	}
	opts := auth.SessionOptions{DB: f.db, Now: f.clock.Now}
	if useRedis {
		f.redis, f.prefix = redisClient(t)
		opts.Redis, opts.Prefix = f.redis, f.prefix
	}
	f.sessions = auth.NewSessions(opts)
	return f
}

func bothStores(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Run("database", func(t *testing.T) { fn(t, newFixture(t, false)) })
	t.Run("redis", func(t *testing.T) { fn(t, newFixture(t, true)) })
}

func TestSessionStoredHashed(t *testing.T) {
	bothStores(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		token, s, err := f.sessions.Create(ctx, f.alice, f.tenant)
		if err != nil {
			t.Fatal(err)
		}
		if len(token) < 43 || s.TokenHash != auth.HashToken(token) || s.CSRF == "" || s.CSRF == token {
			t.Fatalf("token %q, session %+v: want 256-bit token, stored under its hash, with its own CSRF token", token, s)
		}
		got, err := f.sessions.Lookup(ctx, token)
		if err != nil || got.UserID != f.alice || got.TenantID != f.tenant || got.CSRF != s.CSRF {
			t.Fatalf("Lookup = %+v, %v", got, err)
		}
		if _, err := f.sessions.Lookup(ctx, s.TokenHash); !errors.Is(err, auth.ErrNoSession) {
			t.Errorf("the stored hash works as a token: %v", err)
		}
		if f.usesRedis {
			if n, _ := f.redis.Exists(ctx, f.prefix+"session:"+s.TokenHash).Result(); n != 1 {
				t.Errorf("no Redis key %ssession:<sha256 of token>", f.prefix)
			}
			if n, _ := f.redis.Exists(ctx, f.prefix+"session:"+token).Result(); n != 0 {
				t.Error("the raw token is a Redis key")
			}
		} else if _, err := f.db.SignInSessionByTokenHash(ctx, s.TokenHash); err != nil {
			t.Errorf("no sessions row under the token's hash: %v", err)
		}
		if err := f.sessions.Delete(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, err := f.sessions.Lookup(ctx, token); !errors.Is(err, auth.ErrNoSession) {
			t.Errorf("Lookup after Delete = %v, want ErrNoSession", err)
		}
	})
}

func TestSessionIdleTimeout(t *testing.T) {
	bothStores(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		token, _, err := f.sessions.Create(ctx, f.alice, f.tenant)
		if err != nil {
			t.Fatal(err)
		}
		// Activity every 29 minutes keeps it alive well past 30 minutes.
		for i := 0; i < 4; i++ {
			f.clock.Add(29 * time.Minute)
			if _, err := f.sessions.Lookup(ctx, token); err != nil {
				t.Fatalf("after %d×29 min of activity: %v", i+1, err)
			}
		}
		f.clock.Add(30 * time.Minute)
		if _, err := f.sessions.Lookup(ctx, token); !errors.Is(err, auth.ErrNoSession) {
			t.Fatalf("after 30 idle minutes: %v, want ErrNoSession", err)
		}
		// And it is gone from the store, not just refused.
		f.clock.Add(-30 * time.Minute)
		if _, err := f.sessions.Lookup(ctx, token); !errors.Is(err, auth.ErrNoSession) {
			t.Fatalf("an expired session was kept: %v", err)
		}
	})
}

func TestSessionAbsoluteTimeout(t *testing.T) {
	bothStores(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		token, _, err := f.sessions.Create(ctx, f.alice, f.tenant)
		if err != nil {
			t.Fatal(err)
		}
		for elapsed := 20 * time.Minute; elapsed < auth.AbsoluteTimeout; elapsed += 20 * time.Minute {
			f.clock.Add(20 * time.Minute)
			if _, err := f.sessions.Lookup(ctx, token); err != nil {
				t.Fatalf("active session refused after %v: %v", elapsed, err)
			}
		}
		f.clock.Add(20 * time.Minute) // 12 h exactly
		if _, err := f.sessions.Lookup(ctx, token); !errors.Is(err, auth.ErrNoSession) {
			t.Fatalf("after 12 hours of activity: %v, want ErrNoSession", err)
		}
	})
}

func TestSignOutEverywhere(t *testing.T) {
	bothStores(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		var alices []string
		for i := 0; i < 3; i++ {
			tok, _, err := f.sessions.Create(ctx, f.alice, f.tenant)
			if err != nil {
				t.Fatal(err)
			}
			alices = append(alices, tok)
		}
		bobs, _, err := f.sessions.Create(ctx, f.bob, f.tenant)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.sessions.DeleteUser(ctx, f.alice); err != nil {
			t.Fatal(err)
		}
		for i, tok := range alices {
			if _, err := f.sessions.Lookup(ctx, tok); !errors.Is(err, auth.ErrNoSession) {
				t.Errorf("alice's session %d survived sign out everywhere: %v", i, err)
			}
		}
		if _, err := f.sessions.Lookup(ctx, bobs); err != nil {
			t.Errorf("bob's session ended with alice's: %v", err)
		}
	})
}

func TestDeleteExpiredSweepsTheDatabase(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	idle, _, _ := f.sessions.Create(ctx, f.alice, f.tenant)
	f.clock.Add(20 * time.Minute)
	live, _, _ := f.sessions.Create(ctx, f.bob, f.tenant)
	f.clock.Add(15 * time.Minute) // idle's 30 minutes are up, live's not
	n, err := f.sessions.DeleteExpired(ctx)
	if err != nil || n != 1 {
		t.Fatalf("DeleteExpired = %d, %v; want 1", n, err)
	}
	if _, err := f.db.SignInSessionByTokenHash(ctx, auth.HashToken(idle)); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("the idle session is still stored: %v", err)
	}
	if _, err := f.sessions.Lookup(ctx, live); err != nil {
		t.Errorf("the live session was swept: %v", err)
	}
}
