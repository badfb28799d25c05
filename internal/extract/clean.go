package extract

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// prepare resolves lazy images and iframes to their real sources, brings
// noscript-only images out, drops the rest of <noscript>, and makes every
// href and src absolute against base.
func prepare(root *html.Node, base *url.URL) {
	var noscripts, deadImages []*html.Node
	walk(root, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		switch n.DataAtom {
		case atom.Noscript:
			noscripts = append(noscripts, n)
			return false
		case atom.Img:
			if w, h := attr(n, "width"), attr(n, "height"); len(w) == 1 && len(h) == 1 && w <= "5" && h <= "5" {
				deadImages = append(deadImages, n) // a spacer or tracking pixel
			} else if src := realImageSource(n); src != "" {
				setAttr(n, "src", src)
			} else {
				deadImages = append(deadImages, n)
			}
			n.Attr = keepAttrs(n.Attr, "src", "alt", "title")
		case atom.Iframe:
			// Lazy frames keep the real address in data-src until a script
			// moves it; Dropped should name where it pointed.
			if isPlaceholder(attr(n, "src")) {
				for _, k := range []string{"data-src", "data-lazy-src"} {
					if v := strings.TrimSpace(attr(n, k)); v != "" {
						setAttr(n, "src", v)
						break
					}
				}
			}
		}
		return true
	})
	styledSpansToEmphasis(root)
	for _, img := range deadImages {
		remove(img)
	}
	for _, ns := range noscripts {
		bringOutNoscriptImage(ns)
		remove(ns)
	}
	walk(root, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		for i, a := range n.Attr {
			if a.Namespace != "" {
				continue
			}
			switch strings.ToLower(a.Key) {
			case "href", "src":
				n.Attr[i].Val = absolute(base, a.Val)
			}
		}
		return true
	})
}

// bringOutNoscriptImage: some lazy loaders leave no <img> at all, only the
// real one inside <noscript> (parsed as text). Put that image in its place.
func bringOutNoscriptImage(ns *html.Node) {
	raw := textOf(ns)
	if ns.FirstChild != nil && ns.FirstChild.Type == html.TextNode {
		raw = ns.FirstChild.Data
	}
	if !strings.Contains(strings.ToLower(raw), "<img") {
		return
	}
	for s := ns.PrevSibling; s != nil; s = s.PrevSibling {
		if s.Type == html.ElementNode {
			if s.DataAtom == atom.Img || firstElement(s, atom.Img) != nil {
				return // the lazy <img> before it was resolved already
			}
			break
		}
		if s.Type == html.TextNode && strings.TrimSpace(s.Data) != "" {
			break
		}
	}
	nodes, err := html.ParseFragment(strings.NewReader(raw), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return
	}
	for _, n := range nodes {
		for _, img := range elements(n, func(e *html.Node) bool { return e.DataAtom == atom.Img }) {
			if src := realImageSource(img); src != "" {
				img.Attr = keepAttrs(img.Attr, "alt", "title")
				setAttr(img, "src", src)
				ns.Parent.InsertBefore(cloneNode(img), ns)
			}
		}
	}
}

