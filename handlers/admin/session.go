package admin

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/handlers/signin"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// Account is the signed-in user of a request: a member of the host's
// tenant, or a platform operator who entered from the console (Operator,
// with a manager's rights, on a suspended tenant too).
type Account = signin.Account

// AccountFromCtx returns the request's signed-in account, or nil.
func AccountFromCtx(c *fiber.Ctx) *Account { return signin.FromCtx(c) }

// signInLayer is the panel's sign-in (package signin): the members of the
// host's tenant sign in, two-factor when they have turned it on. Cookies
// are host-only, limited to the panel (tenants.AdminPath), HttpOnly,
// SameSite=Lax, and Secure when the deployment is HTTPS. The sign-in form
// also takes the password reset's steps.
func (d Deps) signInLayer() *signin.Layer {
	return signin.New(d.Deps, signin.Policy{
		Cookies:    signin.Cookies{Session: "pcnweb_session", Form: "pcnweb_csrf", Pending: "pcnweb_2fa", Device: "pcnweb_device", Path: tenants.AdminPath},
		Pages:      signin.Pages{SignIn: "sign-in", Code: "two-factor-sign-in"},
		SignInPath: signInPath,
		Home:       tenants.AdminPath,
		Notices: []signin.Notice{{Query: "signed-out", Text: "You have signed out."},
			{Query: "reset", Text: "Your password has been changed. Sign in with your new password."}},
		// The invitation page's form uses the sign-in form's token.
		OpenForm: func(path string) bool { return strings.HasPrefix(path, tenants.AdminPath+"/invitation/") },
		Steps: map[string]fiber.Handler{
			stepResetRequest:  func(c *fiber.Ctx) error { return requestPasswordReset(c, d) },
			stepResetPassword: func(c *fiber.Ctx) error { return resetPassword(c, d) },
		},
		Scope:          tenantID,
		MaySignIn:      func(c *fiber.Ctx, u models.User) (bool, error) { return isMember(c, d, u) },
		Admit:          func(c *fiber.Ctx, a *Account) (bool, error) { return admit(c, d, a) },
		PendingTimeout: PendingTimeout,
		PendingLabel:   "sign-in-2fa",
		View:           func(c *fiber.Ctx) themes.Admin { return themes.Admin{Site: tenants.FromCtx(c).Name} },
		Record:         func(c *fiber.Ctx, u models.User, e signin.Event) { audit(c, d, u, signInAudit[e], "") },
	})
}

// signInAudit is the tenant audit log's action of each sign-in event.
var signInAudit = map[signin.Event]string{
	signin.SignedIn:            models.AuditSignIn,
	signin.SignedOut:           models.AuditSignOut,
	signin.SignedOutEverywhere: models.AuditSignOutAll,
	signin.TwoFactorOn:         models.AuditTwoFactorEnable,
}

// isMember reports whether u is a member of the host's tenant: a user of
// another tenant signs in nowhere here.
func isMember(c *fiber.Ctx, d Deps, u models.User) (bool, error) {
	_, err := tenants.FromCtx(c).Store(c.UserContext(), d.DB).Membership(u.ID)
	if errors.Is(err, models.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// admit lets in a session of a member of the host's tenant, with their
// role, or of an operator who entered from the console (operatorEntry:
// sessions of operators on a tenant host are made nowhere else).
func admit(c *fiber.Ctx, d Deps, a *Account) (bool, error) {
	t := tenants.FromCtx(c)
	if t == nil {
		return false, nil
	}
	m, err := t.Store(c.UserContext(), d.DB).Membership(a.User.ID)
	switch {
	case err == nil:
		a.Role = m.Role
	case errors.Is(err, models.ErrNotFound) && a.User.IsOperator:
		a.Role, a.Operator = models.RoleManager, true
	case errors.Is(err, models.ErrNotFound):
		return false, nil
	default:
		return false, err
	}
	return true, nil
}

// loadSession finds the request's session. A session made on another
// tenant's host, or of a user who is no longer a member of this tenant,
// counts as no session.
func loadSession(d Deps) fiber.Handler { return d.signInLayer().LoadSession() }

// checkCSRF refuses every POST without the right token: the session's
// synchronizer token once signed in, the signed double-submit token on the
// sign-in form and the invitation page (/admin/invitation/…).
func checkCSRF(d Deps) fiber.Handler { return d.signInLayer().CheckCSRF() }

// requireUser sends a visitor who is not signed in to the sign-in page.
var requireUser = signin.Required(signInPath)

// signInPath is the panel's sign-in page.
const signInPath = tenants.AdminPath + "/sign-in"

// requireManager lets only the tenant's managers through: users, settings
// and the audit log are theirs. An editor gets a 403 page that says so.
func requireManager(c *fiber.Ctx) error {
	if a := AccountFromCtx(c); a == nil || a.Role != models.RoleManager {
		return errManagersOnly
	}
	return c.Next()
}

// errManagersOnly is the 403 of a manager-only page shown to an editor.
var errManagersOnly = fiber.NewError(fiber.StatusForbidden, "Only the website's managers can do this. Ask a manager of your website.")

// sectionOf names the part of the panel a path belongs to, for the admin
// navigation's current item: "/admin/practices/3/edit" is "practices".
func sectionOf(path string) string {
	rest := strings.TrimPrefix(strings.TrimPrefix(path, tenants.AdminPath), "/")
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	return rest
}
