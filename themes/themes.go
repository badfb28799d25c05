// Package themes embeds every theme's templates and static assets and renders
// tenant pages and the platform's own pages. It is a leaf package: standard
// library only.
//
// # Layout
//
// Each directory next to this file that has a pages/ folder is a theme:
//
//	<theme>/theme.json   optional: {"parent": "default"}
//	<theme>/layouts/*.html
//	<theme>/partials/*.html
//	<theme>/pages/<name>.html   one template set per page name
//	<theme>/static/**           served under /static/<theme>/ with hashed names
//
// The directory "platform" is not a tenant theme: it holds the unbranded pages
// (RenderPlatform) and is left out of Themes(). Nor is "admin": the admin
// panel's one, non-themable template set (RenderAdmin, executed with an
// Admin or a view that embeds it; see admin.go), whose static files fall
// back to "default" like a theme's.
//
// A theme with a parent inherits the parent's files: layouts, partials, pages
// and static files are overlaid by relative path, so a child theme ships only
// the files it changes (civic/ overrides partials/styles.html and pages/home.html).
// Every page template set is layouts + partials + that page, parsed in that
// order, and is executed through the template "base" defined by a layout.
//
// # Pages
//
// Every tenant theme has the RequiredPages. Each is executed with a Page and
// shows the optional field for its type (Practices, Practice, Services, …,
// Legal; see view.go), falling back to an empty state when it is nil or
// empty. Shared markup lives in default/partials (NHS.UK frontend components
// ported from their fixtures.json). Besides "asset", "date" and "isodate",
// templates have "tel" (a safe tel: URL from a PhoneHref or a number:
// html/template only passes http, https and mailto URLs from data) and
// "staffGroups" (staff grouped by service, for the team page).
//
// # Static assets
//
// The template func `asset "name"` returns "/static/<theme>/<name with hash>",
// e.g. /static/default/nhsuk-frontend.min.3f2a9c1b.css, where the hash is of
// the served bytes, so the server can send these URLs with
// "Cache-Control: public, max-age=31536000, immutable". A name is looked up in
// the theme, then its parents, then "default" (which provides the NHS.UK
// design system to every theme and to the platform pages); the URL names the
// theme that owns the file, so shared files have one URL across themes.
//
// NHS.UK frontend's CSS refers to its images as url(/assets/...). Those
// references are rewritten at Load time to hashed /static/ URLs (as are
// relative url() references in any CSS, and relative "./x.js" import
// specifiers in any JS module), so everything lives under /static/ and
// Asset() does not answer /assets/... paths. A reference to a missing file or
// to another site makes Load fail.
package themes

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

//go:embed */theme.json */layouts */partials */pages */static
var embedded embed.FS

// DefaultTheme is used when a tenant's theme is unknown.
const DefaultTheme = "default"

// platformDir is the directory of the platform's own, unbranded pages.
const platformDir = "platform"

// adminDir is the directory of the admin panel's templates: not a tenant
// theme, not themable (RenderAdmin).
const adminDir = "admin"

// RequiredPages are the page templates every tenant theme must provide. Each
// receives a Page; the page types' own data is in Page's optional fields
// (see the comments in view.go).
var RequiredPages = []string{
	"home", "page", "notfound", "error", "unavailable",
	"practices", "practice", "services", "service", "team", "enhanced-access",
	"news", "post", "events", "event", "vacancies", "vacancy",
	"contact", "search", "accessibility", "privacy", "cookies",
	// NHS England's content templates (handlers/site/guide.go).
	"appointments", "prescriptions", "test-results", "fit-notes", "register",
	"health-online", "proxy-access", "complaints", "patient-group",
	"holding",                      // a site not launched yet (issue 11 §3)
	"feedback", "feedback-results", // patients' feedback (issue 13)
}

// RequiredPlatformPages are the page templates the platform must provide.
var RequiredPlatformPages = []string{"unknown-host", "suspended", "bad-request", "closed"}

// ErrUnknownPage is returned (wrapped) by Render and RenderPlatform for a page
// name the theme does not have.
var ErrUnknownPage = errors.New("themes: unknown page")

// Registry holds every parsed theme and every static asset. It is read-only
// after Load and safe for concurrent use.
type Registry struct {
	themes   map[string]*theme
	platform *theme
	admin    *theme
	names    []string
	assets   map[string]*Asset // by URL path
	// byName maps an asset's unhashed path ("/static/default/x.css") to
	// its current URL, for URLs of other builds (AssetByName).
	byName      map[string]string
	fingerprint string
}

type theme struct {
	name  string
	pages map[string]*template.Template
}

type themeMeta struct {
	Parent string `json:"parent"`
}

// Load parses every theme once at boot. It fails if a theme lacks a required
// page, a template does not parse or does not execute on a zero Page, or a
// static file refers to an asset that does not exist.
func Load(opts ...Option) (*Registry, error) {
	o := loadOptions{fsys: embedded}
	for _, opt := range opts {
		opt(&o)
	}
	r, err := load(o.fsys)
	if err != nil {
		return nil, err
	}
	if r.fingerprint, err = fingerprint(o.fsys, o.build); err != nil {
		return nil, err
	}
	if o.fingerprint != "" {
		r.fingerprint = o.fingerprint
	}
	return r, nil
}

