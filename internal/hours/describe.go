package hours

import (
	"strconv"
	"strings"
	"time"
)

// Describe returns a one-line status for display at instant now (which
// should be the instant the State was computed for), for example:
//
//	Open now – closes at 6:30pm
//	Open now – closes at midnight tonight
//	Closed now – opens at 2pm
//	Closed now – opens at 8am tomorrow
//	Closed now – opens at 8am on Monday
//	Closed now – opens at 9am on Tuesday 27 December
//	Open now (Christmas Eve) – closes at 1pm
//	Closed today (Staff training) – opens at 8am tomorrow
//	Closed today (Christmas Day) – opens at 8am on Tuesday
//	Closed now
//	Opening times not available
//
// Days are relative to now in London: "tomorrow", then the weekday for up
// to 6 days ahead, then the full date. The text can change at midnight even
// when the state does not, so cache it until Expires(now), not Until.
func (st State) Describe(now time.Time) string {
	if detail := st.Detail(now); detail != "" {
		return st.Headline() + " " + detail
	}
	return st.Headline()
}

// Headline is how Describe starts: "Open now", "Closed now", "Closed today"
// or "Opening times not available". A page that shows it as a tag follows
// it with Detail, so that nothing is said twice.
func (st State) Headline() string {
	switch {
	case !st.Known:
		return "Opening times not available"
	case st.Open:
		return "Open now"
	case st.ClosedAllDay:
		return "Closed today"
	default:
		return "Closed now"
	}
}

// Detail is the rest of Describe after the Headline: the reason and when
// the state next changes, "– closes at 6:30pm", "(Christmas Day) – opens at
// 8am on Tuesday", or "".
func (st State) Detail(now time.Time) string {
	if !st.Known {
		return ""
	}
	var b strings.Builder
	if st.Reason != "" {
		b.WriteString("(" + st.Reason + ")")
	}
	if !st.Until.IsZero() {
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		if st.Open {
			b.WriteString("– closes at ")
		} else {
			b.WriteString("– opens at ")
		}
		b.WriteString(when(DateOf(now), st.Until))
	}
	return b.String()
}

// Expires returns the instant after which Describe(now) may no longer be
// right: the earlier of Until and the next midnight in London (the wording
// "tomorrow", the weekday names and Reason all depend on today's date).
// Use it as the expiry time of any cached page showing the status.
func (st State) Expires(now time.Time) time.Time {
	midnight := DateOf(now).AddDays(1).Start()
	if !st.Until.IsZero() && st.Until.Before(midnight) {
		return st.Until.In(london)
	}
	return midnight
}

// Status returns the status line for instant now and when it expires; it is
// StateAt(now) followed by Describe(now) and Expires(now).
func (s Schedule) Status(now time.Time) (text string, expires time.Time) {
	st := s.StateAt(now)
	return st.Describe(now), st.Expires(now)
}

// when describes instant u relative to the date today: "6:30pm",
// "8am tomorrow", "8am on Monday", "9am on Tuesday 27 December".
func when(today Date, u time.Time) string {
	lu := u.In(london)
	d := dateFromTime(lu)
	clock := lu.Hour()*60 + lu.Minute()
	if clock == 0 { // midnight: describe it as the end of the previous day
		d = d.AddDays(-1)
		switch n := today.DaysUntil(d); {
		case n == 0:
			return "midnight tonight"
		case n == 1:
			return "midnight tomorrow night"
		case n > 1 && n < 7:
			return "midnight on " + d.Weekday().String() + " night"
		default:
			return "midnight on the night of " + dayMonth(today, d)
		}
	}
	s := FormatClock(clock)
	switch n := today.DaysUntil(d); {
	case n == 0:
		return s
	case n == 1:
		return s + " tomorrow"
	case n > 1 && n < 7:
		return s + " on " + d.Weekday().String()
	default:
		return s + " on " + dayMonth(today, d)
	}
}

// dayMonth formats d as "Tuesday 27 December", adding the year unless d is
// within a few months after today.
func dayMonth(today Date, d Date) string {
	if n := today.DaysUntil(d); n < 0 || n > 300 {
		return d.Long()
	}
	return d.Weekday().String() + " " + strconv.Itoa(d.D) + " " + d.M.String()
}
