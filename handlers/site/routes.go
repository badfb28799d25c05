// Package site serves the public sites of tenants: what patients see.
package site

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/metrics"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/pagecache"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// Deps are what the public site needs.
type Deps struct {
	DB       *models.DB
	Resolver *tenants.Resolver
	Themes   *themes.Registry
	Cache    *pagecache.Cache
	Logger   *slog.Logger
	Metrics  *metrics.Metrics
	Web      web.Config
	// Scheme ("http" or "https") and Port ("" or "8080") of public URLs.
	Scheme string
	Port   string
}

// New builds the public app. Middleware order: recover, request context,
// access log, security headers, static assets (the same for every host, so
// platform pages have their CSS), tenant resolution, page cache, routes.
func New(d Deps) *fiber.App {
	app := fiber.New(web.FiberConfig(d.Web, errorHandler(d)))
	app.Use(recover.New())
	app.Use(web.Context(d.Web))
	app.Use(web.AccessLog(d.Logger, d.Metrics, "site", tenantID))
	app.Use(web.SecurityHeaders(d.Web))
	app.Get("/static/*", serveAsset(d.Themes))
	app.Use(tenants.Middleware(d.Resolver, tenants.MiddlewareOptions{Scheme: d.Scheme, Port: d.Port}))
	app.Use(d.Cache.Middleware(cacheScope))

	app.Get("/", showHome(d))
	app.Get("/*", showPage(d))
	return app
}

func tenantID(c *fiber.Ctx) int64 {
	if t := tenants.FromCtx(c); t != nil {
		return t.ID
	}
	return 0
}

// cacheScope keys the page cache by the request's tenant and generation.
func cacheScope(c *fiber.Ctx) (pagecache.Scope, bool) {
	t := tenants.FromCtx(c)
	if t == nil {
		return pagecache.Scope{}, false
	}
	return pagecache.Scope{TenantID: t.ID, Generation: t.Generation()}, true
}
