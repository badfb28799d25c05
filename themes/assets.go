package themes

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// Asset is one static file, ready to serve.
type Asset struct {
	Body []byte
	Gzip []byte // Body gzip-compressed at Load (always set)
	// Brotli is Body brotli-compressed at Load, or nil when that is no
	// smaller than Gzip or the type is compressed already (images, fonts).
	Brotli      []byte
	ContentType string
	ETag        string // strong, quoted: "<hex of sha256(Body)[:16]>"
	// The compressed representations' ETags: ETag with "-gz" and "-br"
	// inside the quotes, made once.
	GzipETag, BrotliETag string
}

// Brotli qualities. An asset of this build is compressed once per process
// at start-up (Load), and the result is kept by content for the other Loads
// of the process (tests load the themes many times). Measured, CPU time:
// the NHS.UK stylesheet of 277,588 bytes takes 0.52 s at quality 11 for
// 23,498 bytes, 0.20 s at 10 for 24,103, 41 ms at 9 for 25,388 and 5 ms at
// 5 for 27,317; its script of 58,109 bytes 0.10 s at 11 for 12,144, 28 ms
// at 9 for 12,961. Quality 11 for every asset made the first Load cost
// 0.95 s of CPU (0.2 s without brotli), and eight times that under the race
// detector in every test binary that loads the themes; so 11 up to
// brotliBigAsset bytes, 9 above (8 % bigger for a twelfth of the CPU, and
// sent once per browser: the URLs are immutable). An asset of another
// release (NewAsset, read from the database on a request) is compressed on
// that request: quality 5.
const (
	brotliQualityBuild    = 11
	brotliQualityBuildBig = 9
	brotliBigAsset        = 128 << 10
	brotliQualityRelease  = 5
)

// NewAsset makes a servable asset of another release's stored bytes (body,
// its gzip, content type and strong ETag), adding the brotli body at
// quality brotliQualityRelease and the representations' ETags.
func NewAsset(body, gz []byte, contentType, etag string) (*Asset, error) {
	a := &Asset{Body: body, Gzip: gz, ContentType: contentType, ETag: etag}
	br, err := brotliAsset(body, contentType, sha256.Sum256(body), brotliQualityRelease)
	if err != nil {
		return nil, err
	}
	if len(br) < len(gz) {
		a.Brotli = br
	}
	a.setTags()
	return a, nil
}

func (a *Asset) setTags() {
	if len(a.ETag) < 2 {
		a.GzipETag, a.BrotliETag = a.ETag, a.ETag
		return
	}
	open := a.ETag[:len(a.ETag)-1]
	a.GzipETag, a.BrotliETag = open+`-gz"`, open+`-br"`
}

// compressedTypes are content types that brotli cannot shrink.
var compressedTypes = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
	"font/woff2": true, "font/woff": true,
}

// brotliMemo keeps each brotli body made, by the sha256 of the input and
// the quality, for the process.
var brotliMemo sync.Map // of brotliKey → []byte

type brotliKey struct {
	sum     [32]byte
	quality int
}

// brotliAsset compresses body at quality, once per process for the same
// bytes; nil for a type that is compressed already.
func brotliAsset(body []byte, contentType string, sum [32]byte, quality int) ([]byte, error) {
	if compressedTypes[contentType] {
		return nil, nil
	}
	key := brotliKey{sum, quality}
	if br, ok := brotliMemo.Load(key); ok {
		return br.([]byte), nil
	}
	var buf bytes.Buffer
	w := brotli.NewWriterLevel(&buf, quality)
	if _, err := w.Write(body); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	br := bytes.Clone(buf.Bytes())
	brotliMemo.Store(key, br)
	return br, nil
}

var contentTypes = map[string]string{
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".json":  "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".jpeg":  "image/jpeg",
	".gif":   "image/gif",
	".webp":  "image/webp",
	".ico":   "image/x-icon",
	".woff2": "font/woff2",
	".woff":  "font/woff",
	".txt":   "text/plain; charset=utf-8",
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if ct, ok := contentTypes[ext]; ok {
		return ct
	}
	if ct := mime.TypeByExtension(ext); ct != "" {
		return ct
	}
	return "application/octet-stream"
}

