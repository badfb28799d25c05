// Package richtext turns the Markdown that PCN managers write into HTML that
// is safe to put in a page. It is the only producer of template.HTML from
// tenant input: goldmark renders (raw HTML in the source is dropped), then
// bluemonday keeps an allow-list of elements and attributes.
package richtext

import (
	"bytes"
	"fmt"
	"html/template"

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
			parser.WithASTTransformers(util.Prioritized(demoteH1{}, 100))),
	)
	policy = newPolicy()
)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false)
	p.RequireNoFollowOnFullyQualifiedLinks(false)
	p.AllowURLSchemes("http", "https", "mailto", "tel")
	p.AllowAttrs("id").Matching(bluemonday.SpaceSeparatedTokens).OnElements("h2", "h3", "h4", "h5", "h6")
	return p
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
