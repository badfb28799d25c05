package main

// Tests that keep the deployment files in deploy/ and docker-compose.yml
// true to the binary: the variables they set are ones loadConfig reads, the
// values are ones it accepts, the ports and probe paths are the listeners'
// and routes' that really answer, and the Caddyfile asks the real TLS ask
// endpoint.
//
// One file per artefact: deploy_dockerfile_test.go, deploy_k8s_test.go,
// deploy_compose_test.go and deploy_caddy_test.go each read their file and
// test it; this one holds the binary's side they are all checked against and
// the test that spans every artefact (no variable the binary does not read).

import (
	"context"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/handlers/ops"
	"github.com/pcnweb/pcnweb/internal/metrics"
	"github.com/pcnweb/pcnweb/models/modelstest"
	"github.com/pcnweb/pcnweb/tenants"
)

// deployRoot is the repository root, seen from this package's directory.
const deployRoot = "../.."

func deployRead(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(deployRoot, rel))
	if err != nil {
		t.Fatalf("read %s: %v", rel, err)
	}
	return string(b)
}

// deployEnvNames is every environment variable name the binary reads: what
// loadConfig asks a recording getenv for (with every value unset it also
// asks for each *_FILE variant).
func deployEnvNames(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	if _, err := loadConfig(func(k string) string { names[k] = true; return "" }); err != nil {
		t.Fatalf("loadConfig with nothing set: %v", err)
	}
	return names
}

func deployPort(t *testing.T, where, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("%s: %q is not host:port", where, addr)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatalf("%s: %q has no numeric port", where, addr)
	}
	return n
}

// deployConfig is loadConfig over a deployment's environment; the
// deployment is broken if the binary would refuse to start with it.
func deployConfig(t *testing.T, where string, env map[string]string) Config {
	t.Helper()
	cfg, err := loadConfig(mapEnv(env))
	if err != nil {
		t.Fatalf("%s: pcnweb refuses this configuration: %v", where, err)
	}
	return cfg
}

// deployOps is the internal listener's handler of a healthy, started server
// with one active tenant, "deploycheck", on the given base domain.
func deployOps(t *testing.T, base string) http.Handler {
	t.Helper()
	db := modelstest.NewSQLite(t)
	modelstest.Tenant(t, db, "deploycheck")
	hosts := tenants.NewHostSet(db, tenants.HostSetOptions{BaseDomain: base})
	if err := hosts.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return ops.New(ops.Deps{DB: db, Metrics: metrics.New(), Ready: func() bool { return true }, Hosts: hosts})
}

func deployStatus(h http.Handler, target string) int {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec.Code
}

func TestDeployFilesSetOnlyVariablesTheBinaryReads(t *testing.T) {
	known := deployEnvNames(t)
	k := deployManifests(t)
	img := deployDockerfile(t)
	svcs := deployCompose(t)

	type source struct {
		where string
		names []string
	}
	sources := []source{{"deploy/docker/Dockerfile ENV", slices.Collect(maps.Keys(img.env))}}
	for _, o := range k.all("ConfigMap") {
		sources = append(sources, source{o.file + " ConfigMap " + o.Metadata.Name, slices.Collect(maps.Keys(o.Data))})
	}
	for _, o := range k.all("Secret") {
		sources = append(sources, source{o.file + " Secret " + o.Metadata.Name, slices.Collect(maps.Keys(o.StringData))})
	}
	for _, o := range append(k.all("Deployment"), k.all("Job")...) {
		for _, c := range o.Spec.Template.Spec.Containers {
			var names []string
			for _, v := range c.Env {
				names = append(names, v.Name)
			}
			sources = append(sources, source{fmt.Sprintf("%s %s %s container %s env", o.file, o.Kind, o.Metadata.Name, c.Name), names})
		}
	}
	for _, name := range deployComposeApps(t, svcs) {
		sources = append(sources, source{"docker-compose.yml service " + name, slices.Collect(maps.Keys(svcs[name].Environment))})
	}

	for _, s := range sources {
		t.Run(s.where, func(t *testing.T) {
			slices.Sort(s.names)
			for _, n := range s.names {
				if !known[n] {
					t.Errorf("%s sets %s, which pcnweb never reads (cmd/pcnweb/config.go reads: %s)",
						s.where, n, strings.Join(slices.Sorted(maps.Keys(known)), ", "))
				}
			}
		})
	}
}
