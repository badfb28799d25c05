package feeds

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// AtomNS is the Atom 1.0 XML namespace.
const AtomNS = "http://www.w3.org/2005/Atom"

// AtomContentType is the media type to serve WriteAtom output with.
const AtomContentType = "application/atom+xml; charset=utf-8"

// AtomFeed describes an Atom 1.0 (RFC 4287) feed, e.g. /news/feed.xml.
type AtomFeed struct {
	Title    string
	Subtitle string // optional
	ID       string // permanent IRI (tag: URI or URL); defaults to SelfURL, then SiteURL
	SelfURL  string // absolute URL of the feed itself (link rel="self")
	SiteURL  string // absolute URL of the HTML page (link rel="alternate")
	Author   string // feed-level author name
	Updated  time.Time
	Entries  []AtomEntry
}

// AtomEntry is one entry of an AtomFeed.
type AtomEntry struct {
	Title   string
	ID      string // permanent IRI; defaults to URL
	URL     string // link rel="alternate"
	Summary string // plain text, optional
	// ContentHTML is already-sanitised HTML. It is emitted as
	// <content type="html"> with the markup XML-escaped as text.
	ContentHTML string
	Published   time.Time // optional
	Updated     time.Time // defaults to Published, then the feed's updated time
	Author      string    // optional; falls back to the feed-level author
}

// TagURI builds an RFC 4151 tag URI such as
// "tag:riverside.example.nhs.uk,2026-11-24:/news/flu-clinics", a good
// permanent Atom ID that survives URL changes. date is taken in UTC.
func TagURI(authority string, date time.Time, specific string) string {
	return "tag:" + authority + "," + date.UTC().Format("2006-01-02") + ":" + specific
}

// now is the clock used when no time information is available at all.
var now = time.Now

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntryXML struct {
	Title     atomText    `xml:"title"`
	ID        string      `xml:"id"`
	Link      *atomLink   `xml:"link,omitempty"`
	Published string      `xml:"published,omitempty"`
	Updated   string      `xml:"updated"`
	Author    *atomPerson `xml:"author,omitempty"`
	Summary   *atomText   `xml:"summary,omitempty"`
	Content   *atomText   `xml:"content,omitempty"`
}

type atomFeedXML struct {
	XMLName  xml.Name       `xml:"feed"`
	NS       string         `xml:"xmlns,attr"`
	Title    atomText       `xml:"title"`
	Subtitle *atomText      `xml:"subtitle,omitempty"`
	ID       string         `xml:"id"`
	Links    []atomLink     `xml:"link"`
	Updated  string         `xml:"updated"`
	Author   *atomPerson    `xml:"author,omitempty"`
	Entries  []atomEntryXML `xml:"entry"`
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// WriteAtom writes f as an Atom 1.0 document (XML declaration, namespace
// http://www.w3.org/2005/Atom, all times RFC 3339 in UTC).
//
// Rules applied so the output is valid RFC 4287:
//   - feed id defaults to SelfURL then SiteURL; entry id defaults to URL;
//     a missing id is an error.
//   - feed <updated> is the newest of f.Updated and every entry's
//     Updated/Published; if all are zero the current time is used.
//   - entry <updated> is Updated, else Published, else the feed's updated.
//   - if any entry lacks an Author, a feed-level <author> is required:
//     f.Author, else f.Title is used; if both are empty it is an error.
//   - an entry with neither ContentHTML nor URL is an error (RFC 4287
//     4.1.1 requires content or an alternate link).
//
// Characters not allowed in XML (control characters, invalid UTF-8) are
// replaced with U+FFFD by encoding/xml; everything else round-trips.
func WriteAtom(w io.Writer, f AtomFeed) error {
	out := atomFeedXML{
		NS:    AtomNS,
		Title: atomText{Type: "text", Body: f.Title},
		ID:    firstNonEmpty(f.ID, f.SelfURL, f.SiteURL),
	}
	if out.ID == "" {
		return errors.New("feeds: atom feed needs an ID, SelfURL or SiteURL")
	}
	if f.Subtitle != "" {
		out.Subtitle = &atomText{Type: "text", Body: f.Subtitle}
	}
	if f.SelfURL != "" {
		out.Links = append(out.Links, atomLink{Rel: "self", Type: "application/atom+xml", Href: f.SelfURL})
	}
	if f.SiteURL != "" {
		out.Links = append(out.Links, atomLink{Rel: "alternate", Type: "text/html", Href: f.SiteURL})
	}

	updated := f.Updated
	needFeedAuthor := strings.TrimSpace(f.Author) != ""
	for _, e := range f.Entries {
		for _, t := range []time.Time{e.Updated, e.Published} {
			if t.After(updated) {
				updated = t
			}
		}
		if strings.TrimSpace(e.Author) == "" {
			needFeedAuthor = true
		}
	}
	if updated.IsZero() {
		updated = now()
	}
	out.Updated = atomTime(updated)

	if needFeedAuthor {
		name := firstNonEmpty(strings.TrimSpace(f.Author), strings.TrimSpace(f.Title))
		if name == "" {
			return errors.New("feeds: atom entries without an author need a feed Author (or Title)")
		}
		out.Author = &atomPerson{Name: name}
	}

	for i, e := range f.Entries {
		x := atomEntryXML{
			Title: atomText{Type: "text", Body: e.Title},
			ID:    firstNonEmpty(e.ID, e.URL),
		}
		if x.ID == "" {
			return fmt.Errorf("feeds: atom entry %d (%q) needs an ID or URL", i, e.Title)
		}
		if e.URL == "" && e.ContentHTML == "" {
			return fmt.Errorf("feeds: atom entry %d (%q) needs a URL or ContentHTML", i, e.Title)
		}
		if e.URL != "" {
			x.Link = &atomLink{Rel: "alternate", Type: "text/html", Href: e.URL}
		}
		if !e.Published.IsZero() {
			x.Published = atomTime(e.Published)
		}
		eu := e.Updated
		if eu.IsZero() {
			eu = e.Published
		}
		if eu.IsZero() {
			eu = updated
		}
		x.Updated = atomTime(eu)
		if a := strings.TrimSpace(e.Author); a != "" {
			x.Author = &atomPerson{Name: a}
		}
		if e.Summary != "" {
			x.Summary = &atomText{Type: "text", Body: e.Summary}
		}
		if e.ContentHTML != "" {
			x.Content = &atomText{Type: "html", Body: e.ContentHTML}
		}
		out.Entries = append(out.Entries, x)
	}

	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("feeds: encoding atom: %w", err)
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
