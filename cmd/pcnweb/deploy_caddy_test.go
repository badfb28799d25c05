package main

// deploy/caddy/Caddyfile: reading its placeholders and directives, and
// validating it with a real caddy.

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var deployCaddyPlaceholder = regexp.MustCompile(`\{\$([A-Z0-9_]+)(?::([^}]*))?\}`)

// deployCaddyfile is the Caddyfile with its {$VAR:default} placeholders
// replaced from env, else their defaults, and its comments dropped; it also
// returns the names of the placeholders.
func deployCaddyfile(t *testing.T, env map[string]string) (text string, vars []string) {
	t.Helper()
	var b strings.Builder
	for line := range strings.Lines(deployRead(t, "deploy/caddy/Caddyfile")) {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		b.WriteString(line)
	}
	text = deployCaddyPlaceholder.ReplaceAllStringFunc(b.String(), func(p string) string {
		m := deployCaddyPlaceholder.FindStringSubmatch(p)
		vars = append(vars, m[1])
		if v, ok := env[m[1]]; ok {
			return v
		}
		return m[2]
	})
	return text, vars
}

// deployCaddyValues are the arguments of every line of the Caddyfile
// starting with the given directive or subdirective.
func deployCaddyValues(text, directive string) [][]string {
	var out [][]string
	for line := range strings.Lines(text) {
		f := strings.Fields(line)
		if len(f) > 0 && f[0] == directive {
			out = append(out, f[1:])
		}
	}
	return out
}

// deployCaddyOne is the single argument of a directive that must appear once.
func deployCaddyOne(t *testing.T, text, directive string) string {
	t.Helper()
	vs := deployCaddyValues(text, directive)
	if len(vs) != 1 || len(vs[0]) != 1 {
		t.Fatalf("deploy/caddy/Caddyfile: want one %q line with one argument, found %q", directive, vs)
	}
	return vs[0][0]
}

// deployCaddyAskURL is the on-demand TLS permission endpoint (the `ask` of
// older Caddy, `permission http { endpoint … }` now).
func deployCaddyAskURL(t *testing.T, text string) *url.URL {
	t.Helper()
	vs := append(deployCaddyValues(text, "endpoint"), deployCaddyValues(text, "ask")...)
	if len(vs) != 1 || len(vs[0]) != 1 {
		t.Fatalf("deploy/caddy/Caddyfile: want one on_demand_tls ask endpoint, found %q", vs)
	}
	u, err := url.Parse(vs[0][0])
	if err != nil {
		t.Fatalf("deploy/caddy/Caddyfile: ask endpoint %q: %v", vs[0][0], err)
	}
	return u
}

// deployCaddy finds the caddy that deploy/dev/services.sh installs (go
// install into $(go env GOBIN), else $(go env GOPATH)/bin), else one on
// PATH. Without one the test fails, in CI and by default; only a developer
// who sets PCNWEB_TEST_ALLOW_SKIP=1 outside CI skips it.
func deployCaddy(t *testing.T) string {
	t.Helper()
	var candidates []string
	if out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output(); err == nil {
		lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		if len(lines) == 2 {
			if gobin := strings.TrimSpace(lines[0]); gobin != "" {
				candidates = append(candidates, filepath.Join(gobin, "caddy"))
			}
			if gopath, _, _ := strings.Cut(strings.TrimSpace(lines[1]), string(os.PathListSeparator)); gopath != "" {
				candidates = append(candidates, filepath.Join(gopath, "bin", "caddy"))
			}
		}
	}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return c
		}
	}
	if bin, err := exec.LookPath("caddy"); err == nil {
		return bin
	}
	const msg = "caddy is not installed (looked in %v and on PATH): run deploy/dev/services.sh, which builds the version deploy/caddy/Caddyfile targets"
	if os.Getenv("PCNWEB_TEST_ALLOW_SKIP") == "1" && os.Getenv("CI") == "" {
		t.Skipf(msg, candidates)
	}
	t.Fatalf(msg+" (or set PCNWEB_TEST_ALLOW_SKIP=1 locally)", candidates)
	return ""
}

// TestDeployCaddyfileValidates runs `caddy validate` with the caddy that
// deploy/dev/services.sh installs (go install
// github.com/caddyserver/caddy/v2/cmd/caddy@v2.11.9).
func TestDeployCaddyfileValidates(t *testing.T) {
	bin := deployCaddy(t)
	cfg, err := filepath.Abs(filepath.Join(deployRoot, "deploy/caddy/Caddyfile"))
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	svcs := deployCompose(t)
	for _, env := range []map[string]string{nil, svcs["caddy"].Environment} {
		cmd := exec.Command(bin, "validate", "--config", cfg, "--adapter", "caddyfile")
		cmd.Env = []string{"HOME=" + home, "XDG_DATA_HOME=" + home, "XDG_CONFIG_HOME=" + home, "PATH=" + os.Getenv("PATH")}
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("caddy validate (env %v): %v\n%s", env, err, out)
		}
		if strings.Contains(string(out), "not formatted") {
			t.Errorf("deploy/caddy/Caddyfile is not formatted: run caddy fmt --overwrite deploy/caddy/Caddyfile")
		}
	}
}
