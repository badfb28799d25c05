package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/pcnweb/pcnweb/models/migrations"
)

// Dialect names the database engine behind a DB.
type Dialect string

const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// DB is the platform's database handle. Its exported methods are the
// deliberately cross-tenant operations (tenants, domains, host lookup) used by
// the resolver, the CLI and the console. Tenant content is reached only
// through ForTenant.
type DB struct {
	gorm     *gorm.DB
	notifier Notifier
	dialect  Dialect
	// Where is a human description for the startup log line, with no secrets.
	Where string
}

// Options configure Open.
type Options struct {
	// URL is a postgres:// URL; empty selects the embedded SQLite database.
	URL string
	// DataDir holds the SQLite file when URL is empty.
	DataDir string
	Logger  *slog.Logger
	// MaxOpenConns bounds the pool (PostgreSQL); 0 means 20.
	MaxOpenConns int
}

// Open connects to PostgreSQL when opts.URL is set, else to the embedded SQLite
// file under opts.DataDir, and checks the connection.
func Open(ctx context.Context, opts Options) (*DB, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	cfg := &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true,
		Logger:                 newGormLogger(log, 200*time.Millisecond),
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
	var (
		dialector gorm.Dialector
		d         = &DB{}
	)
	switch {
	case opts.URL == "":
		dir := opts.DataDir
		if dir == "" {
			dir = "data"
		}
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("models: create data dir: %w", err)
		}
		file := filepath.Join(dir, "pcnweb.db")
		dsn := "file:" + file + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		dialector = sqlite.Open(dsn)
		d.dialect, d.Where = SQLite, "sqlite "+file
	case strings.HasPrefix(opts.URL, "postgres://") || strings.HasPrefix(opts.URL, "postgresql://"):
		dialector = postgres.Open(opts.URL)
		d.dialect, d.Where = Postgres, "postgres "+redactURL(opts.URL)
	default:
		return nil, fmt.Errorf("models: DATABASE_URL must start with postgres:// (got %q)", redactURL(opts.URL))
	}
	g, err := gorm.Open(dialector, cfg)
	if err != nil {
		return nil, fmt.Errorf("models: open %s: %w", d.Where, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("models: %w", err)
	}
	if d.dialect == SQLite {
		// One writer at a time is SQLite's rule; a single connection avoids
		// SQLITE_BUSY between our own goroutines.
		sqlDB.SetMaxOpenConns(1)
	} else {
		n := opts.MaxOpenConns
		if n <= 0 {
			n = 20
		}
		sqlDB.SetMaxOpenConns(n)
		sqlDB.SetMaxIdleConns(n)
		sqlDB.SetConnMaxLifetime(30 * time.Minute)
	}
	if err := registerTenantGuard(g); err != nil {
		return nil, err
	}
	if err := registerUnavailable(g); err != nil {
		return nil, err
	}
	d.gorm = g
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := markUnavailable(sqlDB.PingContext(pctx)); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("models: connect to %s: %w", d.Where, err)
	}
	return d, nil
}

// Dialect reports the engine in use.
func (d *DB) Dialect() Dialect { return d.dialect }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	sqlDB, err := d.gorm.DB()
	if err != nil {
		return err
	}
	return markUnavailable(sqlDB.PingContext(ctx))
}

