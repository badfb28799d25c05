// Package wxr reads a WordPress eXtended RSS (WXR) export: its pages (with
// their hierarchy), posts and attachments. Hostile files are expected: the
// reader refuses DTDs and entity declarations (no XML bombs, no external
// entities) and bounds the size, the nesting and the number of items.
//
// WordPress has never published a schema for WXR; the format read here is
// what wp-admin/includes/export.php writes (versions 1.0 to 1.2): an RSS 2.0
// document whose channel holds the site's title and address and one <item>
// per post, page or attachment, with the wp:, content: and excerpt:
// namespaces carrying the rest.
package wxr

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/pcnweb/pcnweb/internal/hours"
)

// Limits bound what Parse reads. Zero values take the defaults.
type Limits struct {
	MaxBytes int64 // default 64 MiB
	MaxItems int   // default 20,000
}

// Defaults for Limits.
const (
	DefaultMaxBytes = 64 << 20
	DefaultMaxItems = 20_000
)

// maxDepth bounds element nesting: an export nests five deep
// (rss/channel/item/wp:postmeta/wp:meta_key); a deeper file is hostile
// or not an export, and unbounded nesting would grow the decoder's stack.
const maxDepth = 32

// maxTag bounds the bytes of one tag (from < to >): an export's longest
// tag is a few hundred bytes, and a tag of millions of attributes costs the
// decoder many times its size in memory.
const maxTag = 64 << 10

// Export is a parsed WXR file.
type Export struct {
	Title       string // the site's title
	SiteURL     string // <link> of the channel, e.g. https://www.example-pcn.nhs.uk
	BaseSiteURL string // wp:base_site_url (where WordPress itself lives)
	Version     string // wp:wxr_version, "1.0" to "1.2"
	Language    string // <language>, e.g. "en-GB"
	Items       []Item

	// Indexes of Items, built by Parse; nil for an Export built by hand
	// (the methods then build them on each call).
	byID   map[int64]int
	byLink map[string]int
}

// Item is one <item>.
type Item struct {
	ID       int64
	ParentID int64
	Type     string // "page", "post", "attachment", or what else the file says
	Status   string // "publish", "draft", "private", "inherit", "pending", "future", "trash"
	Title    string // HTML entities decoded
	Slug     string // wp:post_name as the file has it (may be percent-encoded, empty for drafts)
	Link     string // the item's URL on the old site
	GUID     string // <guid>; for attachments often the file's URL
	Author   string // dc:creator (a login name)
	// Date is post_date_gmt, or, where that is empty or zero (drafts),
	// post_date read as Europe/London wall-clock time, or the pubDate.
	Date      time.Time
	MenuOrder int
	// ContentHTML is the body as HTML: block-editor comments removed,
	// shortcodes removed (listed in Shortcodes), and, for content written
	// in the classic editor, WordPress's paragraph rule applied (blank lines
	// are paragraphs, single newlines line breaks).
	ContentHTML string
	// Shortcodes lists the names of the shortcodes removed from the body
	// ("gallery", "contact-form-7"), once each in order of appearance: what
	// they rendered on the old site (a form, a gallery) does not come across.
	Shortcodes []string
	// DynamicBlocks lists the block-editor blocks that WordPress rendered
	// on the server ("latest-posts", "nhsblocks/…" with no saved HTML): the
	// export holds only their settings, so nothing of them comes across.
	DynamicBlocks []string
	Excerpt       string
	Categories    []string // display names of the item's categories (domain "category")
	Tags          []string // display names of its tags (domain "post_tag")
	HasPassword   bool     // wp:post_password was set: the old site hid it behind a password
	AttachmentURL string   // attachments: wp:attachment_url
	Alt           string   // attachments: _wp_attachment_image_alt
	// FeaturedImageID is the attachment ID of the item's featured image
	// (_thumbnail_id), 0 for none.
	FeaturedImageID int64
}

// ErrNotWXR: the file is XML but not a WordPress export.
var ErrNotWXR = errors.New("wxr: not a WordPress export file")

// ErrTooBig: the file is larger than Limits.MaxBytes.
var ErrTooBig = errors.New("wxr: the file is too large")

