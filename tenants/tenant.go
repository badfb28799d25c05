// Package tenants resolves the tenant of a request from its Host header and
// binds data access to it. The resolver keeps an in-process map of hosts,
// refreshed by the invalidation bus (Redis pub/sub) and by polling the
// database's generations as a safety net.
package tenants

import (
	"context"
	"sync/atomic"

	"github.com/pcnweb/pcnweb/models"
)

// Tenant is the resolved tenant of a request: an immutable snapshot plus the
// live generation counter shared by every snapshot of the same tenant.
type Tenant struct {
	ID           int64
	Slug         string
	Name         string
	ODSCode      string
	Theme        string
	Status       models.TenantStatus
	StatusReason string
	PrimaryHost  string   // "" when the tenant has no primary custom domain
	Hosts        []string // custom domains
	// Launched: the public host shows the full site, not the holding page
	// (models.Tenant.Launched).
	Launched bool
	gen      *atomic.Int64
}

// PreviewCookie is the cookie with which a signed-in manager previews the
// full site of a tenant not launched yet (handlers/site, the holding page).
// The admin panel sets it, on the platform host, for the whole host.
const PreviewCookie = "pcnweb_preview"

// Generation is the tenant's current generation as this replica knows it.
func (t *Tenant) Generation() int64 { return t.gen.Load() }

// PlatformHost is the tenant's host under the platform's base domain.
func PlatformHost(slug, base string) string { return slug + "." + base }

type ctxKey struct{}

// WithTenant returns a context carrying t.
func WithTenant(ctx context.Context, t *Tenant) context.Context {
	return context.WithValue(ctx, ctxKey{}, t)
}

// FromContext returns the tenant a context carries, or nil.
func FromContext(ctx context.Context) *Tenant {
	t, _ := ctx.Value(ctxKey{}).(*Tenant)
	return t
}

// Store returns the tenant-bound data handle for this request.
func (t *Tenant) Store(ctx context.Context, db *models.DB) *models.TenantDB {
	return db.ForTenant(ctx, t.ID)
}
