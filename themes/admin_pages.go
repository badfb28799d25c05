package themes

import "time"

// Views of the admin's pages area: the list of pages and legal pages, the
// page form's status and links, revision history and the comparison of two
// revisions.

// PageList is the "pages" page.
type PageList struct {
	Rows  []PageRow
	Legal []LegalPage
}

// PageRow is one page of the list.
type PageRow struct {
	Path    string
	Title   string
	Status  string // "Published", "Draft", "Unpublished changes"
	Updated time.Time
}

// LegalPage is one of the pages the law requires (/accessibility, /privacy,
// /cookies): generated from the settings unless the tenant wrote its own.
type LegalPage struct {
	Path string // "/privacy"
	Name string // "Privacy notice"
	// Own: the tenant has its own version at the path (published or a
	// draft); Published: the website shows it instead of the generated one.
	Own       bool
	Published bool
}

// PageInfo is what the page form and the delete confirmation show around
// the form: the page's state and where to go next.
type PageInfo struct {
	Status string // "Published", "Draft: not on the website", "Published, with unpublished changes"
	// Legal is the name of the generated legal page this page replaces
	// ("Privacy notice"), "" for other pages.
	Legal string
	// Exists: the page is stored (a new legal page is not, yet).
	Exists bool
}

// PageHistory is the "page-history" page: a page's revisions, newest first.
type PageHistory struct {
	Path      string
	Title     string
	Latest    int64 // the latest revision: the base of a restore
	Revisions []RevisionRow
}

// RevisionRow is one revision of a page.
type RevisionRow struct {
	ID     int64
	Title  string
	Author string // "" when unknown (the command line)
	When   string // UK time, "3 March 2026 at 9:30am"
	Live   bool   // the version on the website
	Latest bool   // the newest version: what the editor opens
}

// PageCompare is the "page-compare" page: the line diff of two revisions'
// Markdown.
type PageCompare struct {
	Path      string
	Title     string
	From, To  RevisionRow
	Lines     []DiffLine
	Added     int
	Removed   int
	Revisions []RevisionRow // for choosing another pair
}

// DiffLine is one line of a comparison. Kind is "same", "added" or "removed".
type DiffLine struct {
	Kind string
	Text string
}
