package pagecache

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

func TestNegotiate(t *testing.T) {
	tests := []struct {
		accept string
		want   Encoding
	}{
		{"", Identity},
		{"gzip", Gzip},
		{"br", Brotli},
		{"gzip, deflate, br, zstd", Brotli}, // Chrome over HTTPS
		{"gzip, deflate", Gzip},             // Chrome over plain HTTP
		{"br;q=1.0, gzip;q=0.8, *;q=0.1", Brotli},
		{"gzip;q=1, br;q=0.9", Gzip}, // the client's preference wins
		{"br;q=0.5, gzip;q=0.5", Brotli},
		{"br;q=0, gzip", Gzip},
		{"br;q=0.000, gzip;q=0", Identity},
		{"gzip;q=0", Identity},
		{"identity", Identity},
		{"identity;q=1, gzip;q=0.5", Identity},
		{"identity, gzip", Gzip}, // a tie goes to the compressed body
		{"*", Brotli},
		{"*;q=0", Identity}, // nothing acceptable: identity all the same
		{"*;q=0.5, br;q=0", Gzip},
		{"deflate, *;q=0", Identity},
		{"GZIP;Q=0.5", Gzip},
		{"x-gzip", Gzip},
		{"Br", Brotli},
		{" br ; q = 0.7 ,\tgzip ; q=0.6 ", Brotli},
		{"br;level=1", Brotli},
		{"br;q=0.001", Brotli},
		{"br;q=0.0001, gzip", Gzip},  // past three decimals is not a q-value above 0
		{"br;q=nonsense", Brotli},    // an unparsable q counts as 1
		{"gzip;q=0, gzip", Identity}, // the first mention counts
		{"brotli, gzipx, x-br", Identity},
		{",,, ,gzip,", Gzip},
		{"compress, deflate", Identity},
	}
	for _, tt := range tests {
		if got := Negotiate([]byte(tt.accept)); got != tt.want {
			t.Errorf("Negotiate(%q) = %q, want %q", tt.accept, got, tt.want)
		}
	}
}

func TestNegotiateDoesNotAllocate(t *testing.T) {
	for _, h := range []string{"gzip, deflate, br, zstd", "br;q=0.5, gzip;q=0.8, identity;q=0.1, *;q=0"} {
		b := []byte(h)
		if n := testing.AllocsPerRun(100, func() { Negotiate(b) }); n != 0 {
			t.Errorf("Negotiate(%q): %v allocations", h, n)
		}
	}
}

func BenchmarkNegotiate(b *testing.B) {
	for _, h := range []string{"gzip, deflate, br, zstd", "gzip", "br;q=1.0, gzip;q=0.8, *;q=0.1"} {
		b.Run(h, func(b *testing.B) {
			ae := []byte(h)
			b.ReportAllocs()
			for b.Loop() {
				Negotiate(ae)
			}
		})
	}
}

// FuzzNegotiate: any header is read without panicking and picks only a
// coding that it names (or "*"); a header built from a list of codings and
// q-values picks what the rules say it should.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "gzip, deflate, br, zstd", "br;q=0, gzip;q=0.5", "*;q=0", "identity;q=1, gzip;q=0.5", "x-gzip;Q=0.25", "br;q=0.0001"} {
		f.Add([]byte(s))
	}
	f.Add([]byte{0, 1, 0, 2, 3, 1, 3, 9, 4})
	f.Fuzz(func(t *testing.T, data []byte) {
		got := Negotiate(data)
		lower := strings.ToLower(string(data))
		switch got {
		case Brotli:
			if !strings.Contains(lower, "br") && !strings.Contains(lower, "*") {
				t.Fatalf("%q: br, which it does not name", data)
			}
		case Gzip:
			if !strings.Contains(lower, "gzip") && !strings.Contains(lower, "*") {
				t.Fatalf("%q: gzip, which it does not name", data)
			}
		}
		// Empty elements and whitespace around them change nothing.
		if again := Negotiate([]byte(" ," + string(data) + ", ")); again != got {
			t.Fatalf("%q: %q, but with empty elements around it %q", data, got, again)
		}
		// The same bytes read as a list of (coding, q) pairs.
		header, want := modelHeader(data)
		if got := Negotiate([]byte(header)); got != want {
			t.Fatalf("%q: %q, want %q", header, got, want)
		}
	})
}

