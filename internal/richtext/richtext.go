// Package richtext turns the Markdown that PCN managers write into HTML that
// is safe to put in a page. It is the only producer of template.HTML from
// tenant input: goldmark renders (raw HTML in the source is dropped), then
// bluemonday keeps an allow-list of elements and attributes.
package richtext

import (
	"bytes"
	"fmt"
	"html/template"
	"regexp"
	"strconv"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// MaxSource bounds the Markdown accepted for one body (256 KiB).
const MaxSource = 256 << 10

var (
	md = goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
		goldmark.WithParserOptions(parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(demoteH1{}, 100), util.Prioritized(decorativeImages{}, 150), util.Prioritized(mediaSrcset{}, 200))),
	)
	policy = newPolicy()
)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false)
	p.RequireNoFollowOnFullyQualifiedLinks(false)
	p.AllowURLSchemes("http", "https", "mailto", "tel")
	p.AllowAttrs("id").Matching(bluemonday.SpaceSeparatedTokens).OnElements("h2", "h3", "h4", "h5", "h6")
	// Responsive images of the media library, and only those: srcset may
	// name nothing but this site's /media/ files.
	p.AllowAttrs("srcset").Matching(srcsetRE).OnElements("img")
	p.AllowAttrs("sizes").Matching(regexp.MustCompile(`^` + regexp.QuoteMeta(mediaSizes) + `$`)).OnElements("img")
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^lazy$`)).OnElements("img")
	return p
}

// mediaWidths are the standard widths the media library stores images at
// (media.Widths; a test keeps the two the same).
var mediaWidths = []int{320, 640, 1024, 1600}

// mediaSizes tells the browser how wide a body image is drawn: the text
// column's width on a large screen, the screen's width on a small one.
const mediaSizes = "(min-width: 768px) 720px, 100vw"

var (
	// mediaSrcRE is an image of the media library at one stored width.
	mediaSrcRE = regexp.MustCompile(`^/media/([0-9]{1,18})/([0-9]{1,5})\.(jpg|png)$`)
	srcsetRE   = regexp.MustCompile(`^/media/[0-9]{1,18}/[0-9]{1,5}\.(?:jpg|png) [0-9]{1,5}w(?:, /media/[0-9]{1,18}/[0-9]{1,5}\.(?:jpg|png) [0-9]{1,5}w)*$`)
)

// mediaSrcset gives images of the media library a srcset, without asking
// the database which widths exist: an image's src names its largest stored
// width (the Markdown the library offers does), and every standard width
// below that one is stored too.
type mediaSrcset struct{}

func (mediaSrcset) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		img, ok := n.(*ast.Image)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		m := mediaSrcRE.FindSubmatch(img.Destination)
		if m == nil {
			return ast.WalkContinue, nil
		}
		largest, err := strconv.Atoi(string(m[2]))
		if err != nil || largest <= 0 {
			return ast.WalkContinue, nil
		}
		var set []string
		for _, w := range mediaWidths {
			if w < largest {
				set = append(set, fmt.Sprintf("/media/%s/%d.%s %dw", m[1], w, m[3], w))
			}
		}
		set = append(set, fmt.Sprintf("/media/%s/%d.%s %dw", m[1], largest, m[3], largest))
		img.SetAttributeString("srcset", []byte(strings.Join(set, ", ")))
		img.SetAttributeString("sizes", []byte(mediaSizes))
		img.SetAttributeString("loading", []byte("lazy"))
		return ast.WalkContinue, nil
	})
}

// demoteH1 turns "# Heading" in a body into an h2: the page template owns
// the page's one h1.
type demoteH1 struct{}

func (demoteH1) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering && h.Level == 1 {
			h.Level = 2
		}
		return ast.WalkContinue, nil
	})
}

// Markdown renders src to sanitised HTML.
func Markdown(src string) (template.HTML, error) {
	if len(src) > MaxSource {
		return "", fmt.Errorf("richtext: body is %d bytes, the limit is %d", len(src), MaxSource)
	}
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("richtext: render markdown: %w", err)
	}
	return Sanitize(buf.String()), nil
}

// Sanitize reduces arbitrary HTML to the allow-list. Use it for HTML that was
// stored before and is being trusted again.
func Sanitize(html string) template.HTML {
	return template.HTML(policy.Sanitize(html)) //nolint:gosec // the sanitiser's output is the one trusted source
}
