package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	xdraw "golang.org/x/image/draw"
)

// testPNGChunk is one PNG chunk with its CRC.
func testPNGChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
	chunk := append([]byte(typ), data...)
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// testPNGHeaderOf is a PNG that only claims w×h pixels of the colour type
// and depth, with a tRNS chunk when trns.
func testPNGHeaderOf(w, h uint32, depth, ctype, interlace byte, trns bool) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9], ihdr[12] = depth, ctype, interlace
	out := append([]byte("\x89PNG\r\n\x1a\n"), testPNGChunk("IHDR", ihdr)...)
	if trns {
		out = append(out, testPNGChunk("tRNS", []byte{0, 0})...)
	}
	return append(out, testPNGChunk("IDAT", nil)...)
}

// testJPEGHeader is a JFIF JPEG that only claims w×h pixels: one SOF
// (marker sof, components' sampling factors hv), no scan.
func testJPEGHeader(sof byte, w, h int, hv ...byte) []byte {
	b := []byte{0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}
	seg := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(len(hv))}
	for i, f := range hv {
		seg = append(seg, byte(i+1), f, 0)
	}
	b = append(b, 0xff, sof, byte((len(seg)+2)>>8), byte(len(seg)+2))
	return append(append(b, seg...), 0xff, 0xd9)
}

// testGIFHeader is a GIF with a w×h logical screen and one frame for each
// rectangle, each frame's image data empty.
func testGIFHeader(w, h int, frames ...image.Rectangle) []byte {
	b := []byte("GIF89a")
	b = binary.LittleEndian.AppendUint16(b, uint16(w))
	b = binary.LittleEndian.AppendUint16(b, uint16(h))
	b = append(b, 0x80, 0, 0, 0, 0, 0, 255, 255, 255) // 2-colour global table
	for _, r := range frames {
		b = append(b, 0x2c)
		for _, v := range []int{r.Min.X, r.Min.Y, r.Dx(), r.Dy()} {
			b = binary.LittleEndian.AppendUint16(b, uint16(v))
		}
		b = append(b, 0, 2, 1, 0x44, 0) // no local table; LZW min 2; one sub-block; end
	}
	return append(b, 0x3b)
}

// testWebP is a RIFF WEBP file of the given chunks (id, data).
func testWebP(chunks ...any) []byte {
	var body []byte
	for i := 0; i+1 < len(chunks); i += 2 {
		id, data := chunks[i].(string), chunks[i+1].([]byte)
		body = append(body, id...)
		body = binary.LittleEndian.AppendUint32(body, uint32(len(data)))
		body = append(body, data...)
		if len(data)%2 == 1 {
			body = append(body, 0)
		}
	}
	out := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(4+len(body)))...)
	return append(append(out, "WEBP"...), body...)
}

func testVP8X(w, h int, alpha bool) []byte {
	c := make([]byte, 10)
	if alpha {
		c[0] = 1 << 4
	}
	c[4], c[5], c[6] = byte(w-1), byte((w-1)>>8), byte((w-1)>>16)
	c[7], c[8], c[9] = byte(h-1), byte((h-1)>>8), byte((h-1)>>16)
	return c
}

func testVP8L(w, h int) []byte {
	bits := uint32(w-1) | uint32(h-1)<<14
	return append([]byte{0x2f}, binary.LittleEndian.AppendUint32(nil, bits)...)
}

func testVP8(w, h int) []byte {
	return []byte{0x10, 0, 0, 0x9d, 0x01, 0x2a, byte(w), byte(w>>8) & 0x3f, byte(h), byte(h>>8) & 0x3f}
}

