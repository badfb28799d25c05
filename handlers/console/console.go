// Package console serves the operators' console on its own host
// (PCNWEB_CONSOLE_HOST): operator sign-in with required two-factor
// authentication, tenants and their domains and people, the platform view
// with the announcement banner, API tokens and the operator audit log. It
// is its own Fiber app, handed every request for the console host (other
// than /api/) by the public app, before tenant resolution and the page
// cache.
package console

import (
	"bytes"
	"errors"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/metrics"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// Deps are what the console needs.
type Deps struct {
	DB       *models.DB
	Themes   *themes.Registry
	Sessions *auth.Sessions
	Throttle *auth.Throttle
	// CSRFKey signs the sign-in form's double-submit token and the pending
	// two-factor step; every replica must have the same one.
	CSRFKey []byte
	Logger  *slog.Logger
	Web     web.Config // Web.Secure sets the Secure flag on cookies
	// Mailer sends invitations to tenants' first managers.
	Mailer auth.Mailer
	// Metrics are this replica's counters (Tenants()); nil shows none.
	Metrics *metrics.Metrics
	// Verifier checks custom domains' tokens; nil uses HTTPVerifier.
	Verifier Verifier
	// ODSDir holds ePCN.xlsx and epraccur.csv for creating a tenant from
	// its PCN code (PCNWEB_ODS_DIR); "" turns that off.
	ODSDir string
	// TenantURL is a tenant's public site, scheme://host[:port].
	TenantURL func(models.Tenant) string
	// Now is the clock of codes, tokens and announcements; nil is time.Now.
	Now func() time.Time
}

func (d Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// Cookie names: host-only on the console host, path /.
const (
	sessionCookie = "pcnweb_console"
	csrfCookie    = "pcnweb_console_csrf"
	pendingCookie = "pcnweb_console_2fa"
	csrfField     = "_csrf"
)

// New builds the console app. Middleware order: no caching and no indexing,
// errors rendered here, the operator's session, CSRF on every POST.
func New(d Deps) *fiber.App {
	if d.Verifier == nil {
		d.Verifier = HTTPVerifier{}
	}
	app := fiber.New(web.FiberConfig(d.Web, errorHandler(d)))
	app.Use(web.Private)
	app.Use(web.HandleErrors(errorHandler(d)))
	app.Use(loadSession(d))
	app.Use(checkCSRF(d))

	app.Get("/sign-in", showSignIn(d))
	app.Post("/sign-in", signIn(d))
	app.Post("/sign-out", requireOperator, signOut(d))
	app.Get("/", requireOperator, func(c *fiber.Ctx) error { return c.Redirect("/tenants", fiber.StatusSeeOther) })
	tenantRoutes(app, d)
	domainRoutes(app, d)
	platformRoutes(app, d)
	tokenRoutes(app, d)
	app.Get("/audit", requireOperator, showAudit(d))
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return app
}

// errCSRF refuses a POST whose token is missing or wrong.
var errCSRF = fiber.NewError(fiber.StatusForbidden, "csrf")

// errorHandler maps every error of the console to a page. Internal error
// text never reaches the client.
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
		switch {
		case errors.Is(err, auth.ErrUnavailable):
			d.Logger.WarnContext(c.UserContext(), "sign-in store unavailable", "request_id", web.RequestID(c), "path", c.Path(), "error", err)
			c.Set(fiber.HeaderRetryAfter, "60")
			view.Title = "Signing in is not available at the moment"
			view.Message = "Try again in a few minutes. If you were sending a form, it has not been saved: go back and send it again then."
		case errors.Is(err, errCSRF):
			view.Title = "This form has expired"
			view.Message = "For your security, the form you sent could not be accepted. Go back, reload the page and try again."
		case status == fiber.StatusNotFound:
			view.Title = "Page not found"
			view.Message = "If you typed the web address, check it is correct. If you pasted it, check you copied the entire address."
		case status < 500:
			view.Title = "Sorry, there is a problem"
			view.Message = "The request could not be understood. Go back and try again."
		default:
			d.Logger.ErrorContext(c.UserContext(), "console request failed", "request_id", web.RequestID(c), "path", c.Path(), "error", err)
			view.Title = "Sorry, there is a problem with the service"
			view.Message = "Try again later. Your changes may not have been saved."
		}
		return render(c, d, status, "console-error", view)
	}
}

// render writes a console page with status.
func render(c *fiber.Ctx, d Deps, status int, name string, view themes.Admin) error {
	var buf bytes.Buffer
	if err := d.Themes.RenderAdmin(&buf, name, view); err != nil {
		d.Logger.ErrorContext(c.UserContext(), "render console page", "page", name, "error", err)
		return c.Status(fiber.StatusInternalServerError).SendString("Internal Server Error")
	}
	c.Type("html", "utf-8")
	return c.Status(status).Send(buf.Bytes())
}

func setCookie(c *fiber.Ctx, d Deps, name, value string, expire bool) {
	ck := &fiber.Cookie{Name: name, Value: value, Path: "/", HTTPOnly: true, Secure: d.Web.Secure, SameSite: fiber.CookieSameSiteLaxMode}
	if expire {
		ck.Value, ck.MaxAge, ck.Expires = "", -1, time.Unix(0, 0)
	}
	c.Cookie(ck)
}