func load(fsys fs.FS) (*Registry, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	parents := map[string]string{}
	var dirs []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := fs.Stat(fsys, path.Join(e.Name(), "pages")); err != nil {
			continue
		}
		dirs = append(dirs, e.Name())
		var meta themeMeta
		if b, err := fs.ReadFile(fsys, path.Join(e.Name(), "theme.json")); err == nil {
			if err := json.Unmarshal(b, &meta); err != nil {
				return nil, fmt.Errorf("themes: %s/theme.json: %w", e.Name(), err)
			}
		}
		parents[e.Name()] = meta.Parent
	}
	if _, ok := parents[DefaultTheme]; !ok {
		return nil, fmt.Errorf("themes: theme %q is missing", DefaultTheme)
	}
	if _, ok := parents[platformDir]; !ok {
		return nil, fmt.Errorf("themes: %q pages are missing", platformDir)
	}

	// Inheritance chains: the theme first, then its ancestors.
	chains := map[string][]string{}
	for _, d := range dirs {
		var chain []string
		seen := map[string]bool{}
		for t := d; t != ""; t = parents[t] {
			if seen[t] {
				return nil, fmt.Errorf("themes: parent cycle at %q", d)
			}
			if _, ok := parents[t]; !ok {
				return nil, fmt.Errorf("themes: %q has unknown parent %q", d, t)
			}
			seen[t] = true
			chain = append(chain, t)
		}
		chains[d] = chain
	}
	// Static lookup chains add "default" last: it provides the design system.
	staticChains := map[string][]string{}
	for d, chain := range chains {
		sc := append([]string(nil), chain...)
		if !contains(sc, DefaultTheme) {
			sc = append(sc, DefaultTheme)
		}
		staticChains[d] = sc
	}

	st, err := buildAssets(fsys, dirs, staticChains)
	if err != nil {
		return nil, err
	}

	r := &Registry{themes: map[string]*theme{}, assets: st.byURL, byName: st.byName()}
	for _, d := range dirs {
		required := RequiredPages
		switch d {
		case platformDir:
			required = RequiredPlatformPages
		case adminDir:
			required = RequiredAdminPages
		}
		th, err := parseTheme(fsys, d, chains[d], st.urlFunc(d), required)
		if err != nil {
			return nil, err
		}
		switch d {
		case platformDir:
			r.platform = th
			continue
		case adminDir:
			r.admin = th
			continue
		}
		r.themes[d] = th
		r.names = append(r.names, d)
	}
	sort.Strings(r.names)
	return r, nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// overlay returns rel path -> owning theme for the files under sub/ of every
