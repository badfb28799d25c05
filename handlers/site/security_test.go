package site_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/handlers"
	"github.com/pcnweb/pcnweb/handlers/site"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/media"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
	"github.com/pcnweb/pcnweb/pagecache"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// listening is the public app on a real TCP listener, with a media
// library, so that tests can send bytes app.Test would normalise away.
type listening struct {
	addr  string
	db    *models.DB
	media *media.Dir
}

func listen(t *testing.T) *listening {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	db := modelstest.Open(t, modelstest.NewURL(t))
	reg, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	store, err := media.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	app := handlers.New(handlers.Deps{Site: site.Deps{
		DB: db, Resolver: tenants.NewResolver(db, tenants.ResolverOptions{BaseDomain: "localhost", Logger: log}),
		Themes: reg, Cache: pagecache.New(pagecache.Options{ServeStale: site.ServeStale, Logger: log}),
		Logger: log, Web: web.Config{}, Scheme: "http", Media: store,
	}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second) })
	return &listening{addr: ln.Addr().String(), db: db, media: store}
}

// raw sends request bytes as they are and reads one response.
func (l *listening) raw(t *testing.T, request string) *http.Response {
	t.Helper()
	conn, err := net.DialTimeout("tcp", l.addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer to %q: %v", request, err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(strings.NewReader(string(body)))
	return resp
}

func get(target, host string) string {
	return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n"
}

// staysOnHost reports whether a browser on http://host following loc stays
// on host (browsers strip tabs and newlines and read "\" as "/").
func staysOnHost(loc, host string) bool {
	base := &url.URL{Scheme: "http", Host: host, Path: "/x/"}
	u, err := url.Parse(strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(loc))
	return err == nil && base.ResolveReference(u).Host == host
}

// The trailing-slash redirect of custom pages (and every other redirect)
// never sends a browser to another host, however the path is spelt.
func TestRedirectsStayOnTheHost(t *testing.T) {
	l := listen(t)
	ctx := context.Background()
	modelstest.Tenant(t, l.db, "highfives")
	modelstest.Tenant(t, l.db, "primaried")
	if _, err := l.db.AddDomain(ctx, "primaried", "www.primaried.example", true); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		host, target, location string // location "" means no redirect at all
	}{
		{"highfives.localhost", "/about/", "/about"},
		{"highfives.localhost", "//evil.example/", "/evil.example"},
		{"highfives.localhost", "///evil.example/", "/evil.example"},
		{"highfives.localhost", `/\evil.example/`, "/%5Cevil.example"},
		{"highfives.localhost", `/\/evil.example/`, "/%5C/evil.example"},
		{"highfives.localhost", "/%2F%2Fevil.example/", "/%2F%2Fevil.example"},
		{"highfives.localhost", "/%5Cevil.example/", "/%5Cevil.example"},
		{"highfives.localhost", "/%09/evil.example/", "/%09/evil.example"},
		{"highfives.localhost", "/%0A/evil.example/", "/%0A/evil.example"},
		{"highfives.localhost", "/https:evil.example/", "/https:evil.example"},
		{"primaried.localhost", "//evil.example/about", "http://www.primaried.example/evil.example/about"},
		{"primaried.localhost", `/\evil.example/`, "http://www.primaried.example/%5Cevil.example/"},
		{"primaried.localhost", "/about?next=//evil.example", "http://www.primaried.example/about?next=//evil.example"},
	}
	for _, tt := range tests {
		resp := l.raw(t, get(tt.target, tt.host))
		loc := resp.Header.Get("Location")
		if loc != tt.location {
			t.Errorf("GET %s on %s: %d Location %q, want %q", tt.target, tt.host, resp.StatusCode, loc, tt.location)
		}
		want := tt.host
		if strings.HasPrefix(loc, "http://") {
			want = "www.primaried.example" // the tenant's own primary domain
		}
		if loc != "" && !staysOnHost(loc, want) {
			t.Errorf("GET %s on %s: Location %q leaves %s", tt.target, tt.host, loc, want)
		}
	}
}

