package safefetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"
)

// serve starts a test server on 127.0.0.1 and returns its URL and host:port.
func serve(t *testing.T, h http.Handler) (base, hostport string) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return srv.URL, u.Host
}

func hello(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	fmt.Fprint(w, "<p>hello</p>")
}

func TestLoopbackRefusedByDefault(t *testing.T) {
	base, _ := serve(t, http.HandlerFunc(hello))
	_, err := New(Options{}).Get(context.Background(), base+"/")
	if !errors.Is(err, ErrBlocked) {
		t.Fatalf("Get of a loopback server: err = %v, want ErrBlocked", err)
	}
	if !strings.Contains(err.Error(), "127.0.0.1") || !strings.Contains(err.Error(), "loopback") ||
		!strings.Contains(err.Error(), "may not reach") {
		t.Errorf("message %q should name the address and say why it is refused", err)
	}
}

func TestAllowPrivateReachesLoopback(t *testing.T) {
	base, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.UserAgent() != UserAgent {
			t.Errorf("User-Agent = %q, want %q", r.UserAgent(), UserAgent)
		}
		hello(w, r)
	}))
	resp, err := New(Options{AllowPrivate: true}).Get(context.Background(), base+"/")
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || string(resp.Body) != "<p>hello</p>" || resp.ContentType != "text/html" {
		t.Errorf("got status %d type %q body %q", resp.Status, resp.ContentType, resp.Body)
	}
	if len(resp.Redirected) != 0 {
		t.Errorf("Redirected = %v, want none", resp.Redirected)
	}
}

func TestAllowOriginsReachesOnlyThatOrigin(t *testing.T) {
	base, hp := serve(t, http.HandlerFunc(hello))
	other, _ := serve(t, http.HandlerFunc(hello))
	c := New(Options{AllowOrigins: []string{hp}})
	if _, err := c.Get(context.Background(), base+"/"); err != nil {
		t.Fatalf("allowed origin %s: %v", hp, err)
	}
	if _, err := c.Get(context.Background(), other+"/"); !errors.Is(err, ErrBlocked) {
		t.Fatalf("other loopback origin: err = %v, want ErrBlocked", err)
	}
}

func TestRedirectFromAllowedOriginToBlockedOneRefused(t *testing.T) {
	blocked, _ := serve(t, http.HandlerFunc(hello))
	base, hp := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, blocked+"/secret", http.StatusFound)
	}))
	_, err := New(Options{AllowOrigins: []string{hp}}).Get(context.Background(), base+"/")
	if !errors.Is(err, ErrBlocked) {
		t.Fatalf("redirect to a blocked origin: err = %v, want ErrBlocked", err)
	}
}

func TestRedirectChainIsRecorded(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/older", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/older", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusFound) })
	mux.HandleFunc("/new", hello)
	base, _ := serve(t, mux)
	resp, err := New(Options{AllowPrivate: true}).Get(context.Background(), base+"/old")
	if err != nil {
		t.Fatal(err)
	}
	if resp.URL.Path != "/new" {
		t.Errorf("URL = %s, want …/new", resp.URL)
	}
	var got []string
	for _, u := range resp.Redirected {
		got = append(got, u.Path)
	}
	if strings.Join(got, " ") != "/old /older" {
		t.Errorf("Redirected = %v, want [/old /older]", got)
	}
}

func TestRedirectLoopRefused(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/b", http.StatusFound) })
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/a", http.StatusFound) })
	base, _ := serve(t, mux)
	_, err := New(Options{AllowPrivate: true}).Get(context.Background(), base+"/a")
	if !errors.Is(err, ErrRedirect) || !strings.Contains(err.Error(), "loop") {
		t.Fatalf("redirect loop: err = %v, want ErrRedirect naming a loop", err)
	}
}

func TestTooManyRedirectsRefused(t *testing.T) {
	n := 0
	base, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		http.Redirect(w, r, fmt.Sprintf("/%d", n), http.StatusFound)
	}))
	_, err := New(Options{AllowPrivate: true, MaxRedirects: 3}).Get(context.Background(), base+"/")
	if !errors.Is(err, ErrRedirect) || !strings.Contains(err.Error(), "more than 3") {
		t.Fatalf("endless redirects: err = %v, want ErrRedirect after 3", err)
	}
}

func TestRedirectToNonWebSchemeRefused(t *testing.T) {
	base, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "file:///etc/passwd")
		w.WriteHeader(http.StatusFound)
	}))
	_, err := New(Options{AllowPrivate: true}).Get(context.Background(), base+"/")
	if !errors.Is(err, ErrRedirect) || !strings.Contains(err.Error(), "not a web address") {
		t.Fatalf("redirect to file://: err = %v, want ErrRedirect", err)
	}
}

