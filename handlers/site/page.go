package site

import (
	"bytes"
	"errors"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// legalPaths are linked from every page's footer once published.
var legalPaths = []string{"/accessibility", "/privacy", "/cookies"}

// showHome renders the home page: the page at "/" if the tenant wrote one,
// and a list of the site's pages.
func showHome(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t := tenants.FromCtx(c)
		store := t.Store(c.UserContext(), d.DB)
		site, pages, err := siteFor(c, d, t, store)
		if err != nil {
			return err
		}
		view := themes.Page{Site: site, Path: "/", CanonicalURL: site.BaseURL + "/"}
		home, err := store.PublishedPage("/")
		switch {
		case err == nil:
			view.Title, view.Body, view.Updated = home.Revision.Title, template.HTML(home.Revision.BodyHTML), home.Revision.CreatedAt //nolint:gosec // sanitised when written
		case !errors.Is(err, models.ErrNotFound):
			return err
		}
		for _, p := range pages {
			if p.Path != "/" {
				view.Children = append(view.Children, themes.NavLink{Title: p.Title, URL: p.Path})
			}
		}
		return render(c, d, t, "home", view)
	}
}

// showPage renders a tenant's content page at the request path.
func showPage(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		path := strings.TrimSuffix(c.Path(), "/")
		if path != c.Path() {
			return c.Redirect(path, fiber.StatusMovedPermanently)
		}
		if models.ValidatePagePath(path) != nil {
			return models.ErrNotFound
		}
		t := tenants.FromCtx(c)
		store := t.Store(c.UserContext(), d.DB)
		page, err := store.PublishedPage(path)
		if err != nil {
			return err
		}
		site, _, err := siteFor(c, d, t, store)
		if err != nil {
			return err
		}
		return render(c, d, t, "page", themes.Page{
			Site: site, Title: page.Revision.Title, Path: path, CanonicalURL: site.BaseURL + path,
			Body:    template.HTML(page.Revision.BodyHTML), //nolint:gosec // sanitised when written
			Updated: page.Revision.CreatedAt,
		})
	}
}

// siteFor builds the branding and navigation every page of a tenant shows.
func siteFor(c *fiber.Ctx, d Deps, t *tenants.Tenant, store *models.TenantDB) (themes.Site, []models.Page, error) {
	site := themes.Site{Name: t.Name, BaseURL: baseURL(d, t)}
	pages, err := store.PublishedPages()
	if err != nil {
		return site, nil, err
	}
	current := c.Path()
	titles := make(map[string]string, len(pages))
	for _, p := range pages {
		titles[p.Path] = p.Title
		if p.InNav {
			site.Nav = append(site.Nav, themes.NavLink{Title: p.Title, URL: p.Path, Current: p.Path == current})
		}
	}
	for _, p := range legalPaths {
		if title, ok := titles[p]; ok {
			site.Footer = append(site.Footer, themes.NavLink{Title: title, URL: p, Current: p == current})
		}
	}
	return site, pages, nil
}

// baseURL is the tenant's canonical origin: its primary domain, else its
// platform host. It depends only on the tenant and the configuration, so a
// cached page is right for every host the tenant answers on.
func baseURL(d Deps, t *tenants.Tenant) string {
	host := t.PrimaryHost
	if host == "" {
		host = tenants.PlatformHost(t.Slug, d.Resolver.BaseDomain())
	}
	if d.Port != "" {
		host += ":" + d.Port
	}
	return d.Scheme + "://" + host
}

// render executes a theme page into the response.
func render(c *fiber.Ctx, d Deps, t *tenants.Tenant, name string, view themes.Page) error {
	var buf bytes.Buffer
	if err := d.Themes.Render(&buf, t.Theme, name, view); err != nil {
		return err
	}
	c.Type("html", "utf-8")
	return c.Send(buf.Bytes())
}