// ErrTooManyItems: the file has more items than Limits.MaxItems.
var ErrTooManyItems = errors.New("wxr: the file has too many items")

// ErrRefused: the file declares a DTD or entities, or nests too deep.
var ErrRefused = errors.New("wxr: refused")

const (
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsDC      = "http://purl.org/dc/elements/1.1/"
	nsWPPre   = "http://wordpress.org/export/" // + "1.2/" (wp) or "1.2/excerpt/"
)

// Parse reads a WXR file. It returns ErrNotWXR (wrapped) for a file that
// is not a WordPress export; other errors name the line of the file where
// reading stopped.
func Parse(r io.Reader, l Limits) (*Export, error) {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxItems <= 0 {
		l.MaxItems = DefaultMaxItems
	}
	cr := &countingReader{r: io.LimitReader(r, l.MaxBytes+1)}
	g := &tagGuard{r: cr, tail: make([]byte, 0, len("<![CDATA["))}
	br := bufio.NewReader(g)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		_, _ = br.Discard(3) // a byte-order mark, which some editors write
	}
	d := xml.NewDecoder(br)
	d.Strict = true
	d.Entity = nil // only the five XML entities and character references
	d.CharsetReader = charsetReader
	p := &parser{d: d, cr: cr, lim: l, exp: &Export{byID: map[int64]int{}}, reusable: map[int64]string{}}
	if err := p.document(); err != nil {
		return nil, err
	}
	p.renderDeferred()
	p.exp.byLink = p.exp.linkIndex()
	return p.exp, nil
}

type parser struct {
	d     *xml.Decoder
	cr    *countingReader
	lim   Limits
	exp   *Export
	depth int
	root  bool // the <rss> start was seen

	// Content that uses reusable blocks is rendered once the whole file
	// is read, when the blocks (wp_block items, anywhere in it) are known.
	deferred []deferredContent
	reusable map[int64]string // wp_block items' raw content by ID
}

type deferredContent struct {
	item int // index in Items
	raw  string
}

// renderDeferred renders the content that uses reusable blocks. The
// blocks copied in count against what the file left of the byte limit, so
// a block used a million times cannot expand like an XML bomb; past it
// they are left out (listed as the dynamic block "block").
func (p *parser) renderDeferred() {
	budget := p.lim.MaxBytes - p.cr.n
	resolve := func(ref int64) (string, bool) {
		s, ok := p.reusable[ref]
		if !ok || int64(len(s)) > budget {
			return "", false
		}
		budget -= int64(len(s))
		return s, true
	}
	for _, d := range p.deferred {
		it := &p.exp.Items[d.item]
		it.ContentHTML, it.Shortcodes, it.DynamicBlocks = renderContent(d.raw, resolve)
	}
}

// next returns the next token, refusing directives and deep nesting and
// turning decoder errors into messages with the line.
func (p *parser) next() (xml.Token, error) {
	start := p.line()
	t, err := p.d.Token()
	if err != nil {
		return nil, p.fail(err)
	}
	switch t := t.(type) {
	case xml.Directive:
		return nil, fmt.Errorf("%w: line %d: the file declares a DTD or entities, which an export never does; refusing it", ErrRefused, start)
	case xml.StartElement:
		p.depth++
		if p.depth > maxDepth {
			return nil, p.refuse(fmt.Sprintf("elements nest more than %d deep, which an export never does; refusing it", maxDepth))
		}
	case xml.EndElement:
		p.depth--
	case xml.CharData:
		if !p.root && len(bytes.TrimSpace(t)) > 0 {
			return nil, fmt.Errorf("%w: it starts with text, not XML", ErrNotWXR)
		}
	}
	return t, nil
}

func (p *parser) line() int {
	line, _ := p.d.InputPos()
	return line
}

func (p *parser) refuse(msg string) error {
	return fmt.Errorf("%w: line %d: %s", ErrRefused, p.line(), msg)
}