// hashedName inserts the content hash before the last extension:
// "nhsuk-frontend.min.css" -> "nhsuk-frontend.min.3f2a9c1b.css".
func hashedName(rel, hash string) string {
	ext := path.Ext(rel)
	if ext == "" || strings.Contains(ext, "/") {
		return rel + "." + hash
	}
	return strings.TrimSuffix(rel, ext) + "." + hash + ext
}

type assetState struct {
	url  string
	busy bool // being resolved (cycle detection)
}

type assetSet struct {
	fsys   fs.FS
	chains map[string][]string // theme -> static lookup chain
	state  map[string]*assetState
	byURL  map[string]*Asset
}

func (s *assetSet) has(theme, rel string) bool {
	if !fs.ValidPath(rel) {
		return false
	}
	fi, err := fs.Stat(s.fsys, path.Join(theme, "static", rel))
	return err == nil && !fi.IsDir()
}

// lookup finds the theme that serves rel for a file of theme from.
func (s *assetSet) lookup(from, rel string) (owner string, ok bool) {
	for _, t := range s.chains[from] {
		if s.has(t, rel) {
			return t, true
		}
	}
	return "", false
}

// url returns the hashed URL of rel as seen from theme from, processing it
// (and whatever it refers to) on first use.
func (s *assetSet) url(from, rel string) (string, error) {
	owner, ok := s.lookup(from, rel)
	if !ok {
		return "", fmt.Errorf("themes: static file %q not found for theme %q", rel, from)
	}
	key := owner + "/" + rel
	if st := s.state[key]; st != nil {
		if st.busy {
			return "", fmt.Errorf("themes: static reference cycle at %s", key)
		}
		return st.url, nil
	}
	st := &assetState{busy: true}
	s.state[key] = st
	body, err := fs.ReadFile(s.fsys, path.Join(owner, "static", rel))
	if err != nil {
		return "", err
	}
	switch path.Ext(rel) {
	case ".css":
		body, err = s.rewriteCSS(owner, rel, body)
	case ".js", ".mjs":
		body, err = s.rewriteJS(owner, rel, body)
	}
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(body)
	hexsum := hex.EncodeToString(sum[:])
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if _, err := zw.Write(body); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	ct := contentType(rel)
	quality := brotliQualityBuild
	if len(body) > brotliBigAsset {
		quality = brotliQualityBuildBig
	}
	br, err := brotliAsset(body, ct, sum, quality)
	if err != nil {
		return "", err
	}
	if len(br) >= gz.Len() {
		br = nil
	}
	st.url = "/static/" + owner + "/" + hashedName(rel, hexsum[:8])
	st.busy = false
	a := &Asset{
		Body:        body,
		Gzip:        gz.Bytes(),
		Brotli:      br,
		ContentType: ct,
		ETag:        `"` + hexsum[:32] + `"`,
	}
	a.setTags()
	s.byURL[st.url] = a
	return st.url, nil
}

var cssURL = regexp.MustCompile(`url\(\s*(['"]?)([^'")]*)(['"]?)\s*\)`)

// rewriteCSS maps url(/assets/<p>) to <p> in the static dir (NHS.UK frontend's
// convention) and url(<relative>) relative to the CSS file, both to hashed
// /static/ URLs. data: URIs and fragments stay; anything else is an error.
func (s *assetSet) rewriteCSS(theme, rel string, body []byte) ([]byte, error) {
	var firstErr error
	out := cssURL.ReplaceAllFunc(body, func(m []byte) []byte {
		sub := cssURL.FindSubmatch(m)
		ref := string(sub[2])
		target, keep, err := s.resolveRef(theme, rel, ref)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("themes: %s/static/%s: url(%s): %w", theme, rel, ref, err)
			}
			return m
		}
		if keep {
			return m
		}
		return []byte("url(" + target + ")")
	})
	return out, firstErr
}

