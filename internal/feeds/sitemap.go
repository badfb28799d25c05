package feeds

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"
	"unicode/utf8"
)

// SitemapNS is the sitemaps.org 0.9 XML namespace.
const SitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

// Limits from the sitemaps.org protocol.
const (
	MaxSitemapURLs  = 50000
	MaxSitemapBytes = 50 * 1024 * 1024 // uncompressed
	MaxLocLength    = 2048             // characters
)

// ErrTooManyURLs is returned by WriteSitemap for more than MaxSitemapURLs.
var ErrTooManyURLs = errors.New("feeds: sitemap exceeds 50,000 URLs")

// URL is one <url> entry of a sitemap.
type URL struct {
	Loc     string    // absolute http(s) URL, unescaped (XML escaping is done here)
	LastMod time.Time // zero = omit
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapXML struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

// WriteSitemap writes a sitemaps.org 0.9 <urlset>. Each Loc must be an
// absolute http or https URL of at most 2,048 characters; & and other
// markup characters are entity-escaped. LastMod is written as RFC 3339 in
// UTC ("2026-11-24T09:00:00Z", a valid W3C Datetime). More than 50,000
// URLs returns ErrTooManyURLs, output over 50 MiB an error.
func WriteSitemap(w io.Writer, urls []URL) error {
	if len(urls) > MaxSitemapURLs {
		return fmt.Errorf("%w (got %d)", ErrTooManyURLs, len(urls))
	}
	out := sitemapXML{NS: SitemapNS, URLs: make([]sitemapURL, 0, len(urls))}
	for i, u := range urls {
		if err := checkLoc(u.Loc); err != nil {
			return fmt.Errorf("feeds: sitemap url %d: %w", i, err)
		}
		x := sitemapURL{Loc: u.Loc}
		if !u.LastMod.IsZero() {
			x.LastMod = u.LastMod.UTC().Format(time.RFC3339)
		}
		out.URLs = append(out.URLs, x)
	}
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("feeds: encoding sitemap: %w", err)
	}
	buf.WriteByte('\n')
	if buf.Len() > MaxSitemapBytes {
		return fmt.Errorf("feeds: sitemap is %d bytes, over the %d limit", buf.Len(), MaxSitemapBytes)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func checkLoc(loc string) error {
	if !utf8.ValidString(loc) || hasControl(loc) {
		return fmt.Errorf("invalid characters in %q", loc)
	}
	if n := utf8.RuneCountInString(loc); n > MaxLocLength {
		return fmt.Errorf("loc is %d characters, over %d", n, MaxLocLength)
	}
	u, err := url.Parse(loc)
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("loc %q is not an absolute http(s) URL", loc)
	}
	return nil
}
