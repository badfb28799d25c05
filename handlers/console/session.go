package console

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/handlers/signin"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// signInLayer is the console's sign-in (package signin): only platform
// operators sign in, with two-factor authentication, which one without it
// sets up first. Sessions are made for no tenant, so a tenant's admin
// session never counts here (nor a console session on a tenant's panel).
// Cookies are host-only on the console host, path /.
func (d Deps) signInLayer() *signin.Layer {
	return signin.New(d.Deps, signin.Policy{
		Cookies: signin.Cookies{Session: "pcnweb_console", Form: "pcnweb_console_csrf", Pending: "pcnweb_console_2fa",
			Device: "pcnweb_console_device", Path: "/"},
		Pages:      signin.Pages{SignIn: "console-sign-in", Code: "console-code", Setup: "console-setup", Codes: "console-codes"},
		SignInPath: "/sign-in",
		Home:       "/tenants",
		Notices: []signin.Notice{{Query: "signed-out", Text: "You have signed out."},
			{Query: "joined", Text: "Your password is set. Sign in, then set up two-factor authentication."}},
		Scope: func(*fiber.Ctx) int64 { return 0 },
		// Operators, and group editors (shared.go), who may use the shared
		// content pages only.
		MaySignIn: func(c *fiber.Ctx, u models.User) (bool, error) { return mayUseConsole(c, d, u) },
		OpenForm:  func(path string) bool { return strings.HasPrefix(path, "/join/") },
		// A user who is still an operator or a group editor, with two-factor on.
		Admit: func(c *fiber.Ctx, a *signin.Account) (bool, error) {
			a.Operator = a.User.IsOperator
			ok, err := mayUseConsole(c, d, a.User)
			return ok && a.User.TOTPEnabled, err
		},
		RequireTwoFactor: true,
		PendingTimeout:   10 * time.Minute,
		PendingLabel:     "console-2fa",
		Issuer:           "pcnweb console",
		View:             func(*fiber.Ctx) themes.Admin { return themes.Admin{Console: &consoleView{}} },
		Record: func(c *fiber.Ctx, u models.User, e signin.Event) {
			switch e {
			case signin.SignedIn:
				audit(c, d, u, "operator.sign-in", nil, u.Email, "signed in")
			case signin.TwoFactorOn:
				audit(c, d, u, "operator.two-factor-enable", nil, u.Email, "set up at first sign-in")
			}
		},
	})
}

// loadSession finds the request's session: a console session (made for no
// tenant) of a user who is still an operator with two-factor on.
func loadSession(d Deps) fiber.Handler { return d.signInLayer().LoadSession() }

// checkCSRF refuses every POST without the right token: the session's
// synchronizer token once signed in, the signed double-submit token on the
// sign-in form.
func checkCSRF(d Deps) fiber.Handler { return d.signInLayer().CheckCSRF() }

// requireSignedIn sends a visitor who is not signed in to the sign-in page.
var requireSignedIn = signin.Required("/sign-in")

// requireOperator sends a visitor who is not signed in to the sign-in page,
// and refuses a group editor (shared.go), who may use the shared content
// pages only: their home (/tenants, where sign-in lands) sends them there.
func requireOperator(c *fiber.Ctx) error {
	a := signin.FromCtx(c)
	switch {
	case a == nil:
		return requireSignedIn(c)
	case a.User.IsOperator:
		return c.Next()
	case c.Method() == fiber.MethodGet && (c.Path() == "/tenants" || c.Path() == "/"):
		return redirect.To(c, "/shared", fiber.StatusSeeOther)
	}
	return errSharedOnly
}

// errSharedOnly refuses a group editor a page of the operators only.
var errSharedOnly = fiber.NewError(fiber.StatusForbidden, "group editors use the shared content pages only")

func showSignIn(d Deps) fiber.Handler { return d.signInLayer().ShowSignIn() }

// signIn handles the forms posted to /sign-in: the email and password, the
// two-factor code, and the set-up of an operator without two-factor.
func signIn(d Deps) fiber.Handler { return d.signInLayer().SignIn() }

// signOut ends the session (the operator audit log does not record it).
func signOut(d Deps) fiber.Handler { return d.signInLayer().SignOut(false) }

// audit writes the operator audit log; a failure is logged, not shown: the
// action itself has happened.
func audit(c *fiber.Ctx, d Deps, by models.User, action string, t *models.Tenant, subject, why string) {
	ctx := c.UserContext()
	if err := d.DB.OperatorAudit(ctx, by, action, t, subject, why); err != nil {
		d.Logger.ErrorContext(ctx, "write operator audit", "user_id", by.ID, "action", action, "error", err)
	}
}

// baseView is the view every signed-in console page starts from, with the
// console's part of it (v.Console) at hand to fill in.
func baseView(c *fiber.Ctx, title, section string) (themes.Admin, *consoleView) {
	cv := &consoleView{}
	v := themes.Admin{Title: title, Section: section, Console: cv}
	if o := signin.FromCtx(c); o != nil {
		v.User, v.CSRF = o.User.Email, o.Session.CSRF
		cv.GroupEditor = !o.User.IsOperator
	}
	return v, cv
}

// consoleView is what the operators' console pages ("console-*") show. The
// console shares the admin panel's templates, partials and assets, with its
// own layout ("consoleBase") and navigation.
type consoleView struct {
	// Form is the page's one form ("console-form"), as typed.
	Form *consoleForm

	Query   string      // "console-tenants": the search as typed
	Tenants []tenantRow // "console-tenants"
	// States are the tenant list's filter by state (launch.go), with
	// how many tenants are in each; State is the one chosen, "" for all.
	States []stateOption
	State  string
	Tenant *tenantView // "console-tenant"

	Audit        []auditRow // "console-audit"
	AuditTenant  string     // the slug filtered on, "" for all
	TenantSlugs  []string   // the filter's choices
	Stats        []statRow  // "console-platform", busiest first
	Announcement []announcementRow
	Tokens       []tokenRow // "console-tokens"
	NewToken     string     // "console-token-created": shown once

	// Traffic is "console-platform"'s page views and 404s per tenant,
	// from the figures every replica adds to (platform.go).
	Traffic *trafficView

	// Shared content (shared.go). GroupEditor: the signed-in user is a
	// group editor of GroupLabel, whose navigation is shared content only.
	GroupEditor  bool
	GroupLabel   string
	Shared       []sharedRow      // "console-shared"
	SharedItem   *sharedItemView  // "console-shared-item"
	GroupEditors []groupEditorRow // "console-group-editors"
	InviteLink   string           // "console-invite-created": shown once
	InviteEmail  string
	// InviteRenewed: the link replaces an earlier one, which no longer works.
	InviteRenewed bool
}
