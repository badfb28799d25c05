package extract

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/base"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/commonmark"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/table"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var separatorOnly = regexp.MustCompile(`^\s*[·•|/–—-]\s*$`)

var readMore = regexp.MustCompile(`(?i)^\W*(read more|read the full (story|article|post)|continue reading|find out more|more|more info|click here to read more)\W*$`)

// tidy cleans the chosen content in place and lists its images and links.
func tidy(d *Doc, content *html.Node) {
	removeUnportable(content)
	stripChrome(content)
	dropTitleHeading(content, d.Title)
	unwrapLayoutTables(content)
	fixLinks(content)
	dropEmpty(content)
	d.Images, d.Links = nil, nil
	walk(content, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		switch n.DataAtom {
		case atom.Img:
			if u, err := url.Parse(attr(n, "src")); err == nil {
				d.Images = append(d.Images, Image{Src: u, Alt: collapse(attr(n, "alt"))})
			}
		case atom.A:
			if u, err := url.Parse(attr(n, "href")); err == nil {
				d.Links = append(d.Links, Link{URL: u, Text: collapse(textOf(n))})
			}
		}
		return true
	})
}

func headingLevel(n *html.Node) int {
	switch n.DataAtom {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

var headingAtoms = [7]atom.Atom{0, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6}

// dropTitleHeading removes the h1 that is the title (it is Doc.Title) and,
// if other h1s remain, moves every heading one level down so the title is
// the page's only h1.
func dropTitleHeading(content *html.Node, title string) {
	headings := elements(content, func(n *html.Node) bool { return headingLevel(n) > 0 })
	for i, h := range headings {
		// The h1, or a first heading of another level that repeats the
		// title (hand-written pages that start at h2).
		if h.DataAtom == atom.H1 || i == 0 {
			if strings.EqualFold(collapse(textOf(h)), title) {
				remove(h)
				break
			}
		}
		if h.DataAtom == atom.H1 {
			break
		}
	}
	// readability turns a lone h1 it keeps into an h2; an h1 left now
	// is a second one.
	if firstElement(content, atom.H1) == nil {
		return
	}
	for _, h := range elements(content, func(n *html.Node) bool { return headingLevel(n) > 0 }) {
		if l := headingLevel(h); l < 6 {
			h.DataAtom = headingAtoms[l+1]
			h.Data = "h" + strconv.Itoa(l+1)
		}
	}
}

// unwrapLayoutTables turns tables used for page layout (nested tables,
// headings or paragraphs in cells, role=presentation) into plain blocks,
// innermost first; data tables (opening hours) stay tables.
func unwrapLayoutTables(content *html.Node) {
	var tables []*html.Node
	walk(content, func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.DataAtom == atom.Table {
			tables = append(tables, n)
		}
		return true
	})
	for i := len(tables) - 1; i >= 0; i-- {
		t := tables[i]
		if !isLayoutTable(t) {
			continue
		}
		var parts []*html.Node
		walk(t, func(n *html.Node) bool {
			if n == t {
				return true
			}
			if n.Type == html.ElementNode && n.DataAtom == atom.Table {
				return false // an inner data table stays whole
			}
			if n.Type == html.ElementNode && (n.DataAtom == atom.Td || n.DataAtom == atom.Th || n.DataAtom == atom.Caption) {
				parts = append(parts, n)
				return false
			}
			return true
		})
		for _, cell := range parts {
			div := newDiv()
			for c := cell.FirstChild; c != nil; {
				next := c.NextSibling
				cell.RemoveChild(c)
				div.AppendChild(c)
				c = next
			}
			if t.Parent != nil {
				t.Parent.InsertBefore(div, t)
			}
		}
		remove(t)
	}
}

func isLayoutTable(t *html.Node) bool {
	if r := attr(t, "role"); r == "presentation" || r == "none" {
		return true
	}
	layout := false
	rows, maxCols := 0, 0
	walk(t, func(n *html.Node) bool {
		if layout || n.Type != html.ElementNode {
			return !layout
		}
		if n != t {
			switch n.DataAtom {
			case atom.Table, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.P, atom.Ul, atom.Ol, atom.Blockquote, atom.Div, atom.Figure:
				layout = true
				return false
			case atom.Tr:
				rows++
				cols := 0
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.DataAtom == atom.Td || c.DataAtom == atom.Th {
						cols++
					}
				}
				if cols > maxCols {
					maxCols = cols
				}
			}
		}
		return true
	})
	return layout || rows <= 1 || maxCols <= 1
}

