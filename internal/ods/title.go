package ods

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ODS publishes names and addresses in capitals. Title turns them into the
// mixed case a patient-facing page uses: "WEST MERTON PCN" → "West Merton
// PCN", "STOCKTON-ON-TEES" → "Stockton-on-Tees", "MCKENZIE HOUSE" →
// "McKenzie House". Acronyms stay in capitals: known ones ("NHS", "BNSSG"),
// words without a vowel ("SWB", "DR MK LAKHANI"), and a word that its
// neighbours spell out ("ARUN INTEGRATED CARE (AIC)", "FABB (FISHPONDS, AIR
// BALLOON & BEECHWOOD)"); words with digits stay as they are ("4PCC").
// Text that already has lower-case letters is left as it is: someone typed
// it that way.
func Title(s string) string {
	if strings.IndexFunc(s, unicode.IsLower) >= 0 {
		return s
	}
	words := strings.Fields(s)
	out := make([]string, len(words))
	for i, w := range words {
		if spelledOut(words, i) {
			out[i] = w
			continue
		}
		// A phrase starts the text, or follows a comma or a dash on its
		// own ("BCH - THE HAVEN", "LEVEL 2, THE GREENWICH CENTRE").
		out[i] = titleWord(w, i == 0 || words[i-1] == "-" || strings.HasSuffix(words[i-1], ","))
	}
	return strings.Join(out, " ")
}

// keepUpper are acronyms that stay in capitals: the NHS's own, and those of
// the real PCN names that no rule below recognises (each checked against
// what it stands for: "SHU" Sheffield Hallam University, "NEL" North East
// London or Lincolnshire, "MPA" Medway Practices Alliance).
var keepUpper = map[string]bool{
	"PCN": true, "NHS": true, "GP": true, "GPS": true, "ICB": true, "ICS": true, "UK": true, "CCG": true, "HC": true,
	"PO": true, "LLP": true, "HMP": true, "YOI": true, "CIC": true, "PLC": true, "II": true, "III": true, "IV": true,
	"OOH": true, "PCT": true, "BNSSG": true, "IW": true, "NEL": true, "SHU": true, "UOS": true, "IGPC": true,
	"GRIPC": true, "APL": true, "MPA": true, "PCCO": true, "LOCC": true, "GOSK": true, "HOSMS": true, "HIPC": true,
}

// abbreviations have no vowel but are words cut short, not acronyms: they
// are title-cased ("ST" → "St", "DR" → "Dr", "CTR" → "Ctr"). "NG" is a
// surname.
var abbreviations = map[string]bool{
	"ST": true, "STS": true, "DR": true, "DRS": true, "MR": true, "MRS": true, "MS": true, "MT": true, "RD": true,
	"LTD": true, "CTR": true, "CTRS": true, "CNTR": true, "CNT": true, "CTRL": true, "HLTH": true, "HTH": true,
	"LN": true, "CL": true, "PK": true, "CT": true, "CRT": true, "CR": true, "CRS": true, "GRP": true, "NR": true,
	"GR": true, "GRN": true, "GRT": true, "PL": true, "FL": true, "FLR": true, "GDNS": true, "SQ": true,
	"MKT": true, "MRKT": true, "BLVD": true, "BLDG": true, "PTNR": true, "PTNRS": true, "PTRS": true,
	"PRCT": true, "MDW": true, "WLK": true, "HGHTS": true, "LVG": true, "HSP": true, "HPL": true, "NTH": true,
	"STH": true, "DWN": true, "RW": true, "WD": true, "STN": true, "WY": true, "PR": true, "MDDX": true, "WST": true, "BLD": true, "NG": true,
}

// smallWords are lower case unless they start the text ("Centre of the
// Town", "Stockton-on-Tees", "H Is for Health").
var smallWords = map[string]bool{"AND": true, "OF": true, "THE": true, "ON": true, "UPON": true, "IN": true, "AT": true, "BY": true,
	"LE": true, "DE": true, "UNDER": true, "CUM": true, "EN": true, "FOR": true, "TO": true}

// hyphenWords are lower case between hyphens only ("Weston-super-Mare").
var hyphenWords = map[string]bool{"SUPER": true, "LA": true}

// titleWord cases one word, part by part: parts are joined by hyphens,
// slashes or commas ("STOCKTON-ON-TEES", "N15/SOUTH", "ST.LEONARDS,85").
func titleWord(w string, first bool) string {
	var b strings.Builder
	sep := rune(0) // what came before the part
	for w != "" {
		i := strings.IndexAny(w, "-/,")
		p := w
		if i >= 0 {
			p = w[:i]
		}
		core := strings.Trim(p, `.,'"()&`)
		switch {
		case keepUpper[core], isAcronym(core):
			b.WriteString(p)
		case (smallWords[core] && ((!first && sep != ',') || sep == '-')) || (hyphenWords[core] && sep == '-'):
			b.WriteString(strings.ToLower(p))
		default:
			b.WriteString(capital(p))
		}
		if i < 0 {
			break
		}
		b.WriteByte(w[i])
		sep = rune(w[i])
		w = w[i+1:]
	}
	return b.String()
}

