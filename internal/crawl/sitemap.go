package crawl

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// DefaultSitemapLimit is ParseSitemap's limit when it is given none: the
// sitemap protocol's own maximum per file.
const DefaultSitemapLimit = 50_000

// sitemapMaxInflated caps a gzip'ed sitemap once inflated (the protocol's
// 50 MB), so a small gzip bomb cannot make the decoder read forever.
const sitemapMaxInflated = 50 << 20

// maxLocLen is the longest <loc> taken; longer ones are ignored.
const maxLocLen = 2048

// ParseSitemap reads a sitemap or sitemap index: page URLs and nested
// sitemap URLs, at most limit of each; more is not an error (the rest are
// ignored and truncated is true). A gzip'ed body is inflated; a body that
// is not XML is read as a text sitemap (one URL a line). Broken XML is an
// error, with the URLs read before the break still returned.
func ParseSitemap(body []byte, limit int) (pages, sitemaps []string, truncated bool, err error) {
	return parseSitemap(bytes.NewReader(body), limit)
}

// parseSitemap streams r, so a sitemap of a million URLs costs no more
// memory than the limit's worth of them.
func parseSitemap(r io.Reader, limit int) (pages, sitemaps []string, truncated bool, err error) {
	if limit <= 0 {
		limit = DefaultSitemapLimit
	}
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, false, fmt.Errorf("crawl: sitemap is not valid gzip: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReader(&inflateCap{r: zr, left: sitemapMaxInflated})
	}
	if !looksLikeXML(br) {
		return parseTextSitemap(br, limit)
	}

	d := xml.NewDecoder(br)
	d.Strict = false // real sitemaps have stray ampersands; entities stay unexpanded
	d.Entity = map[string]string{}
	var stack []string
	var loc strings.Builder
	inLoc := false
	for {
		tok, terr := d.Token()
		if terr != nil {
			if terr == io.EOF {
				return pages, sitemaps, truncated, nil
			}
			if errors.Is(terr, errInflatedTooLarge) {
				return pages, sitemaps, true, nil
			}
			return pages, sitemaps, truncated, fmt.Errorf("crawl: sitemap is not valid XML: %w", terr)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			if len(stack) < 16 {
				stack = append(stack, name)
			} else {
				stack = append(stack, "") // too deep to matter; keep balance
			}
			if name == "loc" {
				inLoc = true
				loc.Reset()
			}
		case xml.CharData:
			if inLoc && loc.Len() <= maxLocLen {
				loc.Write(t)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				continue
			}
			name := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if name != "loc" || !inLoc {
				continue
			}
			inLoc = false
			u := strings.TrimSpace(loc.String())
			if u == "" || len(u) > maxLocLen || len(stack) == 0 {
				continue
			}
			switch stack[len(stack)-1] {
			case "url":
				if len(pages) >= limit {
					return pages, sitemaps, true, nil
				}
				pages = append(pages, u)
			case "sitemap":
				if len(sitemaps) >= limit {
					return pages, sitemaps, true, nil
				}
				sitemaps = append(sitemaps, u)
			}
		}
	}
}

// looksLikeXML peeks past white space and a byte-order mark for "<".
func looksLikeXML(br *bufio.Reader) bool {
	head, _ := br.Peek(512)
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n")
	return len(head) == 0 || head[0] == '<'
}

// parseTextSitemap reads a text sitemap: one absolute URL a line.
func parseTextSitemap(br *bufio.Reader, limit int) (pages, sitemaps []string, truncated bool, err error) {
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		u := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") || len(u) > maxLocLen {
			continue
		}
		if len(pages) >= limit {
			return pages, nil, true, nil
		}
		pages = append(pages, u)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, errInflatedTooLarge) {
			return pages, nil, true, nil
		}
		return pages, nil, false, fmt.Errorf("crawl: reading text sitemap: %w", err)
	}
	return pages, nil, false, nil
}

var errInflatedTooLarge = errors.New("crawl: sitemap inflates past 50 MiB")

// inflateCap stops a gzip stream at a size.
type inflateCap struct {
	r    io.Reader
	left int64
}

func (c *inflateCap) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errInflatedTooLarge
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}
