// Package site serves the public sites of tenants: what patients see.
package site

import (
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/media"
	"github.com/pcnweb/pcnweb/internal/metrics"
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
// access log, unambiguous framing (one Host, one Content-Length), security headers, static assets (the same for every host, so
// platform pages have their CSS), tenant resolution, the admin panel under
// /admin, then each page's route: page cache (with the route's declared
// query parameters), clock expiry, handler.
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
	app.Use(web.StrictFraming) // the public listener's one app: admin, console and API are reached through it
	app.Use(web.SecurityHeaders(d.Web))
	app.Get("/static/*", serveAsset(d.Themes, newReleaseAssets(d.DB, d.Logger)))
	if d.ConsoleHost != "" {
		app.Use(consoleHost(d))
	}
	app.Use(tenants.Middleware(d.Resolver, tenants.MiddlewareOptions{Scheme: d.Scheme, Port: d.Port}))
	if d.Admin != nil {
		app.Mount("/admin", d.Admin)
	}
	app.Get("/media/:id/:file", serveMedia(d)) // files, not pages: before the page cache

	// Every page, behind the page cache. Each declares the query parameters
	// its handler reads (pagecache.Param): the only ones it sees, and the
	// only ones in its cache key.
	page := func(path string, h fiber.Handler, params ...string) {
		app.Get(path, d.Cache.Middleware(cacheScope, params...), clockExpiry, h)
	}
	page("/", showHome(d))
	page("/practices", listPractices(d))
	page("/practices/:ods", showPractice(d))
	page("/services", listServices(d))
	page("/services/:slug", showService(d))
	page("/team", showTeam(d))
	page("/enhanced-access", showEnhancedAccess(d))
	page("/news", listNews(d))
	page("/news/feed.xml", newsFeed(d))
	page("/news/:slug", showPost(d))
	page("/events", listEvents(d))
	page("/events/:slug", showEvent(d))
	page("/vacancies", listVacancies(d))
	page("/vacancies/:slug", showVacancy(d))
	page("/contact", showContact(d))
	page("/accessibility", showLegal(d, "accessibility", "Accessibility statement"))
	page("/privacy", showLegal(d, "privacy", "Privacy notice"))
	page("/cookies", showLegal(d, "cookies", "Cookies"))
	page("/search", searchSite(d), "q")
	page("/sitemap.xml", sitemap(d))
	page("/robots.txt", robots(d))
	page("/*", showPage(d))
	// Any other method: a bypass, with its Cache-Status, then 404 or 405.
	app.Use(d.Cache.Middleware(cacheScope))
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
