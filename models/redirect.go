package models

import (
	"errors"
	"time"
)

// Redirect sends a patient who asks for an old address of a tenant's site
// (a path, with its query where it matters) to where that content lives
// now: a path on the site or an https URL, with status 301 or 302.
type Redirect struct {
	ID        int64 `gorm:"primaryKey"`
	TenantID  int64
	FromPath  string // "/about-us.html", as asked for (normalised: see RedirectInput)
	FromQuery string // "" matches any query; else the canonical query that must match
	To        string // "/about" or "https://…"
	Status    int    // 301 or 302
	Source    string // "manual", "csv", "import"
	CreatedAt time.Time
	UpdatedAt time.Time
}

// RedirectInput is a redirect as a manager, a CSV line, the CLI or an
// import gives it. From is a path with an optional query ("/index.php?page_id=7").
type RedirectInput struct {
	From   string
	To     string
	Status int // 0 is 301
	Source string
}

// PutRedirect adds a redirect (id 0) or changes one. Loops and chains are
// refused, as are targets off the site that are not https: a
// *ValidationError names the field ("from", "to", "status").
func (t *TenantDB) PutRedirect(by Actor, id int64, in RedirectInput) (Redirect, error) {
	return Redirect{}, errors.New("models: not implemented")
}

// AddRedirects adds many redirects in one audited change (the site importer
// and CSV upload): a From that already redirects to the same To is
// skipped; one that redirects elsewhere is left as it is and reported.
func (t *TenantDB) AddRedirects(by Actor, in []RedirectInput) (RedirectsAdded, error) {
	return RedirectsAdded{}, errors.New("models: not implemented")
}

// RedirectsAdded says what AddRedirects did.
type RedirectsAdded struct {
	Added, Unchanged int
	Conflicts        []RedirectInput // a From that already goes elsewhere
}
