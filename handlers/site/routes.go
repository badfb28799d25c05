// Package site serves the public sites of tenants: what patients see. Its
// pages are registered by Routes on the public listener (handlers.New),
// after tenant resolution, the admin panel and the media library.
package site

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/analytics"
	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/media"
	"github.com/pcnweb/pcnweb/internal/metrics"
	"github.com/pcnweb/pcnweb/internal/redishealth"
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
	// Media holds the media library's files (/media/<id>/<file>); nil
	// serves none.
	Media media.Storage
	// Contacts keeps each tenant's phone numbers for the page shown while
	// the database is unreachable; nil keeps them in this process only.
	Contacts *ContactCards
	// PreviewKey checks the preview cookie with which members preview the
	// full site of a tenant not launched yet (holding.go); the admin panel
	// signs it with the same key. Empty: no previews.
	PreviewKey []byte
	// Redirects keeps each tenant's redirects from its old addresses and
	// counts its 404s (redirect.go); nil answers none and counts nothing.
	Redirects *Redirects
	// Analytics counts page views, referrers, searches and 404s
	// (analytics.go); nil counts nothing.
	Analytics *analytics.Counter
	// Redis and RedisPrefix carry the feedback forms' used tokens and rate
	// limits to every replica; nil: the contact cards' Redis (WithDefaults),
	// else this process only.
	Redis       *redishealth.Monitor
	RedisPrefix string
	// FeedbackKey signs the feedback forms' tokens; empty: the platform
	// secret "feedback-form" in the database, the same on every replica.
	FeedbackKey []byte
	// Mailer emails new feedback to the address a manager set; nil, or a
	// mailer that only logs, sends none. The front door gives it the admin
	// panel's.
	Mailer auth.Mailer
	// Frames keeps each tenant's site frame between renders (frame.go);
	// nil: WithDefaults makes one.
	Frames *Frames
}

// WithDefaults fills in what was left unset: the clock, and contact cards
// kept in this process. The front door calls it once, so that the error
// pages, the media library and every page share them.
func (d Deps) WithDefaults() Deps {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Contacts == nil {
		d.Contacts = NewContactCards(nil, "", d.Logger)
	}
	if d.Redirects == nil {
		d.Redirects = NewRedirects(d.DB, d.Logger)
	}
	if d.Frames == nil {
		d.Frames = NewFrames()
	}
	if d.Redis == nil && d.Contacts.redis != nil {
		d.Redis, d.RedisPrefix = d.Contacts.redis, d.Contacts.prefix
	}
	return d
}

// Routes registers every page of the public site on app, behind the page
// cache: page cache (with the route's declared query parameters), clock
// expiry, handler. d has its defaults (WithDefaults).
func Routes(app *fiber.App, d Deps) {
	// Each page declares the query parameters its handler reads
	// (pagecache.Param): the only ones it sees, and the only ones in its
	// cache key.
	// An old address with a query that the tenant redirects is answered
	// before the cache (redirect.go); other redirects replace a 404.
	// A tenant not launched shows its holding page on every path instead
	// (holding.go): noindex on cached copies too, then the cache, then the
	// holding page or, for a member's preview, the page. The analytics
	// count in front of the cache, so hits count too.
	count := countVisit(d)
	page := func(path string, h fiber.Handler, params ...string) {
		app.Get(path, holdingNoIndex, count, redirectQuery(d), d.Cache.Middleware(cacheScope, params...), clockExpiry, unlessLaunched(d, h))
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
	// NHS England's content templates, generated unless the manager
	// publishes their own page at the path (guide.go).
	for _, g := range GuidePages {
		page(g.Path, showGuide(d, g))
	}
	// Patients' feedback (feedback.go). Each form carries a token made for
	// its render, so the forms bypass the page cache (GET and POST); their
	// thank-you pages and the FFT results (which change at the end of each
	// month: the store's NextChange) are cached.
	guard := newFeedbackGuard(d)
	for _, f := range feedbackForms {
		app.Get(f.path, holdingNoIndex, d.Cache.Middleware(noPageCache), unlessLaunched(d, showFeedbackForm(d, guard, f)))
		app.Post(f.path, holdingNoIndex, d.Cache.Middleware(noPageCache), unlessLaunched(d, postFeedback(d, guard, f)))
		page(f.path+"/thanks", showFeedbackThanks(d, f))
	}
	page("/feedback/results", showFFTResults(d))
	page("/search", searchSite(d), "q")
	page("/sitemap.xml", sitemap(d))
	page("/robots.txt", robots(d))
	page("/*", showPage(d))
	// Any other method: a bypass, with its Cache-Status, then 404 or 405.
	app.Use(d.Cache.Middleware(cacheScope))
}

func tenantID(c *fiber.Ctx) int64 {
	if t := tenants.FromCtx(c); t != nil {
		return t.ID
	}
	return 0
}

// cacheScope keys the page cache by the request's tenant and generation.
// The admin panel (tenants.AdminPath) is never cached (the front door
// mounts it before the site; this also covers a server without the panel),
// nor is a preview of a site not launched (holding.go).
func cacheScope(c *fiber.Ctx) (pagecache.Scope, bool) {
	t := tenants.FromCtx(c)
	if t == nil || tenants.IsAdmin(c.Path()) || previewBypass(c, t) {
		return pagecache.Scope{}, false
	}
	return pagecache.Scope{TenantID: t.ID, Generation: t.Generation()}, true
}
