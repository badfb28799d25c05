package admin

import (
	"bytes"
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

// errCSRF refuses a POST whose token is missing or wrong.
var errCSRF = fiber.NewError(fiber.StatusForbidden, "csrf")

// errorHandler maps every error of the admin app to a page, in one place.
// Internal error text never reaches the client.
func errorHandler(d Deps) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		status := fiber.StatusInternalServerError
		var fe *fiber.Error
		switch {
		case errors.Is(err, errCSRF):
			status = fiber.StatusForbidden
		case errors.Is(err, models.ErrNotFound):
			status = fiber.StatusNotFound
		case errors.Is(err, auth.ErrUnavailable):
			status = fiber.StatusServiceUnavailable
		case errors.As(err, &fe):
			status = fe.Code
		}
		view := themes.Admin{Status: status}
		if t := tenants.FromCtx(c); t != nil {
			view.Site = t.Name
		}
		switch {
		case errors.Is(err, auth.ErrUnavailable):
			d.Logger.WarnContext(c.UserContext(), "sign-in store unavailable", "request_id", web.RequestID(c), "path", c.Path(), "error", err)
			c.Set(fiber.HeaderRetryAfter, "60")
			view.Title = "Signing in is not available at the moment"
			view.Message = "Try again in a few minutes. If you were sending a form, it has not been saved: go back and send it again then."
		case errors.Is(err, errCSRF):
			view.Title = "This form has expired"
			view.Message = "For your security, the form you sent could not be accepted. Go back, reload the page and try again."
		case errors.Is(err, errManagersOnly):
			view.Title = "You cannot open this page"
			view.Message = errManagersOnly.Message
		case status == fiber.StatusNotFound:
			view.Title = "Page not found"
			view.Message = "If you typed the web address, check it is correct. If you pasted it, check you copied the entire address."
		case status == fiber.StatusGone && fe != nil:
			view.Title = "This link no longer works"
			view.Message = fe.Message
		case status == fiber.StatusServiceUnavailable:
			view.Title = "This website is suspended"
			view.Message = "The website admin is closed while the website is suspended. Contact the platform team."
		case status < 500:
			view.Title = "Sorry, there is a problem"
			view.Message = "The request could not be understood. Go back and try again."
		default:
			d.Logger.ErrorContext(c.UserContext(), "admin request failed", "request_id", web.RequestID(c), "tenant_id", tenantID(c), "path", c.Path(), "error", err)
			view.Title = "Sorry, there is a problem with the service"
			view.Message = "Try again later. Your changes may not have been saved."
		}
		return render(c, d, status, "error", view)
	}
}

// render writes an admin page with status.
func render(c *fiber.Ctx, d Deps, status int, name string, view themes.Admin) error {
	var buf bytes.Buffer
	if err := d.Themes.RenderAdmin(&buf, name, view); err != nil {
		d.Logger.ErrorContext(c.UserContext(), "render admin page", "page", name, "error", err)
		return c.Status(fiber.StatusInternalServerError).SendString("Internal Server Error")
	}
	c.Type("html", "utf-8")
	return c.Status(status).Send(buf.Bytes())
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
