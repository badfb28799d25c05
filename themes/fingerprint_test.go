package themes

import (
	"testing"
	"testing/fstest"
)

// TestFingerprintChangesWithWhatShapesOutput: any change to a template, an
// asset or the build gives another fingerprint; the same tree and build give
// the same one, and an override wins.
func TestFingerprintChangesWithWhatShapesOutput(t *testing.T) {
	load := func(t *testing.T, change func(fstest.MapFS), opts ...Option) string {
		t.Helper()
		f := minimalFS()
		if change != nil {
			change(f)
		}
		r, err := Load(append([]Option{FromFS(f)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		return r.Fingerprint()
	}
	base := load(t, nil)
	if len(base) != 32 {
		t.Fatalf("fingerprint %q, want 32 hex digits", base)
	}
	if again := load(t, nil); again != base {
		t.Errorf("same tree, two fingerprints: %s, %s", base, again)
	}
	for name, change := range map[string]func(fstest.MapFS){
		"template": func(f fstest.MapFS) {
			f["default/pages/home.html"].Data = append(f["default/pages/home.html"].Data, ' ')
		},
		"stylesheet": func(f fstest.MapFS) { f["default/static/a.css"].Data = append(f["default/static/a.css"].Data, ' ') },
		"image": func(f fstest.MapFS) {
			f["default/static/images/i.svg"].Data = append(f["default/static/images/i.svg"].Data, ' ')
		},
		"bytes moved between files": func(f fstest.MapFS) {
			f["default/static/images/i.svg"].Data = append([]byte("}"), f["default/static/images/i.svg"].Data...)
			a := f["default/static/a.css"].Data
			f["default/static/a.css"].Data = a[:len(a)-1]
		},
	} {
		if got := load(t, change); got == base {
			t.Errorf("a changed %s keeps the fingerprint", name)
		}
	}
	if got := load(t, nil, WithBuild("vcs.revision=abc")); got == base {
		t.Error("another build keeps the fingerprint")
	}
	if got := load(t, nil, WithFingerprint("fixed")); got != "fixed" {
		t.Errorf("override: %q", got)
	}
}

func TestUnhashedName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/static/default/nhsuk-frontend.min.0123abcd.css", "/static/default/nhsuk-frontend.min.css"},
		{"/static/default/images/i.89abcdef.svg", "/static/default/images/i.svg"},
		{"/static/default/LICENSE.0123abcd", "/static/default/LICENSE"},
		{"/static/default/a.css", ""},
		{"/static/default/a.0123ABCD.css", ""},
		{"/static/default/a.0123abc.css", ""},
		{"/media/1/a.0123abcd.png", ""},
	}
	for _, tt := range tests {
		got, ok := unhashedName(tt.in)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("unhashedName(%q) = %q, %v, want %q", tt.in, got, ok, tt.want)
		}
	}
}
