package site

import (
	"html/template"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// PreviewBanner is the heading of the notice on top of every preview.
const PreviewBanner = "Preview – this version is not published"

// Preview renders rev, a revision of page that may not be published, as
// patients will see the page once it is: the tenant's theme, layout,
// navigation and footer, as showPage renders a published page (showHome
// for "/", showContact for "/contact"). On top is a notice saying it is a
// preview, and the page asks not to be indexed.
// siteURL is the tenant's public origin (scheme://host[:port]), for the
// canonical links.
//
// It is the admin panel's: the panel serves it under /admin, which the page
// cache never stores, and sets the no-store and noindex headers.
func Preview(c *fiber.Ctx, db *models.DB, reg *themes.Registry, siteURL string, page models.Page, rev models.PageRevision) error {
	d, r, err := previewFrame(c, db, reg, siteURL, page.Path)
	if err != nil {
		return err
	}
	body := r.body(rev.BodyHTML)
	switch page.Path {
	case "/": // the manager's text on the home page, as showHome shows it
		return previewHome(c, d, r, body)
	case "/contact": // the text under the contact details, as showContact shows it
		view := r.view("Contact us", "/contact")
		view.NoIndex = true
		view.Description = "How to contact " + r.t.Name + "."
		view.Breadcrumbs = crumbs()
		view.Updated = rev.CreatedAt
		view.Contact = &themes.Contact{Phone: r.settings.Phone, PhoneHref: telHref(r.settings.Phone), Email: r.settings.Email,
			Address: lines(r.settings.Address), Body: body}
		return render(c, d, r.t, "contact", view)
	}
	// Every other path, the legal pages included, as renderCustomPage shows it.
	view := r.view(rev.Title, page.Path)
	view.NoIndex = true
	view.Body = body
	view.Updated = rev.CreatedAt
	view.OGType = "article"
	if page.ReviewDue != nil {
		view.ReviewDue = *page.ReviewDue
	}
	view.Breadcrumbs = crumbs(parentCrumbs(r, page.Path)...)
	return render(c, d, r.t, "page", view)
}

// PreviewPost renders a news item that may not be published (a draft, or a
// scheduled one) as patients will see it once it is, as showPost does, with
// the preview notice on top. Like Preview, it is the admin panel's.
func PreviewPost(c *fiber.Ctx, db *models.DB, reg *themes.Registry, siteURL string, p models.Post) error {
	pv := postView(p)
	d, r, err := previewFrame(c, db, reg, siteURL, pv.URL)
	if err != nil {
		return err
	}
	view := r.view(p.Title, pv.URL)
	view.NoIndex = true
	view.Description = p.Summary
	view.OGType = "article"
	view.Post = &pv
	view.Updated = p.UpdatedAt
	view.Breadcrumbs = crumbs(themes.NavLink{Title: "News", URL: "/news"})
	return render(c, d, r.t, "post", view)
}

// previewFrame is the frame of a preview of the page at path: the tenant's
// own, with the preview notice where the announcement goes.
func previewFrame(c *fiber.Ctx, db *models.DB, reg *themes.Registry, siteURL, path string) (Deps, *request, error) {
	u, err := url.Parse(siteURL)
	if err != nil {
		return Deps{}, nil, err
	}
	// The frame's base URL comes from the tenant's primary host: give the
	// copy the admin's idea of the public host.
	t := *tenants.FromCtx(c)
	t.PrimaryHost = u.Host
	d := Deps{DB: db, Themes: reg, Scheme: u.Scheme, Now: time.Now}
	r, err := frame(c.UserContext(), d, &t, path)
	if err != nil {
		return Deps{}, nil, err
	}
	r.site.Announcement = &themes.Notice{Title: PreviewBanner,
		Text: "Patients cannot see this version. Publish it from the editor to put it on the website."}
	return d, r, nil
}

// previewHome renders the home page with body as the manager's text, as
// showHome does (without telling the page cache anything: previews are
// never cached).
func previewHome(c *fiber.Ctx, d Deps, r *request, body template.HTML) error {
	now := time.Now()
	view := r.view("", "/")
	view.NoIndex = true
	view.Description = r.settings.Description
	tiles, err := r.homeTiles()
	if err != nil {
		return err
	}
	view.Home = &themes.Home{Tiles: tiles}
	view.Body = body
	practices, err := r.store.Practices()
	if err != nil {
		return err
	}
	for _, p := range practices {
		pv, _ := practiceView(p, now)
		view.Practices = append(view.Practices, pv)
	}
	posts, err := r.store.PublishedPosts(now, 3)
	if err != nil {
		return err
	}
	for _, p := range posts {
		view.Posts = append(view.Posts, postView(p))
	}
	for _, e := range r.upcoming[:min(3, len(r.upcoming))] {
		view.Upcoming = append(view.Upcoming, eventView(e))
	}
	view.FeedURL = "/news/feed.xml"
	return render(c, d, r.t, "home", view)
}
