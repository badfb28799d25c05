package web

import (
	"bytes"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/themes"
)

// RenderAdmin writes a page of the admin template set (the admin panel's
// and the console's) with status; view is themes.Admin or a page's view
// that embeds it. A template that fails is logged and
// answered with a bare 500: the error page is a template too.
func RenderAdmin(c *fiber.Ctx, r *themes.Registry, log *slog.Logger, status int, name string, view any) error {
	var buf bytes.Buffer
	if err := r.RenderAdmin(&buf, name, view); err != nil {
		log.ErrorContext(c.UserContext(), "render admin page", "page", name, "error", err)
		return c.Status(fiber.StatusInternalServerError).SendString("Internal Server Error")
	}
	c.Type("html", "utf-8")
	return c.Status(status).Send(buf.Bytes())
}
