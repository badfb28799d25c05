package site_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models/modelstest"
	"github.com/pcnweb/pcnweb/themes"
)

// nextRelease loads the themes of a release whose stylesheet (and an image
// the stylesheet refers to) differ from this build's: a copy of the theme
// files from the source tree with those two changed.
func nextRelease(t testing.TB) []themes.Option {
	t.Helper()
	src := os.DirFS("../../themes")
	files := fstest.MapFS{}
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		// What themes.go embeds: */theme.json */layouts */partials */pages */static.
		parts := strings.SplitN(p, "/", 3)
		if len(parts) < 2 || !map[string]bool{"theme.json": true, "layouts": true, "partials": true, "pages": true, "static": true}[parts[1]] {
			return nil
		}
		b, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		switch p {
		case "default/static/nhsuk-frontend.min.css":
			b = append(b, "\n/* the next release */\n"...)
		case "default/static/images/nhsuk-icon-cross.svg":
			b = append(b, "\n<!-- the next release -->\n"...)
		}
		files[p] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return []themes.Option{themes.FromFS(files)}
}

var linkedAsset = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
var cssAsset = regexp.MustCompile(`url\((/static/[^)]+)\)`)

// assetURLs lists the /static/ URLs a page links, and those that the
// stylesheets it links refer to (fetched from s).
func assetURLs(t *testing.T, s *server, host, html string) []string {
	t.Helper()
	seen := map[string]bool{}
	var out []string
	add := func(u string) {
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	for _, m := range linkedAsset.FindAllStringSubmatch(html, -1) {
		add(m[1])
		if strings.HasSuffix(m[1], ".css") {
			for _, c := range cssAsset.FindAllStringSubmatch(s.get(t, host, m[1]).body, -1) {
				add(c[1])
			}
		}
	}
	if len(out) < 4 {
		t.Fatalf("the page links only %v", out)
	}
	return out
}

var contentTypes = map[string]string{
	".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml",
}

// TestTwoReleasesSharePostgresAndRedis is a rolling deploy: two servers of
// different render fingerprints (the second one's stylesheet differs) on one
// PostgreSQL and one Redis, started in either order. Neither answers the
// other's cached page as its own fresh hit, and every asset URL that a page
// of either links resolves on both, with the bytes its hash names.
func TestTwoReleasesSharePostgresAndRedis(t *testing.T) {
	for _, order := range []string{"old starts first", "new starts first"} {
		t.Run(order, func(t *testing.T) {
			url := modelstest.NewURL(t)
			redisURL, prefix := testenv.Redis(t)
			start := func(opts []themes.Option) *server {
				return newServer(t, serverOptions{dbURL: url, redisURL: redisURL, prefix: prefix, themes: opts})
			}
			var old, next *server
			if order == "old starts first" {
				old, next = start(nil), start(nextRelease(t))
			} else {
				next, old = start(nextRelease(t)), start(nil)
			}
			if old.themes.Fingerprint() == next.themes.Fingerprint() {
				t.Fatal("the two releases have one fingerprint")
			}
			modelstest.Tenant(t, old.db, "highfives")
			old.putPage(t, "highfives", "/about", "About us", "Five practices.")
			const host = "highfives.localhost"
			tenantID := mustTenant(t, old, "highfives").ID

			for _, pair := range [][2]*server{{old, next}, {next, old}} {
				first, second := pair[0], pair[1]
				// A publish between rounds, so the first server renders anew.
				first.putPage(t, "highfives", "/about", "About us", "Five practices, round "+first.themes.Fingerprint()+".")
				r := first.get(t, host, "/about")
				if r.status != 200 || r.header.Get("Cache-Status") != "pcnweb; fwd=miss" {
					t.Fatalf("first render: %d %q", r.status, r.header.Get("Cache-Status"))
				}
				waitFor(t, func() bool {
					b, _ := first.redis.Client().Get(context.Background(), fmt.Sprintf("%spage:%d|/about", prefix, tenantID)).Bytes()
					return bytes.Contains(b, []byte(first.themes.Fingerprint()))
				})
				firstCSS := stylesheet(t, r.body)
				got := second.get(t, host, "/about")
				if cs := got.header.Get("Cache-Status"); got.status != 200 || cs != "pcnweb; fwd=miss" {
					t.Errorf("the other release answered the first one's cached page with %d %q, want its own render", got.status, cs)
				}
				if css := stylesheet(t, got.body); css == firstCSS {
					t.Errorf("the other release's page links the first one's stylesheet %s", css)
				}
				if !strings.Contains(got.body, "round "+first.themes.Fingerprint()) {
					t.Error("the other release's page lacks the content")
				}
				if again := second.get(t, host, "/about"); again.header.Get("Cache-Status") != "pcnweb; hit" {
					t.Errorf("the other release, again: %q, want a hit of its own render", again.header.Get("Cache-Status"))
				}
				// Every asset of either page, on both servers: 200, the
				// right type, and the bytes the hash names (so immutable).
				for _, page := range []struct {
					s    *server
					html string
				}{{first, r.body}, {second, got.body}} {
					for _, u := range assetURLs(t, page.s, host, page.html) {
						want, ok := page.s.themes.Asset(u)
						if !ok {
							t.Fatalf("%s is not an asset of the release that linked it", u)
						}
						for _, s := range []*server{old, next} {
							a := s.get(t, host, u)
							if a.status != 200 || a.header.Get("Content-Type") != contentTypes[path.Ext(u)] || a.body != string(want.Body) || !strings.Contains(a.header.Get("Cache-Control"), "immutable") {
								t.Errorf("%s on the %s server: %d %q %q, %d bytes (want %d, immutable)", u, name(s, old), a.status, a.header.Get("Content-Type"), a.header.Get("Cache-Control"), len(a.body), len(want.Body))
							}
						}
					}
				}
			}
		})
	}
}

func name(s, old *server) string {
	if s == old {
		return "old"
	}
	return "new"
}

func stylesheet(t *testing.T, html string) string {
	t.Helper()
	for _, m := range linkedAsset.FindAllStringSubmatch(html, -1) {
		if strings.Contains(m[1], "nhsuk-frontend.min.") && strings.HasSuffix(m[1], ".css") {
			return m[1]
		}
	}
	t.Fatal("the page links no stylesheet")
	return ""
}

// TestAssetOfAnUnrecordedRelease: a URL of a release whose assets are not
// stored (older than the releases kept, or its database write failed) is
// answered with this build's file of the same name, cached briefly and not
// as immutable; a name no build has is a 404.
func TestAssetOfAnUnrecordedRelease(t *testing.T) {
	s := newServer(t, serverOptions{})
	other, err := themes.Load(nextRelease(t)...)
	if err != nil {
		t.Fatal(err)
	}
	cur := stylesheetURL(t, s.themes)
	old := stylesheetURL(t, other)
	if cur == old {
		t.Fatal("the stylesheets share a URL")
	}
	want, _ := s.themes.Asset(cur)
	r := s.get(t, "unknown.example", old)
	if r.status != 200 || r.header.Get("Content-Type") != "text/css; charset=utf-8" || r.body != string(want.Body) {
		t.Errorf("%s: %d %q, %d bytes, want this build's stylesheet", old, r.status, r.header.Get("Content-Type"), len(r.body))
	}
	if cc := r.header.Get("Cache-Control"); cc != "public, max-age=300" {
		t.Errorf("%s: Cache-Control %q, want short and not immutable", old, cc)
	}
	for _, u := range []string{
		"/static/default/nope.0123abcd.css",
		"/static/default/nhsuk-frontend.min.css",          // no hash
		"/static/default/nhsuk-frontend.min.XYZ12345.css", // not a hash
		"/static/elsewhere/nhsuk-frontend.min.0123abcd.css",
	} {
		if r := s.get(t, "unknown.example", u); r.status != 404 {
			t.Errorf("%s: %d, want 404", u, r.status)
		}
	}
}

func stylesheetURL(t *testing.T, reg *themes.Registry) string {
	t.Helper()
	for _, u := range reg.AssetURLs() {
		if strings.HasPrefix(u, "/static/default/nhsuk-frontend.min.") && strings.HasSuffix(u, ".css") {
			return u
		}
	}
	t.Fatal("no stylesheet")
	return ""
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
