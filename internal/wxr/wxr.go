// Package wxr reads a WordPress eXtended RSS (WXR) export: its pages (with
// their hierarchy), posts and attachments. Hostile files are expected: the
// reader refuses DTDs and entity declarations (no XML bombs, no external
// entities) and bounds the size and the number of items.
package wxr

import (
	"errors"
	"io"
	"time"
)

// Limits bound what Parse reads. Zero values take the defaults.
type Limits struct {
	MaxBytes int64 // default 64 MiB
	MaxItems int   // default 20,000
}

// Export is a parsed WXR file.
type Export struct {
	Title   string // the site's title
	SiteURL string // <link> of the channel, e.g. https://www.example-pcn.nhs.uk
	Items   []Item
}

// Item is one <item>.
type Item struct {
	ID       int64
	ParentID int64
	Type     string // "page", "post", "attachment", or what else the file says
	Status   string // "publish", "draft", "private", "inherit", "pending", "future", "trash"
	Title    string
	Slug     string    // wp:post_name
	Link     string    // the item's URL on the old site
	Date     time.Time // post_date_gmt, or post_date read as UTC
	// ContentHTML is the body as HTML, with WordPress's paragraph rule
	// (blank lines are paragraphs, single newlines line breaks) applied and
	// block-editor comments removed.
	ContentHTML   string
	Excerpt       string
	AttachmentURL string // attachments: wp:attachment_url
	Alt           string // attachments: _wp_attachment_image_alt
}

// ErrNotWXR: the file is XML but not a WordPress export.
var ErrNotWXR = errors.New("wxr: not a WordPress export file")

// Parse reads a WXR file.
func Parse(r io.Reader, l Limits) (*Export, error) {
	return nil, errors.New("wxr: not implemented")
}

// PagePath is the page's path from its slug and its ancestors' slugs
// ("/about/our-team"); "" for an item that is not a page or whose chain
// of parents is broken or loops.
func (e *Export) PagePath(it Item) string { return "" }
