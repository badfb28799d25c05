package site

import (
	"html/template"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// PreviewBanner is the heading of the notice on top of every preview.
const PreviewBanner = "Preview – this version is not published"

// Preview renders rev, a revision of page that may not be published, as
// patients will see the page once it is: the tenant's theme, layout,
// navigation and footer, as showPage renders a published page. On top is a
// notice saying it is a preview, and the page asks not to be indexed.
// siteURL is the tenant's public origin (scheme://host[:port]), for the
// canonical links.
//
// It is the admin panel's: the panel serves it under /admin, which the page
// cache never stores, and sets the no-store and noindex headers.
func Preview(c *fiber.Ctx, db *models.DB, reg *themes.Registry, siteURL string, page models.Page, rev models.PageRevision) error {
	u, err := url.Parse(siteURL)
	if err != nil {
		return err
	}
	// The frame's base URL comes from the tenant's primary host: give the
	// copy the admin's idea of the public host.
	t := *tenants.FromCtx(c)
	t.PrimaryHost = u.Host
	d := Deps{DB: db, Themes: reg, Scheme: u.Scheme}
	r := &request{t: &t, store: t.Store(c.UserContext(), db)}
	if r.settings, err = r.store.Settings(); err != nil {
		return err
	}
	if r.pages, err = r.store.PublishedPages(); err != nil {
		return err
	}
	items, err := r.store.NavItems()
	if err != nil {
		return err
	}
	r.site = siteFrame(d, &t, r.settings, r.pages, items, page.Path)
	r.site.Announcement = &themes.Notice{Title: PreviewBanner,
		Text: "Patients cannot see this version. Publish it from the page editor to put it on the website."}

	view := r.view(rev.Title, page.Path)
	view.NoIndex = true
	view.Body = template.HTML(rev.BodyHTML) //nolint:gosec // sanitised when written
	view.Updated = rev.CreatedAt
	view.OGType = "article"
	if page.ReviewDue != nil {
		view.ReviewDue = *page.ReviewDue
	}
	view.Breadcrumbs = crumbs(parentCrumbs(r, page.Path)...)
	return render(c, d, r.t, "page", view)
}
