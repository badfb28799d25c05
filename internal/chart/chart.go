// Package chart draws small charts as accessible SVG on the server: no
// script, no style sheet, nothing fetched. A chart is an image with a
// title and a description (role="img", aria-labelledby); the page shows
// the same figures in a table beside it, which is what a screen reader
// user reads. Colours are the NHS identity's: NHS Blue bars on white,
// dark grey text and light grey grid lines.
package chart

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The NHS identity colours the chart uses.
const (
	ColourBar  = "#005eb8" // NHS Blue
	ColourText = "#212b32" // NHS Black (text)
	ColourAxis = "#4c6272" // NHS Dark Grey
	ColourGrid = "#d8dde0" // NHS Pale Grey
)

// The drawing's size in user units (the SVG scales to its container's
// width, keeping this aspect ratio) and its text size.
const (
	Width      = 720
	Height     = 320
	FontSize   = 15
	marginLeft = 64 // room for the value labels
	marginTop  = 16
	marginEnd  = 16
	marginBot  = 40 // room for the day labels
	// maxTicks is how many bar labels fit under the axis at FontSize.
	maxTicks = 10
)

// Bar is one bar: its value, the label under it when there is room
// (Tick, "7 Dec"), and its full label (Label, "Monday 7 December 2026"),
// the bar's tooltip.
type Bar struct {
	Label string
	Tick  string
	Value int64
}

// Bars is a bar chart. ID is unique on the page (the ids of its title
// and description are built from it); Title names the chart and Desc
// says what it shows, for those who cannot see it.
type Bars struct {
	ID    string
	Title string
	Desc  string
	Bars  []Bar
}

// Rect is a drawn bar: its place and size in user units.
type Rect struct {
	X, Y, W, H float64
	Bar        Bar
}

// Tick is a label on an axis at a position in user units. Anchor is
// how the text sits on the position ("middle", or "end" for a label that
// would run off the right edge).
type Tick struct {
	Pos    float64
	Text   string
	Anchor string
}

// textWidth is a generous estimate of a label's width in user units.
func textWidth(s string) float64 { return 0.6 * FontSize * float64(utf8.RuneCountInString(s)) }

// Layout is where everything goes: the plot area, the bars, the value
// lines (YTicks, from 0 up to Top) and the labels under the bars.
type Layout struct {
	PlotX, PlotY, PlotW, PlotH float64
	Top                        int64 // the value at the top of the plot
	Rects                      []Rect
	YTicks                     []Tick
	XTicks                     []Tick
}

// Layout works out the chart's geometry.
func (b Bars) Layout() Layout {
	l := Layout{PlotX: marginLeft, PlotY: marginTop, PlotW: Width - marginLeft - marginEnd, PlotH: Height - marginTop - marginBot}
	var most int64
	for _, bar := range b.Bars {
		most = max(most, bar.Value)
	}
	top, step := Scale(most)
	l.Top = top
	for v := int64(0); v <= top; v += step {
		l.YTicks = append(l.YTicks, Tick{Pos: l.PlotY + l.PlotH - l.PlotH*float64(v)/float64(top), Text: Thousands(v)})
	}
	n := len(b.Bars)
	if n == 0 {
		return l
	}
	slot := l.PlotW / float64(n)
	gap := slot * 0.2
	every := (n + maxTicks - 1) / maxTicks
	for i, bar := range b.Bars {
		h := l.PlotH * float64(max(bar.Value, 0)) / float64(top)
		x := l.PlotX + slot*float64(i)
		l.Rects = append(l.Rects, Rect{X: x + gap/2, Y: l.PlotY + l.PlotH - h, W: slot - gap, H: h, Bar: bar})
		// Label every few bars, counting from the last (today), so the
		// most recent day always has its label.
		if (n-1-i)%every == 0 && bar.Tick != "" {
			t := Tick{Pos: x + slot/2, Text: bar.Tick, Anchor: "middle"}
			if t.Pos+textWidth(t.Text)/2 > Width {
				t.Pos, t.Anchor = Width-2, "end"
			}
			l.XTicks = append(l.XTicks, t)
		}
	}
	return l
}

// Scale is the top of the value axis for a largest value of most, and the
// step between its lines: a round step (1, 2 or 5 times a power of ten)
// giving at most five steps; an empty chart runs from 0 to 4.
func Scale(most int64) (top, step int64) {
	if most <= 4 {
		return 4, 1
	}
	raw := (most + 4) / 5 // the step, unrounded, for five steps
	for mag := int64(1); ; mag *= 10 {
		for _, m := range []int64{1, 2, 5} {
			if m*mag >= raw {
				step = m * mag
				return (most + step - 1) / step * step, step
			}
		}
	}
}

// SVG is the chart as an inline SVG element, every text escaped.
func (b Bars) SVG() template.HTML {
	l := b.Layout()
	id := template.HTMLEscapeString(b.ID)
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s-title %s-desc" font-family="Frutiger W01, Arial, sans-serif" font-size="%d">`,
		Width, Height, id, id, FontSize)
	fmt.Fprintf(&s, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, template.HTMLEscapeString(b.Title), id, template.HTMLEscapeString(b.Desc))
	// Value lines and their labels.
	for _, t := range l.YTicks {
		fmt.Fprintf(&s, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`, num(l.PlotX), num(t.Pos), num(l.PlotX+l.PlotW), num(t.Pos), ColourGrid)
		fmt.Fprintf(&s, `<text x="%s" y="%s" text-anchor="end" dominant-baseline="middle" fill="%s">%s</text>`, num(l.PlotX-8), num(t.Pos), ColourText, template.HTMLEscapeString(t.Text))
	}
	for _, r := range l.Rects {
		if r.H <= 0 {
			continue
		}
		fmt.Fprintf(&s, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s: %s</title></rect>`,
			num(r.X), num(r.Y), num(r.W), num(r.H), ColourBar, template.HTMLEscapeString(r.Bar.Label), Thousands(r.Bar.Value))
	}
	// The axis, drawn over the bars' feet.
	base := l.PlotY + l.PlotH
	fmt.Fprintf(&s, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"/>`, num(l.PlotX), num(base), num(l.PlotX+l.PlotW), num(base), ColourAxis)
	for _, t := range l.XTicks {
		fmt.Fprintf(&s, `<text x="%s" y="%s" text-anchor="%s" fill="%s">%s</text>`, num(t.Pos), num(base+24), t.Anchor, ColourText, template.HTMLEscapeString(t.Text))
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String()) //nolint:gosec // built here, every text escaped above
}

// num writes a coordinate with at most two decimals.
func num(f float64) string {
	return strconv.FormatFloat(float64(int64(f*100+0.5))/100, 'f', -1, 64)
}

// Thousands writes n with commas between thousands: 12,345.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