// modelHeader turns bytes into an Accept-Encoding header, two bytes per
// element (a coding and a q-value), and says what Negotiate should pick for
// it, by the rules written out plainly.
func modelHeader(data []byte) (string, Encoding) {
	codings := []string{"br", "gzip", "identity", "*", "deflate", "X-GZIP", "BR", "zstd"}
	q := map[string]int{}
	var elems []string
	for i := 0; i+1 < len(data); i += 2 {
		name := codings[int(data[i])%len(codings)]
		v := int(data[i+1]) % 12 // 0..9 → that many tenths; 10 → none; 11 → 1.000
		elem, qv := name, 1000
		switch {
		case v < 10:
			elem += "; q=0." + string(rune('0'+v))
			qv = v * 100
		case v == 11:
			elem += ";q=1.000"
		}
		key := strings.ToLower(name)
		if key == "x-gzip" {
			key = "gzip"
		}
		if _, seen := q[key]; !seen {
			q[key] = qv
		}
		elems = append(elems, elem)
	}
	get := func(k string) int {
		if v, ok := q[k]; ok {
			return v
		}
		if v, ok := q["*"]; ok && k != "identity" {
			return v
		}
		if k == "identity" {
			return -1
		}
		return 0
	}
	br, gz, id := get("br"), get("gzip"), get("identity")
	want := Identity
	switch {
	case br > 0 && br >= gz && br >= id:
		want = Brotli
	case gz > 0 && gz >= id:
		want = Gzip
	}
	return strings.Join(elems, ","), want
}

func TestETagMatches(t *testing.T) {
	e, err := newEntry(1, "fp", time.Unix(0, 0), 200, "text/html", []byte("<p>x</p>"))
	if err != nil {
		t.Fatal(err)
	}
	tag := e.ETag
	open := tag[:len(tag)-1]
	tests := []struct {
		inm  string
		want bool
	}{
		{tag, true},
		{open + `-gz"`, true},
		{open + `-br"`, true},
		{"W/" + open + `-br"`, true},
		{`"other", ` + open + `-gz"`, true},
		{` "other" ,` + tag + ` `, true},
		{"*", true},
		{`"other"`, false},
		{open + `-zz"`, false},
		{"", false},
		{"W/", false},
		{strings.Trim(tag, `"`), false},
	}
	for _, tt := range tests {
		if got := e.ETagMatches([]byte(tt.inm)); got != tt.want {
			t.Errorf("ETagMatches(%q) = %v, want %v", tt.inm, got, tt.want)
		}
	}
	inm := []byte(`"a", "b", W/` + open + `-br"`)
	if n := testing.AllocsPerRun(100, func() { e.ETagMatches(inm) }); n != 0 {
		t.Errorf("ETagMatches: %v allocations", n)
	}
}

// TestRepresentation: each encoding has its own body and tag; until the
// brotli body is made (and for an entry that has none) brotli clients get
// gzip; asking allocates nothing.
func TestRepresentation(t *testing.T) {
	page := readPage(t, "about.html")
	e, err := newEntry(1, "fp", time.Unix(0, 0), 200, "text/html", page)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, enc, _ := e.Representation(Brotli); enc != Gzip {
		t.Fatalf("before the brotli body is made: %q, want gzip", enc)
	}
	if err := e.compressBrotli(); err != nil {
		t.Fatal(err)
	}
	tags := map[string]Encoding{}
	for _, want := range []Encoding{Identity, Gzip, Brotli} {
		body, tag, enc, err := e.Representation(want)
		if err != nil || enc != want {
			t.Fatalf("Representation(%q) = %q, %v", want, enc, err)
		}
		if got := decode(t, enc, body); !bytes.Equal(got, page) {
			t.Errorf("%q body decodes to %d bytes, want the page's %d", enc, len(got), len(page))
		}
		if prev, dup := tags[tag]; dup {
			t.Errorf("%q and %q share the tag %s", prev, enc, tag)
		}
		tags[tag] = enc
		if !e.ETagMatches([]byte(tag)) {
			t.Errorf("ETagMatches(%s) = false", tag)
		}
		if n := testing.AllocsPerRun(100, func() { _, _, _, _ = e.Representation(want) }); n != 0 {
			t.Errorf("Representation(%q): %v allocations", want, n)
		}
	}
	if br, gz := len(e.Brotli()), len(e.Gzip); br >= gz {
		t.Errorf("brotli body %d bytes, gzip %d: want brotli smaller", br, gz)
	}
	if w := int(e.size()); w < len(page)+len(e.Gzip)+len(e.Brotli()) {
		t.Errorf("weight %d does not cover the bodies (%d + %d + %d)", w, len(page), len(e.Gzip), len(e.Brotli()))
	}
}

