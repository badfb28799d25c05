package api

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/pcnweb/pcnweb/handlers/web"
)

// New builds the API app. The front door (handlers.New) hands it the
// console host's /api/... requests, having logged and counted them and set
// the security headers. Every route needs a bearer token with its scope.
func New(d Deps) *fiber.App {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	cfg := web.FiberConfig(d.Web, errorHandler(d))
	app := fiber.New(cfg)
	app.Use(recover.New())
	app.Use(requestContext(d.Web))
	app.Use(func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Next()
	})
	v1 := app.Group("/api/v1", authenticate(d), jsonBody)
	v1.Get("/tenants", need("tenants:read"), listTenants(d))
	v1.Post("/tenants", need("tenants:write"), createTenant(d))
	v1.Get("/tenants/:slug", need("tenants:read"), showTenant(d))
	v1.Post("/tenants/:slug/suspend", need("tenants:write"), suspendTenant(d))
	v1.Post("/tenants/:slug/resume", need("tenants:write"), resumeTenant(d))
	v1.Post("/tenants/:slug/launch", need("tenants:write"), launchTenant(d))
	v1.Post("/tenants/:slug/domains", need("domains:write"), addDomain(d))
	v1.Delete("/tenants/:slug/domains/:host", need("domains:write"), removeDomain(d))
	v1.Post("/tenants/:slug/users", need("users:write"), inviteUser(d))
	v1.Put("/tenants/:slug/pages", need("pages:write"), putPage(d))
	return app
}