// fail explains a decoder error: the size limit when the reader ran past
// it, ErrNotWXR before the root element, else the line of the error.
func (p *parser) fail(err error) error {
	if p.cr.n > p.lim.MaxBytes {
		return fmt.Errorf("%w: the limit is %s", ErrTooBig, sizeText(p.lim.MaxBytes))
	}
	var tagErr *tagTooLongError
	if errors.As(err, &tagErr) {
		return p.refuse(fmt.Sprintf("a tag is longer than %d KiB, which an export never has; refusing it", maxTag>>10))
	}
	if !p.root {
		if err == io.EOF {
			return fmt.Errorf("%w: the file is empty", ErrNotWXR)
		}
		return fmt.Errorf("%w: %v", ErrNotWXR, err)
	}
	if err == io.EOF {
		return fmt.Errorf("wxr: line %d: the file ends before the export does (is it cut short?)", p.line())
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("wxr: line %d: %s", se.Line, strings.TrimPrefix(se.Msg, "xml: "))
	}
	return fmt.Errorf("wxr: line %d: %w", p.line(), err)
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// document reads up to the root element, checks it is an RSS document
// declaring the WordPress export namespace, then reads its channel.
func (p *parser) document() error {
	for {
		t, err := p.next()
		if err != nil {
			return err
		}
		start, ok := t.(xml.StartElement)
		if !ok {
			continue // the XML declaration, comments, white space
		}
		p.root = true
		if start.Name.Local != "rss" || start.Name.Space != "" {
			return fmt.Errorf("%w: its root element is <%s>, not <rss>", ErrNotWXR, start.Name.Local)
		}
		wp := false
		for _, a := range start.Attr {
			if a.Name.Space == "xmlns" && strings.HasPrefix(a.Value, nsWPPre) && !strings.HasSuffix(a.Value, "/excerpt/") {
				wp = true
			}
		}
		if !wp {
			return fmt.Errorf("%w: an RSS feed without the WordPress export namespace", ErrNotWXR)
		}
		break
	}
	channel := false
	for {
		t, err := p.next()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if t.Name.Local == "channel" && t.Name.Space == "" && !channel {
				channel = true
				if err := p.channel(); err != nil {
					return err
				}
				continue
			}
			if err := p.skip(); err != nil {
				return err
			}
		case xml.EndElement: // </rss>: stop reading; what follows does not matter
			if !channel {
				return fmt.Errorf("%w: the RSS document has no <channel>", ErrNotWXR)
			}
			return nil
		}
	}
}

// channel reads the channel's children up to its end.
func (p *parser) channel() error {
	for {
		t, err := p.next()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			ns, local := space(t.Name.Space), t.Name.Local
			switch {
			case ns == "" && local == "item":
				if len(p.exp.Items) >= p.lim.MaxItems {
					return fmt.Errorf("%w: line %d: more than %d items, the limit", ErrTooManyItems, p.line(), p.lim.MaxItems)
				}
				it, err := p.item()
				if err != nil {
					return err
				}
				if it.ID != 0 {
					if _, dup := p.exp.byID[it.ID]; !dup {
						p.exp.byID[it.ID] = len(p.exp.Items)
					}
				}
				p.exp.Items = append(p.exp.Items, it)
				continue
			}
			s, err := p.text()
			if err != nil {
				return err
			}
			switch {
			case ns == "" && local == "title":
				p.exp.Title = strings.TrimSpace(html.UnescapeString(s))
			case ns == "" && local == "link":
				p.exp.SiteURL = strings.TrimSpace(s)
			case ns == "" && local == "language":
				p.exp.Language = strings.TrimSpace(s)
			case ns == "wp" && local == "base_site_url":
				p.exp.BaseSiteURL = strings.TrimSpace(s)
			case ns == "wp" && local == "wxr_version":
				p.exp.Version = strings.TrimSpace(s)
			}
		}
	}
}

