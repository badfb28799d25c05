package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestMain(m *testing.M) { os.Exit(modelstest.Main(m)) }

// syncBuffer is a bytes.Buffer safe for a server goroutine to write while
// the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// mapEnv is a getenv backed by a map.
func mapEnv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// cli runs one pcnweb command and returns its output and error.
func cli(t *testing.T, env map[string]string, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := run(ctx, args, mapEnv(env), strings.NewReader(stdin), &out, &errOut)
	return out.String(), err
}

// mustCLI runs a command that must succeed.
func mustCLI(t *testing.T, env map[string]string, stdin string, args ...string) string {
	t.Helper()
	out, err := cli(t, env, stdin, args...)
	if err != nil {
		t.Fatalf("pcnweb %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// instance is a `pcnweb serve` running in this process.
type instance struct {
	addr, internal string
	stdout         *syncBuffer
	stop           func() error
}

// startServer runs `pcnweb serve args...` and waits until /readyz says ready.
func startServer(t *testing.T, env map[string]string, args ...string) *instance {
	t.Helper()
	e := map[string]string{}
	for k, v := range env {
		e[k] = v
	}
	inst := &instance{addr: testenv.FreeAddr(t), internal: testenv.FreeAddr(t), stdout: &syncBuffer{}}
	e["PCNWEB_ADDR"], e["PCNWEB_INTERNAL_ADDR"] = inst.addr, inst.internal
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logs := &syncBuffer{}
	go func() {
		done <- run(ctx, append([]string{"serve"}, args...), mapEnv(e), strings.NewReader(""), inst.stdout, logs)
	}()
	stopped := false
	inst.stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(40 * time.Second):
			return errors.New("server did not stop")
		}
	}
	t.Cleanup(func() { _ = inst.stop() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + inst.internal + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return inst
			}
		}
		select {
		case err := <-done:
			t.Fatalf("server exited during start-up: %v\nlogs:\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready after 20s; logs:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type page struct {
	status int
	header http.Header
	body   string
}

// get fetches path from the instance with the given Host header.
func (i *instance) get(t *testing.T, host, path string) page {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://"+i.addr+path, nil)
	req.Host = host
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header, string(b)}
}

// TestEmbeddedDemo is the newcomer's first command: `pcnweb serve --demo`
// with no DATABASE_URL or REDIS_URL boots on SQLite and the in-process cache
// and serves the demo sites.
func TestEmbeddedDemo(t *testing.T) {
	env := map[string]string{"PCNWEB_DATA_DIR": t.TempDir(), "LOG_LEVEL": "warn"}
	srv := startServer(t, env, "--demo")
	_, port, _ := strings.Cut(srv.addr, ":")
	for _, slug := range []string{"highfives", "riverside", "moorland"} {
		if want := "http://" + slug + ".localhost:" + port + "/"; !strings.Contains(srv.stdout.String(), want) {
			t.Errorf("start-up output does not list %s:\n%s", want, srv.stdout.String())
		}
	}
	about := srv.get(t, "highfives.localhost", "/about")
	if about.status != 200 {
		t.Fatalf("High Fives about: %d", about.status)
	}
	for _, want := range []string{"What is a Primary Care Network?", "July 2019", "1,250", "30,000 and 50,000", "mental health", "voluntary"} {
		if !strings.Contains(about.body, want) {
			t.Errorf("About page lacks %q", want)
		}
	}
	home := srv.get(t, "moorland.localhost", "/")
	if home.status != 200 || !strings.Contains(home.body, "Moorland Villages PCN") {
		t.Errorf("Moorland home: %d", home.status)
	}
	if again := srv.get(t, "highfives.localhost", "/about"); again.header.Get("Cache-Status") != "pcnweb; hit" {
		t.Errorf("second request: Cache-Status %q, want a hit", again.header.Get("Cache-Status"))
	}
	// The CLI against the same embedded store reaches the running server
	// through its generation poll (there is no Redis to carry it at once).
	mustCLI(t, env, "Updated by the CLI.", "page", "put", "--tenant", "highfives", "--path", "/about", "--title", "About High Fives")
	waitFor(t, 10*time.Second, func() bool {
		return strings.Contains(srv.get(t, "highfives.localhost", "/about").body, "Updated by the CLI.")
	})
	// The internal listener: liveness, readiness and the server's counters.
	for path, wants := range map[string][]string{
		"/healthz": {"ok"},
		"/readyz":  {`"ready":true`, `"database":"ok"`},
		"/.well-known/pcnweb/tls-ask?domain=highfives.localhost": {"ok"},
		"/metrics": {`pcnweb_page_cache_total{result="hit"}`, `pcnweb_page_cache_total{result="miss"}`,
			`pcnweb_http_requests_total{audience="site",status="200"}`, "pcnweb_render_seconds_bucket"},
	} {
		resp, err := http.Get("http://" + srv.internal + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range wants {
			if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
				t.Errorf("internal %s: %d, body lacks %s", path, resp.StatusCode, want)
			}
		}
	}
	// The TLS ask endpoint refuses names that are not a tenant's.
	for _, q := range []string{"domain=nobody.example", "domain=console.localhost", ""} {
		resp, err := http.Get("http://" + srv.internal + "/.well-known/pcnweb/tls-ask?" + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if want := map[bool]int{true: 400, false: 404}[q == ""]; resp.StatusCode != want {
			t.Errorf("tls-ask?%s: %d, want %d", q, resp.StatusCode, want)
		}
	}
	if err := srv.stop(); err != nil {
		t.Errorf("graceful shutdown: %v", err)
	}
}

// TestTwoServersSharePostgresAndRedis drives the operator's flow against two
// server processes on one PostgreSQL and one Redis: every change made with
// the CLI is visible on both the moment the command returns.
func TestTwoServersSharePostgresAndRedis(t *testing.T) {
	redisURL, prefix := testenv.Redis(t)
	env := map[string]string{"DATABASE_URL": modelstest.NewURL(t), "REDIS_URL": redisURL, "PCNWEB_REDIS_PREFIX": prefix, "LOG_LEVEL": "warn"}
	if out := mustCLI(t, env, "", "migrate"); !strings.Contains(out, "up to date") && !strings.Contains(out, "applied") {
		t.Errorf("migrate said %q", out)
	}
	a := startServer(t, env)
	b := startServer(t, env)
	both := []*instance{a, b}

	out := mustCLI(t, env, "", "tenant", "create", "--slug", "highfives", "--name", "High Fives PCN", "--ods", "u12345", "--domain", "HighFivesPCN.nhs.uk")
	if !strings.Contains(out, "http://highfives.localhost:8080/") || !strings.Contains(out, "http://highfivespcn.nhs.uk:8080/") {
		t.Errorf("tenant create output lacks the URLs:\n%s", out)
	}
	// A new tenant shows its holding page until it is launched; launching
	// shows the full site on both servers when the command returns.
	mustCLI(t, env, "Before the launch.", "page", "put", "--tenant", "highfives", "--path", "/about", "--title", "About us")
	if show := mustCLI(t, env, "", "tenant", "show", "highfives", "--json"); !strings.Contains(show, `"launched": false`) {
		t.Errorf("tenant show --json of a new tenant:\n%s", show)
	}
	for _, s := range both {
		if p := s.get(t, "highfives.localhost", "/about"); p.status != 200 || !strings.Contains(p.body, "Our new website is coming soon") ||
			strings.Contains(p.body, "Before the launch.") || p.header.Get("X-Robots-Tag") != "noindex" {
			t.Errorf("%s: /about before the launch: %d, want the holding page", s.addr, p.status)
		}
	}
	if out := mustCLI(t, env, "", "tenant", "launch", "highfives"); !strings.HasPrefix(out, "launched highfives (High Fives PCN), status active, launched ") {
		t.Errorf("tenant launch said %q", out)
	}
	for _, s := range both {
		if p := s.get(t, "highfives.localhost", "/about"); !strings.Contains(p.body, "Before the launch.") {
			t.Errorf("%s: /about after the launch: %d %s, want the page", s.addr, p.status, p.header.Get("Cache-Status"))
		}
	}
	if out := mustCLI(t, env, "", "tenant", "launch", "highfives"); !strings.Contains(out, "highfives was launched already, on ") {
		t.Errorf("tenant launch again said %q", out)
	}
	for round, title := range []string{"About us", "About High Fives", "About the network"} {
		mustCLI(t, env, fmt.Sprintf("Round %d body.", round), "page", "put", "--tenant", "highfives", "--path", "/about", "--title", title)
		for _, s := range both {
			for _, host := range []string{"highfives.localhost", "highfivespcn.nhs.uk"} {
				if p := s.get(t, host, "/about"); !strings.Contains(p.body, title) || !strings.Contains(p.body, fmt.Sprintf("Round %d body.", round)) {
					t.Fatalf("round %d: %s on %s served a stale page (%d, %s)", round, host, s.addr, p.status, p.header.Get("Cache-Status"))
				}
			}
		}
	}
	// A draft does not change the live page.
	mustCLI(t, env, "Secret draft.", "page", "put", "--tenant", "highfives", "--path", "/about", "--title", "Draft", "--draft")
	for _, s := range both {
		if p := s.get(t, "highfives.localhost", "/about"); strings.Contains(p.body, "Secret draft.") {
			t.Error("a draft was published")
		}
	}

	mustCLI(t, env, "", "tenant", "suspend", "highfives", "--reason", "contract ended")
	for _, s := range both {
		if p := s.get(t, "highfives.localhost", "/about"); p.status != 503 {
			t.Errorf("after suspend: %d, want 503", p.status)
		}
	}
	mustCLI(t, env, "", "tenant", "resume", "highfives")
	mustCLI(t, env, "", "domain", "add", "highfives", "www.highfives.example", "--primary")
	for _, s := range both {
		p := s.get(t, "highfives.localhost", "/about")
		_, port, _ := strings.Cut(s.addr, ":")
		if p.status != 301 || p.header.Get("Location") != "http://www.highfives.example:"+port+"/about" {
			t.Errorf("after primary domain: %d %q", p.status, p.header.Get("Location"))
		}
		if p := s.get(t, "www.highfives.example", "/about"); p.status != 200 {
			t.Errorf("primary domain: %d", p.status)
		}
	}
	mustCLI(t, env, "", "domain", "remove", "www.highfives.example")
	for _, s := range both {
		if p := s.get(t, "www.highfives.example", "/about"); p.status != 404 {
			t.Errorf("removed domain: %d, want 404", p.status)
		}
	}

	// A platform announcement is on both servers' pages as soon as the
	// command returns, and gone when it is ended.
	out = mustCLI(t, env, "", "announce", "add", "--title", "NHS App outage", "--text", "Call your practice instead.", "--until", time.Now().Add(time.Hour).In(hours.Location()).Format("2006-01-02 15:04"))
	if !strings.Contains(out, "announcement 1 on every site") {
		t.Errorf("announce add said %q", out)
	}
	for _, s := range both {
		if p := s.get(t, "highfives.localhost", "/about"); !strings.Contains(p.body, "NHS App outage") {
			t.Errorf("%s: the announcement is not on /about (%s)", s.addr, p.header.Get("Cache-Status"))
		}
	}
	if out := mustCLI(t, env, "", "announce", "list"); !strings.Contains(out, "showing") || !strings.Contains(out, "NHS App outage") {
		t.Errorf("announce list:\n%s", out)
	}
	mustCLI(t, env, "", "announce", "end", "1")
	for _, s := range both {
		if p := s.get(t, "highfives.localhost", "/about"); strings.Contains(p.body, "NHS App outage") {
			t.Errorf("%s: the ended announcement is still on /about", s.addr)
		}
	}

	list := mustCLI(t, env, "", "tenant", "list", "--json")
	for _, want := range []string{`"slug": "highfives"`, `"name": "High Fives PCN"`, `"ods_code": "U12345"`, `"status": "active"`, `"domains": [`, `"highfivespcn.nhs.uk"`, `"launched": true`} {
		if !strings.Contains(list, want) {
			t.Errorf("tenant list --json lacks %s:\n%s", want, list)
		}
	}
	if show := mustCLI(t, env, "", "tenant", "show", "highfives", "--json"); !strings.Contains(show, `"slug": "highfives"`) || !strings.Contains(show, `"launched": true`) {
		t.Errorf("tenant show --json:\n%s", show)
	}
}

func TestCLIRefusesBadInput(t *testing.T) {
	env := map[string]string{"PCNWEB_DATA_DIR": t.TempDir(), "LOG_LEVEL": "warn"}
	mustCLI(t, env, "", "tenant", "create", "--slug", "highfives", "--name", "High Fives PCN")
	tests := []struct {
		name  string
		env   map[string]string
		args  []string
		stdin string
		want  string
	}{
		{"no command", env, nil, "", "no command"},
		{"unknown command", env, []string{"frobnicate"}, "", `unknown command "frobnicate"`},
		{"announcement without end", env, []string{"announce", "add", "--title", "X"}, "", "--until is required"},
		{"announcement bad time", env, []string{"announce", "add", "--title", "X", "--until", "tomorrow"}, "", "is not a UK date and time"},
		{"announcement ends before start", env, []string{"announce", "add", "--title", "X", "--from", "2026-12-01 10:00", "--until", "2026-12-01 09:00"}, "", "ends_at: the end must be after the start"},
		{"unknown announcement", env, []string{"announce", "end", "99"}, "", "announcement 99 does not exist"},
		{"missing slug", env, []string{"tenant", "create", "--name", "X"}, "", "slug: enter a slug"},
		{"bad slug", env, []string{"tenant", "create", "--slug", "No Good", "--name", "X"}, "", "slug: use 1 to 63"},
		{"duplicate slug", env, []string{"tenant", "create", "--slug", "highfives", "--name", "X"}, "", "already exists"},
		{"bad ODS code", env, []string{"tenant", "create", "--slug", "x", "--name", "X", "--ods", "1"}, "", "ods_code"},
		{"bad domain", env, []string{"domain", "add", "highfives", "not a host"}, "", "is not a valid host name"},
		{"domain under base", env, []string{"domain", "add", "highfives", "other.localhost"}, "", "base domain"},
		{"launch unknown tenant", env, []string{"tenant", "launch", "nobody"}, "", "tenant nobody does not exist"},
		{"launch without slug", env, []string{"tenant", "launch"}, "", "tenant launch: give exactly one tenant slug"},
		{"unknown tenant", env, []string{"page", "put", "--tenant", "nobody", "--path", "/a", "--title", "A"}, "x", "tenant nobody does not exist"},
		{"bad path", env, []string{"page", "put", "--tenant", "highfives", "--path", "about", "--title", "A"}, "x", "path: use a path like"},
		{"missing title", env, []string{"page", "put", "--tenant", "highfives", "--path", "/a"}, "x", "--title is required"},
		{"unknown flag", env, []string{"tenant", "list", "--colour"}, "", "flag provided but not defined"},
		{"bad DATABASE_URL", map[string]string{"DATABASE_URL": "mysql://x"}, []string{"tenant", "list"}, "", "DATABASE_URL"},
		{"unreachable database", map[string]string{"DATABASE_URL": "postgres://postgres@" + testenv.FreeAddr(t) + "/x?sslmode=disable&connect_timeout=2"}, []string{"tenant", "list"}, "", "failed to connect"},
		{"unreachable redis", map[string]string{"PCNWEB_DATA_DIR": env["PCNWEB_DATA_DIR"], "REDIS_URL": "redis://" + testenv.FreeAddr(t)}, []string{"tenant", "list"}, "", "redis at"},
		{"bad LOG_LEVEL", map[string]string{"LOG_LEVEL": "loud"}, []string{"tenant", "list"}, "", "LOG_LEVEL"},
		{"bad PCNWEB_RENDER_CONCURRENCY", map[string]string{"PCNWEB_RENDER_CONCURRENCY": "0"}, []string{"tenant", "list"}, "", "PCNWEB_RENDER_CONCURRENCY"},
		{"remove unknown domain", env, []string{"domain", "remove", "nowhere.example"}, "", "does not exist"},
		{"rename without --slug", env, []string{"tenant", "rename", "highfives"}, "", "--slug NEW is required"},
		{"rename to a bad slug", env, []string{"tenant", "rename", "highfives", "--slug", "No Good"}, "", "slug: use 1 to 63"},
		{"rename to a reserved slug", env, []string{"tenant", "rename", "highfives", "--slug", "console"}, "", `slug: "console" is reserved`},
		{"rename to the same slug", env, []string{"tenant", "rename", "highfives", "--slug", "highfives"}, "", "is \"highfives\" already"},
		{"rename an unknown tenant", env, []string{"tenant", "rename", "nobody", "--slug", "x"}, "", "tenant nobody does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cli(t, tt.env, tt.stdin, tt.args...)
			if err == nil {
				t.Fatal("succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
	// Nothing half-written: the failed creates left one tenant.
	if out := mustCLI(t, env, "", "tenant", "list", "--json"); strings.Count(out, `"slug"`) != 1 {
		t.Errorf("failed commands changed the store:\n%s", out)
	}
}

// TestTenantRename: an operator changes a tenant's slug; the old slug no
// longer names it, a slug in use is refused, and another tenant may be
// given the old slug.
func TestTenantRename(t *testing.T) {
	env := map[string]string{"PCNWEB_DATA_DIR": t.TempDir(), "LOG_LEVEL": "warn"}
	mustCLI(t, env, "", "tenant", "create", "--slug", "highfives", "--name", "High Fives PCN")
	mustCLI(t, env, "", "tenant", "create", "--slug", "moorland", "--name", "Moorland PCN")
	out := mustCLI(t, env, "", "tenant", "rename", "highfives", "--slug", "high-fives-pcn")
	if !strings.Contains(out, "renamed highfives to high-fives-pcn (High Fives PCN)") || !strings.Contains(out, "http://high-fives-pcn.localhost:8080/") {
		t.Errorf("tenant rename printed\n%s", out)
	}
	if show := mustCLI(t, env, "", "tenant", "show", "high-fives-pcn", "--json"); !strings.Contains(show, `"slug": "high-fives-pcn"`) {
		t.Errorf("tenant show --json:\n%s", show)
	}
	if _, err := cli(t, env, "", "tenant", "show", "highfives"); err == nil || !strings.Contains(err.Error(), "tenant highfives does not exist") {
		t.Errorf("the old slug still names a tenant: %v", err)
	}
	if _, err := cli(t, env, "", "tenant", "rename", "moorland", "--slug", "high-fives-pcn"); err == nil || !strings.Contains(err.Error(), `"high-fives-pcn" is taken by another tenant`) {
		t.Errorf("renaming to a slug in use: %v", err)
	}
	// Another tenant may be given the old slug: it takes the host over.
	mustCLI(t, env, "", "tenant", "rename", "moorland", "--slug", "highfives")
}

func TestVersion(t *testing.T) {
	out := mustCLI(t, nil, "", "version")
	if !strings.HasPrefix(out, "pcnweb ") || !regexp.MustCompile(`(?m)^render fingerprint [0-9a-f]{32}$`).MatchString(out) {
		t.Errorf("version printed %q, want the version and the render fingerprint", out)
	}
}

func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", d)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestGracefulShutdown: a request that is in flight when SIGTERM arrives
// (here: its headers half sent) is answered before the server exits, and
// new connections are refused.
func TestGracefulShutdown(t *testing.T) {
	env := map[string]string{"PCNWEB_DATA_DIR": t.TempDir(), "LOG_LEVEL": "warn"}
	srv := startServer(t, env, "--demo")
	conn, err := net.Dial("tcp", srv.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /about HTTP/1.1\r\nHost: highfives.localhost\r\n"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	stopped := make(chan error, 1)
	go func() { stopped <- srv.stop() }()
	time.Sleep(300 * time.Millisecond)
	select {
	case err := <-stopped:
		t.Fatalf("server exited with a request in flight: %v", err)
	default:
	}
	if _, err := net.DialTimeout("tcp", srv.addr, time.Second); err == nil {
		t.Error("a new connection was accepted during shutdown")
	}
	if _, err := io.WriteString(conn, "Connection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request got no response: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "July 2019") {
		t.Errorf("in-flight request: %d", resp.StatusCode)
	}
	if err := <-stopped; err != nil {
		t.Errorf("shutdown: %v", err)
	}
}
