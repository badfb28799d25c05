package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/pcnweb/pcnweb/internal/metrics"
	"github.com/pcnweb/pcnweb/internal/redishealth"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

const usage = `pcnweb: the PCN website platform

Usage:
  pcnweb serve [--demo]                 run the web server (--demo seeds demo sites into an empty store)
  pcnweb migrate                        apply pending database migrations
  pcnweb tenant create --slug S --name N [--ods CODE] [--theme T] [--domain HOST]...
  pcnweb tenant list [--json]
  pcnweb tenant show S [--json]
  pcnweb tenant suspend S [--reason R]
  pcnweb tenant resume S
  pcnweb tenant rename S --slug NEW     change a tenant's slug; its old host 301s to the new one
  pcnweb tenant launch S                from the holding page to the full public site
  pcnweb domain add S HOST [--primary]
  pcnweb domain remove HOST
  pcnweb page put --tenant S --path P --title T [--draft] < body.md
  pcnweb user add --email E --tenant S --role manager|editor < password
  pcnweb announce add --title T --until "YYYY-MM-DD HH:MM" [--text X] [--from "YYYY-MM-DD HH:MM"] [--by WHO]
  pcnweb announce list
  pcnweb announce end ID
  pcnweb feedback export --tenant S [--since YYYY-MM-DD]
                                        patients' feedback responses as CSV on stdout
  pcnweb import ods FILE...             create or update PCN sites from NHS ODS files (ePCN.xlsx, epraccur.csv)
  pcnweb import site --tenant S URL [--max-pages N] [--publish]
                                        bring an old website in (drafts unless --publish)
  pcnweb import wordpress --tenant S FILE.xml [--publish]
                                        bring a WordPress export in (drafts unless --publish)
  pcnweb redirect add --tenant S FROM TO [--status 302]
                                        send an old address (/about-us.html, /index.php?page_id=7)
                                        to a page of the site or an https URL
  pcnweb redirect list --tenant S
  pcnweb redirect remove --tenant S FROM
  pcnweb token create --name N --scope S [--scope S]... [--expires YYYY-MM-DD]
                                        make an API token (printed once); scopes: tenants:read,
                                        tenants:write, domains:write, users:write, pages:write
  pcnweb token list
  pcnweb token revoke ID
  pcnweb stats --tenant S [--days N] [--json]
                                        a site's page views, searches and 404s over the last N days
                                        (1 to 400, default 30), as on its admin Insights page
  pcnweb version

Configuration is read from the environment; see README.md.
`

// usageError is bad input on the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func exitCode(err error) int {
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// env is what every command gets: its streams and configuration.
type env struct {
	cfg    Config
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
	// listenPort is the public listener's real port once serve has bound it.
	listenPort string
}

// run is the whole program, with its environment passed in so tests can
// call it: the command-line arguments (without the program name), getenv and
// the standard streams.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return usagef("no command given")
		}
		return nil
	}
	if args[0] == "version" {
		fmt.Fprintf(stdout, "pcnweb %s (%s)\n", version, goVersion())
		// Whether a deploy of this build re-renders every cached page.
		if reg, err := themes.Load(themes.WithBuild(buildID())); err == nil {
			fmt.Fprintf(stdout, "render fingerprint %s\n", reg.Fingerprint())
		}
		return nil
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return usagef("configuration: %v", err)
	}
	log := cfg.logger(stderr)
	e := &env{cfg: cfg, stdin: stdin, stdout: stdout, stderr: stderr, log: log}
	switch args[0] {
	case "serve":
		return e.serve(ctx, args[1:])
	case "migrate":
		return e.migrate(ctx, args[1:])
	case "tenant":
		return e.tenant(ctx, args[1:])
	case "domain":
		return e.domain(ctx, args[1:])
	case "page":
		return e.page(ctx, args[1:])
	case "user":
		return e.user(ctx, args[1:])
	case "announce":
		return e.announce(ctx, args[1:])
	case "import":
		return e.importCmd(ctx, args[1:])
	case "token":
		return e.token(ctx, args[1:])
	case "redirect":
		return e.redirectCmd(ctx, args[1:])
	case "feedback":
		return e.feedback(ctx, args[1:])
	case "stats":
		return e.stats(ctx, args[1:])
	default:
		return usagef("unknown command %q (run pcnweb help)", args[0])
	}
}

// parseFlags parses flags that may come before, between or after the
// positional arguments, which it returns.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// platform is a command's connection to the shared engines.
type platform struct {
	db    *models.DB
	redis *redishealth.Monitor // nil without REDIS_URL
	close func()
}

// openTenant opens the platform (as open does) and the tenant called slug,
// with its store, for the commands that work on one tenant's data. An
// unknown slug is a usage error naming it. Close the platform when done.
func (e *env) openTenant(ctx context.Context, slug string) (*platform, models.Tenant, *models.TenantDB, error) {
	p, _, err := e.open(ctx, nil, nil)
	if err != nil {
		return nil, models.Tenant{}, nil, err
	}
	t, err := p.db.TenantBySlug(ctx, slug)
	if err != nil {
		p.close()
		return nil, models.Tenant{}, nil, describe(err, "tenant "+slug)
	}
	return p, t, p.db.ForTenant(ctx, t.ID), nil
}

// open connects to the database (migrating it when allowed) and to Redis,
// and installs the invalidation bus so every change reaches running servers.
func (e *env) open(ctx context.Context, resolver func(*models.DB) *tenants.Resolver, m *metrics.Metrics) (*platform, *tenants.Bus, error) {
	db, err := models.Open(ctx, models.Options{URL: e.cfg.DatabaseURL, DataDir: e.cfg.DataDir, Logger: e.log})
	if err != nil {
		return nil, nil, err
	}
	p := &platform{db: db, close: func() { _ = db.Close() }}
	if e.cfg.AutoMigrate {
		if _, err := db.Migrate(ctx, nil); err != nil {
			p.close()
			return nil, nil, err
		}
	} else if pending, err := db.PendingMigrations(ctx); err != nil || pending {
		p.close()
		if err != nil {
			return nil, nil, err
		}
		return nil, nil, errors.New("the database schema is out of date: run `pcnweb migrate` (PCNWEB_AUTO_MIGRATE=false)")
	}
	if e.cfg.RedisURL != "" {
		client := e.cfg.Redis.client()
		p.redis = redishealth.New(client, e.log, 500*time.Millisecond)
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err = client.Ping(pctx).Err()
		cancel()
		if err != nil {
			// A server starts without Redis and serves rendered pages; a
			// one-shot command must not, or its change would not reach
			// running servers until their next poll.
			if resolver == nil {
				_ = client.Close()
				p.close()
				return nil, nil, fmt.Errorf("redis at %s is unreachable: %w", redactRedis(e.cfg.RedisURL), err)
			}
			p.redis.Failed(err)
		}
		closeDB := p.close
		p.close = func() { _ = client.Close(); closeDB() }
	}
	var res *tenants.Resolver
	if resolver != nil {
		res = resolver(db)
	}
	bus := tenants.NewBus(tenants.BusOptions{Redis: p.redis, Resolver: res, Prefix: e.cfg.RedisPrefix, Logger: e.log, Metrics: m})
	db.SetNotifier(bus)
	return p, bus, nil
}

func (e *env) migrate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := models.Open(ctx, models.Options{URL: e.cfg.DatabaseURL, DataDir: e.cfg.DataDir, Logger: e.log})
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx, nil)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(e.stdout, "%s: schema is up to date\n", db.Where)
		return nil
	}
	for _, a := range applied {
		fmt.Fprintf(e.stdout, "applied %s\n", a)
	}
	return nil
}
