package media

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"

	"golang.org/x/image/webp"
)

// Limits of an upload.
const (
	MaxImageBytes = 10 << 20 // 10 MB
	MaxPDFBytes   = 20 << 20 // 20 MB
	// MaxUpload is the most a handler needs to read to decide.
	MaxUpload = MaxPDFBytes
	// MaxPixels refuses decompression bombs: a small file that claims an
	// enormous picture is refused from its header, before it is decoded.
	// 24 megapixels is a 6000×4000 camera photo, and more than any phone
	// takes by default; the largest copy ever stored is 1600 wide.
	MaxPixels = 24_000_000
	// MaxImageMemory is the most that decoding and resizing one image may
	// take, as its header predicts: 24 megapixels of 8-bit PNG (4 bytes a
	// pixel, 96 MB) and their resizing fit; formats that Go decodes at
	// more bytes a pixel (16-bit or interlaced PNG, progressive JPEG,
	// lossless WebP) are accepted at fewer pixels. With Decodes images at
	// a time, a replica's image work stays under Decodes × this.
	MaxImageMemory = 112 << 20
)

// Widths are the standard widths images are stored at (never wider than the
// original: an image narrower than 1600 pixels is also kept at its own
// width, which is then its largest).
var Widths = []int{320, 640, 1024, 1600}

// Kinds of media.
const (
	KindImage = "image"
	KindPDF   = "pdf"
)

// Formats Detect recognises.
const (
	FormatJPEG = "jpeg"
	FormatPNG  = "png"
	FormatGIF  = "gif"
	FormatWebP = "webp"
	FormatPDF  = "pdf"
)

// RefusedError is an upload that is not accepted; Message says why in words
// the person uploading can act on.
type RefusedError struct{ Message string }

func (e *RefusedError) Error() string { return "media: refused: " + e.Message }

func refuse(format string, args ...any) error {
	return &RefusedError{Message: fmt.Sprintf(format, args...)}
}

// Result is a processed upload: what to record and the files to store.
type Result struct {
	Kind        string // KindImage or KindPDF
	ContentType string // of the stored files: image/jpeg, image/png, application/pdf
	Ext         string // of the stored files: jpg, png, pdf
	Width       int    // of the upright original image; 0 for a PDF
	Height      int
	Bytes       int64  // size of the upload
	SHA256      string // hex digest of the upload
	Files       []File // smallest first; for a PDF the one file "file.pdf"
}

// File is one stored file of an upload.
type File struct {
	Name  string // "640.jpg", "file.pdf"
	Width int    // 0 for a PDF
	Data  []byte
}

// StoredWidths are the widths of the image's files, smallest first.
func (r Result) StoredWidths() []int {
	var ws []int
	for _, f := range r.Files {
		if f.Width > 0 {
			ws = append(ws, f.Width)
		}
	}
	return ws
}

// Detect names the format of data from its first bytes ("" when it is none
// of those accepted). The name of the file plays no part.
func Detect(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return FormatJPEG
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return FormatPNG
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return FormatGIF
	case len(data) >= 12 && bytes.Equal(data[:4], []byte("RIFF")) && bytes.Equal(data[8:12], []byte("WEBP")):
		return FormatWebP
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return FormatPDF
	}
	return ""
}

