package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// TOTP (RFC 6238) with the parameters every authenticator app supports:
// HMAC-SHA-1, 6 digits, 30-second steps, and one step of clock drift either
// way.
const (
	TOTPDigits = 6
	TOTPPeriod = 30 * time.Second
	TOTPSkew   = 1 // steps accepted before and after the current one
	// RecoveryCodes is how many one-time recovery codes a user gets.
	RecoveryCodes = 10
	totpSecretLen = 20 // bytes: 160 bits, as RFC 4226 recommends
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a random secret in base32 without padding, the form
// authenticator apps accept when typed in.
func NewTOTPSecret() string {
	return b32.EncodeToString(randomBytes(totpSecretLen))
}

// DecodeTOTPSecret parses a base32 secret (case and spaces ignored).
func DecodeTOTPSecret(secret string) ([]byte, error) {
	s := strings.ToUpper(strings.ReplaceAll(secret, " ", ""))
	key, err := b32.DecodeString(strings.TrimRight(s, "="))
	if err != nil || len(key) == 0 {
		return nil, fmt.Errorf("auth: bad TOTP secret")
	}
	return key, nil
}

// TOTPStep is the time step that t falls in.
func TOTPStep(t time.Time) int64 { return t.Unix() / int64(TOTPPeriod/time.Second) }

// TOTPCode is the code of one time step (RFC 4226 HOTP with the step as the
// counter), zero-padded to TOTPDigits.
func TOTPCode(key []byte, step int64) string {
	return hotp(key, uint64(step), TOTPDigits)
}

func hotp(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// VerifyTOTP checks code against the steps around now and returns the step it
// matched. A step at or before lastStep (already used) never matches, so a
// code cannot be replayed within its window; the caller stores the step.
func VerifyTOTP(secret, code string, now time.Time, lastStep int64) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != TOTPDigits {
		return 0, false
	}
	key, err := DecodeTOTPSecret(secret)
	if err != nil {
		return 0, false
	}
	cur := TOTPStep(now)
	for step := cur - TOTPSkew; step <= cur+TOTPSkew; step++ {
		if step <= lastStep {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(TOTPCode(key, step)), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// TOTPURI is the otpauth:// URI (Key Uri Format) that authenticator apps
// read, for a user to copy when they cannot type the secret.
func TOTPURI(issuer, account, secret string) string {
	label := url.PathEscape(issuer + ":" + account)
	q := url.Values{"secret": {secret}, "issuer": {issuer}, "algorithm": {"SHA1"},
		"digits": {fmt.Sprint(TOTPDigits)}, "period": {fmt.Sprint(int(TOTPPeriod / time.Second))}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// NewRecoveryCodes returns n random one-time codes like "k3m9q-x7d2p".
// Store only HashRecoveryCode of each.
func NewRecoveryCodes(n int) []string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789" // no 0/o, 1/l/i
	out := make([]string, n)
	for i := range out {
		b := randomBytes(10)
		var s strings.Builder
		for j, c := range b {
			if j == 5 {
				s.WriteByte('-')
			}
			s.WriteByte(alphabet[int(c)%len(alphabet)])
		}
		out[i] = s.String()
	}
	return out
}

// HashRecoveryCode is the stored form of a recovery code, ignoring case,
// spaces and hyphens as typed.
func HashRecoveryCode(code string) string {
	c := strings.ToLower(code)
	c = strings.NewReplacer(" ", "", "-", "").Replace(c)
	return HashToken(c)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("auth: crypto/rand failed: " + err.Error())
	}
	return b
}