func keepAttrs(attrs []html.Attribute, keep ...string) []html.Attribute {
	var out []html.Attribute
	for _, a := range attrs {
		for _, k := range keep {
			if strings.EqualFold(a.Key, k) {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// wixBlur matches the low-quality placeholder Wix serves before its script
// swaps in the real image: /media/<uri>/v1/fill/w_49,h_33,…,blur_2,…/name.
var wixBlur = regexp.MustCompile(`/media/([^/]+)/v1/`)

// realImageSource picks the real source of an <img>: Wix's image info,
// then the largest srcset candidate (lazy ones first), then data-src
// style attributes, then src unless it is a placeholder.
func realImageSource(img *html.Node) string {
	if p := img.Parent; p != nil && (p.Data == "wow-image" || hasAttr(p, "data-image-info")) {
		if src := wixImage(attr(p, "data-image-info"), attr(img, "src")); src != "" {
			return src
		}
	}
	for _, k := range []string{"data-lazy-srcset", "data-srcset", "srcset"} {
		if src := largestSrcset(attr(img, k)); src != "" {
			return src
		}
	}
	for _, k := range []string{"data-lazy-src", "data-src", "data-original", "data-orig-file", "data-full-url"} {
		if v := strings.TrimSpace(attr(img, k)); v != "" && !isPlaceholder(v) {
			return v
		}
	}
	src := strings.TrimSpace(attr(img, "src"))
	if isPlaceholder(src) {
		return ""
	}
	if m := wixBlur.FindStringSubmatchIndex(src); m != nil && strings.Contains(src, "blur_") {
		return src[:m[3]] // the original, without the blurred transform
	}
	return src
}

// wixImage reads a wow-image's data-image-info JSON: the real file is
// imageData.uri under the same /media/ path the placeholder uses (on Wix,
// https://static.wixstatic.com/media/).
func wixImage(info, placeholder string) string {
	var v struct {
		ImageData struct {
			URI string `json:"uri"`
		} `json:"imageData"`
	}
	if info == "" || json.Unmarshal([]byte(info), &v) != nil || v.ImageData.URI == "" {
		return ""
	}
	uri := v.ImageData.URI
	if strings.Contains(uri, "://") {
		return uri
	}
	if i := strings.Index(placeholder, "/media/"+uri); i >= 0 && !strings.HasPrefix(placeholder, "data:") {
		return placeholder[:i] + "/media/" + uri
	}
	return "https://static.wixstatic.com/media/" + uri
}

// largestSrcset picks the widest (or densest) candidate of a srcset.
func largestSrcset(set string) string {
	best, bestSize := "", -1.0
	for _, cand := range strings.Split(set, ",") {
		f := strings.Fields(cand)
		if len(f) == 0 || isPlaceholder(f[0]) {
			continue
		}
		size := 1.0
		if len(f) > 1 {
			d := strings.TrimRight(f[1], "wxWX")
			if v, err := strconv.ParseFloat(d, 64); err == nil {
				size = v
			}
		}
		if size > bestSize {
			best, bestSize = f[0], size
		}
	}
	return best
}

func isPlaceholder(src string) bool {
	s := strings.ToLower(strings.TrimSpace(src))
	return s == "" || strings.HasPrefix(s, "data:") || s == "about:blank" || s == "#" ||
		strings.Contains(s, "placeholder") || strings.Contains(s, "lazy_placeholder") ||
		strings.HasSuffix(s, "/blank.gif") || strings.HasSuffix(s, "/spacer.gif") || strings.HasPrefix(s, "javascript:")
}

func absolute(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "#") {
		return ref
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	if base == nil || base.Scheme == "" {
		return u.String()
	}
	return base.ResolveReference(u).String()
}

// chromeIDs are the ids of site-builder chrome: Wix's header, footer and
// "top of page" / "bottom of page" anchors, common cookie banners.
var chromeIDs = map[string]bool{
	"site_header": true, "site_footer": true, "scroll_to_top": true, "scroll_to_bottom": true,
	"skip_to_content_btn": true, "background_group": true, "consent-banner-root": true,
	"cookie-notice": true, "cookie-law-info-bar": true, "cookie-banner": true, "cookiebanner": true,
	"onetrust-consent-sdk": true, "ccc": true, "cmplz-cookiebanner-container": true, "moove_gdpr_cookie_info_bar": true,
	"secondary": true, "sidebar": true, "colophon": true, "masthead": true, "wpadminbar": true,
}

// chromeClass matches class names and data-hook / data-testid values that
// mark chrome: navigation, breadcrumbs, share buttons, cookie banners,
// sidebars, skip links, screen-reader-only labels for chrome.
var chromeClass = regexp.MustCompile(`(?i)(^|[\s_-])(breadcrumbs?|nhsuk-breadcrumb|share|sharing|sharedaddy|addtoany(_\w+)?|a2a_kit|social-(share|bar|links|icons)|wixui-social-bar|wixui-share-buttons|sharebuttons|cookie(-notice|-banner|-bar|-consent|law)?|consent(-banner)?(-root)?|gdpr|cn-(notice|buttons)|cc-(banner|window)|skip-link|nhsuk-skip-link|screen-reader-text|nhsuk-u-visually-hidden|visually-hidden|sr-only|widget-area|sidebar|post-navigation|nav-links|entry-meta|entry-footer|wp-block-navigation|nhsuk-pagination|pagination|site-title|site-branding|site-header|site-footer|site-info|print-link|back-to-top|scroll-to-top|time-to-read|user-name|like-button(-with-count)?|post-footer|post-stats|more-actions|comment-count|view-count)($|[\s_-])`)

var chromeText = regexp.MustCompile(`(?i)^\s*(top of page|bottom of page|back to top|skip to (main )?content|skip to main content)\s*$`)

// stripChrome removes what is the same on every page of a site.
func stripChrome(root *html.Node) {
	var drop []*html.Node
	walk(root, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		if isChrome(n) {
			drop = append(drop, n)
			return false
		}
		return true
	})
	for _, n := range drop {
		remove(n)
	}
}

func isChrome(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Html, atom.Body, atom.Main, atom.Article, atom.H1:
		return false // a theme's body class ("has-sidebar") is not chrome
	case atom.Nav, atom.Aside, atom.Dialog:
		return true
	case atom.Header:
		// A header inside the article holds its title; keep that one.
		return !insideTag(n, atom.Article) && !insideTag(n, atom.Main)
	case atom.Footer:
		return true
	case atom.Form:
		return attr(n, "role") == "search" || hasClass(n, "search-form") || strings.Contains(attr(n, "class"), "search")
	case atom.Button:
		return true
	}
	if n.Data == "wix-dropdown-menu" {
		return true
	}
	switch strings.ToLower(attr(n, "role")) {
	case "banner", "navigation", "contentinfo", "complementary", "search", "dialog", "alertdialog":
		return true
	}
	if chromeIDs[strings.ToLower(attr(n, "id"))] {
		return true
	}
	if label := strings.ToLower(attr(n, "aria-label")); label == "share" || label == "cookie banner" || label == "cookie notice" || label == "top of page" || label == "bottom of page" || label == "breadcrumb" {
		return true
	}
	for _, k := range []string{"class", "data-hook", "data-testid"} {
		if v := attr(n, k); v != "" && chromeClass.MatchString(v) {
			return true
		}
	}
	if n.DataAtom == atom.A || n.DataAtom == atom.Span || n.DataAtom == atom.Div || n.DataAtom == atom.P {
		if t := textPrefix(n, 80); len(t) < 80 && chromeText.MatchString(collapse(t)) {
			return true
		}
	}
	return false
}

// mainRegion is the page's own main content container, or the body.
func mainRegion(root *html.Node) *html.Node {
	for _, match := range []func(*html.Node) bool{
		func(n *html.Node) bool { return n.DataAtom == atom.Main || attr(n, "role") == "main" },
		func(n *html.Node) bool {
			return attr(n, "id") == "maincontent" || attr(n, "id") == "main-content" || attr(n, "id") == "PAGES_CONTAINER"
		},
		func(n *html.Node) bool { return n.DataAtom == atom.Article && countMatching(root, isArticle) == 1 },
		func(n *html.Node) bool { return hasClass(n, "entry-content") },
	} {
		if found := elements(root, match); len(found) > 0 {
			return found[0]
		}
	}
	if b := firstElement(root, atom.Body); b != nil {
		return b
	}
	return root
}

func isArticle(n *html.Node) bool { return n.DataAtom == atom.Article }

// consultProviders are online-consultation and triage products GP sites
// embed; a script, iframe or container naming one is reported as that.
var consultProviders = []struct{ match, name string }{
	{"econsult", "eConsult"}, {"patchs", "PATCHS"}, {"engage-consult", "Engage Consult"}, {"engageconsult", "Engage Consult"},
	{"askmygp", "askmyGP"}, {"accurx", "Accurx"}, {"klinik", "Klinik"}, {"anima", "Anima"}, {"rapid-health", "Rapid Health"},
	{"online-consultation", "an online consultation service"}, {"onlineconsultation", "an online consultation service"},
}

func consultProvider(s string) string {
	l := strings.ToLower(s)
	for _, p := range consultProviders {
		if strings.Contains(l, p.match) {
			return p.name
		}
	}
	return ""
}

// dropUnportable lists what under region cannot come across. It does not
// remove anything (removeUnportable does).
func dropUnportable(region *html.Node, base *url.URL) []Dropped {
	var out []Dropped
	seen := map[string]bool{}
	add := func(kind, detail string) {
		if !seen[kind+detail] {
			seen[kind+detail] = true
			out = append(out, Dropped{Kind: kind, Detail: detail})
		}
	}
	inline := 0
	walk(region, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		ident := attr(n, "id") + " " + attr(n, "class") + " " + attr(n, "src") + " " + attr(n, "data-src")
		switch n.DataAtom {
		case atom.Form:
			add("form", describeForm(n))
			return false
		case atom.Iframe:
			add("iframe", describeFrame(n, base))
			return false
		case atom.Script:
			src := attr(n, "src")
			switch {
			case consultProvider(ident) != "":
				add("widget", "an online-consultation widget ("+consultProvider(ident)+")")
			case src != "":
				add("script", "a script ("+hostPath(src)+")")
			case isDataScript(n):
			default:
				inline++
			}
			return false
		case atom.Embed, atom.Object, atom.Applet:
			src := attr(n, "src") + attr(n, "data")
			add("embed", "an embedded object ("+hostPath(src)+")")
			return false
		case atom.Video, atom.Audio:
			src := attr(n, "src")
			if src == "" {
				if s := firstElement(n, atom.Source); s != nil {
					src = attr(s, "src")
				}
			}
			add("embed", "a "+n.Data+" ("+hostPath(src)+")")
			return false
		case atom.Canvas:
			add("embed", "a canvas drawn by a script")
			return false
		}
		if p := consultProvider(ident); p != "" && (n.DataAtom == atom.Div || n.DataAtom == atom.Section || strings.Contains(n.Data, "-")) {
			add("widget", "an online-consultation widget ("+p+")")
			return false
		}
		return true
	})
	if inline == 1 {
		add("script", "an inline script (anything it showed on the page is missing)")
	} else if inline > 1 {
		add("script", fmt.Sprintf("%d inline scripts (anything they showed on the page is missing)", inline))
	}
	return out
}

var formWrapper = regexp.MustCompile(`(^|\s)(gform_wrapper|gform_confirmation_wrapper|wpcf7|wpforms-container(-full)?|nf-form-cont|frm_forms|wixui-form|hs-form)(\s|$)`)

func isDataScript(n *html.Node) bool {
	t := strings.ToLower(attr(n, "type"))
	return strings.Contains(t, "json") || t == "text/template" || t == "text/x-template"
}

// unportable says whether n is something removeUnportable removes.
func unportable(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Form, atom.Iframe, atom.Script, atom.Style, atom.Link, atom.Meta, atom.Noscript, atom.Template,
		atom.Embed, atom.Object, atom.Applet, atom.Video, atom.Audio, atom.Canvas, atom.Svg, atom.Math,
		atom.Input, atom.Select, atom.Textarea, atom.Button, atom.Label, atom.Fieldset, atom.Dialog, atom.Frameset, atom.Frame:
		return true
	}
	if n.Namespace == "svg" || n.Namespace == "math" {
		return true
	}
	ident := attr(n, "id") + " " + attr(n, "class")
	if formWrapper.MatchString(attr(n, "class")) {
		return true // a form plugin's wrapper: its title and "required fields" legend go with the form
	}
	return consultProvider(ident) != "" && n.DataAtom != atom.Body && n.DataAtom != atom.Html && n.DataAtom != atom.Main && n.DataAtom != atom.Article
}

