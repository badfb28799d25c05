package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

func showDashboard(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		pages, err := tenants.FromCtx(c).Store(ctx, d.DB).Pages()
		if err != nil {
			return err
		}
		view := baseView(c, d, "Website admin")
		for _, p := range pages {
			view.Pages = append(view.Pages, themes.AdminPage{Path: p.Path, Title: p.Title, Published: p.Published, Draft: p.Draft, Updated: p.UpdatedAt})
		}
		return render(c, d, fiber.StatusOK, "dashboard", view)
	}
}
