package feeds

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// ---------- Atom ----------

type pText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}
type pLink struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}
type pEntry struct {
	Title     pText   `xml:"title"`
	ID        string  `xml:"id"`
	Links     []pLink `xml:"link"`
	Published string  `xml:"published"`
	Updated   string  `xml:"updated"`
	Author    *struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Summary pText `xml:"summary"`
	Content pText `xml:"content"`
}
type pFeed struct {
	XMLName  xml.Name `xml:"feed"`
	Title    pText    `xml:"title"`
	Subtitle pText    `xml:"subtitle"`
	ID       string   `xml:"id"`
	Links    []pLink  `xml:"link"`
	Updated  string   `xml:"updated"`
	Author   *struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []pEntry `xml:"entry"`
}

func parseAtom(t testing.TB, b []byte) pFeed {
	t.Helper()
	var f pFeed
	if err := xml.Unmarshal(b, &f); err != nil {
		t.Fatalf("atom does not parse: %v\n%s", err, b)
	}
	if f.XMLName.Space != AtomNS {
		t.Fatalf("namespace = %q", f.XMLName.Space)
	}
	return f
}

func mustRFC3339UTC(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("%q is not RFC 3339: %v", s, err)
	}
	if !strings.HasSuffix(s, "Z") {
		t.Fatalf("%q is not UTC", s)
	}
	return tm
}

func TestAtom(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	pub1 := time.Date(2026, 11, 20, 9, 30, 0, 0, london)
	upd1 := time.Date(2026, 11, 22, 14, 0, 0, 0, london)
	pub2 := time.Date(2026, 6, 1, 12, 0, 0, 0, london) // BST
	f := AtomFeed{
		Title:    "Riverside PCN & friends",
		Subtitle: "News",
		ID:       TagURI("riverside.example.nhs.uk", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), "/news"),
		SelfURL:  "https://riverside.example.nhs.uk/news/feed.xml",
		SiteURL:  "https://riverside.example.nhs.uk/news",
		Author:   "Riverside PCN",
		Updated:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Entries: []AtomEntry{
			{
				Title:       `Flu <script>alert(1)</script> & COVID`,
				URL:         "https://riverside.example.nhs.uk/news/flu?a=1&b=2",
				Summary:     "Clinics <b>open</b> & booking",
				ContentHTML: `<p>Book <a href="/x?a=1&amp;b=2">here</a></p>`,
				Published:   pub1,
				Updated:     upd1,
				Author:      "Dr Smith",
			},
			{Title: "Café ☕ 🎉", ID: "tag:riverside.example.nhs.uk,2026-06-01:/news/cafe", URL: "https://riverside.example.nhs.uk/news/cafe", Published: pub2},
		},
	}
	var buf bytes.Buffer
	if err := WriteAtom(&buf, f); err != nil {
		t.Fatal(err)
	}
	out := buf.Bytes()
	if !bytes.HasPrefix(out, []byte(`<?xml version="1.0" encoding="utf-8"?>`)) {
		t.Errorf("missing xml header: %.60s", out)
	}
	if bytes.Contains(out, []byte("<script>")) {
		t.Errorf("unescaped <script> in output")
	}
	p := parseAtom(t, out)
	if p.Title.Body != f.Title || p.ID != "tag:riverside.example.nhs.uk,2024-01-01:/news" {
		t.Errorf("title/id = %q / %q", p.Title.Body, p.ID)
	}
	if got := mustRFC3339UTC(t, p.Updated); !got.Equal(upd1) {
		t.Errorf("feed updated = %v, want newest entry %v", got, upd1)
	}
	if p.Author == nil || p.Author.Name != "Riverside PCN" {
		t.Errorf("feed author = %+v", p.Author)
	}
	rels := map[string]string{}
	for _, l := range p.Links {
		rels[l.Rel] = l.Href
	}
	if rels["self"] != f.SelfURL || rels["alternate"] != f.SiteURL {
		t.Errorf("links = %v", rels)
	}
	if len(p.Entries) != 2 {
		t.Fatalf("entries = %d", len(p.Entries))
	}
	e := p.Entries[0]
	if e.Title.Body != f.Entries[0].Title || e.Title.Type != "text" {
		t.Errorf("entry title = %+v", e.Title)
	}
	if e.ID != f.Entries[0].URL || len(e.Links) != 1 || e.Links[0].Href != f.Entries[0].URL || e.Links[0].Rel != "alternate" {
		t.Errorf("entry id/link = %q %+v", e.ID, e.Links)
	}
	if e.Content.Type != "html" || e.Content.Body != f.Entries[0].ContentHTML {
		t.Errorf("content = %+v", e.Content)
	}
	if e.Summary.Body != f.Entries[0].Summary {
		t.Errorf("summary = %q", e.Summary.Body)
	}
	if !mustRFC3339UTC(t, e.Published).Equal(pub1) || !mustRFC3339UTC(t, e.Updated).Equal(upd1) {
		t.Errorf("entry times %q %q", e.Published, e.Updated)
	}
	if e.Author == nil || e.Author.Name != "Dr Smith" {
		t.Errorf("entry author = %+v", e.Author)
	}
	e2 := p.Entries[1]
	if e2.Title.Body != "Café ☕ 🎉" || e2.ID != f.Entries[1].ID {
		t.Errorf("entry 2 = %q %q", e2.Title.Body, e2.ID)
	}
	if e2.Updated != "2026-06-01T11:00:00Z" || e2.Published != e2.Updated {
		t.Errorf("entry 2 updated should fall back to published in UTC: %q %q", e2.Updated, e2.Published)
	}
	if e2.Author != nil {
		t.Errorf("entry 2 should inherit feed author")
	}
}

