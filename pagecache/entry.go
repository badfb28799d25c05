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
	"sync/atomic"
	"time"
)

// Entry is one rendered page, immutable once made (but for its brotli
// body, which is added once, atomically: see Cache.compressLater): it is
// shared between goroutines and its byte slices are handed to the network
// without copying.
type Entry struct {
	Gen int64 // tenant generation the page was rendered from
	// Fingerprint is the render fingerprint of the build that rendered the
	// page (themes.Registry.Fingerprint); "" for an entry stored before
	// fingerprints existed (wire version 1), which is never fresh.
	Fingerprint string
	FreshUntil  time.Time // after this the page must be rendered again (clock-dependent content)
	Status      int
	ContentType string
	ETag        string // strong, quoted, of the identity body; gzip's and brotli's append "-gz" and "-br" inside the quotes
	Gzip        []byte
	// Note is what the handler said of the page for the middleware in
	// front of the cache (SetNote), given back on every hit; usually "".
	Note string
	// The ETags of the compressed representations, made once (not per hit).
	gzipTag, brotliTag string
	// br is the brotli body once made: set once, before hasBrotli is set,
	// and read only after hasBrotli is seen set (the atomic orders the
	// two). Never set when it is no smaller than the gzip body, or for an
	// entry that came from Redis without one: brotli clients get gzip.
	br        []byte
	hasBrotli atomic.Bool
	// body is the identity encoding. An entry read from Redis has only the
	// compressed bodies; its identity body is inflated from the gzip one the
	// first time a client that takes neither asks (few do), once, through
	// inflate.
	body     []byte
	bodySize int // len of the identity body, known before inflating: the weight
	inflate  sync.Once
	errBody  error
}

// newEntry gzips body once (a pooled writer at gzipLevel) and derives its
// strong ETags. The brotli body comes later (compressBrotli).
func newEntry(gen int64, fingerprint string, freshUntil time.Time, status int, contentType string, body []byte) (*Entry, error) {
	gz, err := gzipBody(body)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	e := &Entry{
		Gen: gen, Fingerprint: fingerprint, FreshUntil: freshUntil, Status: status, ContentType: contentType,
		ETag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
		body: body, bodySize: len(body), Gzip: gz,
	}
	e.setTags()
	e.inflate.Do(func() {}) // the identity body is here already
	return e, nil
}

// setTags derives the compressed representations' ETags from ETag (at
// least two bytes: its quotes), in one allocation.
func (e *Entry) setTags() {
	open := e.ETag[:len(e.ETag)-1]
	both := open + `-gz"` + open + `-br"`
	e.gzipTag, e.brotliTag = both[:len(open)+4], both[len(open)+4:]
}

// setBrotli publishes the brotli body; only one goroutine may call it, once
// (the compressor, or unmarshal before the entry is shared).
func (e *Entry) setBrotli(br []byte) {
	e.br = br
	e.hasBrotli.Store(true)
}

// compressBrotli makes the brotli body, once; it keeps it only when it is
// smaller than the gzip body.
func (e *Entry) compressBrotli() error {
	if e.hasBrotli.Load() {
		return nil
	}
	body, err := e.Body()
	if err != nil {
		return err
	}
	br, err := brotliBody(body)
	if err != nil {
		return err
	}
	if len(br) < len(e.Gzip) {
		e.setBrotli(br)
	}
	return nil
}

