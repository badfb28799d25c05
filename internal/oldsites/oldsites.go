// Package oldsites holds copies of the kinds of websites PCNs move from —
// a Wix site, a WordPress site in the NHS "Nightingale" style, a plain
// hand-written one — and WordPress export files, written for this project
// to look like what those builders emit. Tests serve them on loopback; the
// demo serves them so a newcomer can try an import without the internet.
//
// The sites are self-contained: every page, image and PDF they link to on
// their own host is here, and nothing they need to render comes from
// another host. Like the real thing, their sitemaps and robots.txt name the
// site's public address (https://www.riversidepcn.co.uk …); Handler answers
// those files with the address the request came to instead, so a crawler
// pointed at a loopback copy finds URLs on the same host. It also answers
// Wix's image-transform paths (/media/<file>/v1/fill/…) with the file, as
// Wix's image server would with a resized copy.
package oldsites

import (
	"bytes"
	"embed"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"
)

//go:embed all:sites all:wordpress
var files embed.FS

// origins are the public addresses the sample sites were "published" at,
// as written in their sitemaps and robots.txt.
var origins = map[string]string{
	"wix":         "https://www.riversidepcn.co.uk",
	"nightingale": "https://www.riversidepcn.nhs.uk",
	"plain":       "http://www.eastbankpcn.org.uk",
}

var wixTransform = regexp.MustCompile(`^/media/([^/]+)/v1/`)

// Sites are the names of the sample sites.
func Sites() []string { return []string{"nightingale", "plain", "wix"} }

// Origin is the public address sample site name claims in its sitemap
// ("https://www.riversidepcn.co.uk"); Handler replaces it with the
// requested host.
func Origin(name string) string { return origins[name] }

// Handler serves the sample site name at the root of its host. It panics
// on a name that is not in Sites.
func Handler(name string) http.Handler {
	sub, err := fs.Sub(files, "sites/"+name)
	if err != nil {
		panic(err)
	}
	if _, err := fs.Stat(sub, "."); err != nil {
		panic("oldsites: no sample site " + name)
	}
	fileServer := http.FileServer(http.FS(sub))
	origin := origins[name]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean("/" + r.URL.Path)
		if m := wixTransform.FindStringSubmatch(p); m != nil {
			// Wix's image server answers /media/<file>/v1/fill/w_…,blur_2/<name>
			// with a resized copy; the sample serves the original.
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/media/" + m[1]
			fileServer.ServeHTTP(w, r2)
			return
		}
		if origin == "" || !(strings.HasSuffix(p, ".xml") || p == "/robots.txt") {
			fileServer.ServeHTTP(w, r)
			return
		}
		b, err := fs.ReadFile(sub, strings.TrimPrefix(p, "/"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		b = bytes.ReplaceAll(b, []byte(origin), []byte(scheme+"://"+r.Host))
		if p == "/robots.txt" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		} else {
			w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		}
		_, _ = w.Write(b)
	})
}

// WordPress returns the sample export file name ("nightingale.xml" …).
func WordPress(name string) ([]byte, error) { return files.ReadFile("wordpress/" + name) }