func TestAtomEmptyFeed(t *testing.T) {
	var buf bytes.Buffer
	upd := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	if err := WriteAtom(&buf, AtomFeed{Title: "Empty", SelfURL: "https://x.example/news/feed.xml", Updated: upd}); err != nil {
		t.Fatal(err)
	}
	p := parseAtom(t, buf.Bytes())
	if len(p.Entries) != 0 || p.ID != "https://x.example/news/feed.xml" || p.Updated != "2026-03-04T05:06:07Z" {
		t.Errorf("empty feed = %+v", p)
	}
	// Entirely zero times still yield a valid updated.
	buf.Reset()
	if err := WriteAtom(&buf, AtomFeed{Title: "Empty", SiteURL: "https://x.example/"}); err != nil {
		t.Fatal(err)
	}
	mustRFC3339UTC(t, parseAtom(t, buf.Bytes()).Updated)
}

func TestAtomAuthorFallbackAndErrors(t *testing.T) {
	var buf bytes.Buffer
	f := AtomFeed{Title: "Moorland PCN", SiteURL: "https://m.example/", Entries: []AtomEntry{{Title: "x", URL: "https://m.example/x"}}}
	if err := WriteAtom(&buf, f); err != nil {
		t.Fatal(err)
	}
	if p := parseAtom(t, buf.Bytes()); p.Author == nil || p.Author.Name != "Moorland PCN" {
		t.Errorf("feed author should fall back to title: %+v", p.Author)
	}
	bad := []AtomFeed{
		{Title: "no id"},
		{ID: "tag:x,2026:/", Entries: []AtomEntry{{Title: "no author anywhere", URL: "https://x/"}}},
		{Title: "t", ID: "tag:x,2026:/", Entries: []AtomEntry{{Title: "no id", ContentHTML: "<p>x</p>"}}},
		{Title: "t", ID: "tag:x,2026:/", Entries: []AtomEntry{{Title: "no link or content", ID: "tag:x,2026:/1"}}},
	}
	for i, f := range bad {
		buf.Reset()
		if err := WriteAtom(&buf, f); err == nil {
			t.Errorf("case %d: expected error", i)
		} else if buf.Len() != 0 {
			t.Errorf("case %d: wrote output on error", i)
		}
	}
}

