package richtext

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// DecorativeTitle, as an image's title, marks it as decoration on purpose:
// ![](/media/3/1600.jpg "decorative") is drawn with an empty alt text and no
// title, so screen readers skip it, and ImagesWithoutAlt does not count it.
const DecorativeTitle = "decorative"

// isDecorative reports whether an image's title is the decorative marker.
func isDecorative(title []byte) bool {
	return strings.EqualFold(strings.TrimSpace(string(title)), DecorativeTitle)
}

// decorativeImages draws an image marked decorative with alt="" and no
// title.
type decorativeImages struct{}

func (decorativeImages) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		img, ok := n.(*ast.Image)
		if !ok || !entering || !isDecorative(img.Title) {
			return ast.WalkContinue, nil
		}
		img.Title = nil
		img.RemoveChildren(img)
		return ast.WalkSkipChildren, nil
	})
}

// altParser parses as md does, without md's transformers: it must see the
// decorative marker before decorativeImages takes it away.
var altParser = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify)).Parser()

// ImagesWithoutAlt returns the address of every image in the Markdown src
// that has no alt text (nothing, or only spaces, between its square
// brackets) and is not marked decorative, in the order they appear. Raw
// HTML is not drawn at all (Markdown drops it), so only Markdown images
// count. A body over MaxSource, which no save accepts, returns nil.
func ImagesWithoutAlt(src string) []string {
	if len(src) > MaxSource {
		return nil
	}
	source := []byte(src)
	doc := altParser.Parse(text.NewReader(source))
	var out []string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		img, ok := n.(*ast.Image)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		if !isDecorative(img.Title) && len(bytes.TrimSpace(altText(img, source))) == 0 {
			out = append(out, string(img.Destination))
		}
		return ast.WalkSkipChildren, nil
	})
	return out
}

// altText is the text an image's alt attribute is made of, as goldmark's
// HTML renderer collects it.
func altText(n ast.Node, source []byte) []byte {
	var b []byte
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch t := c.(type) {
		case *ast.Text:
			b = append(b, t.Segment.Value(source)...)
		case *ast.String:
			b = append(b, t.Value...)
		default:
			b = append(b, altText(c, source)...)
		}
	}
	return b
}
