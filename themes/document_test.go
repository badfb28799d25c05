package themes

// What every rendered document must pass: its structure, the content
// security policy, its assets (checkDocument), and the WCAG 2.2 AA checks
// that can be made on markup (checkA11y).

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// checkDocument applies the structural, CSP and asset checks every page must pass.
func checkDocument(t *testing.T, r *Registry, out string) *html.Node {
	t.Helper()
	doc := parse(t, out)
	if !strings.HasPrefix(out, "<!DOCTYPE html>") {
		t.Errorf("no doctype at start")
	}
	htmlEl := elements(doc, "html")
	if len(htmlEl) != 1 {
		t.Fatalf("want one <html>, got %d", len(htmlEl))
	}
	if lang, _ := attr(htmlEl[0], "lang"); lang != "en-GB" {
		t.Errorf("html lang = %q, want en-GB", lang)
	}
	if h1 := elements(doc, "h1"); len(h1) != 1 {
		t.Errorf("want exactly one <h1>, got %d", len(h1))
	} else if text(h1[0]) == "" {
		t.Errorf("empty <h1>")
	}
	mains := elements(doc, "main")
	if len(mains) != 1 {
		t.Errorf("want exactly one <main>, got %d", len(mains))
	} else if id, _ := attr(mains[0], "id"); id != "maincontent" {
		t.Errorf("<main id=%q>, want maincontent", id)
	}
	var skip bool
	for _, a := range elements(doc, "a") {
		if href, _ := attr(a, "href"); href == "#maincontent" && text(a) == "Skip to main content" {
			skip = true
		}
	}
	if !skip {
		t.Errorf("no skip link to #maincontent")
	}
	if titles := elements(doc, "title"); len(titles) != 1 || text(titles[0]) == "" {
		t.Errorf("want one non-empty <title>")
	}
	var viewport bool
	for _, m := range elements(doc, "meta") {
		if name, _ := attr(m, "name"); name == "viewport" {
			viewport = true
		}
	}
	if !viewport {
		t.Errorf("no <meta name=viewport>")
	}
	if n := len(elements(doc, "style")); n != 0 {
		t.Errorf("%d inline <style> elements (CSP style-src 'self')", n)
	}
	ids := map[string]bool{}
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		for _, a := range n.Attr {
			switch {
			case a.Key == "style":
				t.Errorf("<%s style=%q> (CSP style-src 'self')", n.Data, a.Val)
			case strings.HasPrefix(a.Key, "on"):
				t.Errorf("<%s %s=...> inline event handler", n.Data, a.Key)
			case a.Key == "id":
				if ids[a.Val] {
					t.Errorf("duplicate id %q", a.Val)
				}
				ids[a.Val] = true
			}
		}
	})
	var ld int
	for _, s := range elements(doc, "script") {
		src, ok := attr(s, "src")
		typ, _ := attr(s, "type")
		if typ == "application/ld+json" {
			// A data block: not executed, so the CSP does not apply to it.
			ld++
			if ok || !isChildOf(s, "head") {
				t.Errorf("JSON-LD script with src or outside <head>")
			}
			continue
		}
		if !ok || src == "" || s.FirstChild != nil {
			t.Errorf("inline <script> (CSP script-src 'self')")
		}
		if typ != "module" {
			t.Errorf("<script src=%q> type=%q, want module", src, typ)
		}
	}
	if ld > 1 {
		t.Errorf("%d JSON-LD scripts, want at most one", ld)
	}
	// Every /static/ URL resolves; stylesheets, scripts and icons are never third-party.
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		for _, a := range n.Attr {
			if a.Key != "href" && a.Key != "src" {
				continue
			}
			if strings.HasPrefix(a.Val, "/static/") {
				if _, ok := r.Asset(a.Val); !ok {
					t.Errorf("<%s %s=%q> does not resolve through Asset()", n.Data, a.Key, a.Val)
				}
			}
			if (n.Data == "script" || (n.Data == "link" && !isCanonical(n) && !isFeed(n))) && !strings.HasPrefix(a.Val, "/static/") {
				t.Errorf("<%s %s=%q> is not a /static/ asset", n.Data, a.Key, a.Val)
			}
		}
	})
	return doc
}

// checkA11y applies the WCAG 2.2 AA checks that can be made on markup:
// heading levels never skip (the first heading may be the h2 of an
// announcement above the h1), every table has a caption and scoped header
// cells, every image has alt text, every link has text, and one link text
// never leads to two places.
func checkA11y(t *testing.T, doc *html.Node) {
	t.Helper()
	prev := 0
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode || len(n.Data) != 2 || n.Data[0] != 'h' || n.Data[1] < '1' || n.Data[1] > '6' {
			return
		}
		level := int(n.Data[1] - '0')
		if (prev == 0 && level > 2) || (prev > 0 && level > prev+1) {
			t.Errorf("heading <%s>%s</%s> follows h%d", n.Data, text(n), n.Data, prev)
		}
		if text(n) == "" {
			t.Errorf("empty <%s>", n.Data)
		}
		prev = level
	})
	for _, tbl := range elements(doc, "table") {
		caps := elements(tbl, "caption")
		if len(caps) != 1 || text(caps[0]) == "" || tbl.FirstChild == nil {
			t.Errorf("table without a caption")
		}
		ths := elements(tbl, "th")
		if len(ths) == 0 {
			t.Errorf("table without header cells")
		}
		for _, th := range ths {
			if scope, _ := attr(th, "scope"); scope != "col" && scope != "row" {
				t.Errorf("<th>%s</th> scope=%q", text(th), scope)
			}
		}
	}
	for _, img := range elements(doc, "img") {
		if _, ok := attr(img, "alt"); !ok {
			src, _ := attr(img, "src")
			t.Errorf("<img src=%q> without alt", src)
		}
	}
	dest := map[string]string{}
	for _, a := range elements(doc, "a") {
		href, ok := attr(a, "href")
		if !ok {
			continue
		}
		name := text(a)
		if name == "" {
			for _, img := range elements(a, "img") {
				name, _ = attr(img, "alt")
			}
		}
		if name == "" {
			t.Errorf("link to %q has no text", href)
			continue
		}
		if d, ok := dest[name]; ok && d != href {
			t.Errorf("link text %q leads to %q and %q", name, d, href)
		}
		dest[name] = href
	}
}
