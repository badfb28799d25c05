package hours

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// ---- helpers ----------------------------------------------------------------

func utc(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

func hm(h, m int) int { return h*60 + m }

var (
	weekday  = []Span{{hm(8, 0), hm(18, 30)}}
	lunchDay = []Span{{hm(8, 0), hm(12, 30)}, {hm(13, 30), hm(18, 30)}}
)

// practice: Mon–Fri 8am to 6:30pm with a lunch closure on Wednesday, closed at
// weekends and on bank holidays, with two exceptions.
func practice() Schedule {
	var bh []Date
	for y := 2025; y <= 2027; y++ {
		bh = append(bh, EnglandBankHolidays(y)...)
	}
	return Schedule{
		Week: Week{
			time.Monday:    weekday,
			time.Tuesday:   weekday,
			time.Wednesday: lunchDay,
			time.Thursday:  weekday,
			time.Friday:    weekday,
		},
		Exceptions: []Exception{
			{From: Date{2026, 3, 12}, To: Date{2026, 3, 12}, Closed: true, Reason: "Staff training"},
			{From: Date{2026, 12, 24}, To: Date{2026, 12, 24}, Spans: []Span{{hm(8, 0), hm(13, 0)}}, Reason: "Christmas Eve"},
		},
		BankHolidays:         bh,
		ClosedOnBankHolidays: true,
	}
}

func everyDay(spans []Span) Week {
	var w Week
	for i := range w {
		w[i] = spans
	}
	return w
}

func sunday(spans []Span, rest Week) Schedule {
	rest[time.Sunday] = spans
	return Schedule{Week: rest}
}

// ---- StateAt ----------------------------------------------------------------

func TestStateAt(t *testing.T) {
	daily := Schedule{Week: everyDay(weekday)}
	mondayMorning := Schedule{Week: Week{time.Monday: {{hm(9, 0), hm(12, 0)}}}}
	allMondayHalfTuesday := Schedule{Week: Week{time.Monday: {{0, 1440}}, time.Tuesday: {{0, 720}}}}
	eveningMonday := Schedule{Week: Week{time.Monday: {{hm(18, 0), 1440}}, time.Wednesday: {{0, 60}}}}
	outOfHours := sunday([]Span{{0, hm(3, 0)}}, Week{})           // 00:00–03:00 on Sundays
	inGapPartly := sunday([]Span{{hm(1, 30), hm(2, 30)}}, Week{}) // 01:30–02:30
	inGapWholly := sunday([]Span{{hm(1, 15), hm(1, 45)}}, Week{time.Monday: weekday})
	repeated := sunday([]Span{{0, hm(1, 30)}}, Week{}) // 00:00–01:30
	futureOnly := Schedule{Exceptions: []Exception{{From: Date{2026, 3, 20}, To: Date{2026, 3, 20}, Spans: []Span{{hm(10, 0), hm(12, 0)}}, Reason: "Vaccination clinic"}}}

	tests := []struct {
		name     string
		s        Schedule
		at       time.Time
		open     bool
		until    time.Time // zero: none
		reason   string
		allDay   bool
		unknown  bool
		describe string
	}{
		{name: "open", s: practice(), at: utc(2026, 3, 9, 10, 0), open: true, until: utc(2026, 3, 9, 18, 30), describe: "Open now – closes at 6:30pm"},
		{name: "at opening minute", s: practice(), at: utc(2026, 3, 9, 8, 0), open: true, until: utc(2026, 3, 9, 18, 30)},
		{name: "before opening", s: practice(), at: utc(2026, 3, 9, 7, 59), until: utc(2026, 3, 9, 8, 0), describe: "Closed now – opens at 8am"},
		{name: "at closing minute", s: practice(), at: utc(2026, 3, 9, 18, 30), until: utc(2026, 3, 10, 8, 0), describe: "Closed now – opens at 8am tomorrow"},
		{name: "one ns before closing", s: practice(), at: utc(2026, 3, 9, 18, 30).Add(-1), open: true, until: utc(2026, 3, 9, 18, 30)},
		{name: "morning before lunch", s: practice(), at: utc(2026, 3, 11, 11, 0), open: true, until: utc(2026, 3, 11, 12, 30), describe: "Open now – closes at 12:30pm"},
		{name: "lunch closure", s: practice(), at: utc(2026, 3, 11, 12, 45), until: utc(2026, 3, 11, 13, 30), describe: "Closed now – opens at 1:30pm"},
		{name: "after closing Friday", s: practice(), at: utc(2026, 3, 13, 19, 0), until: utc(2026, 3, 16, 8, 0), describe: "Closed now – opens at 8am on Monday"},
		{name: "Saturday closed", s: practice(), at: utc(2026, 3, 14, 12, 0), until: utc(2026, 3, 16, 8, 0), describe: "Closed now – opens at 8am on Monday"},
		{name: "Sunday", s: practice(), at: utc(2026, 3, 15, 12, 0), until: utc(2026, 3, 16, 8, 0), describe: "Closed now – opens at 8am tomorrow"},
		{name: "late Sunday evening", s: practice(), at: utc(2026, 3, 15, 23, 59), until: utc(2026, 3, 16, 8, 0), describe: "Closed now – opens at 8am tomorrow"},
		{name: "bank holiday (Good Friday, BST) then Easter Monday", s: practice(), at: utc(2026, 4, 3, 9, 0), until: utc(2026, 4, 7, 7, 0),
			reason: "Good Friday", allDay: true, describe: "Closed today (Good Friday) – opens at 8am on Tuesday"},
		{name: "bank holiday hours kept when not closing", s: Schedule{Week: practice().Week, BankHolidays: EnglandBankHolidays(2026)}, at: utc(2026, 4, 6, 9, 0),
			open: true, until: utc(2026, 4, 6, 17, 30), describe: "Open now – closes at 6:30pm"},
		{name: "exception closed with reason", s: practice(), at: utc(2026, 3, 12, 10, 0), until: utc(2026, 3, 13, 8, 0),
			reason: "Staff training", allDay: true, describe: "Closed today (Staff training) – opens at 8am tomorrow"},
		{name: "day before exception", s: practice(), at: utc(2026, 3, 11, 17, 0), open: true, until: utc(2026, 3, 11, 18, 30)},
		{name: "after closing, exception tomorrow", s: practice(), at: utc(2026, 3, 11, 19, 0), until: utc(2026, 3, 13, 8, 0), describe: "Closed now – opens at 8am on Friday"},
		{name: "exception special hours, open", s: practice(), at: utc(2026, 12, 24, 10, 0), open: true, until: utc(2026, 12, 24, 13, 0),
			reason: "Christmas Eve", describe: "Open now (Christmas Eve) – closes at 1pm"},
		{name: "exception special hours, closed after; substitute bank holidays", s: practice(), at: utc(2026, 12, 24, 14, 0), until: utc(2026, 12, 29, 8, 0),
			reason: "Christmas Eve", describe: "Closed now (Christmas Eve) – opens at 8am on Tuesday"},
		{name: "Boxing Day substitute", s: practice(), at: utc(2026, 12, 28, 9, 0), until: utc(2026, 12, 29, 8, 0),
			reason: "Boxing Day (substitute day)", allDay: true, describe: "Closed today (Boxing Day (substitute day)) – opens at 8am tomorrow"},
		{name: "no hours at all", s: Schedule{}, at: utc(2026, 3, 9, 10, 0), unknown: true, describe: "Opening times not available"},
		{name: "empty Week with only closures", s: Schedule{Exceptions: []Exception{{From: Date{2026, 3, 9}, To: Date{2026, 3, 9}, Closed: true}}, ClosedOnBankHolidays: true, BankHolidays: EnglandBankHolidays(2026)},
			at: utc(2026, 3, 9, 10, 0), unknown: true, describe: "Opening times not available"},
		{name: "empty Week with only past special hours", s: futureOnly, at: utc(2026, 3, 21, 10, 0), unknown: true},
		{name: "empty Week with future special hours", s: futureOnly, at: utc(2026, 3, 18, 10, 0), until: utc(2026, 3, 20, 10, 0), describe: "Closed now – opens at 10am on Friday"},
		{name: "special hours beyond the horizon", s: futureOnly, at: utc(2026, 3, 1, 10, 0), describe: "Closed now"},
		{name: "next opening a week away", s: mondayMorning, at: utc(2026, 3, 9, 13, 0), until: utc(2026, 3, 16, 9, 0), describe: "Closed now – opens at 9am on Monday 16 March"},
		{name: "next opening six days away", s: mondayMorning, at: utc(2026, 3, 10, 13, 0), until: utc(2026, 3, 16, 9, 0), describe: "Closed now – opens at 9am on Monday"},
		{name: "open across midnight", s: allMondayHalfTuesday, at: utc(2026, 3, 9, 20, 0), open: true, until: utc(2026, 3, 10, 12, 0), describe: "Open now – closes at 12pm tomorrow"},
		{name: "closes at midnight", s: eveningMonday, at: utc(2026, 3, 9, 20, 0), open: true, until: utc(2026, 3, 10, 0, 0), describe: "Open now – closes at midnight tonight"},
		{name: "opens at midnight", s: eveningMonday, at: utc(2026, 3, 10, 9, 0), until: utc(2026, 3, 11, 0, 0), describe: "Closed now – opens at midnight tonight"},
		{name: "input in another zone", s: practice(), at: utc(2026, 3, 9, 10, 0).In(mustLoad("America/New_York")), open: true, until: utc(2026, 3, 9, 18, 30)},

		// Spring forward: Sunday 29 March 2026, 1am GMT -> 2am BST.
		{name: "spring: Saturday closes 18:30 GMT", s: daily, at: utc(2026, 3, 28, 12, 0), open: true, until: utc(2026, 3, 28, 18, 30)},
		{name: "spring: next opening across the change", s: daily, at: utc(2026, 3, 28, 20, 0), until: utc(2026, 3, 29, 7, 0), describe: "Closed now – opens at 8am tomorrow"},
		{name: "spring: change day closes 18:30 BST", s: daily, at: utc(2026, 3, 29, 11, 0), open: true, until: utc(2026, 3, 29, 17, 30), describe: "Open now – closes at 6:30pm"},
		{name: "spring: Monday closes 18:30 BST", s: daily, at: utc(2026, 3, 30, 11, 0), open: true, until: utc(2026, 3, 30, 17, 30)},
		{name: "spring: 00:00-03:00 opens at midnight GMT", s: outOfHours, at: utc(2026, 3, 28, 23, 0), until: utc(2026, 3, 29, 0, 0)},
		{name: "spring: 00:00-03:00 open before the jump", s: outOfHours, at: utc(2026, 3, 29, 0, 30), open: true, until: utc(2026, 3, 29, 2, 0), describe: "Open now – closes at 3am"},
		{name: "spring: 00:00-03:00 open just before the jump", s: outOfHours, at: utc(2026, 3, 29, 1, 0).Add(-1), open: true, until: utc(2026, 3, 29, 2, 0)},
		{name: "spring: 00:00-03:00 open at the jump", s: outOfHours, at: utc(2026, 3, 29, 1, 0), open: true, until: utc(2026, 3, 29, 2, 0)},
		{name: "spring: 01:30-02:30 opens when clocks jump", s: inGapPartly, at: utc(2026, 3, 29, 0, 30), until: utc(2026, 3, 29, 1, 0), describe: "Closed now – opens at 2am"},
		{name: "spring: 01:30-02:30 closes 02:30 BST", s: inGapPartly, at: utc(2026, 3, 29, 1, 0), open: true, until: utc(2026, 3, 29, 1, 30)},
		{name: "spring: span wholly in the missing hour never opens", s: inGapWholly, at: utc(2026, 3, 28, 23, 0), until: utc(2026, 3, 30, 7, 0), describe: "Closed now – opens at 8am on Monday"},

		// Fall back: Sunday 25 October 2026, 2am BST -> 1am GMT.
		{name: "autumn: Saturday closes 18:30 BST", s: daily, at: utc(2026, 10, 24, 11, 0), open: true, until: utc(2026, 10, 24, 17, 30)},
		{name: "autumn: next opening across the change", s: daily, at: utc(2026, 10, 24, 19, 0), until: utc(2026, 10, 25, 8, 0), describe: "Closed now – opens at 8am tomorrow"},
		{name: "autumn: change day closes 18:30 GMT", s: daily, at: utc(2026, 10, 25, 12, 0), open: true, until: utc(2026, 10, 25, 18, 30)},
		{name: "autumn: Monday closes 18:30 GMT", s: daily, at: utc(2026, 10, 26, 12, 0), open: true, until: utc(2026, 10, 26, 18, 30)},
		{name: "autumn: 00:00-03:00 lasts four hours", s: outOfHours, at: utc(2026, 10, 24, 23, 0), open: true, until: utc(2026, 10, 25, 3, 0), describe: "Open now – closes at 3am"},
		{name: "autumn: 00:00-01:30 first closing (BST)", s: repeated, at: utc(2026, 10, 24, 23, 30), open: true, until: utc(2026, 10, 25, 0, 30)},
		{name: "autumn: 00:00-01:30 reopens when clocks go back", s: repeated, at: utc(2026, 10, 25, 0, 30), until: utc(2026, 10, 25, 1, 0), describe: "Closed now – opens at 1am"},
		{name: "autumn: 00:00-01:30 second closing (GMT)", s: repeated, at: utc(2026, 10, 25, 1, 0), open: true, until: utc(2026, 10, 25, 1, 30)},
		{name: "autumn: 00:00-01:30 then next Sunday", s: repeated, at: utc(2026, 10, 25, 1, 30), until: utc(2026, 11, 1, 0, 0), describe: "Closed now – opens at midnight on Saturday night"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.s.StateAt(tt.at)
			if st.Known == tt.unknown {
				t.Fatalf("Known = %v, want %v", st.Known, !tt.unknown)
			}
			if st.Open != tt.open {
				t.Errorf("Open = %v, want %v", st.Open, tt.open)
			}
			if !st.Until.Equal(tt.until) {
				t.Errorf("Until = %v, want %v", st.Until, tt.until.In(london))
			}
			if !st.Until.IsZero() && st.Until.Location() != london {
				t.Errorf("Until location = %v, want Europe/London", st.Until.Location())
			}
			if st.Reason != tt.reason {
				t.Errorf("Reason = %q, want %q", st.Reason, tt.reason)
			}
			if st.ClosedAllDay != tt.allDay {
				t.Errorf("ClosedAllDay = %v, want %v", st.ClosedAllDay, tt.allDay)
			}
			if got := tt.s.NextChange(tt.at); !got.Equal(st.Until) {
				t.Errorf("NextChange = %v, want %v", got, st.Until)
			}
			if tt.describe != "" {
				if got := st.Describe(tt.at); got != tt.describe {
					t.Errorf("Describe = %q, want %q", got, tt.describe)
				}
			}
			checkUntil(t, tt.s, tt.at, st)
		})
	}
}