// xmlSafe mirrors encoding/xml's escaping: characters outside the XML
// Char production (and invalid UTF-8 bytes) become U+FFFD.
func xmlSafe(s string) string {
	var sb strings.Builder
	for _, r := range s {
		ok := r == 0x09 || r == 0x0A || r == 0x0D ||
			(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
		if !ok {
			r = utf8.RuneError
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

func FuzzAtom(f *testing.F) {
	f.Add("Flu <script>alert(1)</script>", "<p>a &amp; b</p>", "A & B", "Dr \"O'Neil\"")
	f.Add("]]>", "<![CDATA[x]]>", "\x00\x01\r\n\t", "")
	f.Add("\xff\xfe", "é🎉\uFFFE", "&#x0;", "\r")
	f.Fuzz(func(t *testing.T, title, content, summary, author string) {
		feed := AtomFeed{
			Title: title, Author: author, SelfURL: "https://x.example/feed.xml?a=1&b=" + title,
			Updated: time.Unix(1_700_000_000, 0),
			Entries: []AtomEntry{{Title: title, URL: "https://x.example/" + summary, Summary: summary, ContentHTML: content, Author: author}},
		}
		var buf bytes.Buffer
		if err := WriteAtom(&buf, feed); err != nil {
			if strings.TrimSpace(author) == "" && strings.TrimSpace(title) == "" {
				return // documented: no author available
			}
			t.Fatalf("WriteAtom: %v", err)
		}
		// Must be well-formed XML token by token...
		dec := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("not well-formed: %v\n%s", err, buf.Bytes())
			}
		}
		// ...and round-trip the text.
		p := parseAtom(t, buf.Bytes())
		if len(p.Entries) != 1 {
			t.Fatalf("entries = %d", len(p.Entries))
		}
		e := p.Entries[0]
		if p.Title.Body != xmlSafe(title) || e.Title.Body != xmlSafe(title) {
			t.Errorf("title %q -> %q", title, e.Title.Body)
		}
		if content != "" && e.Content.Body != xmlSafe(content) {
			t.Errorf("content %q -> %q", content, e.Content.Body)
		}
		if summary != "" && e.Summary.Body != xmlSafe(summary) {
			t.Errorf("summary %q -> %q", summary, e.Summary.Body)
		}
	})
}

// ---------- iCalendar ----------

type icsProp struct {
	Name   string
	Params map[string]string
	Value  string
}

// parseICS is a tiny RFC 5545 reader: it checks CRLF endings and the
// 75-octet limit on every physical line, unfolds (CRLF followed by a
// space or tab), and splits each content line into name, params, value.
func parseICS(t testing.TB, b []byte) []icsProp {
	t.Helper()
	s := string(b)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatalf("output does not end with CRLF")
	}
	phys := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	for i, l := range phys {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d: bare CR or LF: %q", i, l)
		}
		if len(l) > 75 {
			t.Fatalf("line %d is %d octets: %q", i, len(l), l)
		}
	}
	var logical []string
	for _, l := range phys {
		if len(l) > 0 && (l[0] == ' ' || l[0] == '\t') && len(logical) > 0 {
			logical[len(logical)-1] += l[1:]
			continue
		}
		logical = append(logical, l)
	}
	var props []icsProp
	for _, l := range logical {
		if !utf8.ValidString(l) {
			t.Fatalf("invalid UTF-8 after unfolding: %q", l)
		}
		// name and params end at the first ':' outside double quotes
		inQ, colon := false, -1
		for i := 0; i < len(l); i++ {
			if l[i] == '"' {
				inQ = !inQ
			} else if l[i] == ':' && !inQ {
				colon = i
				break
			}
		}
		if colon < 0 {
			t.Fatalf("no ':' in %q", l)
		}
		head := strings.Split(l[:colon], ";")
		p := icsProp{Name: head[0], Params: map[string]string{}, Value: l[colon+1:]}
		for _, kv := range head[1:] {
			k, v, _ := strings.Cut(kv, "=")
			p.Params[k] = v
		}
		props = append(props, p)
	}
	return props
}