// TestInspectRefusesFromTheHeader: a file whose header claims too much is
// refused before anything is decoded, in every format, and a header the
// decoder would contradict (a GIF frame outside its screen, a WebP frame
// that is not its canvas, a second JPEG SOF) is refused as damaged.
func TestInspectRefusesFromTheHeader(t *testing.T) {
	const tooLarge, damaged = "which is too large: make it at most", "could not be read"
	tests := []struct {
		name, data, message string
	}{
		{"PNG of 6000 × 6600 (39.6 MP)", string(testPNGHeaderOf(6000, 6600, 8, 2, 0, false)), "6000 × 6600 pixels, " + tooLarge + " 4670 × 5138 pixels"},
		{"PNG over 65536 wide", string(testPNGHeaderOf(70000, 1, 8, 2, 0, false)), damaged},
		{"16-bit PNG of 20 MP: 160 MB to decode", string(testPNGHeaderOf(5000, 4000, 16, 6, 0, false)), "5000 × 4000 pixels, " + tooLarge},
		{"interlaced PNG of 20 MP", string(testPNGHeaderOf(5000, 4000, 8, 2, 1, false)), "5000 × 4000 pixels, " + tooLarge},
		{"JPEG of 65000 × 65000", string(testJPEGHeader(0xc0, 65000, 65000, 0x22, 0x11, 0x11)), "65000 × 65000 pixels, " + tooLarge},
		{"progressive 4:4:4 JPEG of 20 MP", string(testJPEGHeader(0xc2, 5000, 4000, 0x11, 0x11, 0x11)), "5000 × 4000 pixels, " + tooLarge},
		{"JPEG with two SOFs", strings.Replace(string(testJPEGHeader(0xc0, 100, 100, 0x11)), "\xff\xd9", string(testJPEGHeader(0xc0, 60000, 60000, 0x11)[20:]), 1), damaged},
		{"lossless JPEG (SOF3)", string(testJPEGHeader(0xc3, 100, 100, 0x11)), damaged},
		{"GIF screen of 60000 × 60000", string(testGIFHeader(60000, 60000, image.Rect(0, 0, 1, 1))), "60000 × 60000 pixels, " + tooLarge},
		{"GIF frame larger than its screen", string(testGIFHeader(10, 10, image.Rect(0, 0, 60000, 60000))), damaged},
		{"GIF whose second frame leaves the screen", string(testGIFHeader(10, 10, image.Rect(0, 0, 10, 10), image.Rect(5, 5, 20, 20))), damaged},
		{"GIF without a frame", string(testGIFHeader(10, 10)), damaged},
		{"WebP canvas of 16000 × 16000", string(testWebP("VP8X", testVP8X(16000, 16000, false), "VP8L", testVP8L(16000, 16000))), "16000 × 16000 pixels, " + tooLarge},
		{"WebP canvas 10 × 10, frame 16384 × 16384", string(testWebP("VP8X", testVP8X(10, 10, false), "VP8L", testVP8L(16384, 16384))), damaged},
		{"WebP canvas 10 × 10, lossy frame 16383 × 16383", string(testWebP("VP8X", testVP8X(10, 10, false), "VP8 ", testVP8(16383, 16383))), damaged},
		{"simple lossless WebP of 16384 × 16384", string(testWebP("VP8L", testVP8L(16384, 16384))), "16384 × 16384 pixels, " + tooLarge},
		{"WebP with alpha over 10 MP", string(testWebP("VP8X", testVP8X(4000, 3000, true), "ALPH", []byte{1}, "VP8 ", testVP8(4000, 3000))), "4000 × 3000 pixels, " + tooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, _, err := inspect([]byte(tt.data))
			runtime.ReadMemStats(&after)
			var re *RefusedError
			if !errors.As(err, &re) || !strings.Contains(re.Message, tt.message) {
				t.Errorf("inspect: %v, want a refusal saying %q", err, tt.message)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
				t.Errorf("refusing the header allocated %d bytes: something was decoded", n)
			}
		})
	}
}

// TestSuggestedSizeIsAccepted: the size a refusal suggests is one inspect
// accepts.
func TestSuggestedSizeIsAccepted(t *testing.T) {
	for _, d := range [][2]uint32{{6000, 6600}, {10000, 10000}, {2000, 30000}, {65536, 400}} {
		_, _, err := inspect(testPNGHeaderOf(d[0], d[1], 8, 2, 0, false))
		var re *RefusedError
		if !errors.As(err, &re) {
			t.Fatalf("%v: %v", d, err)
		}
		var w, h, ow, oh uint32
		if _, err := fmt.Sscanf(re.Message, "The selected image is %d × %d pixels, which is too large: make it at most %d × %d pixels", &ow, &oh, &w, &h); err != nil {
			t.Fatalf("%v: %q: %v", d, re.Message, err)
		}
		if _, p, err := inspect(testPNGHeaderOf(w, h, 8, 2, 0, false)); err != nil || p == nil {
			t.Errorf("%v: the suggested %d × %d is refused too: %v", d, w, h, err)
		}
	}
}

