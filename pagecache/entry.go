package pagecache

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Entry is one rendered page, immutable once made: it is shared between
// goroutines and its byte slices are handed to the network without copying.
type Entry struct {
	Gen int64 // tenant generation the page was rendered from
	// Fingerprint is the render fingerprint of the build that rendered the
	// page (themes.Registry.Fingerprint); "" for an entry stored before
	// fingerprints existed (wire version 1), which is never fresh.
	Fingerprint string
	FreshUntil  time.Time // after this the page must be rendered again (clock-dependent content)
	Status      int
	ContentType string
	ETag        string // strong, quoted; the gzip variant appends "-gz" inside the quotes
	Gzip        []byte
	// Note is what the handler said of the page for the middleware in
	// front of the cache (SetNote), given back on every hit; usually "".
	Note string
	// body is the identity encoding. An entry read from Redis has only the
	// gzip body; its identity body is inflated the first time a client
	// without gzip asks (most clients take gzip), once, through inflate.
	body     []byte
	bodySize int // len of the identity body, known before inflating: the weight
	inflate  sync.Once
	errBody  error
}

// newEntry compresses body once and derives its strong ETag.
func newEntry(gen int64, fingerprint string, freshUntil time.Time, status int, contentType string, body []byte) (*Entry, error) {
	var gz bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if _, err := w.Write(body); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	e := &Entry{
		Gen: gen, Fingerprint: fingerprint, FreshUntil: freshUntil, Status: status, ContentType: contentType,
		ETag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
		// A copy of the compressed bytes: the buffer's spare capacity would
		// stay in the cache with the page.
		body: body, bodySize: len(body), Gzip: bytes.Clone(gz.Bytes()),
	}
	e.inflate.Do(func() {}) // the identity body is here already
	return e, nil
}

// Body returns the identity encoding, inflating it from the gzip body the
// first time for an entry read from Redis.
func (e *Entry) Body() ([]byte, error) {
	e.inflate.Do(func() { e.body, e.errBody = gunzip(e.Gzip, e.bodySize) })
	return e.body, e.errBody
}

var gzipReaders sync.Pool // of *gzip.Reader

// gunzip inflates gz, whose inflated size is size (from its trailer), into
// a slice of exactly that size, with a pooled reader.
func gunzip(gz []byte, size int) ([]byte, error) {
	var r *gzip.Reader
	var err error
	if pooled, ok := gzipReaders.Get().(*gzip.Reader); ok {
		r, err = pooled, pooled.Reset(bytes.NewReader(gz))
	} else {
		r, err = gzip.NewReader(bytes.NewReader(gz))
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	defer gzipReaders.Put(r)
	body := make([]byte, size)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	// The stream must end here: reading on checks the CRC and the size.
	if n, err := r.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		return nil, fmt.Errorf("%w: the gzip body is longer than its trailer says", errCorrupt)
	}
	return body, nil
}

// gzipETag is the ETag of the gzip representation.
func (e *Entry) gzipETag() string { return e.ETag[:len(e.ETag)-1] + `-gz"` }

// size is the entry's weight in the L1 cache.
func (e *Entry) size() uint32 {
	n := e.bodySize + len(e.Gzip) + len(e.ContentType) + len(e.Note) + len(e.ETag) + 96
	if n > 1<<31 {
		return 1 << 31
	}
	return uint32(n)
}

// fresh reports whether the entry may be served as a hit for generation gen
// by a build of render fingerprint fp at now.
func (e *Entry) fresh(gen int64, fp string, now time.Time) bool {
	return e.current(gen, now) && e.Fingerprint == fp && fp != ""
}

// current reports whether the entry shows generation gen's content as it is
// at now, whichever build rendered it: such a copy of another release may
// stand in while this one renders its own (see Cache.previous).
func (e *Entry) current(gen int64, now time.Time) bool {
	return e.Gen == gen && now.Before(e.FreshUntil)
}

// Wire versions: 1 had no fingerprint (decoded with Fingerprint "", so never
// fresh); 2 adds it after the status; 3 adds the note after the
// fingerprint. An entry without a note is written as version 2, which
// releases before notes read too.
const (
	wireVersion1 = 1
	wireVersion  = 2
	wireVersion3 = 3
)