func unescapeText(t testing.TB, v string) string {
	t.Helper()
	var sb strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ';' || c == ',' {
			t.Fatalf("unescaped %q in TEXT %q", c, v)
		}
		if c != '\\' {
			sb.WriteByte(c)
			continue
		}
		i++
		if i == len(v) {
			t.Fatalf("dangling backslash in %q", v)
		}
		switch v[i] {
		case '\\', ';', ',':
			sb.WriteByte(v[i])
		case 'n', 'N':
			sb.WriteByte('\n')
		default:
			t.Fatalf("bad escape \\%c in %q", v[i], v)
		}
	}
	return sb.String()
}

// checkStructure verifies BEGIN/END nesting and returns the VEVENTs.
func checkStructure(t testing.TB, props []icsProp) []map[string]icsProp {
	t.Helper()
	var stack []string
	var events []map[string]icsProp
	var cur map[string]icsProp
	for _, p := range props {
		switch p.Name {
		case "BEGIN":
			stack = append(stack, p.Value)
			if p.Value == "VEVENT" {
				cur = map[string]icsProp{}
			}
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != p.Value {
				t.Fatalf("END:%s does not match %v", p.Value, stack)
			}
			stack = stack[:len(stack)-1]
			if p.Value == "VEVENT" {
				events = append(events, cur)
				cur = nil
			}
		default:
			if len(stack) == 0 {
				t.Fatalf("property %s outside VCALENDAR", p.Name)
			}
			if cur != nil {
				if _, dup := cur[p.Name]; dup {
					t.Fatalf("duplicate %s", p.Name)
				}
				cur[p.Name] = p
			}
		}
	}
	if len(stack) != 0 {
		t.Fatalf("unclosed %v", stack)
	}
	if props[0].Name != "BEGIN" || props[0].Value != "VCALENDAR" {
		t.Fatalf("first line %+v", props[0])
	}
	return events
}

func writeICS(t testing.TB, events ...Event) (string, []icsProp, []map[string]icsProp) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteICS(&buf, "-//Riverside PCN//pcnweb//EN", events...); err != nil {
		t.Fatal(err)
	}
	props := parseICS(t, buf.Bytes())
	return buf.String(), props, checkStructure(t, props)
}

