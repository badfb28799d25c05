package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Known devices (after OWASP's "device cookies"): a successful sign-in
// gives the browser a signed token saying "this browser signed in to this
// account". Sign-ins that show one are throttled in a bucket of their own
// (Attempt.Device), so a guesser elsewhere cannot lock the owner out. A
// cookie holds the tokens of a few accounts (a shared computer at a
// practice), newest first.
const (
	KnownDeviceTTL  = 90 * 24 * time.Hour
	maxDeviceTokens = 4
	maxDeviceCookie = 1024
)

// deviceAccount names the account in a token without the email itself.
func deviceAccount(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:8])
}

func deviceMAC(key []byte, payload string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("pcnweb known device\x00" + payload))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// parseDevice checks one token and returns its account, id and expiry.
func parseDevice(key []byte, tok string, now time.Time) (acct, id string, ok bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 4 || len(parts[0]) != 16 || len(parts[1]) != 16 {
		return "", "", false
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || !now.Before(time.Unix(exp, 0)) {
		return "", "", false
	}
	payload := parts[0] + "." + parts[1] + "." + parts[2]
	if !hmac.Equal([]byte(parts[3]), []byte(deviceMAC(key, payload))) {
		return "", "", false
	}
	return parts[0], parts[1], true
}

// KnownDevice returns the id of the cookie's valid token for email, or ""
// when it has none.
func KnownDevice(key []byte, cookie, email string, now time.Time) string {
	if len(cookie) > maxDeviceCookie {
		return ""
	}
	want := deviceAccount(email)
	for _, tok := range strings.Split(cookie, "~") {
		if acct, id, ok := parseDevice(key, tok, now); ok && acct == want {
			return id
		}
	}
	return ""
}

// RememberDevice returns the known-device cookie's new value after email
// signed in: a new token for email first, then the cookie's other valid
// tokens (of other accounts), at most maxDeviceTokens in all.
func RememberDevice(key []byte, cookie, email string, now time.Time) string {
	acct := deviceAccount(email)
	var b [8]byte
	_, _ = rand.Read(b[:])
	payload := acct + "." + hex.EncodeToString(b[:]) + "." + strconv.FormatInt(now.Add(KnownDeviceTTL).Unix(), 10)
	toks := []string{payload + "." + deviceMAC(key, payload)}
	if len(cookie) <= maxDeviceCookie {
		for _, tok := range strings.Split(cookie, "~") {
			if a, _, ok := parseDevice(key, tok, now); ok && a != acct && len(toks) < maxDeviceTokens {
				toks = append(toks, tok)
			}
		}
	}
	return strings.Join(toks, "~")
}
