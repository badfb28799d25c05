package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// walk visits n and its descendants depth first, iteratively (hostile
// pages nest deeply); fn returning false skips the node's children. fn may
// not remove nodes; collect them and remove afterwards.
func walk(n *html.Node, fn func(*html.Node) bool) {
	if n == nil {
		return
	}
	stack := []*html.Node{n}
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !fn(cur) {
			continue
		}
		for c := cur.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, c)
		}
	}
}

// elements returns the element nodes under n (n included) for which keep
// is true, in document order, without descending into kept ones.
func elements(n *html.Node, keep func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	walk(n, func(c *html.Node) bool {
		if c.Type == html.ElementNode && keep(c) {
			out = append(out, c)
			return false
		}
		return true
	})
	return out
}

func countElements(n *html.Node, limit int) int {
	count := 0
	walk(n, func(c *html.Node) bool {
		if c.Type == html.ElementNode {
			count++
		}
		return count < limit
	})
	return count
}

func countMatching(n *html.Node, match func(*html.Node) bool) int {
	count := 0
	walk(n, func(c *html.Node) bool {
		if c.Type == html.ElementNode && match(c) {
			count++
		}
		return true
	})
	return count
}

func firstElement(n *html.Node, a atom.Atom) *html.Node {
	var found *html.Node
	walk(n, func(c *html.Node) bool {
		if found != nil {
			return false
		}
		if c.Type == html.ElementNode && c.DataAtom == a {
			found = c
			return false
		}
		return true
	})
	return found
}

func remove(n *html.Node) {
	if n.Parent != nil {
		n.Parent.RemoveChild(n)
	}
}

// unwrap replaces n by its children.
func unwrap(n *html.Node) {
	p := n.Parent
	if p == nil {
		return
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		n.RemoveChild(c)
		p.InsertBefore(c, n)
		c = next
	}
	p.RemoveChild(n)
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return true
		}
	}
	return false
}

func setAttr(n *html.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

func insideTag(n *html.Node, a atom.Atom) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.DataAtom == a {
			return true
		}
	}
	return false
}

// textOf is the text under n (script and style excluded).
func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) bool {
		switch {
		case c.Type == html.TextNode:
			b.WriteString(c.Data)
			b.WriteByte(' ')
		case c.Type == html.ElementNode && (c.DataAtom == atom.Script || c.DataAtom == atom.Style || c.DataAtom == atom.Noscript || c.DataAtom == atom.Template):
			return false
		}
		return true
	})
	return b.String()
}

// collapse folds whitespace (nbsp included) to single spaces.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\u00a0' || r == '\u200b' || r == '\u2009' || r == '\u202f'
	}), " ")
}

func newDiv() *html.Node {
	return &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
}

// cloneNode deep-copies n, iteratively.
func cloneNode(n *html.Node) *html.Node {
	type pair struct{ src, dst *html.Node }
	copyOne := func(s *html.Node) *html.Node {
		d := &html.Node{Type: s.Type, DataAtom: s.DataAtom, Data: s.Data, Namespace: s.Namespace}
		d.Attr = append([]html.Attribute(nil), s.Attr...)
		return d
	}
	root := copyOne(n)
	stack := []pair{{n, root}}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for c := p.src.FirstChild; c != nil; c = c.NextSibling {
			d := copyOne(c)
			p.dst.AppendChild(d)
			stack = append(stack, pair{c, d})
		}
	}
	return root
}

// textPrefix is up to the first limit bytes of n's text, without walking
// the rest of a large subtree.
func textPrefix(n *html.Node, limit int) string {
	var b strings.Builder
	walk(n, func(c *html.Node) bool {
		if b.Len() > limit {
			return false
		}
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
			b.WriteByte(' ')
		}
		return c.Type != html.ElementNode || (c.DataAtom != atom.Script && c.DataAtom != atom.Style)
	})
	return b.String()
}
