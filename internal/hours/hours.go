// Package hours computes the opening hours of GP practices: whether a
// practice is open at a given instant, when that next changes, and how to
// say so in NHS style ("Open now – closes at 6:30pm").
//
// All clock times are local Europe/London wall-clock times, so "8am" means
// 8am GMT in winter and 8am BST in summer. The package never reads the
// current time; callers pass it in.
//
// Clock changes follow the wall clock literally. On the spring-forward day
// (clocks jump from 1am to 2am) clock times between 1am and 2am never happen:
// a span 1:30am to 2:30am is open from the moment the clocks jump (1am GMT,
// shown as 2am BST) until 2:30am BST. On the autumn fall-back day (2am BST
// becomes 1am GMT) clock times between 1am and 2am happen twice, and a span
// covering them applies both times.
package hours

import (
	"slices"
	"time"

	_ "time/tzdata" // embed the zone database so Europe/London always loads
)

var london = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("hours: cannot load " + name + ": " + err.Error())
	}
	return loc
}

// Location returns the Europe/London time zone used for all calculations.
func Location() *time.Location { return london }

// MinutesPerDay is the largest clock value: midnight at the end of a day.
const MinutesPerDay = 24 * 60

// Horizon is how far ahead NextChange and StateAt look for the next change.
const Horizon = 14 * 24 * time.Hour

// Span is a period of opening within one day. Open and Close are clock times
// in minutes after midnight, London time. Close must be after Open; Close
// may be 1440, meaning midnight at the end of the day. The span includes its
// opening minute and excludes its closing minute.
type Span struct{ Open, Close int }

// Week holds the usual opening hours, indexed by time.Weekday (Sunday = 0).
// A day may have several spans (e.g. a lunchtime closure); they must be
// sorted and must not overlap. A day with no spans is closed.
type Week [7][]Span

// Exception overrides the usual hours on the dates From to To inclusive.
type Exception struct {
	From, To Date
	Closed   bool   // closed all day on those dates
	Spans    []Span // otherwise, the special hours on each of those dates
	Reason   string // e.g. "Staff training", "Christmas Day"
}

// Schedule is a practice's opening hours.
type Schedule struct {
	Week       Week
	Exceptions []Exception // the first one covering a date applies
	// BankHolidays lists the bank holidays that apply to the practice, e.g.
	// from EnglandBankHolidays. They only matter if ClosedOnBankHolidays.
	BankHolidays         []Date
	ClosedOnBankHolidays bool
}

// State is whether a practice is open at an instant, and until when.
type State struct {
	Open bool
	// Known is false when the practice has no opening hours at all, neither
	// usual hours nor future special hours ("Opening times not available").
	Known bool
	// Until is the instant the Open state next changes, in London time.
	// It is zero when there is no change within Horizon (or !Known).
	Until time.Time
	// Reason is the reason of the exception (or the bank holiday's name)
	// that sets today's hours, if any.
	Reason string
	// ClosedAllDay is true when an exception or bank holiday closes the
	// practice for the whole of today.
	ClosedAllDay bool
}

// Day returns the effective opening hours for date d and the exception that
// sets them, or nil if the usual weekly hours apply. A bank holiday on which
// the practice closes is reported as a closed one-day Exception whose Reason
// is the holiday's name. The results are copies and safe to modify.
func (s Schedule) Day(d Date) (spans []Span, exception *Exception) {
	sp, e := s.day(d)
	if e != nil {
		c := *e
		c.Spans = slices.Clone(e.Spans)
		e = &c
	}
	return slices.Clone(sp), e
}

// day is Day without copying.
func (s Schedule) day(d Date) ([]Span, *Exception) {
	spans, e, bankHoliday := s.spansOn(d)
	if bankHoliday {
		e = &Exception{From: d, To: d, Closed: true, Reason: bankHolidayName(d)}
	}
	return spans, e
}

// spansOn returns the effective hours on d, the exception setting them, and
// whether they are closed for a bank holiday. It does not allocate.
func (s Schedule) spansOn(d Date) (spans []Span, e *Exception, bankHoliday bool) {
	for i := range s.Exceptions {
		e := &s.Exceptions[i]
		if !d.Before(e.From) && !d.After(e.To) {
			if e.Closed {
				return nil, e, false
			}
			return e.Spans, e, false
		}
	}
	if s.ClosedOnBankHolidays && slices.Contains(s.BankHolidays, d) {
		return nil, nil, true
	}
	return s.Week[d.Weekday()], nil, false
}

// StateAt returns whether the practice is open at instant t (in any zone;
// the calculation uses London time) and when that next changes.
func (s Schedule) StateAt(t time.Time) State {
	w := wall(t)
	d := dateFromTime(w)
	if !s.known(d) {
		return State{}
	}
	spans, e := s.day(d)
	st := State{Known: true, Open: inSpans(spans, w.Sub(d.wallStart()))}
	if e != nil {
		st.Reason = e.Reason
		st.ClosedAllDay = !hasHours(spans)
	}
	st.Until = s.nextChange(t, st.Open)
	return st
}

// NextChange returns the instant after t at which the practice next opens or
// closes, or the zero time if that does not happen within Horizon.
func (s Schedule) NextChange(t time.Time) time.Time {
	return s.StateAt(t).Until
}

