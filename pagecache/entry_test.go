package pagecache

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestEntryRoundTrip(t *testing.T) {
	e, err := newEntry(42, "fp-1", time.Unix(1700000000, 5), 200, "text/html; charset=utf-8", []byte("<h1>Hello</h1>"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := unmarshal(e.marshal())
	if err != nil {
		t.Fatal(err)
	}
	if got.Gen != 42 || got.Fingerprint != "fp-1" || !got.FreshUntil.Equal(e.FreshUntil) || got.Status != 200 || got.ContentType != e.ContentType || got.ETag != e.ETag || !bytes.Equal(got.Gzip, e.Gzip) {
		t.Errorf("round trip: got %+v, want %+v", got, e)
	}
	if got.size() != e.size() {
		t.Errorf("weight before inflating %d, want %d (the trailer's size)", got.size(), e.size())
	}
	body, err := got.Body() // inflated now, on first use
	if err != nil || string(body) != "<h1>Hello</h1>" {
		t.Errorf("identity body %q, %v", body, err)
	}
}

// TestEntryNoteRoundTrip: a page's note (SetNote) travels through Redis
// with it; a page without one is written in the wire version releases
// before notes read.
func TestEntryNoteRoundTrip(t *testing.T) {
	e, err := newEntry(3, "fp-1", time.Unix(1700000000, 0), 200, "text/html", []byte("<p>No results</p>"))
	if err != nil {
		t.Fatal(err)
	}
	if data := e.marshal(); data[0] != wireVersion {
		t.Errorf("a page without a note is written as version %d, want %d", data[0], wireVersion)
	}
	e.Note = "search-none"
	data := e.marshal()
	if data[0] != wireVersion3 {
		t.Errorf("a page with a note is written as version %d, want %d", data[0], wireVersion3)
	}
	got, err := unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Note != "search-none" || got.Fingerprint != "fp-1" || got.ContentType != "text/html" || got.ETag != e.ETag || !bytes.Equal(got.Gzip, e.Gzip) {
		t.Errorf("round trip: got %+v, want %+v", got, e)
	}
}

// A gzip body whose trailer lies about its size, or that is cut short, is
// refused when inflated, not sent.
func TestEntryBodyRefusesDamagedGzip(t *testing.T) {
	e, _ := newEntry(1, "fp-1", time.Unix(0, 0), 200, "text/html", []byte(strings.Repeat("<p>practice</p>", 100)))
	data := e.marshal()
	for name, damage := range map[string]func([]byte) []byte{
		"size too small": func(b []byte) []byte { b[len(b)-4]--; return b },
		"size too large": func(b []byte) []byte { b[len(b)-4]++; return b },
		"crc wrong":      func(b []byte) []byte { b[len(b)-8]++; return b },
	} {
		got, err := unmarshal(damage(bytes.Clone(data)))
		if err != nil {
			continue // refused on load: fine too
		}
		if body, err := got.Body(); err == nil {
			t.Errorf("%s: inflated %d bytes without an error", name, len(body))
		}
	}
}

// FuzzUnmarshal: whatever Redis hands back, decoding never panics, and a
// decoded entry has a usable ETag.
func FuzzUnmarshal(f *testing.F) {
	e, _ := newEntry(1, "fp-1", time.Unix(0, 0), 200, "text/html", []byte("x"))
	f.Add(e.marshal())
	f.Add(marshalV1(e))
	noted, _ := newEntry(1, "fp-1", time.Unix(0, 0), 200, "text/html", []byte("x"))
	noted.Note = "search-none"
	f.Add(noted.marshal())
	withBrotli, _ := newEntry(1, "fp-1", time.Unix(0, 0), 200, "text/html", []byte(strings.Repeat("<p>practice</p>", 40)))
	_ = withBrotli.compressBrotli()
	f.Add(withBrotli.marshal())
	f.Add([]byte{4, 0, 0})
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0})
	f.Add([]byte{2, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := unmarshal(data)
		if err != nil {
			return
		}
		if len(got.ETag) < 2 {
			t.Fatalf("decoded an entry with ETag %q", got.ETag)
		}
		// An entry without a fingerprint (wire version 1) is never fresh,
		// whatever its generation and time.
		if got.Fingerprint == "" && got.fresh(got.Gen, "", got.FreshUntil.Add(-time.Second)) {
			t.Fatal("an entry without a fingerprint is fresh")
		}
		if data[0] == wireVersion1 && got.Fingerprint != "" {
			t.Fatalf("a version 1 entry decoded with fingerprint %q", got.Fingerprint)
		}
		for _, enc := range []Encoding{Brotli, Gzip} {
			body, tag, _, _ := got.Representation(enc)
			// (A tag with a comma or blank in it, which only damaged data
			// has, cannot match itself in a list.)
			if len(body) == 0 || (!strings.ContainsAny(tag, ", \t") && !got.ETagMatches([]byte(tag))) || tag == got.ETag {
				t.Fatalf("%q representation: %d bytes, tag %q", enc, len(body), tag)
			}
		}
		if body, err := got.Body(); err == nil && len(body) != got.bodySize {
			t.Fatalf("inflated %d bytes, the trailer said %d", len(body), got.bodySize)
		}
	})
}

