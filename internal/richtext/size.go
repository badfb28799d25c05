package richtext

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// SizeFunc gives the size of the upright original of the media library's
// image id, in pixels; ok is false when the library has no such image.
type SizeFunc func(id int64) (width, height int, ok bool)

// SizeImages gives each image of the media library in body (sanitised HTML,
// as Markdown wrote it) width and height attributes from size, scaled to
// the stored width its src names, so that the browser keeps the image's
// room before it loads and nothing jumps (the theme's CSS makes it fit the
// column: max-width 100%, height auto). Other images, and images that
// already have a size, are left alone. The result is sanitised again.
func SizeImages(body string, size SizeFunc) template.HTML {
	if !strings.Contains(body, `src="/media/`) || size == nil {
		return template.HTML(body) //nolint:gosec // body is sanitised HTML (the caller's contract)
	}
	var out bytes.Buffer
	z := html.NewTokenizer(strings.NewReader(body))
	changed := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := z.Raw()
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			out.Write(raw)
			continue
		}
		tok := z.Token()
		if tok.DataAtom != atom.Img || !sizeImage(&tok, size) {
			out.Write(raw)
			continue
		}
		out.WriteString(tok.String())
		changed = true
	}
	if !changed {
		return template.HTML(body) //nolint:gosec // unchanged sanitised HTML
	}
	return Sanitize(out.String())
}

// sizeImage adds width and height to img when its src is a library image
// of known size and it has neither; it reports whether it did.
func sizeImage(img *html.Token, size SizeFunc) bool {
	var src string
	for _, a := range img.Attr {
		switch a.Key {
		case "width", "height":
			return false
		case "src":
			src = a.Val
		}
	}
	m := mediaSrcRE.FindStringSubmatch(src)
	if m == nil {
		return false
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return false
	}
	stored, err := strconv.Atoi(m[2])
	if err != nil || stored <= 0 {
		return false
	}
	w, h, ok := size(id)
	if !ok || w <= 0 || h <= 0 {
		return false
	}
	// The stored file is the original scaled to the width its name says
	// (never wider than the original).
	width := min(stored, w)
	height := max(1, (h*width+w/2)/w)
	img.Attr = append(img.Attr,
		html.Attribute{Key: "width", Val: strconv.Itoa(width)},
		html.Attribute{Key: "height", Val: strconv.Itoa(height)})
	return true
}