// known reports whether the practice has usual hours, or special hours on
// today or a later date.
func (s Schedule) known(today Date) bool {
	for _, day := range s.Week {
		if hasHours(day) {
			return true
		}
	}
	for _, e := range s.Exceptions {
		if !e.Closed && hasHours(e.Spans) && !e.To.Before(today) {
			return true
		}
	}
	return false
}

// openAt reports whether the practice is open at instant t.
func (s Schedule) openAt(t time.Time) bool {
	return s.wallOpen(wall(t))
}

// wallOpen reports whether the practice is open at naive wall time w.
func (s Schedule) wallOpen(w time.Time) bool {
	d := dateFromTime(w)
	spans, _, _ := s.spansOn(d)
	return inSpans(spans, w.Sub(d.wallStart()))
}

// nextChange finds the first instant after t, within Horizon, at which the
// open state differs from open. It walks the London zone periods (between
// clock changes); within one period the wall clock is the instant plus a
// fixed offset, so boundaries can be found with plain date arithmetic.
func (s Schedule) nextChange(t time.Time, open bool) time.Time {
	limit := t.Add(Horizon)
	cur := t
	for range 64 { // at most a few clock changes within the horizon
		lt := cur.In(london)
		_, offSec := lt.Zone()
		off := time.Duration(offSec) * time.Second
		_, end := lt.ZoneBounds()
		last := end.IsZero() || end.After(limit)
		segEnd := end
		if last {
			segEnd = limit
		}
		w := cur.UTC().Add(off)
		if c, ok := s.nextWallChange(w, segEnd.UTC().Add(off), open, last); ok {
			return c.Add(-off).In(london)
		}
		if last || !end.After(cur) {
			return time.Time{}
		}
		cur = end
		if s.openAt(cur) != open {
			return cur.In(london)
		}
	}
	return time.Time{}
}

// nextWallChange returns the first naive wall time c with w < c < end (or
// c <= end if inclusive) at which the open state differs from open.
func (s Schedule) nextWallChange(w, end time.Time, open, inclusive bool) (time.Time, bool) {
	beyond := func(c time.Time) bool {
		if inclusive {
			return c.After(end)
		}
		return !c.Before(end)
	}
	var mins []int
	d := dateFromTime(w)
	for range 20 { // Horizon is 14 days; the wall clock may lag by hours
		spans, _, _ := s.spansOn(d)
		mins = append(mins[:0], 0)
		for _, sp := range spans {
			mins = append(mins, clampMin(sp.Open), clampMin(sp.Close))
		}
		slices.Sort(mins)
		start := d.wallStart()
		for _, m := range mins {
			c := start.Add(time.Duration(m) * time.Minute)
			if !c.After(w) {
				continue
			}
			if beyond(c) {
				return time.Time{}, false
			}
			if s.wallOpen(c) != open {
				return c, true
			}
		}
		d = d.AddDays(1)
		if beyond(d.wallStart()) {
			return time.Time{}, false
		}
	}
	return time.Time{}, false
}

// wall returns the London wall-clock reading of t as a naive time in UTC.
func wall(t time.Time) time.Time {
	_, off := t.In(london).Zone()
	return t.UTC().Add(time.Duration(off) * time.Second)
}

func clampMin(m int) int {
	return min(max(m, 0), MinutesPerDay)
}

// inSpans reports whether pos (time since the wall-clock midnight) falls in
// one of spans. Out-of-range spans are clamped to the day.
func inSpans(spans []Span, pos time.Duration) bool {
	for _, sp := range spans {
		if time.Duration(clampMin(sp.Open))*time.Minute <= pos && pos < time.Duration(clampMin(sp.Close))*time.Minute {
			return true
		}
	}
	return false
}

// hasHours reports whether spans contain any time at all.
func hasHours(spans []Span) bool {
	for _, sp := range spans {
		if clampMin(sp.Close) > clampMin(sp.Open) {
			return true
		}
	}
	return false
}

// Changes lists the changes to the usual hours on the dates from to to
// inclusive, in date order: every exception overlapping them, and every
// bank holiday among them on which the practice closes although it would
// usually open (ClosedOnBankHolidays; one-day closed Exceptions named for
// the holiday, as Day reports them). A bank holiday inside an exception is
// the exception's. This is what a practice page lists as "Changes to
// opening times".
func (s Schedule) Changes(from, to Date) []Exception {
	var out []Exception
	for _, e := range s.Exceptions {
		if e.To.Before(from) || e.From.After(to) {
			continue
		}
		c := e
		c.Spans = slices.Clone(e.Spans)
		out = append(out, c)
	}
	if s.ClosedOnBankHolidays {
		for _, d := range s.BankHolidays {
			if d.Before(from) || d.After(to) || !hasHours(s.Week[d.Weekday()]) {
				continue
			}
			if _, _, bankHoliday := s.spansOn(d); !bankHoliday {
				continue // an exception sets the day's hours
			}
			if slices.ContainsFunc(out, func(e Exception) bool { return e.From == d && e.To == d && e.Reason == bankHolidayName(d) }) {
				continue // listed twice in BankHolidays
			}
			out = append(out, Exception{From: d, To: d, Closed: true, Reason: bankHolidayName(d)})
		}
	}
	slices.SortStableFunc(out, func(a, b Exception) int { return a.From.Compare(b.From) })
	return out
}
