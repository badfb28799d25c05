package console

import (
	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/redirect"
)

// New builds the console app. Middleware order: no caching and no indexing,
// errors rendered here, the operator's session, CSRF on every POST. Then
// every route of the console, all for operators but signing in.
func New(d Deps) *fiber.App {
	if d.Verifier == nil {
		d.Verifier = HTTPVerifier{}
	}
	app := fiber.New(web.FiberConfig(d.Web, errorHandler(d)))
	app.Use(web.Private)
	app.Use(web.HandleErrors(errorHandler(d)))
	app.Use(loadSession(d))
	app.Use(checkCSRF(d))

	// -- sign-in and sign-out
	app.Get("/sign-in", showSignIn(d))
	app.Post("/sign-in", signIn(d))
	app.Post("/sign-out", requireOperator, signOut(d))
	app.Get("/", requireOperator, func(c *fiber.Ctx) error { return redirect.To(c, "/tenants", fiber.StatusSeeOther) })

	// -- tenants: create (by hand or from ODS), launch, suspend, resume and archive, enter
	// the admin panel, invite, reset a user's two-factor
	app.Get("/tenants", requireOperator, listTenants(d))
	app.Get("/tenants/new", requireOperator, formGet(d, "Create a tenant", "tenants", newTenantForm(d)))
	app.Post("/tenants/new", requireOperator, createTenant(d))
	app.Get("/tenants/new-from-ods", requireOperator, formGet(d, "Create a tenant from ODS", "tenants", odsForm(d)))
	app.Post("/tenants/new-from-ods", requireOperator, createFromODS(d))
	app.Get("/tenants/:slug", requireOperator, showTenant(d))
	for _, a := range statusActions {
		app.Get("/tenants/:slug/"+a.path, requireOperator, showStatusForm(d, a))
		app.Post("/tenants/:slug/"+a.path, requireOperator, changeStatus(d, a))
	}
	app.Get("/tenants/:slug/rename", requireOperator, showRename(d))
	app.Post("/tenants/:slug/rename", requireOperator, renameTenant(d))
	app.Get("/tenants/:slug/launch", requireOperator, showLaunchForm(d))
	app.Post("/tenants/:slug/launch", requireOperator, launchTenant(d))
	app.Get("/tenants/:slug/enter", requireOperator, showEnter(d))
	app.Post("/tenants/:slug/enter", requireOperator, enter(d))
	app.Get("/tenants/:slug/invite", requireOperator, showInvite(d))
	app.Post("/tenants/:slug/invite", requireOperator, invite(d))
	app.Get("/tenants/:slug/users/:id/reset-2fa", requireOperator, showReset2FA(d))
	app.Post("/tenants/:slug/users/:id/reset-2fa", requireOperator, reset2FA(d))

	// -- a tenant's domains: add, make primary, detach, check the token
	app.Get("/tenants/:slug/domains/new", requireOperator, showAddDomain(d))
	app.Post("/tenants/:slug/domains/new", requireOperator, addDomain(d))
	for _, a := range domainActions {
		app.Get("/tenants/:slug/domains/:host/"+a.path, requireOperator, showDomainAction(d, a))
		app.Post("/tenants/:slug/domains/:host/"+a.path, requireOperator, doDomainAction(d, a))
	}
	app.Post("/tenants/:slug/domains/:host/check", requireOperator, checkDomain(d))

	// -- the platform view and its announcement banner
	app.Get("/platform", requireOperator, showPlatform(d))
	app.Get("/platform/announcements/new", requireOperator, formGet(d, "Add an announcement", "platform", func(*fiber.Ctx) consoleForm { return announcementForm() }))
	app.Post("/platform/announcements/new", requireOperator, addAnnouncement(d))
	app.Get("/platform/announcements/:id/end", requireOperator, showEndAnnouncement(d))
	app.Post("/platform/announcements/:id/end", requireOperator, endAnnouncement(d))

	// -- API tokens
	app.Get("/tokens", requireOperator, listTokens(d))
	app.Get("/tokens/new", requireOperator, formGet(d, "Create an API token", "tokens", func(*fiber.Ctx) consoleForm { return tokenForm() }))
	app.Post("/tokens/new", requireOperator, createToken(d))
	app.Get("/tokens/:id/revoke", requireOperator, showRevoke(d))
	app.Post("/tokens/:id/revoke", requireOperator, revokeToken(d))

	// -- shared content, for operators and group editors (shared.go); group
	// editors and their invitations, for operators
	app.Get("/shared", requireSignedIn, listShared(d))
	app.Get("/shared/new", requireSignedIn, showNewShared(d))
	app.Post("/shared/new", requireSignedIn, createShared(d))
	app.Get("/shared/:id", requireSignedIn, showShared(d))
	app.Get("/shared/:id/edit", requireSignedIn, showEditShared(d))
	app.Post("/shared/:id/edit", requireSignedIn, updateShared(d))
	app.Get("/shared/:id/delete", requireSignedIn, showDeleteShared(d))
	app.Post("/shared/:id/delete", requireSignedIn, deleteShared(d))
	app.Get("/group-editors", requireOperator, listGroupEditors(d))
	app.Get("/group-editors/new", requireOperator, showInviteGroupEditor(d))
	app.Post("/group-editors/new", requireOperator, inviteGroupEditor(d))
	app.Get("/group-editors/:id/remove", requireOperator, showRemoveGroupEditor(d))
	app.Post("/group-editors/:id/remove", requireOperator, removeGroupEditor(d))
	app.Get("/group-editors/:id/new-link", requireOperator, showNewGroupEditorLink(d))
	app.Post("/group-editors/:id/new-link", requireOperator, newGroupEditorLink(d))
	app.Get("/join/:token", showJoin(d))
	app.Post("/join/:token", join(d))

	// -- the operator audit log
	app.Get("/audit", requireOperator, showAudit(d))

	// Anything else: the console's own 404 page.
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return app
}
