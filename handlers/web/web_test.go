package web

import (
	"encoding/hex"
	"net"
	"testing"

	"github.com/valyala/fasthttp"
)

func TestProxiesTrustWhatFiberTrusts(t *testing.T) {
	p := NewProxies(Config{TrustedProxies: []string{"10.0.0.1", "192.168.0.0/16", "2001:db8::/32", "not an address"}})
	for _, tc := range []struct {
		ip   net.IP
		want bool
	}{
		{net.IPv4(10, 0, 0, 1), true},
		{net.IPv4(10, 0, 0, 2), false},
		{net.IPv4(192, 168, 7, 9), true},
		{net.ParseIP("2001:db8::5"), true},
		{net.ParseIP("2001:db9::5"), false},
		{net.IPv4(127, 0, 0, 1), false},
		{nil, false},
	} {
		if got := p.Trusted(tc.ip); got != tc.want {
			t.Errorf("Trusted(%v) = %v, want %v", tc.ip, got, tc.want)
		}
	}
	if NewProxies(Config{}).Trusted(net.IPv4(10, 0, 0, 1)) {
		t.Error("with no trusted proxies, an address was trusted")
	}
}

func TestRequestIDsAreSixteenHexDigitsAndDiffer(t *testing.T) {
	seen := map[string]bool{}
	for range 10_000 {
		var h fasthttp.ResponseHeader
		var id [16]byte
		got := string(SetRequestID(&h, &id))
		if _, err := hex.DecodeString(got); err != nil || len(got) != 16 {
			t.Fatalf("request id %q is not 16 hex digits", got)
		}
		if header := string(h.Peek("X-Request-ID")); header != got {
			t.Fatalf("X-Request-ID %q, returned %q", header, got)
		}
		if seen[got] {
			t.Fatalf("request id %q twice", got)
		}
		seen[got] = true
	}
}

func TestSecurityHeadersAreSetUnderTheirNames(t *testing.T) {
	for _, secure := range []bool{false, true} {
		var h fasthttp.ResponseHeader
		NewSecurityHeaders(Config{Secure: secure}).Set(&h)
		for _, name := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "Permissions-Policy", "Cross-Origin-Opener-Policy"} {
			if len(h.Peek(name)) == 0 {
				t.Errorf("secure=%v: no %s", secure, name)
			}
		}
		if hsts := len(h.Peek("Strict-Transport-Security")) > 0; hsts != secure {
			t.Errorf("secure=%v: HSTS sent %v", secure, hsts)
		}
		// Set again (a response that already has them): still one of each.
		NewSecurityHeaders(Config{Secure: secure}).Set(&h)
		n := 0
		h.VisitAll(func(k, _ []byte) {
			if string(k) == "X-Frame-Options" {
				n++
			}
		})
		if n != 1 {
			t.Errorf("X-Frame-Options %d times, want once", n)
		}
	}
}

func BenchmarkHitHeaders(b *testing.B) {
	hs := NewSecurityHeaders(Config{Secure: true})
	var h fasthttp.ResponseHeader
	var id [16]byte
	b.ReportAllocs()
	for range b.N {
		h.Reset()
		SetRequestID(&h, &id)
		hs.Set(&h)
	}
}
