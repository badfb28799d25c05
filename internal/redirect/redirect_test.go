package redirect_test

import (
	"io/fs"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/redirect"
)

// sameHost reports whether a browser on https://site.example following
// Location loc stays on site.example (the WHATWG parser treats "\" as "/"
// and strips tabs and newlines; Go's url package is close enough once
// those two are applied, which is what a browser does first).
func sameHost(t *testing.T, loc string) bool {
	t.Helper()
	base, _ := url.Parse("https://site.example/a/b")
	browser := strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(loc)
	u, err := url.Parse(browser)
	if err != nil {
		return false
	}
	return base.ResolveReference(u).Host == "site.example"
}

func TestPath(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" means refused
	}{
		{"/about", "/about"},
		{"/admin/users?done=role", "/admin/users?done=role"},
		{"/", "/"},
		{"//evil.example", "/evil.example"},
		{"//evil.example/", "/evil.example/"},
		{"///evil.example", "/evil.example"},
		{`/\evil.example`, "/%5Cevil.example"},
		{`/\/evil.example`, "/%5C/evil.example"},
		{`\\evil.example`, ""},
		{"/%2F%2Fevil.example", "/%2F%2Fevil.example"},
		{"/%5Cevil.example", "/%5Cevil.example"},
		{"/%5C%5Cevil.example", "/%5C%5Cevil.example"},
		{"/\t/evil.example", ""},
		{"/\n/evil.example", ""},
		{"/\r\n/evil.example", ""},
		{"/\x00/evil.example", ""},
		{"/\x7f", ""},
		{"https:evil.example", ""},
		{"https://evil.example/", ""},
		{"http:/evil.example", ""},
		{"javascript:alert(1)", ""},
		{"evil.example", ""},
		{"", ""},
		{" /about", ""},
		{"/a b", "/a%20b"},
		{"/café", "/caf%C3%A9"},
		{"/a//b", "/a/b"},
		{"/./evil", "/./evil"},
		{"/a?next=//evil.example", "/a?next=//evil.example"},
		{`/a?x=\y`, "/a?x=%5Cy"},
		{"/a#frag", "/a#frag"},
		{"/100%", "/100%25"},
		{"/%zz%4", "/%25zz%254"},
		{`/"><script>`, "/%22%3E%3Cscript%3E"},
	}
	for _, tt := range tests {
		got, ok := redirect.Path(tt.in)
		if tt.want == "" {
			if ok {
				t.Errorf("Path(%q) = %q, want it refused", tt.in, got)
			}
			continue
		}
		if !ok || got != tt.want {
			t.Errorf("Path(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
		if !sameHost(t, got) {
			t.Errorf("Path(%q) = %q leaves the host", tt.in, got)
		}
	}
}

func FuzzPath(f *testing.F) {
	for _, s := range []string{"/about", "//evil.example", `/\evil`, "/%2F%2Fevil", "/%5Cevil", "/\t/evil", "https:evil", "/a?b=c#d", "/é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := redirect.Path(in)
		if !ok {
			return
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\t\r\n\x00 ") {
			t.Fatalf("Path(%q) = %q", in, got)
		}
		for i := 0; i < len(got); i++ {
			if got[i] < 0x21 || got[i] >= 0x7f {
				t.Fatalf("Path(%q) = %q holds byte %#x", in, got, got[i])
			}
		}
		if !sameHost(t, got) {
			t.Fatalf("Path(%q) = %q leaves the host", in, got)
		}
		if again, ok := redirect.Path(got); !ok || again != got {
			t.Fatalf("Path is not stable: %q -> %q -> %q", in, got, again)
		}
	})
}

func TestToAndToHost(t *testing.T) {
	app := fiber.New()
	app.Get("/to/*", func(c *fiber.Ctx) error { return redirect.To(c, "/"+c.Params("*"), fiber.StatusSeeOther) })
	app.Get("/*", func(c *fiber.Ctx) error {
		return redirect.ToHost(c, "https", "www.highfives.example", "", fiber.StatusMovedPermanently)
	})
	tests := []struct {
		target string
		status int
		loc    string
	}{
		{"/to/admin", fiber.StatusSeeOther, "/admin"},
		{"/about?x=1", fiber.StatusMovedPermanently, "https://www.highfives.example/about?x=1"},
		{"//evil.example/", fiber.StatusMovedPermanently, "https://www.highfives.example/evil.example/"},
		{"/@evil.example", fiber.StatusMovedPermanently, "https://www.highfives.example/@evil.example"},
	}
	for _, tt := range tests {
		resp, err := app.Test(httptest.NewRequest("GET", "http://x.example"+tt.target, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tt.status || resp.Header.Get("Location") != tt.loc {
			t.Errorf("GET %s: %d %q, want %d %q", tt.target, resp.StatusCode, resp.Header.Get("Location"), tt.status, tt.loc)
		}
	}
	origin := fiber.New()
	origin.Get("/*", func(c *fiber.Ctx) error {
		return redirect.ToOrigin(c, c.Query("o"), "//evil.example/admin", fiber.StatusSeeOther)
	})
	for o, want := range map[string]string{
		"http://alpha.localhost:8080":  "http://alpha.localhost:8080/evil.example/admin",
		"https://alpha.pcnweb.example": "https://alpha.pcnweb.example/evil.example/admin",
		"https://evil.example@alpha.x": "",
		"javascript://alpha.localhost": "",
		"https://alpha.localhost:":     "",
		"https://alpha.localhost/x":    "",
		"//alpha.localhost":            "",
	} {
		resp, err := origin.Test(httptest.NewRequest("GET", "/?o="+url.QueryEscape(o), nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Header.Get("Location"); got != want || (want == "" && resp.StatusCode != fiber.StatusInternalServerError) {
			t.Errorf("ToOrigin(%q): %d %q, want %q", o, resp.StatusCode, got, want)
		}
	}
	bad := fiber.New()
	bad.Get("/*", func(c *fiber.Ctx) error {
		return redirect.ToHost(c, "https", "evil.example@x", "", fiber.StatusMovedPermanently)
	})
	if resp, _ := bad.Test(httptest.NewRequest("GET", "/", nil), -1); resp.StatusCode != fiber.StatusInternalServerError || resp.Header.Get("Location") != "" {
		t.Errorf("a bad host was redirected to: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// Every redirect goes through this package: no other code calls fiber's
// Redirect or Location, or sets the header itself.
func TestNoRedirectElsewhere(t *testing.T) {
	forbidden := regexp.MustCompile(`\b\w+\.Redirect\(|\bc\.Location\(|HeaderLocation|"Location"`)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && (strings.HasPrefix(e.Name(), ".") || e.Name() == "node_modules" || p == filepath.Join(root, "internal", "redirect")) {
			return filepath.SkipDir
		}
		if e.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if forbidden.MatchString(line) {
				t.Errorf("%s:%d redirects without package redirect: %s", strings.TrimPrefix(p, root+"/"), i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
