package themes

// Escaping: every string field a tenant can set is shown escaped somewhere,
// and never as markup.

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// poison appends a marker with markup to every string field reachable from
// v (not template.HTML, which is trusted, sanitised HTML), and records the
// field paths.
func poison(v reflect.Value, path string, fields map[string]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			poison(v.Elem(), path, fields)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			poison(v.Field(i), path+"."+v.Type().Field(i).Name, fields)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			poison(v.Index(i), fmt.Sprintf("%s[%d]", path, i), fields)
		}
	case reflect.String:
		if v.Type() != reflect.TypeFor[string]() || !v.CanSet() {
			return
		}
		fields[path] = true
		v.SetString(v.String() + `<x-hostile>` + path + `</x-hostile>"'&`)
	}
}

// Fields that are only ever used in URLs (where markup is percent-encoded)
// or not shown at all.
var notShown = regexp.MustCompile(`(^\.Path|\.Slug|\.ODSCode|URL|Href|\.MapQuery|\.Site\.BaseURL|\.Legal\.Compliance|\.Feedback\.(Form|RetryAt|Action|Errors\[\d+\]\.Field))$`)

var (
	indexRe  = regexp.MustCompile(`\[\d+\]`)
	listRe   = regexp.MustCompile(`^\.(Practices|Posts|Upcoming|Past|Vacancies|Services)\.`)
	singular = map[string]string{"Practices": ".Practice.", "Posts": ".Post.", "Upcoming": ".Event.", "Past": ".Event.", "Vacancies": ".Vacancy.", "Services": ".Service."}
)

// fieldKind names a field without list indexes, a list item's field as the
// single item's (".Practices[1].Email" is ".Practice.Email").
func fieldKind(path string) string {
	path = indexRe.ReplaceAllString(path, "")
	if m := listRe.FindStringSubmatch(path); m != nil {
		path = singular[m[1]] + path[len(m[0]):]
	}
	return path
}

func TestEscapingEveryField(t *testing.T) {
	r := mustLoad(t)
	p := fullPage()
	// Distinct practices and posts, not pointers into the lists.
	pr, post, ev, vac, svc := *p.Practice, *p.Post, *p.Event, *p.Vacancy, *p.Service
	p.Practice, p.Post, p.Event, p.Vacancy, p.Service = &pr, &post, &ev, &vac, &svc
	fields := map[string]bool{}
	poison(reflect.ValueOf(&p).Elem(), "", fields)
	if len(fields) < 100 {
		t.Fatalf("only %d string fields poisoned", len(fields))
	}
	shown := map[string]bool{}
	noTiles := p
	noTiles.Home = nil // the home page shows Children instead
	for _, th := range r.Themes() {
		for _, name := range append(RequiredPages, "home-without-tiles") {
			out := ""
			if name == "home-without-tiles" {
				out = render(t, r, th, "home", noTiles)
			} else {
				out = render(t, r, th, name, p)
			}
			if strings.Contains(strings.ToLower(out), "<x-hostile") {
				t.Errorf("%s/%s: unescaped markup from tenant data", th, name)
			}
			doc := checkDocument(t, r, out)
			if n := len(elements(doc, "x-hostile")); n != 0 {
				t.Errorf("%s/%s: %d injected elements", th, name, n)
			}
			for _, s := range elements(doc, "script") {
				if typ, _ := attr(s, "type"); typ == "application/ld+json" {
					var v any
					if err := json.Unmarshal([]byte(s.FirstChild.Data), &v); err != nil {
						t.Errorf("%s/%s: JSON-LD: %v", th, name, err)
					}
				}
			}
			for f := range fields {
				if strings.Contains(out, "&lt;x-hostile&gt;"+f+"&lt;/x-hostile&gt;") {
					shown[fieldKind(f)] = true
				}
			}
		}
	}
	// Each field must be shown somewhere, on a list or on its own page.
	for f := range fields {
		if k := fieldKind(f); !shown[k] && !notShown.MatchString(f) {
			t.Errorf("field %s is never shown (escaped) on any page", k)
		}
	}
}
