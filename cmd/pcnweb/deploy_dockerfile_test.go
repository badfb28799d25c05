package main

// The Dockerfile: the final stage's ENV and EXPOSE, and a test that the
// ports it exposes are the listeners' as k8s and compose configure them.

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
)

type deployImage struct {
	env    map[string]string // ENV of the final stage
	expose []int             // EXPOSE of the final stage
}

func deployDockerfile(t *testing.T) deployImage {
	t.Helper()
	img := deployImage{env: map[string]string{}}
	for line := range strings.Lines(deployRead(t, "deploy/docker/Dockerfile")) {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "FROM": // a new stage: only the last one's ENV and EXPOSE count
			img = deployImage{env: map[string]string{}}
		case "ENV":
			for _, kv := range f[1:] {
				k, v, _ := strings.Cut(kv, "=")
				img.env[k] = v
			}
		case "EXPOSE":
			for _, p := range f[1:] {
				n, err := strconv.Atoi(strings.TrimSuffix(p, "/tcp"))
				if err != nil {
					t.Fatalf("Dockerfile: EXPOSE %q is not a port", p)
				}
				img.expose = append(img.expose, n)
			}
		}
	}
	return img
}

func TestDeployDockerfileExposesTheListeners(t *testing.T) {
	img := deployDockerfile(t)
	k := deployManifests(t)
	web := k.get(t, "Deployment", "pcnweb")
	svcs := deployCompose(t)
	apps := deployComposeApps(t, svcs)
	composeEnv := maps.Clone(img.env)
	maps.Copy(composeEnv, svcs[apps[0]].Environment)
	for _, c := range []struct {
		where string
		env   map[string]string
	}{
		{"deploy/k8s", k.env(t, img, deployPodContainer(t, web))},
		{"docker-compose.yml", composeEnv},
	} {
		cfg := deployConfig(t, c.where, c.env)
		want := []int{deployPort(t, "PCNWEB_ADDR", cfg.Addr), deployPort(t, "PCNWEB_INTERNAL_ADDR", cfg.InternalAddr)}
		got := slices.Sorted(slices.Values(img.expose))
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("deploy/docker/Dockerfile EXPOSE %v, but %s configures the listeners on %v", got, c.where, want)
		}
	}
}
