package handlers

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/valyala/fasthttp"

	"github.com/pcnweb/pcnweb/handlers/admin"
	"github.com/pcnweb/pcnweb/handlers/api"
	"github.com/pcnweb/pcnweb/handlers/console"
	"github.com/pcnweb/pcnweb/handlers/site"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/tenants"
)

// New builds the public listener, where every request goes through, in
// this order:
//
//  1. recover, request context (id and deadline), access log, unambiguous
//     framing (one Host, one Content-Length), security headers;
//  2. static assets, the same for every host (platform pages have their CSS);
//  3. the console host: /api/... to the API, everything else to the console;
//  4. tenant resolution (unknown, suspended, or not the primary domain: an
//     error page or a redirect);
//  5. the admin panel at tenants.AdminPath, before the page cache;
//  6. the media library's files, before the page cache too;
//  7. the public site's pages, each behind the page cache (site.Routes).
//
// In front of the chain, a GET for a page the page cache holds fresh in
// this process is answered without entering Fiber, with the same answer
// (hits.go): the hit path.
//
// Errors before the admin panel and the operators' apps, which have their
// own, are rendered by the site's error handler.
func New(d Deps) *fiber.App {
	app, _ := Public(d)
	return app
}

// Public is New, and the hit path on its own, for the event loop in front
// of the public listener (internal/eventloop): a function that answers a
// fresh hit, reporting whether it did, and never enters the chain. It is
// nil when there is no hit path (Deps.NoHitPath, or no cache).
func Public(d Deps) (*fiber.App, func(*fasthttp.RequestCtx) bool) {
	s := d.Site.WithDefaults()
	if d.Admin != nil && len(s.PreviewKey) == 0 {
		s.PreviewKey = d.Admin.CSRFKey // the panel signs the preview cookie the site checks
	}
	if d.Admin != nil && s.Mailer == nil {
		s.Mailer = d.Admin.Mailer // new feedback is emailed as the panel's mail is
	}
	app := fiber.New(web.FiberConfig(s.Web, site.ErrorHandler(s)))

	// -- every host
	app.Use(recover.New())
	app.Use(web.Context(s.Web))
	app.Use(web.AccessLog(d.AccessLog, s.Metrics, "site", tenantID))
	app.Use(web.StrictFraming) // the public listener's one app: admin, console and API are reached through it
	app.Use(web.SecurityHeaders(s.Web))
	app.Get("/static/*", site.ServeAsset(s))

	// -- the console host (handlers/console/routes.go, handlers/api/routes.go)
	if d.ConsoleHost != "" {
		app.Use(consoleHost(d.ConsoleHost, build(d.Console, console.New), build(d.API, api.New)))
	}

	// -- a tenant's host (handlers/admin/routes.go, handlers/site/routes.go)
	app.Use(tenants.Middleware(s.Resolver, tenants.MiddlewareOptions{Scheme: s.Scheme, Port: s.Port}))
	if d.Admin != nil {
		app.Mount(tenants.AdminPath, admin.New(*d.Admin))
	}
	app.Get("/media/:id/:file", site.ServeMedia(s)) // files, not pages: before the page cache
	site.Routes(app, s)

	// The hit path in front of it all (hits.go).
	if !d.NoHitPath && s.Cache != nil && s.Resolver != nil {
		h := &hits{
			next: app.Handler(), resolver: s.Resolver, cache: s.Cache,
			security: web.NewSecurityHeaders(s.Web), proxies: web.NewProxies(s.Web),
			log: d.AccessLog, count: web.NewCounter(s.Metrics, "site"), analytics: s.Analytics,
		}
		app.Server().Handler = h.serve
		return app, h.answered
	}
	return app, nil
}
