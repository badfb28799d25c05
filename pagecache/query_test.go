package pagecache_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/pagecache"
)

func TestCanonicalQuery(t *testing.T) {
	tests := []struct {
		raw      string
		declared []string
		want     string
	}{
		{"", []string{"q"}, ""},
		{"q=flu", []string{"q"}, "q=flu"},
		{"q=x%20y", []string{"q"}, "q=x+y"},
		{"q=x+y", []string{"q"}, "q=x+y"},
		{"utm_source=mail&q=flu&fbclid=1", []string{"q"}, "q=flu"},
		{"utm_source=mail", []string{"q"}, ""},
		{"q=flu", nil, ""},
		{"b=2&a=1", []string{"a", "b"}, "a=1&b=2"},
		{"q=second&q=first", []string{"q"}, "q=second&q=first"}, // values keep their order: a handler reads the first
		{"q=", []string{"q"}, "q="},
		{"Q=flu", []string{"q"}, ""}, // names are case-sensitive, as the handler's reading is
		{"q=caf%C3%A9&x", []string{"q"}, "q=caf%C3%A9"},
	}
	for _, tt := range tests {
		got, err := pagecache.CanonicalQuery([]byte(tt.raw), tt.declared)
		if err != nil || got != tt.want {
			t.Errorf("CanonicalQuery(%q, %q) = %q, %v; want %q", tt.raw, tt.declared, got, err, tt.want)
		}
	}
	for _, raw := range []string{"q=CALL%2009099%20000000%20FOR%20YOUR%20VACCINE;", "q=a;b=c", "q=%zz", "%", "q=100%"} {
		if got, err := pagecache.CanonicalQuery([]byte(raw), []string{"q"}); err == nil {
			t.Errorf("CanonicalQuery(%q) = %q, want an error (url.ParseQuery refuses it)", raw, got)
		}
	}
	if pagecache.Key(1, "/s", "") == pagecache.Key(2, "/s", "") {
		t.Error("keys of two tenants collide")
	}
	if pagecache.Key(1, "/s", "q=a") == pagecache.Key(1, "/s", "q=b") {
		t.Error("keys of two queries collide")
	}
}

func FuzzCanonicalQuery(f *testing.F) {
	for _, s := range []string{"", "q=flu", "q=a&q=b&utm=1", "q=%zz", "q=a;b", "a=1&b=2&q=x+y", "q=%00%ff", "&&=&q"} {
		f.Add(s)
	}
	declared := []string{"page", "q"}
	f.Fuzz(func(t *testing.T, raw string) {
		canon, err := pagecache.CanonicalQuery([]byte(raw), declared)
		parsed, perr := url.ParseQuery(raw)
		if (err == nil) != (perr == nil) {
			t.Fatalf("CanonicalQuery(%q) error %v, url.ParseQuery error %v", raw, err, perr)
		}
		if err != nil {
			return
		}
		// The canonical form parses, holds exactly the declared values
		// in their order, and is its own canonical form.
		back, err := url.ParseQuery(canon)
		if err != nil {
			t.Fatalf("canonical %q of %q does not parse: %v", canon, raw, err)
		}
		for name, vs := range back {
			if !slices.Contains(declared, name) {
				t.Fatalf("canonical %q of %q holds undeclared %q", canon, raw, name)
			}
			if !slices.Equal(vs, parsed[name]) {
				t.Fatalf("canonical %q of %q: %s = %q, want %q", canon, raw, name, vs, parsed[name])
			}
		}
		for _, name := range declared {
			if len(parsed[name]) != len(back[name]) {
				t.Fatalf("canonical %q of %q lost values of %s", canon, raw, name)
			}
		}
		if again, err := pagecache.CanonicalQuery([]byte(canon), declared); err != nil || again != canon {
			t.Fatalf("canonical form is not stable: %q → %q, %v", canon, again, err)
		}
	})
}

// queryApp is a cached route /s that declares q and shows everything of the
// query its handler can see, and a route /p that declares nothing.
type queryApp struct {
	app     *fiber.App
	renders atomic.Int64
}

func newQueryApp(t *testing.T) *queryApp {
	t.Helper()
	mon, prefix := sharedRedis(t)
	cache := pagecache.New(pagecache.Options{Redis: mon, Prefix: prefix, Logger: slog.New(slog.DiscardHandler)})
	scope := func(*fiber.Ctx) (pagecache.Scope, bool) { return pagecache.Scope{TenantID: 7, Generation: 1}, true }
	a := &queryApp{app: fiber.New(fiber.Config{Immutable: true})}
	show := func(c *fiber.Ctx) error {
		a.renders.Add(1)
		return c.SendString(strings.Join([]string{
			"q=" + c.Query("q"), "utm_source=" + c.Query("utm_source"),
			"query=" + string(c.Request().URI().QueryString()), "url=" + c.OriginalURL(),
		}, "|"))
	}
	a.app.Get("/s", cache.Middleware(scope, "q"), show)
	a.app.Get("/p", cache.Middleware(scope), show)
	return a
}

func (a *queryApp) get(t *testing.T, target string) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.URL = &url.URL{Path: "/", Opaque: target} // sent as written, not re-encoded
	req.RequestURI = target
	resp, err := a.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, body}
}

