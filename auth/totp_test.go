package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/auth"
)

// The SHA-1 rows of RFC 6238 appendix B, whose 8-digit codes end with our 6.
func TestTOTPKnownAnswers(t *testing.T) {
	key := []byte("12345678901234567890")
	for _, tc := range []struct {
		unix int64
		want string // 8 digits
	}{
		{59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"},
		{1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
	} {
		step := auth.TOTPStep(time.Unix(tc.unix, 0))
		if got := auth.TOTPCode(key, step); got != tc.want[2:] {
			t.Errorf("T=%d: code %s, want %s", tc.unix, got, tc.want[2:])
		}
	}
}

func TestVerifyTOTP(t *testing.T) {
	secret := auth.NewTOTPSecret()
	key, err := auth.DecodeTOTPSecret(strings.ToLower(secret))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	cur := auth.TOTPStep(now)
	for _, d := range []int64{-1, 0, 1} {
		if step, ok := auth.VerifyTOTP(secret, auth.TOTPCode(key, cur+d), now, 0); !ok || step != cur+d {
			t.Errorf("step %+d refused", d)
		}
	}
	for _, d := range []int64{-2, 2} {
		if _, ok := auth.VerifyTOTP(secret, auth.TOTPCode(key, cur+d), now, 0); ok {
			t.Errorf("step %+d accepted", d)
		}
	}
	if _, ok := auth.VerifyTOTP(secret, auth.TOTPCode(key, cur), now, cur); ok {
		t.Error("a used step was accepted again")
	}
	if _, ok := auth.VerifyTOTP(secret, "12345", now, 0); ok {
		t.Error("a short code was accepted")
	}
	uri := auth.TOTPURI("Alpha PCN", "jane@example.nhs.uk", secret)
	if !strings.HasPrefix(uri, "otpauth://totp/Alpha%20PCN:jane@example.nhs.uk?") || !strings.Contains(uri, "secret="+secret) {
		t.Errorf("URI %s", uri)
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes := auth.NewRecoveryCodes(auth.RecoveryCodes)
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 11 || c[5] != '-' || seen[c] {
			t.Errorf("code %q", c)
		}
		seen[c] = true
	}
	if auth.HashRecoveryCode(strings.ToUpper(codes[0])) != auth.HashRecoveryCode(strings.ReplaceAll(codes[0], "-", "")) {
		t.Error("hash depends on case or hyphen")
	}
}