// TestEntryBrotliRoundTrip: an entry with a brotli body is stored as wire
// version 4 and comes back from Redis with both compressed bodies and its
// identity body not inflated; one without is stored as before (versions 2
// and 3, which older releases read).
func TestEntryBrotliRoundTrip(t *testing.T) {
	page := readPage(t, "home.html")
	for _, note := range []string{"", "search-none"} {
		e, err := newEntry(9, "fp-4", time.Unix(1700000000, 0), 200, "text/html; charset=utf-8", page)
		if err != nil {
			t.Fatal(err)
		}
		e.Note = note
		if v := e.marshal()[0]; v == wireVersion4 {
			t.Errorf("note %q: without a brotli body written as version %d", note, v)
		}
		if err := e.compressBrotli(); err != nil {
			t.Fatal(err)
		}
		data := e.marshal()
		if data[0] != wireVersion4 {
			t.Fatalf("note %q: with a brotli body written as version %d, want %d", note, data[0], wireVersion4)
		}
		got, err := unmarshal(data)
		if err != nil {
			t.Fatal(err)
		}
		if got.Gen != 9 || got.Fingerprint != "fp-4" || got.Note != note || got.ContentType != e.ContentType || got.ETag != e.ETag ||
			!bytes.Equal(got.Gzip, e.Gzip) || !bytes.Equal(got.Brotli(), e.Brotli()) || got.bodySize != len(page) || got.size() != e.size() {
			t.Fatalf("note %q: round trip: got %+v", note, got)
		}
		for _, enc := range []Encoding{Gzip, Brotli} {
			if _, _, gotEnc, _ := got.Representation(enc); gotEnc != enc {
				t.Errorf("from Redis, %q asked: %q", enc, gotEnc)
			}
		}
		if got.body != nil {
			t.Error("serving the compressed bodies inflated the identity body")
		}
		if body, err := got.Body(); err != nil || !bytes.Equal(body, page) {
			t.Errorf("identity body: %d bytes, %v", len(body), err)
		}
	}
}

func readPage(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func decode(tb testing.TB, enc Encoding, body []byte) []byte {
	tb.Helper()
	var r io.Reader
	switch enc {
	case Identity:
		return body
	case Gzip:
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			tb.Fatal(err)
		}
		r = zr
	case Brotli:
		r = brotli.NewReader(bytes.NewReader(body))
	}
	out, err := io.ReadAll(r)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// BenchmarkNewEntry is the compression part of a miss, per demo page: the
// gzip body on the render path (newEntry), and the brotli body made after
// it in the background (compressBrotli).
func BenchmarkNewEntry(b *testing.B) {
	for _, name := range []string{"home.html", "practice.html", "about.html", "news-post.html"} {
		page := readPage(b, name)
		b.Run(name+"/gzip", func(b *testing.B) {
			b.ReportAllocs()
			var e *Entry
			cpu := startCPU()
			for b.Loop() {
				e, _ = newEntry(1, "fp", time.Unix(0, 0), 200, "text/html", page)
			}
			cpu.report(b)
			b.ReportMetric(float64(len(e.Gzip)), "gzip-bytes")
		})
		b.Run(name+"/brotli", func(b *testing.B) {
			e, _ := newEntry(1, "fp", time.Unix(0, 0), 200, "text/html", page)
			b.ReportAllocs()
			cpu := startCPU()
			for b.Loop() {
				e.hasBrotli.Store(false)
				_ = e.compressBrotli()
			}
			cpu.report(b)
			b.ReportMetric(float64(len(e.Brotli())), "br-bytes")
		})
	}
}
