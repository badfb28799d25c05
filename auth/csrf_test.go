package auth_test

import (
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/auth"
)

func TestFormToken(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	tok := auth.NewFormToken(key)
	if !auth.CheckFormToken(key, tok, tok) {
		t.Fatal("a fresh token is refused")
	}
	nonce, _, _ := strings.Cut(tok, ".")
	forged := nonce + ".AAAA"
	for _, tc := range []struct{ name, cookie, form string }{
		{"empty", "", ""},
		{"form differs", tok, auth.NewFormToken(key)},
		{"no form", tok, ""},
		{"forged signature", forged, forged},
		{"other key", auth.NewFormToken([]byte("another key of thirty-two bytes!")), ""},
	} {
		form := tc.form
		if tc.name == "other key" {
			form = tc.cookie
		}
		if auth.CheckFormToken(key, tc.cookie, form) {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}