// checkUntil asserts the contract of State.Until.
func checkUntil(t *testing.T, s Schedule, at time.Time, st State) {
	t.Helper()
	if !st.Known {
		if st.Open || !st.Until.IsZero() {
			t.Fatalf("unknown state %+v should be closed with zero Until", st)
		}
		return
	}
	if st.Until.IsZero() {
		return
	}
	if !st.Until.After(at) || st.Until.After(at.Add(Horizon)) {
		t.Fatalf("Until %v not in (t, t+Horizon] for t=%v", st.Until, at)
	}
	if got := s.StateAt(st.Until.Add(-1)).Open; got != st.Open {
		t.Fatalf("StateAt(Until-1ns).Open = %v, want %v (t=%v Until=%v)", got, st.Open, at, st.Until)
	}
	if got := s.StateAt(st.Until).Open; got == st.Open {
		t.Fatalf("StateAt(Until).Open = %v, want a change (t=%v Until=%v)", got, at, st.Until)
	}
}

// TestNextChangeBruteForce compares NextChange with a minute-by-minute scan
// over weeks containing both 2026 clock changes and an ordinary week.
func TestNextChangeBruteForce(t *testing.T) {
	schedules := map[string]Schedule{
		"practice":       practice(),
		"daily":          {Week: everyDay(weekday)},
		"out of hours":   {Week: everyDay([]Span{{0, hm(3, 0)}, {hm(18, 30), 1440}})},
		"night gap":      {Week: everyDay([]Span{{hm(1, 30), hm(2, 30)}, {hm(8, 0), hm(8, 1)}})},
		"repeated hour":  {Week: everyDay([]Span{{0, hm(1, 30)}, {hm(1, 45), hm(2, 0)}})},
		"always open":    {Week: everyDay([]Span{{0, 1440}})},
		"touching spans": {Week: everyDay([]Span{{hm(8, 0), hm(12, 0)}, {hm(12, 0), hm(13, 0)}})},
	}
	windows := []time.Time{utc(2026, 3, 25, 0, 0), utc(2026, 10, 21, 0, 0), utc(2026, 12, 20, 0, 0)}
	const checkDays = 7
	for name, s := range schedules {
		for _, start := range windows {
			n := (checkDays + 15) * 24 * 60
			open := make([]bool, n)
			for i := range open {
				open[i] = s.openAt(start.Add(time.Duration(i) * time.Minute))
			}
			next := make([]int, n) // index of the next change after i, or -1
			next[n-1] = -1
			for i := n - 2; i >= 0; i-- {
				if open[i+1] != open[i] {
					next[i] = i + 1
				} else {
					next[i] = next[i+1]
				}
			}
			for i := 0; i < checkDays*24*60; i++ {
				at := start.Add(time.Duration(i) * time.Minute)
				want := time.Time{}
				if next[i] >= 0 && next[i]-i <= 14*24*60 {
					want = start.Add(time.Duration(next[i]) * time.Minute)
				}
				for _, t0 := range []time.Time{at, at.Add(30 * time.Second)} {
					st := s.StateAt(t0)
					if st.Open != open[i] || !st.Until.Equal(want) {
						t.Fatalf("%s at %v: got open=%v until=%v, want open=%v until=%v", name, t0.In(london), st.Open, st.Until, open[i], want.In(london))
					}
				}
			}
		}
	}
}

