package models

import (
	"regexp"
	"strings"
	"testing"
)

func TestPrefixQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"physio", "'physio':*"},
		{"  Physio   BACK ", "'physio':* & 'back':*"},
		{"covid-19", "'covid':* & '19':*"},
		{"a'; DROP TABLE posts; --", "'a':* & 'drop':* & 'table':* & 'posts':*"},
		{"x:*|y&!(z)", "'x':* & 'y':* & 'z':*"},
		{"%", ""},
		{"", ""},
		{"café", "'café':*"},
		{strings.Repeat("a ", 20), strings.TrimSuffix(strings.Repeat("'a':* & ", maxQueryWords), " & ")},
	}
	for _, tt := range tests {
		if got := prefixQuery(tt.in); got != tt.want {
			t.Errorf("prefixQuery(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// wellFormed is the only shape prefixQuery may return: quoted words of
// letters and digits, each a prefix, joined by &.
var wellFormed = regexp.MustCompile(`^(?:'[\p{L}\p{Nd}\p{Nl}\p{No}]+':\*(?: & '[\p{L}\p{Nd}\p{Nl}\p{No}]+':\*)*)?$`)

// FuzzPrefixQuery: whatever is typed, the expression is well formed (no
// quote, backslash or operator of the user's reaches to_tsquery) and has at
// most maxQueryWords words.
func FuzzPrefixQuery(f *testing.F) {
	for _, s := range []string{"physio", "a'b", `\'`, "x:*|y", "!(a&b)", "'''", "ǅ Ⅻ ²", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got := prefixQuery(q)
		if !wellFormed.MatchString(got) {
			t.Fatalf("prefixQuery(%q) = %q, not a well-formed prefix query", q, got)
		}
		if n := strings.Count(got, ":*"); n > maxQueryWords {
			t.Fatalf("prefixQuery(%q) has %d words", q, n)
		}
	})
}
