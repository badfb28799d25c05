package signin

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
)

// csrfField is the form field of every form's CSRF token.
const csrfField = "_csrf"

// LoadSession finds the request's session. A session of another Scope, of
// a user who no longer exists, or one the policy does not admit counts as
// no session.
func (l *Layer) LoadSession() fiber.Handler {
	return func(c *fiber.Ctx) error {
		token := l.SessionToken(c)
		if token == "" {
			return c.Next()
		}
		ctx := c.UserContext()
		s, err := l.d.Sessions.Lookup(ctx, token)
		switch {
		case errors.Is(err, auth.ErrNoSession):
			return c.Next()
		case err != nil:
			return err
		}
		if s.TenantID != l.p.Scope(c) {
			return c.Next()
		}
		u, err := l.d.DB.UserByID(ctx, s.UserID)
		switch {
		case errors.Is(err, models.ErrNotFound):
			return c.Next()
		case err != nil:
			return err
		}
		a := &Account{Session: s, User: u, token: token}
		ok, err := l.p.Admit(c, a)
		if err != nil {
			return err
		}
		if ok {
			c.Locals(accountKey{}, a)
		}
		return c.Next()
	}
}

// CheckCSRF refuses every POST without the right token: the session's
// synchronizer token once signed in, the signed double-submit token on the
// sign-in form (and the policy's OpenForm paths). A POST without a session
// (other than those) goes to the sign-in page: there is nothing it could do.
func (l *Layer) CheckCSRF() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodPost {
			return c.Next()
		}
		form := c.FormValue(csrfField)
		if p := c.Path(); p == l.p.SignInPath || (l.p.OpenForm != nil && l.p.OpenForm(p)) {
			if !auth.CheckFormToken(l.d.CSRFKey, c.Cookies(l.p.Cookies.Form), form) {
				return web.ErrCSRF
			}
			return c.Next()
		}
		a := FromCtx(c)
		if a == nil {
			return redirect.To(c, l.p.SignInPath, fiber.StatusSeeOther)
		}
		if !auth.CheckSessionToken(a.Session, form) {
			return web.ErrCSRF
		}
		return c.Next()
	}
}

// Start signs u in (see begin) and sends the browser Home.
func (l *Layer) Start(c *fiber.Ctx, u models.User) error {
	if err := l.begin(c, u); err != nil {
		return err
	}
	return redirect.To(c, l.p.Home, fiber.StatusSeeOther)
}

// begin signs u in: the throttle forgets the failures, whatever session the
// browser had ends (rotation) and a new one of this Scope starts.
func (l *Layer) begin(c *fiber.Ctx, u models.User) error {
	ctx := c.UserContext()
	l.ForgetFailures(c, u.Email)
	if old := l.SessionToken(c); old != "" {
		if err := l.d.Sessions.Delete(ctx, old); err != nil {
			return err
		}
	}
	token, _, err := l.d.Sessions.Create(ctx, u.ID, l.p.Scope(c))
	if err != nil {
		return err
	}
	l.SetSession(c, token)
	l.expireCookie(c, l.p.Cookies.Form)
	l.devices().Remember(c, u.Email, l.now())
	l.record(c, u, SignedIn)
	return nil
}

// SignOut ends the browser's session, or with everywhere every session of
// its user, and shows the sign-in page.
func (l *Layer) SignOut(everywhere bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := FromCtx(c)
		// The cookie goes whatever happens next: on a shared computer a
		// sign-out that met an outage must not leave the session usable.
		l.ExpireSession(c)
		e, err := SignedOut, error(nil)
		if everywhere {
			e, err = SignedOutEverywhere, l.d.Sessions.DeleteUser(c.UserContext(), a.User.ID)
		} else {
			err = l.d.Sessions.Delete(c.UserContext(), a.token)
		}
		if err != nil {
			return err
		}
		l.record(c, a.User, e)
		return redirect.To(c, l.p.SignInPath+"?signed-out=1", fiber.StatusSeeOther)
	}
}