// item reads one <item> up to its end.
func (p *parser) item() (Item, error) {
	var r rawItem
	it := &r.Item
	for {
		t, err := p.next()
		if err != nil {
			return Item{}, err
		}
		switch t := t.(type) {
		case xml.EndElement:
			it.Date = itemDate(r.dateGMT, r.date, r.pubDate)
			if strings.Contains(r.content, "<!-- wp:block ") {
				p.deferred = append(p.deferred, deferredContent{item: len(p.exp.Items), raw: r.content})
			} else {
				it.ContentHTML, it.Shortcodes, it.DynamicBlocks = RenderContent(r.content)
			}
			if it.Type == "wp_block" {
				p.reusable[it.ID] = r.content
			}
			return *it, nil
		case xml.StartElement:
			ns, local := space(t.Name.Space), t.Name.Local
			if ns == "wp" && local == "postmeta" {
				k, v, err := p.meta()
				if err != nil {
					return Item{}, err
				}
				switch k {
				case "_wp_attachment_image_alt":
					it.Alt = strings.TrimSpace(v)
				case "_thumbnail_id":
					it.FeaturedImageID, _ = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				}
				continue
			}
			if ns == "wp" && local == "comment" {
				if err := p.skip(); err != nil {
					return Item{}, err
				}
				continue
			}
			s, err := p.text()
			if err != nil {
				return Item{}, err
			}
			if ns == "" && local == "category" {
				switch domain(t) {
				case "category":
					it.Categories = appendName(it.Categories, s)
				case "post_tag":
					it.Tags = appendName(it.Tags, s)
				}
				continue
			}
			r.set(ns, local, s)
		}
	}
}

// rawItem is an item being read, with the fields it is made from.
type rawItem struct {
	Item
	date, dateGMT, pubDate string
	content                string
}

// set stores the text of the item's child element ns:local.
func (r *rawItem) set(ns, local, s string) {
	it := &r.Item
	trim := strings.TrimSpace(s)
	switch ns + ":" + local {
	case ":title":
		it.Title = strings.TrimSpace(html.UnescapeString(s))
	case ":link":
		it.Link = trim
	case ":guid":
		it.GUID = trim
	case ":pubDate":
		r.pubDate = trim
	case "dc:creator":
		it.Author = trim
	case "content:encoded":
		r.content = s
	case "excerpt:encoded":
		it.Excerpt = trim
	case "wp:post_id":
		it.ID, _ = strconv.ParseInt(trim, 10, 64)
	case "wp:post_parent":
		it.ParentID, _ = strconv.ParseInt(trim, 10, 64)
	case "wp:post_type":
		it.Type = trim
	case "wp:status":
		it.Status = trim
	case "wp:post_name":
		it.Slug = trim
	case "wp:post_date":
		r.date = trim
	case "wp:post_date_gmt":
		r.dateGMT = trim
	case "wp:menu_order":
		it.MenuOrder, _ = strconv.Atoi(trim)
	case "wp:post_password":
		it.HasPassword = trim != ""
	case "wp:attachment_url":
		it.AttachmentURL = trim
	}
}

// meta reads a wp:postmeta element: its key and value.
func (p *parser) meta() (key, value string, err error) {
	for {
		t, err := p.next()
		if err != nil {
			return "", "", err
		}
		switch t := t.(type) {
		case xml.EndElement:
			return strings.TrimSpace(key), value, nil
		case xml.StartElement:
			s, err := p.text()
			if err != nil {
				return "", "", err
			}
			switch t.Name.Local {
			case "meta_key":
				key = s
			case "meta_value":
				value = s
			}
		}
	}
}

// text reads the character data of the element just started, up to its
// end; the text of any child elements is included.
func (p *parser) text() (string, error) {
	var b strings.Builder
	depth := 1
	for depth > 0 {
		t, err := p.next()
		if err != nil {
			return "", err
		}
		switch t := t.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			b.Write(t)
		}
	}
	return b.String(), nil
}

