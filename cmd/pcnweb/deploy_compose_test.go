package main

// docker-compose.yml: the app replicas, the migrate service and the Caddy
// service in front of them, checked against the binary and the Caddyfile.

import (
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type deployComposeService struct {
	Image       string            `yaml:"image"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Networks yaml.Node `yaml:"networks"` // a list of names or a map
}

// aliases are the service's network aliases on every network.
func (s deployComposeService) aliases() []string {
	var nets map[string]struct {
		Aliases []string `yaml:"aliases"`
	}
	if s.Networks.Kind != yaml.MappingNode || s.Networks.Decode(&nets) != nil {
		return nil
	}
	var out []string
	for _, n := range nets {
		out = append(out, n.Aliases...)
	}
	return out
}

func deployCompose(t *testing.T) map[string]deployComposeService {
	t.Helper()
	var f struct {
		Services map[string]deployComposeService `yaml:"services"`
	}
	if err := yaml.Unmarshal([]byte(deployRead(t, "docker-compose.yml")), &f); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return f.Services
}

// deployComposeImage is the image the compose file builds from the Dockerfile.
const deployComposeImage = "pcnweb:local"

// deployComposeApps are the compose services running the pcnweb image.
func deployComposeApps(t *testing.T, svcs map[string]deployComposeService) []string {
	t.Helper()
	var names []string
	for name, s := range svcs {
		if s.Image == deployComposeImage {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		t.Fatalf("docker-compose.yml: no service runs image %s", deployComposeImage)
	}
	return names
}

func TestDeployComposeMatchesTheBinary(t *testing.T) {
	svcs := deployCompose(t)
	img := deployDockerfile(t)
	apps := deployComposeApps(t, svcs)

	var replicas []string
	var migrate string
	cfgs := map[string]Config{}
	for _, name := range apps {
		s := svcs[name]
		env := maps.Clone(img.env)
		maps.Copy(env, s.Environment)
		cfgs[name] = deployConfig(t, "docker-compose.yml service "+name, env)
		switch {
		case len(s.Command) > 0 && s.Command[0] == "serve":
			replicas = append(replicas, name)
		case slices.Equal(s.Command, []string{"migrate"}):
			migrate = name
		default:
			t.Errorf("docker-compose.yml: service %s runs %q, want serve or migrate", name, s.Command)
		}
	}
	if len(replicas) < 2 {
		t.Fatalf("docker-compose.yml: %d app replicas (%q), want at least 2", len(replicas), replicas)
	}
	if migrate == "" {
		t.Fatalf("docker-compose.yml: no one-shot service runs [migrate]")
	}
	ref := cfgs[replicas[0]]
	internalPort := deployPort(t, "PCNWEB_INTERNAL_ADDR", ref.InternalAddr)

	t.Run("replicas agree and wait for the migration", func(t *testing.T) {
		for _, name := range replicas {
			c := cfgs[name]
			if c.Addr != ref.Addr || c.InternalAddr != ref.InternalAddr || c.DatabaseURL != ref.DatabaseURL || c.RedisURL != ref.RedisURL || c.BaseDomain != ref.BaseDomain {
				t.Errorf("docker-compose.yml: %s and %s are configured differently", name, replicas[0])
			}
			if c.RedisURL == "" {
				t.Errorf("docker-compose.yml: %s has no REDIS_URL: replicas would not see each other's publishes", name)
			}
			if c.AutoMigrate {
				t.Errorf("docker-compose.yml: %s migrates at start (PCNWEB_AUTO_MIGRATE); the %s service does that", name, migrate)
			}
			if got := svcs[name].DependsOn[migrate].Condition; got != "service_completed_successfully" {
				t.Errorf("docker-compose.yml: %s depends on %s with condition %q, want service_completed_successfully", name, migrate, got)
			}
		}
		if cfgs[migrate].DatabaseURL != ref.DatabaseURL {
			t.Errorf("docker-compose.yml: %s migrates %q, the replicas use %q", migrate, cfgs[migrate].DatabaseURL, ref.DatabaseURL)
		}
	})

	caddy, ok := svcs["caddy"]
	if !ok {
		t.Fatal("docker-compose.yml: no caddy service in front of the replicas")
	}
	text, vars := deployCaddyfile(t, caddy.Environment)

	t.Run("Caddy's placeholders are set or defaulted", func(t *testing.T) {
		for _, v := range vars {
			if _, set := caddy.Environment[v]; !set && !strings.Contains(deployRead(t, "deploy/caddy/Caddyfile"), "{$"+v+":") {
				t.Errorf("deploy/caddy/Caddyfile uses {$%s} with no default and the caddy service does not set it", v)
			}
		}
	})

	t.Run("Caddy proxies to every replica's public port", func(t *testing.T) {
		ups := deployCaddyValues(text, "reverse_proxy")
		if len(ups) != 1 {
			t.Fatalf("deploy/caddy/Caddyfile: want one reverse_proxy (in the shared snippet), found %d", len(ups))
		}
		var hosts []string
		for _, u := range ups[0] {
			if u == "{" {
				break
			}
			host, port, err := net.SplitHostPort(u)
			if err != nil {
				t.Fatalf("Caddyfile upstream %q is not host:port", u)
			}
			if want := deployPort(t, "PCNWEB_ADDR", cfgs[host].Addr); port != strconv.Itoa(want) || !slices.Contains(replicas, host) {
				t.Errorf("Caddyfile upstream %s: want an app replica (%q) on its PCNWEB_ADDR port", u, replicas)
			}
			hosts = append(hosts, host)
		}
		slices.Sort(hosts)
		if !slices.Equal(hosts, replicas) {
			t.Errorf("Caddyfile upstreams %q, want every replica %q", hosts, replicas)
		}
	})

	t.Run("Caddy's health checks hit the internal /healthz", func(t *testing.T) {
		h := deployOps(t, ref.BaseDomain)
		if got := deployCaddyOne(t, text, "health_port"); got != strconv.Itoa(internalPort) {
			t.Errorf("Caddyfile health_port %s, want the internal listener's %d (PCNWEB_INTERNAL_ADDR %s)", got, internalPort, ref.InternalAddr)
		}
		if uri := deployCaddyOne(t, text, "health_uri"); deployStatus(h, uri) != http.StatusOK {
			t.Errorf("Caddyfile health_uri %s does not answer 200 on a healthy server's internal listener", uri)
		}
	})

	t.Run("Caddy's ask URL is the TLS ask endpoint on the internal port", func(t *testing.T) {
		ask := deployCaddyAskURL(t, text)
		if ask.Port() != strconv.Itoa(internalPort) {
			t.Errorf("Caddyfile ask URL %s: port %s, want the internal listener's %d", ask, ask.Port(), internalPort)
		}
		for _, name := range replicas {
			if !slices.Contains(svcs[name].aliases(), ask.Hostname()) {
				t.Errorf("docker-compose.yml: replica %s does not answer to %q, the Caddyfile's ask host", name, ask.Hostname())
			}
		}
		if !strings.Contains(text, "on_demand\n") {
			t.Error("Caddyfile: no site uses `tls { on_demand }`")
		}
		h := deployOps(t, ref.BaseDomain)
		for _, c := range []struct {
			domain string
			want   int
		}{
			{"deploycheck." + ref.BaseDomain, http.StatusOK},
			{"not-a-tenant.example", http.StatusNotFound},
		} {
			if got := deployStatus(h, ask.Path+"?domain="+url.QueryEscape(c.domain)); got != c.want {
				t.Errorf("Caddy's ask %s?domain=%s answers %d, want %d", ask.Path, c.domain, got, c.want)
			}
		}
	})

	t.Run("compression and HSTS are left to the app", func(t *testing.T) {
		// The app serves pre-gzipped pages with strong ETags and sets HSTS
		// itself; Caddy re-encoding or adding headers would undo both.
		if len(deployCaddyValues(text, "encode")) > 0 {
			t.Error("Caddyfile: `encode` would recompress the app's pre-gzipped pages")
		}
		if strings.Contains(strings.ToLower(text), "strict-transport-security") {
			t.Error("Caddyfile: HSTS is the app's (PCNWEB_SECURE_COOKIES), not Caddy's")
		}
	})

	t.Run("console host and local port", func(t *testing.T) {
		if got := caddy.Environment["PCNWEB_CONSOLE_HOST"]; got != ref.ConsoleHost {
			t.Errorf("caddy's PCNWEB_CONSOLE_HOST %q, the app's console host is %q", got, ref.ConsoleHost)
		}
		if !strings.Contains(text, "http://*."+ref.BaseDomain+":8080") || !slices.ContainsFunc(caddy.Ports, func(p string) bool { return strings.HasSuffix(p, ":8080") }) {
			t.Errorf("Caddy should serve http://*.%s:8080 and compose publish 8080 for local use", ref.BaseDomain)
		}
	})
}
