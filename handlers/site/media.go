package site

import (
	"errors"
	"mime"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/media"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
)

// serveMedia serves a file of the tenant's media library,
// /media/<id>/<file>: "640.jpg" for an image at one width, "file.pdf" for
// a PDF. A file never changes under its address (a new upload is a new id),
// so browsers and proxies may keep it for a year. Another tenant's id, or a
// file the item does not have, is a 404. It is registered before the page
// cache: files are streamed from the Storage, not kept in the cache.
func serveMedia(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if d.Media == nil {
			return fiber.ErrNotFound
		}
		id, err := strconv.ParseInt(c.Params("id"), 10, 64)
		if err != nil || id <= 0 {
			return fiber.ErrNotFound
		}
		t := tenants.FromCtx(c)
		m, err := t.Store(c.UserContext(), d.DB).MediaByID(id)
		if err != nil {
			return err
		}
		file := c.Params("file")
		if !slices.Contains(m.Files(), file) {
			return fiber.ErrNotFound
		}
		r, size, err := d.Media.Open(c.UserContext(), models.MediaKey(t.ID, m.ID, file))
		if errors.Is(err, media.ErrNotFound) {
			return fiber.ErrNotFound
		}
		if err != nil {
			return err
		}
		h := &c.Response().Header
		h.SetContentType(m.ContentType)
		h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		h.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		if m.Kind == models.MediaPDF {
			h.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("inline", map[string]string{"filename": m.Filename}))
		}
		return c.SendStream(r, int(size))
	}
}
