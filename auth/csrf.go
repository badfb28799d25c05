package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"
)

// Before there is a session (the sign-in form) CSRF uses a signed
// double-submit token: the same value in a cookie and in the form, made of a
// random nonce and its HMAC under a secret every replica shares, so a value
// planted by anyone without the secret is refused.

// NewFormToken returns a signed token: nonce "." HMAC-SHA256(key, nonce).
func NewFormToken(key []byte) string {
	nonce := NewToken()
	return nonce + "." + sign(key, nonce)
}

// CheckFormToken reports whether the cookie and form values are the same
// well-signed token.
func CheckFormToken(key []byte, cookie, form string) bool {
	if cookie == "" || len(cookie) > 200 || subtle.ConstantTimeCompare([]byte(cookie), []byte(form)) != 1 {
		return false
	}
	nonce, mac, ok := strings.Cut(cookie, ".")
	if !ok || nonce == "" {
		return false
	}
	return hmac.Equal([]byte(mac), []byte(sign(key, nonce)))
}

// CheckSessionToken compares a form's token with the session's synchronizer token.
func CheckSessionToken(s Session, form string) bool {
	return s.CSRF != "" && subtle.ConstantTimeCompare([]byte(s.CSRF), []byte(form)) == 1
}

func sign(key []byte, nonce string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("pcnweb csrf\x00"))
	m.Write([]byte(nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
