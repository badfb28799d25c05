package console

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/handlers/signin"
	"github.com/pcnweb/pcnweb/models"
)

// renameForm changes a tenant's slug: its address under the platform
// domain. The old address keeps redirecting to the new one.
func renameForm(t models.Tenant) consoleForm {
	return consoleForm{Action: "/tenants/" + t.Slug + "/rename", Button: "Change slug", Back: "/tenants/" + t.Slug, BackText: "Back to " + t.Name,
		Intro: "The slug is the website's address under the platform domain. The old address keeps working: it redirects (301) to the new one, until another tenant is given the old slug.",
		Fields: []consoleField{
			{Name: "slug", Label: "New slug", Hint: "Lower-case letters, digits and hyphens", Value: t.Slug, Width: 20},
			whyField(),
		}}
}

func showRename(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		return formPage(c, d, fiber.StatusOK, "Change the slug of "+t.Name, "tenants", renameForm(t), nil)
	}
}

func renameTenant(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		f := renameForm(t)
		return submit(c, d, "Change the slug of "+t.Name, "tenants", &f, func(why string) (string, error) {
			slug := strings.ToLower(value(&f, "slug"))
			nt, err := d.DB.RenameTenant(c.UserContext(), t.Slug, slug)
			if errors.Is(err, models.ErrConflict) {
				return "", &models.ValidationError{Field: "slug", Message: "A tenant with this slug already exists. Choose another slug"}
			}
			if err != nil {
				return "", err
			}
			audit(c, d, signin.FromCtx(c).User, "tenant.rename", &nt, t.Slug+" → "+nt.Slug, why)
			return "/tenants/" + nt.Slug + "?done=rename", nil
		})
	}
}