func TestNonWebSchemeRefused(t *testing.T) {
	for _, u := range []string{"file:///etc/passwd", "ftp://example.org/", "gopher://x/", "javascript:alert(1)", "/relative"} {
		if _, err := New(Options{AllowPrivate: true}).Get(context.Background(), u); err == nil {
			t.Errorf("Get(%q) succeeded, want an error", u)
		}
	}
}

func TestNegativeMaxRedirectsReturnsTheRedirect(t *testing.T) {
	base, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusMovedPermanently)
	}))
	resp, err := New(Options{AllowPrivate: true, MaxRedirects: -1}).Get(context.Background(), base+"/")
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 301 || resp.Header.Get("Location") != "/elsewhere" {
		t.Errorf("got %d Location %q, want the 301 itself", resp.Status, resp.Header.Get("Location"))
	}
}

func TestBodyOverTheCapRefused(t *testing.T) {
	big := strings.Repeat("x", 1000)
	base, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("chunked") {
			w.(http.Flusher).Flush() // no Content-Length: the cap is found while reading
		}
		fmt.Fprint(w, big)
	}))
	c := New(Options{AllowPrivate: true, MaxBytes: 999})
	for _, q := range []string{"", "?chunked"} {
		_, err := c.Get(context.Background(), base+"/"+q)
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "larger than the limit of 999 bytes") {
			t.Errorf("1000 bytes over a 999-byte cap (%q): err = %v, want ErrTooLarge naming the limit", q, err)
		}
	}
	resp, err := New(Options{AllowPrivate: true, MaxBytes: 1000}).Get(context.Background(), base+"/?chunked")
	if err != nil || len(resp.Body) != 1000 {
		t.Errorf("exactly the cap: err = %v, %d bytes; want all 1000", err, len(resp.Body))
	}
}

func TestGzipIsDecodedAndCappedAfterDecoding(t *testing.T) {
	// A small gzip body that inflates past the cap must still be refused.
	base, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			t.Errorf("Accept-Encoding = %q, want gzip", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gzipped(strings.Repeat("a", 100_000)))
	}))
	_, err := New(Options{AllowPrivate: true, MaxBytes: 10_000}).Get(context.Background(), base+"/")
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("gzip bomb: err = %v, want ErrTooLarge", err)
	}
	resp, err := New(Options{AllowPrivate: true}).Get(context.Background(), base+"/")
	if err != nil || len(resp.Body) != 100_000 {
		t.Fatalf("gzip body: err = %v, %d bytes; want 100000 decoded", err, len(resp.Body))
	}
}

func TestTimeout(t *testing.T) {
	base, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	_, err := New(Options{AllowPrivate: true, Timeout: 100 * time.Millisecond}).Get(context.Background(), base+"/")
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "did not answer within 100ms") {
		t.Fatalf("slow server: err = %v, want ErrTimeout", err)
	}
}

func TestNon2xxIsAResponse(t *testing.T) {
	base, _ := serve(t, http.NotFoundHandler())
	resp, err := New(Options{AllowPrivate: true}).Get(context.Background(), base+"/missing")
	if err != nil || resp.Status != 404 {
		t.Fatalf("404: resp %+v err %v; want a 404 response", resp, err)
	}
}

func TestNameResolvingToLoopbackRefused(t *testing.T) {
	_, hp := serve(t, http.HandlerFunc(hello))
	_, port, _ := net.SplitHostPort(hp)
	_, err := New(Options{}).Get(context.Background(), "http://localhost:"+port+"/")
	if !errors.Is(err, ErrBlocked) || !strings.Contains(err.Error(), "localhost resolves to") {
		t.Fatalf("localhost: err = %v, want ErrBlocked naming the resolution", err)
	}
	// and allowed by name:port
	if _, err := New(Options{AllowOrigins: []string{"LOCALHOST:" + port}}).Get(context.Background(), "http://localhost:"+port+"/"); err != nil {
		t.Fatalf("localhost in AllowOrigins: %v", err)
	}
}

func TestNameResolvingToPrivateAddressRefusedWithAReadableMessage(t *testing.T) {
	c := New(Options{})
	c.lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("93.184.215.14"), netip.MustParseAddr("10.0.0.5")}, nil
	}
	_, err := c.Get(context.Background(), "http://www.example-pcn.nhs.uk/")
	want := "the address www.example-pcn.nhs.uk resolves to 10.0.0.5, a private network address, which the importer may not reach"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
}

func TestMetadataNamesRefused(t *testing.T) {
	for _, h := range []string{"metadata.google.internal", "METADATA.GOOGLE.INTERNAL.", "169.254.169.254", "[fd00:ec2::254]", "instance-data"} {
		_, err := New(Options{}).Get(context.Background(), "http://"+h+"/latest/meta-data/")
		if !errors.Is(err, ErrBlocked) {
			t.Errorf("%s: err = %v, want ErrBlocked", h, err)
		}
	}
}

