package console

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/signin"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
)

// EntryTTL is how long a link into a tenant's admin panel works (once).
const EntryTTL = time.Minute

func enterForm(t models.Tenant) consoleForm {
	return consoleForm{Action: "/tenants/" + t.Slug + "/enter", Button: "Open the admin panel",
		Back: "/tenants/" + t.Slug, BackText: "Back to " + t.Name,
		Intro: "You will be signed in to " + t.Name + "'s admin panel as a platform operator, with a manager's rights, " +
			"even while the website is suspended. What you do there is in the tenant's own audit log under your name.",
		Fields: []consoleField{whyField()}}
}

func showEnter(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		return formPage(c, d, fiber.StatusOK, "Open "+t.Name+"'s admin panel", "tenants", enterForm(t), nil)
	}
}

// enter makes a one-time link into the tenant's panel and sends the
// operator there: the session cookie has to be set by the tenant's host.
func enter(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		f := enterForm(t)
		return submit(c, d, "Open "+t.Name+"'s admin panel", "tenants", &f, func(why string) (string, error) {
			op := signin.FromCtx(c).User
			token := auth.NewToken()
			if err := d.DB.CreateOperatorEntryForTenantID(c.UserContext(), auth.HashToken(token), op.ID, t.ID, d.now().Add(EntryTTL)); err != nil {
				return "", err
			}
			audit(c, d, op, "tenant.enter", &t, "opened the admin panel", why)
			// Another host, named by the configuration: answered here ("" to submit).
			return "", redirect.ToOrigin(c, d.TenantURL(t), tenants.AdminPath+"/operator-entry/"+token, fiber.StatusSeeOther)
		})
	}
}
