package themes

// Loading themes: the themes found, failing fast on a broken tree, and a
// child theme inheriting from its parent.

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoad(t *testing.T) {
	r := mustLoad(t)
	if got, want := r.Themes(), []string{"civic", "default"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Themes() = %v, want %v", got, want)
	}
	for _, th := range r.Themes() {
		if !r.HasTheme(th) {
			t.Errorf("HasTheme(%q) = false", th)
		}
	}
	if r.HasTheme("platform") {
		t.Errorf("platform must not be a tenant theme")
	}
}

// A minimal valid tree for the fail-fast tests.
func minimalFS() fstest.MapFS {
	layout := `{{define "base"}}<html><link href="{{asset "a.css"}}">{{block "content" .}}{{end}}</html>{{end}}`
	fsys := fstest.MapFS{
		"default/layouts/base.html":   {Data: []byte(layout)},
		"default/static/a.css":        {Data: []byte(`.x{background:url(/assets/images/i.svg)}`)},
		"default/static/images/i.svg": {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
		"platform/layouts/base.html":  {Data: []byte(layout)},
	}
	for _, p := range RequiredPages {
		fsys["default/pages/"+p+".html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}` + p + `{{end}}`)}
	}
	for _, p := range RequiredPlatformPages {
		fsys["platform/pages/"+p+".html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}` + p + `{{end}}`)}
	}
	return fsys
}

func TestLoadFailsFast(t *testing.T) {
	if _, err := load(minimalFS()); err != nil {
		t.Fatalf("minimal tree: %v", err)
	}
	cases := map[string]func(fstest.MapFS){
		"missing required page": func(f fstest.MapFS) { delete(f, "default/pages/error.html") },
		"unknown parent": func(f fstest.MapFS) {
			f["kid/theme.json"] = &fstest.MapFile{Data: []byte(`{"parent":"nope"}`)}
			f["kid/pages/home.html"] = &fstest.MapFile{Data: []byte(`x`)}
		},
		"theme without required pages": func(f fstest.MapFS) {
			f["bare/pages/home.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}x{{end}}`)}
			f["bare/layouts/base.html"] = f["default/layouts/base.html"]
		},
		"missing platform page": func(f fstest.MapFS) { delete(f, "platform/pages/suspended.html") },
		"no base layout":        func(f fstest.MapFS) { delete(f, "default/layouts/base.html") },
		"template parse error":  func(f fstest.MapFS) { f["default/pages/page.html"].Data = []byte(`{{define "content"}}{{.Nope`) },
		"template exec error": func(f fstest.MapFS) {
			f["default/pages/page.html"].Data = []byte(`{{define "content"}}{{.Nope}}{{end}}`)
		},
		"unknown asset": func(f fstest.MapFS) {
			f["default/pages/page.html"].Data = []byte(`{{define "content"}}{{asset "b.css"}}{{end}}`)
		},
		"css refers to missing": func(f fstest.MapFS) { delete(f, "default/static/images/i.svg") },
		"css refers to other site": func(f fstest.MapFS) {
			f["default/static/a.css"].Data = []byte(`@font-face{src:url(https://fonts.example/f.woff2)}`)
		},
		"js imports missing": func(f fstest.MapFS) {
			f["default/static/m.js"] = &fstest.MapFile{Data: []byte(`import { x } from './gone.js'`)}
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			f := minimalFS()
			mutate(f)
			_, err := load(f)
			if err == nil {
				t.Fatalf("load succeeded")
			}
			t.Log(err)
		})
	}
}

func TestChildThemeInheritsAndOverrides(t *testing.T) {
	f := minimalFS()
	f["kid/theme.json"] = &fstest.MapFile{Data: []byte(`{"parent":"default"}`)}
	f["kid/pages/home.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}kid home {{asset "k.css"}}{{end}}`)}
	f["kid/static/k.css"] = &fstest.MapFile{Data: []byte(`.k{background:url(images/i.svg)}`)}
	f["kid/static/images/i.svg"] = &fstest.MapFile{Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>`)}
	r, err := load(f)
	if err != nil {
		t.Fatal(err)
	}
	var home, page bytes.Buffer
	if err := r.Render(&home, "kid", "home", Page{}); err != nil {
		t.Fatal(err)
	}
	if err := r.Render(&page, "kid", "page", Page{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(home.String(), "kid home /static/kid/k.") || !strings.Contains(home.String(), "/static/default/a.") {
		t.Errorf("kid home = %q", home.String())
	}
	if !strings.Contains(page.String(), ">page<") {
		t.Errorf("kid page not inherited: %q", page.String())
	}
	_, k := findAsset(t, r, "/static/kid/k.")
	if !strings.Contains(string(k.Body), "url(/static/kid/images/i.") {
		t.Errorf("relative url() not resolved in the child theme: %s", k.Body)
	}
}
