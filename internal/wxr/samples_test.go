package wxr

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/internal/oldsites"
)

// The importer's tests serve the sample uploads on a local server in place
// of http://old.example: every file the Nightingale export names must be
// there, with content of its type.
func TestNightingaleUploadsExist(t *testing.T) {
	e := parseSample(t, "nightingale.xml")
	want := map[string]string{
		"/wp-content/uploads/2024/03/team-photo.jpg":             "image/jpeg",
		"/wp-content/uploads/2024/03/team-photo-1024x683.jpg":    "image/jpeg", // the resized copy page 11 shows
		"/wp-content/uploads/2024/03/social-prescriber.png":      "image/png",
		"/wp-content/uploads/2024/11/training-closures-2024.pdf": "application/pdf",
	}
	for _, it := range e.Attachments() {
		u, err := url.Parse(it.AttachmentURL)
		if err != nil || u.Host != "old.example" {
			t.Errorf("attachment %d: URL %q not on old.example", it.ID, it.AttachmentURL)
			continue
		}
		if _, ok := want[u.Path]; !ok {
			t.Errorf("attachment %d: %s is not in the list the importer's tests rely on", it.ID, u.Path)
		}
	}
	for path, typ := range want {
		b, err := oldsites.WordPress("uploads/" + strings.TrimPrefix(path, "/wp-content/uploads/"))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if got := http.DetectContentType(b); got != typ {
			t.Errorf("%s: content is %s, want %s", path, got, typ)
		}
	}
}

// allocated is the memory f allocates, in bytes.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Refusing a hostile file costs memory in proportion to what Parse read
// before refusing it (encoding/xml allocates a few dozen bytes per byte of
// dense markup, released as it goes), never to what the file claims: the
// entities are never expanded, and refusals come early.
func TestHostileFilesAllocateLittle(t *testing.T) {
	file := func(name string) func() io.Reader {
		return func() io.Reader {
			b, err := os.ReadFile("testdata/" + name)
			if err != nil {
				t.Fatal(err)
			}
			return io.MultiReader(bytes.NewReader(b), endless("&lol9;"))
		}
	}
	for _, c := range []struct {
		name string
		in   func() io.Reader
		most uint64 // bytes
	}{
		{"billion laughs", file("billion-laughs.xml"), 1 << 20},
		{"external entity", file("external-entity.xml"), 1 << 20},
		{"deep", func() io.Reader { return io.MultiReader(strings.NewReader(header), endless("<a>")) }, 1 << 20},
		{"long tag", func() io.Reader { return io.MultiReader(strings.NewReader(header+"<item"), endless(` a=""`)) }, 16 << 20},
		{"many attributes up to the size limit", func() io.Reader {
			return io.MultiReader(strings.NewReader(header), endless(`<item`+strings.Repeat(` a=""`, 10000)+`/>`))
		}, 64 * (2 << 20)},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := &readCounter{r: c.in()}
			var err error
			n := allocated(func() { _, err = Parse(in, Limits{MaxBytes: 2 << 20}) })
			if err == nil {
				t.Fatal("Parse accepted it")
			}
			if n > c.most {
				t.Errorf("allocated %d KiB having read %d KiB, refusing it (%v)", n>>10, in.n>>10, err)
			}
		})
	}
}
