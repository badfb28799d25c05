package e2e

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// srv is the `pcnweb serve --demo` that every test in the package uses.
var srv *server

// binPath is the pcnweb binary under test, for tests that start more servers.
var binPath string

// TestMain builds cmd/pcnweb once, starts it with the demo content on an
// embedded SQLite store, runs the tests, and stops the server and the
// browser.
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("e2e: skipped in -short mode")
		os.Exit(0)
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "pcnweb-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(tmp)

	bin := os.Getenv("PCNWEB_E2E_BIN") // a prebuilt binary, e.g. to test a release
	if bin == "" {
		bin = filepath.Join(tmp, "pcnweb")
		if err := buildServer(bin); err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
	}
	binPath = bin
	s, err := startServer(bin, filepath.Join(tmp, "data"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	srv = s
	code := m.Run()
	closeBrowser()
	if err := s.stop(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: stopping the server:", err)
		if code == 0 {
			code = 1
		}
	}
	if code != 0 {
		if logs := s.logs.String(); logs != "" {
			fmt.Fprintf(os.Stderr, "e2e: server output:\n%s\n", logs)
		}
	}
	return code
}

// buildServer builds ./cmd/pcnweb from the module root into bin.
func buildServer(bin string) error {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return errors.New("go env GOMOD: not inside a module")
	}
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/pcnweb")
	cmd.Dir = filepath.Dir(gomod)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/pcnweb: %w\n%s", err, out)
	}
	return nil
}

// lockedBuffer collects the server's output.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// server is a `pcnweb serve --demo` subprocess.
type server struct {
	addr, internal string // 127.0.0.1:port
	port           string
	cmd            *exec.Cmd
	done           chan error
	logs           *lockedBuffer
	env            []string // the server's environment: its store, for the command line
}

// startServer runs bin serve --demo on the embedded store in dataDir and
// waits until /readyz answers 200.
func startServer(bin, dataDir string) (*server, error) {
	return startServerWith(bin, []string{"serve", "--demo"}, false, "PCNWEB_DATA_DIR="+dataDir)
}

// startServerWith runs bin with args and the extra environment, on free
// ports, and waits until /readyz answers 200. Unless keepStore, the
// developer's DATABASE_URL and REDIS_URL are dropped so the embedded store
// is used.
func startServerWith(bin string, args []string, keepStore bool, extraEnv ...string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	internal, err := freeAddr()
	if err != nil {
		return nil, err
	}
	_, port, _ := net.SplitHostPort(addr)
	s := &server{addr: addr, internal: internal, port: port, done: make(chan error, 1), logs: &lockedBuffer{}}
	s.cmd = exec.Command(bin, args...)
	env := []string{}
	for _, kv := range os.Environ() {
		// The embedded store, whatever the developer's shell points at.
		if !keepStore && (strings.HasPrefix(kv, "DATABASE_URL=") || strings.HasPrefix(kv, "REDIS_URL=")) {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, extraEnv...)
	s.cmd.Env = append(env,
		"PCNWEB_ADDR="+addr,
		"PCNWEB_INTERNAL_ADDR="+internal,
		"LOG_LEVEL=warn",
	)
	s.env = s.cmd.Env
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() { s.done <- s.cmd.Wait() }()

	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get("http://" + internal + "/readyz")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("pcnweb %s exited during start-up: %v\n%s", strings.Join(args, " "), err, s.logs.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = s.cmd.Process.Kill()
			<-s.done
			return nil, fmt.Errorf("pcnweb %s not ready after 30s:\n%s", strings.Join(args, " "), s.logs.String())
		}
	}
}

// cli runs a pcnweb command against the server's store (its environment),
// with stdin, and returns what it printed.
func (s *server) cli(stdin string, args ...string) (string, error) {
	cmd := exec.Command(binPath, args...)
	cmd.Env = s.env
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("pcnweb %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// stop sends SIGTERM and waits for a graceful exit, then kills.
func (s *server) stop() error {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		return err
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		return errors.New("did not stop within 20s of SIGTERM; killed")
	}
}

// host is the Host (with port) of a tenant's site on the test server, e.g.
// highfives.localhost:41234.
func (s *server) host(sub string) string { return sub + ".localhost:" + s.port }

// url is the browser URL of path on the given subdomain.
func (s *server) url(sub, path string) string { return "http://" + s.host(sub) + path }

// response is one page fetched with net/http.
type response struct {
	status int
	header http.Header
	body   []byte
}

// get fetches path from the server with the given Host header, without
// following redirects.
func (s *server) get(ctx context.Context, host, path string) (response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.addr+path, nil)
	if err != nil {
		return response{}, err
	}
	req.Host = host
	client := &http.Client{
		Timeout:       15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, b}, err
}

// freeAddr returns a loopback address with a port nothing listens on now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
