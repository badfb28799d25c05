package themes

// Static assets: content-hash URLs, strong ETags, gzip, references that
// resolve, nothing third-party, the init script and the download budget.

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

var (
	strongETag = regexp.MustCompile(`^"[0-9a-f]{32}"$`)
	hashedURL  = regexp.MustCompile(`^/static/[a-z0-9-]+/(?:[^/]+/)*[^/]+\.([0-9a-f]{8})(?:\.[a-z0-9]+)?$`)
	staticRef  = regexp.MustCompile(`/static/[A-Za-z0-9._/-]+`)
)

func TestAssets(t *testing.T) {
	r := mustLoad(t)
	urls := r.AssetURLs()
	if len(urls) == 0 {
		t.Fatal("no assets")
	}
	for _, u := range urls {
		a, ok := r.Asset(u)
		if !ok {
			t.Fatalf("Asset(%q) not found", u)
		}
		zr, err := gzip.NewReader(bytes.NewReader(a.Gzip))
		if err != nil {
			t.Fatalf("%s: gzip: %v", u, err)
		}
		inflated, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(inflated, a.Body) {
			t.Errorf("%s: gzip does not inflate to Body (err %v)", u, err)
		}
		if a.Brotli != nil {
			got, err := io.ReadAll(brotli.NewReader(bytes.NewReader(a.Brotli)))
			if err != nil || !bytes.Equal(got, a.Body) {
				t.Errorf("%s: brotli does not decode to Body (err %v)", u, err)
			}
			if len(a.Brotli) >= len(a.Gzip) {
				t.Errorf("%s: brotli body of %d bytes kept, gzip is %d", u, len(a.Brotli), len(a.Gzip))
			}
		} else if (strings.HasSuffix(u, ".css") || strings.HasSuffix(u, ".js")) && len(a.Body) > 1000 {
			t.Errorf("%s: %d bytes of text without a brotli body", u, len(a.Body))
		}
		if !strongETag.MatchString(a.ETag) {
			t.Errorf("%s: ETag %q is not strong and quoted", u, a.ETag)
		}
		if tag := strings.TrimSuffix(a.ETag, `"`); a.GzipETag != tag+`-gz"` || a.BrotliETag != tag+`-br"` {
			t.Errorf("%s: ETags %s %s %s", u, a.ETag, a.GzipETag, a.BrotliETag)
		}
		if a.ContentType == "" || a.ContentType == "application/octet-stream" {
			t.Errorf("%s: content type %q", u, a.ContentType)
		}
		m := hashedURL.FindStringSubmatch(u)
		sum := sha256.Sum256(a.Body)
		if m == nil || m[1] != hex.EncodeToString(sum[:])[:8] {
			t.Errorf("%s: URL does not carry the content hash", u)
		}
		if strings.HasSuffix(u, ".css") || strings.HasSuffix(u, ".js") {
			for _, ref := range staticRef.FindAllString(string(a.Body), -1) {
				if _, ok := r.Asset(ref); !ok {
					t.Errorf("%s refers to %s, which does not resolve", u, ref)
				}
			}
		}
		if strings.HasSuffix(u, ".css") {
			body := string(a.Body)
			for _, bad := range []string{"/assets/", "http://", "https://", "@font-face", "sourceMappingURL"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s contains %q", u, bad)
				}
			}
		}
	}
	for _, miss := range []string{
		"/static/default/nhsuk-frontend.min.css", // unhashed
		"/assets/images/nhsuk-icon-cross.svg",
		"/static/default/../civic/civic.css",
		"",
	} {
		if _, ok := r.Asset(miss); ok {
			t.Errorf("Asset(%q) found", miss)
		}
	}
}

// TestNewAsset: another release's stored asset gets a brotli body (when it
// is worth it) and its representations' tags.
func TestNewAsset(t *testing.T) {
	r := mustLoad(t)
	_, css := findAsset(t, r, "/static/default/nhsuk-frontend.min.")
	a, err := NewAsset(css.Body, css.Gzip, css.ContentType, css.ETag)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(brotli.NewReader(bytes.NewReader(a.Brotli)))
	if err != nil || !bytes.Equal(got, css.Body) || len(a.Brotli) >= len(a.Gzip) {
		t.Errorf("brotli body of %d bytes (gzip %d) decodes to %d bytes, %v", len(a.Brotli), len(a.Gzip), len(got), err)
	}
	if a.GzipETag != css.GzipETag || a.BrotliETag != css.BrotliETag {
		t.Errorf("tags %s %s, want %s %s", a.GzipETag, a.BrotliETag, css.GzipETag, css.BrotliETag)
	}
	png, err := NewAsset([]byte("\x89PNG not really"), []byte{0x1f, 0x8b}, "image/png", `"x"`)
	if err != nil || png.Brotli != nil {
		t.Errorf("an image got a brotli body: %v %v", png.Brotli, err)
	}
}

func findAsset(t *testing.T, r *Registry, prefix string) (string, Asset) {
	t.Helper()
	for _, u := range r.AssetURLs() {
		if strings.HasPrefix(u, prefix) {
			a, _ := r.Asset(u)
			return u, a
		}
	}
	t.Fatalf("no asset %s*", prefix)
	return "", Asset{}
}

func TestInitScript(t *testing.T) {
	r := mustLoad(t)
	var jsURL string
	for _, u := range r.AssetURLs() {
		if strings.HasPrefix(u, "/static/default/nhsuk-frontend.min.") && strings.HasSuffix(u, ".js") {
			jsURL = u
		}
	}
	_, init := findAsset(t, r, "/static/default/init.")
	body := string(init.Body)
	if !strings.Contains(body, `from '`+jsURL+`'`) {
		t.Errorf("init.js does not import %s:\n%s", jsURL, body)
	}
	for _, want := range []string{"js-enabled", "nhsuk-frontend-supported", "initAll()"} {
		if !strings.Contains(body, want) {
			t.Errorf("init.js lacks %q", want)
		}
	}
	if a, _ := r.Asset(jsURL); !strings.Contains(string(a.Body), "initAll") || !strings.HasPrefix(a.ContentType, "text/javascript") {
		t.Errorf("nhsuk-frontend JS does not export initAll or has type %q", a.ContentType)
	}
}

// TestAssetBudget reports (go test -v) and bounds what a first visit to a
// public site downloads: the default theme's CSS and JS, without the whole
// NHS.UK stylesheet that only the admin panel and operator console link.
func TestAssetBudget(t *testing.T) {
	r := mustLoad(t)
	var css, js, cssGz, jsGz int
	for _, u := range r.AssetURLs() {
		a, _ := r.Asset(u)
		switch {
		case strings.HasPrefix(u, "/static/default/nhsuk-frontend-full.min."):
		case strings.HasSuffix(u, ".css") && strings.HasPrefix(u, "/static/default/"):
			css, cssGz = css+len(a.Body), cssGz+len(a.Gzip)
		case strings.HasSuffix(u, ".js") && strings.HasPrefix(u, "/static/default/"):
			js, jsGz = js+len(a.Body), jsGz+len(a.Gzip)
		}
		t.Logf("%-60s %7d bytes, %6d gzip", u, len(a.Body), len(a.Gzip))
	}
	t.Logf("default CSS %d bytes (%d gzip), JS %d bytes (%d gzip)", css, cssGz, js, jsGz)
	if cssGz+jsGz > 20<<10 {
		t.Errorf("CSS+JS gzip = %d bytes, over the 20 KiB budget", cssGz+jsGz)
	}
}
