package crawl

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// maxLinksPerPage bounds what one page can add to the queue.
const maxLinksPerPage = 2000

// pageLinks returns the href of every <a> and <area> in body, to be
// resolved by the caller with the base returned: the page's URL or its
// <base href>. A page's <meta name="robots" content="nofollow"> is not
// obeyed: the site's owner asked for the import (WordPress's "discourage
// search engines" setting writes it on every page).
func pageLinks(body []byte, pageURL *url.URL) (links []string, base *url.URL) {
	base = pageURL
	z := html.NewTokenizer(bytes.NewReader(body))
	z.SetMaxBuf(0)
	seenBase := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return links, base
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if !hasAttr || !(string(name) == "a" || string(name) == "area" || string(name) == "base") {
				continue
			}
			attrs := map[string]string{}
			for {
				k, v, more := z.TagAttr()
				key := string(k)
				if _, dup := attrs[key]; !dup {
					attrs[key] = string(v)
				}
				if !more {
					break
				}
			}
			switch string(name) {
			case "a", "area":
				if href, ok := attrs["href"]; ok && len(links) < maxLinksPerPage {
					links = append(links, href)
				}
			case "base":
				if href, ok := attrs["href"]; ok && !seenBase {
					seenBase = true
					if b, err := pageURL.Parse(strings.TrimSpace(href)); err == nil && (b.Scheme == "http" || b.Scheme == "https") {
						base = b
					}
				}
			}
		}
	}
}
