package media

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
)

// header is what an image's header says about it: its size and what
// decoding it will cost, read before a single pixel is decoded.
type header struct {
	Width, Height int
	// perPixel is the bytes Go's decoder for this file allocates per pixel
	// (the decoded picture and the working buffers that grow with it),
	// modelled on image/png, image/jpeg, image/gif and x/image/webp.
	perPixel float64
	// block is what the decoder rounds the dimensions up to (a JPEG's
	// MCU, a VP8 macroblock); 1 when it decodes exactly the pixels.
	block int
}

// decodeBytes is what decoding an image of this kind at w×h costs.
func (h header) decodeBytes(w, ht int) int64 {
	b := max(h.block, 1)
	pw, ph := int64((w+b-1)/b*b), int64((ht+b-1)/b*b)
	return int64(h.perPixel * float64(pw*ph))
}

// readHeader reads the dimensions and decoding cost of an image in format
// from its header alone, checking every size the decoder will believe:
// PNG's IHDR (and tRNS, which makes the decoder allocate 4 or 8 bytes a
// pixel), JPEG's one SOF (and the APP0/APP14 markers that decide an RGB
// conversion), every GIF frame against its logical screen, and a WebP's
// VP8X canvas against the frame inside it. ok is false for a header that
// is damaged or that the decoder would refuse.
func readHeader(format string, data []byte) (h header, ok bool) {
	switch format {
	case FormatPNG:
		h, ok = pngHeader(data)
	case FormatJPEG:
		h, ok = jpegHeader(data)
	case FormatGIF:
		h, ok = gifHeader(data)
	case FormatWebP:
		h, ok = webpHeader(data)
	}
	if !ok || h.Width <= 0 || h.Height <= 0 || h.Width > 1<<16 || h.Height > 1<<16 {
		return header{}, false
	}
	return h, true
}

// pngHeader reads IHDR and looks for tRNS among the chunks before IDAT.
func pngHeader(data []byte) (header, bool) {
	const sig = "\x89PNG\r\n\x1a\n"
	if len(data) < len(sig)+8+13+4 || string(data[:len(sig)]) != sig {
		return header{}, false
	}
	p := data[len(sig):]
	if binary.BigEndian.Uint32(p) != 13 || string(p[4:8]) != "IHDR" {
		return header{}, false
	}
	ihdr := p[8:21]
	w, ht := binary.BigEndian.Uint32(ihdr), binary.BigEndian.Uint32(ihdr[4:])
	depth, ctype, interlace := ihdr[8], ihdr[9], ihdr[12]
	if w == 0 || ht == 0 || w > 1<<16 || ht > 1<<16 || interlace > 1 {
		return header{}, false
	}
	trns := false
	for p = p[8+13+4:]; len(p) >= 8; {
		n := binary.BigEndian.Uint32(p)
		typ := string(p[4:8])
		if typ == "IDAT" || typ == "IEND" {
			break
		}
		if typ == "tRNS" {
			trns = true
		}
		if uint64(n)+12 > uint64(len(p)) {
			return header{}, false
		}
		p = p[12+n:]
	}
	var bpp float64 // what the decoder allocates per pixel for the picture
	switch {
	case ctype == 3: // paletted, any depth
		bpp = 1
	case ctype == 0 && depth <= 8: // grey
		bpp = 1
		if trns {
			bpp = 4 // NRGBA
		}
	case ctype == 0 && depth == 16:
		bpp = 2
		if trns {
			bpp = 8 // NRGBA64
		}
	case (ctype == 2 || ctype == 4 || ctype == 6) && depth == 8:
		bpp = 4 // RGBA or NRGBA
	case (ctype == 2 || ctype == 4 || ctype == 6) && depth == 16:
		bpp = 8 // RGBA64 or NRGBA64
	default:
		return header{}, false
	}
	if interlace == 1 {
		// Adam7: the full picture, and each pass decoded into its own
		// picture before it is merged (the last pass is half of it; the
		// garbage collector may not have taken back the earlier ones).
		bpp *= 2
	}
	return header{Width: int(w), Height: int(ht), perPixel: bpp, block: 1}, true
}

