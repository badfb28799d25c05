package wxr

import (
	"strings"
)

// RenderContent turns a post's content:encoded into the HTML WordPress
// showed: block-editor comments removed (the self-closing blocks WordPress
// rendered on the server listed in dynamic), shortcodes removed (listed in
// shortcodes; a [caption] becomes a <figure>), and, for content without
// blocks, WordPress's paragraph rule applied (WordPress skips it for block
// content too).
func RenderContent(raw string) (html string, shortcodes, dynamic []string) {
	return renderContent(raw, nil)
}

// renderContent is RenderContent with reusable blocks (<!-- wp:block
// {"ref":12} /-->) replaced by the content resolve returns for them (the
// export's wp_block item 12), one level deep; unresolved ones are listed
// as the dynamic block "block".
func renderContent(raw string, resolve func(ref int64) (string, bool)) (html string, shortcodes, dynamic []string) {
	hasBlocks := strings.Contains(raw, "<!-- wp:")
	s, dynamic := stripBlockComments(raw, resolve)
	s, shortcodes = stripShortcodes(s)
	if !hasBlocks {
		s = autop(s)
	}
	return strings.TrimSpace(s), shortcodes, dynamic
}

// stripBlockComments removes the block editor's delimiters (<!-- wp:name
// {…} --> and <!-- /wp:name -->) and the classic <!--more--> and
// <!--nextpage--> markers; other comments stay. It lists the self-closing
// blocks (<!-- wp:latest-posts /-->), whose output WordPress rendered on
// the server and the export does not hold.
func stripBlockComments(s string, resolve func(ref int64) (string, bool)) (string, []string) {
	if !strings.Contains(s, "<!--") {
		return s, nil
	}
	var b strings.Builder
	var dynamic []string
	for {
		i := strings.Index(s, "<!--")
		if i < 0 {
			break
		}
		j := strings.Index(s[i+4:], "-->")
		if j < 0 {
			break
		}
		body := strings.TrimSpace(s[i+4 : i+4+j])
		end := i + 4 + j + 3
		b.WriteString(s[:i])
		switch {
		case strings.HasPrefix(body, "wp:"):
			if strings.HasSuffix(body, "/") {
				name, attrs, _ := strings.Cut(strings.TrimPrefix(body, "wp:"), " ")
				name = strings.TrimSuffix(name, "/")
				if name == "block" && resolve != nil {
					if content, ok := resolve(blockRef(attrs)); ok {
						inner, innerDynamic := stripBlockComments(content, nil)
						b.WriteString(inner)
						for _, n := range innerDynamic {
							if !contains(dynamic, n) {
								dynamic = append(dynamic, n)
							}
						}
						break
					}
				}
				if name != "" && !contains(dynamic, name) && !staticSelfClosing[name] {
					dynamic = append(dynamic, name)
				}
			}
		case strings.HasPrefix(body, "/wp:"), body == "more", strings.HasPrefix(body, "more "),
			body == "noteaser", body == "nextpage":
		default:
			b.WriteString(s[i:end])
		}
		s = s[end:]
	}
	b.WriteString(s)
	return b.String(), dynamic
}

// blockRef reads the "ref" of a reusable block's attributes ({"ref":12}).
func blockRef(attrs string) int64 {
	_, after, ok := strings.Cut(attrs, `"ref":`)
	if !ok {
		return 0
	}
	after = strings.TrimSpace(after)
	var n int64
	for i := 0; i < len(after) && i < 18 && after[i] >= '0' && after[i] <= '9'; i++ {
		n = n*10 + int64(after[i]-'0')
	}
	return n
}

// staticSelfClosing are self-closing blocks that render nothing worth
// reporting.
var staticSelfClosing = map[string]bool{"spacer": true, "separator": true, "more": true, "nextpage": true}

// knownShortcodes are shortcodes of WordPress and of the plugins PCN sites
// use, removed even when written bare ("[gallery]"); other bracketed words
// count as shortcodes only with attributes ("[x id=1]") or a closing tag.
var knownShortcodes = map[string]bool{
	"gallery": true, "caption": true, "wp_caption": true, "audio": true, "video": true,
	"playlist": true, "embed": true, "contact-form-7": true, "contact-form": true,
	"gravityform": true, "gravityforms": true, "wpforms": true, "ninja_form": true,
	"ninja_forms": true, "formidable": true, "mc4wp_form": true, "fluentform": true,
	"instagram-feed": true, "custom-twitter-feeds": true, "display-posts": true,
	"recent-posts": true, "accordion": true, "accordion-item": true, "tabs": true, "tab": true,
}

