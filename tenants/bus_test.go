package tenants_test

import (
	"context"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pcnweb/pcnweb/internal/redishealth"
	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
	"github.com/pcnweb/pcnweb/tenants"
)

func TestMain(m *testing.M) { os.Exit(modelstest.Main(m)) }

type replica struct {
	db       *models.DB
	resolver *tenants.Resolver
	bus      *tenants.Bus
}

func newReplica(t *testing.T, dbURL, redisURL, prefix string) *replica {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	db := modelstest.Open(t, dbURL)
	opts, _ := redis.ParseURL(redisURL)
	rc := redis.NewClient(opts)
	t.Cleanup(func() { _ = rc.Close() })
	res := tenants.NewResolver(db, tenants.ResolverOptions{BaseDomain: "localhost", Logger: log})
	bus := tenants.NewBus(tenants.BusOptions{Redis: redishealth.New(rc, log, time.Second), Resolver: res, Prefix: prefix, Logger: log})
	db.SetNotifier(bus)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ready := make(chan struct{})
	go bus.Run(ctx, ready)
	<-ready
	return &replica{db, res, bus}
}

// TestChangeReachesEveryReplicaBeforeItReturns: when a change made through
// one replica returns, every other replica already knows the new generation.
func TestChangeReachesEveryReplicaBeforeItReturns(t *testing.T) {
	url := modelstest.NewURL(t)
	redisURL, prefix := testenv.Redis(t)
	replicas := []*replica{newReplica(t, url, redisURL, prefix), newReplica(t, url, redisURL, prefix), newReplica(t, url, redisURL, prefix)}
	ctx := context.Background()
	tn := modelstest.Tenant(t, replicas[0].db, "highfives")
	seen := make([]*tenants.Tenant, len(replicas))
	for i, r := range replicas {
		got, err := r.resolver.Resolve(ctx, "highfives.localhost")
		if err != nil {
			t.Fatal(err)
		}
		seen[i] = got
	}
	for round := range 20 {
		writer := replicas[round%len(replicas)]
		if _, err := writer.db.ForTenant(ctx, tn.ID).PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "x"}); err != nil {
			t.Fatal(err)
		}
		want := int64(round + 2)
		for i, s := range seen {
			if g := s.Generation(); g != want {
				t.Fatalf("round %d: replica %d at generation %d after the change returned, want %d", round, i, g, want)
			}
		}
	}
}

// TestResolverKeepsLastMappingWhenDatabaseIsDown: once known, a host keeps
// resolving while the database is unreachable, even after its entry expired.
func TestResolverKeepsLastMappingWhenDatabaseIsDown(t *testing.T) {
	url := modelstest.NewURL(t)
	proxy := testenv.StartProxy(t, "127.0.0.1:5432")
	db := modelstest.Open(t, testenv.WithDatabase("postgres://postgres@"+proxy.Addr+"/x?sslmode=disable", dbName(url)))
	modelstest.Tenant(t, db, "highfives")
	now := time.Now()
	clock := func() time.Time { return now }
	res := tenants.NewResolver(db, tenants.ResolverOptions{BaseDomain: "localhost", TTL: time.Minute, Now: clock, Logger: slog.New(slog.DiscardHandler)})
	ctx := context.Background()
	if _, err := res.Resolve(ctx, "highfives.localhost"); err != nil {
		t.Fatal(err)
	}
	proxy.Cut()
	now = now.Add(2 * time.Minute) // past the TTL: a reload is attempted and fails
	got, err := res.Resolve(ctx, "highfives.localhost")
	if err != nil || got.Slug != "highfives" {
		t.Fatalf("database down: %v, %v; want the last known tenant", got, err)
	}
	if _, err := res.Resolve(ctx, "never-seen.localhost"); err == nil || err == tenants.ErrUnknownHost {
		t.Errorf("database down, unseen host: err = %v, want a database error (not 'unknown')", err)
	}
	proxy.Restore()
}

func dbName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	return strings.TrimPrefix(u.Path, "/")
}

