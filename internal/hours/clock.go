package hours

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// FormatClock formats a clock time in NHS style: 12-hour, no leading zero,
// no ":00", e.g. 480 -> "8am", 1110 -> "6:30pm", 720 -> "12pm",
// 30 -> "12:30am", and 0 or 1440 -> "midnight". Values outside 0..1440 are
// reduced modulo a day.
func FormatClock(min int) string {
	if min != MinutesPerDay {
		min %= MinutesPerDay
		if min < 0 {
			min += MinutesPerDay
		}
	}
	if min == 0 || min == MinutesPerDay {
		return "midnight"
	}
	h, m := min/60, min%60
	suffix := "am"
	if h >= 12 {
		suffix = "pm"
	}
	h %= 12
	if h == 0 {
		h = 12
	}
	if m == 0 {
		return strconv.Itoa(h) + suffix
	}
	return fmt.Sprintf("%d:%02d%s", h, m, suffix)
}

// FormatSpan formats a span as "8am to 6:30pm".
func FormatSpan(s Span) string {
	return FormatClock(s.Open) + " to " + FormatClock(s.Close)
}

// FormatSpans formats a day's hours as "8am to 1pm, 2pm to 6:30pm", or
// "Closed" when there are none.
func FormatSpans(spans []Span) string {
	if len(spans) == 0 {
		return "Closed"
	}
	parts := make([]string, len(spans))
	for i, sp := range spans {
		parts[i] = FormatSpan(sp)
	}
	return strings.Join(parts, ", ")
}

// ParseClock parses a clock time into minutes after midnight. It accepts
// 24-hour times ("08:00", "8:00", "18:30", "0800", "24:00" = 1440), 12-hour
// times ("8am", "6:30pm", "6.30 p.m.", "12pm" = midday, "12am" = midnight),
// and the words "midnight" (0), "noon" and "midday" (720). Case and spaces
// are ignored. Note "midnight" parses as 0; as a closing time it means 1440,
// which ParseSpan handles.
func ParseClock(s string) (int, error) {
	m, err := parseClock(s)
	if err != nil {
		return 0, fmt.Errorf("hours: invalid time %q: %w", s, err)
	}
	return m, nil
}

func parseClock(s string) (int, error) {
	t := strings.ToLower(strings.Join(strings.Fields(s), ""))
	switch t {
	case "":
		return 0, errors.New("no time given")
	case "midnight", "12midnight":
		return 0, nil
	case "noon", "midday", "12noon":
		return 720, nil
	}
	t = strings.NewReplacer("a.m.", "am", "p.m.", "pm", ".", ":").Replace(t)
	suffix := ""
	if strings.HasSuffix(t, "am") || strings.HasSuffix(t, "pm") {
		suffix, t = t[len(t)-2:], t[:len(t)-2]
	}
	hs, ms, hasColon := strings.Cut(t, ":")
	if !hasColon && suffix == "" && len(t) == 4 { // "0830"
		hs, ms, hasColon = t[:2], t[2:], true
	}
	h, ok := digits(hs, 2)
	if !ok {
		return 0, errors.New("expected a time such as 8am, 6:30pm or 18:30")
	}
	m := 0
	if hasColon {
		if m, ok = digits(ms, 2); !ok || len(ms) != 2 {
			return 0, errors.New("minutes must be two digits, such as 8:05")
		}
		if m > 59 {
			return 0, errors.New("minutes must be 00 to 59")
		}
	}
	if suffix == "" {
		if !hasColon {
			return 0, errors.New("add am or pm, or use the 24-hour clock such as 18:30")
		}
		if h == 24 && m == 0 {
			return MinutesPerDay, nil
		}
		if h > 23 {
			return 0, errors.New("hour must be 0 to 23")
		}
		return h*60 + m, nil
	}
	if h < 1 || h > 12 {
		return 0, errors.New("with am or pm the hour must be 1 to 12")
	}
	h %= 12
	if suffix == "pm" {
		h += 12
	}
	return h*60 + m, nil
}

// digits parses 1 to maxLen ASCII digits.
func digits(s string, maxLen int) (int, bool) {
	if len(s) == 0 || len(s) > maxLen {
		return 0, false
	}
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// ParseSpan parses opening hours such as "8am to 6:30pm", "08:00-18:30" or
// "8am – midnight". A closing time of midnight means the end of the day.
func ParseSpan(s string) (Span, error) {
	var open, close string
	found := false
	for _, sep := range []string{" to ", "–", "—", "-"} {
		if open, close, found = strings.Cut(strings.ToLower(s), sep); found {
			break
		}
	}
	if !found {
		return Span{}, fmt.Errorf("hours: invalid opening hours %q: expected a range such as 8am to 6:30pm", s)
	}
	o, err := ParseClock(open)
	if err != nil {
		return Span{}, err
	}
	c, err := ParseClock(close)
	if err != nil {
		return Span{}, err
	}
	if c == 0 {
		c = MinutesPerDay
	}
	if o == MinutesPerDay {
		o = 0
	}
	sp := Span{o, c}
	if c <= o {
		return Span{}, fmt.Errorf("hours: invalid opening hours %q: closing time must be after opening time", s)
	}
	return sp, nil
}

// FormatInstant writes an instant in UK time as the sites do:
// "3 March 2026 at 9:30am", "24 December 2026 at midnight" (the midnight
// that starts that day).
func FormatInstant(t time.Time) string {
	l := t.In(london)
	return l.Format("2 January 2006") + " at " + FormatClock(l.Hour()*60+l.Minute())
}
