package admin

import (
	"html"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/handlers/site"
	"github.com/pcnweb/pcnweb/internal/richtext"
	"github.com/pcnweb/pcnweb/tenants"
)

// previewPage shows the latest revision of a page (or ?revision=ID) as
// patients will see it once published, with the public theme. It is served
// under /admin, so the page cache never stores it, and web.Private marks
// it no-store and noindex.
func previewPage(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		path, err := pagePath(c.Query("path"))
		if err != nil {
			return err
		}
		store := tenantStore(c)
		draft, err := store.PageForEdit(path)
		if err != nil {
			return err
		}
		rev := draft.Revision
		id, err := queryID(c, "revision")
		if err != nil {
			return err
		}
		if id != 0 {
			if rev, err = store.RevisionByID(path, id); err != nil {
				return err
			}
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		c.Set("X-Robots-Tag", "noindex, nofollow")
		return site.Preview(c, d.DB, d.Themes, siteURL(c, d, tenants.FromCtx(c)), draft.Page, rev)
	}
}

// previewNews shows a news item, draft or scheduled, as patients will see
// it once published; like previewPage, never cached and never indexed.
func previewNews(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		t := tenants.FromCtx(c)
		p, err := tenantStore(c).PostByID(id)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		c.Set("X-Robots-Tag", "noindex, nofollow")
		return site.PreviewPost(c, d.DB, d.Themes, siteURL(c, d, t), p)
	}
}

// previewMarkdown is the editor's live preview: the Markdown of the form's
// "body" field rendered and sanitised by the renderer used on publish.
func previewMarkdown(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		body := strings.ReplaceAll(c.FormValue("body"), "\r\n", "\n")
		out, err := richtext.Markdown(body)
		c.Type("html", "utf-8")
		if err != nil {
			msg := "The preview could not be made. Your text is still in the box above."
			if len(body) > richtext.MaxSource {
				msg = "The text is too long to preview or save: shorten it or split it into more than one page."
			}
			return c.Status(fiber.StatusUnprocessableEntity).SendString(`<p class="nhsuk-error-message">` + html.EscapeString(msg) + `</p>`)
		}
		return c.SendString(string(out))
	}
}
