package ods

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	pcnCodeRE = regexp.MustCompile(`^U[0-9]{5}$`)
	// Practices in England are a letter and five digits; epraccur also lists
	// the Channel Islands' practices as three letters and three digits
	// (JER001, GUE200, ALD210).
	practiceCodeRE = regexp.MustCompile(`^(?:[A-Z][0-9]{5}|(?:JER|GUE|ALD)[0-9]{3})$`)
	subICBCodeRE   = regexp.MustCompile(`^[A-Z0-9]{3,5}$`)
	postcodeRE     = regexp.MustCompile(`^(GIR 0AA|[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2})$`)
)

// IsPCNCode reports whether code is a PCN's ODS code: U and five digits.
func IsPCNCode(code string) bool { return pcnCodeRE.MatchString(code) }

// IsPracticeCode reports whether code is a GP practice's ODS code.
func IsPracticeCode(code string) bool { return practiceCodeRE.MatchString(code) }

// IsSubICBCode reports whether code is a sub-ICB location code ("36L", "A3A8R").
func IsSubICBCode(code string) bool { return subICBCodeRE.MatchString(code) }

// NormalizePostcode upper-cases a UK postcode and puts the space before the
// inward code; it reports false when it is not a postcode. The rules are
// those of models.NormalizePostcode, which this package cannot import.
func NormalizePostcode(pc string) (string, bool) {
	pc = strings.ToUpper(strings.Join(strings.Fields(pc), ""))
	if len(pc) < 5 || len(pc) > 7 {
		return "", false
	}
	pc = pc[:len(pc)-3] + " " + pc[len(pc)-3:]
	return pc, postcodeRE.MatchString(pc)
}

// parseDate reads the date forms the ODS files use: YYYYMMDD (the published
// files), and YYYY-MM-DD or DD/MM/YYYY (a report re-saved by a spreadsheet);
// a bare number below 100000 is an Excel serial day (a date cell).
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"20060102", "2006-01-02", "02/01/2006", "2006-01-02T15:04:05"} {
		if len(s) != len(layout) {
			continue
		}
		if t, err := time.Parse(layout, s); err == nil {
			return valid(t)
		}
	}
	if n, err := strconv.Atoi(s); err == nil && n > 0 && n < 100000 {
		return valid(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n))
	}
	return time.Time{}, false
}

// valid keeps dates to years an ODS record can have.
func valid(t time.Time) (time.Time, bool) {
	if t.Year() < 1900 || t.Year() > 2200 {
		return time.Time{}, false
	}
	return t, true
}
