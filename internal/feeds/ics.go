package feeds

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// ICSContentType is the media type to serve WriteICS output with.
const ICSContentType = "text/calendar; charset=utf-8"

// DefaultProdID is used by WriteICS when prodID is empty (after NormalizeText).
const DefaultProdID = "-//pcnweb//PCN websites//EN"

// Event is one VEVENT in an iCalendar (RFC 5545) file, e.g. /events/{slug}.ics.
type Event struct {
	UID         string // required, globally unique, e.g. "event-42@riverside.example.nhs.uk"
	Summary     string
	Description string
	Location    string
	URL         string    // absolute URI; must not contain control characters
	Start       time.Time // required
	End         time.Time // zero = no end (no DTEND is emitted)
	AllDay      bool
	Online      bool   // Location defaults to "Online" when empty
	Organizer   string // "Name <email>" or "email" -> ORGANIZER; anything else -> CONTACT
	Updated     time.Time
}

// maxLineOctets is the RFC 5545 3.1 content line limit, excluding CRLF.
const maxLineOctets = 75

// WriteICS writes a VCALENDAR containing events.
//
// Output: CRLF line endings; content lines folded at 75 octets on UTF-8
// character boundaries (and never inside a backslash escape); VERSION:2.0,
// PRODID, CALSCALE:GREGORIAN, METHOD:PUBLISH.
//
// Per event:
//   - DTSTAMP (required by RFC 5545) is Updated, or the current time when
//     Updated is zero; Updated also produces LAST-MODIFIED.
//   - timed events: DTSTART/DTEND in UTC, e.g. "20261124T090000Z".
//   - AllDay events: DTSTART;VALUE=DATE:YYYYMMDD using the calendar date of
//     Start in its own time.Location (pass Europe/London times); End is the
//     inclusive last day and DTEND;VALUE=DATE is the exclusive day after it.
//   - End zero: no DTEND and no DURATION. Per RFC 5545 3.6.1 a timed event
//     then ends at its start and an all-day event lasts one day.
//   - End before Start is an error; so are a missing UID or zero Start.
//
// TEXT values (SUMMARY, DESCRIPTION, LOCATION, CONTACT, PRODID) are
// normalised and escaped as described at EscapeText. Zero events produce
// an empty (but widely accepted) VCALENDAR.
func WriteICS(w io.Writer, prodID string, events ...Event) error {
	if NormalizeText(prodID) == "" {
		prodID = DefaultProdID
	}
	var b icsBuilder
	b.line("BEGIN:VCALENDAR")
	b.line("VERSION:2.0")
	b.line("PRODID:" + EscapeText(prodID))
	b.line("CALSCALE:GREGORIAN")
	b.line("METHOD:PUBLISH")
	for i, ev := range events {
		if err := b.event(ev); err != nil {
			return fmt.Errorf("feeds: event %d (%q): %w", i, ev.UID, err)
		}
	}
	b.line("END:VCALENDAR")
	_, err := w.Write(b.buf.Bytes())
	return err
}

type icsBuilder struct{ buf bytes.Buffer }

func (b *icsBuilder) line(s string) { b.buf.WriteString(FoldLine(s)) }

func (b *icsBuilder) text(name, value string) {
	if v := EscapeText(value); v != "" { // omit values that normalise to empty
		b.line(name + ":" + v)
	}
}

const (
	icsUTC  = "20060102T150405Z"
	icsDate = "20060102"
)

