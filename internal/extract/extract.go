// Package extract takes the main content of a page from an old website
// (with a readability-style extractor) and turns it into the Markdown
// pcnweb pages are written in (with an HTML-to-Markdown library), saying
// what it found on the way: images and their alt text, links, what could
// not come across (forms, iframes, scripts, widgets) and what the platform
// already has a home for (opening hours, phone numbers, news, vacancies).
//
// The steps for a whole page (Page):
//
//  1. Parse (inputs over MaxInput are refused with ErrTooLarge).
//  2. Resolve lazy images (data-src, data-lazy-src, the largest srcset
//     candidate, Wix's data-image-info) and make every URL absolute.
//  3. Strip site chrome: header, nav, aside, footer, breadcrumbs, skip
//     links, cookie banners, share buttons, Wix's "top of page" / "bottom of
//     page" anchors and SITE_HEADER / SITE_FOOTER.
//  4. In what is left, note what cannot come across (forms, iframes,
//     scripts, embeds, video, online-consultation widgets) and what the
//     platform has a home for (hours, phones, news listings, vacancies),
//     then remove the former.
//  5. Take the main content with go-readability. When the page has its own
//     main container (<main>, role=main, #maincontent, a lone <article>,
//     .entry-content) and readability keeps less than 90% of its text, or
//     drops any of its images or over a fifth of its links, the container
//     wins: PCN pages are short, and readability drops link lists, teasers
//     and images between sections. A page laid out with a table and no
//     main container keeps the cell holding its first heading.
//     The page's text is decoded from its declared charset if not UTF-8.
//  6. Tidy: the title h1 goes (it is Doc.Title), other headings shift so
//     there is never a second h1, empty paragraphs, nbsp runs, "Read more"
//     duplicates and layout tables go.
//
// Fragment does steps 1–4 and 6 for HTML that is already the main content
// (a WordPress post body).
package extract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// MaxInput is the largest page or fragment Page and Fragment read (2 MiB).
// Real pages are far smaller; a bigger one is refused rather than parsed.
const MaxInput = 2 << 20

// maxElements caps the elements of a parsed page handed to readability and
// the converter, so a small but pathological input stays cheap.
const maxElements = 60000

// Doc is a page's main content, parsed.
type Doc struct {
	Title     string    // the page's one h1 (or <title> without the site name)
	Published time.Time // the page's publication date where it states one (WordPress posts); zero otherwise
	// Post says the page is one dated post (a blog or news article) by its
	// own markup, not by its address: an article:published_time, a JSON-LD
	// Article, BlogPosting or NewsArticle with its date, or WordPress's
	// single-post classes around a <time class="published">. Published is
	// then its date. A page that only carries a date (SEO plugins give
	// every WordPress page a JSON-LD WebPage with datePublished) is not one.
	Post    bool
	Images  []Image
	Links   []Link // every <a href> in the content, absolute (when the page's URL is)
	Dropped []Dropped
	Found   []Found

	content *html.Node // the cleaned content, a <div> holding it
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

// PDF says whether the link is to a PDF (by its path), which an import
// brings into the media library when it is on the old site.
func (l Link) PDF() bool {
	return l.URL != nil && strings.HasSuffix(strings.ToLower(l.URL.Path), ".pdf")
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

// ErrTooLarge: the input is over MaxInput (or has too many elements).
var ErrTooLarge = errors.New("extract: page too large")

// ErrMalformed: the HTML parser gave up on the input (elements nested more
// than 512 deep).
var ErrMalformed = errors.New("extract: malformed page")

// ImagesWithoutAlt lists the images in the content that have no alt text,
// for the manager to describe.
func (d *Doc) ImagesWithoutAlt() []Image {
	var out []Image
	for _, img := range d.Images {
		if strings.TrimSpace(img.Alt) == "" {
			out = append(out, img)
		}
	}
	return out
}

// Text is the content's plain text (whitespace collapsed), for tests and
// summaries.
func (d *Doc) Text() string {
	if d.content == nil {
		return ""
	}
	return collapse(textOf(d.content))
}

// Page parses a whole HTML page fetched from pageURL.
func Page(page []byte, pageURL *url.URL) (*Doc, error) {
	if len(page) > MaxInput {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(page), MaxInput)
	}
	if pageURL == nil {
		pageURL = &url.URL{}
	}
	page = toUTF8(page)
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrMalformed, pageURL, err)
	}
	if n := countElements(root, maxElements+1); n > maxElements {
		return nil, fmt.Errorf("%w: more than %d elements", ErrTooLarge, maxElements)
	}
	d := &Doc{}
	titleTag, siteName := headInfo(root)
	d.Published, d.Post = published(root)

	prepare(root, pageURL)
	stripChrome(root)
	region := mainRegion(root)

	if h1 := firstElement(region, atom.H1); h1 != nil {
		d.Title = collapse(textOf(h1))
	}
	if d.Title == "" {
		d.Title = titleFromTag(titleTag, siteName)
	}
	d.Dropped = dropUnportable(region, pageURL)
	d.Found = findKnown(region, d.Title)

	if region.DataAtom == atom.Body {
		if cell := keepContentCell(region); cell != nil {
			region = cell
		}
	}
	content := readable(root, region, pageURL)
	if content == nil {
		return nil, fmt.Errorf("%w: %s", ErrNoContent, pageURL)
	}
	d.content = content
	tidy(d, content)
	if d.Title == "" && collapse(textOf(content)) == "" && len(d.Images) == 0 {
		return nil, fmt.Errorf("%w: %s", ErrNoContent, pageURL)
	}
	return d, nil
}

