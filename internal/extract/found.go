package extract

import (
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var (
	dayName   = regexp.MustCompile(`(?i)\b(mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)(day|sday|nesday|rsday|urday)?\b`)
	timeOfDay = regexp.MustCompile(`(?i)\b(\d{1,2}([:.]\d{2})?\s?(am|pm|a\.m\.|p\.m\.)|([01]?\d|2[0-3])[:.][0-5]\d)\b|\bnoon\b|\bmidday\b`)
	monthName = regexp.MustCompile(`(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)(uary|ruary|ch|il|e|y|ust|tember|ober|ember)?\b|\b\d{1,2}(st|nd|rd|th)\b`)

	// ukPhone: a UK number written the usual ways: 01632 960123,
	// (01632) 960123, 020 7946 0321, 0300 123 4567, 07700 900123,
	// +44 1632 960789, +44 (0)20 7946 0321.
	ukPhone = regexp.MustCompile(`(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}\b`)

	vacancyWords = regexp.MustCompile(`(?i)\b(vacanc(y|ies)|jobs?|careers?|recruitment|work(ing)? (for|with) us|join (our|the) team)\b`)
	newsDate     = regexp.MustCompile(`(?i)^\W*(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}(st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4})`)
)

// findKnown looks in region for what the platform already has a home for.
func findKnown(region *html.Node, title string) []Found {
	var out []Found
	if hours := openingHours(region); len(hours) > 0 {
		detail := strings.Join(hours, "; ")
		if len(hours) > 3 {
			detail = strings.Join(hours[:3], "; ") + " …"
		}
		out = append(out, Found{Kind: "hours", Detail: "opening hours (" + detail + ")"})
	}
	for _, p := range phoneNumbers(region) {
		out = append(out, Found{Kind: "phone", Detail: p})
	}
	if n := datedItems(region); n >= 3 {
		out = append(out, Found{Kind: "news", Detail: fmt.Sprintf("a news listing (%d dated items)", n)})
	}
	if h := vacanciesHeading(region, title); h != "" {
		out = append(out, Found{Kind: "vacancies", Detail: "a vacancies page (“" + h + "”)"})
	}
	return out
}

// blocks are the region's lines of text: block elements and <br> end a
// line; table cells of one row stay on it.
func blocks(region *html.Node) []string {
	var b strings.Builder
	var visit func(n *html.Node, depth int)
	visit = func(n *html.Node, depth int) {
		if depth > 400 {
			return
		}
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template:
				return
			case atom.Br:
				b.WriteByte('\n')
				return
			case atom.Td, atom.Th:
				b.WriteByte(' ')
			}
		}
		block := n.Type == html.ElementNode && isBlock(n.DataAtom)
		if block {
			b.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c, depth+1)
		}
		if block {
			b.WriteByte('\n')
		}
	}
	visit(region, 0)
	var out []string
	for _, line := range strings.Split(b.String(), "\n") {
		if l := collapse(line); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Table, atom.Tr, atom.Tbody, atom.Thead, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Section, atom.Article, atom.Header, atom.Footer, atom.Main, atom.Figure, atom.Figcaption, atom.Caption, atom.Dl, atom.Dt, atom.Dd,
		atom.Blockquote, atom.Pre, atom.Hr, atom.Center, atom.Address, atom.Form, atom.Body:
		return true
	}
	return false
}

// openingHours finds texts naming a day then a time ("Monday to Friday:
// 8:00am – 6:30pm", "Mon – Fri 08:00 – 18:30"), not dates of events
// ("Saturday 7 October, 9am").
func openingHours(region *html.Node) []string {
	var out []string
	seen := map[string]bool{}
	for _, b := range blocks(region) {
		for _, d := range dayName.FindAllStringIndex(b, -1) {
			rest := b[d[1]:]
			if len(rest) > 60 {
				rest = rest[:60]
			}
			t := timeOfDay.FindStringIndex(rest)
			if t == nil || monthName.MatchString(rest[:t[0]]) {
				continue
			}
			snippet := strings.TrimSpace(b[d[0]:])
			if len(snippet) > 80 {
				snippet = strings.TrimSpace(snippet[:80]) + "…"
			}
			if !seen[snippet] {
				seen[snippet] = true
				out = append(out, snippet)
			}
			break
		}
	}
	return out
}

func phoneNumbers(region *html.Node) []string {
	var out []string
	seen := map[string]bool{}
	add := func(number, context string) {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, number)
		if strings.HasPrefix(number, "+44") {
			digits = "0" + strings.TrimPrefix(strings.TrimPrefix(digits, "44"), "0")
		}
		if len(digits) < 10 || len(digits) > 11 || seen[digits] {
			return
		}
		seen[digits] = true
		label := strings.TrimSpace(number)
		if strings.Contains(strings.ToLower(context), "fax") {
			label += " (fax)"
		}
		out = append(out, label)
	}
	walk(region, func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.DataAtom == atom.A && strings.HasPrefix(strings.ToLower(attr(n, "href")), "tel:") {
			add(collapse(textOf(n)), "")
		}
		return true
	})
	for _, b := range blocks(region) {
		for _, m := range ukPhone.FindAllStringIndex(b, -1) {
			start := m[0] - 12
			if start < 0 {
				start = 0
			}
			add(b[m[0]:m[1]], b[start:m[0]])
		}
	}
	return out
}

// datedItems counts teasers that carry a date: <article>s with a <time>
// or a date, and paragraphs or list items that start with one.
func datedItems(region *html.Node) int {
	articles := 0
	for _, a := range elements(region, func(n *html.Node) bool { return n.DataAtom == atom.Article || hasClass(n, "post") }) {
		if firstElement(a, atom.Time) != nil || hasDate(collapse(textOf(a))) {
			articles++
		}
	}
	lines := 0
	for _, b := range blocks(region) {
		if newsDate.MatchString(b) && len(b) > 20 {
			lines++
		}
	}
	if lines > articles {
		return lines
	}
	return articles
}

var anyDate = regexp.MustCompile(`(?i)\b\d{1,2}(st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b`)

func hasDate(s string) bool { return anyDate.MatchString(s) }

func vacanciesHeading(region *html.Node, title string) string {
	if vacancyWords.MatchString(title) {
		return title
	}
	for _, h := range elements(region, func(n *html.Node) bool {
		return n.DataAtom == atom.H1 || n.DataAtom == atom.H2 || n.DataAtom == atom.H3
	}) {
		if t := collapse(textOf(h)); vacancyWords.MatchString(t) && !strings.Contains(strings.ToLower(t), "nhs jobs") {
			return t
		}
	}
	return ""
}
