package chart

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestScale(t *testing.T) {
	for _, tt := range []struct {
		most, top, step int64
	}{
		{0, 4, 1},
		{3, 4, 1},
		{4, 4, 1},
		{5, 5, 1},
		{6, 6, 2},
		{9, 10, 2},
		{10, 10, 2},
		{11, 15, 5},
		{24, 25, 5},
		{26, 30, 10},
		{100, 100, 20},
		{101, 150, 50},
		{999, 1000, 200},
		{12345, 15000, 5000},
	} {
		top, step := Scale(tt.most)
		if top != tt.top || step != tt.step {
			t.Errorf("Scale(%d) = %d, %d; want %d, %d", tt.most, top, step, tt.top, tt.step)
		}
		if top < tt.most || top/step > 5 || top%step != 0 {
			t.Errorf("Scale(%d) = %d, %d: not a round axis holding the value in at most five steps", tt.most, top, step)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 12345: "12,345", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func days(n int) []Bar {
	bars := make([]Bar, n)
	for i := range bars {
		bars[i] = Bar{Label: fmt.Sprintf("day %d", i+1), Tick: fmt.Sprintf("%d Nov", i+1), Value: int64(i % 7 * 10)}
	}
	return bars
}

func TestLayoutGeometry(t *testing.T) {
	for _, tt := range []struct {
		name   string
		bars   []Bar
		xTicks int // labels under the axis
		last   string
	}{
		{"empty", nil, 0, ""},
		{"a week", days(7), 7, "7 Nov"},
		{"thirty days", days(30), 10, "30 Nov"},
		{"ninety days", days(90), 10, "90 Nov"},
		{"one day", []Bar{{Label: "today", Tick: "7 Dec", Value: 3}}, 1, "7 Dec"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := Bars{ID: "c", Bars: tt.bars}.Layout()
			if len(l.Rects) != len(tt.bars) {
				t.Fatalf("%d bars drawn, want %d", len(l.Rects), len(tt.bars))
			}
			if len(l.XTicks) != tt.xTicks {
				t.Errorf("%d day labels, want %d", len(l.XTicks), tt.xTicks)
			}
			if tt.last != "" && l.XTicks[len(l.XTicks)-1].Text != tt.last {
				t.Errorf("last day label %q, want %q (the latest day is always labelled)", l.XTicks[len(l.XTicks)-1].Text, tt.last)
			}
			for _, x := range l.XTicks {
				left, right := x.Pos-textWidth(x.Text)/2, x.Pos+textWidth(x.Text)/2
				if x.Anchor == "end" {
					left, right = x.Pos-textWidth(x.Text), x.Pos
				}
				if left < l.PlotX || right > Width {
					t.Errorf("day label %q (%s at %.1f) runs off the chart", x.Text, x.Anchor, x.Pos)
				}
			}
			for i := 1; i < len(l.XTicks); i++ {
				if l.XTicks[i].Pos-l.XTicks[i-1].Pos < 60 {
					t.Errorf("day labels %q and %q only %.1f apart: they would overlap", l.XTicks[i-1].Text, l.XTicks[i].Text, l.XTicks[i].Pos-l.XTicks[i-1].Pos)
				}
			}
			base := l.PlotY + l.PlotH
			for i, r := range l.Rects {
				if r.X < l.PlotX || r.X+r.W > l.PlotX+l.PlotW+1e-9 || r.W <= 0 {
					t.Errorf("bar %d (x %.2f, w %.2f) outside the plot", i, r.X, r.W)
				}
				if i > 0 && r.X <= l.Rects[i-1].X+l.Rects[i-1].W {
					t.Errorf("bar %d overlaps the one before", i)
				}
				if math.Abs(r.Y+r.H-base) > 1e-9 {
					t.Errorf("bar %d does not stand on the axis", i)
				}
				want := l.PlotH * float64(r.Bar.Value) / float64(l.Top)
				if math.Abs(r.H-want) > 1e-9 {
					t.Errorf("bar %d is %.2f high, want %.2f for %d of %d", i, r.H, want, r.Bar.Value, l.Top)
				}
			}
			if first, last := l.YTicks[0], l.YTicks[len(l.YTicks)-1]; first.Text != "0" || first.Pos != base || last.Pos != l.PlotY || last.Text != Thousands(l.Top) {
				t.Errorf("value axis from %+v to %+v: want 0 at the bottom and %d at the top", first, last, l.Top)
			}
		})
	}
}

func TestTallestBarReachesTheTop(t *testing.T) {
	l := Bars{Bars: []Bar{{Value: 50}, {Value: 100}}}.Layout()
	if l.Top != 100 || l.Rects[1].Y != l.PlotY || l.Rects[0].H*2 != l.Rects[1].H {
		t.Errorf("top %d, bars %+v", l.Top, l.Rects)
	}
}

// svgDoc is the parts of the SVG the tests read.
type svgDoc struct {
	XMLName    xml.Name `xml:"svg"`
	Role       string   `xml:"role,attr"`
	LabelledBy string   `xml:"aria-labelledby,attr"`
	Title      struct {
		ID   string `xml:"id,attr"`
		Text string `xml:",chardata"`
	} `xml:"title"`
	Desc struct {
		ID   string `xml:"id,attr"`
		Text string `xml:",chardata"`
	} `xml:"desc"`
	Rects []struct {
		Title string `xml:"title"`
	} `xml:"rect"`
	Texts []string `xml:"text"`
}

func TestSVGIsAnAccessibleImage(t *testing.T) {
	b := Bars{ID: "views", Title: "Page views per day", Desc: "From 1 to 3 December 2026", Bars: []Bar{
		{Label: "Tuesday 1 December 2026", Tick: "1 Dec", Value: 1200},
		{Label: "Wednesday 2 December 2026", Tick: "2 Dec", Value: 0},
		{Label: "Thursday 3 December 2026", Tick: "3 Dec", Value: 7},
	}}
	var doc svgDoc
	if err := xml.Unmarshal([]byte(b.SVG()), &doc); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, b.SVG())
	}
	if doc.Role != "img" || doc.LabelledBy != "views-title views-desc" || doc.Title.ID != "views-title" || doc.Desc.ID != "views-desc" {
		t.Errorf("role %q, labelled by %q, title id %q, desc id %q", doc.Role, doc.LabelledBy, doc.Title.ID, doc.Desc.ID)
	}
	if doc.Title.Text != "Page views per day" || doc.Desc.Text != "From 1 to 3 December 2026" {
		t.Errorf("title %q, desc %q", doc.Title.Text, doc.Desc.Text)
	}
	// A bar of nothing is not drawn; the others say what they are.
	want := []string{"Tuesday 1 December 2026: 1,200", "Thursday 3 December 2026: 7"}
	if len(doc.Rects) != len(want) {
		t.Fatalf("bars %+v, want %q", doc.Rects, want)
	}
	for i, r := range doc.Rects {
		if r.Title != want[i] {
			t.Errorf("bar %d title %q, want %q", i, r.Title, want[i])
		}
	}
	texts := strings.Join(doc.Texts, "|")
	for _, w := range []string{"0|", "1,500", "1 Dec|2 Dec|3 Dec"} {
		if !strings.Contains(texts, w) {
			t.Errorf("labels %q lack %q", texts, w)
		}
	}
	svg := string(b.SVG())
	for _, colour := range []string{ColourBar, ColourText, ColourGrid} {
		if !strings.Contains(svg, colour) {
			t.Errorf("the chart does not use %s", colour)
		}
	}
	if strings.Contains(svg, "style=") || strings.Contains(svg, "<script") {
		t.Error("the chart has inline style or script, which the CSP refuses")
	}
}

