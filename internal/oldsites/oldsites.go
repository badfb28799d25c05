// Package oldsites holds copies of the kinds of websites PCNs move from —
// a Wix site, a WordPress site in the NHS "Nightingale" style, a plain
// hand-written one — and WordPress export files, written for this project
// to look like what those builders emit. Tests serve them on loopback; the
// demo serves them so a newcomer can try an import without the internet.
package oldsites

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed all:sites all:wordpress
var files embed.FS

// Sites are the names of the sample sites.
func Sites() []string { return []string{"plain"} }

// Handler serves the sample site name at the root of its host.
func Handler(name string) http.Handler {
	sub, err := fs.Sub(files, "sites/"+name)
	if err != nil {
		panic(err)
	}
	return http.FileServer(http.FS(sub))
}

// WordPress returns the sample export file name ("nightingale.xml" …).
func WordPress(name string) ([]byte, error) { return files.ReadFile("wordpress/" + name) }
