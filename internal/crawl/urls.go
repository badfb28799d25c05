package crawl

import (
	"net/netip"
	"net/url"
	"path"
	"strings"
)

// Normalise resolves ref against base (base may be nil for an absolute ref)
// and returns the URL a crawl knows a page by: http or https only, host in
// lower case without a trailing dot or a default port, no user info, no
// fragment, an empty path as "/", and tracking parameters (utm_*, fbclid,
// gclid …) dropped while every other query parameter is kept in its order
// (WordPress's ?page_id=7 is a page of its own). ok is false for what is
// not a web page address (mailto:, tel:, javascript:, a malformed URL).
func Normalise(base *url.URL, ref string) (u *url.URL, ok bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" && base == nil {
		return nil, false
	}
	r, err := url.Parse(ref)
	if err != nil {
		return nil, false
	}
	if base != nil {
		r = base.ResolveReference(r)
	}
	r.Scheme = strings.ToLower(r.Scheme)
	if r.Scheme != "http" && r.Scheme != "https" || r.Opaque != "" {
		return nil, false
	}
	host := strings.TrimSuffix(strings.ToLower(r.Hostname()), ".")
	if host == "" {
		return nil, false
	}
	port := r.Port()
	if port == "80" && r.Scheme == "http" || port == "443" && r.Scheme == "https" {
		port = ""
	}
	if strings.Contains(host, ":") {
		ip, err := netip.ParseAddr(host)
		if err != nil || !ip.Is6() {
			return nil, false
		}
		host = "[" + ip.String() + "]"
	}
	if port != "" {
		host += ":" + port
	}
	out := &url.URL{Scheme: r.Scheme, Host: host, Path: r.Path, RawPath: r.RawPath}
	if out.Path == "" {
		out.Path, out.RawPath = "/", ""
	}
	out.RawQuery = dropTracking(r.RawQuery)
	if _, err := url.Parse(out.String()); err != nil {
		return nil, false
	}
	return out, true
}

// trackingParams are query parameters that only tell a site where a visitor
// came from.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "mc_cid": true, "mc_eid": true,
	"_ga": true, "_gl": true, "yclid": true, "igshid": true,
}

func dropTracking(raw string) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(raw, "&")
	kept := parts[:0]
	for _, p := range parts {
		if p == "" {
			continue
		}
		k, _, _ := strings.Cut(p, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		k = strings.ToLower(k)
		if strings.HasPrefix(k, "utm_") || trackingParams[k] {
			continue
		}
		kept = append(kept, p)
	}
	return strings.Join(kept, "&")
}

// siteKey is what makes two URLs the same site: the host without "www.",
// with its port when it is not the default (http and https count as one).
func siteKey(u *url.URL) string {
	h := strings.ToLower(u.Hostname())
	h = strings.TrimPrefix(h, "www.")
	port := u.Port()
	if port == "80" || port == "443" {
		port = ""
	}
	if port != "" {
		return h + ":" + port
	}
	return h
}

// SameSite reports whether a and b are on the same site: the same host
// give or take "www.", over http or https.
func SameSite(a, b *url.URL) bool { return siteKey(a) == siteKey(b) }

// fileExts are extensions of links that are files, not pages: the
// extractor finds them on pages and the importer fetches them; the crawler
// does not.
var fileExts = map[string]bool{
	".pdf": true, ".doc": true, ".docx": true, ".xls": true, ".xlsx": true, ".ppt": true, ".pptx": true,
	".odt": true, ".ods": true, ".odp": true, ".rtf": true, ".txt": true, ".csv": true,
	".zip": true, ".rar": true, ".7z": true, ".gz": true, ".tar": true, ".tgz": true,
	".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".webp": true, ".svg": true, ".bmp": true,
	".tif": true, ".tiff": true, ".ico": true, ".heic": true, ".avif": true,
	".mp3": true, ".mp4": true, ".m4a": true, ".m4v": true, ".mov": true, ".avi": true, ".wmv": true,
	".webm": true, ".ogg": true, ".wav": true, ".flac": true,
	".css": true, ".js": true, ".json": true, ".xml": true, ".rss": true, ".atom": true,
	".woff": true, ".woff2": true, ".ttf": true, ".eot": true, ".otf": true,
	".exe": true, ".msi": true, ".dmg": true, ".apk": true, ".ics": true, ".vcf": true, ".eml": true,
}

// IsFileLink reports whether u's path ends in a file extension that is not
// a web page (.pdf, .jpg, .docx …).
func IsFileLink(u *url.URL) bool {
	return fileExts[strings.ToLower(path.Ext(u.Path))]
}