// TestEntryHoldsNoSpareCapacity: every cached page lives in L1 for as long as
// it is fresh, so its byte slices must not carry a growing buffer's spare
// capacity (with 1,264 home pages that was about 4 MB of the heap).
func TestEntryHoldsNoSpareCapacity(t *testing.T) {
	// A home page's worth of HTML that compresses about as well as one (5:1).
	var page bytes.Buffer
	words := strings.Fields("surgery practice appointment pharmacist nurse clinic health network patients")
	for i, x := 0, uint32(1); page.Len() < 13000; i++ {
		x = x*1664525 + 1013904223
		fmt.Fprintf(&page, "<li><a href=\"/p/k%05d\">%s %s %d</a></li>\n", x%100000, words[x>>8%uint32(len(words))], words[x>>16%uint32(len(words))], x>>20)
	}
	e, err := newEntry(1, "fp-1", time.Unix(0, 0), 200, "text/html", page.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	fromRedis, err := unmarshal(e.marshal())
	if err != nil {
		t.Fatal(err)
	}
	inflated, err := fromRedis.Body()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		b    []byte
	}{{"rendered gzip body", e.Gzip}, {"identity body loaded from Redis", inflated}} {
		// No more than a fresh copy gets (the allocator rounds up to a size class).
		if limit := cap(bytes.Clone(c.b)); cap(c.b) > limit {
			t.Errorf("%s: %d bytes held in a slice of capacity %d (want at most %d)", c.name, len(c.b), cap(c.b), limit)
		}
	}
}

// marshalV1 encodes e as a release before render fingerprints did (wire
// version 1: no fingerprint field).
func marshalV1(e *Entry) []byte {
	v2 := e.marshal()
	fpLen := int(v2[19])
	return append(append([]byte{wireVersion1}, v2[1:19]...), v2[20+fpLen:]...)
}

// TestEntryFreshness: a hit needs the generation, the fingerprint and the
// time to agree; an entry of wire version 1 (no fingerprint) decodes — it
// can stand in as a last good copy — but is never fresh.
func TestEntryFreshness(t *testing.T) {
	until := time.Unix(1700000000, 0)
	e, err := newEntry(7, "release-2", until, 200, "text/html", []byte("<p>x</p>"))
	if err != nil {
		t.Fatal(err)
	}
	old, err := unmarshal(marshalV1(e))
	if err != nil {
		t.Fatalf("a version 1 entry does not decode: %v", err)
	}
	before := until.Add(-time.Minute)
	tests := []struct {
		name  string
		e     *Entry
		gen   int64
		fp    string
		now   time.Time
		fresh bool
	}{
		{"same generation, fingerprint, in time", e, 7, "release-2", before, true},
		{"another release's render", e, 7, "release-3", before, false},
		{"older generation", e, 8, "release-2", before, false},
		{"past its fresh time", e, 7, "release-2", until, false},
		{"version 1 entry, empty fingerprint asked", old, 7, "", before, false},
		{"version 1 entry", old, 7, "release-2", before, false},
	}
	for _, tt := range tests {
		if got := tt.e.fresh(tt.gen, tt.fp, tt.now); got != tt.fresh {
			t.Errorf("%s: fresh = %v, want %v", tt.name, got, tt.fresh)
		}
	}
	if body, err := old.Body(); err != nil || string(body) != "<p>x</p>" {
		t.Errorf("version 1 entry body %q, %v", body, err)
	}
}
