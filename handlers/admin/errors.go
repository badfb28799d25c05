package admin

import (
	"errors"
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