func TestICS(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	long := strings.Repeat("Café crème ☕ 🎉 naïve résumé — ", 12)
	tricky := "a, b; c\\ d\nnew line"
	ev := Event{
		UID:         "event-42@riverside.example.nhs.uk",
		Summary:     tricky,
		Description: long,
		Location:    "Riverside Surgery, 1 High St; Town",
		URL:         "https://riverside.example.nhs.uk/events/flu?x=1&y=2",
		Start:       time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC),
		End:         time.Date(2026, 11, 24, 12, 30, 0, 0, time.UTC),
		Organizer:   `Riverside PCN <events@riverside.example.nhs.uk>`,
		Updated:     time.Date(2026, 11, 1, 10, 0, 0, 0, london),
	}
	allDay := Event{
		UID: "allday@x", Summary: "Practice closed", AllDay: true,
		Start: time.Date(2026, 12, 25, 0, 0, 0, 0, london), End: time.Date(2026, 12, 26, 0, 0, 0, 0, london),
		Updated: ev.Updated,
	}
	noEnd := Event{UID: "noend@x", Summary: "Webinar", Online: true, Organizer: "Dr Jones",
		Start: time.Date(2026, 7, 1, 19, 0, 0, 0, london), Updated: ev.Updated}

	raw, props, events := writeICS(t, ev, allDay, noEnd)
	if strings.Count(raw, "\n") != strings.Count(raw, "\r\n") {
		t.Fatal("LF without CR")
	}
	cal := map[string]string{}
	for _, p := range props[:6] {
		cal[p.Name] = p.Value
	}
	for k, want := range map[string]string{"VERSION": "2.0", "PRODID": "-//Riverside PCN//pcnweb//EN", "CALSCALE": "GREGORIAN", "METHOD": "PUBLISH"} {
		if cal[k] != want {
			t.Errorf("%s = %q, want %q", k, cal[k], want)
		}
	}
	if len(events) != 3 {
		t.Fatalf("events = %d", len(events))
	}
	for i, e := range events {
		for _, req := range []string{"UID", "DTSTAMP", "DTSTART"} {
			if _, ok := e[req]; !ok {
				t.Errorf("event %d lacks %s", i, req)
			}
		}
	}

	e := events[0]
	if got := unescapeText(t, e["SUMMARY"].Value); got != tricky {
		t.Errorf("summary round trip %q -> %q", tricky, got)
	}
	if e["SUMMARY"].Value != `a\, b\; c\\ d\nnew line` {
		t.Errorf("summary escaped = %q", e["SUMMARY"].Value)
	}
	if got := unescapeText(t, e["DESCRIPTION"].Value); got != long {
		t.Errorf("long UTF-8 description did not round trip")
	}
	if !strings.Contains(raw, "\r\n ") {
		t.Error("expected folded lines")
	}
	if got := unescapeText(t, e["LOCATION"].Value); got != ev.Location {
		t.Errorf("location = %q", got)
	}
	if e["DTSTART"].Value != "20261124T090000Z" || e["DTEND"].Value != "20261124T123000Z" {
		t.Errorf("dtstart/dtend = %q %q", e["DTSTART"].Value, e["DTEND"].Value)
	}
	if e["DTSTAMP"].Value != "20261101T100000Z" || e["LAST-MODIFIED"].Value != "20261101T100000Z" {
		t.Errorf("dtstamp = %q", e["DTSTAMP"].Value)
	}
	if e["URL"].Value != ev.URL {
		t.Errorf("url = %q", e["URL"].Value)
	}
	if o := e["ORGANIZER"]; o.Value != "mailto:events@riverside.example.nhs.uk" || o.Params["CN"] != `"Riverside PCN"` {
		t.Errorf("organizer = %+v", o)
	}

	a := events[1]
	if a["DTSTART"].Params["VALUE"] != "DATE" || a["DTSTART"].Value != "20261225" {
		t.Errorf("all-day dtstart = %+v", a["DTSTART"])
	}
	if a["DTEND"].Params["VALUE"] != "DATE" || a["DTEND"].Value != "20261227" {
		t.Errorf("all-day dtend (exclusive) = %+v", a["DTEND"])
	}

	n := events[2]
	if _, ok := n["DTEND"]; ok {
		t.Error("no-end event has DTEND")
	}
	if _, ok := n["DURATION"]; ok {
		t.Error("no-end event has DURATION")
	}
	if n["DTSTART"].Value != "20260701T180000Z" { // BST -> UTC
		t.Errorf("no-end dtstart = %q", n["DTSTART"].Value)
	}
	if n["LOCATION"].Value != "Online" || unescapeText(t, n["CONTACT"].Value) != "Dr Jones" {
		t.Errorf("online/contact = %+v %+v", n["LOCATION"], n["CONTACT"])
	}
	if _, ok := n["ORGANIZER"]; ok {
		t.Error("non-email organizer must not produce ORGANIZER")
	}

	// Single-day all-day event without End: DTSTART only (implicitly one day).
	_, _, evs := writeICS(t, Event{UID: "d@x", AllDay: true, Start: time.Date(2026, 5, 5, 0, 0, 0, 0, london), Updated: ev.Updated})
	if _, ok := evs[0]["DTEND"]; ok || evs[0]["DTSTART"].Value != "20260505" {
		t.Errorf("all-day no-end = %+v", evs[0])
	}
}