// Fragment parses an HTML fragment that is already the main content (a
// WordPress post body), with title given.
func Fragment(fragment string, title string, base *url.URL) (*Doc, error) {
	if len(fragment) > MaxInput {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(fragment), MaxInput)
	}
	if base == nil {
		base = &url.URL{}
	}
	fragment = autop(fragment)
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	content := newDiv()
	for _, n := range nodes {
		content.AppendChild(n)
	}
	if n := countElements(content, maxElements+1); n > maxElements {
		return nil, fmt.Errorf("%w: more than %d elements", ErrTooLarge, maxElements)
	}
	d := &Doc{Title: collapse(title)}
	prepare(content, base)
	stripChrome(content)
	if d.Title == "" {
		if h1 := firstElement(content, atom.H1); h1 != nil {
			d.Title = collapse(textOf(h1))
		}
	}
	d.Dropped = dropUnportable(content, base)
	d.Found = findKnown(content, d.Title)
	removeUnportable(content)
	d.content = content
	tidy(d, content)
	return d, nil
}

// readable picks the content: readability's article, unless the page's
// own main region holds clearly more.
func readable(root, region *html.Node, pageURL *url.URL) *html.Node {
	regionCopy := cloneNode(region)
	removeUnportable(regionCopy)
	regionText := len(collapse(textOf(regionCopy)))

	removeUnportable(root)
	parser := readability.NewParser()
	parser.MaxElemsToParse = maxElements
	parser.KeepClasses = false
	var article readability.Article
	var err error
	func() {
		// readability is a large third-party parser run on hostile
		// input; a panic in it must cost this page, not the import.
		defer func() {
			if recover() != nil {
				err = errors.New("readability panicked")
			}
		}()
		article, err = parser.ParseAndMutate(cloneNode(root), pageURL)
	}()
	if err == nil && article.Node != nil {
		got := len(collapse(textOf(article.Node)))
		keepsImages := countMatching(article.Node, isImg) >= countMatching(regionCopy, isImg)
		keepsLinks := countMatching(article.Node, isLink)*10 >= countMatching(regionCopy, isLink)*8
		if region == root || (got*10 >= regionText*9 && keepsImages && keepsLinks) {
			div := newDiv()
			article.Node.Parent = nil
			article.Node.PrevSibling, article.Node.NextSibling = nil, nil
			div.AppendChild(article.Node)
			return div
		}
	}
	if regionText == 0 && firstElement(regionCopy, atom.Img) == nil {
		return nil
	}
	div := newDiv()
	if regionCopy.DataAtom == atom.Html || regionCopy.DataAtom == atom.Body || regionCopy.Type == html.DocumentNode {
		if b := firstElement(regionCopy, atom.Body); b != nil {
			regionCopy = b
		}
	}
	for c := regionCopy.FirstChild; c != nil; {
		next := c.NextSibling
		regionCopy.RemoveChild(c)
		div.AppendChild(c)
		c = next
	}
	return div
}

