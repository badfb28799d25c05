package admin

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
)

// The request helpers of the panel: typed route parameters and the
// tenant's store, read the same way by every handler (Miniflux's
// request.RouteInt64Param and request.UserID).

// routeID reads a positive id from the route parameter name; anything else
// (a word, zero, a negative number) is a 404, as a page that does not
// exist.
func routeID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// formatID writes an id as a route parameter.
func formatID(id int64) string { return strconv.FormatInt(id, 10) }

// optionalRouteID is routeID for a route that has the parameter on its
// edit URL and not on its "new" URL: 0 when the parameter is absent.
func optionalRouteID(c *fiber.Ctx, name string) (int64, error) {
	if c.Params(name) == "" {
		return 0, nil
	}
	return routeID(c, name)
}

// queryID reads an optional positive id from the query string: 0 when
// absent, a 404 when it is not a positive number.
func queryID(c *fiber.Ctx, name string) (int64, error) {
	raw := c.Query(name)
	if raw == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// storeKey is the Locals key of the request's tenant store.
type storeKey struct{}

// bindStore binds the tenant's data access to the request once, after the
// tenant is known to be open (activeTenant): every handler reads it with
// tenantStore(c).
func bindStore(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if t := tenants.FromCtx(c); t != nil {
			c.Locals(storeKey{}, t.Store(c.UserContext(), d.DB))
		}
		return c.Next()
	}
}

// tenantStore is the tenant-bound data access of the request (bindStore). It is
// nil outside the panel's middleware, which no handler is.
func tenantStore(c *fiber.Ctx) *models.TenantDB {
	s, _ := c.Locals(storeKey{}).(*models.TenantDB)
	return s
}

func tenantID(c *fiber.Ctx) int64 {
	if t := tenants.FromCtx(c); t != nil {
		return t.ID
	}
	return 0
}

// activeTenant closes the panel of a suspended tenant to everyone but
// platform operators (who enter from the console). It runs after
// loadSession.
func activeTenant(c *fiber.Ctx) error {
	t := tenants.FromCtx(c)
	if t == nil {
		return fiber.ErrNotFound
	}
	if a := AccountFromCtx(c); a != nil && a.Operator {
		return c.Next()
	}
	if strings.HasPrefix(c.Path(), tenants.AdminPath+"/operator-entry/") {
		return c.Next() // the entry link checks its operator itself
	}
	if t.Status != models.StatusActive {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(3600))
		return fiber.ErrServiceUnavailable
	}
	return c.Next()
}

// actor is the signed-in account as the audit log records it: who makes
// the request's changes.
func actor(c *fiber.Ctx) models.Actor { return AccountFromCtx(c).Actor() }