// TestResyncWhenRedisReturns: a change made while Redis was away (so no
// message reached this replica) is picked up from the database the moment
// Redis answers again.
func TestResyncWhenRedisReturns(t *testing.T) {
	srv := testenv.StartRedis(t)
	url := modelstest.NewURL(t)
	log := slog.New(slog.DiscardHandler)
	db := modelstest.Open(t, url)
	opts, _ := redis.ParseURL(srv.URL)
	opts.MaxRetries = -1
	rc := redis.NewClient(opts)
	t.Cleanup(func() { _ = rc.Close() })
	mon := redishealth.New(rc, log, 200*time.Millisecond)
	res := tenants.NewResolver(db, tenants.ResolverOptions{BaseDomain: "localhost", Logger: log})
	tenants.NewBus(tenants.BusOptions{Redis: mon, Resolver: res, Prefix: "resync:", Logger: log})
	ctx := context.Background()
	tn := modelstest.Tenant(t, db, "highfives")
	got, err := res.Resolve(ctx, "highfives.localhost")
	if err != nil {
		t.Fatal(err)
	}
	before := got.Generation()
	srv.Stop(t)
	mon.Check(ctx)
	if mon.Up() {
		t.Fatal("monitor still up")
	}
	// Another replica publishes; the message is lost with Redis.
	if _, err := db.ForTenant(ctx, tn.ID).PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "x"}); err != nil {
		t.Fatal(err)
	}
	if got.Generation() != before {
		t.Fatal("generation moved without any message")
	}
	srv.Start(t)
	deadline := time.Now().Add(5 * time.Second)
	for !mon.Up() && time.Now().Before(deadline) {
		mon.Check(ctx)
		time.Sleep(20 * time.Millisecond)
	}
	if g := got.Generation(); g <= before {
		t.Errorf("after Redis returned: generation %d, want > %d", g, before)
	}
}

// TestChangeReachesReplicaWithinSecondsWhileRedisIsDown: Redis is configured
// but has gone away, so invalidations cannot travel; the generation poll,
// which runs every 30 s while Redis carries them, falls back to the
// no-Redis rate and another replica sees a change within about two seconds
// (not after up to 30).
func TestChangeReachesReplicaWithinSecondsWhileRedisIsDown(t *testing.T) {
	srv := testenv.StartRedis(t)
	url := modelstest.NewURL(t)
	log := slog.New(slog.DiscardHandler)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	type server struct {
		db  *models.DB
		res *tenants.Resolver
		mon *redishealth.Monitor
	}
	start := func() server {
		db := modelstest.Open(t, url)
		opts, _ := redis.ParseURL(srv.URL)
		opts.DialTimeout, opts.ReadTimeout, opts.MaxRetries = 200*time.Millisecond, 200*time.Millisecond, -1
		rc := redis.NewClient(opts)
		t.Cleanup(func() { _ = rc.Close() })
		mon := redishealth.New(rc, log, 200*time.Millisecond)
		res := tenants.NewResolver(db, tenants.ResolverOptions{BaseDomain: "localhost", Logger: log})
		bus := tenants.NewBus(tenants.BusOptions{Redis: mon, Resolver: res, Prefix: "down:", Logger: log})
		db.SetNotifier(bus)
		go mon.Run(ctx)
		ready := make(chan struct{})
		go bus.Run(ctx, ready)
		<-ready
		go bus.Poll(ctx, 30*time.Second) // what serve runs
		return server{db, res, mon}
	}
	a, b := start(), start()
	tn := modelstest.Tenant(t, a.db, "highfives")
	onB, err := b.res.Resolve(ctx, "highfives.localhost")
	if err != nil {
		t.Fatal(err)
	}
	before := onB.Generation()

	srv.Stop(t)
	if _, err := a.db.ForTenant(ctx, tn.ID).PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "x"}); err != nil {
		t.Fatal(err)
	}
	published := time.Now()
	for onB.Generation() == before {
		if time.Since(published) > 3*time.Second {
			t.Fatalf("Redis down: replica B still at generation %d %s after the change on A (Redis up on B: %v); want it within ~2 s",
				before, time.Since(published).Round(time.Millisecond), b.mon.Up())
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("Redis down: B saw the change after %s", time.Since(published).Round(time.Millisecond))

	// Back to health: invalidations travel again (at once, not by the poll).
	srv.Start(t)
	deadline := time.Now().Add(5 * time.Second)
	for !(a.mon.Up() && b.mon.Up()) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !a.mon.Up() || !b.mon.Up() {
		t.Fatal("Redis back but a monitor still says down")
	}
	// go-redis resubscribes on its own (it retries every 100 ms).
	rc := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rc.Close()
	for time.Now().Before(deadline) && rc.PubSubNumSub(ctx, "down:invalidate").Val()["down:invalidate"] < 2 {
		time.Sleep(20 * time.Millisecond)
	}
	before = onB.Generation()
	if _, err := a.db.ForTenant(ctx, tn.ID).PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "y"}); err != nil {
		t.Fatal(err)
	}
	if g := onB.Generation(); g <= before {
		t.Errorf("Redis back: B at generation %d when the publish returned, want > %d", g, before)
	}
}