// jpegHeader walks a JPEG's markers as image/jpeg does (extraneous bytes
// and fill bytes skipped, entropy-coded data passed over) to find its one
// SOF and the APP0 (JFIF) and APP14 (Adobe) markers that decide whether the
// decoder converts to RGBA, then checks the size against DecodeConfig.
func jpegHeader(data []byte) (header, bool) {
	if len(data) < 4 || data[0] != 0xff || data[1] != 0xd8 {
		return header{}, false
	}
	type comp struct{ id, h, v int }
	var (
		comps                 []comp
		w, ht                 int
		progressive, jfif     bool
		adobe, adobeTransform = false, byte(0)
	)
	i := 2
	for i+1 < len(data) {
		if data[i] != 0xff { // extraneous data, as in image/jpeg
			i++
			continue
		}
		marker := data[i+1]
		i += 2
		for marker == 0xff && i < len(data) {
			marker = data[i]
			i++
		}
		if marker == 0 || marker >= 0xd0 && marker <= 0xd7 {
			continue // stuffed byte, restart marker: no length
		}
		if marker == 0xd9 { // EOI
			break
		}
		if i+2 > len(data) {
			return header{}, false
		}
		n := int(binary.BigEndian.Uint16(data[i:])) - 2
		i += 2
		if n < 0 || i+n > len(data) {
			return header{}, false
		}
		seg := data[i : i+n]
		i += n
		switch {
		case marker == 0xc0 || marker == 0xc1 || marker == 0xc2:
			if comps != nil || len(seg) < 6 || seg[0] != 8 {
				return header{}, false
			}
			ht, w = int(binary.BigEndian.Uint16(seg[1:])), int(binary.BigEndian.Uint16(seg[3:]))
			nc := int(seg[5])
			if nc != 1 && nc != 3 && nc != 4 || len(seg) < 6+3*nc {
				return header{}, false
			}
			for k := range nc {
				hv := seg[7+3*k]
				c := comp{id: int(seg[6+3*k]), h: int(hv >> 4), v: int(hv & 0x0f)}
				if c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 {
					return header{}, false
				}
				if nc == 1 {
					c.h, c.v = 1, 1
				}
				comps = append(comps, c)
			}
			progressive = marker == 0xc2
		case marker == 0xc4, marker == 0xdb, marker == 0xdd, marker == 0xfe, marker > 0xe0 && marker <= 0xef && marker != 0xee:
			// DHT, DQT, DRI, COM, APPn: nothing that sizes the picture
		case marker == 0xe0:
			if len(seg) >= 5 {
				jfif = string(seg[:5]) == "JFIF\x00"
			}
		case marker == 0xee:
			if len(seg) >= 12 && string(seg[:5]) == "Adobe" {
				adobe, adobeTransform = true, seg[11]
			}
		case marker == 0xda:
			// Pass over the entropy-coded data to the next marker.
			for i+1 < len(data) && (data[i] != 0xff || data[i+1] == 0 || data[i+1] >= 0xd0 && data[i+1] <= 0xd7) {
				i++
			}
		default:
			// Any other marker (another SOF kind, DNL, a second SOI…)
			// makes image/jpeg give up.
			return header{}, false
		}
	}
	if comps == nil || w <= 0 || ht <= 0 {
		return header{}, false
	}
	hmax, vmax := comps[0].h, comps[0].v
	for _, c := range comps {
		if c.h > hmax || c.v > vmax { // image/jpeg needs component 0 to be the largest
			return header{}, false
		}
	}
	// The decoder allocates each component in whole 8×8 blocks of whole
	// MCUs (8·hmax × 8·vmax pixels); a progressive one also keeps every
	// block's 64 coefficients as int32, four bytes a sample.
	mcuW, mcuH := 8*hmax, 8*vmax
	var samples float64 // per pixel of the MCU-padded picture
	for _, c := range comps {
		samples += float64(c.h*c.v) / float64(hmax*vmax)
	}
	perPixel := samples
	if progressive {
		perPixel += 4 * samples
	}
	rgb := len(comps) == 3 && !jfif && (adobe && adobeTransform == 0 ||
		comps[0].id == 'R' && comps[1].id == 'G' && comps[2].id == 'B')
	if len(comps) == 4 || rgb {
		perPixel += 4 // converted into a 4-byte-a-pixel CMYK or RGBA picture
	}
	// What image/jpeg itself reads must agree.
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	wantModel := map[int]color.Model{1: color.GrayModel, 3: color.YCbCrModel, 4: color.CMYKModel}[len(comps)]
	if rgb {
		wantModel = color.RGBAModel
	}
	if err != nil || cfg.Width != w || cfg.Height != ht || cfg.ColorModel != wantModel {
		return header{}, false
	}
	return header{Width: w, Height: ht, perPixel: perPixel, block: max(mcuW, mcuH)}, true
}