// Duplicate Host or Content-Length fields, or Content-Length with
// Transfer-Encoding, are refused with 400 (RFC 9112), over a real
// connection: fasthttp itself keeps the last value and answers 200.
func TestAmbiguousFramingRefused(t *testing.T) {
	l := listen(t)
	modelstest.Tenant(t, l.db, "highfives")
	modelstest.Tenant(t, l.db, "riverside")
	tests := []struct {
		name    string
		request string
		status  int
	}{
		{"one Host", "GET /robots.txt HTTP/1.1\r\nHost: highfives.localhost\r\nConnection: close\r\n\r\n", 200},
		{"two Hosts", "GET /robots.txt HTTP/1.1\r\nHost: highfives.localhost\r\nHost: riverside.localhost\r\nConnection: close\r\n\r\n", 400},
		{"two equal Hosts", "GET /robots.txt HTTP/1.1\r\nHost: highfives.localhost\r\nhost: highfives.localhost\r\nConnection: close\r\n\r\n", 400},
		{"one Content-Length", "POST /robots.txt HTTP/1.1\r\nHost: highfives.localhost\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello", 405},
		{"conflicting Content-Lengths", "POST /robots.txt HTTP/1.1\r\nHost: highfives.localhost\r\nContent-Length: 0\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello", 400},
		{"duplicate Content-Lengths", "POST /robots.txt HTTP/1.1\r\nHost: highfives.localhost\r\nContent-Length: 5\r\ncontent-length: 5\r\nConnection: close\r\n\r\nhello", 400},
		{"Content-Length and chunked", "POST /robots.txt HTTP/1.1\r\nHost: highfives.localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := l.raw(t, tt.request)
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status == 400 && !resp.Close {
				t.Error("the connection stays open after an ambiguous request")
			}
		})
	}
}

// Uploaded PDFs are downloaded, never opened inline, and media and static
// files are for this origin only and sandboxed.
func TestMediaAndStaticHeaders(t *testing.T) {
	l := listen(t)
	ctx := context.Background()
	tn := modelstest.Tenant(t, l.db, "highfives")
	store := l.db.ForTenant(ctx, tn.ID)
	pdf, err := store.AddMedia(testActor, models.Media{Kind: models.MediaPDF, Filename: `Leaflet "x"; <b>.pdf`, ContentType: "application/pdf", Bytes: 9}, nil)
	if err != nil {
		t.Fatal(err)
	}
	img, err := store.AddMedia(testActor, models.Media{Kind: models.MediaImage, Filename: "logo.png", ContentType: "image/png", Alt: "Logo", Widths: "320", Bytes: 4}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		m    models.Media
		file string
	}{{pdf, "file.pdf"}, {img, "320.png"}} {
		if err := l.media.Put(ctx, models.MediaKey(tn.ID, f.m.ID, f.file), strings.NewReader("%PDF-1.4\n")); err != nil {
			t.Fatal(err)
		}
	}
	resp := l.raw(t, get(pdf.URL("file.pdf"), "highfives.localhost"))
	if resp.StatusCode != 200 {
		t.Fatalf("GET pdf: %d", resp.StatusCode)
	}
	disp, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	if err != nil || disp != "attachment" || !strings.HasSuffix(params["filename"], ".pdf") || strings.ContainsAny(params["filename"], `"<>;/\`) {
		t.Errorf("PDF Content-Disposition = %q (%v)", resp.Header.Get("Content-Disposition"), err)
	}
	for _, target := range []string{pdf.URL("file.pdf"), img.URL("320.png")} {
		resp := l.raw(t, get(target, "highfives.localhost"))
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("%s: Content-Security-Policy = %q", target, csp)
		}
		if got := resp.Header.Get("Cross-Origin-Resource-Policy"); got != "same-origin" {
			t.Errorf("%s: Cross-Origin-Resource-Policy = %q", target, got)
		}
	}
	reg, _ := themes.Load()
	for _, u := range reg.AssetURLs()[:1] {
		resp := l.raw(t, get(u, "highfives.localhost"))
		if resp.StatusCode != 200 || resp.Header.Get("Cross-Origin-Resource-Policy") != "same-origin" {
			t.Errorf("%s: %d Cross-Origin-Resource-Policy = %q", u, resp.StatusCode, resp.Header.Get("Cross-Origin-Resource-Policy"))
		}
	}
}
