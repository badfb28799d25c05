package site

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/themes"
)

// serveAsset serves theme assets from memory. Their URLs carry a content
// hash, so they may be cached for a year.
func serveAsset(reg *themes.Registry) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a, ok := reg.Asset(c.Path())
		if !ok {
			return fiber.ErrNotFound
		}
		h := &c.Response().Header
		h.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		h.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
		h.Set("Cross-Origin-Resource-Policy", "same-origin") // no other site embeds them
		gz := strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") && len(a.Gzip) < len(a.Body)
		gzTag := strings.TrimSuffix(a.ETag, `"`) + `-gz"`
		if gz {
			h.Set(fiber.HeaderETag, gzTag)
		} else {
			h.Set(fiber.HeaderETag, a.ETag)
		}
		if inm := c.Get(fiber.HeaderIfNoneMatch); inm == a.ETag || inm == gzTag {
			return c.SendStatus(fiber.StatusNotModified)
		}
		h.SetContentType(a.ContentType)
		if gz {
			h.Set(fiber.HeaderContentEncoding, "gzip")
			c.Response().SetBodyRaw(a.Gzip)
			return nil
		}
		c.Response().SetBodyRaw(a.Body)
		return nil
	}
}
