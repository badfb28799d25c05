// Package admin serves the PCN managers' panel at /admin (tenants.AdminPath)
// on a tenant's platform host: sign-in, the dashboard, and the editing of
// every part of the site. It is its own Fiber app, with its own error pages
// and templates, mounted by the front door (handlers.New) after tenant
// resolution and before the page cache. New below lists all of its routes.
package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/handlers/signin"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/media"
)

// Deps are what the admin panel needs: the services of signing in
// (signin.Deps: the database, themes, sessions, throttle, CSRF key, logger,
// web config, mailer of password reset links, and the clock of two-factor
// codes and reset links), and the panel's own.
type Deps struct {
	signin.Deps
	// Scheme and Port of public URLs ("https", ""), and the platform's
	// BaseDomain: a tenant's panel is at <slug>.<BaseDomain>, which is
	// where the links in its emails point (never the request's Host).
	Scheme     string
	Port       string
	BaseDomain string
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

	// -- sign-in, sign-out and the dashboard
	app.Get("/sign-in", showSignIn(d))
	app.Get("/operator-entry/:token", operatorEntry(d))
	app.Post("/sign-in", signIn(d))
	app.Post("/sign-out", requireUser, signOut(d))
	app.Post("/sign-out-everywhere", requireUser, signOutEverywhere(d))
	app.Get("/", requireUser, showDashboard(d))
	app.Get("/pages/edit", requireUser, editPage(d))
	app.Post("/pages/edit", requireUser, updatePage(d))

	// -- news and site health
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
	// -- insights: the site's cookieless figures (insights.go); read only,
	// so editors as well as managers
	app.Get("/insights", requireUser, showInsights(d))

	// -- content shared with the site by its ICB or federation: hide, show
	// again, replace with the tenant's own version (shared.go)
	app.Get("/shared", requireUser, listShared(d))
	app.Post("/shared/:id/hide", requireUser, hideShared(d))
	app.Post("/shared/:id/show", requireUser, showSharedAgain(d))
	app.Get("/shared/:id/replace", requireUser, replaceShared(d))
	app.Post("/shared/:id/replace", requireUser, replaceOrSaveShared(d))
	// -- launch: the checklist, a preview of the full site before the
	// launch, and the launch itself (managers only)
	app.Get("/launch", requireUser, showLaunch(d))
	app.Get("/launch/confirm", requireUser, requireManager, confirmLaunch(d))
	app.Post("/launch", requireUser, requireManager, launchSite(d))
	app.Get("/launch/preview", requireUser, previewSite(d))
	app.Get("/launch/preview/stop", stopPreview(d))

	// -- two-factor and password reset
	app.Get("/account/two-factor", requireUser, showTwoFactor(d))
	app.Post("/account/two-factor", requireUser, updateTwoFactor(d))
	app.Get("/password-reset", showPasswordReset(d))
	app.Get("/password-reset/:token", showNewPassword(d))

	// -- practices, their opening hours and exceptions. Adding and deleting
	// a practice (who is in the network) is for managers; editors keep the
	// details, hours and exceptions up to date.
	app.Get("/practices", requireUser, listPractices(d))
	app.Get("/practices/new", requireUser, requireManager, newPractice(d))
	app.Post("/practices/new", requireUser, requireManager, savePractice(d))
	app.Get("/practices/:id/edit", requireUser, editPractice(d))
	app.Post("/practices/:id/edit", requireUser, savePractice(d))
	app.Post("/practices/:id/move", requireUser, movePractice(d))
	app.Get("/practices/:id/delete", requireUser, requireManager, confirmDeletePractice(d))
	app.Post("/practices/:id/delete", requireUser, requireManager, deletePractice(d))
	app.Get("/practices/ods/:ods/:page", requireUser, practiceByODS(d))
	app.Get("/practices/:id/hours", requireUser, editPracticeHours(d))
	app.Post("/practices/:id/hours", requireUser, savePracticeHours(d))
	app.Get("/practices/:id/exceptions", requireUser, listPracticeExceptions(d))
	app.Get("/practices/:id/exceptions/new", requireUser, editPracticeException(d))
	app.Post("/practices/:id/exceptions/new", requireUser, savePracticeException(d))
	app.Get("/practices/:id/exceptions/:eid/edit", requireUser, editPracticeException(d))
	app.Post("/practices/:id/exceptions/:eid/edit", requireUser, savePracticeException(d))
	app.Get("/practices/:id/exceptions/:eid/delete", requireUser, confirmDeletePracticeException(d))
	app.Post("/practices/:id/exceptions/:eid/delete", requireUser, deletePracticeException(d))

	// -- enhanced access (evening and weekend) sessions
	app.Get("/sessions", requireUser, listEASessions(d))
	app.Get("/sessions/new", requireUser, editEASession(d))
	app.Post("/sessions/new", requireUser, saveEASession(d))
	app.Get("/sessions/:id/edit", requireUser, editEASession(d))
	app.Post("/sessions/:id/edit", requireUser, saveEASession(d))
	app.Post("/sessions/:id/move", requireUser, moveEASession(d))
	app.Get("/sessions/:id/delete", requireUser, confirmDeleteEASession(d))
	app.Post("/sessions/:id/delete", requireUser, deleteEASession(d))

	// -- services, team, events and vacancies: content, so open to editors
	// as well as managers
	app.Get("/services", requireUser, listServices(d))
	app.Get("/services/new", requireUser, newService(d))
	app.Post("/services/new", requireUser, saveService(d))
	app.Get("/services/:id/edit", requireUser, editService(d))
	app.Post("/services/:id/edit", requireUser, saveService(d))
	app.Get("/services/:id/delete", requireUser, confirmDeleteService(d))
	app.Post("/services/:id/delete", requireUser, deleteService(d))
	app.Post("/services/:id/move", requireUser, moveService(d))

	app.Get("/team", requireUser, listTeam(d))
	app.Get("/team/new", requireUser, newStaff(d))
	app.Post("/team/new", requireUser, saveStaff(d))
	app.Get("/team/:id/edit", requireUser, editStaff(d))
	app.Post("/team/:id/edit", requireUser, saveStaff(d))
	app.Get("/team/:id/delete", requireUser, confirmDeleteStaff(d))
	app.Post("/team/:id/delete", requireUser, deleteStaff(d))
	app.Post("/team/:id/move", requireUser, moveStaff(d))

	app.Get("/events", requireUser, listEvents(d))
	app.Get("/events/new", requireUser, newEvent(d))
	app.Post("/events/new", requireUser, saveEvent(d))
	app.Get("/events/:id/edit", requireUser, editEvent(d))
	app.Post("/events/:id/edit", requireUser, saveEvent(d))
	app.Get("/events/:id/delete", requireUser, confirmDeleteEvent(d))
	app.Post("/events/:id/delete", requireUser, deleteEvent(d))

	app.Get("/vacancies", requireUser, listVacancies(d))
	app.Get("/vacancies/new", requireUser, newVacancy(d))
	app.Post("/vacancies/new", requireUser, saveVacancy(d))
	app.Get("/vacancies/:id/edit", requireUser, editVacancy(d))
	app.Post("/vacancies/:id/edit", requireUser, saveVacancy(d))
	app.Get("/vacancies/:id/delete", requireUser, confirmDeleteVacancy(d))
	app.Post("/vacancies/:id/delete", requireUser, deleteVacancy(d))

	// -- pages: the list with the legal pages, create, unpublish, delete,
	// revision history, compare, restore, preview, and the editor's live
	// Markdown preview (editing is above, with the dashboard)
	app.Get("/pages", requireUser, listPages(d))
	app.Get("/pages/new", requireUser, newPage(d))
	app.Post("/pages/new", requireUser, createPage(d))
	app.Post("/pages/unpublish", requireUser, unpublishPage(d))
	app.Get("/pages/delete", requireUser, confirmDeletePage(d))
	app.Post("/pages/delete", requireUser, deletePage(d))
	app.Get("/pages/history", requireUser, showPageHistory(d))
	app.Get("/pages/compare", requireUser, comparePageRevisions(d))
	app.Post("/pages/restore", requireUser, restorePageRevision(d))
	app.Get("/pages/preview", requireUser, previewPage(d))
	app.Post("/preview/markdown", requireUser, previewMarkdown(d))

	// -- users and invitations (managers only), the audit log and settings
	// (managers only), and the menu
	app.Get("/users", requireUser, requireManager, listUsers(d))
	app.Post("/users/invite", requireUser, requireManager, inviteUser(d))
	app.Post("/users/invitations/:id/resend", requireUser, requireManager, resendInvitation(d))
	app.Post("/users/invitations/:id/cancel", requireUser, requireManager, cancelInvitation(d))
	app.Get("/users/:id/edit", requireUser, requireManager, editMember(d))
	app.Post("/users/:id/edit", requireUser, requireManager, saveMemberRole(d))
	app.Get("/users/:id/remove", requireUser, requireManager, confirmRemoveMember(d))
	app.Post("/users/:id/remove", requireUser, requireManager, removeMember(d))
	app.Get("/invitation/:token", showInvitation(d))
	app.Post("/invitation/:token", acceptInvitation(d))
	app.Get("/audit", requireUser, requireManager, showAuditLog(d))
	app.Get("/settings", requireUser, requireManager, editSettings(d))
	app.Post("/settings", requireUser, requireManager, saveSettings(d))
	app.Post("/settings/name", requireUser, requireManager, saveSiteName(d))
	app.Get("/menu", requireUser, showMenu(d))
	app.Post("/menu/add", requireUser, addMenuItem(d))
	app.Post("/menu/start", requireUser, startMenu(d))
	app.Get("/menu/:id/edit", requireUser, editMenuItem(d))
	app.Post("/menu/:id/edit", requireUser, renameMenuItem(d))
	app.Post("/menu/:id/remove", requireUser, removeMenuItem(d))
	app.Post("/menu/:id/move", requireUser, moveMenuItem(d))

	// -- redirects from the old website's addresses, and the addresses
	// patients asked for that do not exist (editors and managers)
	app.Get("/redirects", requireUser, listRedirects(d))
	app.Get("/redirects/new", requireUser, newRedirect(d))
	app.Post("/redirects/new", requireUser, saveRedirect(d))
	app.Get("/redirects/download", requireUser, downloadRedirects(d))
	app.Post("/redirects/upload", requireUser, uploadRedirects(d))
	app.Post("/redirects/missing/dismiss", requireUser, dismissMissing(d))
	app.Get("/redirects/:id/edit", requireUser, editRedirect(d))
	app.Post("/redirects/:id/edit", requireUser, saveRedirect(d))
	app.Get("/redirects/:id/delete", requireUser, confirmDeleteRedirect(d))
	app.Post("/redirects/:id/delete", requireUser, deleteRedirect(d))

	// -- media library: upload, alt text, delete, the editor's image picker
	// (editors and managers)
	app.Get("/media", requireUser, listMedia(d))
	app.Get("/media/new", requireUser, newMedia(d))
	app.Get("/media/picker", requireUser, pickMedia(d))
	app.Post("/media/new", requireUser, uploadMedia(d))
	app.Get("/media/:id/edit", requireUser, editMedia(d))
	app.Post("/media/:id/edit", requireUser, saveMedia(d))
	app.Get("/media/:id/delete", requireUser, confirmDeleteMedia(d))
	app.Post("/media/:id/delete", requireUser, deleteMedia(d))

	// -- scheduled publish and unpublish: content editing, so editors too
	app.Get("/schedule", requireUser, listSchedule(d))
	app.Post("/schedule/:id/cancel", requireUser, cancelSchedule(d))
	app.Get("/pages/schedule", requireUser, showPageSchedule(d))
	app.Post("/pages/schedule", requireUser, schedulePage(d))

	// -- import from the old website (site_import.go): start, progress and
	// report, review and publish the drafts (managers only: an import
	// writes many pages and redirects and makes the server fetch a site)
	app.Get("/import", requireUser, requireManager, showImports(d))
	app.Post("/import", requireUser, requireManager, startImport(d))
	app.Get("/import/review", requireUser, requireManager, showImportReview(d))
	app.Post("/import/review", requireUser, requireManager, publishImports(d))
	app.Get("/import/:id", requireUser, requireManager, showImportJob(d))
	// -- patients' feedback (feedback.go): managers read it, and editors
	// when the managers let them; the forms' settings are the managers'
	app.Get("/feedback", requireUser, mayReadFeedback(d), listFeedback(d))
	app.Get("/feedback/download", requireUser, mayReadFeedback(d), downloadFeedback(d))
	app.Get("/feedback/settings", requireUser, requireManager, editFeedbackSettings(d))
	app.Post("/feedback/settings", requireUser, requireManager, saveFeedbackSettings(d))

	// Anything else under the panel: its own 404 page.
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return app
}