// headInfo reads the <title> and og:site_name.
func headInfo(root *html.Node) (title, siteName string) {
	if t := firstElement(root, atom.Title); t != nil {
		title = collapse(textOf(t))
	}
	walk(root, func(n *html.Node) bool {
		if n.DataAtom == atom.Meta && (attr(n, "property") == "og:site_name" || attr(n, "name") == "application-name") {
			siteName = collapse(attr(n, "content"))
		}
		return true
	})
	return title, siteName
}

// titleFromTag takes the page's name from its <title>, without the site's
// name ("About Us | Riverside PCN" → "About Us").
func titleFromTag(title, siteName string) string {
	for _, sep := range []string{" | ", " – ", " — ", " - ", " :: ", " » ", " · "} {
		if !strings.Contains(title, sep) {
			continue
		}
		parts := strings.Split(title, sep)
		var kept []string
		for _, p := range parts {
			p = strings.TrimSpace(p)
			if p == "" || (siteName != "" && strings.EqualFold(p, siteName)) {
				continue
			}
			kept = append(kept, p)
		}
		switch {
		case len(kept) == 0:
			return title
		case len(kept) == 1:
			return kept[0]
		case looksLikeSiteName(kept[0]) && !looksLikeSiteName(kept[len(kept)-1]):
			return kept[len(kept)-1]
		default:
			return kept[0]
		}
	}
	return title
}

func looksLikeSiteName(s string) bool {
	l := strings.ToLower(s)
	for _, w := range []string{"pcn", "network", "surgery", "practice", "medical", "health centre", "group"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// published finds a page's publication date: article:published_time, a
// JSON-LD datePublished, or the first <time class="published"> (WordPress
// themes); post says the markup that gave it marks a single post
// (Doc.Post). A listing of dated teasers has neither.
func published(root *html.Node) (date time.Time, post bool) {
	walk(root, func(n *html.Node) bool {
		if post {
			return false
		}
		var v string
		isPost := false
		switch {
		case n.DataAtom == atom.Meta && attr(n, "property") == "article:published_time":
			v, isPost = attr(n, "content"), true
		case n.DataAtom == atom.Script && attr(n, "type") == "application/ld+json" && n.FirstChild != nil:
			v, isPost = jsonLDPublished(n.FirstChild.Data)
		case n.DataAtom == atom.Time && hasClass(n, "published") && !insideTag(n, atom.Nav):
			v, isPost = attr(n, "datetime"), wordPressPost(n)
		}
		if v == "" {
			return true
		}
		// The first date found is the page's, unless a later one is a
		// post's: an SEO plugin's WebPage date in the head, then the
		// post's own in the body.
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
			if t, err := time.Parse(layout, v); err == nil {
				if date.IsZero() || isPost {
					date, post = t, isPost
				}
				break
			}
		}
		return true
	})
	// A listing has many dated teasers; its date is none of theirs.
	if n := countMatching(root, func(n *html.Node) bool { return n.DataAtom == atom.Time && hasClass(n, "published") }); n > 1 {
		return time.Time{}, false
	}
	return date, post
}

// wordPressPost says n is inside the post of a WordPress single-post page:
// an element of class "type-post" (post_class) or a body of class
// "single-post" (body_class).
func wordPressPost(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && (hasClass(p, "type-post") || (p.DataAtom == atom.Body && hasClass(p, "single-post"))) {
			return true
		}
	}
	return false
}