// fixLinks unwraps links that go nowhere, drops "Read more" links that
// repeat another link, and moves a link wrapped round a whole teaser onto
// its heading.
func fixLinks(content *html.Node) {
	anchors := elements(content, func(n *html.Node) bool { return n.DataAtom == atom.A })
	count := map[string]int{}
	for _, a := range anchors {
		count[attr(a, "href")]++
	}
	for _, a := range anchors {
		href := strings.TrimSpace(attr(a, "href"))
		l := strings.ToLower(href)
		switch {
		case href == "" || strings.HasPrefix(href, "#") || strings.HasPrefix(l, "javascript:") || strings.HasPrefix(l, "data:") || strings.HasPrefix(l, "vbscript:"):
			unwrap(a)
			continue
		case readMore.MatchString(collapse(textOf(a))) && firstElement(a, atom.Img) == nil && (count[href] > 1 || len(anchors) == 1 || a.Parent != nil && isAlone(a)):
			remove(a)
			continue
		case collapse(textOf(a)) == "" && firstElement(a, atom.Img) == nil:
			remove(a)
			continue
		}
		a.Attr = keepAttrs(a.Attr, "href", "title")
		// Read-more labels inside a teaser link are the link's own text.
		for _, rm := range elements(a, func(n *html.Node) bool {
			return n != a && isBlock(n.DataAtom) && readMore.MatchString(collapse(textOf(n)))
		}) {
			remove(rm)
		}
		if hasBlockInside(a) {
			liftBlockLink(a)
		}
	}
}

// isAlone: the link is the only thing in its paragraph ("Read more" on a
// post linking to itself).
func isAlone(a *html.Node) bool {
	p := a.Parent
	return (p.DataAtom == atom.P || p.DataAtom == atom.Div) && collapse(textOf(p)) == collapse(textOf(a))
}

func hasBlockInside(a *html.Node) bool {
	found := false
	walk(a, func(n *html.Node) bool {
		if n != a && n.Type == html.ElementNode && isBlock(n.DataAtom) {
			found = true
		}
		return !found
	})
	return found
}

// liftBlockLink turns <a href><h2>T</h2><p>…</p></a> into
// <h2><a href>T</a></h2><p>…</p>.
func liftBlockLink(a *html.Node) {
	target := elements(a, func(n *html.Node) bool { return headingLevel(n) > 0 })
	if len(target) == 0 {
		target = elements(a, func(n *html.Node) bool { return n.DataAtom == atom.P })
	}
	if len(target) > 0 {
		t := target[0]
		link := &html.Node{Type: html.ElementNode, Data: "a", DataAtom: atom.A, Attr: keepAttrs(a.Attr, "href", "title")}
		for c := t.FirstChild; c != nil; {
			next := c.NextSibling
			t.RemoveChild(c)
			link.AppendChild(c)
			c = next
		}
		t.AppendChild(link)
	}
	unwrap(a)
}

// dropEmpty removes paragraphs, headings and containers with no text and
// no image, and turns non-breaking spaces into spaces.
func dropEmpty(content *html.Node) {
	walk(content, func(n *html.Node) bool {
		if n.Type == html.TextNode {
			n.Data = strings.NewReplacer("\u00a0", " ", "\u200b", "").Replace(n.Data)
			// "12 Mar 2024 · 1 min read": with the metadata gone, the
			// separators between spans are left dangling.
			if separatorOnly.MatchString(n.Data) && (n.PrevSibling != nil || n.NextSibling != nil) {
				n.Data = " "
			}
		}
		return true
	})
	for {
		var empty []*html.Node
		walk(content, func(n *html.Node) bool {
			if n == content || n.Type != html.ElementNode {
				return true
			}
			switch n.DataAtom {
			case atom.Img, atom.Br, atom.Hr, atom.Td, atom.Th, atom.Tr:
				return false
			}
			if strings.TrimSpace(textOf(n)) == "" && firstElement(n, atom.Img) == nil && firstElement(n, atom.Hr) == nil {
				empty = append(empty, n)
				return false
			}
			return true
		})
		if len(empty) == 0 {
			return
		}
		for _, n := range empty {
			remove(n)
		}
	}
}