// Close releases the pool.
func (d *DB) Close() error {
	sqlDB, err := d.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Migrate applies every pending migration. On PostgreSQL it holds a session
// advisory lock so replicas starting together do not race.
func (d *DB) Migrate(ctx context.Context, log *slog.Logger) ([]string, error) {
	sqlDB, err := d.gorm.DB()
	if err != nil {
		return nil, err
	}
	p, err := d.migrationProvider(sqlDB, log)
	if err != nil {
		return nil, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("models: migrate: %w", err)
	}
	applied := make([]string, 0, len(results))
	for _, r := range results {
		applied = append(applied, r.Source.Path)
	}
	return applied, nil
}

// PendingMigrations reports whether the schema is behind the binary.
func (d *DB) PendingMigrations(ctx context.Context) (bool, error) {
	sqlDB, err := d.gorm.DB()
	if err != nil {
		return false, err
	}
	p, err := d.migrationProvider(sqlDB, nil)
	if err != nil {
		return false, err
	}
	return p.HasPending(ctx)
}

func (d *DB) migrationProvider(sqlDB *sql.DB, log *slog.Logger) (*goose.Provider, error) {
	var opts []goose.ProviderOption
	if log != nil {
		opts = append(opts, goose.WithSlog(log))
	}
	switch d.dialect {
	case Postgres:
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, fmt.Errorf("models: migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
		return goose.NewProvider(goose.DialectPostgres, sqlDB, mustSub(migrations.Postgres, "postgres"), opts...)
	default:
		return goose.NewProvider(goose.DialectSQLite3, sqlDB, mustSub(migrations.SQLite, "sqlite"), opts...)
	}
}

// registerUnavailable marks every connection failure of every statement
// with ErrUnavailable, whichever function ran it and whether or not it goes
// through translate. (Beginning a transaction runs no callback: mutate and
// translate mark those.)
func registerUnavailable(g *gorm.DB) error {
	mark := func(tx *gorm.DB) {
		if tx.Error != nil {
			tx.Error = markUnavailable(tx.Error)
		}
	}
	cb := g.Callback()
	for _, reg := range []func() error{
		func() error { return cb.Create().After("*").Register("pcnweb:unavailable", mark) },
		func() error { return cb.Query().After("*").Register("pcnweb:unavailable", mark) },
		func() error { return cb.Update().After("*").Register("pcnweb:unavailable", mark) },
		func() error { return cb.Delete().After("*").Register("pcnweb:unavailable", mark) },
		func() error { return cb.Row().After("*").Register("pcnweb:unavailable", mark) },
		func() error { return cb.Raw().After("*").Register("pcnweb:unavailable", mark) },
	} {
		if err := reg(); err != nil {
			return fmt.Errorf("models: register callback: %w", err)
		}
	}
	return nil
}

// translate maps GORM's errors onto the domain's sentinels.
func translate(op string, err error) error {
	err = markUnavailable(err)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return fmt.Errorf("models: %s: %w", op, ErrNotFound)
	case errors.Is(err, gorm.ErrDuplicatedKey), isUniqueViolation(err):
		return fmt.Errorf("models: %s: %w", op, ErrConflict)
	default:
		return fmt.Errorf("models: %s: %w", op, err)
	}
}

// isUniqueViolation catches the SQLite driver's message, which GORM's
// translator for glebarez/sqlite does not always map.
func isUniqueViolation(err error) bool {
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// redactURL drops the password from a URL for logs and errors.
func redactURL(raw string) string {
	at := strings.LastIndex(raw, "@")
	scheme := strings.Index(raw, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return raw
	}
	userinfo := raw[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		userinfo = userinfo[:i] + ":xxxxx"
	}
	return raw[:scheme+3] + userinfo + raw[at:]
}

type gormLogger struct {
	log  *slog.Logger
	slow time.Duration
	// counter, when set, is told every statement (DB.CountStatements).
	counter atomic.Pointer[StatementCounter]
}

func newGormLogger(log *slog.Logger, slow time.Duration) logger.Interface {
	return &gormLogger{log: log, slow: slow}
}

func (l *gormLogger) LogMode(logger.LogLevel) logger.Interface { return l }
func (l *gormLogger) Info(ctx context.Context, msg string, args ...any) {
	l.log.InfoContext(ctx, fmt.Sprintf(msg, args...))
}
func (l *gormLogger) Warn(ctx context.Context, msg string, args ...any) {
	l.log.WarnContext(ctx, fmt.Sprintf(msg, args...))
}
func (l *gormLogger) Error(ctx context.Context, msg string, args ...any) {
	l.log.ErrorContext(ctx, fmt.Sprintf(msg, args...))
}

// Trace logs slow queries only; errors are returned to and handled by callers.
func (l *gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	l.count(fc)
	if elapsed := time.Since(begin); elapsed >= l.slow {
		sql, rows := fc()
		l.log.WarnContext(ctx, "slow query", "duration_ms", elapsed.Milliseconds(), "rows", rows, "sql", sql)
	}
}

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic("models: embedded migrations missing: " + err.Error())
	}
	return sub
}
