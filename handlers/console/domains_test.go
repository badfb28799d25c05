package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/handlers/console"
)

// The real verifier fetches the token over HTTP from the domain itself.
func TestHTTPVerifier(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case console.VerifyPath:
			_, _ = w.Write([]byte("pcnweb-verify-abc\n"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	v := console.HTTPVerifier{}
	ctx := context.Background()
	for _, tt := range []struct {
		name, host, token string
		want              bool
	}{
		{"the token", host, "pcnweb-verify-abc", true},
		{"another token", host, "pcnweb-verify-xyz", false},
		{"nothing listening", "127.0.0.1:1", "pcnweb-verify-abc", false},
	} {
		got, err := v.Verify(ctx, tt.host, tt.token)
		if err != nil || got != tt.want {
			t.Errorf("%s: %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}
