package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// TestHTML checks the served HTML of every page type, as fetched with
// net/http: exactly one <h1>, <html lang="en-GB">, a non-empty <title>, a
// canonical link (error pages carry robots noindex instead), and no
// duplicate id attributes.
func TestHTML(t *testing.T) {
	for _, pc := range pages(t) {
		t.Run(pc.name, func(t *testing.T) {
			if pc.err != "" {
				t.Fatal(pc.err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			resp, err := srv.get(ctx, pc.host(), pc.path)
			if err != nil {
				t.Fatal(err)
			}
			if resp.status != pc.wantStatus {
				t.Fatalf("GET %s: status %d, want %d", pc.url(), resp.status, pc.wantStatus)
			}
			if ct := resp.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type %q, want text/html", ct)
			}
			doc, err := html.Parse(bytes.NewReader(resp.body))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			for _, problem := range checkHTML(doc, pc.wantStatus >= 400) {
				t.Errorf("GET %s: %s", pc.url(), problem)
			}
		})
	}
}

// checkHTML returns the structural problems of a parsed page.
func checkHTML(doc *html.Node, errorPage bool) []string {
	var problems []string
	var h1s, titles, canonicals []*html.Node
	var htmlEl *html.Node
	noindex := false
	ids := map[string]int{}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		if hasAttr(n, "id") {
			ids[attr(n, "id")]++
		}
		switch n.Data {
		case "html":
			htmlEl = n
		case "h1":
			h1s = append(h1s, n)
		case "title":
			// An SVG <title> is a different element.
			if n.Namespace == "" {
				titles = append(titles, n)
			}
		case "link":
			for _, rel := range strings.Fields(strings.ToLower(attr(n, "rel"))) {
				if rel == "canonical" {
					canonicals = append(canonicals, n)
				}
			}
		case "meta":
			if strings.EqualFold(attr(n, "name"), "robots") && strings.Contains(strings.ToLower(attr(n, "content")), "noindex") {
				noindex = true
			}
		}
	}

	if len(h1s) != 1 {
		var texts []string
		for _, h := range h1s {
			texts = append(texts, strings.TrimSpace(textOf(h)))
		}
		problems = append(problems, fmt.Sprintf("has %d <h1> elements, want exactly one %q", len(h1s), texts))
	}
	if htmlEl == nil || attr(htmlEl, "lang") != "en-GB" {
		lang := ""
		if htmlEl != nil {
			lang = attr(htmlEl, "lang")
		}
		problems = append(problems, fmt.Sprintf(`<html lang=%q>, want lang="en-GB"`, lang))
	}
	switch {
	case len(titles) != 1:
		problems = append(problems, fmt.Sprintf("has %d <title> elements, want one", len(titles)))
	case strings.TrimSpace(textOf(titles[0])) == "":
		problems = append(problems, "<title> is empty")
	}
	switch {
	case len(canonicals) > 1:
		problems = append(problems, fmt.Sprintf(`has %d <link rel="canonical">, want one`, len(canonicals)))
	case len(canonicals) == 1:
		href := attr(canonicals[0], "href")
		if u, err := url.Parse(href); err != nil || !u.IsAbs() || u.Host == "" {
			problems = append(problems, fmt.Sprintf(`<link rel="canonical" href=%q> is not an absolute URL`, href))
		}
		if errorPage {
			problems = append(problems, `an error page has <link rel="canonical">`)
		}
	case errorPage && !noindex:
		problems = append(problems, `an error page has neither <link rel="canonical"> nor <meta name="robots" content="noindex">`)
	case !errorPage:
		problems = append(problems, `has no <link rel="canonical">`)
	}
	var dups []string
	for id, n := range ids {
		if n > 1 {
			dups = append(dups, fmt.Sprintf("%q ×%d", id, n))
		}
	}
	sort.Strings(dups)
	if len(dups) > 0 {
		problems = append(problems, "duplicate id attributes: "+strings.Join(dups, ", "))
	}
	return problems
}

// textOf is the text content of a node.
func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}
