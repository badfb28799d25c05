package richtext

import (
	"net/url"
	"path"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// SiteMediaLinks returns the address of every link and image in the
// Markdown src that points into a site's own media library (/media/...)
// by a relative address, in the order they appear. Such an address works
// only on the site whose library holds the file: content shown on many
// sites (shared pages and notices) must not use one. Full addresses
// (https://...) are not relative and do not count. A body over MaxSource
// returns nil.
func SiteMediaLinks(src string) []string {
	if len(src) > MaxSource {
		return nil
	}
	doc := altParser.Parse(text.NewReader([]byte(src)))
	var out []string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var dest []byte
		switch n := n.(type) {
		case *ast.Link:
			dest = n.Destination
		case *ast.Image:
			dest = n.Destination
		case *ast.AutoLink:
			dest = n.URL([]byte(src))
		default:
			return ast.WalkContinue, nil
		}
		if IsSiteMedia(string(dest)) {
			out = append(out, string(dest))
		}
		return ast.WalkContinue, nil
	})
	return out
}

// IsSiteMedia reports whether addr is a relative address (no scheme, no
// host) of a file under a site's /media/.
func IsSiteMedia(addr string) bool {
	u, err := url.Parse(strings.TrimSpace(addr))
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(strings.TrimSpace(addr), "//") {
		return false
	}
	p := u.Path
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return strings.HasPrefix(strings.ToLower(path.Clean(p))+"/", "/media/")
}
