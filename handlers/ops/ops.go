// Package ops serves the internal listener: liveness, readiness, Prometheus
// metrics, pprof and the TLS terminator's "ask" endpoint (routes.go lists
// them all). It is bound to a private address, never the public one.
package ops

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/pcnweb/pcnweb/internal/metrics"
	"github.com/pcnweb/pcnweb/internal/redishealth"
	"github.com/pcnweb/pcnweb/models"
)

// Deps are what the internal endpoints check and expose.
type Deps struct {
	DB      *models.DB
	Redis   *redishealth.Monitor // nil when no Redis is configured
	Metrics *metrics.Metrics
	// Ready reports whether start-up has finished (migrations, subscriptions).
	Ready func() bool
	// Hosts answers the TLS ask endpoint (tenants.HostSet).
	Hosts interface {
		Has(ctx context.Context, host string) bool
	}
}

// readyz answers 200 when the process has started and its database and
// Redis (when configured) answer; 503 with the failing checks otherwise.
func readyz(d Deps) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		checks := map[string]string{}
		ok := true
		if d.Ready != nil && !d.Ready() {
			checks["startup"], ok = "starting", false
		}
		if err := d.DB.Ping(ctx); err != nil {
			checks["database"], ok = "unreachable", false
		} else {
			checks["database"] = "ok"
		}
		if rc := d.Redis.Client(); rc != nil {
			if err := rc.Ping(ctx).Err(); err != nil {
				checks["redis"], ok = "unreachable", false
			} else {
				checks["redis"] = "ok"
			}
		}
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ready": ok, "checks": checks})
	}
}

// tlsAsk is the "ask" endpoint of a TLS terminator that gets certificates on
// demand (Caddy's on_demand_tls): 200 when ?domain= is a host of an active
// tenant, 404 otherwise, 400 without a domain. Answers come from memory.
func tlsAsk(d Deps) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		domain := r.URL.Query().Get("domain")
		switch {
		case domain == "":
			http.Error(w, "missing ?domain=", http.StatusBadRequest)
		case d.Hosts != nil && d.Hosts.Has(r.Context(), domain):
			_, _ = w.Write([]byte("ok\n"))
		default:
			http.Error(w, "not a tenant domain", http.StatusNotFound)
		}
	}
}
