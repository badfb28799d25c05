package metrics

import "time"

// TenantStats are one tenant's counters on this replica since it started:
// what the operators' platform view shows (requests, cache hit ratio,
// render latency, errors per tenant).
type TenantStats struct {
	TenantID int64
	Requests uint64 // responses of every status
	Hits     uint64 // served from the page cache (L1 or Redis)
	Misses   uint64 // rendered
	Errors   uint64 // 5xx responses
	// Renders is how many pages were rendered and RenderTime their total
	// time; RenderTime/Renders is the mean render latency.
	Renders    uint64
	RenderTime time.Duration
}

// HitRatio is Hits/(Hits+Misses), or 0 with neither.
func (s TenantStats) HitRatio() float64 {
	if s.Hits+s.Misses == 0 {
		return 0
	}
	return float64(s.Hits) / float64(s.Hits+s.Misses)
}

// MeanRender is the mean render latency, or 0 with no renders.
func (s TenantStats) MeanRender() time.Duration {
	if s.Renders == 0 {
		return 0
	}
	return s.RenderTime / time.Duration(s.Renders)
}

// Tenants returns every tenant's counters on this replica, by tenant id.
// (Collected by the public app's access log; see TODO in issue 5.)
func (m *Metrics) Tenants() []TenantStats { return nil }
