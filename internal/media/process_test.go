package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"reflect"
	"strings"
	"testing"
)

// testMediaPicture is a w×h picture: its left half red, its right half blue.
func testMediaPicture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{R: 255, A: 255}
			if x >= w/2 {
				c = color.RGBA{B: 255, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func testMediaJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testMediaPicture(w, h), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func testMediaPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, testMediaPicture(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// testMediaGPSSecret is in the fixture's EXIF block, as a camera would write
// the place a photo was taken.
const testMediaGPSSecret = "GPS 51.5007N 0.1246W"

// TestMediaEXIF returns a JPEG of w×h pixels that carries an EXIF block
// with an orientation (6: turn 90° clockwise to view) and GPS data: the
// latitude 51° 30' N and a processing-method string.
func testMediaEXIFJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	plain := testMediaJPEG(t, w, h)
	be := binary.BigEndian
	var tiff bytes.Buffer
	u16 := func(v uint16) { _ = binary.Write(&tiff, be, v) }
	u32 := func(v uint32) { _ = binary.Write(&tiff, be, v) }
	tiff.WriteString("MM")
	u16(42)
	u32(8) // IFD0
	// IFD0 at 8: Orientation, GPSInfo pointer.
	const gpsIFD = 8 + 2 + 2*12 + 4
	u16(2)
	u16(0x0112)
	u16(3)
	u32(1)
	u16(6)
	u16(0)
	u16(0x8825)
	u16(4)
	u32(1)
	u32(gpsIFD)
	u32(0)
	// GPS IFD: LatitudeRef "N", Latitude 51/1 30/1 0/1, ProcessingMethod.
	const latOff = gpsIFD + 2 + 3*12 + 4
	const methodOff = latOff + 24
	u16(3)
	u16(0x0001)
	u16(2)
	u32(2)
	tiff.WriteString("N\x00\x00\x00")
	u16(0x0002)
	u16(5)
	u32(3)
	u32(latOff)
	u16(0x001b)
	u16(7)
	u32(uint32(len(testMediaGPSSecret)))
	u32(methodOff)
	u32(0)
	for _, r := range [][2]uint32{{51, 1}, {30, 1}, {0, 1}} {
		u32(r[0])
		u32(r[1])
	}
	tiff.WriteString(testMediaGPSSecret)

	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(plain[:2]) // SOI
	out.Write([]byte{0xff, 0xe1})
	_ = binary.Write(&out, be, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(plain[2:])
	return out.Bytes()
}

func TestProcessStripsEXIFAndTurnsThePhotoUpright(t *testing.T) {
	in := testMediaEXIFJPEG(t, 40, 20)
	if exifOrientation(in) != 6 || !bytes.Contains(in, []byte(testMediaGPSSecret)) {
		t.Fatal("the fixture does not carry the EXIF block it should")
	}
	if _, err := jpeg.Decode(bytes.NewReader(in)); err != nil {
		t.Fatalf("the fixture is not a JPEG: %v", err)
	}
	res, err := processNow(in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Width != 20 || res.Height != 40 {
		t.Errorf("upright size %d×%d, want 20×40 (orientation 6 applied)", res.Width, res.Height)
	}
	for _, f := range res.Files {
		for _, leak := range []string{"Exif", testMediaGPSSecret, "\xff\xe1"} {
			if bytes.Contains(f.Data, []byte(leak)) {
				t.Errorf("%s still contains %q", f.Name, leak)
			}
		}
		img, err := jpeg.Decode(bytes.NewReader(f.Data))
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		// Turned clockwise, the red left half is now on top.
		b := img.Bounds()
		top, bottom := img.At(b.Dx()/2, 2), img.At(b.Dx()/2, b.Dy()-3)
		if r, _, bl, _ := top.RGBA(); r < 0xc000 || bl > 0x4000 {
			t.Errorf("top of %s is %v, want red", f.Name, top)
		}
		if r, _, bl, _ := bottom.RGBA(); bl < 0xc000 || r > 0x4000 {
			t.Errorf("bottom of %s is %v, want blue", f.Name, bottom)
		}
	}
}

func TestProcessOrientations(t *testing.T) {
	// Each orientation's correction maps the 3×2 source's top-left pixel
	// to a known corner of the result.
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	src.Set(0, 0, color.RGBA{R: 255, A: 255})
	for o, want := range map[int]image.Point{1: {0, 0}, 2: {2, 0}, 3: {2, 1}, 4: {0, 1}, 5: {0, 0}, 6: {1, 0}, 7: {1, 2}, 8: {0, 2}} {
		got := orient(src, o)
		if r, _, _, _ := got.At(want.X, want.Y).RGBA(); r != 0xffff {
			t.Errorf("orientation %d: the top-left pixel is not at %v", o, want)
		}
		if wantW := map[bool]int{true: 2, false: 3}[o >= 5]; got.Bounds().Dx() != wantW {
			t.Errorf("orientation %d: width %d, want %d", o, got.Bounds().Dx(), wantW)
		}
	}
}

func TestProcessWidths(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		ext     string
		widths  []int
		heights map[int]int
	}{
		{"wide PNG: every standard width", testMediaPNG(t, 1700, 200), "png", []int{320, 640, 1024, 1600}, map[int]int{320: 38, 1600: 188}},
		{"medium JPEG: standard widths below it and its own", testMediaJPEG(t, 700, 350), "jpg", []int{320, 640, 700}, map[int]int{700: 350}},
		{"small JPEG: never upscaled", testMediaJPEG(t, 200, 100), "jpg", []int{200}, map[int]int{200: 100}},
		{"exactly 1024", testMediaJPEG(t, 1024, 10), "jpg", []int{320, 640, 1024}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := processNow(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if res.Kind != KindImage || res.Ext != tt.ext {
				t.Errorf("kind %s ext %s, want image %s", res.Kind, res.Ext, tt.ext)
			}
			if got := res.StoredWidths(); !reflect.DeepEqual(got, tt.widths) {
				t.Errorf("widths %v, want %v", got, tt.widths)
			}
			for _, f := range res.Files {
				cfg, format, err := image.DecodeConfig(bytes.NewReader(f.Data))
				if err != nil {
					t.Fatalf("%s: %v", f.Name, err)
				}
				if cfg.Width != f.Width || f.Name != fmt.Sprintf("%d.%s", f.Width, tt.ext) || map[string]string{"jpeg": "jpg", "png": "png"}[format] != tt.ext {
					t.Errorf("%s is %s %d wide", f.Name, format, cfg.Width)
				}
				if h, ok := tt.heights[f.Width]; ok && cfg.Height != h {
					t.Errorf("%s is %d high, want %d", f.Name, cfg.Height, h)
				}
			}
		})
	}
}

func TestProcessGIFBecomesPNG(t *testing.T) {
	var buf bytes.Buffer
	if err := gif.Encode(&buf, testMediaPicture(50, 30), nil); err != nil {
		t.Fatal(err)
	}
	res, err := processNow(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if res.ContentType != "image/png" || len(res.Files) != 1 || res.Files[0].Name != "50.png" {
		t.Errorf("GIF stored as %s %v", res.ContentType, res.Files[0].Name)
	}
}

func TestProcessKeepsPDFAsItIs(t *testing.T) {
	in := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	res, err := processNow(in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Kind != KindPDF || res.ContentType != "application/pdf" || len(res.Files) != 1 || res.Files[0].Name != "file.pdf" || !bytes.Equal(res.Files[0].Data, in) {
		t.Errorf("PDF processed as %+v", res)
	}
	if res.Bytes != int64(len(in)) || len(res.SHA256) != 64 {
		t.Errorf("size %d sha %q", res.Bytes, res.SHA256)
	}
}

// testMediaPNGHeader is a PNG that only claims w×h pixels in its header.
func testMediaPNGHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestProcessRefuses(t *testing.T) {
	bigJPEG := append([]byte("\xff\xd8\xff"), make([]byte, MaxImageBytes)...)
	bigPDF := append([]byte("%PDF-1.7\n"), make([]byte, MaxPDFBytes)...)
	tests := []struct {
		name, data, message string
	}{
		{"empty", "", "The selected file is empty"},
		{"HTML whatever its name", "<!doctype html><script>alert(1)</script>", "must be a JPEG, PNG, WebP or GIF image, or a PDF"},
		{"SVG", `<svg xmlns="http://www.w3.org/2000/svg"></svg>`, "must be a JPEG, PNG, WebP or GIF image, or a PDF"},
		{"PDF header not at the start", "junk%PDF-1.4", "must be a JPEG, PNG, WebP or GIF image, or a PDF"},
		{"image over 10 MB", string(bigJPEG), "The selected image must be smaller than 10 MB"},
		{"PDF over 20 MB", string(bigPDF), "The selected PDF must be smaller than 20 MB"},
		{"decompression bomb", string(testMediaPNGHeader(10000, 10000)), "10000 × 10000 pixels, which is too large"},
		{"JPEG header then garbage", "\xff\xd8\xff\xe0garbage", "could not be read"},
		{"truncated PNG", string(testMediaPNG(t, 64, 64)[:100]), "could not be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := processNow([]byte(tt.data))
			var re *RefusedError
			if !errors.As(err, &re) || !strings.Contains(re.Message, tt.message) {
				t.Errorf("Process: %v, want a refusal saying %q", err, tt.message)
			}
		})
	}
}

// FuzzProcess feeds anything to the type detection and decoding: it must
// never panic, refuse with a *RefusedError, and whatever it accepts is a
// set of well-formed files no wider than the largest standard width.
func FuzzProcess(f *testing.F) {
	for _, seed := range [][]byte{
		testMediaJPEG(f, 16, 8), testMediaPNG(f, 8, 8), testMediaEXIFJPEG(f, 8, 4),
		testMediaPNGHeader(10, 10), []byte("%PDF-1.4\n%%EOF"), []byte("RIFF\x00\x00\x00\x00WEBPVP8 "),
		[]byte("GIF89a\x01\x00\x01\x00"), []byte("<html>"),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := processNow(data)
		if err != nil {
			var re *RefusedError
			if !errors.As(err, &re) || re.Message == "" {
				t.Fatalf("Process failed without a refusal: %v", err)
			}
			return
		}
		if res.Kind == KindPDF {
			if !bytes.HasPrefix(data, []byte("%PDF-")) {
				t.Fatal("accepted a PDF without its header")
			}
			return
		}
		if len(res.Files) == 0 {
			t.Fatal("an image with no files")
		}
		for _, file := range res.Files {
			cfg, _, err := image.DecodeConfig(bytes.NewReader(file.Data))
			if err != nil || cfg.Width != file.Width || cfg.Width > Widths[len(Widths)-1] {
				t.Fatalf("%s: %v %+v", file.Name, err, cfg)
			}
		}
	})
}

func TestDirStorage(t *testing.T) {
	ctx := t.Context()
	d, err := NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Put(ctx, "1/2/640.jpg", strings.NewReader("hello")); err != nil {
		t.Fatal(err)
	}
	r, n, err := d.Open(ctx, "1/2/640.jpg")
	if err != nil || n != 5 {
		t.Fatalf("open: %v size %d", err, n)
	}
	var got bytes.Buffer
	_, _ = got.ReadFrom(r)
	_ = r.Close()
	if got.String() != "hello" {
		t.Errorf("read %q", got.String())
	}
	if err := d.Delete(ctx, "1/2/640.jpg"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.Open(ctx, "1/2/640.jpg"); !errors.Is(err, ErrNotFound) {
		t.Errorf("open after delete: %v", err)
	}
	if err := d.Delete(ctx, "1/2/640.jpg"); err != nil {
		t.Errorf("deleting a missing key: %v", err)
	}
	for _, bad := range []string{"../x", "/etc/passwd", "1/../../x", "a//b", ".", "a/./b", "a\\b", ""} {
		if err := d.Put(ctx, bad, strings.NewReader("x")); err == nil {
			t.Errorf("Put(%q) was accepted", bad)
		}
		if _, _, err := d.Open(ctx, bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open(%q): %v", bad, err)
		}
	}
}

// processNow is what Processor.Process does, without a slot.
func processNow(data []byte) (Result, error) {
	res, p, err := inspect(data)
	if err != nil || p == nil {
		return res, err
	}
	return process(res, p, data)
}
