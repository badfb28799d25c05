// Package testenv connects tests to the real services they run against:
// PostgreSQL and Redis on this machine (or where PCNWEB_TEST_DATABASE_URL and
// PCNWEB_TEST_REDIS_URL point), throwaway Redis servers, and a TCP proxy that
// can cut a connection to simulate an outage. Nothing here is a mock.
package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for admin statements
	"github.com/redis/go-redis/v9"
)

const (
	defaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	defaultRedis    = "redis://127.0.0.1:6379/0"
)

// skipOrFail fails the test when a service is missing, unless the developer
// explicitly allowed skipping with PCNWEB_TEST_ALLOW_SKIP=1 (never in CI).
func skipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("PCNWEB_TEST_ALLOW_SKIP") == "1" && os.Getenv("CI") == "" {
		t.Skipf(format, args...)
	}
	t.Fatalf(format+" (run `make test`, which starts the services; or set PCNWEB_TEST_ALLOW_SKIP=1 locally)", args...)
}

// PostgresURL is the administrative connection tests create databases through.
func PostgresURL() string {
	if u := os.Getenv("PCNWEB_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return defaultPostgres
}

// RedisURL is the Redis server tests share, each under its own key prefix.
func RedisURL() string {
	if u := os.Getenv("PCNWEB_TEST_REDIS_URL"); u != "" {
		return u
	}
	return defaultRedis
}

// Token returns n random bytes as hex, for unique names.
func Token(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var nameRE = regexp.MustCompile(`[^a-z0-9_]+`)

// DatabaseName makes a unique, valid database name from a label.
func DatabaseName(label string) string {
	label = nameRE.ReplaceAllString(strings.ToLower(label), "_")
	if len(label) > 30 {
		label = label[:30]
	}
	return fmt.Sprintf("pcnweb_%s_%s", label, Token(4))
}

func admin(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		skipOrFail(t, "testenv: open PostgreSQL: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		skipOrFail(t, "testenv: PostgreSQL at %s is not reachable: %v", PostgresURL(), err)
	}
	return db
}

// CreateDatabase creates an empty database (or a copy of template when it is
// not empty), drops it when the test ends, and returns its URL.
func CreateDatabase(t testing.TB, name, template string) string {
	t.Helper()
	db := admin(t)
	defer db.Close()
	stmt := `CREATE DATABASE "` + name + `"`
	if template != "" {
		stmt += ` TEMPLATE "` + template + `"`
	}
	if _, err := db.Exec(stmt); err != nil {
		t.Fatalf("testenv: %s: %v", stmt, err)
	}
	t.Cleanup(func() { DropDatabase(t, name) })
	return WithDatabase(PostgresURL(), name)
}

// DropDatabase removes a database, disconnecting anyone still using it.
func DropDatabase(t testing.TB, name string) {
	if err := Drop(name); err != nil {
		t.Errorf("testenv: %v", err)
	}
}

// Drop removes a database outside of a test (from TestMain).
func Drop(name string) error {
	db, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// WithDatabase swaps the database name in a postgres:// URL.
func WithDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Redis returns a client of the shared test Redis and a key prefix unique to
// this test; keys under the prefix are deleted when the test ends.
func Redis(t testing.TB) (url, prefix string) {
	t.Helper()
	opts, err := redis.ParseURL(RedisURL())
	if err != nil {
		t.Fatalf("testenv: PCNWEB_TEST_REDIS_URL: %v", err)
	}
	c := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		skipOrFail(t, "testenv: Redis at %s is not reachable: %v", RedisURL(), err)
	}
	prefix = "pcnwebtest:" + Token(6) + ":"
	t.Cleanup(func() {
		defer c.Close()
		ctx := context.Background()
		iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
	})
	return RedisURL(), prefix
}

// RedisServer is a throwaway redis-server process on a free loopback port.
type RedisServer struct {
	URL  string
	Addr string
	cmd  *exec.Cmd
	dir  string
	args []string // more redis-server arguments (e.g. --replicaof)
	mu   sync.Mutex
}

// StartRedis runs a private redis-server for tests that stop and restart it.
func StartRedis(t testing.TB) *RedisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		skipOrFail(t, "testenv: redis-server is not installed")
	}
	s := &RedisServer{Addr: FreeAddr(t), dir: t.TempDir()}
	s.URL = "redis://" + s.Addr + "/0"
	s.Start(t)
	t.Cleanup(func() { s.Stop(t) })
	return s
}

// Start starts (or restarts) the server on its address and waits until it answers.
func (s *RedisServer) Start(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	_, port, _ := net.SplitHostPort(s.Addr)
	args := append([]string{"--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no",
		"--dir", s.dir, "--logfile", filepath.Join(s.dir, "redis.log")}, s.args...)
	cmd := exec.Command("redis-server", args...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("testenv: start redis-server: %v", err)
	}
	s.cmd = cmd
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", s.Addr, 100*time.Millisecond); err == nil {
			_ = c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("testenv: redis-server on %s did not start", s.Addr)
}

// Stop kills the server; its address then refuses connections.
func (s *RedisServer) Stop(t testing.TB) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// FreeAddr returns a loopback address with a port nothing listens on now.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}