// toUTF8 decodes a page that is not UTF-8 with the charset its <meta>
// declares (old hand-written sites are ISO-8859-1 or Windows-1252, where a
// pound sign is the byte 0xA3); the HTML parser reads only UTF-8.
func toUTF8(page []byte) []byte {
	if utf8.Valid(page) {
		return page
	}
	enc, _, _ := charset.DetermineEncoding(page, "")
	out, err := enc.NewDecoder().Bytes(page)
	if err != nil {
		return page
	}
	return out
}

// postTypes are the schema.org types of a single post.
var postTypes = map[string]bool{"Article": true, "BlogPosting": true, "NewsArticle": true, "SocialMediaPosting": true, "LiveBlogPosting": true}

// jsonLDPublished reads datePublished from a JSON-LD block (Wix blog
// posts, SEO plugins): an object, an array of them, or an @graph; post
// says the object that has it is of a post's type (postTypes), not a
// WebPage's. An Article in the graph wins over a WebPage's date.
func jsonLDPublished(data string) (date string, post bool) {
	var v any
	if len(data) > 1<<20 || json.Unmarshal([]byte(data), &v) != nil {
		return "", false
	}
	var find func(v any, depth int)
	find = func(v any, depth int) {
		if depth > 4 || post {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			if s, ok := t["datePublished"].(string); ok && s != "" {
				if isPostType(t["@type"]) {
					date, post = s, true
					return
				}
				if date == "" {
					date = s
				}
			}
			find(t["@graph"], depth+1)
		case []any:
			for _, e := range t {
				find(e, depth+1)
			}
		}
	}
	find(v, 0)
	return date, post
}

// isPostType says a JSON-LD @type (a name or a list of names) is a post's.
func isPostType(t any) bool {
	switch t := t.(type) {
	case string:
		return postTypes[t]
	case []any:
		for _, e := range t {
			if s, ok := e.(string); ok && postTypes[s] {
				return true
			}
		}
	}
	return false
}

// autop wraps the paragraphs of a WordPress classic-editor body, which are
// stored as blank-line-separated text, in <p> (what WordPress's wpautop
// does when it renders them).
func autop(s string) string {
	if !strings.Contains(s, "\n\n") || strings.Contains(strings.ToLower(s), "<p") {
		return s
	}
	var b strings.Builder
	for _, chunk := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		c := strings.TrimSpace(chunk)
		if c == "" {
			continue
		}
		if startsWithBlock(c) {
			b.WriteString(c)
		} else {
			b.WriteString("<p>" + strings.ReplaceAll(c, "\n", "<br>\n") + "</p>")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func startsWithBlock(s string) bool {
	l := strings.ToLower(s)
	for _, t := range []string{"<h1", "<h2", "<h3", "<h4", "<h5", "<h6", "<ul", "<ol", "<table", "<div", "<figure", "<blockquote", "<pre", "<!--", "<hr", "<iframe", "<form", "<script", "<dl"} {
		if strings.HasPrefix(l, t) {
			return true
		}
	}
	return false
}

func isImg(n *html.Node) bool  { return n.DataAtom == atom.Img }
func isLink(n *html.Node) bool { return n.DataAtom == atom.A }

// keepContentCell: a hand-written page laid out with a table (banner row,
// navigation column, content cell, footer row) keeps only the cell that
// holds its first heading. Only used when the page has no <main> or
// <article> to go by.
func keepContentCell(body *html.Node) *html.Node {
	heading := elements(body, func(n *html.Node) bool { return n.DataAtom == atom.H1 || n.DataAtom == atom.H2 })
	if len(heading) == 0 {
		return nil
	}
	var cell, table *html.Node
	for p := heading[0].Parent; p != nil && p != body; p = p.Parent {
		if p.DataAtom == atom.Td || p.DataAtom == atom.Th {
			cell = p
		}
		if p.DataAtom == atom.Table && cell != nil && isLayoutTable(p) {
			table = p // the outermost layout table wins
		}
	}
	if table == nil || cell == nil || table.Parent == nil {
		return nil
	}
	div := newDiv()
	for c := cell.FirstChild; c != nil; {
		next := c.NextSibling
		cell.RemoveChild(c)
		div.AppendChild(c)
		c = next
	}
	table.Parent.InsertBefore(div, table)
	remove(table)
	return div
}
