package hostname

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"highfives.localhost", "highfives.localhost", true},
		{"HighFives.LocalHost", "highfives.localhost", true},
		{"highfives.localhost:8080", "highfives.localhost", true},
		{"highfives.localhost.", "highfives.localhost", true},
		{"HIGHFIVES.LOCALHOST.:443", "highfives.localhost", true},
		{"www.high-fives-pcn.nhs.uk", "www.high-fives-pcn.nhs.uk", true},
		{"bücher.example", "xn--bcher-kva.example", true},
		{"", "", false},
		{":8080", "", false},
		{"a..b", "", false},
		{"-bad.example", "", false},
		{"bad-.example", "", false},
		{"under_score.example", "", false},
		{"spa ce.example", "", false},
		{"evil.example/path", "", false},
		{"host:99999999", "", false},
		{"host:", "", false},
		{"host:abc", "", false},
		{"127.0.0.1", "", false},
		{"[::1]:8080", "", false},
		{"a\x00b.example", "", false},
		{strings.Repeat("a", 64) + ".example", "", false},
		{strings.Repeat("abcdefghi.", 26) + "example", "", false},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"a.localhost", "A.B:80", "bücher.example.", "[::1]", "x..y", "1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := Normalize(in)
		if err != nil {
			return
		}
		// A normalised name is stable, bounded and made of LDH labels only.
		if again, err := Normalize(got); err != nil || again != got {
			t.Fatalf("Normalize not idempotent: %q -> %q -> %q, %v", in, got, again, err)
		}
		if len(got) > 253 || strings.ContainsAny(got, ":/ \t\r\n[]@") {
			t.Fatalf("Normalize(%q) = %q: unsafe result", in, got)
		}
	})
}
