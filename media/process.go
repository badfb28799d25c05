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

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Limits of an upload.
const (
	MaxImageBytes = 10 << 20 // 10 MB
	MaxPDFBytes   = 20 << 20 // 20 MB
	// MaxUpload is the most a handler needs to read to decide.
	MaxUpload = MaxPDFBytes
	// MaxPixels refuses decompression bombs: a small file that claims an
	// enormous picture is refused before it is decoded.
	MaxPixels = 40_000_000
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

// Process checks an upload by its content and prepares the files to store.
// Anything refused is a *RefusedError.
func Process(data []byte) (Result, error) {
	if len(data) == 0 {
		return Result{}, refuse("The selected file is empty")
	}
	format := Detect(data)
	sum := sha256.Sum256(data)
	res := Result{Bytes: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
	switch format {
	case "":
		return Result{}, refuse("The selected file must be a JPEG, PNG, WebP or GIF image, or a PDF")
	case FormatPDF:
		if len(data) > MaxPDFBytes {
			return Result{}, refuse("The selected PDF must be smaller than 20 MB")
		}
		res.Kind, res.ContentType, res.Ext = KindPDF, "application/pdf", "pdf"
		res.Files = []File{{Name: "file.pdf", Data: data}}
		return res, nil
	}
	if len(data) > MaxImageBytes {
		return Result{}, refuse("The selected image must be smaller than 10 MB")
	}
	img, err := decode(format, data)
	if err != nil {
		return Result{}, err
	}
	if format == FormatJPEG {
		img = orient(img, exifOrientation(data))
	}
	res.Kind = KindImage
	b := img.Bounds()
	res.Width, res.Height = b.Dx(), b.Dy()
	switch {
	case format == FormatJPEG, format == FormatWebP && isOpaque(img):
		res.ContentType, res.Ext = "image/jpeg", "jpg"
	default: // PNG, GIF and WebP with transparency keep it
		res.ContentType, res.Ext = "image/png", "png"
	}
	for _, w := range targetWidths(res.Width) {
		data, err := encode(resize(img, w), res.Ext)
		if err != nil {
			return Result{}, fmt.Errorf("media: encode %d pixels wide: %w", w, err)
		}
		res.Files = append(res.Files, File{Name: fmt.Sprintf("%d.%s", w, res.Ext), Width: w, Data: data})
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

// decode checks the dimensions the header claims before decoding anything.
func decode(format string, data []byte) (image.Image, error) {
	var cfg image.Config
	var err error
	r := bytes.NewReader(data)
	switch format {
	case FormatJPEG:
		cfg, err = jpeg.DecodeConfig(r)
	case FormatPNG:
		cfg, err = png.DecodeConfig(r)
	case FormatGIF:
		cfg, err = gif.DecodeConfig(r)
	case FormatWebP:
		cfg, err = webp.DecodeConfig(r)
	}
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, errBroken
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, refuse("The selected image is %d × %d pixels, which is too large: use one of 40 megapixels or fewer", cfg.Width, cfg.Height)
	}
	r = bytes.NewReader(data)
	var img image.Image
	switch format {
	case FormatJPEG:
		img, err = jpeg.Decode(r)
	case FormatPNG:
		img, err = png.Decode(r)
	case FormatGIF:
		img, err = gif.Decode(r)
	case FormatWebP:
		img, err = webp.Decode(r)
	}
	if err != nil {
		return nil, errBroken
	}
	if b := img.Bounds(); b.Dx() <= 0 || b.Dy() <= 0 || int64(b.Dx())*int64(b.Dy()) > MaxPixels {
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

// resize scales img to width w (height in proportion) with Catmull-Rom; an
// image already w wide is only copied into RGBA.
func resize(img image.Image, w int) *image.RGBA {
	b := img.Bounds()
	h := max(1, (b.Dy()*w+b.Dx()/2)/b.Dx())
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if w == b.Dx() {
		draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
		return dst
	}
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
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