func TestSVGEscapesEveryText(t *testing.T) {
	evil := `<script>alert("x")</script>&"'`
	b := Bars{ID: `a"b`, Title: evil, Desc: evil, Bars: []Bar{{Label: evil, Tick: evil, Value: 3}}}
	svg := string(b.SVG())
	if strings.Contains(svg, "<script") || strings.Contains(svg, `a"b`) {
		t.Fatalf("unescaped text in the SVG:\n%s", svg)
	}
	var doc svgDoc
	if err := xml.Unmarshal([]byte(svg), &doc); err != nil {
		t.Fatalf("not well-formed XML: %v", err)
	}
	if doc.Title.Text != evil || doc.Desc.Text != evil || doc.Rects[0].Title != evil+": 3" || !strings.Contains(strings.Join(doc.Texts, ""), evil) {
		t.Errorf("the texts do not read back as given: %+v", doc)
	}
	// The whole drawing is one element.
	dec := xml.NewDecoder(strings.NewReader(svg))
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	if roots != 1 {
		t.Errorf("%d top-level elements, want the one svg", roots)
	}
}

// FuzzSVG: whatever the labels (counted paths and search terms come from
// visitors), the chart is one well-formed svg element whose texts read
// back as given.
func FuzzSVG(f *testing.F) {
	for _, s := range []string{"", "7 Dec", `<script>alert(1)</script>`, `"><svg onload=x>`, "&amp;", "]]>", "\x00\xff", "ünïcödé 🚑"} {
		f.Add(s, int64(5))
	}
	f.Fuzz(func(t *testing.T, label string, v int64) {
		if !utf8.ValidString(label) || strings.ContainsFunc(label, func(r rune) bool {
			return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF
		}) {
			t.Skip("not text XML can carry")
		}
		v = max(v, 0) % 1_000_000_000
		svg := string(Bars{ID: "c", Title: label, Desc: label, Bars: []Bar{{Label: label, Tick: label, Value: v}, {Value: 1}}}.SVG())
		var doc svgDoc
		if err := xml.Unmarshal([]byte(svg), &doc); err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		// XML (like HTML) reads every line ending as \n.
		want := strings.ReplaceAll(strings.ReplaceAll(label, "\r\n", "\n"), "\r", "\n")
		if doc.Role != "img" || doc.Title.Text != want {
			t.Fatalf("title %q, want %q", doc.Title.Text, want)
		}
		if strings.Contains(strings.ToLower(svg), "<script") || strings.Contains(svg, "<svg onload") {
			t.Fatalf("markup from a label:\n%s", svg)
		}
	})
}
