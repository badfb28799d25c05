package main

// The Kubernetes manifests in deploy/k8s: the resources kustomization.yaml
// lists, checked against the binary's configuration, listeners and routes.

import (
	"errors"
	"io"
	"maps"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type deployK8sProbe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"` // a number or a container port's name
	} `yaml:"httpGet"`
}

type deployK8sContainer struct {
	Name    string   `yaml:"name"`
	Image   string   `yaml:"image"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	Env     []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
	EnvFrom []struct {
		ConfigMapRef *struct {
			Name string `yaml:"name"`
		} `yaml:"configMapRef"`
		SecretRef *struct {
			Name string `yaml:"name"`
		} `yaml:"secretRef"`
	} `yaml:"envFrom"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	LivenessProbe   *deployK8sProbe `yaml:"livenessProbe"`
	ReadinessProbe  *deployK8sProbe `yaml:"readinessProbe"`
	StartupProbe    *deployK8sProbe `yaml:"startupProbe"`
	SecurityContext struct {
		ReadOnlyRootFilesystem   bool  `yaml:"readOnlyRootFilesystem"`
		AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
	} `yaml:"securityContext"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

type deployK8sPodSpec struct {
	SecurityContext struct {
		RunAsNonRoot bool `yaml:"runAsNonRoot"`
		RunAsUser    int  `yaml:"runAsUser"`
	} `yaml:"securityContext"`
	Containers []deployK8sContainer `yaml:"containers"`
	Volumes    []struct {
		Name                  string `yaml:"name"`
		PersistentVolumeClaim *struct {
			ClaimName string `yaml:"claimName"`
		} `yaml:"persistentVolumeClaim"`
	} `yaml:"volumes"`
}

// deployK8sObject holds the fields of every kind the tests look at.
type deployK8sObject struct {
	file     string
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`       // ConfigMap
	StringData map[string]string `yaml:"stringData"` // Secret
	Spec       struct {
		Replicas    int      `yaml:"replicas"`    // Deployment
		MinReplicas int      `yaml:"minReplicas"` // HorizontalPodAutoscaler
		AccessModes []string `yaml:"accessModes"` // PersistentVolumeClaim
		Template    struct {
			Spec deployK8sPodSpec `yaml:"spec"`
		} `yaml:"template"`
		Ports []struct { // Service
			Name       string `yaml:"name"`
			Port       int    `yaml:"port"`
			TargetPort any    `yaml:"targetPort"`
		} `yaml:"ports"`
		ScaleTargetRef struct {
			Kind string `yaml:"kind"`
			Name string `yaml:"name"`
		} `yaml:"scaleTargetRef"`
	} `yaml:"spec"`
}

type deployK8s struct{ objects []deployK8sObject }

// deployManifests reads every resource kustomization.yaml lists.
func deployManifests(t *testing.T) deployK8s {
	t.Helper()
	var kust struct {
		Resources []string `yaml:"resources"`
	}
	if err := yaml.Unmarshal([]byte(deployRead(t, "deploy/k8s/kustomization.yaml")), &kust); err != nil {
		t.Fatalf("deploy/k8s/kustomization.yaml: %v", err)
	}
	var k deployK8s
	for _, res := range kust.Resources {
		file := "deploy/k8s/" + res
		dec := yaml.NewDecoder(strings.NewReader(deployRead(t, file)))
		for {
			o := deployK8sObject{file: file}
			err := dec.Decode(&o)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			k.objects = append(k.objects, o)
		}
	}
	return k
}

func (k deployK8s) get(t *testing.T, kind, name string) deployK8sObject {
	t.Helper()
	for _, o := range k.objects {
		if o.Kind == kind && o.Metadata.Name == name {
			return o
		}
	}
	t.Fatalf("deploy/k8s: no %s %q among the resources kustomization.yaml lists", kind, name)
	return deployK8sObject{}
}

