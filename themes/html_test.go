package themes

// Reading rendered HTML: walking the parsed tree, finding elements, links,
// text, classes, tags and headings, and asserting links and text.

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func parse(t *testing.T, s string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func elements(doc *html.Node, tag string) []*html.Node {
	var out []*html.Node
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			out = append(out, n)
		}
	})
	return out
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

func titleOf(doc *html.Node) string { return text(elements(doc, "title")[0]) }

// link finds an <a> by its text (visually hidden text included).
func link(doc *html.Node, linkText string) (href string, ok bool) {
	for _, a := range elements(doc, "a") {
		if text(a) == linkText {
			return attr(a, "href")
		}
	}
	return "", false
}

func wantLink(t *testing.T, doc *html.Node, linkText, wantHref string) {
	t.Helper()
	href, ok := link(doc, linkText)
	if !ok {
		t.Errorf("no link %q", linkText)
	} else if href != wantHref {
		t.Errorf("link %q href = %q, want %q", linkText, href, wantHref)
	}
}

func wantText(t *testing.T, doc *html.Node, want ...string) {
	t.Helper()
	all := text(doc)
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("page lacks text %q", w)
		}
	}
}

func byClass(doc *html.Node, class string) []*html.Node {
	var out []*html.Node
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		c, _ := attr(n, "class")
		for _, f := range strings.Fields(c) {
			if f == class {
				out = append(out, n)
				return
			}
		}
	})
	return out
}

// tags returns the text of each NHS.UK tag, with its colour class.
func tags(doc *html.Node) []string {
	var out []string
	for _, n := range byClass(doc, "nhsuk-tag") {
		c, _ := attr(n, "class")
		out = append(out, text(n)+" "+strings.TrimSpace(strings.TrimPrefix(c, "nhsuk-tag")))
	}
	return out
}

func headingTexts(doc *html.Node, tag string) []string {
	var out []string
	for _, h := range elements(doc, tag) {
		out = append(out, text(h))
	}
	return out
}

func isCanonical(n *html.Node) bool {
	rel, _ := attr(n, "rel")
	return rel == "canonical"
}

func isFeed(n *html.Node) bool {
	rel, _ := attr(n, "rel")
	typ, _ := attr(n, "type")
	return rel == "alternate" && typ == "application/atom+xml"
}

func isChildOf(n *html.Node, tag string) bool {
	return n.Parent != nil && n.Parent.Type == html.ElementNode && n.Parent.Data == tag
}
