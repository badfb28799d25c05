// Package hostname normalises and validates the host names that select a
// tenant: request Host headers and the custom domains operators attach.
package hostname

import (
	"errors"
	"net"
	"strings"

	"golang.org/x/net/idna"
)

// MaxHeaderLen bounds the Host header we are willing to look at: a 253-byte
// name plus a port.
const MaxHeaderLen = 253 + 6

// ErrInvalid is returned for anything that is not a usable DNS host name.
var ErrInvalid = errors.New("invalid host name")

var profile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false))

// Normalize turns a Host header value into the canonical form used as a
// lookup key: lower case, no port, no trailing dot, IDNA A-labels. IP
// literals are refused: tenants are reached by name.
func Normalize(host string) (string, error) {
	if host == "" || len(host) > MaxHeaderLen {
		return "", ErrInvalid
	}
	if strings.HasPrefix(host, "[") { // IPv6 literal, with or without port
		return "", ErrInvalid
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		port := host[i+1:]
		if port == "" || len(port) > 5 || strings.Trim(port, "0123456789") != "" {
			return "", ErrInvalid
		}
		host = host[:i]
	}
	host = strings.TrimSuffix(host, ".")
	if host == "" {
		return "", ErrInvalid
	}
	if isASCIILower(host) {
		// Fast path: the common case needs no IDNA processing.
		if err := checkLabels(host); err != nil {
			return "", err
		}
	} else {
		a, err := profile.ToASCII(host)
		if err != nil {
			return "", ErrInvalid
		}
		host = strings.ToLower(a)
		if err := checkLabels(host); err != nil {
			return "", err
		}
	}
	// An IP address is not a host name. Labels have been checked, so only
	// digits and dots can be one (IPv6 has colons); asking ParseIP only
	// then keeps a name's normalisation free of allocations.
	if strings.Trim(host, "0123456789.") == "" && net.ParseIP(host) != nil {
		return "", ErrInvalid
	}
	return host, nil
}

// Valid reports whether h is already a normalised host name.
func Valid(h string) bool {
	n, err := Normalize(h)
	return err == nil && n == h
}

func isASCIILower(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || (c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// checkLabels enforces letters, digits and hyphens (LDH), 1–63 bytes a label,
// no leading or trailing hyphen, and 253 bytes in all.
func checkLabels(h string) error {
	if len(h) > 253 {
		return ErrInvalid
	}
	for _, label := range strings.Split(h, ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return ErrInvalid
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return ErrInvalid
			}
		}
	}
	return nil
}
