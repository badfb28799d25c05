package wxr

import "strings"

// autop applies WordPress's paragraph rule (wpautop) to HTML written in
// the classic editor: text separated by a blank line becomes paragraphs
// and a single newline a line break, except next to block-level tags
// (<ul>, <table>, <h2>…) and inside elements whose text is kept as written
// (<pre>, <script>, <textarea>…) or inside tags.
//
// It only inserts <p>, </p> and <br> (after normalising line endings to
// \n): every byte of the input stays, in order. Unlike WordPress's
// regular expressions it works on tokens, so it never puts a <p> inside a
// tag, and text directly inside a block element is wrapped only when the
// element holds more than one paragraph of it (or is a <blockquote>).
func autop(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	if strings.TrimSpace(s) == "" {
		return s
	}
	toks := tokenize(s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	var stack []string // open block elements
	runStart := 0
	for i, t := range toks {
		if !t.block {
			continue
		}
		writeRun(&b, s, toks[runStart:i], container(stack))
		b.WriteString(s[t.a:t.b])
		runStart = i + 1
		stack = moveStack(stack, t)
	}
	writeRun(&b, s, toks[runStart:], container(stack))
	return b.String()
}

type tokKind int

const (
	tokText    tokKind = iota
	tokTag             // an open, close or self-closing tag
	tokComment         // <!-- … -->, <!…>, <?…>
	tokRaw             // an element whose content is kept as written, open tag to close tag
)

type token struct {
	kind    tokKind
	a, b    int    // s[a:b]
	name    string // tags: lower-case element name
	closing bool   // </name>
	void    bool   // self-closing or a void element
	block   bool
}

// blockTags are the block-level elements of wpautop, plus <main>.
var blockTags = set("table", "thead", "tfoot", "caption", "col", "colgroup", "tbody", "tr", "td", "th",
	"div", "dl", "dd", "dt", "ul", "ol", "li", "pre", "form", "map", "area", "blockquote", "address",
	"style", "p", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "fieldset", "legend", "section", "article",
	"aside", "hgroup", "header", "footer", "nav", "figure", "figcaption", "details", "menu", "summary", "main")

// rawTags keep their content as written: no paragraphs or breaks inside.
var rawTags = set("pre", "script", "style", "textarea", "svg", "math", "select", "object", "audio",
	"video", "iframe", "noscript", "template")

// voidTags never have content or a closing tag.
var voidTags = set("hr", "col", "area", "br", "img", "input", "meta", "link", "source", "track",
	"wbr", "embed", "param", "base")

// phrasing are block elements whose content must not hold paragraphs.
var phrasing = set("p", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "caption", "figcaption", "summary",
	"legend", "address")

// noText are block elements whose content is only other elements.
var noText = set("table", "thead", "tfoot", "tbody", "tr", "colgroup", "ul", "ol", "dl", "menu", "hgroup", "map")

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// tokenize splits HTML into text, tags, comments and raw elements. It
// is lenient as browsers are: a < that does not start a tag is text, and
// a tag or comment that never ends runs to the end of the input.
func tokenize(s string) []token {
	var toks []token
	text := 0 // start of the pending text
	flush := func(end int) {
		if end > text {
			toks = append(toks, token{kind: tokText, a: text, b: end})
		}
	}
	for i := 0; i < len(s); {
		if s[i] != '<' || i+1 >= len(s) {
			i++
			continue
		}
		c := s[i+1]
		var t token
		switch {
		case strings.HasPrefix(s[i:], "<!--"):
			t = token{kind: tokComment, a: i, b: endAfter(s, i+4, "-->")}
		case c == '!' || c == '?':
			t = token{kind: tokComment, a: i, b: endAfter(s, i+2, ">")}
		case c == '/' && i+2 < len(s) && isLetter(s[i+2]):
			t = token{kind: tokTag, a: i, closing: true, name: tagName(s, i+2)}
			t.b = endAfter(s, i+2, ">")
		case isLetter(c):
			t = token{kind: tokTag, a: i, name: tagName(s, i+1), b: tagEnd(s, i+1)}
			t.void = voidTags[t.name] || strings.HasSuffix(s[t.a:t.b], "/>")
		default:
			i++
			continue
		}
		flush(i)
		t.block = blockTags[t.name]
		if t.kind == tokTag && !t.closing && !t.void && rawTags[t.name] {
			t.kind = tokRaw
			t.b = rawEnd(s, t.b, t.name)
		}
		toks = append(toks, t)
		i = t.b
		text = i
	}
	flush(len(s))
	return toks
}

// endAfter is the index after the first marker at or after i, or len(s).
func endAfter(s string, i int, marker string) int {
	if k := strings.Index(s[i:], marker); k >= 0 {
		return i + k + len(marker)
	}
	return len(s)
}

func tagName(s string, i int) string {
	j := i
	for j < len(s) && (isAlnum(s[j]) || s[j] == '-' || s[j] == ':') {
		j++
	}
	return strings.ToLower(s[i:j])
}

// tagEnd is the index after the > that ends the tag started before i,
// skipping quoted attribute values, or len(s).
func tagEnd(s string, i int) int {
	var quote byte
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i + 1
		}
	}
	return len(s)
}

// rawEnd is the index after the </name> that closes a raw element whose
// content starts at i, or len(s).
func rawEnd(s string, i int, name string) int {
	for k := i; ; {
		j := strings.Index(s[k:], "</")
		if j < 0 {
			return len(s)
		}
		k += j + 2
		if len(s)-k >= len(name) && strings.EqualFold(s[k:k+len(name)], name) {
			e := k + len(name)
			if e >= len(s) || !isAlnum(s[e]) && s[e] != '-' {
				return endAfter(s, e, ">")
			}
		}
	}
}