// TestResyncWhenSubscriptionReturns: what was published while the
// subscription was down is lost with it, and the health monitor may have
// run its recovery resync before go-redis resubscribed (or never noticed a
// short outage at all). The bus resyncs from the database whenever go-redis
// confirms a resubscription, so the replica catches up without waiting for
// the 30 s poll.
func TestResyncWhenSubscriptionReturns(t *testing.T) {
	srv := testenv.StartRedis(t)
	url := modelstest.NewURL(t)
	log := slog.New(slog.DiscardHandler)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	db := modelstest.Open(t, url)
	opts, _ := redis.ParseURL(srv.URL)
	rc := redis.NewClient(opts)
	t.Cleanup(func() { _ = rc.Close() })
	// The monitor is never run, so it never sees the outage and its
	// recovery hook never fires; no poll runs either.
	mon := redishealth.New(rc, log, time.Hour)
	res := tenants.NewResolver(db, tenants.ResolverOptions{BaseDomain: "localhost", Logger: log})
	bus := tenants.NewBus(tenants.BusOptions{Redis: mon, Resolver: res, Prefix: "resub:", Logger: log})
	ready := make(chan struct{})
	go bus.Run(ctx, ready)
	<-ready

	tn := modelstest.Tenant(t, db, "highfives")
	got, err := res.Resolve(ctx, "highfives.localhost")
	if err != nil {
		t.Fatal(err)
	}
	before := got.Generation()
	srv.Stop(t)
	// Another replica's change while the subscription is down: its
	// message cannot reach this one.
	other := modelstest.Open(t, url)
	if _, err := other.ForTenant(ctx, tn.ID).PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "x"}); err != nil {
		t.Fatal(err)
	}
	srv.Start(t)
	deadline := time.Now().Add(10 * time.Second)
	for got.Generation() <= before {
		if time.Now().After(deadline) {
			t.Fatalf("generation still %d 10 s after Redis returned; want the resubscription to resync it", before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestPrimedResolverNeedsNoQueryPerHost: serve primes the resolver with
// every tenant from one listing, so the first request for each host after a
// deploy costs no database query (here the database is cut off before the
// first lookup, and every primed host still resolves).
func TestPrimedResolverNeedsNoQueryPerHost(t *testing.T) {
	url := modelstest.NewURL(t)
	proxy := testenv.StartProxy(t, "127.0.0.1:5432")
	db := modelstest.Open(t, testenv.WithDatabase("postgres://postgres@"+proxy.Addr+"/x?sslmode=disable", dbName(url)))
	modelstest.Tenant(t, db, "highfives", "www.highfivespcn.example")
	modelstest.Tenant(t, db, "riverside")
	archived := modelstest.Tenant(t, db, "gone")
	ctx := context.Background()
	if _, err := db.SetTenantStatus(ctx, archived.Slug, models.StatusArchived, "closed"); err != nil {
		t.Fatal(err)
	}
	ts, err := db.ListTenants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res := tenants.NewResolver(db, tenants.ResolverOptions{BaseDomain: "localhost", Logger: slog.New(slog.DiscardHandler)})
	res.Prime(ts)
	proxy.Cut()
	defer proxy.Restore()
	for host, want := range map[string]string{
		"highfives.localhost":      "highfives",
		"www.highfivespcn.example": "highfives",
		"riverside.localhost":      "riverside",
	} {
		got, err := res.Resolve(ctx, host)
		if err != nil || got.Slug != want {
			t.Errorf("%s with the database cut off: %v, %v; want %s from the primed map", host, got, err, want)
		}
	}
	if _, err := res.Resolve(ctx, "gone.localhost"); err == nil {
		t.Error("an archived tenant was primed")
	}
}