// stripShortcodes removes WordPress shortcodes, keeping what an enclosing
// one wraps, and returns their names once each. [caption]…[/caption]
// becomes a <figure> with a <figcaption> and is not listed; an escaped
// shortcode ([[gallery]]) is shown as WordPress shows it ([gallery]).
func stripShortcodes(s string) (string, []string) {
	if !strings.Contains(s, "[") {
		return s, nil
	}
	var b strings.Builder
	var names []string
	opened := map[string]bool{}
	closes := lastCloses(s)
	i := 0
	for {
		k := strings.IndexByte(s[i:], '[')
		if k < 0 {
			break
		}
		b.WriteString(s[i : i+k])
		i += k
		if strings.HasPrefix(s[i:], "[[") {
			if t, ok := parseShortcode(s, i+1); ok && t.end < len(s) && s[t.end] == ']' && isShortcode(t, opened, closes) {
				b.WriteString(s[i+1 : t.end])
				i = t.end + 1
				continue
			}
			b.WriteString("[")
			i++
			continue
		}
		t, ok := parseShortcode(s, i)
		if !ok || !isShortcode(t, opened, closes) {
			b.WriteByte('[')
			i++
			continue
		}
		if t.closing {
			i = t.end
			continue
		}
		if (t.name == "caption" || t.name == "wp_caption") && closes[t.name] >= t.end {
			if c := strings.Index(s[t.end:], "[/"+t.name+"]"); c >= 0 {
				b.WriteString(figure(s[t.end:t.end+c], attr(t.attrs, "caption")))
				i = t.end + c + len("[/"+t.name+"]")
				continue
			}
		}
		opened[t.name] = true
		if !contains(names, t.name) {
			names = append(names, t.name)
		}
		i = t.end
	}
	b.WriteString(s[i:])
	return b.String(), names
}

type shortcodeTag struct {
	name    string
	attrs   string
	closing bool
	end     int // index after the ]
}

// parseShortcode reads a shortcode tag at s[i] == '['.
func parseShortcode(s string, i int) (shortcodeTag, bool) {
	var t shortcodeTag
	j := i + 1
	if j < len(s) && s[j] == '/' {
		t.closing = true
		j++
	}
	n := j
	for n < len(s) && n-j < 64 && (isAlnum(s[n]) || s[n] == '_' || s[n] == '-') {
		n++
	}
	if n == j || n >= len(s) || !isLetter(s[j]) {
		return t, false
	}
	t.name = strings.ToLower(s[j:n])
	switch s[n] {
	case ']':
		t.end = n + 1
		return t, true
	case ' ', '\t', '\n', '/':
	default:
		return t, false
	}
	for e := n; e < len(s) && e-n < 2048; e++ {
		switch s[e] {
		case ']':
			t.attrs = strings.TrimSuffix(strings.TrimSpace(s[n:e]), "/")
			t.end = e + 1
			return t, !t.closing || t.attrs == ""
		case '[', '<', '>':
			return t, false
		}
	}
	return t, false
}

// isShortcode decides whether a parsed tag is a shortcode rather than
// text in brackets ("[sic]", "[1]").
func isShortcode(t shortcodeTag, opened map[string]bool, closes map[string]int) bool {
	switch {
	case knownShortcodes[t.name]:
		return true
	case t.closing:
		return opened[t.name]
	case strings.Contains(t.attrs, "="):
		return true
	}
	return closes[t.name] >= t.end
}

// lastCloses maps each name written as a closing tag ("[/name]") to the
// index of its last occurrence.
func lastCloses(s string) map[string]int {
	m := map[string]int{}
	for i := 0; ; {
		k := strings.Index(s[i:], "[/")
		if k < 0 {
			return m
		}
		i += k
		if t, ok := parseShortcode(s, i); ok && t.closing {
			m[t.name] = i
		}
		i += 2
	}
}

// attr reads name="value" (or 'value') from a shortcode's attributes.
func attr(attrs, name string) string {
	for _, q := range []string{`"`, `'`} {
		k := strings.Index(attrs, name+"="+q)
		if k < 0 {
			continue
		}
		rest := attrs[k+len(name)+2:]
		if e := strings.Index(rest, q); e >= 0 {
			return rest[:e]
		}
	}
	return ""
}

// figure renders a [caption]'s content (an image, perhaps in a link, then
// the caption text) as a figure.
func figure(inner, caption string) string {
	inner = strings.TrimSpace(inner)
	var img, text string
	switch lower := asciiLower(inner); {
	case strings.HasPrefix(lower, "<a"):
		if e := strings.Index(lower, "</a>"); e >= 0 {
			img, text = inner[:e+4], inner[e+4:]
		}
	case strings.HasPrefix(lower, "<img"):
		if e := strings.IndexByte(inner, '>'); e >= 0 {
			img, text = inner[:e+1], inner[e+1:]
		}
	}
	if img == "" {
		return inner
	}
	text = strings.TrimSpace(text)
	if text == "" {
		text = strings.TrimSpace(caption)
	}
	if text == "" {
		return "<figure>" + img + "</figure>"
	}
	return "<figure>" + img + "<figcaption>" + text + "</figcaption></figure>"
}

// asciiLower lowers ASCII letters only, so indexes into the result are
// indexes into s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool  { return isLetter(c) || c >= '0' && c <= '9' }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
