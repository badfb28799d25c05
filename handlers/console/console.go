// Package console serves the operators' console on its own host
// (PCNWEB_CONSOLE_HOST): operator sign-in with required two-factor
// authentication, tenants and their domains and people, the platform view
// with the announcement banner, API tokens and the operator audit log. It
// is its own Fiber app, handed every request for the console host (other
// than /api/) by the front door (handlers.New), before tenant resolution
// and the page cache. routes.go lists all of its routes.
package console

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/metrics"
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

// errorHandler maps every error of the console to a page (web.Describe).
func errorHandler(d Deps) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		p := web.Describe(c, d.Logger, "console", err)
		return render(c, d, p.Status, "console-error", themes.Admin{Status: p.Status, Title: p.Title, Message: p.Message})
	}
}

// render writes a console page with status.
func render(c *fiber.Ctx, d Deps, status int, name string, view themes.Admin) error {
	return web.RenderAdmin(c, d.Themes, d.Logger, status, name, view)
}
