package tenants

import (
	"unsafe"

	"github.com/pcnweb/pcnweb/internal/hostname"
	"github.com/pcnweb/pcnweb/models"
)

// Servable returns the tenant whose public site answers rawHost (a Host
// header value) as it stands, from memory alone: the host maps to an
// active, launched tenant, the mapping is current (Resolve would not load
// it again), and it is the host the site is served on (Middleware would
// not redirect it). Any other case (an unknown or malformed host, a
// mapping to load, a redirect, a site suspended, closed or not launched)
// answers false, and the request takes the full way through Middleware,
// which knows what to do. It does not allocate: the page cache's hit path
// (handlers.hits) asks it on every request.
func (r *Resolver) Servable(rawHost []byte) (*Tenant, bool) {
	if len(rawHost) == 0 {
		return nil, false
	}
	// Only compared and looked up, never kept: a view of the bytes will do.
	// Every key of the map is a normalised host, so a Host header found
	// there as it is needs no normalising (the usual case: no port, lower
	// case); any other is normalised first.
	host := unsafe.String(unsafe.SliceData(rawHost), len(rawHost))
	e, ok := r.hosts.GetIfPresent(host)
	if !ok {
		var err error
		if host, err = hostname.Normalize(host); err != nil {
			return nil, false
		}
		e, ok = r.hosts.GetIfPresent(host)
	}
	if !ok || !r.now().Before(e.expires) || e.tenant.gen.Load() > e.loadedAt {
		return nil, false
	}
	t := e.tenant
	if t.Status != models.StatusActive || !t.Launched {
		return nil, false
	}
	// Middleware's redirects, for a path that is not the admin panel's (a
	// launched site has no previews).
	if r.redirectTo(t, host, false, false) != "" {
		return nil, false
	}
	return t, true
}

// isHostOf reports whether host is PlatformHost(slug, r.base), without
// building that string.
func (r *Resolver) isHostOf(host, slug string) bool {
	return len(host) == len(slug)+1+len(r.base) && host[:len(slug)] == slug && host[len(slug)] == '.' && host[len(slug)+1:] == r.base
}
