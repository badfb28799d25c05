package main

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pcnweb/pcnweb/internal/accesslog"
	"github.com/pcnweb/pcnweb/internal/demo"
	"github.com/pcnweb/pcnweb/internal/hostname"
	"github.com/pcnweb/pcnweb/internal/media"
	"github.com/pcnweb/pcnweb/internal/metrics"
)

// Config is the process configuration, read once from the environment.
type Config struct {
	Addr           string // PCNWEB_ADDR
	InternalAddr   string // PCNWEB_INTERNAL_ADDR
	DatabaseURL    string // DATABASE_URL; "" selects embedded SQLite
	RedisURL       string // REDIS_URL; "" runs with the in-process cache only
	Redis          redisTarget
	DataDir        string // PCNWEB_DATA_DIR
	BaseDomain     string // PCNWEB_BASE_DOMAIN
	ConsoleHost    string // PCNWEB_CONSOLE_HOST
	SecureCookies  bool   // PCNWEB_SECURE_COOKIES
	TrustedProxies []string
	AutoMigrate    bool   // PCNWEB_AUTO_MIGRATE
	RedisPrefix    string // PCNWEB_REDIS_PREFIX
	CacheBytes     uint64 // PCNWEB_CACHE_BYTES
	LogFormat      string // LOG_FORMAT: text or json
	LogLevel       slog.Level
	// AccessLog says which requests the access log writes: all, misses
	// (not page-cache hits answered within a second) or off.
	AccessLog accesslog.Mode // PCNWEB_ACCESS_LOG
	// SMTPAddr (host:port) is the mail relay for password reset links; ""
	// writes them to the log instead. SMTPFrom is their From address.
	SMTPAddr string // PCNWEB_SMTP_ADDR
	SMTPFrom string // PCNWEB_SMTP_FROM
	// DemoPassword is the password of the demo accounts `serve --demo`
	// creates (demo.Accounts).
	DemoPassword string // PCNWEB_DEMO_PASSWORD
	// MediaDir holds the media library's files (images and PDFs).
	MediaDir string // PCNWEB_MEDIA_DIR
	// MediaDecodes is how many uploaded images a replica decodes at once
	// (each takes at most media.MaxImageMemory); more wait, then are asked
	// to try again.
	MediaDecodes int // PCNWEB_MEDIA_DECODES
	// ODSDir holds ePCN.xlsx and epraccur.csv, read when an operator creates
	// a tenant from its PCN code in the console; "" turns that off.
	ODSDir string // PCNWEB_ODS_DIR

	// ImportAllowPrivate lets the site importer reach loopback and private
	// addresses: tests only, never in production (it would let a manager
	// make the server fetch from its own network).
	ImportAllowPrivate bool // PCNWEB_IMPORT_ALLOW_PRIVATE

	// RenderConcurrency bounds the page renders (cache misses) running at
	// once in this process; 0 means pagecache.DefaultMaxRenders.
	RenderConcurrency int // PCNWEB_RENDER_CONCURRENCY

	// EventLoop puts the event loop (internal/eventloop) in front of the
	// public listener: fresh cache hits are answered on it, every other
	// connection is handed to Fiber. false serves everything with Fiber.
	EventLoop bool // PCNWEB_EVENT_LOOP
}

