package auth_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/auth"
)

func TestPasswordRoundTrip(t *testing.T) {
	h, err := auth.HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not a PHC argon2id string with the default parameters", h)
	}
	if h2, _ := auth.HashPassword("correct horse battery staple"); h2 == h {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	ok, rehash, err := auth.VerifyPassword(h, "correct horse battery staple")
	if err != nil || !ok || rehash {
		t.Errorf("verify right password = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
	for _, wrong := range []string{"", "correct horse battery stapl", "Correct horse battery staple", "correct horse battery staple "} {
		if ok, _, err := auth.VerifyPassword(h, wrong); ok || err != nil {
			t.Errorf("verify %q = %v, %v; want false, nil", wrong, ok, err)
		}
	}
}

func TestVerifyAsksForRehashOfWeakerParams(t *testing.T) {
	h, err := auth.HashWithForTest("correct horse battery staple", auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if err != nil {
		t.Fatal(err)
	}
	ok, rehash, err := auth.VerifyPassword(h, "correct horse battery staple")
	if !ok || !rehash || err != nil {
		t.Errorf("verify = %v, %v, %v; want true, true, nil", ok, rehash, err)
	}
	if ok, rehash, _ := auth.VerifyPassword(h, "wrong password here"); ok || rehash {
		t.Error("a wrong password asked for a rehash")
	}
}

func TestMalformedHashes(t *testing.T) {
	good, _ := auth.HashPassword("correct horse battery staple")
	parts := strings.Split(good, "$")
	for _, h := range []string{
		"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=16$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=99999999,t=2,p=1$" + parts[4] + "$" + parts[5], // 95 GiB
		"$argon2id$v=19$m=19456,t=1000,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=0$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=19456,t=02,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$t=2,m=19456,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=1$" + parts[4] + "$",
		"$argon2id$v=19$m=19456,t=2,p=1$AAAA$" + parts[5], // 3-byte salt
		"$argon2id$v=19$m=19456,t=2,p=1$" + parts[4] + "=$" + parts[5],
		good + "$",
	} {
		ok, _, err := auth.VerifyPassword(h, "correct horse battery staple")
		if ok || !errors.Is(err, auth.ErrMalformedHash) {
			t.Errorf("VerifyPassword(%q) = %v, %v; want false, ErrMalformedHash", h, ok, err)
		}
	}
}

// FuzzDecodeHash: the decoder never panics, never accepts parameters out of
// bounds, and whatever it accepts re-encodes to the same string.
func FuzzDecodeHash(f *testing.F) {
	good, _ := auth.HashPassword("correct horse battery staple")
	f.Add(good)
	f.Add("$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	f.Add("$argon2id$v=19$m=,t=,p=$$")
	f.Add("$$$$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := auth.DecodeHashForTest(s)
		if err != nil {
			if !errors.Is(err, auth.ErrMalformedHash) {
				t.Fatalf("error %v is not ErrMalformedHash", err)
			}
			return
		}
		if p.Memory > 256*1024 || p.Time < 1 || p.Time > 16 || p.Threads < 1 || p.Threads > 16 || len(salt) < 8 || len(key) < 16 || len(key) > 64 {
			t.Fatalf("accepted out-of-bounds parameters %+v (salt %d, key %d bytes)", p, len(salt), len(key))
		}
		if re := auth.EncodeHashForTest(p, salt, key); re != s {
			t.Fatalf("decode/encode is not the identity: %q -> %q", s, re)
		}
	})
}

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct{ pw, want string }{
		{"", "enter a password"},
		{"   ", "enter a password"},
		{"short pass", "12 characters or more"},
		{"password1234", "too easy to guess"},
		{"aaaaaaaaaaaaaaaa", "too easy to guess"},
		{"abababababababab", "too easy to guess"},
		{"abcdefghijklmnop", "too easy to guess"},
		{"jane.smith-rocks-2026", "must not contain your email"},
		{"tab\tinside password", "control characters"},
		{strings.Repeat("long words ", 60), "bytes or fewer"},
	} {
		err := auth.CheckPassword(tc.pw, "jane.smith@example.nhs.uk")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckPassword(%q) = %v, want an error containing %q", tc.pw, err, tc.want)
		}
	}
	for _, ok := range []string{"correct horse battery staple", "Kettle-Orbit-Maple-42", "ünïcödé pässwörd"} {
		if err := auth.CheckPassword(ok, "jane.smith@example.nhs.uk"); err != nil {
			t.Errorf("CheckPassword(%q) = %v, want nil", ok, err)
		}
	}
}