// TestHeaderCostCoversTheDecoder: for each kind of file, what readHeader
// predicts is at least what the decoder really allocates (and not wildly
// more), so the limits bound real memory.
func TestHeaderCostCoversTheDecoder(t *testing.T) {
	picture := func(w, h int) *image.RGBA {
		img := testMediaPicture(w, h)
		for i := 3; i < len(img.Pix); i += 4 * 97 {
			img.Pix[i] = 128 // some transparency, premultiplied enough for the test
		}
		return img
	}
	encPNG := func(img image.Image) []byte {
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	encJPEG := func(img image.Image) []byte {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, nil); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	const w, h = 1200, 900
	rgb := testMediaPicture(w, h)
	gray := image.NewGray(rgb.Bounds())
	pal := image.NewPaletted(rgb.Bounds(), palette.Plan9)
	g16 := image.NewGray16(rgb.Bounds())
	n64 := image.NewNRGBA64(rgb.Bounds())
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, rgb, nil); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"PNG RGB":         encPNG(rgb),
		"PNG RGBA":        encPNG(picture(w, h)),
		"PNG grey":        encPNG(gray),
		"PNG paletted":    encPNG(pal),
		"PNG grey 16-bit": encPNG(g16),
		"PNG RGBA 16-bit": encPNG(n64),
		"JPEG 4:2:0":      encJPEG(rgb),
		"JPEG grey":       encJPEG(gray),
		"GIF":             gifBuf.Bytes(),
	}
	// Kinds Go cannot write, made with ImageMagick and libwebp (see
	// testdata/README).
	fixtures, _ := filepath.Glob("testdata/cost-*")
	for _, f := range fixtures {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(f)] = b
	}
	if len(fixtures) == 0 {
		t.Error("no testdata/cost-* fixtures")
	}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			format := Detect(data)
			hd, ok := readHeader(format, data)
			if !ok {
				t.Fatal("readHeader refused a good file")
			}
			p := &plan{format: format, header: hd, orientation: 1}
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			img, err := decode(p, data)
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds().Dx() != hd.Width || img.Bounds().Dy() != hd.Height {
				t.Errorf("decoded %v, header said %d × %d", img.Bounds(), hd.Width, hd.Height)
			}
			got := int64(after.TotalAlloc - before.TotalAlloc)
			want := hd.decodeBytes(hd.Width, hd.Height)
			const fixed = 256 << 10 // tables, zlib and bufio state
			if got > want+fixed {
				t.Errorf("the decoder allocated %d bytes, the header predicted %d", got, want)
			}
			if want > 3*got {
				t.Errorf("the header predicted %d bytes, the decoder allocated only %d", want, got)
			}
			t.Logf("%d × %d: predicted %d, allocated %d", hd.Width, hd.Height, want, got)
		})
	}
}

// FuzzReadHeader: whatever the bytes, readHeader does not panic, and when
// it accepts a header the decoder, if it succeeds, never produces a
// picture larger than the header said.
func FuzzReadHeader(f *testing.F) {
	for _, seed := range [][]byte{
		testMediaJPEG(f, 16, 8), testMediaPNG(f, 8, 8), testMediaEXIFJPEG(f, 8, 4),
		testPNGHeaderOf(10, 10, 8, 2, 0, false), testPNGHeaderOf(10, 10, 16, 0, 1, true),
		testJPEGHeader(0xc2, 20, 20, 0x22, 0x11, 0x11),
		testGIFHeader(10, 10, image.Rect(0, 0, 10, 10), image.Rect(2, 2, 4, 4)),
		testWebP("VP8X", testVP8X(10, 10, true), "ALPH", []byte{0}, "VP8 ", testVP8(10, 10)),
		testWebP("VP8L", testVP8L(10, 10)),
	} {
		f.Add(seed)
	}
	if fs, _ := filepath.Glob("testdata/cost-*"); len(fs) > 0 {
		for _, name := range fs {
			if b, err := os.ReadFile(name); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		format := Detect(data)
		hd, ok := readHeader(format, data)
		if !ok || int64(hd.Width)*int64(hd.Height) > 1<<20 {
			return
		}
		if hd.perPixel <= 0 {
			t.Fatalf("header %+v costs nothing", hd)
		}
		img, err := decode(&plan{format: format, header: header{Width: 1 << 16, Height: 1 << 16}}, data)
		if err == nil && (img.Bounds().Dx() > hd.Width || img.Bounds().Dy() > hd.Height) {
			t.Fatalf("decoded %v, the header said %d × %d", img.Bounds(), hd.Width, hd.Height)
		}
	})
}

// TestResizeMatchesXImageDraw: the row-at-a-time resizer gives what
// x/image/draw's Catmull-Rom gives, within rounding, on a picture with
// detail and transparency.
func TestResizeMatchesXImageDraw(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 900, 600))
	for y := 0; y < 600; y++ {
		for x := 0; x < 900; x++ {
			src.SetNRGBA(x, y, color.NRGBA{R: uint8(x * 255 / 900), G: uint8((x / 30 % 2) * 255), B: uint8(y * 255 / 600), A: uint8(255 - y/5)})
		}
	}
	for _, size := range [][2]int{{320, 213}, {640, 427}, {899, 599}} {
		got := resize(src, size[0], size[1])
		want := image.NewRGBA(got.Bounds())
		xdrawCatmullRom(want, src)
		var worst int
		for i := range got.Pix {
			// Compare away from the edges, where the two treat the
			// border differently.
			x, y := i/4%size[0], i/4/size[0]
			if x < 3 || y < 3 || x >= size[0]-3 || y >= size[1]-3 {
				continue
			}
			worst = max(worst, abs(int(got.Pix[i])-int(want.Pix[i])))
		}
		if worst > 3 {
			t.Errorf("%v: a channel differs by %d from x/image/draw", size, worst)
		}
	}
}

func xdrawCatmullRom(dst *image.RGBA, src image.Image) {
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), xdraw.Src, nil)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
