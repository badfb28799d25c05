// Package metrics holds the server's own Prometheus counters, exposed on the
// internal listener's /metrics.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics is the set of collectors one server process updates.
type Metrics struct {
	Registry *prometheus.Registry
	// Requests counts public responses by audience ("site", "platform") and status code.
	Requests *prometheus.CounterVec
	// Cache counts page-cache outcomes: hit, stale (a last good copy for a
	// failed render), stale_render (another release's copy while this one
	// renders), miss, collapsed, bypass.
	Cache *prometheus.CounterVec
	// Render observes how long a cache-miss render took, in seconds.
	Render prometheus.Histogram
	// Invalidations counts invalidation messages applied by this replica.
	Invalidations prometheus.Counter
	// AccessLogDropped counts access-log lines dropped because the log's
	// buffer was full (its writer stuck).
	AccessLogDropped prometheus.Counter

	// tenants are the per-tenant counters of the operators' console
	// (CountTenant, Tenants); not exported to Prometheus.
	tenants tenantTable
}

// New registers the collectors, plus the Go runtime and process collectors.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pcnweb_http_requests_total", Help: "HTTP responses on the public listener by audience and status code.",
		}, []string{"audience", "status"}),
		Cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pcnweb_page_cache_total", Help: "Page cache outcomes (hit, stale, stale_render, miss, collapsed, bypass).",
		}, []string{"result"}),
		Render: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "pcnweb_render_seconds", Help: "Time to render a page on a cache miss.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
		Invalidations: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pcnweb_invalidations_total", Help: "Tenant invalidation messages applied by this replica.",
		}),
		AccessLogDropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pcnweb_access_log_dropped_total", Help: "Access-log lines dropped because the log's buffer was full.",
		}),
	}
	m.Registry.MustRegister(m.Requests, m.Cache, m.Render, m.Invalidations, m.AccessLogDropped,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
