package site

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/analytics"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/pagecache"
	"github.com/pcnweb/pcnweb/tenants"
)

// noteNoResults is the page cache note (pagecache.SetNote) of a search
// that found nothing: the cache keeps it with the page, so the count is
// right on hits, when the search handler does not run.
const noteNoResults = "search-none"

// countVisit counts the request in the tenant's analytics (Deps.Analytics)
// once the rest of the chain, the page cache included, has answered: so
// hits are counted too. Only GET requests of a launched tenant's public
// site by a person (analytics.Counter.IsBot) count:
//   - a page view: a 200 HTML page (or a 304 revalidating one: a
//     return visit), by path, with the referring site's domain;
//   - on /search, the normalised search term, and whether it found nothing;
//   - a 404, by path.
//
// Feeds, the sitemap and robots.txt are not HTML; /static, /media and
// /admin are routed before the site and never come here. Nothing about the
// visitor is kept.
func countVisit(d Deps) fiber.Handler {
	a := d.Analytics
	if a == nil {
		return func(c *fiber.Ctx) error { return c.Next() }
	}
	return func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodGet {
			return c.Next()
		}
		err := c.Next()
		t := tenants.FromCtx(c)
		if t == nil || !t.Launched || a.IsBot(c.Request().Header.UserAgent()) {
			return err
		}
		status := c.Response().StatusCode()
		if err != nil {
			status = errorStatus(err)
		}
		switch status {
		case fiber.StatusOK, fiber.StatusNotModified:
			if !analytics.IsPageView(status, c.Response().Header.ContentType(), c.Path()) {
				return err
			}
			path := c.Path()
			// The Host header, not c.Hostname(), which copies it.
			h := &c.Request().Header
			a.View(t.ID, path, h.Referer(), h.Host(), t.Hosts)
			if path == "/search" {
				a.Search(t.ID, pagecache.Param(c, "q"), pagecache.Note(c) == noteNoResults)
			}
		case fiber.StatusNotFound:
			// The platform's own files are not the site's missing pages.
			if path := c.Path(); !tenants.IsAdmin(path) && !strings.HasPrefix(path, "/static/") && !strings.HasPrefix(path, "/media/") {
				a.NotFound(t.ID, path)
			}
		}
		return err
	}
}

// errorStatus is the status ErrorHandler gives a request that failed with
// err, as far as counting needs it.
func errorStatus(err error) int {
	var fe *fiber.Error
	switch {
	case errors.Is(err, models.ErrNotFound):
		return fiber.StatusNotFound
	case errors.As(err, &fe):
		return fe.Code
	}
	return fiber.StatusInternalServerError
}
