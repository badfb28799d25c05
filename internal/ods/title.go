package ods

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ODS publishes names and addresses in capitals. Title turns them into the
// mixed case a patient-facing page uses: "WEST MERTON PCN" → "West Merton
// PCN", "STOCKTON-ON-TEES" → "Stockton-on-Tees", "MCKENZIE HOUSE" →
// "McKenzie House". Text that already has lower-case letters is left as it
// is: someone typed it that way.
func Title(s string) string {
	if strings.IndexFunc(s, unicode.IsLower) >= 0 {
		return s
	}
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = titleWord(w, i == 0)
	}
	return strings.Join(words, " ")
}

// keepUpper are abbreviations that stay in capitals.
var keepUpper = map[string]bool{
	"PCN": true, "NHS": true, "GP": true, "GPS": true, "ICB": true, "UK": true, "CCG": true, "HC": true,
	"PO": true, "LLP": true, "HMP": true, "YOI": true, "CIC": true, "PLC": true, "II": true, "III": true, "IV": true,
}

// smallWords are lower case unless they start the text ("Centre of the
// Town", "Stockton-on-Tees").
var smallWords = map[string]bool{"AND": true, "OF": true, "THE": true, "ON": true, "UPON": true, "IN": true, "AT": true, "BY": true, "LE": true, "DE": true, "UNDER": true, "CUM": true, "EN": true}

func titleWord(w string, first bool) string {
	parts := strings.Split(w, "-")
	for j, p := range parts {
		core := strings.Trim(p, `.,'"()&/`)
		switch {
		case keepUpper[core]:
			// "PCN", "NHS": as they are.
		case smallWords[core] && (!first || j > 0):
			parts[j] = strings.ToLower(p)
		default:
			parts[j] = capital(p)
		}
	}
	return strings.Join(parts, "-")
}

// capital upper-cases the first letter and any letter after "MC", an
// apostrophe following a single letter ("O'BRIEN") or a slash, and
// lower-cases the rest; a word with digits ("3B", "1ST") stays as it is
// apart from ordinal suffixes.
func capital(p string) string {
	if strings.IndexFunc(p, unicode.IsDigit) >= 0 {
		for _, suf := range []string{"ST", "ND", "RD", "TH"} {
			if strings.HasSuffix(p, suf) && len(p) > 2 && unicode.IsDigit(rune(p[len(p)-3])) {
				return p[:len(p)-2] + strings.ToLower(suf)
			}
		}
		return p
	}
	var b strings.Builder
	up := true
	letters := 0
	prev := rune(0)
	for _, r := range p {
		switch {
		case unicode.IsLetter(r):
			if up {
				b.WriteRune(unicode.ToUpper(r))
				up = false
			} else {
				b.WriteRune(unicode.ToLower(r))
			}
			letters++
			if letters == 2 && strings.HasPrefix(strings.ToUpper(p), "MC") && utf8.RuneCountInString(p) > 3 {
				up = true
			}
		default:
			b.WriteRune(r)
			// A new word part starts after anything but an apostrophe,
			// which only capitalises after one letter (O'Brien, not Lyons'S).
			up = r != '\'' || (letters == 1 && prev != 0)
		}
		prev = r
	}
	return b.String()
}