func TestICSEmptyAndErrors(t *testing.T) {
	_, props, events := writeICS(t)
	if len(events) != 0 || props[len(props)-1].Value != "VCALENDAR" {
		t.Errorf("empty calendar: %+v", props)
	}
	now = func() time.Time { return time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC) }
	defer func() { now = time.Now }()
	_, _, events = writeICS(t, Event{UID: "u@x", Start: time.Unix(0, 0)})
	if events[0]["DTSTAMP"].Value != "20300102T030405Z" {
		t.Errorf("dtstamp fallback = %q", events[0]["DTSTAMP"].Value)
	}
	start := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	for i, ev := range []Event{
		{Start: start},
		{UID: "x"},
		{UID: "x", Start: start, End: start.Add(-time.Hour)},
		{UID: "x", Start: start, URL: "https://x/\r\nX-EVIL:1"},
	} {
		var buf bytes.Buffer
		if err := WriteICS(&buf, "", ev); err == nil || buf.Len() != 0 {
			t.Errorf("case %d: err=%v len=%d", i, err, buf.Len())
		}
	}
}

func TestFoldLine(t *testing.T) {
	for _, n := range []int{0, 1, 74, 75, 76, 149, 150, 151, 500} {
		for _, unit := range []string{"a", "é", "☕", "🎉", `\,`, "a\\n"} {
			s := ""
			for len(s) < n {
				s += unit
			}
			out := FoldLine(s)
			if !strings.HasSuffix(out, "\r\n") {
				t.Fatal("no CRLF")
			}
			lines := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
			var un strings.Builder
			for i, l := range lines {
				if len(l) > 75 {
					t.Fatalf("%d×%q: line %d has %d octets", n, unit, i, len(l))
				}
				if !utf8.ValidString(l) {
					t.Fatalf("%d×%q: line %d split a character", n, unit, i)
				}
				if i > 0 {
					if l[0] != ' ' || len(l) < 2 {
						t.Fatalf("bad continuation %q", l)
					}
					l = l[1:]
				}
				if strings.HasSuffix(l, `\`) && strings.Count(l, `\`)%2 == 1 {
					t.Fatalf("escape split across lines: %q", l)
				}
				un.WriteString(l)
			}
			if un.String() != s {
				t.Fatalf("unfold mismatch")
			}
			if len(s) <= 75 && len(lines) != 1 {
				t.Fatalf("short line folded")
			}
		}
	}
}

// expectText is the documented normalisation, written independently of
// NormalizeText: invalid bytes -> U+FFFD, CRLF/CR -> LF, other controls
// except TAB dropped.
func expectText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r == '\r':
			sb.WriteByte('\n')
		case r == '\n' || r == '\t':
			sb.WriteRune(r)
		case r < 0x20 || r == 0x7f:
		default:
			sb.WriteRune(r) // invalid bytes arrive here as U+FFFD
		}
	}
	return sb.String()
}

func FuzzICSText(f *testing.F) {
	for _, s := range []string{
		"a, b; c\\ d\nnew line", "", "\\", "\r\n\r\r\n", "é🎉☕" + strings.Repeat("x", 73),
		strings.Repeat("\\", 100), strings.Repeat("🎉", 40), "\xff\xc3", "\x00\x1f\x7f\t",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		err := WriteICS(&buf, s, Event{
			UID: "fuzz@x", Summary: s, Description: s + s, Location: s, Organizer: "x" + s,
			Start: time.Unix(1_800_000_000, 0), Updated: time.Unix(1_800_000_000, 0),
		})
		if err != nil {
			t.Fatal(err)
		}
		props := parseICS(t, buf.Bytes()) // CRLF, ≤75 octets, valid UTF-8
		evs := checkStructure(t, props)
		want := expectText(s)
		if want == "" {
			want = DefaultProdID
		}
		if got := unescapeText(t, props[2].Value); props[2].Name != "PRODID" || got != want {
			t.Errorf("PRODID %q -> %q", s, got)
		}
		want = expectText(s)
		if s == "" {
			return
		}
		for name, in := range map[string]string{"SUMMARY": s, "DESCRIPTION": s + s, "LOCATION": s} {
			p, ok := evs[0][name]
			if want := expectText(in); want == "" {
				if ok {
					t.Errorf("%s emitted for empty value", name)
				}
				continue
			} else if !ok {
				// non-empty normalised text must be present
				t.Fatalf("%s missing for %q", name, in)
			}
			if got := unescapeText(t, p.Value); got != expectText(in) {
				t.Errorf("%s: %q -> %q, want %q", name, in, got, expectText(in))
			}
		}
		if NormalizeText(s) != want {
			t.Errorf("NormalizeText disagrees with documentation for %q", s)
		}
	})
}

// ---------- Sitemap ----------

type pSitemap struct {
	XMLName xml.Name `xml:"urlset"`
	URLs    []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
}

func TestSitemap(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	urls := []URL{
		{Loc: "https://riverside.example.nhs.uk/"},
		{Loc: "https://riverside.example.nhs.uk/search?q=flu&page=2", LastMod: time.Date(2026, 7, 1, 9, 0, 0, 0, london)},
		{Loc: "https://riverside.example.nhs.uk/caf%C3%A9?a='\"<>"},
	}
	var buf bytes.Buffer
	if err := WriteSitemap(&buf, urls); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	if !strings.HasPrefix(raw, `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Error("missing xml header")
	}
	if !strings.Contains(raw, "q=flu&amp;page=2") || strings.Contains(raw, "flu&page") {
		t.Errorf("& not escaped:\n%s", raw)
	}
	var p pSitemap
	if err := xml.Unmarshal(buf.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if p.XMLName.Space != SitemapNS {
		t.Errorf("ns = %q", p.XMLName.Space)
	}
	if len(p.URLs) != 3 {
		t.Fatalf("urls = %d", len(p.URLs))
	}
	for i, u := range p.URLs {
		if u.Loc != urls[i].Loc {
			t.Errorf("loc %d = %q", i, u.Loc)
		}
	}
	if p.URLs[0].LastMod != "" || strings.Count(raw, "<lastmod>") != 1 {
		t.Error("zero LastMod must be omitted")
	}
	if p.URLs[1].LastMod != "2026-07-01T08:00:00Z" {
		t.Errorf("lastmod = %q", p.URLs[1].LastMod)
	}
	if _, err := time.Parse(time.RFC3339, p.URLs[1].LastMod); err != nil {
		t.Error(err)
	}
}

func TestSitemapLimits(t *testing.T) {
	urls := make([]URL, MaxSitemapURLs)
	for i := range urls {
		urls[i] = URL{Loc: fmt.Sprintf("https://x.example/p/%d", i)}
	}
	if err := WriteSitemap(io.Discard, urls); err != nil {
		t.Fatalf("50,000 URLs must be accepted: %v", err)
	}
	var buf bytes.Buffer
	err := WriteSitemap(&buf, append(urls, URL{Loc: "https://x.example/one-too-many"}))
	if !errors.Is(err, ErrTooManyURLs) || buf.Len() != 0 {
		t.Errorf("err = %v, wrote %d", err, buf.Len())
	}
	for _, loc := range []string{"", "/relative", "ftp://x/", "https://x/\n", "https://x/" + strings.Repeat("a", MaxLocLength)} {
		if err := WriteSitemap(io.Discard, []URL{{Loc: loc}}); err == nil {
			t.Errorf("loc %.40q accepted", loc)
		}
	}
	if err := WriteSitemap(&buf, nil); err != nil {
		t.Fatal(err)
	}
	var p pSitemap
	if err := xml.Unmarshal(buf.Bytes(), &p); err != nil || len(p.URLs) != 0 {
		t.Errorf("empty sitemap: %v", err)
	}
}

// ---------- robots.txt ----------

func TestRobots(t *testing.T) {
	got := Robots("https://x.example/sitemap.xml", "/admin", "api", "", "/admin")
	want := "User-agent: *\nDisallow: /admin\nDisallow: /api\nSitemap: https://x.example/sitemap.xml\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got := Robots(""); got != "User-agent: *\nDisallow:\n" {
		t.Errorf("allow-all = %q", got)
	}
	if got := Robots("https://x/s.xml\nDisallow: /", "/a\r\nAllow: /"); strings.Count(got, "\n") != 3 {
		t.Errorf("newline injection: %q", got)
	}
}