// TestUndeclaredParamsShareTheEntryAndAreNotSeen: parameters a route does
// not declare neither split the cache nor reach the handler, by any
// accessor.
func TestUndeclaredParamsShareTheEntryAndAreNotSeen(t *testing.T) {
	a := newQueryApp(t)
	steps := []struct {
		target, cache, body string
	}{
		{"/s?utm_source=mail&q=flu", "pcnweb; fwd=miss", "q=flu|utm_source=|query=q=flu|url=/s?q=flu"},
		{"/s?q=flu", "pcnweb; hit", "q=flu|utm_source=|query=q=flu|url=/s?q=flu"},
		{"/s?q=flu&utm_source=other&fbclid=x", "pcnweb; hit", "q=flu|utm_source=|query=q=flu|url=/s?q=flu"},
		{"/s?q=flu+jab", "pcnweb; fwd=miss", "q=flu jab|utm_source=|query=q=flu+jab|url=/s?q=flu+jab"},
		{"/s?q=flu%20jab", "pcnweb; hit", "q=flu jab|utm_source=|query=q=flu+jab|url=/s?q=flu+jab"},
		{"/s?utm_source=mail", "pcnweb; fwd=miss", "q=|utm_source=|query=|url=/s"},
		{"/s", "pcnweb; hit", "q=|utm_source=|query=|url=/s"},
		{"/p?q=flu&utm_source=mail", "pcnweb; fwd=miss", "q=|utm_source=|query=|url=/p"},
		{"/p", "pcnweb; hit", "q=|utm_source=|query=|url=/p"},
	}
	for _, st := range steps {
		r := a.get(t, st.target)
		if r.status != 200 || r.header.Get("Cache-Status") != st.cache || string(r.body) != st.body {
			t.Errorf("GET %s: %d %q %q; want 200 %q %q", st.target, r.status, r.header.Get("Cache-Status"), r.body, st.cache, st.body)
		}
	}
	if n := a.renders.Load(); n != 4 {
		t.Errorf("%d renders, want 4 (one per distinct declared query)", n)
	}
}

// TestUnparseableQueryIs400: a query string url.ParseQuery refuses is
// answered 400 with the reason, is never rendered, and cannot poison the
// entry of the plain page (which today's Key gave it).
func TestUnparseableQueryIs400(t *testing.T) {
	a := newQueryApp(t)
	tests := []struct{ target, reason string }{
		{"/s?q=CALL%2009099%20000000%20FOR%20YOUR%20VACCINE;", "semicolon"},
		{"/s?q=flu;utm_source=x", "semicolon"},
		{"/s?q=%zz", "percent sign"},
		{"/p?%", "percent sign"},
	}
	for _, tt := range tests {
		r := a.get(t, tt.target)
		if r.status != 400 || !strings.Contains(string(r.body), tt.reason) {
			t.Errorf("GET %s: %d %q; want 400 saying %q", tt.target, r.status, r.body, tt.reason)
		}
	}
	if n := a.renders.Load(); n != 0 {
		t.Errorf("%d renders of an unreadable query, want 0", n)
	}
	if r := a.get(t, "/s"); strings.Contains(string(r.body), "CALL") || string(r.body) != "q=|utm_source=|query=|url=/s" {
		t.Errorf("plain /s after the crafted query: %q", r.body)
	}
}

// TestParamRefusesUndeclaredNames: a handler reading a parameter its route
// does not declare panics (in its first test), and a bad declaration panics
// when the route is registered.
func TestParamRefusesUndeclaredNames(t *testing.T) {
	cache := pagecache.New(pagecache.Options{Logger: slog.New(slog.DiscardHandler)})
	scope := func(*fiber.Ctx) (pagecache.Scope, bool) { return pagecache.Scope{TenantID: 7, Generation: 1}, true }
	app := fiber.New()
	var panicked atomic.Value
	read := func(name string) fiber.Handler {
		return func(c *fiber.Ctx) (err error) {
			defer func() {
				if p := recover(); p != nil {
					panicked.Store(p)
					err = fiber.ErrInternalServerError
				}
			}()
			return c.SendString(pagecache.Param(c, name))
		}
	}
	app.Get("/declared", cache.Middleware(scope, "q"), read("q"))
	app.Get("/undeclared", cache.Middleware(scope, "q"), read("page"))
	app.Get("/uncached", read("q"))
	for _, tt := range []struct {
		path  string
		panic bool
	}{{"/declared?q=flu", false}, {"/undeclared?q=flu&page=2", true}, {"/uncached?q=flu", true}} {
		panicked = atomic.Value{}
		resp, err := app.Test(httptest.NewRequest(http.MethodGet, tt.path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if p := panicked.Load(); (p != nil) != tt.panic {
			t.Errorf("GET %s: panic %v, want a panic: %v", tt.path, p, tt.panic)
		}
		if !tt.panic && (resp.StatusCode != 200 || string(body) != "flu") {
			t.Errorf("GET %s: %d %q", tt.path, resp.StatusCode, body)
		}
	}
	for _, bad := range [][]string{{""}, {"q", "q"}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Middleware(%q) did not panic", bad)
				}
			}()
			cache.Middleware(scope, bad...)
		}()
	}
}