func (k deployK8s) all(kind string) []deployK8sObject {
	var out []deployK8sObject
	for _, o := range k.objects {
		if o.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

// env is the container's environment as the process sees it: the image's
// ENV, then envFrom (ConfigMap data, Secret stringData), then env.
func (k deployK8s) env(t *testing.T, img deployImage, c deployK8sContainer) map[string]string {
	t.Helper()
	e := maps.Clone(img.env)
	for _, from := range c.EnvFrom {
		switch {
		case from.ConfigMapRef != nil:
			maps.Copy(e, k.get(t, "ConfigMap", from.ConfigMapRef.Name).Data)
		case from.SecretRef != nil:
			maps.Copy(e, k.get(t, "Secret", from.SecretRef.Name).StringData)
		}
	}
	for _, v := range c.Env {
		e[v.Name] = v.Value
	}
	return e
}

// deployPodContainer is the one container of a Deployment's or Job's pod.
func deployPodContainer(t *testing.T, o deployK8sObject) deployK8sContainer {
	t.Helper()
	cs := o.Spec.Template.Spec.Containers
	if len(cs) != 1 {
		t.Fatalf("%s: %s %s has %d containers, want 1", o.file, o.Kind, o.Metadata.Name, len(cs))
	}
	return cs[0]
}

func TestDeployKubernetesMatchesTheBinary(t *testing.T) {
	k := deployManifests(t)
	img := deployDockerfile(t)
	web := k.get(t, "Deployment", "pcnweb")
	c := deployPodContainer(t, web)
	cfg := deployConfig(t, web.file, k.env(t, img, c))
	httpPort := deployPort(t, "PCNWEB_ADDR", cfg.Addr)
	internalPort := deployPort(t, "PCNWEB_INTERNAL_ADDR", cfg.InternalAddr)
	h := deployOps(t, cfg.BaseDomain)

	named := map[string]int{}
	for _, p := range c.Ports {
		named[p.Name] = p.ContainerPort
	}
	// resolve is a probe's or Service's port: a number or a container port's name.
	resolve := func(p any) int {
		switch v := p.(type) {
		case int:
			return v
		case string:
			return named[v]
		}
		return 0
	}

	t.Run("container ports are the listeners'", func(t *testing.T) {
		for _, want := range []struct {
			name string
			port int
			from string
		}{{"http", httpPort, "PCNWEB_ADDR " + cfg.Addr}, {"internal", internalPort, "PCNWEB_INTERNAL_ADDR " + cfg.InternalAddr}} {
			if got := named[want.name]; got != want.port {
				t.Errorf("%s: containerPort %q is %d, but the server listens on %d (%s)", web.file, want.name, got, want.port, want.from)
			}
		}
	})

	t.Run("probes ask the internal listener and get 200 from a healthy server", func(t *testing.T) {
		probes := map[string]*deployK8sProbe{"livenessProbe": c.LivenessProbe, "readinessProbe": c.ReadinessProbe, "startupProbe": c.StartupProbe}
		for _, kind := range []string{"livenessProbe", "readinessProbe"} {
			if probes[kind] == nil {
				t.Errorf("%s: container %s has no %s", web.file, c.Name, kind)
			}
		}
		for kind, p := range probes {
			if p == nil {
				continue
			}
			if got := resolve(p.HTTPGet.Port); got != internalPort {
				t.Errorf("%s: %s port %v is %d, want the internal listener's %d", web.file, kind, p.HTTPGet.Port, got, internalPort)
			}
			if code := deployStatus(h, p.HTTPGet.Path); code != http.StatusOK {
				t.Errorf("%s: %s path %q answers %d on a healthy server, want 200", web.file, kind, p.HTTPGet.Path, code)
			}
		}
		if c.LivenessProbe != nil && c.LivenessProbe.HTTPGet.Path == "/readyz" {
			t.Errorf("%s: liveness on /readyz would restart every pod when PostgreSQL or Redis is down; use /healthz", web.file)
		}
	})

	t.Run("Services target existing container ports", func(t *testing.T) {
		for _, s := range k.all("Service") {
			for _, p := range s.Spec.Ports {
				got := resolve(p.TargetPort)
				if got != httpPort && got != internalPort {
					t.Errorf("%s: Service %s port %q targets %v (%d), which is neither listener (%d, %d)", s.file, s.Metadata.Name, p.Name, p.TargetPort, got, httpPort, internalPort)
				}
			}
		}
	})

	t.Run("serving pods do not migrate; the Job does", func(t *testing.T) {
		if cfg.AutoMigrate {
			t.Errorf("%s: PCNWEB_AUTO_MIGRATE is not false: every replica would migrate at start", web.file)
		}
		if !slices.Equal(c.Args, []string{"serve"}) || len(c.Command) != 0 {
			t.Errorf("%s: container runs command %q args %q, want the image's entrypoint with args [serve]", web.file, c.Command, c.Args)
		}
		job := k.get(t, "Job", "pcnweb-migrate")
		jc := deployPodContainer(t, job)
		if !slices.Equal(jc.Args, []string{"migrate"}) || len(jc.Command) != 0 {
			t.Errorf("%s: Job runs command %q args %q, want args [migrate]", job.file, jc.Command, jc.Args)
		}
		if jc.Image != c.Image {
			t.Errorf("%s: Job image %q differs from the Deployment's %q", job.file, jc.Image, c.Image)
		}
		jcfg := deployConfig(t, job.file, k.env(t, img, jc))
		if jcfg.DatabaseURL != cfg.DatabaseURL {
			t.Errorf("%s: Job migrates %q, the Deployment uses %q", job.file, jcfg.DatabaseURL, cfg.DatabaseURL)
		}
	})

	t.Run("replicas, autoscaling and disruption budget", func(t *testing.T) {
		if web.Spec.Replicas < 2 {
			t.Errorf("%s: replicas %d, want at least 2", web.file, web.Spec.Replicas)
		}
		hpa := k.get(t, "HorizontalPodAutoscaler", "pcnweb")
		if hpa.Spec.MinReplicas < 2 || hpa.Spec.ScaleTargetRef.Kind != "Deployment" || hpa.Spec.ScaleTargetRef.Name != web.Metadata.Name {
			t.Errorf("%s: HPA minReplicas %d scaling %s %s, want ≥2 scaling Deployment %s", hpa.file, hpa.Spec.MinReplicas, hpa.Spec.ScaleTargetRef.Kind, hpa.Spec.ScaleTargetRef.Name, web.Metadata.Name)
		}
		k.get(t, "PodDisruptionBudget", "pcnweb")
	})

	t.Run("non-root, read-only root, writable /tmp and shared media", func(t *testing.T) {
		pod := web.Spec.Template.Spec
		if !pod.SecurityContext.RunAsNonRoot || pod.SecurityContext.RunAsUser == 0 {
			t.Errorf("%s: pod must run as non-root", web.file)
		}
		if !c.SecurityContext.ReadOnlyRootFilesystem {
			t.Errorf("%s: container root filesystem must be read-only", web.file)
		}
		mounts := map[string]string{}
		for _, m := range c.VolumeMounts {
			mounts[m.MountPath] = m.Name
		}
		if mounts["/tmp"] == "" {
			t.Errorf("%s: nothing is mounted at /tmp on a read-only root", web.file)
		}
		// The media library's default directory ($PCNWEB_DATA_DIR/media)
		// must be a volume every replica shares.
		mediaDir := filepath.Join(cfg.DataDir, "media")
		vol := mounts[mediaDir]
		var claim string
		for _, v := range pod.Volumes {
			if v.Name == vol && v.PersistentVolumeClaim != nil {
				claim = v.PersistentVolumeClaim.ClaimName
			}
		}
		if claim == "" {
			t.Fatalf("%s: no PersistentVolumeClaim is mounted at the media directory %s", web.file, mediaDir)
		}
		if pvc := k.get(t, "PersistentVolumeClaim", claim); !slices.Contains(pvc.Spec.AccessModes, "ReadWriteMany") {
			t.Errorf("%s: PVC %s is %q, want ReadWriteMany (every replica writes uploads)", pvc.file, claim, pvc.Spec.AccessModes)
		}
	})

	t.Run("Caddy pointed at the internal Service asks the ask endpoint", func(t *testing.T) {
		svc := k.get(t, "Service", "pcnweb-internal")
		text, _ := deployCaddyfile(t, map[string]string{"PCNWEB_INTERNAL_HOST": svc.Metadata.Name})
		ask := deployCaddyAskURL(t, text)
		if ask.Hostname() != svc.Metadata.Name {
			t.Fatalf("Caddyfile ask host %q does not follow PCNWEB_INTERNAL_HOST", ask.Hostname())
		}
		port, _ := strconv.Atoi(ask.Port())
		var ok bool
		for _, p := range svc.Spec.Ports {
			ok = ok || (p.Port == port && resolve(p.TargetPort) == internalPort)
		}
		if !ok {
			t.Errorf("%s: Service %s has no port %d leading to the internal listener (%d) for the Caddyfile's ask URL %s", svc.file, svc.Metadata.Name, port, internalPort, ask)
		}
	})
}

func TestDeployKustomizationListsEveryManifest(t *testing.T) {
	var kust struct {
		Resources []string `yaml:"resources"`
	}
	if err := yaml.Unmarshal([]byte(deployRead(t, "deploy/k8s/kustomization.yaml")), &kust); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(deployRoot, "deploy/k8s/*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if base := filepath.Base(f); base != "kustomization.yaml" && !slices.Contains(kust.Resources, base) {
			t.Errorf("deploy/k8s/%s is not listed in kustomization.yaml's resources", base)
		}
	}
	for _, kind := range []string{"ConfigMap", "Secret", "Deployment", "Job", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "PersistentVolumeClaim"} {
		if len(deployManifests(t).all(kind)) == 0 {
			t.Errorf("deploy/k8s: no %s", kind)
		}
	}
}

// TestDeployKustomizeBuilds renders deploy/k8s with kubectl's kustomize when
// kubectl is on PATH: the kustomization and every manifest must parse.
func TestDeployKustomizeBuilds(t *testing.T) {
	bin, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not on PATH")
	}
	out, err := exec.Command(bin, "kustomize", filepath.Join(deployRoot, "deploy/k8s")).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl kustomize deploy/k8s: %v\n%s", err, out)
	}
	for line := range strings.Lines(string(out)) {
		if strings.TrimSpace(line) == "image: pcnweb" {
			t.Errorf("kubectl kustomize deploy/k8s: kustomization.yaml's images entry does not replace the containers' image %q", "pcnweb")
		}
	}
}
