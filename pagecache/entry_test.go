package pagecache

import (
	"bytes"
	"testing"
	"time"
)

func TestEntryRoundTrip(t *testing.T) {
	e, err := newEntry(42, time.Unix(1700000000, 5), 200, "text/html; charset=utf-8", []byte("<h1>Hello</h1>"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := unmarshal(e.marshal())
	if err != nil {
		t.Fatal(err)
	}
	if got.Gen != 42 || !got.FreshUntil.Equal(e.FreshUntil) || got.Status != 200 || got.ContentType != e.ContentType || got.ETag != e.ETag || !bytes.Equal(got.Body, e.Body) || !bytes.Equal(got.Gzip, e.Gzip) {
		t.Errorf("round trip: got %+v, want %+v", got, e)
	}
}

// FuzzUnmarshal: whatever Redis hands back, decoding never panics, and a
// decoded entry has a usable ETag.
func FuzzUnmarshal(f *testing.F) {
	e, _ := newEntry(1, time.Unix(0, 0), 200, "text/html", []byte("x"))
	f.Add(e.marshal())
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := unmarshal(data)
		if err != nil {
			return
		}
		if len(got.ETag) < 2 {
			t.Fatalf("decoded an entry with ETag %q", got.ETag)
		}
		_ = got.gzipETag()
	})
}
