package site

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/themes"
)

// TestServeAssetEncodings: a static asset goes out in the coding the
// client prefers (br, then gzip, by q-value) when it has one that is
// smaller, with that representation's ETag; any of its tags revalidates.
func TestServeAssetEncodings(t *testing.T) {
	reg, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	var cssURL, pngURL string
	for _, u := range reg.AssetURLs() {
		switch {
		case strings.HasPrefix(u, "/static/default/nhsuk-frontend.min.") && strings.HasSuffix(u, ".css"):
			cssURL = u
		case strings.HasSuffix(u, ".png"):
			pngURL = u
		}
	}
	if cssURL == "" {
		t.Fatal("no stylesheet")
	}
	app := fiber.New()
	app.Get("/static/*", serveAsset(reg, nil))
	get := func(url string, headers ...string) *http.Response {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, url, nil)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	css, _ := reg.Asset(cssURL)
	tests := []struct {
		accept   string
		encoding string
		etag     string
	}{
		{"gzip, deflate, br, zstd", "br", css.BrotliETag},
		{"gzip, deflate", "gzip", css.GzipETag},
		{"br;q=0, gzip", "gzip", css.GzipETag},
		{"gzip;q=1, br;q=0.5", "gzip", css.GzipETag},
		{"", "", css.ETag},
		{"gzip;q=0", "", css.ETag},
		{"identity", "", css.ETag},
	}
	for _, tt := range tests {
		resp := get(cssURL, "Accept-Encoding", tt.accept)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != tt.encoding || resp.Header.Get("ETag") != tt.etag {
			t.Errorf("Accept-Encoding %q: %d %q %s, want 200 %q %s", tt.accept, resp.StatusCode, resp.Header.Get("Content-Encoding"), resp.Header.Get("ETag"), tt.encoding, tt.etag)
			continue
		}
		var r io.Reader = bytes.NewReader(body)
		switch tt.encoding {
		case "br":
			r = brotli.NewReader(r)
		case "gzip":
			if r, err = gzip.NewReader(r); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := io.ReadAll(r); err != nil || !bytes.Equal(got, css.Body) {
			t.Errorf("Accept-Encoding %q: the body does not decode to the stylesheet (%v)", tt.accept, err)
		}
		if resp.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("Vary = %q", resp.Header.Get("Vary"))
		}
	}
	for _, inm := range []string{css.ETag, css.GzipETag, css.BrotliETag, "W/" + css.BrotliETag, `"other", ` + css.GzipETag, "*"} {
		if resp := get(cssURL, "Accept-Encoding", "br", "If-None-Match", inm); resp.StatusCode != 304 {
			t.Errorf("If-None-Match %s: %d, want 304", inm, resp.StatusCode)
		}
	}
	if resp := get(cssURL, "If-None-Match", `"other"`); resp.StatusCode != 200 {
		t.Errorf("another tag: %d, want 200", resp.StatusCode)
	}
	if pngURL != "" {
		// An image is sent as it is: brotli and gzip do not shrink it.
		if resp := get(pngURL, "Accept-Encoding", "gzip, deflate, br"); resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s: Content-Encoding %q", pngURL, resp.Header.Get("Content-Encoding"))
		}
	}
}
