package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pcnweb/pcnweb/analytics"
	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers"
	"github.com/pcnweb/pcnweb/handlers/admin"
	"github.com/pcnweb/pcnweb/handlers/api"
	"github.com/pcnweb/pcnweb/handlers/console"
	"github.com/pcnweb/pcnweb/handlers/ops"
	"github.com/pcnweb/pcnweb/handlers/signin"
	"github.com/pcnweb/pcnweb/handlers/site"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/demo"
	"github.com/pcnweb/pcnweb/internal/eventloop"
	"github.com/pcnweb/pcnweb/internal/media"
	"github.com/pcnweb/pcnweb/internal/metrics"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/pagecache"
	"github.com/pcnweb/pcnweb/schedule"
	"github.com/pcnweb/pcnweb/siteimport"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// serve runs the public and internal listeners until ctx ends, then shuts
// down gracefully: in-flight requests finish.
func (e *env) serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	seed := fs.Bool("demo", false, "seed demo tenants when the store has none")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("serve: unexpected argument %q", pos[0])
	}
	reg, err := themes.Load(themes.WithBuild(buildID()))
	if err != nil {
		return fmt.Errorf("load themes: %w", err)
	}
	m := metrics.New()
	var resolver *tenants.Resolver
	p, bus, err := e.open(ctx, func(db *models.DB) *tenants.Resolver {
		resolver = tenants.NewResolver(db, tenants.ResolverOptions{BaseDomain: e.cfg.BaseDomain, Logger: e.log})
		return resolver
	}, m)
	if err != nil {
		return err
	}
	defer p.close()
	// This release's assets, for the replicas of other releases during a
	// rolling deploy. Without them those replicas answer this release's
	// asset URLs with their own file of the same name, so a failure here is
	// worth a warning, not a refusal to start.
	if err := site.RecordRelease(ctx, p.db, reg); err != nil {
		e.log.Warn("could not record this release's assets", "fingerprint", reg.Fingerprint(), "error", err)
	}
	var operatorCode string // the demo operator's recovery code
	var oldSites []demo.OldSite
	if *seed {
		n, err := demo.Seed(ctx, p.db)
		if err != nil {
			return fmt.Errorf("seed demo tenants: %w", err)
		}
		if n > 0 {
			e.log.Info("seeded demo tenants", "count", n)
		}
		if _, err := demo.SeedAccounts(ctx, p.db, e.cfg.DemoPassword); err != nil {
			return fmt.Errorf("seed demo accounts: %w", err)
		}
		if operatorCode, err = demo.OperatorRecoveryCode(ctx, p.db); err != nil {
			return fmt.Errorf("seed demo accounts: %w", err)
		}
		// Sample old websites to try "Import from your old website" on:
		// the importer may reach these origins, and no other private address.
		if oldSites, err = demo.ServeOldSites(ctx, demo.OldSitesPort, e.log); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", e.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on PCNWEB_ADDR %s: %w", e.cfg.Addr, err)
	}
	iln, err := net.Listen("tcp", e.cfg.InternalAddr)
	if err != nil {
		_ = ln.Close()
		return fmt.Errorf("listen on PCNWEB_INTERNAL_ADDR %s: %w", e.cfg.InternalAddr, err)
	}
	_, e.listenPort, _ = net.SplitHostPort(ln.Addr().String())
	publicPort := e.cfg.publicPort(e.listenPort)

	cache := pagecache.New(pagecache.Options{
		MaxBytes: e.cfg.CacheBytes, Redis: p.redis, Prefix: e.cfg.RedisPrefix,
		Fingerprint: reg.Fingerprint(), MaxRenders: e.cfg.RenderConcurrency,
		ServeStale: site.ServeStale, Metrics: m, Logger: e.log,
	})
	webCfg := web.Config{Secure: e.cfg.SecureCookies, TrustedProxies: e.cfg.TrustedProxies}
	mediaStore, err := media.NewDir(e.cfg.MediaDir)
	if err != nil {
		_ = ln.Close()
		_ = iln.Close()
		return fmt.Errorf("PCNWEB_MEDIA_DIR: %w", err)
	}
	// The admin panel and the operators' console share the services of
	// signing in: sessions, sign-in counters and the CSRF key.
	signIn, err := e.signInDeps(ctx, p, reg, webCfg)
	if err != nil {
		_ = ln.Close()
		_ = iln.Close()
		return err
	}
	images := media.NewProcessor(media.ProcessorOptions{Decodes: e.cfg.MediaDecodes})
	// Analytics (issue 13): counted in memory, added to the database every
	// 5 s and once more at shutdown.
	counter := analytics.New(analytics.Options{DB: p.db, Logger: e.log})
	// The access log: buffered, written every 100 ms, flushed at shutdown.
	accessLog := e.cfg.accessLog(e.stderr, m)
	defer func() { _ = accessLog.Close(context.Background()) }()
	// The public listener: handlers/routes.go shows where each request goes.
	app, hit := handlers.Public(handlers.Deps{
		AccessLog: accessLog,
		Site: site.Deps{
			DB: p.db, Resolver: resolver, Themes: reg, Cache: cache, Logger: e.log, Metrics: m,
			Web: webCfg, Scheme: e.cfg.scheme(), Port: publicPort, Media: mediaStore,
			Contacts:  site.NewContactCards(p.redis, e.cfg.RedisPrefix, e.log),
			Analytics: counter,
		},
		Admin: &admin.Deps{
			Deps: signIn, Scheme: e.cfg.scheme(), Port: publicPort, BaseDomain: e.cfg.BaseDomain,
			Media: mediaStore, Images: images,
		},
		// -- the operators' console, on PCNWEB_CONSOLE_HOST.
		ConsoleHost: e.cfg.ConsoleHost,
		Console: &console.Deps{
			Deps: signIn, Metrics: m, ODSDir: e.cfg.ODSDir,
			TenantURL: func(t models.Tenant) string {
				u := e.tenantURLs(t)[0] // ends in "/"
				return u[:len(u)-1]
			},
		},
		// -- operators' API (issue 5): /api/v1 on the console host.
		API: &api.Deps{
			DB: p.db, Logger: e.log, Web: webCfg, Mailer: mailer(e.cfg, e.log), Scheme: e.cfg.scheme(), Port: publicPort,
			BaseDomain: e.cfg.BaseDomain, ConsoleHost: e.cfg.ConsoleHost, Themes: reg.Themes(),
		},
	})

	bg, stopBG := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBG()
	var ready atomic.Bool
	busReady := make(chan struct{})
	if p.redis != nil {
		go p.redis.Run(bg)
	}
	go bus.Run(bg, busReady)
	// Every 30 s while Redis carries the invalidations; every
	// tenants.PollWithoutRedis (2 s) without Redis or while it is down.
	go bus.Poll(bg, 30*time.Second)
	// Scheduled publish and unpublish: every replica runs one; the lease
	// picks the one that acts. Stopped (lease released) before bg ends.
	sched := schedule.Start(bg, schedule.Options{DB: p.db, Logger: e.log})
	defer sched.Stop()
	// Site imports: every replica runs one; each job's lease picks the
	// replica that runs it, and another takes over if that one dies. The
	// demo's sample old sites are reachable (their origins only).
	importOpts := e.importOptions(p.db, mediaStore, images)
	for _, o := range oldSites {
		importOpts.Fetch.AllowOrigins = append(importOpts.Fetch.AllowOrigins, o.Origin)
	}
	imports := siteimport.Start(bg, importOpts)
	defer imports.Stop()
	counter.Start(bg)
	defer func() {
		// After the listener has finished its requests: their counts too.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := counter.Stop(fctx); err != nil {
			e.log.Warn("analytics: last flush failed", "error", err)
		}
	}()
	go func() {
		select {
		case <-busReady:
			ready.Store(true)
		case <-bg.Done():
		}
	}()

	hostSet := tenants.NewHostSet(p.db, tenants.HostSetOptions{BaseDomain: e.cfg.BaseDomain, Logger: e.log})
	go hostSet.Run(bg, 30*time.Second)
	internal := &http.Server{Handler: ops.New(ops.Deps{DB: p.db, Redis: p.redis, Metrics: m, Ready: ready.Load, Hosts: hostSet}), ReadHeaderTimeout: 5 * time.Second}
	cacheDesc := "in-process only"
	if p.redis != nil {
		cacheDesc = "in-process + redis " + redactRedis(e.cfg.RedisURL)
	}
	// Announce before serving, so that whoever sees /readyz answer has
	// the addresses already.
	e.log.Info("pcnweb serving", "addr", ln.Addr().String(), "internal_addr", iln.Addr().String(),
		"database", p.db.Where, "cache", cacheDesc, "base_domain", e.cfg.BaseDomain, "version", version,
		"render_fingerprint", reg.Fingerprint())
	if ts, err := p.db.ListTenants(ctx); err == nil {
		// Every tenant's hosts in memory before the first request: after a
		// deploy, host lookups would otherwise fill the database pool
		// while every page re-renders.
		resolver.Prime(ts)
		for _, t := range ts {
			if t.Status == models.StatusActive {
				fmt.Fprintf(e.stdout, "%-28s %s\n", t.Name, e.tenantURLs(t)[0])
			}
		}
	}
	console := e.cfg.scheme() + "://" + e.cfg.ConsoleHost
	if port := e.cfg.publicPort(e.listenPort); port != "" {
		console += ":" + port
	}
	fmt.Fprintf(e.stdout, "%-28s %s/\n", "Operators' console", console)
	if *seed {
		fmt.Fprintf(e.stdout, "\nDemo sign-in at <site>/admin: %s (or editor@highfives.example), password %q\n",
			demo.Accounts[0].Email, e.cfg.DemoPassword)
		fmt.Fprintf(e.stdout, "Demo operator at the console: %s, same password, then recovery code %s in place of a two-factor code (works once; a new one at each start)\n", demo.Operator, operatorCode)
		for _, o := range oldSites {
			fmt.Fprintf(e.stdout, "%-28s %s\n", "Old website ("+o.Name+")", o.URL)
		}
	}

	errc := make(chan error, 3)
	// The event loop in front (internal/eventloop): it answers fresh cache
	// hits itself and hands every other connection to Fiber, which then
	// serves them from its listener, Handed.
	var front *eventloop.Front
	if e.cfg.EventLoop && hit != nil {
		fc := app.Config() // the loop keeps Fiber's limits and timeouts
		front, err = eventloop.New(eventloop.Options{
			Hit: hit, Logger: e.log, Loops: runtime.GOMAXPROCS(0), MaxHead: fc.ReadBufferSize,
			IdleTimeout: fc.IdleTimeout, ReadTimeout: fc.ReadTimeout, WriteTimeout: fc.WriteTimeout,
		})
		if err != nil {
			_ = ln.Close()
			_ = iln.Close()
			return err
		}
		go func() { errc <- app.Listener(front.Handed()) }()
		go func() {
			if err := front.Serve(ln); err != nil {
				errc <- err
			}
		}()
	} else {
		go func() { errc <- app.Listener(ln) }()
	}
	go func() {
		if err := internal.Serve(iln); !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()

	select {
	case <-ctx.Done():
	case err := <-errc:
		return fmt.Errorf("server stopped: %w", err)
	}
	e.log.Info("shutting down; waiting for in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ready.Store(false)
	if front != nil {
		// Stop taking connections; the loop hands Fiber the ones with a
		// request begun and closes the idle ones. Fiber finishes its own.
		if err := front.Shutdown(); err != nil {
			e.log.Warn("event loop: shut down", "error", err)
		}
	}
	err = app.ShutdownWithContext(sctx)
	_ = internal.Shutdown(sctx)
	stopBG()
	return err
}

// signInDeps are the services of signing in to the admin panel and the
// console: sessions in the database with Redis, when it is configured, as a
// cache in front; sign-in counters in Redis (shared by every replica), else
// in this process; the CSRF key every replica shares.
func (e *env) signInDeps(ctx context.Context, p *platform, reg *themes.Registry, webCfg web.Config) (signin.Deps, error) {
	var rc redis.UniversalClient
	if p.redis != nil {
		rc = p.redis.Client()
	}
	key, err := p.db.PlatformSecret(ctx, "csrf", func() []byte { return []byte(auth.NewToken()) })
	if err != nil {
		return signin.Deps{}, fmt.Errorf("sign-in: %w", err)
	}
	sessions := auth.NewSessions(auth.SessionOptions{DB: p.db, Redis: rc, RedisUp: p.redis.Up, Prefix: e.cfg.RedisPrefix})
	// Sessions are kept in the database whether or not Redis caches them
	// (Redis expires its own copies).
	go sweepSessions(ctx, sessions, e.log)
	return signin.Deps{
		DB: p.db, Themes: reg, Logger: e.log, Web: webCfg, CSRFKey: key, Sessions: sessions,
		Throttle: auth.NewThrottle(auth.ThrottleOptions{Redis: rc, RedisUp: p.redis.Up, Prefix: e.cfg.RedisPrefix}),
		Mailer:   mailer(e.cfg, e.log),
	}, nil
}

// sweepSessions deletes expired sessions from the database every quarter
// of an hour until ctx ends (Redis expires its own).
func sweepSessions(ctx context.Context, s *auth.Sessions, log *slog.Logger) {
	tick := time.NewTicker(15 * time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if _, err := s.DeleteExpired(ctx); err != nil && ctx.Err() == nil {
				log.WarnContext(ctx, "delete expired sessions", "error", err)
			}
		}
	}
}

// mailer sends through SMTP when configured, to the log otherwise.
func mailer(cfg Config, log *slog.Logger) auth.Mailer {
	if cfg.SMTPAddr != "" {
		return auth.SMTPMailer{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom}
	}
	return auth.LogMailer{Logger: log}
}