// loadConfig parses the environment; bad values fail with a message naming
// the variable.
func loadConfig(getenv func(string) string) (Config, error) {
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		if f := strings.TrimSpace(getenv(key + "_FILE")); f != "" {
			if b, err := os.ReadFile(f); err == nil {
				return strings.TrimSpace(string(b))
			}
		}
		return def
	}
	c := Config{
		Addr:         get("PCNWEB_ADDR", ":8080"),
		InternalAddr: get("PCNWEB_INTERNAL_ADDR", "127.0.0.1:9090"),
		DatabaseURL:  get("DATABASE_URL", ""),
		RedisURL:     get("REDIS_URL", ""),
		DataDir:      get("PCNWEB_DATA_DIR", "./data"),
		RedisPrefix:  get("PCNWEB_REDIS_PREFIX", "pcnweb:"),
		LogFormat:    get("LOG_FORMAT", "text"),
		DemoPassword: get("PCNWEB_DEMO_PASSWORD", demo.DefaultPassword),
		ODSDir:       get("PCNWEB_ODS_DIR", ""),
	}
	base, err := hostname.Normalize(get("PCNWEB_BASE_DOMAIN", "localhost"))
	if err != nil {
		return c, fmt.Errorf("PCNWEB_BASE_DOMAIN: %q is not a host name", getenv("PCNWEB_BASE_DOMAIN"))
	}
	c.BaseDomain = base
	if c.ConsoleHost, err = hostname.Normalize(get("PCNWEB_CONSOLE_HOST", "console."+base)); err != nil {
		return c, fmt.Errorf("PCNWEB_CONSOLE_HOST: %q is not a host name", getenv("PCNWEB_CONSOLE_HOST"))
	}
	if c.SecureCookies, err = parseBool(get("PCNWEB_SECURE_COOKIES", strconv.FormatBool(!isLocal(base))), "PCNWEB_SECURE_COOKIES"); err != nil {
		return c, err
	}
	if c.ImportAllowPrivate, err = parseBool(get("PCNWEB_IMPORT_ALLOW_PRIVATE", "false"), "PCNWEB_IMPORT_ALLOW_PRIVATE"); err != nil {
		return c, err
	}
	if c.AutoMigrate, err = parseBool(get("PCNWEB_AUTO_MIGRATE", "true"), "PCNWEB_AUTO_MIGRATE"); err != nil {
		return c, err
	}
	if c.EventLoop, err = parseBool(get("PCNWEB_EVENT_LOOP", "true"), "PCNWEB_EVENT_LOOP"); err != nil {
		return c, err
	}
	for _, p := range strings.FieldsFunc(get("PCNWEB_TRUSTED_PROXIES", ""), func(r rune) bool { return r == ',' || r == ' ' }) {
		if _, err := netip.ParsePrefix(p); err != nil {
			if _, err := netip.ParseAddr(p); err != nil {
				return c, fmt.Errorf("PCNWEB_TRUSTED_PROXIES: %q is not an IP address or CIDR", p)
			}
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	for _, a := range []struct{ name, val string }{{"PCNWEB_ADDR", c.Addr}, {"PCNWEB_INTERNAL_ADDR", c.InternalAddr}} {
		if _, _, err := net.SplitHostPort(a.val); err != nil {
			return c, fmt.Errorf("%s: %q is not host:port (like :8080)", a.name, a.val)
		}
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return c, fmt.Errorf("DATABASE_URL: must be a postgres:// URL (unset it to use the embedded SQLite database)")
	}
	if c.RedisURL != "" {
		if c.Redis, err = parseRedisURL(c.RedisURL); err != nil {
			return c, fmt.Errorf("REDIS_URL: %w", err)
		}
	}
	if v := get("PCNWEB_CACHE_BYTES", ""); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n < 1<<20 {
			return c, fmt.Errorf("PCNWEB_CACHE_BYTES: %q must be a number of bytes, at least 1048576", v)
		}
		c.CacheBytes = n
	}
	if v := get("PCNWEB_RENDER_CONCURRENCY", ""); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return c, fmt.Errorf("PCNWEB_RENDER_CONCURRENCY: %q must be a whole number from 1 to 10000", v)
		}
		c.RenderConcurrency = n
	}
	c.MediaDir = get("PCNWEB_MEDIA_DIR", filepath.Join(c.DataDir, "media"))
	if v := get("PCNWEB_MEDIA_DECODES", strconv.Itoa(media.DefaultDecodes)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 64 {
			return c, fmt.Errorf("PCNWEB_MEDIA_DECODES: %q must be a number of images from 1 to 64", v)
		}
		c.MediaDecodes = n
	}
	c.SMTPAddr, c.SMTPFrom = get("PCNWEB_SMTP_ADDR", ""), get("PCNWEB_SMTP_FROM", "")
	if c.SMTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.SMTPAddr); err != nil {
			return c, fmt.Errorf("PCNWEB_SMTP_ADDR: %q is not host:port (like smtp.example.org:25)", c.SMTPAddr)
		}
		if a, err := mail.ParseAddress(c.SMTPFrom); err != nil || a.Address != c.SMTPFrom {
			return c, fmt.Errorf("PCNWEB_SMTP_FROM: %q must be an email address (PCNWEB_SMTP_ADDR is set)", c.SMTPFrom)
		}
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return c, fmt.Errorf("LOG_FORMAT: %q must be text or json", c.LogFormat)
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("LOG_LEVEL", "info"))); err != nil {
		return c, fmt.Errorf("LOG_LEVEL: %q must be debug, info, warn or error", getenv("LOG_LEVEL"))
	}
	var ok bool
	if c.AccessLog, ok = accesslog.ParseMode(get("PCNWEB_ACCESS_LOG", string(accesslog.All))); !ok {
		return c, fmt.Errorf("PCNWEB_ACCESS_LOG: %q must be all, misses or off", getenv("PCNWEB_ACCESS_LOG"))
	}
	return c, nil
}

func parseBool(v, name string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s: %q must be true or false", name, v)
	}
	return b, nil
}

// isLocal reports whether the base domain is a development one, where
// *.localhost resolves to loopback and there is no TLS.
func isLocal(base string) bool { return base == "localhost" || strings.HasSuffix(base, ".localhost") }

// scheme is the scheme of public URLs.
func (c Config) scheme() string {
	if c.SecureCookies {
		return "https"
	}
	return "http"
}

// publicPort is the port that public URLs carry: the listener's in local
// development, none behind a proxy in production.
func (c Config) publicPort(listenPort string) string {
	if isLocal(c.BaseDomain) && listenPort != "80" && listenPort != "443" {
		return listenPort
	}
	return ""
}

// accessLog starts the access log, written to w (the log's writer) in the
// log's format, from a buffer (internal/accesslog); m counts the lines it
// drops.
func (c Config) accessLog(w io.Writer, m *metrics.Metrics) *accesslog.Log {
	return accesslog.New(w, accesslog.Options{
		JSON: c.LogFormat == "json", Level: c.LogLevel, Mode: c.AccessLog,
		OnDrop: func(n int) { m.AccessLogDropped.Add(float64(n)) },
	})
}

func (c Config) logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
