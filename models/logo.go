package models

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/pcnweb/pcnweb/internal/hostname"
)

// The site logo is a file of the tenant's own media library, stored as its
// path "/media/<id>/<file>". Nothing else may be a logo: an address on
// another host ("//evil.example/logo.png", "/\evil.example/…") would put
// someone else's image, and a request to their server, on every page.

const msgLogo = "the logo must be an image from Images and files: copy its address, like /media/12/640.png"

// ParseMediaPath reads a media library file's path, "/media/<id>/<file>",
// exactly as Media.URL writes it; ok is false for anything else.
func ParseMediaPath(p string) (id int64, file string, ok bool) {
	rest, found := strings.CutPrefix(p, "/media/")
	if !found {
		return 0, "", false
	}
	ids, file, found := strings.Cut(rest, "/")
	if !found || ids == "" || len(ids) > 18 || strings.Trim(ids, "0123456789") != "" || ids[0] == '0' {
		return 0, "", false
	}
	if file == "" || len(file) > 32 || strings.Trim(file, "0123456789abcdefghijklmnopqrstuvwxyz.") != "" || strings.HasPrefix(file, ".") {
		return 0, "", false
	}
	id, err := strconv.ParseInt(ids, 10, 64)
	if err != nil || id <= 0 {
		return 0, "", false
	}
	return id, file, true
}

// LogoPath turns the logo address a manager typed into the path it is
// stored as: a media file's path as it is, or its full https:// address on
// one of hosts (the tenant's own, normalised) reduced to the path. Empty
// stays empty (no logo). Anything else is a *ValidationError on
// "logo_url". Whether the file exists is checked when the settings are
// saved.
func LogoPath(raw string, hosts []string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	if strings.ContainsAny(raw, "\\\t\r\n") {
		return "", invalid("logo_url", msgLogo)
	}
	p := raw
	if strings.HasPrefix(strings.ToLower(raw), "https://") {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "https" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Port() != "" || u.Opaque != "" {
			return "", invalid("logo_url", msgLogo)
		}
		h, err := hostname.Normalize(u.Host)
		if err != nil || !slices.Contains(hosts, h) {
			return "", invalid("logo_url", "the logo must be on this website: an image from Images and files, not an address on another website")
		}
		p = u.EscapedPath()
	}
	if _, _, ok := ParseMediaPath(p); !ok {
		return "", invalid("logo_url", msgLogo)
	}
	return p, nil
}

// checkLogo refuses a logo that is not an image file of the tenant's
// media library.
func (t *TenantDB) checkLogo(logo string) error {
	if logo == "" {
		return nil
	}
	id, file, ok := ParseMediaPath(logo)
	if !ok {
		return invalid("logo_url", msgLogo)
	}
	m, err := t.MediaByID(id)
	if errors.Is(err, ErrNotFound) {
		return invalid("logo_url", "there is no image at that address in Images and files: upload the logo there first, then copy its address")
	}
	if err != nil {
		return err
	}
	if m.Kind != MediaImage || !slices.Contains(m.Files(), file) {
		return invalid("logo_url", msgLogo)
	}
	return nil
}
