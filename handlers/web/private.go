package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/pagecache"
)

// Private marks every response of a signed-in area (the admin panel, the
// console) as never stored, by the page cache or anyone else, and never
// indexed.
func Private(c *fiber.Ctx) error {
	pagecache.NoStore(c)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Robots-Tag", "noindex, nofollow")
	return c.Next()
}

// HandleErrors renders a sub-app's errors with its own handler: mounted
// under (or called from) the public app, the public app's middleware would
// otherwise render them.
func HandleErrors(h fiber.ErrorHandler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := c.Next(); err != nil {
			return h(c, err)
		}
		return nil
	}
}
