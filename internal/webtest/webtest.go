// Package webtest is what handler tests share: Start runs the services the
// public listener stands on (a real database and Redis, wired as serve.go
// wires them), and Do drives the app the way a browser does: host-only
// cookies kept per host, forms posted url-encoded.
package webtest

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// Jar keeps cookies per host (host -> name -> cookie), like a browser
// with host-only cookies.
type Jar map[string]map[string]*http.Cookie

// Response is what the app answered.
type Response struct {
	Status  int
	Header  http.Header
	Body    string
	Cookies []*http.Cookie
}

// Do sends one request to app on host, with the jar's cookies for host
// whose path fits, and stores the cookies the answer sets (or deletes).
func Do(t testing.TB, app *fiber.App, jar Jar, method, host, path string, form url.Values) Response {
	t.Helper()
	return DoHeader(t, app, jar, method, host, path, form, nil)
}

// DoHeader is Do with extra request headers (X-Forwarded-For, say).
func DoHeader(t testing.TB, app *fiber.App, jar Jar, method, host, path string, form url.Values, header http.Header) Response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	req.Host = host
	for k, vs := range header {
		req.Header[k] = vs
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range jar[host] {
		if strings.HasPrefix(path, c.Path) {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if jar[host] == nil {
		jar[host] = map[string]*http.Cookie{}
	}
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(jar[host], c.Name)
			continue
		}
		jar[host][c.Name] = c
	}
	return Response{resp.StatusCode, resp.Header, string(raw), resp.Cookies()}
}

// CSRFRE finds a form's _csrf field.
var CSRFRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// CSRF returns the form token of a page.
func CSRF(t testing.TB, body string) string {
	t.Helper()
	m := CSRFRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no _csrf field in:\n%s", body)
	}
	return html.UnescapeString(m[1])
}
