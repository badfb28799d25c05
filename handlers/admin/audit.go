package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
)

// audit writes an account event (signing in and out, two-factor, a
// password reset, an invitation sent or accepted, an operator's entry) to
// the tenant's audit log after it has happened; a failure is logged, not
// shown. Content changes are audited by models, in their own transaction. It binds its own store: the session
// middleware audits before bindStore has run.
func audit(c *fiber.Ctx, d Deps, u models.User, action, subject string) {
	ctx := c.UserContext()
	if err := tenants.FromCtx(c).Store(ctx, d.DB).Audit(u.ID, u.Email, action, subject); err != nil {
		d.Logger.ErrorContext(ctx, "write audit log", "tenant_id", tenantID(c), "user_id", u.ID, "action", action, "error", err)
	}
}