// moveStack updates the open block elements after block tag t, closing
// the elements HTML closes implicitly (a <p> before any block, an <li>
// before the next).
func moveStack(stack []string, t token) []string {
	top := func() string {
		if len(stack) == 0 {
			return ""
		}
		return stack[len(stack)-1]
	}
	if t.closing {
		for k := len(stack) - 1; k >= 0; k-- {
			if stack[k] == t.name {
				return stack[:k]
			}
		}
		return stack
	}
	if top() == "p" {
		stack = stack[:len(stack)-1]
	}
	switch t.name {
	case "li", "dt", "dd", "td", "th", "tr":
		if top() == t.name || (t.name == "dt" || t.name == "dd") && (top() == "dt" || top() == "dd") ||
			(t.name == "td" || t.name == "th") && (top() == "td" || top() == "th") {
			stack = stack[:len(stack)-1]
		}
		if t.name == "tr" && (top() == "td" || top() == "th") {
			stack = stack[:len(stack)-1]
			if top() == "tr" {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if t.void || t.kind == tokRaw {
		return stack
	}
	return append(stack, t.name)
}

func container(stack []string) string {
	if len(stack) == 0 {
		return ""
	}
	return stack[len(stack)-1]
}

// segment is a piece of a paragraph: a token, or part of a text token.
type segment struct {
	kind tokKind
	a, b int
	name string
}

// writeRun writes a run of inline tokens (between two block tags),
// wrapping its paragraphs as the container allows.
func writeRun(b *strings.Builder, s string, run []token, in string) {
	if len(run) == 0 {
		return
	}
	// Split the run into paragraphs at blank lines in its text.
	var paras [][]segment
	var seps [][2]int
	var cur []segment
	for _, t := range run {
		if t.kind != tokText {
			cur = append(cur, segment{kind: t.kind, a: t.a, b: t.b, name: t.name})
			continue
		}
		pos := t.a
		for pos < t.b {
			sa, sb, ok := blankLine(s, pos, t.b)
			if !ok {
				break
			}
			if sa > pos {
				cur = append(cur, segment{kind: tokText, a: pos, b: sa})
			}
			paras = append(paras, cur)
			seps = append(seps, [2]int{sa, sb})
			cur, pos = nil, sb
		}
		if pos < t.b {
			cur = append(cur, segment{kind: tokText, a: pos, b: t.b})
		}
	}
	paras = append(paras, cur)

	full := 0
	for _, p := range paras {
		if hasContent(s, p) {
			full++
		}
	}
	var wrap bool
	switch {
	case in == "":
		wrap = true
	case phrasing[in], noText[in]:
		wrap = false
	case in == "blockquote":
		wrap = true
	default:
		wrap = full > 1
	}
	for k, p := range paras {
		if k > 0 {
			b.WriteString(s[seps[k-1][0]:seps[k-1][1]])
		}
		writePara(b, s, p, wrap && hasContent(s, p))
	}
}

// blankLine finds the first run of white space holding two or more
// newlines in s[i:end].
func blankLine(s string, i, end int) (a, b int, ok bool) {
	for i < end {
		k := strings.IndexByte(s[i:end], '\n')
		if k < 0 {
			return 0, 0, false
		}
		a = i + k
		for a > i && isSpace(s[a-1]) {
			a--
		}
		b, lines := a, 0
		for b < end && isSpace(s[b]) {
			if s[b] == '\n' {
				lines++
			}
			b++
		}
		if lines >= 2 {
			return a, b, true
		}
		i = b
	}
	return 0, 0, false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' }

// hasContent: the paragraph has text or an element, not just white
// space and comments.
func hasContent(s string, p []segment) bool {
	for _, g := range p {
		switch g.kind {
		case tokText:
			if strings.TrimLeft(s[g.a:g.b], " \t\n\f") != "" {
				return true
			}
		case tokTag, tokRaw:
			return true
		}
	}
	return false
}

// writePara writes one paragraph: its leading and trailing white space
// as they are, the rest in <p>…</p> when wrap is set, with a <br> before
// each newline inside (unless a <br> already ends the line).
func writePara(b *strings.Builder, s string, p []segment, wrap bool) {
	if len(p) == 0 {
		return
	}
	start, end := p[0].a, p[len(p)-1].b
	ca, cb := start, end
	if g := p[0]; g.kind == tokText {
		ca = g.a + len(s[g.a:g.b]) - len(strings.TrimLeft(s[g.a:g.b], " \t\n\f"))
	}
	if g := p[len(p)-1]; g.kind == tokText {
		cb = g.a + len(strings.TrimRight(s[g.a:g.b], " \t\n\f"))
	}
	if ca >= cb {
		b.WriteString(s[start:end])
		return
	}
	b.WriteString(s[start:ca])
	if wrap {
		b.WriteString("<p>")
	}
	afterBr := false
	for _, g := range p {
		a, e := max(g.a, ca), min(g.b, cb)
		if a >= e {
			continue
		}
		if g.kind != tokText {
			b.WriteString(s[a:e])
			afterBr = g.kind == tokTag && g.name == "br"
			continue
		}
		for a < e {
			k := strings.IndexByte(s[a:e], '\n')
			if k < 0 {
				b.WriteString(s[a:e])
				if strings.TrimSpace(s[a:e]) != "" {
					afterBr = false
				}
				break
			}
			line := s[a : a+k]
			if strings.TrimSpace(line) != "" {
				afterBr = false
			}
			b.WriteString(line)
			if !afterBr {
				b.WriteString("<br>")
			}
			b.WriteByte('\n')
			a += k + 1
			afterBr = false
		}
	}
	if wrap {
		b.WriteString("</p>")
	}
	b.WriteString(s[cb:end])
}