func TestExpires(t *testing.T) {
	s := practice()
	tests := []struct {
		at, want time.Time
	}{
		{utc(2026, 3, 9, 10, 0), utc(2026, 3, 9, 18, 30)},    // open: until closing
		{utc(2026, 3, 9, 20, 0), utc(2026, 3, 10, 0, 0)},     // "tomorrow" becomes today at midnight
		{utc(2026, 3, 10, 2, 0), utc(2026, 3, 10, 8, 0)},     // opening before midnight
		{utc(2026, 7, 1, 20, 0), utc(2026, 7, 1, 23, 0)},     // BST midnight
		{utc(2026, 3, 28, 12, 0), utc(2026, 3, 29, 0, 0)},    // midnight before spring change
		{utc(2026, 10, 24, 12, 0), utc(2026, 10, 24, 23, 0)}, // midnight before autumn change (BST)
	}
	for _, tt := range tests {
		st := s.StateAt(tt.at)
		if got := st.Expires(tt.at); !got.Equal(tt.want) {
			t.Errorf("Expires(%v) = %v, want %v", tt.at, got, tt.want.In(london))
		}
		text, exp := s.Status(tt.at)
		if text != st.Describe(tt.at) || !exp.Equal(tt.want) {
			t.Errorf("Status(%v) = %q, %v", tt.at, text, exp)
		}
		// The text must not change before it expires.
		if got := s.StateAt(tt.want.Add(-1)).Describe(tt.want.Add(-1)); got != text {
			t.Errorf("text changed before expiry: %q then %q", text, got)
		}
	}
	if got := (State{}).Expires(utc(2026, 3, 9, 10, 0)); !got.Equal(utc(2026, 3, 10, 0, 0)) {
		t.Errorf("unknown Expires = %v", got)
	}
}