// Markdown writes the content as page Markdown: headings keep their levels
// below the title (the content's own h1 becomes the title and is not
// repeated), links and images go through rw.
func (d *Doc) Markdown(rw Rewrite) string {
	if d == nil || d.content == nil {
		return ""
	}
	c := cloneNode(d.content)
	walk(c, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		switch n.DataAtom {
		case atom.A:
			if rw.Link == nil {
				return true
			}
			if u, err := url.Parse(attr(n, "href")); err == nil {
				if s := rw.Link(u); s != "" {
					setAttr(n, "href", s)
				}
			}
		case atom.Img:
			if rw.Image == nil {
				return true
			}
			if u, err := url.Parse(attr(n, "src")); err == nil {
				if s := rw.Image(Image{Src: u, Alt: collapse(attr(n, "alt"))}); s != "" {
					setAttr(n, "src", s)
				}
			}
		}
		return true
	})
	conv := converter.NewConverter(converter.WithPlugins(
		base.NewBasePlugin(),
		commonmark.NewCommonmarkPlugin(),
		table.NewTablePlugin(table.WithSkipEmptyRows(true), table.WithHeaderPromotion(true)),
	))
	out, err := conv.ConvertNode(c)
	if err != nil {
		return collapse(textOf(c))
	}
	return cleanMarkdown(string(out))
}

var (
	rawTag     = regexp.MustCompile(`<([A-Za-z/!?])`)
	blankLines = regexp.MustCompile(`\n{3,}`)
)

// cleanMarkdown trims lines, folds runs of blank lines, and escapes any
// "<tag" the converter let through as text, so no raw HTML reaches the page.
func cleanMarkdown(md string) string {
	lines := strings.Split(md, "\n")
	for i, l := range lines {
		l = strings.TrimRight(l, " \t\u00a0")
		if strings.TrimSpace(strings.ReplaceAll(l, "\u00a0", "")) == "" {
			l = ""
		}
		lines[i] = l
	}
	md = strings.Join(lines, "\n")
	md = rawTag.ReplaceAllString(md, "&lt;$1")
	md = blankLines.ReplaceAllString(md, "\n\n")
	return strings.TrimSpace(md) + "\n"
}

// minLead is the fewest characters a paragraph needs to be a page's lead
// (Lead): a shorter first paragraph is a caption or a byline.
const minLead = 40

// Lead is the content's first paragraph of some length as plain text, cut
// to at most max characters at a word with "…": a news item's summary when
// the old site gives none, in its own words. "" when there is none.
func (d *Doc) Lead(max int) string {
	if d == nil || d.content == nil {
		return ""
	}
	var lead string
	walk(d.content, func(n *html.Node) bool {
		if lead != "" {
			return false
		}
		if n.Type != html.ElementNode || n.DataAtom != atom.P {
			return true
		}
		var b strings.Builder
		walk(n, func(c *html.Node) bool {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(c.Data)
			case c.DataAtom == atom.Br:
				b.WriteByte(' ')
			case c.Type == html.ElementNode && (c.DataAtom == atom.Script || c.DataAtom == atom.Style):
				return false
			}
			return true
		})
		if s := collapse(b.String()); utf8.RuneCountInString(s) >= minLead {
			lead = s
		}
		return false
	})
	return CutAtWord(lead, max)
}

// CutAtWord shortens s to at most max characters, ending at a word with
// "…" when anything is cut.
func CutAtWord(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)[:max-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:-–—") + "…"
}
