package admin

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// errorHandler maps every error of the admin app to a page, in one place:
// web.Describe's wording, and the cases only the panel has.
func errorHandler(d Deps) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		p := web.Describe(c, d.Logger, "admin", err)
		var fe *fiber.Error
		switch {
		case errors.Is(err, errManagersOnly):
			p.Title, p.Message = "You cannot open this page", errManagersOnly.Message
		case p.Status == fiber.StatusGone && errors.As(err, &fe):
			p.Title, p.Message = "This link no longer works", fe.Message
		case p.Status == fiber.StatusServiceUnavailable && !errors.Is(err, auth.ErrUnavailable) && !errors.Is(err, models.ErrUnavailable):
			p.Title = "This website is suspended"
			p.Message = "The website admin is closed while the website is suspended. Contact the platform team."
		}
		if signingOut(c) && (errors.Is(err, models.ErrUnavailable) || errors.Is(err, auth.ErrUnavailable)) {
			// A sign-out that met an outage (the session could not be
			// checked or deleted) still ends this browser's session: on a
			// shared computer the next person must not find it signed in
			// once the database is back. Only an outage, which no other
			// site can cause, so this is no sign-out-by-CSRF.
			d.signInLayer().ExpireSession(c)
		}
		view := themes.Admin{Status: p.Status, Title: p.Title, Message: p.Message}
		if t := tenants.FromCtx(c); t != nil {
			view.Site = t.Name
		}
		return render(c, d, p.Status, "error", view)
	}
}

// signingOut reports whether the request is a sign-out form's POST.
func signingOut(c *fiber.Ctx) bool {
	p := strings.TrimSuffix(c.Path(), "/")
	return c.Method() == fiber.MethodPost && (strings.HasSuffix(p, "/sign-out") || strings.HasSuffix(p, "/sign-out-everywhere"))
}

// render writes an admin page with status.
func render(c *fiber.Ctx, d Deps, status int, name string, view themes.Admin) error {
	return web.RenderAdmin(c, d.Themes, d.Logger, status, name, view)
}

func tenantID(c *fiber.Ctx) int64 {
	if t := tenants.FromCtx(c); t != nil {
		return t.ID
	}
	return 0
}

// activeTenant closes the panel of a suspended tenant to everyone but
// platform operators (who enter from the console). It runs after
// loadSession.
func activeTenant(c *fiber.Ctx) error {
	t := tenants.FromCtx(c)
	if t == nil {
		return fiber.ErrNotFound
	}
	if a := AccountFromCtx(c); a != nil && a.Operator {
		return c.Next()
	}
	if strings.HasPrefix(c.Path(), "/admin/operator-entry/") {
		return c.Next() // the entry link checks its operator itself
	}
	if t.Status != models.StatusActive {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(3600))
		return fiber.ErrServiceUnavailable
	}
	return c.Next()
}
