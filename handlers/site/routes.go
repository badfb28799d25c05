// Package site serves the public sites of tenants: what patients see.
package site

import (
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/media"
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
	// Now is the clock; nil means time.Now. Tests inject one.
	Now func() time.Time
	// Admin is the admin panel (handlers/admin), mounted at /admin after
	// tenant resolution and before the page cache; nil serves no panel.
	Admin *fiber.App
	// Media holds the media library's files (/media/<id>/<file>); nil
	// serves none.
	Media media.Storage
	// ConsoleHost is the operators' host (normalised); its requests go to
	// Console, and /api/... to API. Either may be nil (a 404 then).
	ConsoleHost string
	Console     *fiber.App
	API         *fiber.App
	// Contacts keeps each tenant's phone numbers for the page shown while
	// the database is unreachable; nil keeps them in this process only.
	Contacts *ContactCards
}

// New builds the public app. Middleware order: recover, request context,
// access log, security headers, static assets (the same for every host, so
// platform pages have their CSS), tenant resolution, the admin panel under
// /admin, page cache, routes.
func New(d Deps) *fiber.App {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Contacts == nil {
		d.Contacts = NewContactCards(nil, "", d.Logger)
	}
	app := fiber.New(web.FiberConfig(d.Web, errorHandler(d)))
	app.Use(recover.New())
	app.Use(web.Context(d.Web))
	app.Use(web.AccessLog(d.Logger, d.Metrics, "site", tenantID))
	app.Use(web.SecurityHeaders(d.Web))
	app.Get("/static/*", serveAsset(d.Themes))
	if d.ConsoleHost != "" {
		app.Use(consoleHost(d))
	}
	app.Use(tenants.Middleware(d.Resolver, tenants.MiddlewareOptions{Scheme: d.Scheme, Port: d.Port}))
	if d.Admin != nil {
		app.Mount("/admin", d.Admin)
	}
	app.Get("/media/:id/:file", serveMedia(d)) // files, not pages: before the page cache
	app.Use(d.Cache.Middleware(cacheScope))

	app.Get("/", showHome(d))
	app.Get("/practices", listPractices(d))
	app.Get("/practices/:ods", showPractice(d))
	app.Get("/services", listServices(d))
	app.Get("/services/:slug", showService(d))
	app.Get("/team", showTeam(d))
	app.Get("/enhanced-access", showEnhancedAccess(d))
	app.Get("/news", listNews(d))
	app.Get("/news/feed.xml", newsFeed(d))
	app.Get("/news/:slug", showPost(d))
	app.Get("/events", listEvents(d))
	app.Get("/events/:slug", showEvent(d))
	app.Get("/vacancies", listVacancies(d))
	app.Get("/vacancies/:slug", showVacancy(d))
	app.Get("/contact", showContact(d))
	app.Get("/accessibility", showLegal(d, "accessibility", "Accessibility statement"))
	app.Get("/privacy", showLegal(d, "privacy", "Privacy notice"))
	app.Get("/cookies", showLegal(d, "cookies", "Cookies"))
	app.Get("/search", searchSite(d))
	app.Get("/sitemap.xml", sitemap(d))
	app.Get("/robots.txt", robots(d))
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
// /admin is never cached (the admin app answers it before the cache; this
// also covers a server without the panel).
func cacheScope(c *fiber.Ctx) (pagecache.Scope, bool) {
	t := tenants.FromCtx(c)
	if p := c.Path(); t == nil || p == "/admin" || strings.HasPrefix(p, "/admin/") {
		return pagecache.Scope{}, false
	}
	return pagecache.Scope{TenantID: t.ID, Generation: t.Generation()}, true
}
