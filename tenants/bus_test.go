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

	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
	"github.com/pcnweb/pcnweb/redishealth"
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
