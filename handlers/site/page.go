package site

import (
	"bytes"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/pagecache"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// homeTiles are the tasks patients come for, in NHS England's tested words,
// each leading to a page that works for every tenant: the generated
// template pages fall back to each practice's phone number where a link
// is missing. Evening and weekend appointments and services get a tile
// only when the network has entered some, and say only what was entered.
func (r *request) homeTiles() ([]themes.Tile, error) {
	sessions, err := r.store.EASessions()
	if err != nil {
		return nil, err
	}
	services, err := r.store.Services()
	if err != nil {
		return nil, err
	}
	tiles := []themes.Tile{
		{Title: "Make, change or cancel an appointment", Description: "Ask your practice online, by phone or in person.", URL: "/appointments"},
		{Title: "Get a repeat prescription online", Description: "Order through the NHS App or your practice.", URL: "/prescriptions"},
		{Title: "Get a sick note for work", Description: "How to ask your practice for a fit note.", URL: "/fit-notes"},
		{Title: "Get test results", Description: "How and when to get your results.", URL: "/test-results"},
		{Title: "Register with a practice", Description: "Join one of our GP practices. You do not need proof of address or ID.", URL: "/register"},
		{Title: "Contact a practice", Description: "Phone numbers, addresses and opening times of our practices.", URL: "/practices"},
	}
	if len(sessions) > 0 {
		tiles = append(tiles, themes.Tile{Title: "Evening and weekend appointments", Description: "Where and when you can see someone outside your practice's usual hours.", URL: "/enhanced-access"})
	}
	if len(services) > 0 {
		names := make([]string, 0, 3)
		for _, s := range services[:min(3, len(services))] {
			names = append(names, s.Name)
		}
		desc := strings.Join(names, ", ")
		if len(services) > 3 {
			desc += " and more."
		} else {
			desc += "."
		}
		tiles = append(tiles, themes.Tile{Title: "Our services", Description: desc, URL: "/services"})
	}
	return tiles, nil
}

// showHome renders the home page: task tiles, each practice's phone and
// today's hours, the latest news, the next events, and the manager's own
// intro (the page at "/" when there is one).
func showHome(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		now := d.Now()
		view := r.view("", "/")
		view.Description = r.settings.Description
		tiles, err := r.homeTiles()
		if err != nil {
			return err
		}
		view.Home = &themes.Home{Tiles: tiles}
		home, err := r.publishedPage("/")
		switch {
		case err == nil:
			view.Body = r.body(home.Revision.BodyHTML)
		case !errors.Is(err, models.ErrNotFound):
			return err
		}
		practices, err := r.store.Practices()
		if err != nil {
			return err
		}
		for _, p := range practices {
			pv, next := practiceView(p, now)
			view.Practices = append(view.Practices, pv)
			expireAt(c, next)
		}
		d.Contacts.rememberHome(c.UserContext(), r.t.ID, r.settings.Phone, view.Practices)
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
		view.JSONLD = organisationLD(r, practices)
		view.FeedURL = "/news/feed.xml"
		return render(c, d, r.t, "home", view)
	}
}

// showPage renders a manager's custom page at the request path.
func showPage(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		path := strings.TrimSuffix(c.Path(), "/")
		if path != c.Path() {
			return redirect.To(c, path, fiber.StatusMovedPermanently)
		}
		if models.ValidatePagePath(path) != nil {
			return models.ErrNotFound
		}
		r, err := load(c, d)
		if err != nil {
			return err
		}
		page, err := r.publishedPage(path)
		if errors.Is(err, models.ErrNotFound) {
			return showSharedPage(c, d, r, path)
		}
		if err != nil {
			return err
		}
		return renderCustomPage(c, d, r, page)
	}
}

func renderCustomPage(c *fiber.Ctx, d Deps, r *request, page models.PublishedPage) error {
	view := r.view(page.Revision.Title, page.Page.Path)
	view.Body = r.body(page.Revision.BodyHTML)
	view.Updated = page.Revision.CreatedAt
	view.OGType = "article"
	if page.Page.ReviewDue != nil {
		view.ReviewDue = *page.Page.ReviewDue
	}
	view.Breadcrumbs = crumbs(parentCrumbs(r, page.Page.Path)...)
	return render(c, d, r.t, "page", view)
}

// showSharedPage renders the page shared with the tenant at path (by its
// ICB, say), with who it is from; none is ErrNotFound. The tenant's own
// published page at the path always comes first.
func showSharedPage(c *fiber.Ctx, d Deps, r *request, path string) error {
	s, err := r.store.SharedPageAt(path)
	if err != nil {
		return err
	}
	view := r.view(s.Title, s.Path)
	view.Body = r.body(s.BodyHTML)
	view.Updated = s.UpdatedAt
	view.OGType = "article"
	view.SharedFrom = s.Owner
	view.Breadcrumbs = crumbs(parentCrumbs(r, s.Path)...)
	return render(c, d, r.t, "page", view)
}

// parentCrumbs lists the published pages above path ("/a" for "/a/b").
func parentCrumbs(r *request, path string) []themes.NavLink {
	titles := make(map[string]string, len(r.pages))
	for _, p := range r.pages {
		titles[p.Path] = p.Title
	}
	var out []themes.NavLink
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i := 1; i < len(segs); i++ {
		p := "/" + strings.Join(segs[:i], "/")
		if t, ok := titles[p]; ok {
			out = append(out, themes.NavLink{Title: t, URL: p})
		}
	}
	return out
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

// expireAt tells the page cache the page changes at t (ignoring zero).
func expireAt(c *fiber.Ctx, t time.Time) {
	if !t.IsZero() {
		pagecache.ExpireAt(c, t)
	}
}