// marshal encodes the entry for Redis. Only the gzip body is stored; the
// identity body is inflated again when a client wants it (Body).
func (e *Entry) marshal() []byte {
	var b bytes.Buffer
	b.Grow(len(e.Gzip) + 64)
	if e.Note != "" {
		b.WriteByte(wireVersion3)
	} else {
		b.WriteByte(wireVersion)
	}
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(e.Gen))
	b.Write(n[:])
	binary.BigEndian.PutUint64(n[:], uint64(e.FreshUntil.UnixNano()))
	b.Write(n[:])
	binary.BigEndian.PutUint16(n[:2], uint16(e.Status))
	b.Write(n[:2])
	writeString(&b, e.Fingerprint)
	if e.Note != "" {
		writeString(&b, e.Note)
	}
	writeString(&b, e.ContentType)
	writeString(&b, e.ETag)
	b.Write(e.Gzip)
	return b.Bytes()
}

// writeString writes s with a one-byte length; longer strings are cut at 255
// bytes (New keeps the fingerprint shorter, and content types and ETags are).
func writeString(b *bytes.Buffer, s string) {
	s = s[:min(len(s), 255)]
	b.WriteByte(byte(len(s)))
	b.WriteString(s)
}

var errCorrupt = errors.New("pagecache: corrupt entry")

// unmarshal decodes an entry stored by marshal, or by a release that wrote
// wire version 1.
func unmarshal(data []byte) (*Entry, error) {
	if len(data) < 1+8+8+2+2 || (data[0] != wireVersion && data[0] != wireVersion1 && data[0] != wireVersion3) {
		return nil, errCorrupt
	}
	e := &Entry{
		Gen:        int64(binary.BigEndian.Uint64(data[1:9])),
		FreshUntil: time.Unix(0, int64(binary.BigEndian.Uint64(data[9:17]))),
		Status:     int(binary.BigEndian.Uint16(data[17:19])),
	}
	rest := data[19:]
	var ok bool
	if data[0] != wireVersion1 {
		if e.Fingerprint, rest, ok = readString(rest); !ok {
			return nil, errCorrupt
		}
	}
	if data[0] == wireVersion3 {
		if e.Note, rest, ok = readString(rest); !ok {
			return nil, errCorrupt
		}
	}
	if e.ContentType, rest, ok = readString(rest); !ok {
		return nil, errCorrupt
	}
	if e.ETag, rest, ok = readString(rest); !ok || len(e.ETag) < 2 {
		return nil, errCorrupt
	}
	// A gzip stream is at least a 10-byte header and an 8-byte trailer whose
	// last four bytes are the inflated size (mod 2^32: pages are far smaller).
	if len(rest) < 18 || rest[0] != 0x1f || rest[1] != 0x8b {
		return nil, fmt.Errorf("%w: not a gzip body", errCorrupt)
	}
	e.Gzip = rest
	if e.bodySize = int(binary.LittleEndian.Uint32(rest[len(rest)-4:])); e.bodySize > 64<<20 {
		return nil, fmt.Errorf("%w: an identity body of %d bytes", errCorrupt, e.bodySize)
	}
	return e, nil
}

func readString(b []byte) (string, []byte, bool) {
	if len(b) < 1 || len(b) < 1+int(b[0]) {
		return "", nil, false
	}
	n := int(b[0])
	return string(b[1 : 1+n]), b[1+n:], true
}

// Encoding is one representation of a page: the content codings the cache
// stores each page in.
type Encoding uint8

const (
	Identity Encoding = iota
	Gzip
	Brotli
)

// String is the Content-Encoding token ("" for identity).
func (enc Encoding) String() string {
	switch enc {
	case Gzip:
		return "gzip"
	case Brotli:
		return "br"
	}
	return ""
}

// Negotiate picks the representation an Accept-Encoding value prefers
// among those the cache stores: br, then gzip, then identity. It must not
// allocate: it runs on every cached hit.
// TODO(compress): brotli, q-values without allocating, fuzzing.
func Negotiate(acceptEncoding []byte) Encoding {
	if acceptsGzip(string(acceptEncoding)) {
		return Gzip
	}
	return Identity
}

// Representation returns the entry's body and strong ETag in enc, inflating
// the identity body the first time for an entry read from Redis. An entry
// without a body in enc (an older wire version without brotli) answers with
// the next best: gzip for br. enc is the encoding actually returned.
// TODO(compress): brotli bodies; precomputed ETags (no allocation per hit).
func (e *Entry) Representation(want Encoding) (body []byte, etag string, enc Encoding, err error) {
	if want != Identity {
		return e.Gzip, e.gzipETag(), Gzip, nil
	}
	body, err = e.Body()
	return body, e.ETag, Identity, err
}
