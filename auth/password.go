// Package auth holds the admin panel's accounts machinery: password hashing
// (argon2id), server-side sessions (Redis when configured, the database
// otherwise), CSRF tokens and the throttling of failed sign-ins. It knows
// nothing about HTTP.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // iterations
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultParams follow OWASP's argon2id recommendation (19 MiB, 2 passes,
// one lane): about 30 ms on a server core, and bounded memory per sign-in.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Bounds a stored hash's parameters must respect, so a corrupt or hostile
// hash string cannot make a sign-in allocate gigabytes or spin for minutes.
const (
	maxMemory  = 256 * 1024 // KiB
	maxTime    = 16
	maxThreads = 16
	minSalt    = 8
	maxSalt    = 64
	minKey     = 16
	maxKey     = 64
)

// ErrMalformedHash is returned for a stored hash that is not a PHC-style
// argon2id string within the accepted bounds.
var ErrMalformedHash = errors.New("auth: malformed password hash")

var b64 = base64.RawStdEncoding

// HashPassword hashes password with argon2id and a random salt, encoded as
// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>" (unpadded standard base64).
func HashPassword(password string) (string, error) {
	return hashWith(password, DefaultParams)
}

func hashWith(password string, p Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return encodeHash(p, salt, key), nil
}

func encodeHash(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decodeHash parses an encoded hash strictly: only argon2id, version 19,
// parameters within bounds, canonical base64.
func decodeHash(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, ErrMalformedHash
	}
	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return p, nil, nil, ErrMalformedHash
	}
	var vals [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(fields[i], name)
		if !ok || v == "" || (len(v) > 1 && v[0] == '0') {
			return p, nil, nil, ErrMalformedHash
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return p, nil, nil, ErrMalformedHash
		}
		vals[i] = n
	}
	p.Memory, p.Time = uint32(vals[0]), uint32(vals[1])
	if vals[2] < 1 || vals[2] > maxThreads || p.Time < 1 || p.Time > maxTime || p.Memory > maxMemory || uint64(p.Memory) < 8*vals[2] {
		return p, nil, nil, ErrMalformedHash
	}
	p.Threads = uint8(vals[2])
	// The decoder skips \r and \n; re-encoding refuses them and any other
	// non-canonical form.
	if salt, err = b64.Strict().DecodeString(parts[4]); err != nil || len(salt) < minSalt || len(salt) > maxSalt || b64.EncodeToString(salt) != parts[4] {
		return p, nil, nil, ErrMalformedHash
	}
	if key, err = b64.Strict().DecodeString(parts[5]); err != nil || len(key) < minKey || len(key) > maxKey || b64.EncodeToString(key) != parts[5] {
		return p, nil, nil, ErrMalformedHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// VerifyPassword reports whether password matches the encoded hash, in
// constant time. rehash is true when the hash was made with parameters other
// than DefaultParams, so the caller can store a fresh one.
func VerifyPassword(encoded, password string) (ok, rehash bool, err error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	ok = subtle.ConstantTimeCompare(got, key) == 1
	return ok, ok && p != DefaultParams, nil
}

var (
	dummyOnce sync.Once
	dummyHash string
)

// DummyVerify spends the time of one VerifyPassword against a hash made with
// DefaultParams. Sign-in calls it when there is no such account, so the
// response time does not reveal whether an email has an account.
func DummyVerify(password string) {
	dummyOnce.Do(func() {
		dummyHash, _ = HashPassword("dummy password for timing")
	})
	_, _, _ = VerifyPassword(dummyHash, password)
}

// Password policy.
const (
	MinPasswordLen = 12  // characters
	MaxPasswordLen = 512 // bytes
)

// commonPasswords are refused whatever their length (a short list of the
// most common ones at 12 characters and more; the length rule does the rest).
var commonPasswords = map[string]bool{
	"password1234": true, "password12345": true, "password123456": true, "passwordpassword": true,
	"123456789012": true, "1234567890123": true, "12345678901234": true, "qwertyuiopas": true,
	"qwertyuiop123": true, "qwerty123456": true, "iloveyou1234": true, "letmein12345": true,
	"welcome12345": true, "welcome123456": true, "administrator": true, "abcdefghijkl": true,
	"abc123456789": true, "111111111111": true, "000000000000": true, "changeme1234": true,
	"nhspassword1": true, "nhspassword123": true, "password1!password": true, "trustno1trustno1": true,
}

// CheckPassword refuses passwords that are empty, shorter than
// MinPasswordLen characters, longer than MaxPasswordLen bytes, very common,
// made of few distinct characters, or containing the account's email name.
// Its messages are for the person choosing the password.
func CheckPassword(password, email string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case strings.TrimSpace(password) == "":
		return errors.New("enter a password")
	case !utf8.ValidString(password):
		return errors.New("the password is not valid UTF-8")
	case n < MinPasswordLen:
		return fmt.Errorf("the password must be %d characters or more", MinPasswordLen)
	case len(password) > MaxPasswordLen:
		return fmt.Errorf("the password must be %d bytes or fewer", MaxPasswordLen)
	}
	for _, r := range password {
		if unicode.IsControl(r) {
			return errors.New("the password must not contain control characters")
		}
	}
	lower := strings.ToLower(password)
	distinct := map[rune]bool{}
	for _, r := range lower {
		distinct[r] = true
	}
	if commonPasswords[lower] || len(distinct) < 5 || isSequence(lower) {
		return errors.New("the password is too easy to guess: use three or four random words")
	}
	if local, _, ok := strings.Cut(strings.ToLower(email), "@"); ok && len(local) >= 4 && strings.Contains(lower, local) {
		return errors.New("the password must not contain your email address")
	}
	return nil
}

// isSequence reports whether s is a run of consecutive characters ("abcdefghijkl", "0123456789ab" is not).
func isSequence(s string) bool {
	rs := []rune(s)
	for i := 1; i < len(rs); i++ {
		if rs[i]-rs[i-1] != 1 && rs[i]-rs[i-1] != -1 {
			return false
		}
	}
	return true
}