// removeUnportable removes forms, frames, scripts, embeds, media, widgets
// and form controls under root.
func removeUnportable(root *html.Node) {
	for _, n := range elements(root, unportable) {
		if n != root {
			remove(n)
		}
	}
	var comments []*html.Node
	walk(root, func(n *html.Node) bool {
		if n.Type == html.CommentNode || n.Type == html.DoctypeNode {
			comments = append(comments, n)
		}
		return true
	})
	for _, c := range comments {
		remove(c)
	}
}

func describeForm(f *html.Node) string {
	name := attr(f, "aria-label")
	kind := "a form"
	wrapper := f.Parent
	for p := f.Parent; p != nil; p = p.Parent {
		if strings.Contains(attr(p, "class"), "gform_wrapper") {
			kind, wrapper = "a Gravity Forms form", p
			break
		}
		if strings.Contains(attr(p, "class"), "wpcf7") {
			kind, wrapper = "a Contact Form 7 form", p
			break
		}
	}
	if name == "" && wrapper != nil {
		for _, t := range elements(wrapper, func(n *html.Node) bool { return hasClass(n, "gform_title") }) {
			name = collapse(textOf(t))
			break
		}
	}
	var fields []string
	for _, l := range elements(f, func(n *html.Node) bool { return n.DataAtom == atom.Label || n.DataAtom == atom.Legend }) {
		if t := strings.TrimRight(collapse(textOf(l)), " *:"); t != "" && len(fields) < 8 {
			fields = append(fields, t)
		}
	}
	out := kind
	if name != "" {
		out += " “" + name + "”"
	}
	if len(fields) > 0 {
		out += " (fields: " + strings.Join(fields, ", ") + ")"
	}
	return out
}

