// Package admin serves the PCN managers' panel at /admin on a tenant's
// platform host: sign-in, the dashboard and page editing. It is its own
// Fiber app, mounted by the public app under /admin after tenant resolution
// and before the page cache, with its own error pages and templates.
package admin

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/media"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// Deps are what the admin panel needs.
type Deps struct {
	DB       *models.DB
	Themes   *themes.Registry
	Sessions *auth.Sessions
	Throttle *auth.Throttle
	// CSRFKey signs the sign-in form's double-submit token; every replica
	// must have the same one (models.DB.PlatformSecret).
	CSRFKey []byte
	Logger  *slog.Logger
	Web     web.Config // Web.Secure sets the Secure flag on cookies
	// Scheme and Port of public URLs ("https", ""), and the platform's
	// BaseDomain: a tenant's panel is at <slug>.<BaseDomain>, which is
	// where the links in its emails point (never the request's Host).
	Scheme     string
	Port       string
	BaseDomain string
	// Mailer sends password reset links.
	Mailer auth.Mailer
	// Now is the clock of two-factor codes and reset links; nil is time.Now.
	Now func() time.Time
	// Media stores the media library's files; nil refuses uploads.
	Media media.Storage
	// Images checks and decodes uploads, a bounded number at once; nil is
	// a processor with the default limits.
	Images *media.Processor
}

// New builds the admin app, to be mounted at /admin. Middleware order: no
// caching and no indexing, errors rendered here, the session (a session of
// another tenant counts as none), an active tenant (a suspended one is open
// to operators only), CSRF on every POST.
func New(d Deps) *fiber.App {
	if d.Images == nil {
		d.Images = media.NewProcessor(media.ProcessorOptions{})
	}
	app := fiber.New(web.FiberConfig(d.Web, errorHandler(d)))
	app.Use(web.Private)
	app.Use(web.HandleErrors(errorHandler(d)))
	app.Use(loadSession(d))
	app.Use(activeTenant)
	app.Use(bindStore(d))
	app.Use(checkCSRF(d))

	app.Get("/sign-in", showSignIn(d))
	app.Get("/operator-entry/:token", operatorEntry(d))
	app.Post("/sign-in", signIn(d))
	app.Post("/sign-out", requireUser, signOut(d))
	app.Post("/sign-out-everywhere", requireUser, signOutEverywhere(d))
	app.Get("/", requireUser, showDashboard(d))
	app.Get("/pages/edit", requireUser, editPage(d))
	app.Post("/pages/edit", requireUser, updatePage(d))
	// news and site health
	app.Get("/news", requireUser, listNews(d))
	app.Get("/news/new", requireUser, newNews(d))
	app.Post("/news/new", requireUser, saveNews(d))
	app.Get("/news/:id/edit", requireUser, editNews(d))
	app.Get("/news/:id/preview", requireUser, previewNews(d))
	app.Post("/news/:id/edit", requireUser, saveNews(d))
	app.Post("/news/:id/unpublish", requireUser, unpublishNews(d))
	app.Get("/news/:id/delete", requireUser, confirmDeleteNews(d))
	app.Post("/news/:id/delete", requireUser, deleteNews(d))
	app.Get("/health", requireUser, showHealth(d))
	// two-factor and password reset
	app.Get("/account/two-factor", requireUser, showTwoFactor(d))
	app.Post("/account/two-factor", requireUser, updateTwoFactor(d))
	app.Get("/password-reset", showPasswordReset(d))
	app.Get("/password-reset/:token", showNewPassword(d))
	// Each part of the panel registers its own routes below, one line each.
	// -- routes: practices and enhanced access
	practicesRoutes(app, d)
	// -- routes: services, events and vacancies
	servicesRoutes(app, d)
	// -- routes: pages, revisions, preview and legal pages
	pagesRoutes(app, d)
	// -- routes: users, invitations, settings, menu and audit log
	peopleRoutes(app, d)
	// -- routes: media library
	mediaRoutes(app, d)
	// -- routes: schedules
	scheduleRoutes(app, d)
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return app
}
