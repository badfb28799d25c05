package hours

import (
	"errors"
	"fmt"
	"time"
)

// ValidationError is one problem found by Validate. Where names the day
// ("Monday", "Friday 25 December 2026 (Christmas Day)") so that a form can
// show the message next to it.
type ValidationError struct {
	Where   string
	Problem string
}

func (e *ValidationError) Error() string { return e.Where + ": " + e.Problem }

// Validate checks the schedule and returns every problem found, joined with
// errors.Join; each is a *ValidationError such as "Monday: closing time must
// be after opening time (6pm to 8am)". It checks that times are within the
// day, each span closes after it opens, each day's spans are sorted and do not
// overlap, exception dates are real dates with From <= To, exceptions do not
// overlap each other, and bank holidays are real dates.
func (s Schedule) Validate() error {
	var errs []error
	bad := func(where, format string, args ...any) {
		errs = append(errs, &ValidationError{where, fmt.Sprintf(format, args...)})
	}
	checkSpans := func(where string, spans []Span) {
		for i, sp := range spans {
			switch {
			case sp.Open < 0 || sp.Open >= MinutesPerDay:
				bad(where, "opening time must be from midnight to 11:59pm (got %d minutes)", sp.Open)
			case sp.Close <= 0 || sp.Close > MinutesPerDay:
				bad(where, "closing time must be from 12:01am to midnight (got %d minutes)", sp.Close)
			case sp.Close <= sp.Open:
				bad(where, "closing time must be after opening time (%s)", FormatSpan(sp))
			case i > 0 && sp.Open < spans[i-1].Open:
				bad(where, "opening hours must be in time order (%s is listed after %s)", FormatSpan(sp), FormatSpan(spans[i-1]))
			case i > 0 && sp.Open < spans[i-1].Close:
				bad(where, "opening hours overlap (%s and %s)", FormatSpan(spans[i-1]), FormatSpan(sp))
			}
		}
	}

	for i := range 7 {
		wd := time.Weekday((i + 1) % 7) // Monday first
		checkSpans(wd.String(), s.Week[wd])
	}

	for i, e := range s.Exceptions {
		if !e.From.IsValid() || !e.To.IsValid() {
			bad(fmt.Sprintf("Exception %d", i+1), "dates must be real dates (got %s to %s)", e.From, e.To)
			continue
		}
		where := exceptionLabel(e)
		if e.To.Before(e.From) {
			bad(where, "end date must not be before start date")
		}
		switch {
		case e.Closed && len(e.Spans) > 0:
			bad(where, "marked closed all day but also has opening hours")
		case !e.Closed && len(e.Spans) == 0:
			bad(where, "no opening hours given: mark it closed all day or add hours")
		}
		checkSpans(where, e.Spans)
		for _, f := range s.Exceptions[:i] {
			if f.From.IsValid() && f.To.IsValid() && !e.From.After(f.To) && !f.From.After(e.To) {
				bad(where, "overlaps another exception (%s)", exceptionLabel(f))
			}
		}
	}

	for _, d := range s.BankHolidays {
		if !d.IsValid() {
			bad("Bank holidays", "%s is not a real date", d)
		}
	}
	return errors.Join(errs...)
}

// exceptionLabel names an exception's dates and reason, e.g.
// "Tuesday 10 March 2026 (Staff training)".
func exceptionLabel(e Exception) string {
	s := e.From.Long()
	if e.To != e.From {
		s += " to " + e.To.Long()
	}
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	return s
}
