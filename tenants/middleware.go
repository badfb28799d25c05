package tenants

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
)

// SuspendedError is returned for requests to a suspended tenant's site.
type SuspendedError struct{ Tenant *Tenant }

func (e *SuspendedError) Error() string { return "tenants: site " + e.Tenant.Slug + " is suspended" }

// ClosedError is returned for requests to a closed tenant's site: its PCN
// closed (ODS), and the site says where its practices went.
type ClosedError struct{ Tenant *Tenant }

func (e *ClosedError) Error() string { return "tenants: site " + e.Tenant.Slug + " is closed" }

// UnavailableError wraps a resolution that failed because the database could
// not be asked and nothing cached could stand in.
type UnavailableError struct{ Err error }

func (e *UnavailableError) Error() string { return "tenants: cannot resolve host: " + e.Err.Error() }
func (e *UnavailableError) Unwrap() error { return e.Err }

type localsKey struct{}

// FromCtx returns the request's tenant, set by Middleware; nil before it.
func FromCtx(c *fiber.Ctx) *Tenant {
	t, _ := c.Locals(localsKey{}).(*Tenant)
	return t
}

// AdminPath is where the admin panel is on a tenant's host: on the
// platform host only (Middleware sends it there from custom domains), never
// behind the page cache. The front door (handlers.New) mounts the panel here.
const AdminPath = "/admin"

// IsAdmin reports whether path is the admin panel's (AdminPath or under it).
func IsAdmin(path string) bool {
	return path == AdminPath || strings.HasPrefix(path, AdminPath+"/")
}

// previewing reports whether the request may be a manager's preview of a
// site not launched yet: its cookie is set on the platform host only, so
// such a request stays there rather than going to the primary domain
// (handlers/site checks the cookie itself).
func previewing(c *fiber.Ctx, t *Tenant) bool {
	return !t.Launched && c.Cookies(PreviewCookie) != ""
}

// redirectTo is the host Middleware sends a request for host (normalised)
// of tenant t to, or "" to serve it here: the admin panel lives on the
// platform host only; the public site on the primary domain when there is
// one (not for a manager's preview), else not on an old slug's host. It
// allocates only to name a target (Servable asks it on every hit).
func (r *Resolver) redirectTo(t *Tenant, host string, admin, previewing bool) string {
	onPlatform := r.isHostOf(host, t.Slug)
	switch {
	case admin && !onPlatform:
		return PlatformHost(t.Slug, r.base)
	case !admin && t.PrimaryHost != "" && host != t.PrimaryHost && !previewing:
		return t.PrimaryHost
	case !admin && !onPlatform && r.isPlatformHost(host):
		return PlatformHost(t.Slug, r.base) // an old slug's host, kept after a rename
	}
	return ""
}

// MiddlewareOptions configure Middleware.
type MiddlewareOptions struct {
	// Scheme and Port build the redirect to a primary domain ("https", "").
	Scheme string
	Port   string
}

// Middleware resolves the tenant from the Host (or, from trusted proxies
// only, X-Forwarded-Host), redirects to the tenant's primary domain, refuses
// suspended sites, and puts the tenant in the request's locals and context.
// AdminPath on the platform host is never redirected: the admin panel lives there.
func Middleware(r *Resolver, opts MiddlewareOptions) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, host, err := r.resolve(c.UserContext(), c.Hostname())
		switch {
		case errors.Is(err, ErrBadHost), errors.Is(err, ErrUnknownHost):
			return err
		case err != nil:
			return &UnavailableError{Err: err}
		}
		admin := IsAdmin(c.Path())
		target := r.redirectTo(t, host, admin, previewing(c, t))
		if target != "" {
			return redirect.ToHost(c, opts.Scheme, target, opts.Port, fiber.StatusMovedPermanently)
		}
		if t.Status == models.StatusClosed && !admin {
			return &ClosedError{Tenant: t}
		}
		if t.Status != "active" && !admin {
			return &SuspendedError{Tenant: t}
		}
		c.Locals(localsKey{}, t)
		c.SetUserContext(WithTenant(c.UserContext(), t))
		return c.Next()
	}
}
