package site

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/hostname"
)

// consoleHost hands every request for the console host to the operators'
// apps: /api/... to the API, everything else to the console. The console
// host is never a tenant's, so this runs before tenant resolution and the
// page cache. Each app has its own middleware and error pages.
func consoleHost(d Deps) fiber.Handler {
	var consoleHandler, apiHandler fiber.Handler
	if d.Console != nil {
		h := d.Console.Handler()
		consoleHandler = func(c *fiber.Ctx) error { h(c.Context()); return nil }
	}
	if d.API != nil {
		h := d.API.Handler()
		apiHandler = func(c *fiber.Ctx) error { h(c.Context()); return nil }
	}
	return func(c *fiber.Ctx) error {
		host, err := hostname.Normalize(c.Hostname())
		if err != nil || host != d.ConsoleHost {
			return c.Next()
		}
		p := c.Path()
		switch {
		case (p == "/api" || strings.HasPrefix(p, "/api/")) && apiHandler != nil:
			return apiHandler(c)
		case consoleHandler != nil:
			return consoleHandler(c)
		}
		return fiber.ErrNotFound
	}
}