// theme in chain, the nearest theme winning.
func overlay(fsys fs.FS, chain []string, sub string) (map[string]string, error) {
	out := map[string]string{}
	for i := len(chain) - 1; i >= 0; i-- {
		root := path.Join(chain[i], sub)
		if _, err := fs.Stat(fsys, root); err != nil {
			continue
		}
		err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			out[strings.TrimPrefix(p, root+"/")] = chain[i]
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func parseTheme(fsys fs.FS, name string, chain []string, asset func(string) (string, error), required []string) (*theme, error) {
	funcs := template.FuncMap{
		"asset":       asset,
		"date":        formatDate,
		"isodate":     func(t time.Time) string { return t.Format("2006-01-02") },
		"tel":         telURL,
		"staffGroups": staffGroups,
		"fieldError":  fieldError,
	}
	for k, v := range fieldFuncs {
		funcs[k] = v
	}
	base := template.New(name).Funcs(funcs)
	for _, sub := range []string{"layouts", "partials"} {
		files, err := overlay(fsys, chain, sub)
		if err != nil {
			return nil, err
		}
		for _, rel := range sortedKeys(files) {
			if err := parseFile(fsys, base, path.Join(files[rel], sub, rel)); err != nil {
				return nil, err
			}
		}
	}
	if base.Lookup("base") == nil {
		return nil, fmt.Errorf("themes: %s: no layout defines template \"base\"", name)
	}
	pages, err := overlay(fsys, chain, "pages")
	if err != nil {
		return nil, err
	}
	th := &theme{name: name, pages: map[string]*template.Template{}}
	for _, rel := range sortedKeys(pages) {
		if path.Ext(rel) != ".html" || strings.Contains(rel, "/") {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		file := path.Join(pages[rel], "pages", rel)
		if err := parseFile(fsys, t, file); err != nil {
			return nil, err
		}
		page := strings.TrimSuffix(rel, ".html")
		// Fail fast: every page must execute on zero data. An admin page's
		// view is its handler's type (handlers/admin embeds Admin), so
		// handlers/admin's tests execute those pages on their zero views.
		var data any = Page{}
		switch name {
		case platformDir:
			data = Platform{}
		}
		if name != adminDir {
			if err := t.ExecuteTemplate(io.Discard, "base", data); err != nil {
				return nil, fmt.Errorf("themes: %s: page %q: %w", name, page, err)
			}
		}
		th.pages[page] = t
	}
	for _, p := range required {
		if th.pages[p] == nil {
			return nil, fmt.Errorf("themes: %s: required page %q is missing", name, p)
		}
	}
	return th, nil
}

func parseFile(fsys fs.FS, t *template.Template, file string) error {
	b, err := fs.ReadFile(fsys, file)
	if err != nil {
		return err
	}
	if _, err := t.New(file).Parse(string(b)); err != nil {
		return fmt.Errorf("themes: %w", err)
	}
	return nil
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2 January 2006")
}

// telURL returns a tel: URL for a phone number: href when it is already a
// well-formed tel: URL ("tel:+441632960001"), otherwise one built from the
// digits of phone (a leading + kept, a UK national 0 made +44, as the site
// handlers do). It returns "" when there is no number.
// html/template only lets http, https and mailto URLs through from data, so
// templates use this (a template.URL) for tel: links.
func telURL(href, phone string) template.URL {
	if n, ok := strings.CutPrefix(href, "tel:"); ok && validTel(n) {
		return template.URL(href)
	}
	var b strings.Builder
	for i, r := range strings.TrimSpace(phone) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		}
	}
	n := b.String()
	switch {
	case strings.HasPrefix(n, "00"):
		n = "+" + n[2:]
	case strings.HasPrefix(n, "0"):
		n = "+44" + n[1:] // a UK national number
	}
	if validTel(n) {
		return template.URL("tel:" + n)
	}
	return ""
}

func validTel(n string) bool {
	n = strings.TrimPrefix(n, "+")
	if len(n) < 3 || len(n) > 15 {
		return false
	}
	for _, r := range n {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// staffGroup is the staff of one service, for the team page (template data
// built by the staffGroups func; not part of the handler contract).
type staffGroup struct {
	Service string // "" for staff not attached to a service
	Staff   []Staff
}

// staffGroups groups staff by Service, in order of first appearance.
func staffGroups(staff []Staff) []staffGroup {
	var out []staffGroup
	at := map[string]int{}
	for _, s := range staff {
		i, ok := at[s.Service]
		if !ok {
			i = len(out)
			at[s.Service] = i
			out = append(out, staffGroup{Service: s.Service})
		}
		out[i].Staff = append(out[i].Staff, s)
	}
	return out
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func execute(w io.Writer, th *theme, name string, data any) error {
	t := th.pages[name]
	if t == nil {
		return fmt.Errorf("%w: %s/%s", ErrUnknownPage, th.name, name)
	}
	// Render into a buffer so that a failing template writes nothing and the
	// caller can still send an error page.
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			bufPool.Put(buf)
		}
	}()
	if err := t.ExecuteTemplate(buf, "base", data); err != nil {
		return fmt.Errorf("themes: render %s/%s: %w", th.name, name, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// Render executes page template name (one of RequiredPages) of theme into w, falling back to the default theme when theme is unknown.
// Nothing is written when rendering fails.
func (r *Registry) Render(w io.Writer, theme, name string, data Page) error {
	th := r.themes[theme]
	if th == nil {
		th = r.themes[DefaultTheme]
	}
	return execute(w, th, name, data)
}

// RenderPlatform renders one of the platform's own unbranded pages:
// "unknown-host", "suspended" or "bad-request".
func (r *Registry) RenderPlatform(w io.Writer, name string, data Platform) error {
	return execute(w, r.platform, name, data)
}

// Themes lists the tenant theme names, sorted.
func (r *Registry) Themes() []string {
	return append([]string(nil), r.names...)
}

// HasTheme reports whether theme is a known tenant theme.
func (r *Registry) HasTheme(theme string) bool {
	return r.themes[theme] != nil
}

// Asset returns a static asset by the URL path that the template func `asset`
// produced, e.g. "/static/default/nhsuk-frontend.min.3f2a9c1b.css".
// Only hashed /static/ paths are answered (see the package comment).
// The returned Asset shares its byte slices with the registry: do not modify.
func (r *Registry) Asset(urlPath string) (a Asset, ok bool) {
	p := r.assets[urlPath]
	if p == nil {
		return Asset{}, false
	}
	return *p, true
}

// AssetByName returns the current asset of the same name as urlPath, a
// hashed URL of another build ("/static/default/nhsuk-frontend.min.<other
// hash>.css" → this build's nhsuk-frontend.min.css), and its current URL.
// A page rendered by another release links such URLs; the bytes differ from
// the ones the hash names, so they must not be cached as immutable.
func (r *Registry) AssetByName(urlPath string) (a Asset, current string, ok bool) {
	name, ok := unhashedName(urlPath)
	if !ok {
		return Asset{}, "", false
	}
	current, ok = r.byName[name]
	if !ok {
		return Asset{}, "", false
	}
	return *r.assets[current], current, true
}

// AssetURLs lists every asset URL path, sorted (for tests and preloading).
func (r *Registry) AssetURLs() []string {
	out := make([]string, 0, len(r.assets))
	for u := range r.assets {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}
