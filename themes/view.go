package themes

import (
	"html/template"
	"time"
)

// Site is the per-tenant branding and navigation that every themed page shows.
// It is data, not code: two tenants on the same theme differ only here.
type Site struct {
	Name        string    // "High Fives PCN"
	Description string    // one line under the name, optional
	BaseURL     string    // canonical scheme://host[:port] of the tenant, no trailing slash
	LogoURL     string    // optional; when empty the theme shows the name as text
	Nav         []NavLink // primary navigation, in order
	Footer      []NavLink // footer links (legal pages and the like)
}

// NavLink is one item of a navigation list.
type NavLink struct {
	Title   string
	URL     string // path on the tenant host, e.g. "/about"
	Current bool   // true on the page the link points to
}

// Page is what every tenant page template receives.
type Page struct {
	Site         Site
	Title        string // the page's own title, without the site name
	Description  string // meta description, optional
	Path         string // request path, e.g. "/about"
	CanonicalURL string // absolute URL of this page
	NoIndex      bool   // add <meta name="robots" content="noindex"> (previews, error pages)
	Body         template.HTML
	Updated      time.Time // zero when unknown
	Status       int       // HTTP status for error pages (404, 500)
	Message      string    // plain-text message for error pages
	Children     []NavLink // for the home page: the site's pages as a list of links
}

// Platform is what the platform's own pages (unknown host, suspended site,
// bad request) receive. They carry no tenant branding.
type Platform struct {
	Title   string
	Status  int
	Message string
	Detail  string // optional second paragraph, plain text
}
