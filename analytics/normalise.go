package analytics

import (
	"unicode"
	"unicode/utf8"

	"github.com/pcnweb/pcnweb/models"
)

// HiddenTerm stands in for a search term that looks like it names a person:
// one with an "@" (an email address) or six digits or more (a phone or NHS
// number). Patients type such things into search boxes; they are not kept.
const HiddenTerm = "(personal details hidden)"

// AppendSearchTerm appends the normalised form of a search to dst: trimmed,
// lower-cased, runs of white space made one space, control characters and
// invalid UTF-8 dropped, cut to models.MaxSearchKey characters. It appends
// HiddenTerm instead for a term that looks like personal details, and
// nothing for a blank one.
func AppendSearchTerm(dst []byte, q string) []byte {
	start := len(dst)
	runes, digits, longestDigits := 0, 0, 0
	space := false
	for _, r := range q {
		switch {
		case r == utf8.RuneError:
			continue
		case unicode.IsSpace(r):
			space = runes > 0
			continue
		case unicode.IsControl(r) || r == '\u200b' || r == '\ufeff':
			continue
		}
		if r == '@' {
			return append(dst[:start], HiddenTerm...)
		}
		if r >= '0' && r <= '9' {
			digits++
			longestDigits = max(longestDigits, digits)
		} else if r != '-' {
			// "07700 900123" and "943-476-5919" are one number: spaces and
			// hyphens between digits do not break a run.
			digits = 0
		}
		if runes >= models.MaxSearchKey {
			// Keep scanning: what lies beyond the cut may still be personal.
			continue
		}
		if space {
			if runes+1 >= models.MaxSearchKey {
				runes = models.MaxSearchKey
				continue
			}
			dst = append(dst, ' ')
			runes++
			space = false
		}
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		runes++
	}
	if longestDigits >= 6 {
		return append(dst[:start], HiddenTerm...)
	}
	return dst
}

// AppendReferrer appends to dst the domain of the site a Referer header
// names: the host of an http or https URL, lower-cased, without port,
// user information, trailing dot or leading "www.". It appends nothing when
// the header is empty or not such a URL, when the host is not a plain
// domain or IPv4 address, or when it is the site's own: self (the request's
// Host header) or one of others (the tenant's other hosts), compared the
// same way.
func AppendReferrer(dst, referer, self []byte, others []string) []byte {
	rest, ok := cutScheme(referer)
	if !ok {
		return dst
	}
	// One pass over the authority: lower-case the host into dst, restart
	// at each "@" (what came before was user information), skip the port.
	start := len(dst)
	port, bad := false, false
	var prev byte
scan:
	for _, b := range rest {
		switch {
		case b == '/' || b == '?' || b == '#' || b == '\\':
			break scan
		case b == '@':
			dst, port, bad, prev = dst[:start], false, false, 0
			continue
		case port || bad:
		case b == ':':
			port = true
		case b >= 'a' && b <= 'z', b >= '0' && b <= '9', b == '-', b == '_':
			dst = append(dst, b)
		case b == '.':
			bad = prev == '.' // an empty label
			dst = append(dst, b)
		case b >= 'A' && b <= 'Z':
			dst = append(dst, b+'a'-'A')
		default:
			bad = true
		}
		prev = b
	}
	host := dst[start:]
	if len(host) > 0 && host[len(host)-1] == '.' {
		host = host[:len(host)-1]
	}
	if len(host) > 4 && string(host[:4]) == "www." {
		host = host[4:]
	}
	if bad || len(host) == 0 || len(host) > models.MaxReferrerKey || host[0] == '.' || host[len(host)-1] == '.' ||
		sameSite(host, self) {
		return dst[:start]
	}
	for _, o := range others {
		if sameSite(host, o) {
			return dst[:start]
		}
	}
	n := copy(dst[start:], host)
	return dst[:start+n]
}

// cutScheme returns what follows "http://" or "https://" (any case).
func cutScheme(u []byte) ([]byte, bool) {
	for _, scheme := range [...]string{"https://", "http://"} {
		if len(u) >= len(scheme) && asciiEqualFold(u[:len(scheme)], scheme) {
			return u[len(scheme):], true
		}
	}
	return nil, false
}

// sameSite reports whether host (lower-case, "www." gone) is the host h,
// compared without case, port, trailing dot or "www.".
func sameSite[S string | []byte](host []byte, h S) bool {
	for i := 0; i < len(h); i++ {
		if h[i] == ':' {
			h = h[:i]
			break
		}
	}
	if len(h) > 0 && h[len(h)-1] == '.' {
		h = h[:len(h)-1]
	}
	if len(h) > 4 && asciiEqualFold(h[:4], "www.") {
		h = h[4:]
	}
	return len(h) == len(host) && asciiEqualFold(host, h)
}

// asciiEqualFold compares b and s, ignoring ASCII case.
func asciiEqualFold[A, B string | []byte](b A, s B) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		x, y := b[i], s[i]
		if x == y {
			continue
		}
		if lx := x | 0x20; lx != y|0x20 || lx < 'a' || lx > 'z' {
			return false
		}
	}
	return true
}
