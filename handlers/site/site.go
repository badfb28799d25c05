package site

import (
	"context"
	"fmt"
	"html/template"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/internal/richtext"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// footerLinks are on every page: the pages the law requires, contact, and
// the vacancies while one is open.
var footerLinks = []themes.NavLink{
	{Title: "Accessibility statement", URL: "/accessibility"},
	{Title: "Privacy notice", URL: "/privacy"},
	{Title: "Cookies", URL: "/cookies"},
	{Title: "Vacancies", URL: "/vacancies"},
	{Title: "Contact us", URL: "/contact"},
}

// request is what every page handler starts from: the tenant, its store and
// the site frame (branding, navigation, settings).
type request struct {
	t        *tenants.Tenant
	store    *models.TenantDB
	site     themes.Site
	settings models.SiteSettings
	pages    []models.Page // published pages
	// upcoming are the events not over yet, soonest first, and vacancies
	// the open ones: the frame links to them only when there are some.
	upcoming  []models.Event
	vacancies []models.Vacancy
}

// storeKey is the Locals key of the request's tenant store.
type storeKey struct{}

// load builds the request frame for the current tenant: from the tenant's
// frame kept in this process (Frames) while it is current, else from the
// store.
func load(c *fiber.Ctx, d Deps) (*request, error) {
	ctx, t, now := c.UserContext(), tenants.FromCtx(c), d.Now()
	store := t.Store(ctx, d.DB)
	gen := t.Generation() // before the reads: what they show is at least this generation's
	fd := d.Frames.get(t.ID, gen, now)
	if fd == nil {
		var err error
		if fd, err = readFrame(ctx, d, store, now, true); err != nil {
			return nil, err
		}
		d.Frames.put(t.ID, gen, fd)
	}
	r := newRequest(ctx, d, t, store, fd, c.Path())
	c.Locals(storeKey{}, r.store) // for clockExpiry
	// The page is cached only until the frame next changes with the clock
	// alone: an event ends, a vacancy closes, an announcement starts or ends.
	expireAt(c, fd.until)
	// The platform's announcement, if one is on now.
	if a := fd.announcement; a != nil {
		r.site.Announcement = &themes.Notice{Title: a.Title, Text: a.Body, Until: "until " + hours.FormatInstant(a.EndsAt)}
	}
	if c.Locals(previewKey{}) != nil { // a manager's preview of a site not launched (holding.go)
		r.site.Announcement = previewNotice()
	}
	// Notices shared with the tenant (its ICB's, say), or its own versions.
	for _, n := range fd.shared {
		r.site.Shared = append(r.site.Shared, themes.Notice{Title: n.Title, Text: n.Body, From: n.From})
	}
	return r, nil
}

// clockExpiry runs the page's handler, then tells the page cache when what
// the handler read from the tenant's store next changes with the clock
// alone (a scheduled news item going live, a vacancy closing, an event
// ending: models.TenantDB.NextChange), so every page, search results
// included, is rendered again on time without its handler knowing which of
// its reads depend on the time. What the store cannot know (opening hours,
// the announcement) the handlers still give with expireAt.
func clockExpiry(c *fiber.Ctx) error {
	err := c.Next()
	if store, ok := c.Locals(storeKey{}).(*models.TenantDB); ok {
		expireAt(c, store.NextChange())
	}
	return err
}

// frame reads what every page of tenant t shows (settings, published pages,
// menu) and builds the frame for the page at path, without the platform's
// announcement and shared notices (an admin preview, which shows its own).
func frame(ctx context.Context, d Deps, t *tenants.Tenant, path string) (*request, error) {
	store := t.Store(ctx, d.DB)
	fd, err := readFrame(ctx, d, store, d.Now(), false)
	if err != nil {
		return nil, err
	}
	return newRequest(ctx, d, t, store, fd, path), nil
}

// newRequest is the request for the page at path of tenant t with the
// frame fd. fd may be shared with other requests: nothing here or in the
// handlers writes to what it holds.
func newRequest(ctx context.Context, d Deps, t *tenants.Tenant, store *models.TenantDB, fd *frameData, path string) *request {
	d.Contacts.rememberPhone(ctx, t.ID, fd.settings.Phone)
	r := &request{t: t, store: store, settings: fd.settings, pages: fd.pages, upcoming: fd.upcoming, vacancies: fd.vacancies}
	r.site = siteFrame(d, t, r.settings, r.pages, fd.items, path, len(r.upcoming) > 0, len(r.vacancies) > 0)
	// The footer links to the first feedback form switched on (feedback.go).
	for _, f := range feedbackForms {
		if fd.feedback.Enabled(f.name) {
			r.site.Footer = append(r.site.Footer, themes.NavLink{Title: "Give feedback", URL: f.path, Current: path == f.path})
			break
		}
	}
	return r
}

// siteFrame builds the branding and navigation every page of a tenant shows.
// events and vacancies say whether there are upcoming events and open
// vacancies to link to.
func siteFrame(d Deps, t *tenants.Tenant, s models.SiteSettings, pages []models.Page, items []models.NavItem, current string, events, vacancies bool) themes.Site {
	site := themes.Site{
		Name: t.Name, Description: s.Description, BaseURL: baseURL(d, t),
		Phone: s.Phone, Email: s.Email, NHSIdentity: s.NHSIdentity,
	}
	if _, _, ok := models.ParseMediaPath(s.LogoURL); ok { // a logo saved before the rule was checked is not shown
		site.LogoURL = s.LogoURL
	}
	published := make(map[string]bool, len(pages))
	for _, p := range pages {
		published[p.Path] = true
	}
	isCurrent := func(u string) bool { return u == current || (u != "/" && strings.HasPrefix(current, u+"/")) }
	if len(items) > 0 {
		for _, it := range items {
			site.Nav = append(site.Nav, themes.NavLink{Title: it.Title, URL: it.Path, Current: isCurrent(it.Path)})
		}
	} else {
		for _, l := range themes.StandardNav(published["/about"], events) {
			l.Current = isCurrent(l.URL)
			site.Nav = append(site.Nav, l)
		}
	}
	for _, l := range footerLinks {
		if l.URL == "/vacancies" && !vacancies {
			continue
		}
		l.Current = l.URL == current
		site.Footer = append(site.Footer, l)
	}
	for _, sl := range []struct{ title, url string }{{"Facebook", s.SocialFacebook}, {"X (formerly Twitter)", s.SocialX}, {"Instagram", s.SocialInstagram}, {"YouTube", s.SocialYoutube}} {
		if sl.url != "" {
			site.Social = append(site.Social, themes.NavLink{Title: sl.title, URL: sl.url})
		}
	}
	return site
}

// publishedPage is the page published at path with its revision. The
// page is found in the frame's published pages (read once per tenant
// generation), so only the revision is read: one round trip to the
// database for the page's own content, not two.
func (r *request) publishedPage(path string) (models.PublishedPage, error) {
	for _, p := range r.pages {
		if p.Path == path {
			return r.store.PublishedRevision(p)
		}
	}
	return models.PublishedPage{}, fmt.Errorf("site: page %s: %w", path, models.ErrNotFound)
}

// body is a stored (sanitised) body for display: the media library's
// images in it get their width and height from the library, so nothing
// jumps while they load. The sizes of all its images are read in one
// query. An image the tenant's library does not have (or a body whose
// sizes cannot be read now) is shown unsized, as before.
func (r *request) body(stored string) template.HTML {
	var ids []int64
	for _, m := range bodyMediaRE.FindAllStringSubmatch(stored, -1) {
		if id, err := strconv.ParseInt(m[1], 10, 64); err == nil && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return template.HTML(stored) //nolint:gosec // stored bodies are sanitised HTML
	}
	sizes, err := r.store.MediaSizes(ids)
	if err != nil {
		sizes = nil
	}
	return richtext.SizeImages(stored, func(id int64) (int, int, bool) {
		s, ok := sizes[id]
		return s.Width, s.Height, ok
	})
}

// bodyMediaRE finds the media library's images in a stored body, as
// Markdown writes them; richtext.SizeImages checks each src in full.
var bodyMediaRE = regexp.MustCompile(`src="/media/([0-9]{1,18})/`)

// view starts a page view for path with the frame filled in.
func (r *request) view(title, path string) themes.Page {
	return themes.Page{Site: r.site, Title: title, Path: path, CanonicalURL: r.site.BaseURL + path}
}

// crumbs is a breadcrumb trail: Home, then the given parents.
func crumbs(parents ...themes.NavLink) []themes.NavLink {
	return append([]themes.NavLink{{Title: "Home", URL: "/"}}, parents...)
}
