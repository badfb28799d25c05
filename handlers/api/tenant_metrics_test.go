package api_test

import (
	"net/http"
	"testing"

	"github.com/pcnweb/pcnweb/internal/metrics"
)

// The per-tenant counters are fed by the public app's access log; this
// checks them through real requests (the page cache on PostgreSQL and
// Redis), which the console's platform view reads.
func TestTenantCountersThroughTheSite(t *testing.T) {
	s := newAPITestServer(t)
	alpha := s.tenant(t, "alpha")
	beta := s.tenant(t, "beta")
	get := func(host, path string) apiTestResponse { return s.callHost(t, host, "GET", path, "", "") }

	if r := get("alpha.localhost", "/"); r.header.Get("Cache-Status") != "pcnweb; fwd=miss" {
		t.Fatalf("first view: %d %q", r.status, r.header.Get("Cache-Status"))
	}
	get("alpha.localhost", "/")                 // hit
	get("alpha.localhost", "/")                 // hit
	get("alpha.localhost", "/no-such-page")     // a 404: neither hit nor miss
	get("beta.localhost", "/")                  // miss
	get("nobody.localhost", "/")                // no tenant: not counted
	s.call(t, "GET", "/api/v1/tenants", "", "") // console host: not counted
	if r := get("alpha.localhost", "/"); r.status != http.StatusOK {
		t.Fatalf("alpha answers %d", r.status)
	}

	stats := map[int64]metrics.TenantStats{}
	for _, st := range s.metrics.Tenants() {
		stats[st.TenantID] = st
	}
	if len(stats) != 2 {
		t.Fatalf("counters for %d tenants, want 2: %+v", len(stats), stats)
	}
	a, b := stats[alpha.ID], stats[beta.ID]
	if a.Requests != 5 || a.Hits != 3 || a.Misses != 1 || a.Renders != 1 || a.Errors != 0 || a.RenderTime <= 0 {
		t.Errorf("alpha: %+v, want 5 requests, 3 hits, 1 miss and render", a)
	}
	if b.Requests != 1 || b.Hits != 0 || b.Misses != 1 || b.Renders != 1 {
		t.Errorf("beta: %+v, want 1 request, 1 miss", b)
	}
	if r := a.HitRatio(); r != 0.75 {
		t.Errorf("alpha hit ratio %v, want 0.75", r)
	}
}