func TestBlockedReason(t *testing.T) {
	tests := []struct {
		ip      string
		blocked bool
	}{
		{"127.0.0.1", true},
		{"127.255.255.254", true},
		{"::1", true},
		{"10.0.0.5", true},
		{"172.16.0.1", true},
		{"172.31.255.255", true},
		{"192.168.1.1", true},
		{"fc00::1", true},
		{"fd12:3456::1", true},
		{"169.254.169.254", true},
		{"169.254.1.1", true},
		{"fe80::1", true},
		{"fe80::1%eth0", true},
		{"100.64.0.1", true},
		{"100.127.255.255", true},
		{"224.0.0.1", true},
		{"239.255.255.250", true},
		{"ff02::1", true},
		{"0.0.0.0", true},
		{"0.1.2.3", true},
		{"::", true},
		{"255.255.255.255", true},
		{"::ffff:127.0.0.1", true},
		{"::ffff:10.1.2.3", true},
		{"::ffff:169.254.169.254", true},
		{"::127.0.0.1", true},
		{"64:ff9b::10.0.0.1", true},
		{"2002:0a00:0001::1", true}, // 6to4 of 10.0.0.1
		{"fec0::1", true},
		{"2001:db8::1", true},
		{"fd00:ec2::254", true},
		{"192.0.2.1", true},
		// public
		{"93.184.215.14", false},
		{"8.8.8.8", false},
		{"100.63.255.255", false},
		{"100.128.0.0", false},
		{"172.32.0.1", false},
		{"11.0.0.1", false},
		{"2a00:1450:4009:81f::200e", false},
		{"::ffff:8.8.8.8", false},
		{"64:ff9b::8.8.8.8", false},
		{"2002:0808:0808::1", false},
	}
	for _, tt := range tests {
		ip := netip.MustParseAddr(tt.ip)
		r := BlockedReason(ip)
		if (r != "") != tt.blocked {
			t.Errorf("BlockedReason(%s) = %q, want blocked=%v", tt.ip, r, tt.blocked)
		}
	}
	if r := BlockedReason(netip.MustParseAddr("10.0.0.5")); r != "a private network address" {
		t.Errorf("10.0.0.5: %q", r)
	}
	if r := BlockedReason(netip.MustParseAddr("169.254.169.254")); r != "a cloud metadata address" {
		t.Errorf("169.254.169.254: %q", r)
	}
}

// FuzzBlockedReason checks that no spelling of an address sneaks a blocked
// address past the check: whatever the text, if it parses to an address in
// a blocked range (directly or IPv4-mapped), it is refused.
func FuzzBlockedReason(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "::ffff:7f00:1", "0:0:0:0:0:ffff:127.0.0.1", "10.0.0.1", "fe80::1%25eth0",
		"169.254.169.254", "8.8.8.8", "2001:4860::8888", "::", "64:ff9b::a00:1", "[::1]:80", "http://127.1/", "http://0x7f.0.0.1/"} {
		f.Add(s)
	}
	blockedPrefixes := []netip.Prefix{
		netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16"),
		netip.MustParsePrefix("169.254.0.0/16"), netip.MustParsePrefix("100.64.0.0/10"),
		netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("224.0.0.0/4"),
		netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("fc00::/7"),
		netip.MustParsePrefix("fe80::/10"), netip.MustParsePrefix("ff00::/8"),
	}
	f.Fuzz(func(t *testing.T, s string) {
		// The dialer only ever sees what netip parses; anything else is a
		// name and goes through DNS, whose answers are checked the same way.
		if ip, err := netip.ParseAddr(s); err == nil {
			r := BlockedReason(ip)
			u := ip.WithZone("").Unmap()
			for _, p := range blockedPrefixes {
				if p.Contains(u) && r == "" {
					t.Fatalf("%q (%s) is in %s but allowed", s, u, p)
				}
			}
		}
		// A URL whose host is any of these forms must never be let through
		// to a blocked address: every name "resolves" to loopback here.
		u, err := url.Parse("http://" + s + "/")
		if err != nil || u.Hostname() == "" {
			return
		}
		c := New(Options{})
		c.lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return []netip.Addr{netip.MustParseAddr("::ffff:127.0.0.1")}, nil
		}
		addrs, _, err := c.resolve(context.Background(), u.Hostname(), "80")
		if err == nil {
			for _, a := range addrs {
				if BlockedReason(a) != "" {
					t.Fatalf("%q: resolve let %s through", s, a)
				}
			}
		} else if !errors.Is(err, ErrBlocked) {
			t.Fatalf("%q: resolve failed with %v, want ErrBlocked or success", s, err)
		}
	})
}

func gzipped(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}