// ---- Day --------------------------------------------------------------------

func TestDay(t *testing.T) {
	s := practice()
	s.Exceptions = append(s.Exceptions, Exception{From: Date{2026, 12, 25}, To: Date{2026, 12, 25}, Spans: []Span{{hm(10, 0), hm(12, 0)}}, Reason: "Christmas clinic"})
	tests := []struct {
		d      Date
		spans  []Span
		reason string // "" means no exception
	}{
		{Date{2026, 3, 9}, weekday, ""},
		{Date{2026, 3, 11}, lunchDay, ""},
		{Date{2026, 3, 14}, nil, ""},
		{Date{2026, 3, 12}, nil, "Staff training"},
		{Date{2026, 4, 3}, nil, "Good Friday"},
		{Date{2026, 12, 24}, []Span{{hm(8, 0), hm(13, 0)}}, "Christmas Eve"},
		{Date{2026, 12, 25}, []Span{{hm(10, 0), hm(12, 0)}}, "Christmas clinic"}, // exception beats bank holiday
		{Date{2026, 12, 28}, nil, "Boxing Day (substitute day)"},
	}
	for _, tt := range tests {
		spans, e := s.Day(tt.d)
		if !slices.Equal(spans, tt.spans) {
			t.Errorf("Day(%v) spans = %v, want %v", tt.d, spans, tt.spans)
		}
		switch {
		case tt.reason == "" && e != nil:
			t.Errorf("Day(%v) exception = %+v, want nil", tt.d, e)
		case tt.reason != "" && (e == nil || e.Reason != tt.reason):
			t.Errorf("Day(%v) exception = %+v, want reason %q", tt.d, e, tt.reason)
		}
	}
	// Results are copies.
	spans, e := s.Day(Date{2026, 12, 24})
	spans[0].Open = 0
	e.Spans[0].Close = 0
	e.Reason = "changed"
	if s.Exceptions[1].Spans[0] != (Span{hm(8, 0), hm(13, 0)}) || s.Exceptions[1].Reason != "Christmas Eve" {
		t.Errorf("Day result aliases the schedule: %+v", s.Exceptions[1])
	}
	spans, _ = s.Day(Date{2026, 3, 9})
	spans[0].Open = 0
	if s.Week[time.Monday][0].Open != hm(8, 0) {
		t.Error("Day result aliases the Week")
	}
}

// ---- Clock formatting and parsing -------------------------------------------

func TestFormatClock(t *testing.T) {
	tests := map[int]string{
		0: "midnight", 1440: "midnight", 1: "12:01am", 30: "12:30am", 60: "1am", 480: "8am", 485: "8:05am",
		719: "11:59am", 720: "12pm", 750: "12:30pm", 780: "1pm", 1110: "6:30pm", 1439: "11:59pm",
		-60: "11pm", 1500: "1am",
	}
	for m, want := range tests {
		if got := FormatClock(m); got != want {
			t.Errorf("FormatClock(%d) = %q, want %q", m, got, want)
		}
	}
	if got := FormatSpan(Span{480, 1110}); got != "8am to 6:30pm" {
		t.Errorf("FormatSpan = %q", got)
	}
	if got := FormatSpans(lunchDay); got != "8am to 12:30pm, 1:30pm to 6:30pm" {
		t.Errorf("FormatSpans = %q", got)
	}
	if got := FormatSpans(nil); got != "Closed" {
		t.Errorf("FormatSpans(nil) = %q", got)
	}
}

