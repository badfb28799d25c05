// Package console serves the operators' console on its own host
// (PCNWEB_CONSOLE_HOST): operator sign-in with required two-factor
// authentication, tenants and their domains and people, the platform view
// with the announcement banner, API tokens and the operator audit log. It
// is its own Fiber app, handed every request for the console host (other
// than /api/) by the front door (handlers.New), before tenant resolution
// and the page cache. routes.go lists all of its routes.
package console

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/handlers/signin"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/metrics"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// Deps are what the console needs: the services of signing in
// (signin.Deps: the database, themes, sessions, throttle, CSRF key, logger,
// web config, mailer of invitations to tenants' first managers, and the
// clock of codes, tokens and announcements), and the console's own.
type Deps struct {
	signin.Deps
	// Metrics are this replica's counters (Tenants()); nil shows none.
	Metrics *metrics.Metrics
	// Verifier checks custom domains' tokens; nil uses HTTPVerifier.
	Verifier Verifier
	// ODSDir holds ePCN.xlsx and epraccur.csv for creating a tenant from
	// its PCN code (PCNWEB_ODS_DIR); "" turns that off.
	ODSDir string
	// TenantURL is a tenant's public site, scheme://host[:port].
	TenantURL func(models.Tenant) string
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
		if errors.Is(err, errSharedOnly) {
			p.Title, p.Message = "You cannot use this page", "Your account can write and share content with the PCNs of your group only. Go to Shared content."
		}
		return render(c, d, p.Status, "console-error", themes.Admin{Status: p.Status, Title: p.Title, Message: p.Message})
	}
}

// render writes a console page with status: view is a themes.Admin with
// its Console set (baseView).
func render(c *fiber.Ctx, d Deps, status int, name string, view any) error {
	return web.RenderAdmin(c, d.Themes, d.Logger, status, name, view)
}
