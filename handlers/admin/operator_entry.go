package admin

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
)

// auditOperatorEntry is the tenant's audit row of an operator entering.
const auditOperatorEntry = "operator.enter"

// operatorEntry spends a one-time link made by the operators' console (the
// operator signed in there with two-factor authentication) and signs the
// operator in to this tenant's panel, suspended or not, with a manager's
// rights. A link of another tenant, or an unknown one, is a 404; a used or
// expired one says so.
func operatorEntry(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		t := tenants.FromCtx(c)
		c.Set("Referrer-Policy", "no-referrer") // the token is in the URL
		u, err := d.DB.UseOperatorEntryForTenantID(ctx, auth.HashToken(strings.Clone(c.Params("token"))), t.ID, d.now())
		switch {
		case errors.Is(err, models.ErrEntryUsed):
			return fiber.NewError(fiber.StatusGone, "This link has been used or has expired. Open the tenant again from the console.")
		case err != nil:
			return err
		}
		l := d.signInLayer()
		if old := l.SessionToken(c); old != "" {
			_ = d.Sessions.Delete(ctx, old)
		}
		token, _, err := d.Sessions.Create(ctx, u.ID, t.ID)
		if err != nil {
			return err
		}
		l.SetSession(c, token)
		audit(c, d, u, auditOperatorEntry, "entered from the operators' console")
		return redirect.To(c, tenants.AdminPath, fiber.StatusSeeOther)
	}
}
