package hours

import (
	"fmt"
	"time"
)

// Date is a civil (calendar) date with no time of day and no time zone.
// The zero Date is not a valid date.
type Date struct {
	Y int
	M time.Month
	D int
}

// NewDate returns the Date for year y, month m, day d. Out-of-range values
// are normalised the way time.Date does (e.g. 32 January becomes 1 February).
func NewDate(y int, m time.Month, d int) Date {
	return dateFromTime(time.Date(y, m, d, 12, 0, 0, 0, time.UTC))
}

// DateOf returns the London calendar date of the instant t, whatever t's zone.
func DateOf(t time.Time) Date {
	return dateFromTime(t.In(london))
}

// ParseDate parses an ISO 8601 date such as "2026-12-25".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("hours: %q is not a date in the form YYYY-MM-DD", s)
	}
	return dateFromTime(t), nil
}

func dateFromTime(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsValid reports whether d names a real calendar day (e.g. not 30 February).
func (d Date) IsValid() bool {
	return d.M >= time.January && d.M <= time.December && d.D >= 1 && NewDate(d.Y, d.M, d.D) == d
}

// String formats d as "2026-12-25".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Y, int(d.M), d.D)
}

// Long formats d in NHS style, e.g. "Friday 25 December 2026".
func (d Date) Long() string {
	return fmt.Sprintf("%s %d %s %d", d.Weekday(), d.D, d.M, d.Y)
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return d.utcNoon().Weekday()
}

// AddDays returns the date n days after d (n may be negative).
func (d Date) AddDays(n int) Date {
	return dateFromTime(d.utcNoon().AddDate(0, 0, n))
}

// Compare returns -1, 0 or +1 as d is before, equal to, or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Y != e.Y:
		return cmpInt(d.Y, e.Y)
	case d.M != e.M:
		return cmpInt(int(d.M), int(e.M))
	default:
		return cmpInt(d.D, e.D)
	}
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// DaysUntil returns the number of days from d to e (negative if e is before d).
func (d Date) DaysUntil(e Date) int {
	return int(e.utcNoon().Sub(d.utcNoon()).Round(24*time.Hour) / (24 * time.Hour))
}

// Start returns the first instant of d in Europe/London (its midnight).
func (d Date) Start() time.Time {
	return time.Date(d.Y, d.M, d.D, 0, 0, 0, 0, london)
}

// At returns the instant at which London clocks show clock-minute min on d.
// For a time skipped by the spring clock change it returns the instant the
// clocks jumped past it; for a time that happens twice in autumn, the first.
// min may be 1440, meaning midnight at the end of d.
func (d Date) At(min int) time.Time {
	w := d.wallStart().Add(time.Duration(min) * time.Minute)
	var found []time.Time
	for _, probe := range []time.Duration{-14 * time.Hour, 14 * time.Hour} {
		off := offsetAt(w.Add(probe))
		c := w.Add(-off)
		if offsetAt(c) == off && (len(found) == 0 || !found[0].Equal(c)) {
			found = append(found, c)
		}
	}
	switch len(found) {
	case 0: // in a gap: the clocks jumped over w at the start of the zone period.
		start, _ := w.Add(-offsetAt(w.Add(-14 * time.Hour))).In(london).ZoneBounds()
		return start
	case 2:
		if found[1].Before(found[0]) {
			return found[1].In(london)
		}
	}
	return found[0].In(london)
}

// offsetAt returns London's UTC offset at instant t.
func offsetAt(t time.Time) time.Duration {
	_, off := t.In(london).Zone()
	return time.Duration(off) * time.Second
}

func (d Date) utcNoon() time.Time {
	return time.Date(d.Y, d.M, d.D, 12, 0, 0, 0, time.UTC)
}

// wallStart is midnight of d as a "naive" wall-clock time, represented in UTC.
func (d Date) wallStart() time.Time {
	return time.Date(d.Y, d.M, d.D, 0, 0, 0, 0, time.UTC)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
