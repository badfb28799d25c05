package redirect_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/internal/hostname"
	"github.com/pcnweb/pcnweb/internal/redirect"
)

func TestURL(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" means refused
	}{
		{"https://www.nhs.uk/conditions/flu/", "https://www.nhs.uk/conditions/flu/"},
		{"HTTPS://WWW.NHS.UK", "https://www.nhs.uk/"},
		{"https://www.nhs.uk:8443/a?b=c#d", "https://www.nhs.uk:8443/a?b=c#d"},
		{"https://www.nhs.uk//evil.example", "https://www.nhs.uk/evil.example"},
		{"https://bücher.example/", "https://xn--bcher-kva.example/"},
		{"https://www.nhs.uk/a b", ""},
		{"http://www.nhs.uk/", ""},
		{"https://", ""},
		{"https:///path", ""},
		{"https://user@evil.example/", ""},
		{"https://127.0.0.1/", ""},
		{"https://[::1]/", ""},
		{"https://www.nhs.uk:/", ""},
		{"https://www.nhs.uk:99999999/", ""},
		{`https://www.nhs.uk\@evil.example/`, ""},
		{"https://www.nhs.uk/\t/x", ""},
		{"javascript:alert(1)", ""},
		{"//evil.example/", ""},
		{"/about", ""},
	}
	for _, tt := range tests {
		got, ok := redirect.URL(tt.in)
		if tt.want == "" {
			if ok {
				t.Errorf("URL(%q) = %q, want it refused", tt.in, got)
			}
			continue
		}
		if !ok || got != tt.want {
			t.Errorf("URL(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func FuzzURL(f *testing.F) {
	for _, s := range []string{"https://www.nhs.uk/", "https://a.example:1/x?y#z", "https://u@h/", `https://h\@e/`, "https://h//e", "HTTPS://É.example/é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := redirect.URL(in)
		if !ok {
			return
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "https" || u.User != nil || u.Host == "" || strings.ContainsAny(got, " \t\r\n\\") {
			t.Fatalf("URL(%q) = %q", in, got)
		}
		if !hostname.Valid(u.Hostname()) {
			t.Fatalf("URL(%q) = %q: %q is not a normalised host name", in, got, u.Hostname())
		}
		if again, ok := redirect.URL(got); !ok || again != got {
			t.Fatalf("URL is not stable: %q -> %q -> %q", in, got, again)
		}
	})
}
