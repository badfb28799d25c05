package site

import (
	"bytes"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/feeds"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
)

// sitemap lists every public URL of the tenant's site.
func sitemap(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		now := d.Now()
		base := r.site.BaseURL
		var urls []feeds.URL
		add := func(path string, mod time.Time) { urls = append(urls, feeds.URL{Loc: base + path, LastMod: mod}) }
		for _, p := range []string{"/", "/practices", "/services", "/team", "/enhanced-access", "/news", "/events", "/vacancies", "/contact", "/accessibility", "/privacy", "/cookies"} {
			add(p, time.Time{})
		}
		seen := map[string]bool{"/": true, "/contact": true, "/accessibility": true, "/privacy": true, "/cookies": true}
		// NHS England's template pages: generated, or the manager's own
		// page at the path (listed once either way).
		for _, g := range GuidePages {
			add(g.Path, time.Time{})
			seen[g.Path] = true
		}
		for _, p := range r.pages {
			if !seen[p.Path] {
				add(p.Path, p.UpdatedAt)
				seen[p.Path] = true
			}
		}
		// Pages shared with the tenant that it still shows.
		shared, err := r.store.SharedItems()
		if err != nil {
			return err
		}
		for _, s := range shared {
			if s.Kind == models.SharedPage && s.State == models.SharedInherits && !seen[s.Path] {
				add(s.Path, s.UpdatedAt)
			}
		}
		practices, err := r.store.Practices()
		if err != nil {
			return err
		}
		for _, p := range practices {
			add("/practices/"+p.ODSCode, p.UpdatedAt)
		}
		services, err := r.store.Services()
		if err != nil {
			return err
		}
		for _, s := range services {
			add("/services/"+s.Slug, s.UpdatedAt)
		}
		posts, err := r.store.PublishedPosts(now, 0)
		if err != nil {
			return err
		}
		for _, p := range posts {
			add("/news/"+p.Slug, p.UpdatedAt)
		}
		events, err := r.store.Events(now)
		if err != nil {
			return err
		}
		for _, e := range events {
			add("/events/"+e.Slug, e.UpdatedAt)
		}
		// The open vacancies are the frame's (its clock change, the first
		// closing, is the page's expiry: load).
		for _, v := range r.vacancies {
			add("/vacancies/"+v.Slug, v.UpdatedAt)
		}
		var buf bytes.Buffer
		if err := feeds.WriteSitemap(&buf, urls); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
		return c.Send(buf.Bytes())
	}
}

// robots allows everything public and points at the sitemap.
func robots(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
		return c.SendString(feeds.Robots(r.site.BaseURL+"/sitemap.xml", tenants.AdminPath, "/search"))
	}
}
