package admin

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
)

// Cookie names. Both are host-only (no Domain), limited to /admin, HttpOnly,
// SameSite=Lax, and Secure when the deployment is HTTPS.
const (
	sessionCookie = "pcnweb_session"
	csrfCookie    = "pcnweb_csrf" // the sign-in form's double-submit token
	csrfField     = "_csrf"
	cookiePath    = "/admin"
)

// Account is the signed-in user of a request: a member of the host's tenant.
type Account struct {
	Session auth.Session
	User    models.User
	Role    models.Role
	// Operator: a platform operator who entered from the console (with a
	// manager's rights, on a suspended tenant too); not a member.
	Operator bool
	token    string
}

// Actor is the account as the audit log names it.
func (a *Account) Actor() models.Actor {
	return models.Actor{UserID: a.User.ID, Name: a.User.Email}
}

type accountKey struct{}

// AccountFromCtx returns the request's signed-in account, or nil.
func AccountFromCtx(c *fiber.Ctx) *Account {
	a, _ := c.Locals(accountKey{}).(*Account)
	return a
}

// loadSession finds the request's session. A session made on another
// tenant's host, or of a user who is no longer a member of this tenant,
// counts as no session.
func loadSession(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		token := c.Cookies(sessionCookie)
		if token == "" {
			return c.Next()
		}
		ctx := c.UserContext()
		s, err := d.Sessions.Lookup(ctx, token)
		switch {
		case errors.Is(err, auth.ErrNoSession):
			return c.Next()
		case err != nil:
			return err
		}
		t := tenants.FromCtx(c)
		if s.TenantID != t.ID {
			return c.Next()
		}
		u, err := d.DB.UserByID(ctx, s.UserID)
		switch {
		case errors.Is(err, models.ErrNotFound):
			return c.Next()
		case err != nil:
			return err
		}
		a := &Account{Session: s, User: u, token: token}
		m, err := t.Store(ctx, d.DB).Membership(s.UserID)
		switch {
		case err == nil:
			a.Role = m.Role
		case errors.Is(err, models.ErrNotFound) && u.IsOperator:
			// Entered from the console (operatorEntry): sessions of
			// operators on a tenant host are made nowhere else.
			a.Role, a.Operator = models.RoleManager, true
		case errors.Is(err, models.ErrNotFound):
			return c.Next()
		default:
			return err
		}
		c.Locals(accountKey{}, a)
		return c.Next()
	}
}

// requireUser sends a visitor who is not signed in to the sign-in page.
func requireUser(c *fiber.Ctx) error {
	if AccountFromCtx(c) == nil {
		return redirect.To(c, "/admin/sign-in", fiber.StatusSeeOther)
	}
	return c.Next()
}

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
	rest := strings.TrimPrefix(strings.TrimPrefix(path, "/admin"), "/")
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// checkCSRF refuses every POST without the right token: the session's
// synchronizer token once signed in, the signed double-submit token on the
// sign-in form and the invitation page (/admin/invitation/…). A POST
// without a session (other than those) goes to the sign-in page: there is
// nothing it could do.
func checkCSRF(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodPost {
			return c.Next()
		}
		form := c.FormValue(csrfField)
		if c.Path() == "/admin/sign-in" || strings.HasPrefix(c.Path(), "/admin/invitation/") {
			if !auth.CheckFormToken(d.CSRFKey, c.Cookies(csrfCookie), form) {
				return web.ErrCSRF
			}
			return c.Next()
		}
		a := AccountFromCtx(c)
		if a == nil {
			return redirect.To(c, "/admin/sign-in", fiber.StatusSeeOther)
		}
		if !auth.CheckSessionToken(a.Session, form) {
			return web.ErrCSRF
		}
		return c.Next()
	}
}

func setCookie(c *fiber.Ctx, d Deps, name, value string, expire bool) {
	ck := &fiber.Cookie{Name: name, Value: value, Path: cookiePath, HTTPOnly: true, Secure: d.Web.Secure, SameSite: fiber.CookieSameSiteLaxMode}
	if expire {
		ck.Value, ck.MaxAge, ck.Expires = "", -1, time.Unix(0, 0)
	}
	c.Cookie(ck)
}