func describeFrame(f *html.Node, base *url.URL) string {
	src := attr(f, "src")
	u, err := url.Parse(absolute(base, src))
	host := ""
	if err == nil {
		host = u.Hostname()
	}
	title := collapse(attr(f, "title"))
	if p := consultProvider(src + " " + attr(f, "class") + " " + attr(f, "id")); p != "" {
		return "an online-consultation widget (" + p + ", " + host + ")"
	}
	what := "an embedded page"
	l := strings.ToLower(host + " " + src)
	switch {
	case strings.Contains(l, "youtube") || strings.Contains(l, "youtu.be"):
		what = "a YouTube video"
	case strings.Contains(l, "vimeo"):
		what = "a Vimeo video"
	case strings.Contains(l, "maps") || strings.Contains(l, "/map"):
		what = "a map"
	case strings.Contains(l, "facebook"):
		what = "a Facebook feed"
	case strings.Contains(l, "twitter") || strings.Contains(l, "x.com"):
		what = "an X (Twitter) feed"
	case strings.Contains(l, "forms.") || strings.Contains(l, "form"):
		what = "an embedded form"
	}
	if title != "" {
		what += " “" + title + "”"
	}
	if host == "" {
		host = "no address"
	}
	return what + " (" + host + ")"
}

func hostPath(src string) string {
	u, err := url.Parse(strings.TrimSpace(src))
	if err != nil || src == "" {
		return "no address"
	}
	p := u.Path
	if i := strings.LastIndex(p, "/"); i >= 0 {
		p = p[i+1:]
	}
	switch {
	case u.Host != "" && p != "":
		return u.Host + ", " + p
	case u.Host != "":
		return u.Host
	case p != "":
		return p
	}
	return "no address"
}

// styledSpansToEmphasis turns <span style="font-weight:bold"> and
// font-style:italic (how Wix and pasted Word text mark emphasis) into
// <strong> and <em>, so the emphasis comes across.
func styledSpansToEmphasis(root *html.Node) {
	walk(root, func(n *html.Node) bool {
		if n.Type != html.ElementNode || n.DataAtom != atom.Span {
			return true
		}
		style := strings.ReplaceAll(strings.ToLower(attr(n, "style")), " ", "")
		switch {
		case strings.Contains(style, "font-weight:bold") || strings.Contains(style, "font-weight:700") || strings.Contains(style, "font-weight:800") || strings.Contains(style, "font-weight:900"):
			n.DataAtom, n.Data = atom.Strong, "strong"
		case strings.Contains(style, "font-style:italic"):
			n.DataAtom, n.Data = atom.Em, "em"
		}
		return true
	})
}
