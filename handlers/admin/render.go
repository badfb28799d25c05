package admin

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// render writes an admin page with status. view is themes.Admin or a
// page's view that embeds it (newsPage…).
func render(c *fiber.Ctx, d Deps, status int, name string, view any) error {
	return web.RenderAdmin(c, d.Themes, d.Logger, status, name, view)
}

// baseView is the view every signed-in page starts from.
func baseView(c *fiber.Ctx, d Deps, title string) themes.Admin {
	t := tenants.FromCtx(c)
	a := AccountFromCtx(c)
	v := themes.Admin{Title: title, Site: t.Name, SiteURL: siteURL(c, d, t)}
	if a != nil {
		v.User, v.CSRF = a.User.Email, a.Session.CSRF
		v.Manager = a.Role == models.RoleManager
		v.Operator = a.Operator
		v.Section = sectionOf(c.Path())
	}
	return v
}

// siteURL is the tenant's public site: its primary domain, else its
// platform host (as configured, not as the request spelt it).
func siteURL(c *fiber.Ctx, d Deps, t *tenants.Tenant) string {
	if t.PrimaryHost != "" {
		h := t.PrimaryHost
		if d.Port != "" {
			h += ":" + d.Port
		}
		return d.Scheme + "://" + h
	}
	if panel, err := panelURL(d, t); err == nil {
		return strings.TrimSuffix(panel, tenants.AdminPath)
	}
	return d.Scheme + "://" + strings.ToLower(c.Hostname())
}