// jsImport matches static and dynamic import specifiers that are relative.
var jsImport = regexp.MustCompile(`((?:\bfrom|\bimport)\s*\(?\s*)(['"])(\.\.?/[^'"]+)(['"])`)

func (s *assetSet) rewriteJS(theme, rel string, body []byte) ([]byte, error) {
	var firstErr error
	out := jsImport.ReplaceAllFunc(body, func(m []byte) []byte {
		sub := jsImport.FindSubmatch(m)
		ref := string(sub[3])
		target, _, err := s.resolveRef(theme, rel, ref)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("themes: %s/static/%s: import %q: %w", theme, rel, ref, err)
			}
			return m
		}
		return []byte(string(sub[1]) + string(sub[2]) + target + string(sub[4]))
	})
	return out, firstErr
}

// resolveRef resolves a reference found in static file rel of theme.
func (s *assetSet) resolveRef(theme, rel, ref string) (target string, keep bool, err error) {
	switch {
	case ref == "" || strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "data:"):
		return "", true, nil
	case strings.HasPrefix(ref, "/static/"):
		return "", true, nil
	case strings.HasPrefix(ref, "/assets/"):
		target, err = s.url(theme, strings.TrimPrefix(ref, "/assets/"))
		return target, false, err
	case strings.HasPrefix(ref, "/") || strings.Contains(ref, ":"):
		return "", false, fmt.Errorf("only /assets/, relative and data: references are allowed (no third-party requests)")
	}
	p := ref
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	p = path.Join(path.Dir(rel), p)
	target, err = s.url(theme, p)
	return target, false, err
}

func (s *assetSet) urlFunc(theme string) func(string) (string, error) {
	return func(name string) (string, error) {
		key := ""
		if owner, ok := s.lookup(theme, name); ok {
			key = owner + "/" + name
		}
		if st := s.state[key]; st != nil && !st.busy {
			return st.url, nil
		}
		return "", fmt.Errorf("themes: asset %q not found in theme %q", name, theme)
	}
}

// buildAssets processes every static file of every theme up front, so the
// registry is read-only afterwards.
func buildAssets(fsys fs.FS, dirs []string, chains map[string][]string) (*assetSet, error) {
	s := &assetSet{
		fsys:   fsys,
		chains: chains,
		state:  map[string]*assetState{},
		byURL:  map[string]*Asset{},
	}
	for _, d := range dirs {
		root := path.Join(d, "static")
		if _, err := fs.Stat(fsys, root); err != nil {
			continue
		}
		err := fs.WalkDir(fsys, root, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			_, err = s.url(d, strings.TrimPrefix(p, root+"/"))
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// byName maps every asset's unhashed URL ("/static/default/x.css") to its
// hashed one.
func (s *assetSet) byName() map[string]string {
	out := make(map[string]string, len(s.state))
	for key, st := range s.state {
		if st.url != "" {
			out["/static/"+key] = st.url
		}
	}
	return out
}

// unhashedName undoes hashedName on a URL path: "/static/default/a.b.<8
// hex>.css" → "/static/default/a.b.css", "/static/default/LICENSE.<8 hex>" →
// "/static/default/LICENSE". ok is false when the path carries no hash.
func unhashedName(urlPath string) (string, bool) {
	dir, base := path.Split(urlPath)
	if !strings.HasPrefix(dir, "/static/") {
		return "", false
	}
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	if h := path.Ext(stem); isHash(h) {
		return dir + strings.TrimSuffix(stem, h) + ext, true
	}
	if isHash(ext) { // a name without an extension: "name.<hash>"
		return dir + stem, true
	}
	return "", false
}

// isHash reports whether ext is "." and 8 lower-case hex digits.
func isHash(ext string) bool {
	if len(ext) != 9 || ext[0] != '.' {
		return false
	}
	for _, c := range ext[1:] {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