// skip reads past the element just started.
func (p *parser) skip() error {
	depth := 1
	for depth > 0 {
		t, err := p.next()
		if err != nil {
			return err
		}
		switch t.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// space names a namespace URL by the prefix exports use for it.
func space(url string) string {
	switch {
	case url == "":
		return ""
	case url == nsContent:
		return "content"
	case url == nsDC:
		return "dc"
	case strings.HasPrefix(url, nsWPPre) && strings.HasSuffix(url, "/excerpt/"):
		return "excerpt"
	case strings.HasPrefix(url, nsWPPre):
		return "wp"
	}
	return "other"
}

func domain(t xml.StartElement) string {
	for _, a := range t.Attr {
		if a.Name.Local == "domain" {
			return a.Value
		}
	}
	return ""
}

func appendName(list []string, s string) []string {
	s = strings.TrimSpace(html.UnescapeString(s))
	if s == "" {
		return list
	}
	for _, have := range list {
		if have == s {
			return list
		}
	}
	return append(list, s)
}

// itemDate is the item's date: post_date_gmt, else post_date as London
// wall-clock time, else the RSS pubDate, else the zero time.
func itemDate(dateGMT, date, pubDate string) time.Time {
	const layout = "2006-01-02 15:04:05"
	if t, err := time.Parse(layout, dateGMT); err == nil && t.Year() > 1 {
		return t.UTC()
	}
	if t, err := time.ParseInLocation(layout, date, hours.Location()); err == nil && t.Year() > 1 {
		return t.UTC()
	}
	for _, layout := range []string{time.RFC1123Z, time.RFC1123} {
		if t, err := time.Parse(layout, pubDate); err == nil && t.Year() > 1 {
			return t.UTC()
		}
	}
	return time.Time{}
}

// charsetReader accepts the encodings a WordPress export is written in:
// UTF-8 (every export since 2.1) and its subset ASCII.
func charsetReader(charset string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	}
	return nil, fmt.Errorf("the file declares the encoding %q; WordPress exports are UTF-8", charset)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

type tagTooLongError struct{}

func (*tagTooLongError) Error() string { return "tag too long" }

// tagGuard fails the read when a tag (from < to >, outside CDATA sections
// and comments) runs longer than maxTag bytes, before the decoder has to
// hold it. It is approximate on purpose: a > inside a quoted attribute
// ends the count early, which only lets a tag through.
type tagGuard struct {
	r     io.Reader
	state int // guardText, guardTag, guardCDATA, guardComment
	run   int // bytes of the current tag, or how much of a marker matched
	tail  []byte
}

const (
	guardText = iota
	guardTag
	guardCDATA
	guardComment
)

func (g *tagGuard) Read(b []byte) (int, error) {
	n, err := g.r.Read(b)
	p := b[:n]
	for i := 0; i < len(p); i++ {
		// Outside tags only < matters, inside CDATA and comments only >:
		// skip to it.
		stop := byte('<')
		if g.state == guardCDATA || g.state == guardComment {
			stop = '>'
		}
		if g.state != guardTag {
			k := bytes.IndexByte(p[i:], stop)
			if k < 0 {
				g.remember(p[i:])
				break
			}
			g.remember(p[i : i+k])
			i += k
		}
		if !g.step(p[i]) {
			return 0, &tagTooLongError{}
		}
	}
	return n, err
}

// remember keeps the last bytes seen in tail.
func (g *tagGuard) remember(p []byte) {
	if len(p) >= cap(g.tail) {
		g.tail = append(g.tail[:0], p[len(p)-cap(g.tail):]...)
		return
	}
	if over := len(g.tail) + len(p) - cap(g.tail); over > 0 {
		g.tail = g.tail[:copy(g.tail, g.tail[over:])]
	}
	g.tail = append(g.tail, p...)
}

// step advances the state machine by one byte; false: a tag is too long.
func (g *tagGuard) step(c byte) bool {
	// tail keeps the last few bytes to recognise <![CDATA[, <!--, ]]> and -->.
	g.remember([]byte{c})
	switch g.state {
	case guardText:
		if c == '<' {
			g.state, g.run = guardTag, 1
		}
	case guardTag:
		g.run++
		switch {
		case c == '>':
			g.state = guardText
		case bytes.HasSuffix(g.tail, []byte("<![CDATA[")):
			g.state = guardCDATA
		case bytes.HasSuffix(g.tail, []byte("<!--")):
			g.state = guardComment
		case g.run > maxTag:
			return false
		}
	case guardCDATA:
		if c == '>' && bytes.HasSuffix(g.tail, []byte("]]>")) {
			g.state = guardText
		}
	case guardComment:
		if c == '>' && bytes.HasSuffix(g.tail, []byte("-->")) {
			g.state = guardText
		}
	}
	return true
}