func (b *icsBuilder) event(ev Event) error {
	if strings.TrimSpace(ev.UID) == "" {
		return errors.New("missing UID")
	}
	if ev.Start.IsZero() {
		return errors.New("missing Start")
	}
	if !ev.End.IsZero() && ev.End.Before(ev.Start) {
		return errors.New("End is before Start")
	}
	if hasControl(ev.URL) || !utf8.ValidString(ev.URL) {
		return errors.New("URL contains control characters or invalid UTF-8")
	}
	stamp := ev.Updated
	if stamp.IsZero() {
		stamp = now()
	}

	b.line("BEGIN:VEVENT")
	b.text("UID", ev.UID)
	b.line("DTSTAMP:" + stamp.UTC().Format(icsUTC))
	if ev.AllDay {
		start := dateOf(ev.Start)
		b.line("DTSTART;VALUE=DATE:" + start.Format(icsDate))
		if !ev.End.IsZero() {
			end := dateOf(ev.End)
			if end.Before(start) { // same instant range but earlier local date (odd zones)
				end = start
			}
			b.line("DTEND;VALUE=DATE:" + end.AddDate(0, 0, 1).Format(icsDate))
		}
	} else {
		b.line("DTSTART:" + ev.Start.UTC().Format(icsUTC))
		if !ev.End.IsZero() {
			b.line("DTEND:" + ev.End.UTC().Format(icsUTC))
		}
	}
	if !ev.Updated.IsZero() {
		b.line("LAST-MODIFIED:" + ev.Updated.UTC().Format(icsUTC))
	}
	b.text("SUMMARY", ev.Summary)
	b.text("DESCRIPTION", ev.Description)
	loc := ev.Location
	if loc == "" && ev.Online {
		loc = "Online"
	}
	b.text("LOCATION", loc)
	if ev.URL != "" {
		b.line("URL:" + ev.URL) // URI value type: not TEXT-escaped
	}
	if org := strings.TrimSpace(ev.Organizer); org != "" {
		if a, err := mail.ParseAddress(org); err == nil && !hasControl(a.Address) {
			p := "ORGANIZER"
			if cn := paramText(a.Name); cn != "" {
				p += `;CN="` + cn + `"`
			}
			b.line(p + ":mailto:" + a.Address)
		} else {
			b.text("CONTACT", org)
		}
	}
	b.line("END:VEVENT")
	return nil
}

// dateOf returns midnight UTC of t's calendar date in t's own location.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

// paramText makes s safe inside a quoted parameter value (RFC 5545 3.1:
// QSAFE-CHAR excludes DQUOTE and controls).
func paramText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '"' || r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

// NormalizeText applies the normalisation EscapeText performs before
// escaping, so that unescape(EscapeText(s)) == NormalizeText(s):
//   - each byte of invalid UTF-8 becomes U+FFFD;
//   - CRLF and lone CR become LF;
//   - other control characters (U+0000–U+001F except TAB and LF, and DEL),
//     which RFC 5545 TEXT does not allow, are removed.
func NormalizeText(s string) string {
	var sb strings.Builder
	sb.Grow(len(s))
	for i, r := range s { // range yields U+FFFD per invalid byte
		switch {
		case r == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				continue // the LF follows
			}
			sb.WriteByte('\n')
		case r == '\t' || r == '\n':
			sb.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			// dropped
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// EscapeText normalises s (see NormalizeText) and escapes it as an
// RFC 5545 TEXT value: backslash -> \\, ';' -> \;, ',' -> \, and
// newline -> \n.
func EscapeText(s string) string {
	s = NormalizeText(s)
	var sb strings.Builder
	sb.Grow(len(s) + 8)
	for _, r := range s {
		switch r {
		case '\\':
			sb.WriteString(`\\`)
		case ';':
			sb.WriteString(`\;`)
		case ',':
			sb.WriteString(`\,`)
		case '\n':
			sb.WriteString(`\n`)
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// FoldLine returns the content line s terminated by CRLF, folded per
// RFC 5545 3.1 so no physical line exceeds 75 octets (continuation lines
// start with a single space, which counts towards the 75). Folds fall only
// on UTF-8 character boundaries and never split a backslash escape pair.
// s must not contain CR or LF.
func FoldLine(s string) string {
	if len(s) <= maxLineOctets {
		return s + "\r\n"
	}
	var sb strings.Builder
	sb.Grow(len(s) + len(s)/maxLineOctets*3 + 2)
	n := 0 // octets written on the current physical line
	for i := 0; i < len(s); {
		// An atomic unit: one UTF-8 character, or '\' plus the next character.
		_, size := utf8.DecodeRuneInString(s[i:])
		if s[i] == '\\' && i+1 < len(s) {
			_, next := utf8.DecodeRuneInString(s[i+1:])
			size += next
		}
		if n+size > maxLineOctets {
			sb.WriteString("\r\n ")
			n = 1
		}
		sb.WriteString(s[i : i+size])
		n += size
		i += size
	}
	sb.WriteString("\r\n")
	return sb.String()
}
