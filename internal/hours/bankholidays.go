package hours

import (
	"slices"
	"time"
)

// Holiday is a named bank holiday.
type Holiday struct {
	Date Date
	Name string
}

// EnglandBankHolidays returns the bank holidays in England and Wales in the
// given year, in date order. See EnglandBankHolidaysNamed.
func EnglandBankHolidays(year int) []Date {
	hs := EnglandBankHolidaysNamed(year)
	ds := make([]Date, len(hs))
	for i, h := range hs {
		ds[i] = h.Date
	}
	return ds
}

// EnglandBankHolidaysNamed returns the bank holidays in England and Wales in
// the given year, in date order, computed from the standing rules: New
// Year's Day, Good Friday, Easter Monday, the early May bank holiday (first
// Monday in May), the spring bank holiday (last Monday in May), the summer
// bank holiday (last Monday in August), Christmas Day and Boxing Day, with
// substitute weekdays when those fall at a weekend. It also applies the
// one-off changes proclaimed in 1995, 1999, 2002, 2011, 2012, 2020, 2022 and
// 2023. The rules are those in force since 1978; future one-off holidays
// must be added (or taken from the GOV.UK feed) when they are announced.
func EnglandBankHolidaysNamed(year int) []Holiday {
	var hs []Holiday
	add := func(d Date, name string) { hs = append(hs, Holiday{d, name}) }

	// New Year's Day, or the following Monday.
	ny := Date{year, time.January, 1}
	switch ny.Weekday() {
	case time.Saturday:
		add(ny.AddDays(2), "New Year’s Day (substitute day)")
	case time.Sunday:
		add(ny.AddDays(1), "New Year’s Day (substitute day)")
	default:
		add(ny, "New Year’s Day")
	}

	easter := EasterSunday(year)
	add(easter.AddDays(-2), "Good Friday")
	add(easter.AddDays(1), "Easter Monday")

	earlyMay := firstMonday(year, time.May)
	spring := lastMonday(year, time.May)
	switch year {
	case 1995, 2020: // moved to 8 May for the VE Day anniversaries
		earlyMay = Date{year, time.May, 8}
	case 2002: // moved for the Golden Jubilee
		spring = Date{2002, time.June, 4}
	case 2012: // moved for the Diamond Jubilee
		spring = Date{2012, time.June, 4}
	case 2022: // moved for the Platinum Jubilee
		spring = Date{2022, time.June, 2}
	}
	add(earlyMay, "Early May bank holiday")
	add(spring, "Spring bank holiday")
	add(lastMonday(year, time.August), "Summer bank holiday")

	// Christmas Day's substitute is always 27 December, Boxing Day's 28th.
	xmas := Date{year, time.December, 25}
	switch xmas.Weekday() {
	case time.Saturday: // Boxing Day is Sunday
		add(Date{year, time.December, 27}, "Christmas Day (substitute day)")
		add(Date{year, time.December, 28}, "Boxing Day (substitute day)")
	case time.Sunday: // Boxing Day is Monday
		add(Date{year, time.December, 26}, "Boxing Day")
		add(Date{year, time.December, 27}, "Christmas Day (substitute day)")
	case time.Friday: // Boxing Day is Saturday
		add(xmas, "Christmas Day")
		add(Date{year, time.December, 28}, "Boxing Day (substitute day)")
	default:
		add(xmas, "Christmas Day")
		add(Date{year, time.December, 26}, "Boxing Day")
	}

	// One-off bank holidays.
	switch year {
	case 1999:
		add(Date{1999, time.December, 31}, "Millennium Eve")
	case 2002:
		add(Date{2002, time.June, 3}, "Golden Jubilee bank holiday")
	case 2011:
		add(Date{2011, time.April, 29}, "Royal wedding")
	case 2012:
		add(Date{2012, time.June, 5}, "Diamond Jubilee bank holiday")
	case 2022:
		add(Date{2022, time.June, 3}, "Platinum Jubilee bank holiday")
		add(Date{2022, time.September, 19}, "Bank Holiday for the State Funeral of Queen Elizabeth II")
	case 2023:
		add(Date{2023, time.May, 8}, "Bank holiday for the coronation of King Charles III")
	}

	slices.SortFunc(hs, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return hs
}

// EasterSunday returns the date of Easter Sunday in the Gregorian calendar
// (the anonymous Gregorian, or Meeus/Jones/Butcher, algorithm).
func EasterSunday(year int) Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{year, time.Month(month), day}
}

func firstMonday(year int, m time.Month) Date {
	d := Date{year, m, 1}
	return d.AddDays((int(time.Monday) - int(d.Weekday()) + 7) % 7)
}

func lastMonday(year int, m time.Month) Date {
	d := NewDate(year, m+1, 0) // last day of m
	return d.AddDays(-((int(d.Weekday()) - int(time.Monday) + 7) % 7))
}

// bankHolidayName names d if it is an England and Wales bank holiday, and
// otherwise returns "Bank holiday".
func bankHolidayName(d Date) string {
	for _, h := range EnglandBankHolidaysNamed(d.Y) {
		if h.Date == d {
			return h.Name
		}
	}
	return "Bank holiday"
}