// gifHeader reads the logical screen and walks every block: each frame
// must lie within the screen (image/gif refuses one that does not, but
// only when it reaches it).
func gifHeader(data []byte) (header, bool) {
	if len(data) < 13 {
		return header{}, false
	}
	w, ht := int(binary.LittleEndian.Uint16(data[6:])), int(binary.LittleEndian.Uint16(data[8:]))
	i := 13
	if flags := data[10]; flags&0x80 != 0 {
		i += 3 << (flags&7 + 1)
	}
	// skipBlocks passes over data sub-blocks up to their terminator.
	skipBlocks := func() bool {
		for i < len(data) {
			n := int(data[i])
			i += 1 + n
			if n == 0 {
				return i <= len(data)
			}
		}
		return false
	}
	frames := 0
	for i < len(data) {
		switch data[i] {
		case 0x21: // extension: label, then sub-blocks
			i += 2
			if !skipBlocks() {
				return header{}, false
			}
		case 0x2c: // image descriptor
			if i+10 > len(data) {
				return header{}, false
			}
			d := data[i+1:]
			left, top := int(binary.LittleEndian.Uint16(d)), int(binary.LittleEndian.Uint16(d[2:]))
			fw, fh := int(binary.LittleEndian.Uint16(d[4:])), int(binary.LittleEndian.Uint16(d[6:]))
			if left+fw > w || top+fh > ht {
				return header{}, false
			}
			flags := d[8]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (flags&7 + 1)
			}
			i++ // LZW minimum code size
			if !skipBlocks() {
				return header{}, false
			}
			frames++
		case 0x3b: // trailer
			i = len(data)
		default:
			return header{}, false
		}
	}
	if frames == 0 {
		return header{}, false
	}
	// image.Paletted: one byte a pixel of the first frame, at most the
	// screen (image/gif's Decode decodes no further frame).
	return header{Width: w, Height: ht, perPixel: 1, block: 1}, true
}

// webpHeader walks the RIFF chunks: a simple file is one VP8 or VP8L
// chunk; an extended one (VP8X) has a canvas that the VP8 or VP8L frame
// after it must match exactly, and may have an ALPH chunk, decoded first.
func webpHeader(data []byte) (header, bool) {
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return header{}, false
	}
	var (
		canvasW, canvasH int
		extended         bool
		alpha            float64 // bytes a pixel of a decoded ALPH chunk
	)
	for p := data[12:]; len(p) >= 8; {
		id, n := string(p[:4]), binary.LittleEndian.Uint32(p[4:])
		if uint64(n) > uint64(len(p)-8) {
			return header{}, false
		}
		c := p[8 : 8+n]
		p = p[8+n:]
		if n%2 == 1 && len(p) > 0 {
			p = p[1:]
		}
		switch id {
		case "VP8X":
			if extended || len(c) != 10 {
				return header{}, false
			}
			extended = true
			canvasW = 1 + (int(c[4]) | int(c[5])<<8 | int(c[6])<<16)
			canvasH = 1 + (int(c[7]) | int(c[8])<<8 | int(c[9])<<16)
		case "ALPH":
			if !extended || len(c) < 1 {
				return header{}, false
			}
			alpha = 1 // stored as they are
			if c[0]&3 == 1 {
				// VP8L-compressed: decoded as a whole NRGBA picture
				// (twice that with a colour-indexing transform), then
				// one byte a pixel kept.
				alpha = 9
			}
		case "VP8 ":
			// Frame tag (3 bytes, key frame), start code, 14-bit sizes.
			if len(c) < 10 || c[0]&1 != 0 || c[3] != 0x9d || c[4] != 0x01 || c[5] != 0x2a {
				return header{}, false
			}
			w := int(c[7]&0x3f)<<8 | int(c[6])
			ht := int(c[9]&0x3f)<<8 | int(c[8])
			if extended && (w != canvasW || ht != canvasH) {
				return header{}, false
			}
			// YCbCr 4:2:0 in whole 16×16 macroblocks, and the alpha.
			return header{Width: w, Height: ht, perPixel: 1.5 + alpha, block: 16}, true
		case "VP8L":
			if len(c) < 5 || c[0] != 0x2f || alpha != 0 {
				return header{}, false
			}
			bits := binary.LittleEndian.Uint32(c[1:])
			w, ht := int(bits&0x3fff)+1, int(bits>>14&0x3fff)+1
			if extended && (w != canvasW || ht != canvasH) {
				return header{}, false
			}
			// NRGBA, and as much again when a colour-indexing
			// transform unpacks it.
			return header{Width: w, Height: ht, perPixel: 8, block: 1}, true
		}
	}
	return header{}, false
}

// fits reports whether a decoded picture is no larger than its header
// said (a GIF's first frame may be smaller than its screen).
func (h header) fits(b image.Rectangle) bool {
	return b.Dx() > 0 && b.Dy() > 0 && b.Dx() <= h.Width && b.Dy() <= h.Height
}
