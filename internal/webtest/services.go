package webtest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/signin"
	"github.com/pcnweb/pcnweb/handlers/site"
	"github.com/pcnweb/pcnweb/internal/metrics"
	"github.com/pcnweb/pcnweb/internal/redishealth"
	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
	"github.com/pcnweb/pcnweb/pagecache"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// Services are what the public listener (handlers.New) stands on in a
// handler test, wired as cmd/pcnweb/serve.go wires them: a real PostgreSQL
// and a real Redis, the themes, the tenant resolver with its invalidation
// bus running, and the page cache. Platform host: <slug>.localhost.
type Services struct {
	DB       *models.DB
	Redis    *redis.Client
	Monitor  *redishealth.Monitor
	Prefix   string // of the test's Redis keys
	Themes   *themes.Registry
	Metrics  *metrics.Metrics
	Resolver *tenants.Resolver
	Bus      *tenants.Bus
	Cache    *pagecache.Cache
	Logger   *slog.Logger // discards
}

// Options change Start's defaults.
type Options struct {
	// DB is the database; nil is a new one (modelstest.NewDB).
	DB *models.DB
	// RedisURL and Prefix are the Redis to use and the prefix of the
	// test's keys; "" is the shared test Redis with a prefix of the test's
	// own (testenv.Redis).
	RedisURL string
	Prefix   string
	// FailFast gives Redis calls short timeouts and no retries.
	FailFast bool
	// Themes are how the themes load (themes.Load).
	Themes []themes.Option
	// Now is the page cache's clock; nil is time.Now.
	Now func() time.Time
	// MaxRenders bounds the page cache's concurrent renders; 0 is its default.
	MaxRenders int
}

// Start starts the services for one test; they stop when it ends.
func Start(t testing.TB, o Options) *Services {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	db := o.DB
	if db == nil {
		db = modelstest.NewDB(t)
	}
	if o.RedisURL == "" {
		o.RedisURL, o.Prefix = testenv.Redis(t)
	}
	ropts, err := redis.ParseURL(o.RedisURL)
	if err != nil {
		t.Fatal(err)
	}
	if o.FailFast {
		ropts.DialTimeout, ropts.ReadTimeout, ropts.MaxRetries = 200*time.Millisecond, 200*time.Millisecond, 0
	}
	rc := redis.NewClient(ropts)
	t.Cleanup(func() { _ = rc.Close() })
	mon := redishealth.New(rc, log, 200*time.Millisecond)
	reg, err := themes.Load(o.Themes...)
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New()
	resolver := tenants.NewResolver(db, tenants.ResolverOptions{BaseDomain: "localhost", Logger: log})
	bus := tenants.NewBus(tenants.BusOptions{Redis: mon, Resolver: resolver, Prefix: o.Prefix, Logger: log, Metrics: m})
	db.SetNotifier(bus)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ready := make(chan struct{})
	go bus.Run(ctx, ready)
	<-ready
	cache := pagecache.New(pagecache.Options{Redis: mon, Prefix: o.Prefix, ServeStale: site.ServeStale, Metrics: m, Logger: log, Now: o.Now,
		Fingerprint: reg.Fingerprint(), MaxRenders: o.MaxRenders})
	return &Services{DB: db, Redis: rc, Monitor: mon, Prefix: o.Prefix, Themes: reg, Metrics: m, Resolver: resolver, Bus: bus, Cache: cache, Logger: log}
}

// Site is the public site on these services, over http on the default
// port: the test adds what it needs (Web, Media, Now, Contacts) and hands
// it to handlers.New with the audiences it tests.
func (s *Services) Site() site.Deps {
	return site.Deps{DB: s.DB, Resolver: s.Resolver, Themes: s.Themes, Cache: s.Cache, Logger: s.Logger, Metrics: s.Metrics, Scheme: "http"}
}

// SignInOptions change SignIn's defaults.
type SignInOptions struct {
	// DBSessions keeps sessions in the database only, without Redis.
	DBSessions bool
	// Now is the sessions' clock; nil is time.Now.
	Now func() time.Time
}

// SignIn are the services of signing in to the admin panel and the
// console on these services, wired as serve.go wires them: sessions in
// Redis in front of the database (the database only, with DBSessions),
// sign-in counters in Redis, the database's CSRF key. The test adds what
// it needs (Web, Mailer, Now) and embeds them in admin.Deps and
// console.Deps; one value serves both, as in production.
func (s *Services) SignIn(t testing.TB, o SignInOptions) signin.Deps {
	t.Helper()
	var sessRedis redis.UniversalClient // an interface: a nil *redis.Client in it would not be nil
	if !o.DBSessions {
		sessRedis = s.Redis
	}
	key, err := s.DB.PlatformSecret(context.Background(), "csrf", func() []byte { return []byte(auth.NewToken()) })
	if err != nil {
		t.Fatal(err)
	}
	return signin.Deps{DB: s.DB, Themes: s.Themes, Logger: s.Logger, CSRFKey: key,
		Sessions: auth.NewSessions(auth.SessionOptions{Redis: sessRedis, Prefix: s.Prefix, DB: s.DB, Now: o.Now}),
		Throttle: auth.NewThrottle(auth.ThrottleOptions{Redis: s.Redis, Prefix: s.Prefix}),
	}
}