func TestParseClock(t *testing.T) {
	good := map[string]int{
		"08:00": 480, "8:00": 480, "18:30": 1110, "0:00": 0, "00:00": 0, "23:59": 1439, "24:00": 1440, "0830": 510, "1830": 1110,
		"8am": 480, "8 AM": 480, "6:30pm": 1110, "6.30pm": 1110, "6:30 p.m.": 1110, "12pm": 720, "12am": 0, "12:30am": 30, "12:15pm": 735,
		"midnight": 0, "Midnight": 0, "noon": 720, "midday": 720, " 8am ": 480,
	}
	for in, want := range good {
		got, err := ParseClock(in)
		if err != nil || got != want {
			t.Errorf("ParseClock(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":       "no time given",
		"8":      "add am or pm",
		"25:00":  "hour must be 0 to 23",
		"24:30":  "hour must be 0 to 23",
		"8:60":   "minutes must be 00 to 59",
		"8:5":    "two digits",
		"13pm":   "hour must be 1 to 12",
		"0am":    "hour must be 1 to 12",
		"eight":  "expected a time",
		"+8:00":  "expected a time",
		"-1:00":  "expected a time",
		"8:00xm": "two digits",
		"am":     "expected a time",
	}
	for in, want := range bad {
		_, err := ParseClock(in)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "hours: invalid time") {
			t.Errorf("ParseClock(%q) error = %v, want one containing %q", in, err, want)
		}
	}
}

func TestClockRoundTrip(t *testing.T) {
	for m := 0; m <= 1440; m++ {
		got, err := ParseClock(FormatClock(m))
		if err != nil || got != m%1440 {
			t.Fatalf("ParseClock(FormatClock(%d)) = %d, %v", m, got, err)
		}
		h := []byte{byte('0' + m/600), byte('0' + m/60%10), ':', byte('0' + m%60/10), byte('0' + m%10)}
		if got, err := ParseClock(string(h)); err != nil || got != m {
			t.Fatalf("ParseClock(%q) = %d, %v", h, got, err)
		}
	}
}

func TestParseSpan(t *testing.T) {
	good := map[string]Span{
		"8am to 6:30pm":        {480, 1110},
		"08:00-18:30":          {480, 1110},
		"8am – 6:30pm":         {480, 1110},
		"6pm to midnight":      {1080, 1440},
		"midnight to 3am":      {0, 180},
		"midnight to midnight": {0, 1440},
		"00:00-24:00":          {0, 1440},
	}
	for in, want := range good {
		got, err := ParseSpan(in)
		if err != nil || got != want {
			t.Errorf("ParseSpan(%q) = %v, %v; want %v", in, got, err, want)
		}
		if back, err := ParseSpan(FormatSpan(got)); err != nil || back != got {
			t.Errorf("ParseSpan(FormatSpan(%v)) = %v, %v", got, back, err)
		}
	}
	for _, in := range []string{"8am", "6pm to 8am", "8am to 8am", "8am to 25:00"} {
		if _, err := ParseSpan(in); err == nil {
			t.Errorf("ParseSpan(%q) succeeded", in)
		}
	}
}

// ---- Describe ---------------------------------------------------------------

func TestDescribe(t *testing.T) {
	now := utc(2026, 12, 18, 19, 0) // Friday 18 December 2026, GMT
	tests := []struct {
		st   State
		want string
	}{
		{State{}, "Opening times not available"},
		{State{Known: true}, "Closed now"},
		{State{Known: true, Open: true}, "Open now"},
		{State{Known: true, Open: true, Until: utc(2026, 12, 18, 20, 0)}, "Open now – closes at 8pm"},
		{State{Known: true, Until: utc(2026, 12, 19, 8, 0)}, "Closed now – opens at 8am tomorrow"},
		{State{Known: true, Until: utc(2026, 12, 20, 9, 15)}, "Closed now – opens at 9:15am on Sunday"},
		{State{Known: true, Until: utc(2026, 12, 24, 8, 0)}, "Closed now – opens at 8am on Thursday"},
		{State{Known: true, Until: utc(2026, 12, 25, 8, 0)}, "Closed now – opens at 8am on Friday 25 December"},
		{State{Known: true, Until: utc(2027, 1, 1, 12, 0)}, "Closed now – opens at 12pm on Friday 1 January"},
		{State{Known: true, Open: true, Until: utc(2026, 12, 19, 0, 0)}, "Open now – closes at midnight tonight"},
		{State{Known: true, Until: utc(2026, 12, 21, 0, 0)}, "Closed now – opens at midnight on Sunday night"},
		{State{Known: true, Until: utc(2026, 12, 20, 0, 0)}, "Closed now – opens at midnight tomorrow night"},
		{State{Known: true, Until: utc(2026, 12, 25, 0, 0)}, "Closed now – opens at midnight on Thursday night"},
		{State{Known: true, Until: utc(2026, 12, 26, 0, 0)}, "Closed now – opens at midnight on the night of Friday 25 December"},
		{State{Known: true, Reason: "Staff training", ClosedAllDay: true, Until: utc(2026, 12, 21, 8, 0)}, "Closed today (Staff training) – opens at 8am on Monday"},
		{State{Known: true, Reason: "Refurbishment", ClosedAllDay: true}, "Closed today (Refurbishment)"},
		{State{Known: true, Open: true, Reason: "Christmas Eve", Until: utc(2026, 12, 18, 20, 0)}, "Open now (Christmas Eve) – closes at 8pm"},
	}
	for _, tt := range tests {
		if got := tt.st.Describe(now); got != tt.want {
			t.Errorf("Describe(%+v) = %q, want %q", tt.st, got, tt.want)
		}
		// A page showing the Headline as a tag follows it with the Detail:
		// together they say what Describe says, once.
		head, detail := tt.st.Headline(), tt.st.Detail(now)
		if joined := strings.TrimSpace(head + " " + detail); joined != tt.want || strings.Contains(detail, head) {
			t.Errorf("Headline %q + Detail %q, want %q", head, detail, tt.want)
		}
	}
	// In summer the day boundary is midnight BST (23:00 UTC).
	st := State{Known: true, Until: utc(2026, 7, 2, 7, 0)} // 8am BST Thursday
	if got, want := st.Describe(utc(2026, 7, 1, 22, 30)), "Closed now – opens at 8am tomorrow"; got != want {
		t.Errorf("BST Describe = %q, want %q", got, want)
	}
	if got, want := st.Describe(utc(2026, 7, 1, 23, 30)), "Closed now – opens at 8am"; got != want {
		t.Errorf("BST after midnight Describe = %q, want %q", got, want)
	}
}

// ---- Changes ----------------------------------------------------------------

// TestChanges: the changes a practice page lists include the bank holidays
// the practice closes for (the Boxing Day substitute among them), not only
// the exceptions the manager entered.
func TestChanges(t *testing.T) {
	s := practice()
	s.Exceptions = append(s.Exceptions, Exception{From: Date{2027, 1, 1}, To: Date{2027, 1, 1}, Closed: true, Reason: "New Year"})
	var got []string
	for _, e := range s.Changes(Date{2026, 12, 1}, Date{2027, 1, 31}) {
		got = append(got, e.From.String()+" "+e.Reason)
	}
	want := []string{
		"2026-12-24 Christmas Eve",
		"2026-12-25 Christmas Day",
		"2026-12-28 Boxing Day (substitute day)",
		"2027-01-01 New Year", // the exception, not the holiday as well
	}
	if !slices.Equal(got, want) {
		t.Errorf("Changes = %q, want %q", got, want)
	}
	// Only within the dates asked for; none when the practice opens on
	// bank holidays; none on a day it is closed anyway.
	if c := s.Changes(Date{2026, 12, 26}, Date{2026, 12, 27}); len(c) != 0 {
		t.Errorf("the weekend after Christmas: %+v", c)
	}
	open := practice()
	open.ClosedOnBankHolidays = false
	if c := open.Changes(Date{2026, 12, 25}, Date{2026, 12, 28}); len(c) != 0 {
		t.Errorf("open on bank holidays: %+v", c)
	}
	weekends := Schedule{Week: Week{time.Saturday: weekday}, BankHolidays: EnglandBankHolidays(2026), ClosedOnBankHolidays: true}
	if c := weekends.Changes(Date{2026, 12, 1}, Date{2026, 12, 31}); len(c) != 0 {
		t.Errorf("a Saturday-only practice: %+v", c)
	}
	// Each holiday comes with its one-day closure, as Day reports it.
	for _, e := range s.Changes(Date{2026, 12, 25}, Date{2026, 12, 28}) {
		if _, day := s.Day(e.From); day == nil || day.Reason != e.Reason || !e.Closed {
			t.Errorf("%s: Changes says %+v, Day says %+v", e.From, e, day)
		}
	}
}

// ---- Validate ---------------------------------------------------------------

func TestValidate(t *testing.T) {
	if err := practice().Validate(); err != nil {
		t.Fatalf("valid schedule: %v", err)
	}
	if err := (Schedule{}).Validate(); err != nil {
		t.Fatalf("empty schedule: %v", err)
	}
	if err := (Schedule{Week: everyDay([]Span{{0, 1440}})}).Validate(); err != nil {
		t.Fatalf("24 hours: %v", err)
	}
	if err := (Schedule{Week: everyDay([]Span{{480, 720}, {720, 1110}})}).Validate(); err != nil {
		t.Fatalf("touching spans: %v", err)
	}
	ex := func(from, to Date, closed bool, spans ...Span) Schedule {
		return Schedule{Exceptions: []Exception{{From: from, To: to, Closed: closed, Spans: spans, Reason: "Staff training"}}}
	}
	tests := []struct {
		name string
		s    Schedule
		want string
	}{
		{"close before open", Schedule{Week: Week{time.Monday: {{1080, 480}}}}, "Monday: closing time must be after opening time (6pm to 8am)"},
		{"close equals open", Schedule{Week: Week{time.Tuesday: {{480, 480}}}}, "Tuesday: closing time must be after opening time"},
		{"open out of range", Schedule{Week: Week{time.Wednesday: {{-10, 480}}}}, "Wednesday: opening time must be from midnight to 11:59pm"},
		{"open at 1440", Schedule{Week: Week{time.Wednesday: {{1440, 1440}}}}, "Wednesday: opening time must be from midnight to 11:59pm"},
		{"close out of range", Schedule{Week: Week{time.Thursday: {{480, 1500}}}}, "Thursday: closing time must be from 12:01am to midnight"},
		{"overlap", Schedule{Week: Week{time.Friday: {{480, 780}, {720, 1110}}}}, "Friday: opening hours overlap (8am to 1pm and 12pm to 6:30pm)"},
		{"unsorted", Schedule{Week: Week{time.Saturday: {{840, 1110}, {480, 720}}}}, "Saturday: opening hours must be in time order"},
		{"Sunday", Schedule{Week: Week{time.Sunday: {{600, 540}}}}, "Sunday: closing time"},
		{"exception backwards", ex(Date{2026, 3, 12}, Date{2026, 3, 10}, true), "Thursday 12 March 2026 to Tuesday 10 March 2026 (Staff training): end date must not be before start date"},
		{"exception invalid date", ex(Date{2026, 2, 30}, Date{2026, 3, 1}, true), "Exception 1: dates must be real dates (got 2026-02-30 to 2026-03-01)"},
		{"exception bad span", ex(Date{2026, 3, 10}, Date{2026, 3, 10}, false, Span{600, 540}), "Tuesday 10 March 2026 (Staff training): closing time must be after opening time (10am to 9am)"},
		{"exception closed with spans", ex(Date{2026, 3, 10}, Date{2026, 3, 10}, true, Span{540, 600}), "closed all day but also has opening hours"},
		{"exception open without spans", ex(Date{2026, 3, 10}, Date{2026, 3, 10}, false), "no opening hours given"},
		{"exceptions overlap", Schedule{Exceptions: []Exception{
			{From: Date{2026, 12, 24}, To: Date{2026, 12, 27}, Closed: true, Reason: "Christmas"},
			{From: Date{2026, 12, 27}, To: Date{2026, 12, 27}, Closed: true, Reason: "Other"},
		}}, "Sunday 27 December 2026 (Other): overlaps another exception (Thursday 24 December 2026 to Sunday 27 December 2026 (Christmas))"},
		{"bank holiday invalid", Schedule{BankHolidays: []Date{{2026, 13, 1}}}, "Bank holidays: 2026-13-01 is not a real date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want error containing %q", err, tt.want)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Where == "" {
				t.Fatalf("error %v is not a *ValidationError", err)
			}
		})
	}
	// Several problems are all reported, Monday first.
	err := Schedule{Week: Week{time.Sunday: {{600, 540}}, time.Monday: {{600, 540}}}}.Validate()
	if err == nil || !strings.HasPrefix(err.Error(), "Monday:") || !strings.Contains(err.Error(), "\nSunday:") {
		t.Fatalf("multiple errors = %v", err)
	}
}