// Brotli is the brotli body, or nil while there is none.
func (e *Entry) Brotli() []byte {
	if e.hasBrotli.Load() {
		return e.br
	}
	return nil
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

// size is the entry's weight in the L1 cache. The brotli body may come
// after the weight is taken, so room for it is counted from the start: the
// gzip body's size, which it is smaller than whenever it is kept.
func (e *Entry) size() uint32 {
	n := e.bodySize + 2*len(e.Gzip) + len(e.ContentType) + len(e.Note) + 4*len(e.ETag) + 128
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
// fingerprint; 4 always has the note, and after the ETag the identity
// body's size and the gzip body's (4 bytes each), the gzip body and then
// the brotli body. An entry without a brotli body is written as version 2
// (no note) or 3, which releases before brotli read too.
const (
	wireVersion1 = 1
	wireVersion  = 2
	wireVersion3 = 3
	wireVersion4 = 4
)

// marshal encodes the entry for Redis. Only the compressed bodies are
// stored; the identity body is inflated again when a client wants it (Body).
func (e *Entry) marshal() []byte {
	var b bytes.Buffer
	br := e.Brotli()
	b.Grow(len(e.Gzip) + len(br) + 64 + len(e.Fingerprint) + len(e.Note) + len(e.ContentType) + len(e.ETag))
	switch {
	case br != nil:
		b.WriteByte(wireVersion4)
	case e.Note != "":
		b.WriteByte(wireVersion3)
	default:
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
	if e.Note != "" || br != nil {
		writeString(&b, e.Note)
	}
	writeString(&b, e.ContentType)
	writeString(&b, e.ETag)
	if br != nil {
		binary.BigEndian.PutUint32(n[:4], uint32(e.bodySize))
		b.Write(n[:4])
		binary.BigEndian.PutUint32(n[:4], uint32(len(e.Gzip)))
		b.Write(n[:4])
	}
	b.Write(e.Gzip)
	b.Write(br)
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

// maxBodySize bounds the identity size an entry from Redis may claim.
const maxBodySize = 64 << 20

// unmarshal decodes an entry stored by marshal, or by a release that wrote
// an older wire version. The bodies are slices of data, not copies.
func unmarshal(data []byte) (*Entry, error) {
	if len(data) < 1+8+8+2+2 || data[0] < wireVersion1 || data[0] > wireVersion4 {
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
	if data[0] >= wireVersion3 {
		if e.Note, rest, ok = readString(rest); !ok {
			return nil, errCorrupt
		}
	}
	var ct []byte
	if ct, rest, ok = readBytes(rest); !ok {
		return nil, errCorrupt
	}
	if e.ContentType = htmlContentType; string(ct) != htmlContentType {
		e.ContentType = string(ct)
	}
	if e.ETag, rest, ok = readString(rest); !ok || len(e.ETag) < 2 {
		return nil, errCorrupt
	}
	e.setTags()
	if data[0] == wireVersion4 {
		if len(rest) < 8 {
			return nil, errCorrupt
		}
		size, gzLen := binary.BigEndian.Uint32(rest), binary.BigEndian.Uint32(rest[4:])
		rest = rest[8:]
		if size > maxBodySize || uint64(gzLen) > uint64(len(rest)) || gzLen < 18 || rest[0] != 0x1f || rest[1] != 0x8b {
			return nil, fmt.Errorf("%w: a version 4 entry's sizes or gzip body", errCorrupt)
		}
		e.bodySize = int(size)
		e.Gzip = rest[:gzLen:gzLen]
		if br := rest[gzLen:]; len(br) > 0 {
			e.setBrotli(br)
		}
		return e, nil
	}
	// A gzip stream is at least a 10-byte header and an 8-byte trailer whose
	// last four bytes are the inflated size (mod 2^32: pages are far smaller).
	if len(rest) < 18 || rest[0] != 0x1f || rest[1] != 0x8b {
		return nil, fmt.Errorf("%w: not a gzip body", errCorrupt)
	}
	e.Gzip = rest
	if e.bodySize = int(binary.LittleEndian.Uint32(rest[len(rest)-4:])); e.bodySize > maxBodySize {
		return nil, fmt.Errorf("%w: an identity body of %d bytes", errCorrupt, e.bodySize)
	}
	return e, nil
}

func readString(b []byte) (string, []byte, bool) {
	s, rest, ok := readBytes(b)
	return string(s), rest, ok
}

func readBytes(b []byte) ([]byte, []byte, bool) {
	if len(b) < 1 || len(b) < 1+int(b[0]) {
		return nil, nil, false
	}
	n := int(b[0])
	return b[1 : 1+n], b[1+n:], true
}

// htmlContentType is nearly every page's: an entry read from Redis shares
// this string rather than allocating its own.
const htmlContentType = "text/html; charset=utf-8"

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

// Representation returns the entry's body and strong ETag in enc, inflating
// the identity body the first time for an entry read from Redis. An entry
// without a body in enc (its brotli body is not made yet, or it came from
// Redis without one) answers with the next best: gzip for br. enc is the
// encoding actually returned. It does not allocate.
func (e *Entry) Representation(want Encoding) (body []byte, etag string, enc Encoding, err error) {
	switch want {
	case Brotli:
		if e.hasBrotli.Load() {
			return e.br, e.brotliTag, Brotli, nil
		}
		return e.Gzip, e.gzipTag, Gzip, nil
	case Gzip:
		return e.Gzip, e.gzipTag, Gzip, nil
	}
	body, err = e.Body()
	return body, e.ETag, Identity, err
}

// ETagMatches implements the weak comparison If-None-Match calls for
// (RFC 9110 13.1.2): true when the header lists any representation's tag
// (identity, gzip, brotli; with or without W/) or is "*". It does not
// allocate.
func (e *Entry) ETagMatches(ifNoneMatch []byte) bool {
	s := ifNoneMatch
	for len(s) > 0 {
		var tag []byte
		if i := bytes.IndexByte(s, ','); i >= 0 {
			tag, s = s[:i], s[i+1:]
		} else {
			tag, s = s, nil
		}
		tag = trimOWS(tag)
		if len(tag) > 2 && tag[0] == 'W' && tag[1] == '/' {
			tag = tag[2:]
		}
		if string(tag) == "*" || string(tag) == e.ETag || string(tag) == e.gzipTag || string(tag) == e.brotliTag {
			return true
		}
	}
	return false
}
