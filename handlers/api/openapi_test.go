package api_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/pcnweb/pcnweb/handlers/api"
)

// docs/openapi.yaml and the routes of the API app must match exactly
// (method and path), so that neither can change without the other.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	raw, err := os.ReadFile("../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                    `yaml:"openapi"`
		Servers []struct{ URL string }    `yaml:"servers"`
		Paths   map[string]map[string]any `yaml:"paths"`
		Comps   struct {
			Security map[string]struct {
				Type   string `yaml:"type"`
				Scheme string `yaml:"scheme"`
			} `yaml:"securitySchemes"`
			Schemas map[string]any `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("docs/openapi.yaml: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi %q, want 3.1", doc.OpenAPI)
	}
	if b := doc.Comps.Security["bearer"]; b.Type != "http" || b.Scheme != "bearer" {
		t.Errorf("bearer security scheme: %+v", b)
	}
	if doc.Comps.Schemas["Error"] == nil {
		t.Error("no Error schema")
	}
	if len(doc.Servers) != 1 || !strings.HasSuffix(doc.Servers[0].URL, "/api/v1") {
		t.Fatalf("servers %+v, want one ending /api/v1", doc.Servers)
	}
	var documented []string
	for path, item := range doc.Paths {
		for method := range item {
			if method == "parameters" {
				continue
			}
			documented = append(documented, strings.ToUpper(method)+" /api/v1"+path)
		}
	}
	param := regexp.MustCompile(`:([a-z]+)`)
	var routed []string
	for _, r := range api.New(api.Deps{}).GetRoutes(true) {
		if r.Method == "HEAD" || !strings.HasPrefix(r.Path, "/api/v1/") {
			continue // fiber adds HEAD to every GET
		}
		routed = append(routed, r.Method+" "+param.ReplaceAllString(r.Path, "{$1}"))
	}
	slices.Sort(documented)
	slices.Sort(routed)
	routed = slices.Compact(routed)
	for _, r := range routed {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not in docs/openapi.yaml", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(routed, d) {
			t.Errorf("docs/openapi.yaml documents %s, which the API does not serve", d)
		}
	}
	if len(routed) < 9 {
		t.Errorf("only %d routes found: %v", len(routed), routed)
	}
}