// ---- Dates and bank holidays -------------------------------------------------

func TestDate(t *testing.T) {
	d := Date{2026, 12, 31}
	if got := d.AddDays(1); got != (Date{2027, 1, 1}) {
		t.Errorf("AddDays = %v", got)
	}
	if got := (Date{2026, 3, 1}).AddDays(-1); got != (Date{2026, 2, 28}) {
		t.Errorf("AddDays(-1) = %v", got)
	}
	if n := (Date{2026, 3, 28}).DaysUntil(Date{2026, 3, 30}); n != 2 {
		t.Errorf("DaysUntil across clock change = %d", n)
	}
	if !(Date{2024, 2, 29}).IsValid() || (Date{2026, 2, 29}).IsValid() || (Date{}).IsValid() || (Date{2026, 0, 1}).IsValid() {
		t.Error("IsValid wrong")
	}
	if got := d.String(); got != "2026-12-31" {
		t.Errorf("String = %q", got)
	}
	if got := d.Long(); got != "Thursday 31 December 2026" {
		t.Errorf("Long = %q", got)
	}
	if p, err := ParseDate("2026-03-29"); err != nil || p != (Date{2026, 3, 29}) {
		t.Errorf("ParseDate = %v, %v", p, err)
	}
	if _, err := ParseDate("29/03/2026"); err == nil {
		t.Error("ParseDate accepted 29/03/2026")
	}
	if got := DateOf(utc(2026, 7, 1, 23, 30)); got != (Date{2026, 7, 2}) {
		t.Errorf("DateOf BST = %v", got)
	}
	if !(Date{2026, 3, 29}).Start().Equal(utc(2026, 3, 29, 0, 0)) || !(Date{2026, 3, 30}).Start().Equal(utc(2026, 3, 29, 23, 0)) {
		t.Error("Start wrong")
	}
	at := map[time.Time]time.Time{
		(Date{2026, 3, 29}).At(hm(0, 30)):  utc(2026, 3, 29, 0, 30),
		(Date{2026, 3, 29}).At(hm(1, 30)):  utc(2026, 3, 29, 1, 0), // skipped: the moment clocks jumped
		(Date{2026, 3, 29}).At(hm(2, 30)):  utc(2026, 3, 29, 1, 30),
		(Date{2026, 10, 25}).At(hm(1, 30)): utc(2026, 10, 25, 0, 30), // repeated: the first
		(Date{2026, 10, 25}).At(hm(2, 30)): utc(2026, 10, 25, 2, 30),
		(Date{2026, 10, 25}).At(1440):      utc(2026, 10, 26, 0, 0),
		(Date{2026, 7, 1}).At(hm(8, 0)):    utc(2026, 7, 1, 7, 0),
	}
	for got, want := range at {
		if !got.Equal(want) {
			t.Errorf("At = %v, want %v", got, want)
		}
	}
}

