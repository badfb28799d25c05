// Package extract takes the main content of a page from an old website
// (with a readability-style extractor) and turns it into the Markdown
// pcnweb pages are written in (with an HTML-to-Markdown library), saying
// what it found on the way: images and their alt text, links, what could
// not come across (forms, iframes, scripts, widgets) and what the platform
// already has a home for (opening hours, phone numbers, news, vacancies).
package extract

import (
	"errors"
	"net/url"
)

// Doc is a page's main content, parsed.
type Doc struct {
	Title   string // the page's one h1 (or <title> without the site name)
	Images  []Image
	Links   []Link // every <a href> in the content, absolute
	Dropped []Dropped
	Found   []Found
}

// Image is an <img> in the content (lazy-loading attributes resolved: the
// real source, not a placeholder).
type Image struct {
	Src *url.URL
	Alt string // empty when the image has none
}

// Link is an <a href> in the content.
type Link struct {
	URL  *url.URL
	Text string
}

// Dropped is something that cannot come across.
type Dropped struct {
	Kind   string // "form", "iframe", "script", "embed", "widget"
	Detail string // what it was, for a person: "a contact form", "a YouTube video (www.youtube.com)"
}

// Found is content the platform has its own home for.
type Found struct {
	Kind   string // "hours", "phone", "news", "vacancies"
	Detail string // "opening hours (Monday 8am to 6:30pm …)", "01234 567890"
}

// Rewrite maps the content's URLs while writing Markdown. A nil func, or
// one that returns "", keeps the absolute URL.
type Rewrite struct {
	Link  func(u *url.URL) string
	Image func(img Image) string
}

// ErrNoContent: the page had no main content to take.
var ErrNoContent = errors.New("extract: no main content")

// Page parses a whole HTML page fetched from pageURL.
func Page(html []byte, pageURL *url.URL) (*Doc, error) {
	return nil, errors.New("extract: not implemented")
}

// Fragment parses an HTML fragment that is already the main content (a
// WordPress post body), with title given.
func Fragment(html string, title string, base *url.URL) (*Doc, error) {
	return nil, errors.New("extract: not implemented")
}

// Markdown writes the content as page Markdown: headings keep their levels
// below the title (the content's own h1 becomes the title and is not
// repeated), links and images go through rw.
func (d *Doc) Markdown(rw Rewrite) string { return "" }