// isAcronym reports a word of 2–5 capital letters with no vowel (Y counts
// as one) that is not a known abbreviation: "SWB", "KWH", "MK".
func isAcronym(core string) bool {
	if len(core) < 2 || len(core) > 5 || abbreviations[core] {
		return false
	}
	for _, r := range core {
		if r < 'A' || r > 'Z' || strings.ContainsRune("AEIOUY", r) {
			return false
		}
	}
	return true
}

// spelledOut reports whether words[i] is an acronym that the words beside
// it spell out: a bracketed word of 2–6 letters that is known or has no
// vowel or is spelled by the words before it ("SOUTH EAST TELFORD (SET)"),
// or a word spelled by the bracketed words after it, or after a dash
// ("CHOC (CONGLETON & HOLMES CHAPEL)", "HASP PCN - HULL ASSOCIATION OF
// SIMILAR PRACTICES"). "NEXUS (DEVON)" spells nothing, so it is "Nexus
// (Devon)".
func spelledOut(words []string, i int) bool {
	w := words[i]
	if strings.HasPrefix(w, "(") && strings.HasSuffix(w, ")") {
		core := strings.Trim(w, "()")
		if !allLetters(core, 2, 6) {
			return false
		}
		return keepUpper[core] || isAcronym(core) || spells(core, nameTokens(words[max(0, i-8):i]))
	}
	if !allLetters(w, 2, 6) || i+1 >= len(words) {
		return false
	}
	var after []string
	switch next := words[i+1]; {
	case strings.HasPrefix(next, "("):
		for _, a := range words[i+1:] {
			after = append(after, a)
			if strings.HasSuffix(a, ")") {
				break
			}
		}
	default:
		for j := i + 1; j < len(words) && j < i+3; j++ {
			if words[j] == "-" {
				after = words[j+1:]
				break
			}
		}
	}
	return len(after) > 1 && spells(w, nameTokens(after[:min(len(after), 8)]))
}

func allLetters(s string, minLen, maxLen int) bool {
	if len(s) < minLen || len(s) > maxLen {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// nameTokens splits words into runs of letters ("ANNE'S," → "ANNE", "S").
func nameTokens(words []string) []string {
	return strings.FieldsFunc(strings.Join(words, " "), func(r rune) bool { return r < 'A' || r > 'Z' })
}

// spells reports whether acr is made of the starts of two or more of the
// tokens, in order, any others skipped: "SEOXHA" is SOUTH EAST OXFORD
// HEALTH ALLIANCE, "LSA" LYTHAM ST ANNES. (Memoised: at most 7 × 9 states.)
func spells(acr string, tokens []string) bool {
	type state struct{ a, t int }
	memo := map[state]bool{}
	var can func(a, t int) bool
	can = func(a, t int) bool {
		if a == len(acr) {
			return true
		}
		s := state{a, t}
		if v, ok := memo[s]; ok {
			return v
		}
		ok := false
		for j := t; j < len(tokens) && !ok; j++ {
			for k := 1; k <= len(tokens[j]) && a+k <= len(acr) && !ok; k++ {
				if acr[a+k-1] != tokens[j][k-1] {
					break
				}
				// The first piece may not be the whole acronym: one word's
				// start ("SOUTH" of "SOUTHEND") spells nothing out.
				if a == 0 && a+k == len(acr) {
					break
				}
				ok = can(a+k, j+1)
			}
		}
		memo[s] = ok
		return ok
	}
	return can(0, 0)
}

// capital upper-cases the first letter and any letter after "MC", an
// apostrophe following a single letter ("O'BRIEN") or a slash, and
// lower-cases the rest; a word with digits ("3B", "1ST", "4PCC") stays as
// it is apart from ordinal suffixes and runs of seven or more letters,
// which are words ("TOGETHER4HEALTHCARE" → "Together4Healthcare").
func capital(p string) string {
	if strings.IndexFunc(p, unicode.IsDigit) >= 0 {
		for _, suf := range []string{"ST", "ND", "RD", "TH"} {
			if strings.HasSuffix(p, suf) && len(p) > 2 && unicode.IsDigit(rune(p[len(p)-3])) {
				return p[:len(p)-2] + strings.ToLower(suf)
			}
		}
		return longRuns(p)
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

// longRuns title-cases the runs of seven or more letters of a word with
// digits, leaving shorter runs ("PCN4", "GPNET5") as they are.
func longRuns(p string) string {
	var b strings.Builder
	for p != "" {
		i := strings.IndexFunc(p, func(r rune) bool { return !unicode.IsLetter(r) })
		if i < 0 {
			i = len(p)
		}
		run := p[:i]
		if utf8.RuneCountInString(run) >= 7 {
			run = capital(run)
		}
		b.WriteString(run)
		p = p[i:]
		j := strings.IndexFunc(p, unicode.IsLetter)
		if j < 0 {
			j = len(p)
		}
		b.WriteString(p[:j])
		p = p[j:]
	}
	return b.String()
}

// ICBName turns the name ODS gives a sub-ICB location ("NHS SOUTH WEST
// LONDON ICB - 36L") into the name of the integrated care board it belongs
// to, as a page shows it: "NHS South West London ICB". It returns "" for "".
func ICBName(subICBName string) string {
	name := strings.TrimSpace(subICBName)
	if i := strings.LastIndex(name, " - "); i > 0 {
		name = strings.TrimSpace(name[:i])
	}
	return Title(name)
}