func TestEnglandBankHolidays(t *testing.T) {
	tests := map[int][]Date{
		2020: {{2020, 1, 1}, {2020, 4, 10}, {2020, 4, 13}, {2020, 5, 8}, {2020, 5, 25}, {2020, 8, 31}, {2020, 12, 25}, {2020, 12, 28}},
		2021: {{2021, 1, 1}, {2021, 4, 2}, {2021, 4, 5}, {2021, 5, 3}, {2021, 5, 31}, {2021, 8, 30}, {2021, 12, 27}, {2021, 12, 28}},
		2022: {{2022, 1, 3}, {2022, 4, 15}, {2022, 4, 18}, {2022, 5, 2}, {2022, 6, 2}, {2022, 6, 3}, {2022, 8, 29}, {2022, 9, 19}, {2022, 12, 26}, {2022, 12, 27}},
		2023: {{2023, 1, 2}, {2023, 4, 7}, {2023, 4, 10}, {2023, 5, 1}, {2023, 5, 8}, {2023, 5, 29}, {2023, 8, 28}, {2023, 12, 25}, {2023, 12, 26}},
		2024: {{2024, 1, 1}, {2024, 3, 29}, {2024, 4, 1}, {2024, 5, 6}, {2024, 5, 27}, {2024, 8, 26}, {2024, 12, 25}, {2024, 12, 26}},
		2025: {{2025, 1, 1}, {2025, 4, 18}, {2025, 4, 21}, {2025, 5, 5}, {2025, 5, 26}, {2025, 8, 25}, {2025, 12, 25}, {2025, 12, 26}},
		2026: {{2026, 1, 1}, {2026, 4, 3}, {2026, 4, 6}, {2026, 5, 4}, {2026, 5, 25}, {2026, 8, 31}, {2026, 12, 25}, {2026, 12, 28}},
		2027: {{2027, 1, 1}, {2027, 3, 26}, {2027, 3, 29}, {2027, 5, 3}, {2027, 5, 31}, {2027, 8, 30}, {2027, 12, 27}, {2027, 12, 28}},
		2028: {{2028, 1, 3}, {2028, 4, 14}, {2028, 4, 17}, {2028, 5, 1}, {2028, 5, 29}, {2028, 8, 28}, {2028, 12, 25}, {2028, 12, 26}},
	}
	for y, want := range tests {
		if got := EnglandBankHolidays(y); !slices.Equal(got, want) {
			t.Errorf("EnglandBankHolidays(%d) =\n %v, want\n %v", y, got, want)
		}
	}
	named := EnglandBankHolidaysNamed(2026)
	if named[7].Name != "Boxing Day (substitute day)" || named[1].Name != "Good Friday" {
		t.Errorf("names: %+v", named)
	}
	easter := map[int]Date{2024: {2024, 3, 31}, 2025: {2025, 4, 20}, 2026: {2026, 4, 5}, 2027: {2027, 3, 28}, 2038: {2038, 4, 25}, 2285: {2285, 3, 22}}
	for y, want := range easter {
		if got := EasterSunday(y); got != want {
			t.Errorf("EasterSunday(%d) = %v, want %v", y, got, want)
		}
	}
	for y := 1978; y <= 2100; y++ {
		hs := EnglandBankHolidays(y)
		for i, d := range hs {
			if !d.IsValid() || d.Y != y || d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || (i > 0 && !hs[i-1].Before(d)) {
				t.Fatalf("%d: bad holiday list %v", y, hs)
			}
		}
	}
}

