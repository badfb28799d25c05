package site

import (
	"errors"
	"mime"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/media"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
)

// ServeMedia serves a file of the tenant's media library,
// /media/<id>/<file>: "640.jpg" for an image at one width, "file.pdf" for
// a PDF. A file never changes under its address (a new upload is a new id),
// so browsers and proxies may keep it for a year. Another tenant's id, or a
// file the item does not have, is a 404. It is registered before the page
// cache: files are streamed from the Storage, not kept in the cache.
// Media is same-origin only (Cross-Origin-Resource-Policy): another site
// cannot embed a tenant's files.
func ServeMedia(d Deps) fiber.Handler {
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
		// An uploaded file is never a document that runs: a PDF is
		// downloaded (a PDF viewer in the browser would run its scripts on
		// the tenant's origin), and whatever a browser makes of a file it
		// opens directly is sandboxed, with no scripts and a unique origin.
		h.Set(fiber.HeaderContentSecurityPolicy, mediaCSP)
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if m.Kind == models.MediaPDF {
			h.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": attachmentName(m.Filename)}))
		}
		return c.SendStream(r, int(size))
	}
}

// mediaCSP is the Content-Security-Policy of media library files.
const mediaCSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"

// attachmentName is the file name a PDF is downloaded as: the uploaded
// name with ASCII letters, digits, spaces, dots, hyphens and underscores
// only (anything else becomes "_"), no leading dots, at most 100
// characters, ending in ".pdf"; "document.pdf" when nothing is left.
func attachmentName(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_', r == ' ':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 100 {
			break
		}
	}
	base := strings.TrimSpace(strings.TrimLeft(b.String(), ". "))
	if ext := strings.ToLower(filepath.Ext(base)); ext == ".pdf" {
		base = strings.TrimSpace(base[:len(base)-len(ext)])
	}
	base = strings.TrimRight(base, ". ")
	if strings.Trim(base, "_") == "" {
		base = "document"
	}
	return base + ".pdf"
}