// inspect does everything that needs no decoding: the type from the
// bytes, the size limits, and for an image its header, whose dimensions
// and decoding cost are checked before a pixel is decoded. A PDF comes
// back finished. Anything refused is a *RefusedError.
func inspect(data []byte) (Result, *plan, error) {
	if len(data) == 0 {
		return Result{}, nil, refuse("The selected file is empty")
	}
	format := Detect(data)
	sum := sha256.Sum256(data)
	res := Result{Bytes: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
	switch format {
	case "":
		return Result{}, nil, refuse("The selected file must be a JPEG, PNG, WebP or GIF image, or a PDF")
	case FormatPDF:
		if len(data) > MaxPDFBytes {
			return Result{}, nil, refuse("The selected PDF must be smaller than 20 MB")
		}
		res.Kind, res.ContentType, res.Ext = KindPDF, "application/pdf", "pdf"
		res.Files = []File{{Name: "file.pdf", Data: data}}
		return res, nil, nil
	}
	if len(data) > MaxImageBytes {
		return Result{}, nil, refuse("The selected image must be smaller than 10 MB")
	}
	h, ok := readHeader(format, data)
	if !ok {
		return Result{}, nil, errBroken
	}
	if cfg, err := decodeConfig(format, data); err != nil || cfg.Width != h.Width || cfg.Height != h.Height {
		return Result{}, nil, errBroken // the decoder reads the header otherwise
	}
	o := 1
	if format == FormatJPEG {
		o = exifOrientation(data)
	}
	if !withinLimits(h, o, h.Width, h.Height) {
		w, ht := largestWithinLimits(h, o)
		return Result{}, nil, refuse("The selected image is %d × %d pixels, which is too large: make it at most %d × %d pixels and upload it again", h.Width, h.Height, w, ht)
	}
	return res, &plan{format: format, header: h, orientation: o}, nil
}

// plan is an image that passed inspect, with what its header said.
type plan struct {
	format      string
	header      header
	orientation int // EXIF (JPEG); 1 is as stored
}

// cost is what decoding and resizing the image takes, in bytes.
func (p *plan) cost() int64 {
	return imageCost(p.header, p.orientation, p.header.Width, p.header.Height)
}

// imageCost is what decoding and resizing an image of h's kind at w×ht
// pixels (as stored) takes: the decoder's allocations, the largest
// resized copy (twice when it is turned upright), the resizer's rows.
func imageCost(h header, o, w, ht int) int64 {
	copies := int64(4)
	if o > 1 {
		copies = 8
	}
	uw, uh := w, ht
	if o >= 5 {
		uw, uh = ht, w
	}
	tw := int64(min(uw, Widths[len(Widths)-1]))
	th := max(1, (int64(uh)*tw+int64(uw)/2)/int64(uw))
	window := 4*((int64(max(w, ht))+tw-1)/tw) + 1
	return h.decodeBytes(w, ht) + copies*tw*th + 16*tw*window + 4*int64(w)
}

// withinLimits reports whether an image of h's kind at w×ht pixels is
// at most MaxPixels and costs at most MaxImageMemory to process.
func withinLimits(h header, o, w, ht int) bool {
	return int64(w)*int64(ht) <= MaxPixels && imageCost(h, o, w, ht) <= MaxImageMemory
}

// largestWithinLimits is the largest size of h's proportions that
// withinLimits accepts: what to tell someone whose image is too large.
func largestWithinLimits(h header, o int) (int, int) {
	s := math.Sqrt(float64(MaxPixels) / (float64(h.Width) * float64(h.Height)))
	s = min(s, math.Sqrt(float64(MaxImageMemory)/float64(imageCost(h, o, h.Width, h.Height))))
	for ; s > 0; s *= 0.99 {
		w, ht := max(1, int(float64(h.Width)*s)), max(1, int(float64(h.Height)*s))
		if withinLimits(h, o, w, ht) {
			return w, ht
		}
	}
	return 1, 1
}

// process decodes an image that passed inspect and prepares its files:
// turned upright, re-encoded (which drops every kind of metadata) and
// resized to the standard widths, the largest from the decoded picture and
// each smaller one from the one above it.
func process(res Result, p *plan, data []byte) (Result, error) {
	img, err := decode(p, data)
	if err != nil {
		return Result{}, err
	}
	o := p.orientation
	res.Kind = KindImage
	b := img.Bounds()
	res.Width, res.Height = b.Dx(), b.Dy()
	if o >= 5 {
		res.Width, res.Height = res.Height, res.Width
	}
	switch {
	case p.format == FormatJPEG, p.format == FormatWebP && isOpaque(img):
		res.ContentType, res.Ext = "image/jpeg", "jpg"
	default: // PNG, GIF and WebP with transparency keep it
		res.ContentType, res.Ext = "image/png", "png"
	}
	widths := targetWidths(res.Width)
	res.Files = make([]File, len(widths))
	from := img // the decoded picture is garbage once the largest copy is made
	for i := len(widths) - 1; i >= 0; i-- {
		w := widths[i]
		h := max(1, (res.Height*w+res.Width/2)/res.Width)
		sw, sh := w, h // as stored, before turning upright
		if o >= 5 {
			sw, sh = h, w
		}
		scaled := resize(from, sw, sh)
		from = scaled
		data, err := encode(orient(scaled, o), res.Ext)
		if err != nil {
			return Result{}, fmt.Errorf("media: encode %d pixels wide: %w", w, err)
		}
		res.Files[i] = File{Name: fmt.Sprintf("%d.%s", w, res.Ext), Width: w, Data: data}
	}
	return res, nil
}

// targetWidths are the widths an image of width w is stored at: the
// standard widths below it and, never upscaled, min(w, largest standard).
func targetWidths(w int) []int {
	largest := min(w, Widths[len(Widths)-1])
	var ws []int
	for _, s := range Widths {
		if s < largest {
			ws = append(ws, s)
		}
	}
	return append(ws, largest)
}

var errBroken = &RefusedError{Message: "The selected image could not be read: it may be damaged. Save it again and upload the new file"}

func decodeConfig(format string, data []byte) (image.Config, error) {
	r := bytes.NewReader(data)
	switch format {
	case FormatJPEG:
		return jpeg.DecodeConfig(r)
	case FormatPNG:
		return png.DecodeConfig(r)
	case FormatGIF:
		return gif.DecodeConfig(r)
	case FormatWebP:
		return webp.DecodeConfig(r)
	}
	return image.Config{}, errBroken
}

// decode decodes an image whose header inspect has checked; the picture
// must be no larger than the header said.
func decode(p *plan, data []byte) (image.Image, error) {
	r := bytes.NewReader(data)
	var img image.Image
	var err error
	switch p.format {
	case FormatJPEG:
		img, err = jpeg.Decode(r)
	case FormatPNG:
		img, err = png.Decode(r)
	case FormatGIF:
		img, err = gif.Decode(r)
	case FormatWebP:
		img, err = webp.Decode(r)
	}
	if err != nil || !p.header.fits(img.Bounds()) {
		return nil, errBroken
	}
	return img, nil
}

func isOpaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

func encode(img *image.RGBA, ext string) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	if ext == "jpg" {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	} else {
		err = png.Encode(&buf, img)
	}
	return buf.Bytes(), err
}