// ---- Fuzz -------------------------------------------------------------------

func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"08:00", "8:00", "18:30", "8am", "6:30pm", "12pm", "12am", "midnight", "noon", "24:00", "0830", "6.30 p.m.", "", "25:00", "8:5", "am", "99999999999999999999:00", "8am to 6pm"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseSpan(s)
		m, err := ParseClock(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "hours: invalid time") {
				t.Fatalf("error without context: %v", err)
			}
			return
		}
		if m < 0 || m > 1440 {
			t.Fatalf("ParseClock(%q) = %d, out of range", s, m)
		}
		out := FormatClock(m)
		back, err := ParseClock(out)
		if err != nil || back != m%1440 {
			t.Fatalf("ParseClock(%q) = %d; FormatClock = %q; parses back as %d, %v", s, m, out, back, err)
		}
	})
}

// fuzzBytes reads a stream of bytes, yielding zeros once exhausted.
type fuzzBytes []byte

func (b *fuzzBytes) next() int {
	if len(*b) == 0 {
		return 0
	}
	v := (*b)[0]
	*b = (*b)[1:]
	return int(v)
}

func (b *fuzzBytes) span() Span {
	open := (b.next()<<8|b.next())%1700 - 100
	return Span{open, open + b.next()*8 - 120}
}

func scheduleFromBytes(data []byte) Schedule {
	b := fuzzBytes(data)
	var s Schedule
	for wd := range s.Week {
		for range b.next() % 4 {
			s.Week[wd] = append(s.Week[wd], b.span())
		}
	}
	base := Date{2026, 3, 1}
	for range b.next() % 4 {
		e := Exception{From: base.AddDays(b.next() + b.next()), Closed: b.next()%2 == 0, Reason: "Reason"}
		e.To = e.From.AddDays(b.next()%6 - 1)
		for range b.next() % 3 {
			e.Spans = append(e.Spans, b.span())
		}
		s.Exceptions = append(s.Exceptions, e)
	}
	flags := b.next()
	if flags&1 != 0 {
		s.BankHolidays = append(EnglandBankHolidays(2026), EnglandBankHolidays(2027)...)
	}
	s.ClosedOnBankHolidays = flags&2 != 0
	return s
}

func FuzzStateAt(f *testing.F) {
	base := utc(2026, 3, 1, 0, 0)
	seed := func(at time.Time, data ...byte) { f.Add(data, int64(at.Sub(base)/time.Second)) }
	seed(utc(2026, 3, 29, 0, 30), 1, 0, 0, 20) // Sunday 00:00–03:00ish
	seed(utc(2026, 10, 24, 23, 30), 1, 0, 0, 10)
	seed(utc(2026, 3, 28, 23, 0), 1, 0, 90, 20, 1, 1, 224, 60, 1, 1, 224, 60)
	seed(utc(2026, 10, 25, 0, 59), 2, 0, 0, 15, 0, 90, 20, 0, 0, 0, 0, 0, 1, 8, 0, 1, 0, 3)
	seed(utc(2026, 12, 24, 12, 0), 0, 1, 1, 224, 60, 1, 1, 224, 60, 1, 1, 224, 60, 1, 1, 224, 60, 1, 1, 224, 60, 0, 0, 3)
	seed(utc(2026, 6, 1, 12, 0))
	f.Fuzz(func(t *testing.T, data []byte, secs int64) {
		s := scheduleFromBytes(data)
		_ = s.Validate()
		// Times from March 2026 for about 20 months; often on a whole minute.
		secs %= 600 * 24 * 3600
		if secs < 0 {
			secs = -secs
		}
		if secs%2 == 0 {
			secs -= secs % 60
		}
		at := base.Add(time.Duration(secs) * time.Second)
		st := s.StateAt(at)
		_ = st.Describe(at)
		if exp := st.Expires(at); !exp.After(at) {
			t.Fatalf("Expires %v not after %v", exp, at)
		}
		if got := s.NextChange(at); !got.Equal(st.Until) {
			t.Fatalf("NextChange %v != Until %v", got, st.Until)
		}
		checkUntil(t, s, at, st)
		if !st.Known {
			return
		}
		// No change in between: every change happens on a whole minute in
		// 2026-27, so checking each minute in (at, Until) is exhaustive.
		end := st.Until
		if end.IsZero() {
			end = at.Add(Horizon)
		}
		for m := at.Truncate(time.Minute).Add(time.Minute); m.Before(end); m = m.Add(time.Minute) {
			if s.openAt(m) != st.Open {
				t.Fatalf("t=%v state %+v, but open=%v at %v", at, st, !st.Open, m)
			}
		}
	})
}

func BenchmarkStateAt(b *testing.B) {
	s := practice()
	at := utc(2026, 12, 24, 14, 0) // needs to look past Christmas
	for b.Loop() {
		_ = s.StateAt(at)
	}
}

func TestFormatInstant(t *testing.T) {
	tests := map[string]string{
		"2026-03-03T09:30:00Z": "3 March 2026 at 9:30am", // GMT
		"2026-07-01T17:00:00Z": "1 July 2026 at 6pm",     // BST: an hour ahead
		"2026-12-24T00:00:00Z": "24 December 2026 at midnight",
		"2026-10-25T00:30:00Z": "25 October 2026 at 1:30am", // still BST, before the change
	}
	for in, want := range tests {
		at, _ := time.Parse(time.RFC3339, in)
		if got := FormatInstant(at); got != want {
			t.Errorf("FormatInstant(%s) = %q, want %q", in, got, want)
		}
	}
}
