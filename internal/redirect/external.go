package redirect

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/hostname"
)

// ErrBadURL is returned by ToURL for a target it will not send a browser
// to; nothing has been written to the response.
var ErrBadURL = errors.New("redirect: not an https URL with a host name")

// URL returns target, an absolute https URL a tenant's manager chose as
// where one of the site's old addresses now lives (a page on nhs.uk, say),
// in the form sent as Location, and whether it is one: scheme https, a
// host name (normalised; no IP literal, no user info), an optional numeric
// port, and a path, query and fragment cleaned as Path cleans them.
func URL(target string) (string, bool) {
	if len(target) < len("https://x") || !strings.EqualFold(target[:len("https://")], "https://") {
		return "", false
	}
	for i := 0; i < len(target); i++ {
		if b := target[i]; b <= 0x20 || b == 0x7f || b == '\\' {
			return "", false
		}
	}
	u, err := url.Parse(target)
	if err != nil || u.User != nil || u.Opaque != "" || u.Host == "" {
		return "", false
	}
	host, err := hostname.Normalize(u.Hostname())
	if err != nil {
		return "", false
	}
	authority := host
	if port := u.Port(); port != "" {
		if len(port) > 5 || strings.Trim(port, "0123456789") != "" {
			return "", false
		}
		authority += ":" + port
	} else if strings.HasSuffix(u.Host, ":") {
		return "", false
	}
	rest := u.EscapedPath()
	if rest == "" {
		rest = "/"
	}
	if u.RawQuery != "" || u.ForceQuery {
		rest += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		rest += "#" + u.EscapedFragment()
	}
	p, ok := Path(rest)
	if !ok {
		return "", false
	}
	return "https://" + authority + p, true
}

// ToURL answers with a redirect to target, an absolute https URL (see URL).
// A target URL refuses is ErrBadURL, and nothing is sent.
func ToURL(c *fiber.Ctx, target string, status int) error {
	loc, ok := URL(target)
	if !ok {
		return ErrBadURL
	}
	return c.Redirect(loc, status)
}
