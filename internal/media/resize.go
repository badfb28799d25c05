package media

import (
	"image"
	"image/draw"
	"math"
)

// resize scales src to w×h with a Catmull-Rom kernel, widened by the
// scale factor when shrinking (as golang.org/x/image/draw does), in two
// separable passes. Unlike x/image/draw, whose kernel scaler keeps a
// float64 buffer of w × (source height) × 4 channels (338 MB to take a
// 6000×6600 picture to 1600 wide), it keeps only the horizontally scaled
// rows the vertical kernel is using: its memory grows with w, not with
// the source. src is read one row at a time.
func resize(src image.Image, w, h int) *image.RGBA {
	sb := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if w == sb.Dx() && h == sb.Dy() {
		draw.Draw(dst, dst.Bounds(), src, sb.Min, draw.Src)
		return dst
	}
	xs := kernelWeights(w, sb.Dx())
	ys := kernelWeights(h, sb.Dy())
	window := 0
	for _, c := range ys {
		window = max(window, len(c.weights))
	}
	rows := newRowReader(src)
	// ring holds the last `window` source rows, scaled to w wide.
	ring := make([][]float32, window)
	for i := range ring {
		ring[i] = make([]float32, 4*w)
	}
	next := 0 // the next source row to scale horizontally
	for dy, c := range ys {
		for ; next < c.first+len(c.weights); next++ {
			scaleRow(ring[next%window], rows.row(next), xs)
		}
		out := dst.Pix[dy*dst.Stride : dy*dst.Stride+4*w]
		for x := 0; x < w; x++ {
			var r, g, b, a float32
			for k, wt := range c.weights {
				p := ring[(c.first+k)%window][4*x:]
				r += wt * p[0]
				g += wt * p[1]
				b += wt * p[2]
				a += wt * p[3]
			}
			// The kernel overshoots; premultiplied colour stays within alpha.
			av := clamp8(a)
			out[4*x+0] = min(clamp8(r), av)
			out[4*x+1] = min(clamp8(g), av)
			out[4*x+2] = min(clamp8(b), av)
			out[4*x+3] = av
		}
	}
	return dst
}

// contrib is the weights of the source pixels first, first+1, … that make
// one destination pixel.
type contrib struct {
	first   int
	weights []float32
}

// kernelWeights maps dn destination pixels onto sn source pixels, edges
// repeated.
func kernelWeights(dn, sn int) []contrib {
	scale := float64(sn) / float64(dn)
	support := 2 * max(scale, 1) // Catmull-Rom reaches 2 pixels each side
	cs := make([]contrib, dn)
	for i := range cs {
		center := (float64(i)+0.5)*scale - 0.5
		lo := max(0, int(math.Ceil(center-support)))
		hi := min(sn-1, int(math.Floor(center+support)))
		ws := make([]float32, hi-lo+1)
		var sum float64
		for k := int(math.Ceil(center - support)); k <= int(math.Floor(center+support)); k++ {
			wt := catmullRom((float64(k) - center) / max(scale, 1))
			j := min(max(k, lo), hi) // repeat the edge pixels
			ws[j-lo] += float32(wt)
			sum += wt
		}
		if sum != 0 {
			for j := range ws {
				ws[j] /= float32(sum)
			}
		} else {
			ws[0] = 1
		}
		cs[i] = contrib{first: lo, weights: ws}
	}
	return cs
}

func catmullRom(t float64) float64 {
	t = math.Abs(t)
	switch {
	case t < 1:
		return (1.5*t-2.5)*t*t + 1
	case t < 2:
		return ((-0.5*t+2.5)*t-4)*t + 2
	}
	return 0
}

// scaleRow scales one row of premultiplied RGBA bytes horizontally.
func scaleRow(dst []float32, src []uint8, xs []contrib) {
	for x, c := range xs {
		var r, g, b, a float32
		p := src[4*c.first:]
		for k, wt := range c.weights {
			r += wt * float32(p[4*k])
			g += wt * float32(p[4*k+1])
			b += wt * float32(p[4*k+2])
			a += wt * float32(p[4*k+3])
		}
		dst[4*x], dst[4*x+1], dst[4*x+2], dst[4*x+3] = r, g, b, a
	}
}

func clamp8(v float32) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

// rowReader gives a picture's rows as premultiplied RGBA bytes, one at a
// time into one buffer, with fast paths for what the decoders return.
type rowReader struct {
	src     image.Image
	b       image.Rectangle
	buf     *image.RGBA
	palette [][4]uint8 // of an *image.Paletted, premultiplied
}

func newRowReader(src image.Image) *rowReader {
	b := src.Bounds()
	r := &rowReader{src: src, b: b, buf: image.NewRGBA(image.Rect(0, 0, b.Dx(), 1))}
	if p, ok := src.(*image.Paletted); ok {
		r.palette = make([][4]uint8, 256)
		for i, c := range p.Palette {
			if i < len(r.palette) {
				cr, cg, cb, ca := c.RGBA() // premultiplied
				r.palette[i] = [4]uint8{uint8(cr >> 8), uint8(cg >> 8), uint8(cb >> 8), uint8(ca >> 8)}
			}
		}
	}
	return r
}

// row returns row y (0 at the top) of the picture; the slice is reused.
func (r *rowReader) row(y int) []uint8 {
	pix := r.buf.Pix
	sy := r.b.Min.Y + y
	switch src := r.src.(type) {
	case *image.Paletted:
		in := src.Pix[src.PixOffset(r.b.Min.X, sy):][:r.b.Dx()]
		for x, ci := range in {
			copy(pix[4*x:4*x+4], r.palette[ci][:])
		}
	case *image.NYCbCrA: // WebP with alpha: colour, then alpha applied
		draw.Draw(r.buf, r.buf.Bounds(), &src.YCbCr, image.Pt(r.b.Min.X, sy), draw.Src)
		as := src.A[src.AOffset(r.b.Min.X, sy):][:r.b.Dx()]
		for x, a := range as {
			p := pix[4*x : 4*x+4]
			p[0] = uint8(uint16(p[0]) * uint16(a) / 255)
			p[1] = uint8(uint16(p[1]) * uint16(a) / 255)
			p[2] = uint8(uint16(p[2]) * uint16(a) / 255)
			p[3] = a
		}
	default: // image/draw's own fast paths: RGBA, NRGBA, YCbCr, Gray, CMYK
		draw.Draw(r.buf, r.buf.Bounds(), src, image.Pt(r.b.Min.X, sy), draw.Src)
	}
	return pix
}
