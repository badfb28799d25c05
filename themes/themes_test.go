package themes

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/net/html"
)

func mustLoad(t testing.TB) *Registry {
	t.Helper()
	r, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return r
}

const hostileTitle = `<script>alert("x")</script>`

// hostileLD is a JSON-LD string value that tries to end the script element.
const hostileLD = `</script><script>alert("ld")</script><!-- ` + "\u2028"

var (
	updated   = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	reviewDue = time.Date(2026, 7, 2, 0, 0, 0, 0, time.UTC)
)

// fullPage is a Page with every field set: the site, every page type's data,
// a hostile Title and Message, and JSON-LD with a string that tries to end
// the script element.
func fullPage() Page {
	practices := []Practice{
		{
			ODSCode: "A81001", Name: "Riverside Surgery", URL: "/practices/A81001",
			Address: []string{"1 River Street", "Anytown", "AN1 1AA"},
			Phone:   "01632 960 001", PhoneHref: "tel:+441632960001",
			Email: "riverside@example.nhs.uk", Website: "https://riverside.example/",
			AppointmentsURL: "https://riverside.example/appointments", RegistrationURL: "https://riverside.example/register",
			PrescriptionsURL: "https://riverside.example/prescriptions",
			StatusKnown:      true, Open: true, Status: "Open now – closes at 6:30pm", TodayHours: "8am to 6:30pm",
			Week: []DayHours{
				{Day: "Monday", Hours: "8am to 6:30pm"},
				{Day: "Tuesday", Hours: "8am to 6:30pm"},
				{Day: "Wednesday", Hours: "8am to 1pm and 2pm to 6:30pm", Today: true},
				{Day: "Thursday", Hours: "8am to 6:30pm"},
				{Day: "Friday", Hours: "8am to 6:30pm"},
				{Day: "Saturday", Hours: "Closed"},
				{Day: "Sunday", Hours: "Closed"},
			},
			Exceptions: []ClosureNotice{
				{Dates: "Friday 25 December to Monday 28 December", Hours: "Closed", Reason: "Christmas"},
				{Dates: "Thursday 14 January", Hours: "8am to 1pm", Reason: "Staff training"},
			},
			Accessibility: "Step-free access, a hearing loop and an accessible toilet.",
			MapQuery:      "AN1 1AA",
		},
		{
			ODSCode: "A81002", Name: "Hillside Medical Centre", URL: "/practices/A81002",
			Address: []string{"2 Hill Road", "Anytown", "AN2 2BB"},
			Phone:   "01632 960 002", PhoneHref: "tel:+441632960002",
			StatusKnown: true, Open: false, Status: "Closed – opens at 8am tomorrow", TodayHours: "Closed",
		},
		{
			// No tel: href given: the template builds one from the number.
			ODSCode: "A81003", Name: "Valley Practice", URL: "/practices/A81003",
			Address: []string{"3 Valley Lane", "Anytown", "AN3 3CC"},
			Phone:   "01632 960 003",
		},
	}
	staff := []Staff{
		{Name: "Sam Patel", Role: "Social prescribing link worker", Service: "Social prescribing", PhotoURL: "/media/sam.jpg", Bio: "Sam helps people find local groups and support."},
		{Name: "Alex Jones", Role: "Clinical pharmacist", Service: "Pharmacy", Bio: "Alex reviews medicines."},
		{Name: "Jo Smith", Role: "Care coordinator", Service: "Social prescribing"},
		{Name: "Chris Lee", Role: "Operations manager"},
	}
	services := []Service{
		{
			Slug: "social-prescribing", Name: "Social prescribing", URL: "/services/social-prescribing",
			Summary: "Help with things that affect your health, like loneliness or money worries.",
			Body:    template.HTML(`<p id="service-body-marker">Service body</p>`),
			WhoFor:  "Anyone aged 18 or over registered with one of our practices.", HowToAccess: "Ask at your practice or fill in our form.",
			SelfReferral: true, Staff: []Staff{staff[0], staff[2]},
		},
		{Slug: "pharmacy", Name: "Pharmacy", URL: "/services/pharmacy", Summary: "Medicine reviews with a pharmacist."},
	}
	posts := []Post{
		{Slug: "flu", Title: "Flu vaccinations are open", URL: "/news/flu", Summary: "Book your flu vaccination.", Body: template.HTML(`<p id="post-body-marker">Post body</p>`), Published: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)},
		{Slug: "covid", Title: "COVID-19 vaccinations", URL: "/news/covid", Summary: "Who can get one.", Published: time.Date(2026, 9, 20, 9, 0, 0, 0, time.UTC)},
		{Slug: "ppg", Title: "Join our patient group", URL: "/news/ppg", Summary: "Have your say.", Published: time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)},
		{Slug: "old", Title: "An older post", URL: "/news/old", Summary: "Old news.", Published: time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)},
	}
	events := []Event{
		{Slug: "flu-clinic", Title: "Saturday flu clinic", URL: "/events/flu-clinic", ICSURL: "/events/flu-clinic.ics", Summary: "Walk in for your flu vaccination.",
			Body: template.HTML(`<p id="event-body-marker">Event body</p>`), When: "Saturday 3 October 2026, 9am to 1pm",
			Start: time.Date(2026, 10, 3, 9, 0, 0, 0, time.UTC), End: time.Date(2026, 10, 3, 13, 0, 0, 0, time.UTC),
			Place: "Riverside Surgery", BookingURL: "https://book.example/flu"},
		{Slug: "ppg-meeting", Title: "Patient group meeting", URL: "/events/ppg-meeting", When: "Tuesday 13 October 2026, 6pm to 7pm", Online: true},
	}
	past := []Event{{Slug: "health-fair", Title: "Health fair", URL: "/events/health-fair", When: "Saturday 6 June 2026, 10am to 3pm", Place: "Anytown Library"}}
	vacancies := []Vacancy{
		{Slug: "nurse", Title: "Practice nurse", URL: "/vacancies/nurse", Summary: "Join our nursing team.",
			Body: template.HTML(`<p id="vacancy-body-marker">Vacancy body</p>`), Closes: "Closing date: 12 December 2026",
			Salary: "£35,000 to £42,000 a year", Hours: "30 hours a week", ApplyURL: "https://jobs.example/nurse"},
		{Slug: "receptionist", Title: "Receptionist", URL: "/vacancies/receptionist", Closes: "Closing date: 1 December 2026"},
	}
	return Page{
		Site: Site{
			Name:        "High Fives PCN",
			Description: "Five GP practices working together in Anytown",
			BaseURL:     "https://highfives.example",
			Nav: []NavLink{
				{Title: "Appointments", URL: "/appointments"},
				{Title: "About us", URL: "/about", Current: true},
				{Title: "Contact us", URL: "/contact"},
			},
			Footer: []NavLink{
				{Title: "Accessibility statement", URL: "/accessibility"},
				{Title: "Privacy", URL: "/privacy"},
				{Title: "Cookies", URL: "/cookies"},
			},
			Phone:        "01632 960 000",
			Email:        "hello@highfives.example",
			Social:       []NavLink{{Title: "Facebook", URL: "https://facebook.example/highfives"}},
			NHSIdentity:  true,
			Announcement: &Notice{Title: "Flu vaccinations", Text: "Book your flu vaccination at your practice.", Until: "until 2 January 2027"},
		},
		Title:        hostileTitle,
		Description:  "About the PCN & its practices",
		Path:         "/about",
		CanonicalURL: "https://highfives.example/about",
		NoIndex:      true,
		Body:         template.HTML(`<p class="nhsuk-body" id="body-marker">Trusted <strong>body</strong></p>`),
		Updated:      updated,
		Status:       404,
		Message:      `Message <b>not bold</b>`,
		Children: []NavLink{
			{Title: "Enhanced access", URL: "/enhanced-access"},
			{Title: "Social prescribing", URL: "/social-prescribing"},
		},
		ReviewDue:   reviewDue,
		Breadcrumbs: []NavLink{{Title: "Home", URL: "/"}, {Title: "Parent page", URL: "/parent"}},
		FeedURL:     "/news/feed.xml",
		OGType:      "article",
		JSONLD: map[string]any{
			"@context": "https://schema.org", "@type": "MedicalOrganization",
			"name": hostileLD, "telephone": "+441632960000", "numberOfPractices": 3,
		},
		Home: &Home{Tiles: []Tile{
			{Title: "Make, change or cancel an appointment", Description: "Contact your GP practice.", URL: "/appointments"},
			{Title: "Get a repeat prescription online", URL: "/prescriptions"},
			{Title: "Evening and weekend appointments", Description: "6:30pm to 8pm on weekdays, 9am to 5pm on Saturdays.", URL: "/enhanced-access"},
		}},
		Practices: practices,
		Practice:  &practices[0],
		Services:  services,
		Service:   &services[0],
		Team:      staff,
		Sessions: []Session{
			{Days: "Monday to Friday", Times: "6:30pm to 8pm", Place: "Riverside Surgery", PlaceURL: "/practices/A81001", Clinicians: "GPs, nurses and pharmacists", HowToBook: "Call your own practice."},
			{Days: "Saturday", Times: "9am to 5pm", Place: "Hillside Medical Centre", PlaceURL: "/practices/A81002", Clinicians: "GPs and nurses", HowToBook: "Call your own practice or use the NHS App."},
		},
		Posts:     posts,
		Post:      &posts[0],
		Upcoming:  events,
		Past:      past,
		Event:     &events[0],
		Vacancies: vacancies,
		Vacancy:   &vacancies[0],
		Contact: &Contact{Phone: "01632 960 000", PhoneHref: "tel:+441632960000", Email: "hello@highfives.example",
			Address: []string{"High Fives PCN", "1 River Street", "Anytown", "AN1 1AA"}, Body: template.HTML(`<p id="contact-body-marker">Contact body</p>`)},
		Search: &Search{Query: "flu", Results: []SearchResult{
			{Title: "Flu vaccinations are open", URL: "/news/flu", Kind: "News", Snippet: "Book your flu vaccination."},
			{Title: "Saturday flu clinic", URL: "/events/flu-clinic", Kind: "Event", Snippet: "Walk in for your flu vaccination."},
		}},
		Legal: &Legal{
			Organisation: "High Fives PCN", Controller: "High Fives Primary Care Network Ltd", Email: "hello@highfives.example",
			Phone: "01632 960 000", Address: []string{"1 River Street", "Anytown", "AN1 1AA"}, DPO: "dpo@highfives.example",
			Compliance: "partial", KnownIssues: []string{"Some older PDF documents are not accessible to screen readers."},
			Prepared: "24 November 2026", LastReviewed: "25 November 2026", SiteURL: "https://highfives.example/",
		},
	}
}

func render(t *testing.T, r *Registry, theme, name string, p Page) string {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Render(&buf, theme, name, p); err != nil {
		t.Fatalf("Render(%s, %s): %v", theme, name, err)
	}
	return buf.String()
}

func parse(t *testing.T, s string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func elements(doc *html.Node, tag string) []*html.Node {
	var out []*html.Node
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			out = append(out, n)
		}
	})
	return out
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// checkDocument applies the structural, CSP and asset checks every page must pass.
func checkDocument(t *testing.T, r *Registry, out string) *html.Node {
	t.Helper()
	doc := parse(t, out)
	if !strings.HasPrefix(out, "<!DOCTYPE html>") {
		t.Errorf("no doctype at start")
	}
	htmlEl := elements(doc, "html")
	if len(htmlEl) != 1 {
		t.Fatalf("want one <html>, got %d", len(htmlEl))
	}
	if lang, _ := attr(htmlEl[0], "lang"); lang != "en-GB" {
		t.Errorf("html lang = %q, want en-GB", lang)
	}
	if h1 := elements(doc, "h1"); len(h1) != 1 {
		t.Errorf("want exactly one <h1>, got %d", len(h1))
	} else if text(h1[0]) == "" {
		t.Errorf("empty <h1>")
	}
	mains := elements(doc, "main")
	if len(mains) != 1 {
		t.Errorf("want exactly one <main>, got %d", len(mains))
	} else if id, _ := attr(mains[0], "id"); id != "maincontent" {
		t.Errorf("<main id=%q>, want maincontent", id)
	}
	var skip bool
	for _, a := range elements(doc, "a") {
		if href, _ := attr(a, "href"); href == "#maincontent" && text(a) == "Skip to main content" {
			skip = true
		}
	}
	if !skip {
		t.Errorf("no skip link to #maincontent")
	}
	if titles := elements(doc, "title"); len(titles) != 1 || text(titles[0]) == "" {
		t.Errorf("want one non-empty <title>")
	}
	var viewport bool
	for _, m := range elements(doc, "meta") {
		if name, _ := attr(m, "name"); name == "viewport" {
			viewport = true
		}
	}
	if !viewport {
		t.Errorf("no <meta name=viewport>")
	}
	if n := len(elements(doc, "style")); n != 0 {
		t.Errorf("%d inline <style> elements (CSP style-src 'self')", n)
	}
	ids := map[string]bool{}
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		for _, a := range n.Attr {
			switch {
			case a.Key == "style":
				t.Errorf("<%s style=%q> (CSP style-src 'self')", n.Data, a.Val)
			case strings.HasPrefix(a.Key, "on"):
				t.Errorf("<%s %s=...> inline event handler", n.Data, a.Key)
			case a.Key == "id":
				if ids[a.Val] {
					t.Errorf("duplicate id %q", a.Val)
				}
				ids[a.Val] = true
			}
		}
	})
	var ld int
	for _, s := range elements(doc, "script") {
		src, ok := attr(s, "src")
		typ, _ := attr(s, "type")
		if typ == "application/ld+json" {
			// A data block: not executed, so the CSP does not apply to it.
			ld++
			if ok || !isChildOf(s, "head") {
				t.Errorf("JSON-LD script with src or outside <head>")
			}
			continue
		}
		if !ok || src == "" || s.FirstChild != nil {
			t.Errorf("inline <script> (CSP script-src 'self')")
		}
		if typ != "module" {
			t.Errorf("<script src=%q> type=%q, want module", src, typ)
		}
	}
	if ld > 1 {
		t.Errorf("%d JSON-LD scripts, want at most one", ld)
	}
	// Every /static/ URL resolves; stylesheets, scripts and icons are never third-party.
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		for _, a := range n.Attr {
			if a.Key != "href" && a.Key != "src" {
				continue
			}
			if strings.HasPrefix(a.Val, "/static/") {
				if _, ok := r.Asset(a.Val); !ok {
					t.Errorf("<%s %s=%q> does not resolve through Asset()", n.Data, a.Key, a.Val)
				}
			}
			if (n.Data == "script" || (n.Data == "link" && !isCanonical(n) && !isFeed(n))) && !strings.HasPrefix(a.Val, "/static/") {
				t.Errorf("<%s %s=%q> is not a /static/ asset", n.Data, a.Key, a.Val)
			}
		}
	})
	return doc
}

func isCanonical(n *html.Node) bool {
	rel, _ := attr(n, "rel")
	return rel == "canonical"
}

func isFeed(n *html.Node) bool {
	rel, _ := attr(n, "rel")
	typ, _ := attr(n, "type")
	return rel == "alternate" && typ == "application/atom+xml"
}

func isChildOf(n *html.Node, tag string) bool {
	return n.Parent != nil && n.Parent.Type == html.ElementNode && n.Parent.Data == tag
}

// checkA11y applies the WCAG 2.2 AA checks that can be made on markup:
// heading levels never skip (the first heading may be the h2 of an
// announcement above the h1), every table has a caption and scoped header
// cells, every image has alt text, every link has text, and one link text
// never leads to two places.
func checkA11y(t *testing.T, doc *html.Node) {
	t.Helper()
	prev := 0
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode || len(n.Data) != 2 || n.Data[0] != 'h' || n.Data[1] < '1' || n.Data[1] > '6' {
			return
		}
		level := int(n.Data[1] - '0')
		if (prev == 0 && level > 2) || (prev > 0 && level > prev+1) {
			t.Errorf("heading <%s>%s</%s> follows h%d", n.Data, text(n), n.Data, prev)
		}
		if text(n) == "" {
			t.Errorf("empty <%s>", n.Data)
		}
		prev = level
	})
	for _, tbl := range elements(doc, "table") {
		caps := elements(tbl, "caption")
		if len(caps) != 1 || text(caps[0]) == "" || tbl.FirstChild == nil {
			t.Errorf("table without a caption")
		}
		ths := elements(tbl, "th")
		if len(ths) == 0 {
			t.Errorf("table without header cells")
		}
		for _, th := range ths {
			if scope, _ := attr(th, "scope"); scope != "col" && scope != "row" {
				t.Errorf("<th>%s</th> scope=%q", text(th), scope)
			}
		}
	}
	for _, img := range elements(doc, "img") {
		if _, ok := attr(img, "alt"); !ok {
			src, _ := attr(img, "src")
			t.Errorf("<img src=%q> without alt", src)
		}
	}
	dest := map[string]string{}
	for _, a := range elements(doc, "a") {
		href, ok := attr(a, "href")
		if !ok {
			continue
		}
		name := text(a)
		if name == "" {
			for _, img := range elements(a, "img") {
				name, _ = attr(img, "alt")
			}
		}
		if name == "" {
			t.Errorf("link to %q has no text", href)
			continue
		}
		if d, ok := dest[name]; ok && d != href {
			t.Errorf("link text %q leads to %q and %q", name, d, href)
		}
		dest[name] = href
	}
}

func titleOf(doc *html.Node) string { return text(elements(doc, "title")[0]) }

func TestLoad(t *testing.T) {
	r := mustLoad(t)
	if got, want := r.Themes(), []string{"civic", "default"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Themes() = %v, want %v", got, want)
	}
	for _, th := range r.Themes() {
		if !r.HasTheme(th) {
			t.Errorf("HasTheme(%q) = false", th)
		}
	}
	if r.HasTheme("platform") {
		t.Errorf("platform must not be a tenant theme")
	}
}

func TestRenderEveryPage(t *testing.T) {
	r := mustLoad(t)
	for _, th := range r.Themes() {
		for _, name := range RequiredPages {
			for _, tc := range []struct {
				label string
				page  Page
			}{{"full", fullPage()}, {"empty", Page{}}} {
				t.Run(th+"/"+name+"/"+tc.label, func(t *testing.T) {
					out := render(t, r, th, name, tc.page)
					doc := checkDocument(t, r, out)
					checkA11y(t, doc)
					if tc.label == "full" {
						checkFull(t, th, name, out, doc)
					} else {
						checkEmpty(t, name, out, doc)
					}
				})
			}
		}
	}
}

// Pages that show Page.Body, and pages that show the review dates.
var (
	bodyPages     = map[string]bool{"home": true, "page": true}
	reviewedPages = map[string]bool{
		"home": true, "page": true, "contact": true, "practices": true, "practice": true, "services": true,
		"service": true, "team": true, "enhanced-access": true, "accessibility": true, "privacy": true, "cookies": true,
	}
	noCrumbPages = map[string]bool{"home": true, "notfound": true, "error": true, "unavailable": true}
)

// link finds an <a> by its text (visually hidden text included).
func link(doc *html.Node, linkText string) (href string, ok bool) {
	for _, a := range elements(doc, "a") {
		if text(a) == linkText {
			return attr(a, "href")
		}
	}
	return "", false
}

func wantLink(t *testing.T, doc *html.Node, linkText, wantHref string) {
	t.Helper()
	href, ok := link(doc, linkText)
	if !ok {
		t.Errorf("no link %q", linkText)
	} else if href != wantHref {
		t.Errorf("link %q href = %q, want %q", linkText, href, wantHref)
	}
}

func wantText(t *testing.T, doc *html.Node, want ...string) {
	t.Helper()
	all := text(doc)
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("page lacks text %q", w)
		}
	}
}

func byClass(doc *html.Node, class string) []*html.Node {
	var out []*html.Node
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		c, _ := attr(n, "class")
		for _, f := range strings.Fields(c) {
			if f == class {
				out = append(out, n)
				return
			}
		}
	})
	return out
}

// tags returns the text of each NHS.UK tag, with its colour class.
func tags(doc *html.Node) []string {
	var out []string
	for _, n := range byClass(doc, "nhsuk-tag") {
		c, _ := attr(n, "class")
		out = append(out, text(n)+" "+strings.TrimSpace(strings.TrimPrefix(c, "nhsuk-tag")))
	}
	return out
}

func headingTexts(doc *html.Node, tag string) []string {
	var out []string
	for _, h := range elements(doc, tag) {
		out = append(out, text(h))
	}
	return out
}

func checkFull(t *testing.T, theme, name, out string, doc *html.Node) {
	p := fullPage()
	if strings.Contains(out, hostileTitle) || strings.Contains(out, "<b>not bold</b>") || strings.Contains(out, "<script>alert") {
		t.Errorf("tenant text not escaped")
	}
	wantTitle := hostileTitle + " - High Fives PCN"
	wantH1 := hostileTitle
	switch name {
	case "home":
		wantTitle, wantH1 = "High Fives PCN", "High Fives PCN"
	case "notfound":
		wantTitle, wantH1 = "Page not found - High Fives PCN", "Page not found"
	case "error":
		wantTitle, wantH1 = "Sorry, there is a problem with the service - High Fives PCN", "Sorry, there is a problem with the service"
	case "unavailable":
		wantTitle, wantH1 = "Sorry, this website is not available at the moment - High Fives PCN", "Sorry, this website is not available at the moment"
	case "search":
		wantH1 = "Search"
	}
	if got := titleOf(doc); got != wantTitle {
		t.Errorf("<title> = %q, want %q", got, wantTitle)
	}
	if h1 := text(elements(doc, "h1")[0]); h1 != wantH1 {
		t.Errorf("<h1> = %q, want %q", h1, wantH1)
	}
	body := strings.Contains(out, `<p class="nhsuk-body" id="body-marker">Trusted <strong>body</strong></p>`)
	if bodyPages[name] != body {
		t.Errorf("Body shown = %v on %s", body, name)
	}
	all := text(doc)
	reviewed := strings.Contains(all, "Page last reviewed: 2 January 2026") && strings.Contains(all, "Next review due: 2 July 2026")
	if reviewedPages[name] != reviewed {
		t.Errorf("review dates shown = %v on %s", reviewed, name)
	}
	if (name == "notfound" || name == "error") && !strings.Contains(out, "Message &lt;b&gt;not bold&lt;/b&gt;") {
		t.Errorf("%s lacks the escaped Message", name)
	}

	// Breadcrumbs: Home, then the parents; the current page is not a link.
	var crumbs []string
	for _, nav := range elements(doc, "nav") {
		if l, _ := attr(nav, "aria-label"); l == "Breadcrumb" {
			for _, li := range elements(nav, "li") {
				a := elements(li, "a")
				if len(a) != 1 {
					t.Errorf("breadcrumb item %q is not a link", text(li))
					continue
				}
				href, _ := attr(a[0], "href")
				crumbs = append(crumbs, text(a[0])+"="+href)
			}
		}
	}
	if noCrumbPages[name] {
		if crumbs != nil {
			t.Errorf("%s has breadcrumbs", name)
		}
	} else if !reflect.DeepEqual(crumbs, []string{"Home=/", "Parent page=/parent"}) {
		t.Errorf("breadcrumbs = %q", crumbs)
	}

	// Head: description, Open Graph, canonical, robots, feed, JSON-LD.
	metas := map[string]string{}
	for _, m := range elements(doc, "meta") {
		k, _ := attr(m, "name")
		if k == "" {
			k, _ = attr(m, "property")
		}
		metas[k], _ = attr(m, "content")
	}
	wantDesc := p.Description
	wantOGTitle := p.Title
	if name == "home" {
		wantOGTitle = p.Title // the page's own title; <title> is the site's name
	}
	for k, v := range map[string]string{
		"description": wantDesc, "og:description": wantDesc, "og:title": wantOGTitle, "og:type": "article",
		"og:url": p.CanonicalURL, "og:site_name": p.Site.Name, "robots": "noindex",
	} {
		if metas[k] != v {
			t.Errorf("meta %s = %q, want %q", k, metas[k], v)
		}
	}
	var canonical, feed bool
	for _, l := range elements(doc, "link") {
		href, _ := attr(l, "href")
		canonical = canonical || (isCanonical(l) && href == p.CanonicalURL)
		if isFeed(l) {
			title, _ := attr(l, "title")
			feed = href == p.FeedURL && title == "News"
		}
	}
	if !canonical || !feed {
		t.Errorf("canonical link %v, feed link %v", canonical, feed)
	}
	checkJSONLD(t, doc, p.JSONLD)

	// Header: search form, "Menu" toggle, "Providing NHS services".
	var search bool
	for _, f := range elements(doc, "form") {
		action, _ := attr(f, "action")
		method, _ := attr(f, "method")
		if action == "/search" && method == "get" {
			for _, in := range elements(f, "input") {
				if n, _ := attr(in, "name"); n == "q" {
					search = true
				}
			}
		}
	}
	for _, lbl := range elements(doc, "label") {
		if f, _ := attr(lbl, "for"); f == "search-field" && text(lbl) != "Search" {
			t.Errorf("search label = %q", text(lbl))
		}
	}
	header := elements(doc, "header")
	if len(header) != 1 {
		t.Fatalf("want one <header>")
	}
	var menu bool
	for _, b := range elements(header[0], "button") {
		if id, _ := attr(b, "id"); id == "toggle-menu" {
			menu = text(b) == "Menu"
		}
	}
	if !menu || !strings.Contains(text(header[0]), "High Fives PCN Providing NHS services") {
		t.Errorf("header: Menu button %v, NHS identity line %q", menu, text(header[0]))
	}

	// The announcement: a warning callout inside <main>, before the content.
	main := elements(doc, "main")[0]
	callouts := byClass(main, "nhsuk-card--warning")
	if len(callouts) == 0 || !strings.HasPrefix(text(callouts[0]), "Important: Flu vaccinations Book your flu vaccination at your practice. This applies until 2 January 2027.") {
		t.Errorf("no announcement callout in <main>")
	}

	// Footer: support links, contact details, social links, copyright.
	var copyright bool
	for _, f := range elements(doc, "footer") {
		copyright = copyright || strings.Contains(text(f), "© High Fives PCN")
		for _, l := range p.Site.Footer {
			if !strings.Contains(text(f), l.Title) {
				t.Errorf("footer lacks %q", l.Title)
			}
		}
		wantLink(t, f, "01632 960 000", "tel:+441632960000")
		wantLink(t, f, "hello@highfives.example", "mailto:hello@highfives.example")
		wantLink(t, f, "Facebook", "https://facebook.example/highfives")
	}
	if !search || !copyright {
		t.Errorf("search=%v copyright=%v", search, copyright)
	}
	var current int
	for _, a := range elements(doc, "a") {
		if v, _ := attr(a, "aria-current"); v == "page" {
			current++
			if text(a) != "About us" {
				t.Errorf("aria-current on %q", text(a))
			}
		}
	}
	if current != 1 {
		t.Errorf("want one aria-current link, got %d", current)
	}
	if theme == "civic" && !strings.Contains(out, "/static/civic/civic.") {
		t.Errorf("civic page lacks civic.css")
	}
	if theme == "default" && strings.Contains(out, "/static/civic/") {
		t.Errorf("default page loads civic assets")
	}

	checkPageContent(t, name, out, doc)
}

// checkPageContent checks what each page type shows of fullPage().
func checkPageContent(t *testing.T, name, out string, doc *html.Node) {
	p := fullPage()
	main := elements(doc, "main")[0]
	switch name {
	case "home":
		wantText(t, doc, p.Site.Description)
		// Task tiles: clickable cards with h2 titles.
		var tiles []string
		for _, card := range byClass(main, "nhsuk-card--clickable") {
			for _, h := range elements(card, "h2") {
				tiles = append(tiles, text(h))
			}
		}
		if want := []string{p.Home.Tiles[0].Title, p.Home.Tiles[1].Title, p.Home.Tiles[2].Title}; !reflect.DeepEqual(tiles, want) {
			t.Errorf("tiles = %q, want %q", tiles, want)
		}
		wantLink(t, main, p.Home.Tiles[0].Title, p.Home.Tiles[0].URL)
		// Contact a practice: name link, tel: link, today's hours, status.
		if !reflect.DeepEqual(headingTexts(main, "h2"), []string{"Important: Flu vaccinations", "Make, change or cancel an appointment",
			"Get a repeat prescription online", "Evening and weekend appointments", "Contact a practice", "Latest news"}) {
			t.Errorf("home h2s = %q", headingTexts(main, "h2"))
		}
		for _, pr := range p.Practices {
			wantLink(t, main, pr.Name, pr.URL)
			want := pr.PhoneHref
			if want == "" {
				want = "tel:+44" + strings.ReplaceAll(pr.Phone, " ", "")[1:]
			}
			wantLink(t, main, pr.Phone, want)
		}
		wantText(t, main, "Open Open now – closes at 6:30pm", "Open today 8am to 6:30pm",
			"Closed Closed – opens at 8am tomorrow", "Opening times: Not available")
		if got := tags(main); !reflect.DeepEqual(got, []string{"Open nhsuk-tag--green", "Closed nhsuk-tag--grey"}) {
			t.Errorf("home tags = %q", got)
		}
		// Latest news: 3 posts and "All news".
		for i, post := range p.Posts {
			if _, ok := link(main, post.Title); ok != (i < 3) {
				t.Errorf("post %d shown = %v", i, ok)
			}
		}
		wantLink(t, main, "All news", "/news")
		wantText(t, main, "Published 1 October 2026")
	case "page":
		if len(elements(doc, "nav")) < 2 {
			t.Errorf("page lacks breadcrumbs")
		}
	case "practices":
		if got := headingTexts(main, "h2"); !reflect.DeepEqual(got[1:], []string{"Riverside Surgery", "Hillside Medical Centre", "Valley Practice"}) {
			t.Errorf("practices h2 = %q", got)
		}
		for _, pr := range p.Practices {
			wantLink(t, main, pr.Name, pr.URL)
		}
		wantLink(t, main, "01632 960 003", "tel:+441632960003")
		wantText(t, main, "Address 1 River Street Anytown AN1 1AA", "Phone 01632 960 001", "Open today 8am to 6:30pm", "Open today Closed", "Open today Not available")
		if got := tags(main); !reflect.DeepEqual(got, []string{"Open nhsuk-tag--green", "Closed nhsuk-tag--grey"}) {
			t.Errorf("practices tags = %q", got)
		}
	case "practice":
		pr := p.Practice
		if got := tags(main); !reflect.DeepEqual(got, []string{"Open nhsuk-tag--green"}) {
			t.Errorf("practice tags = %q", got)
		}
		wantText(t, main, "Open Open now – closes at 6:30pm", "Address 1 River Street Anytown AN1 1AA",
			"Accessibility "+pr.Accessibility, "Friday 25 December to Monday 28 December: Closed (Christmas)",
			"Thursday 14 January: 8am to 1pm (Staff training)")
		wantLink(t, main, pr.Phone, pr.PhoneHref)
		wantLink(t, main, pr.Email, "mailto:"+pr.Email)
		wantLink(t, main, pr.Website, pr.Website)
		wantLink(t, main, "Find Riverside Surgery on a map", "https://www.openstreetmap.org/search?query=AN1%201AA")
		wantLink(t, main, "Make, change or cancel an appointment", pr.AppointmentsURL)
		wantLink(t, main, "Get a repeat prescription online", pr.PrescriptionsURL)
		wantLink(t, main, "Join the surgery", pr.RegistrationURL)
		tables := elements(main, "table")
		if len(tables) != 1 || text(elements(tables[0], "caption")[0]) != "Opening times" {
			t.Fatalf("no opening times table")
		}
		rows := elements(elements(tables[0], "tbody")[0], "tr")
		if len(rows) != 7 {
			t.Fatalf("%d rows", len(rows))
		}
		for i, row := range rows {
			strong := len(elements(row, "strong")) > 0
			today := strings.Contains(text(row), "(today)")
			if strong != pr.Week[i].Today || today != pr.Week[i].Today {
				t.Errorf("row %q: strong %v, (today) %v", text(row), strong, today)
			}
		}
		if text(rows[2]) != "Wednesday (today) 8am to 1pm and 2pm to 6:30pm" {
			t.Errorf("today's row = %q", text(rows[2]))
		}
	case "services":
		for _, sv := range p.Services {
			wantLink(t, main, sv.Name, sv.URL)
			wantText(t, main, sv.Summary)
		}
		if got := tags(main); !reflect.DeepEqual(got, []string{"Self-refer nhsuk-tag--blue"}) {
			t.Errorf("services tags = %q", got)
		}
	case "service":
		sv := p.Service
		if l := byClass(main, "nhsuk-lede-text"); len(l) != 1 || text(l[0]) != sv.Summary {
			t.Errorf("no lede")
		}
		wantText(t, main, sv.WhoFor, sv.HowToAccess, "Self-refer You can refer yourself", "Sam Patel", "Jo Smith")
		if !strings.Contains(out, `<p id="service-body-marker">Service body</p>`) {
			t.Errorf("service body not shown")
		}
	case "team":
		if got := headingTexts(main, "h2"); !reflect.DeepEqual(got[1:], []string{"Social prescribing", "Pharmacy", "Working across the network"}) {
			t.Errorf("team groups = %q", got)
		}
		if got := headingTexts(main, "h3"); !reflect.DeepEqual(got, []string{"Sam Patel", "Jo Smith", "Alex Jones", "Chris Lee"}) {
			t.Errorf("team names = %q", got)
		}
		imgs := elements(main, "img")
		if len(imgs) != 1 {
			t.Fatalf("%d photos, want 1", len(imgs))
		}
		if alt, _ := attr(imgs[0], "alt"); alt != "Sam Patel" {
			t.Errorf("photo alt = %q", alt)
		}
		wantText(t, main, "Social prescribing link worker, Social prescribing", "Sam helps people", "Operations manager")
	case "enhanced-access":
		wantText(t, main, "from 6:30pm to 8pm, Monday to Friday", "from 9am to 5pm on Saturdays")
		tables := elements(main, "table")
		if len(tables) != 1 || len(elements(tables[0], "tr")) != 3 {
			t.Fatalf("no sessions table")
		}
		wantLink(t, main, "Riverside Surgery", "/practices/A81001")
		wantText(t, tables[0], "Monday to Friday", "6:30pm to 8pm", "GPs, nurses and pharmacists", "Call your own practice or use the NHS App.")
	case "news":
		wantLink(t, main, "Subscribe (Atom feed)", p.FeedURL)
		for _, post := range p.Posts {
			wantLink(t, main, post.Title, post.URL)
			wantText(t, main, post.Summary)
		}
		wantText(t, main, "Published 2 January 2026")
	case "post":
		wantText(t, main, "Published 1 October 2026")
		if !strings.Contains(out, `<p id="post-body-marker">Post body</p>`) {
			t.Errorf("post body not shown")
		}
	case "events":
		if got := headingTexts(main, "h2"); !reflect.DeepEqual(got[1:], []string{"Upcoming events", "Past events"}) {
			t.Errorf("events h2 = %q", got)
		}
		for _, e := range append(p.Upcoming, p.Past...) {
			wantLink(t, main, e.Title, e.URL)
			wantText(t, main, "When "+e.When)
		}
		wantText(t, main, "Where Riverside Surgery", "Where Online", "Where Anytown Library")
	case "event":
		e := p.Event
		wantText(t, main, "When "+e.When, "Where "+e.Place)
		wantLink(t, main, "Book a place", e.BookingURL)
		wantLink(t, main, "Add to calendar", e.ICSURL)
		var button bool
		for _, b := range byClass(main, "nhsuk-button") {
			role, _ := attr(b, "role")
			button = b.Data == "a" && role == "button"
		}
		if !button || !strings.Contains(out, `<p id="event-body-marker">Event body</p>`) {
			t.Errorf("button %v or body missing", button)
		}
	case "vacancies":
		for _, v := range p.Vacancies {
			wantLink(t, main, v.Title, v.URL)
			wantText(t, main, v.Closes)
		}
	case "vacancy":
		v := p.Vacancy
		wantText(t, main, v.Closes, "Salary "+v.Salary, "Hours "+v.Hours)
		wantLink(t, main, "Apply for this job", v.ApplyURL)
		if !strings.Contains(out, `<p id="vacancy-body-marker">Vacancy body</p>`) {
			t.Errorf("vacancy body not shown")
		}
	case "contact":
		wantLink(t, main, "01632 960 000", "tel:+441632960000")
		wantLink(t, main, "hello@highfives.example", "mailto:hello@highfives.example")
		wantLink(t, main, "111.nhs.uk", "https://111.nhs.uk/")
		wantText(t, main, "Address High Fives PCN 1 River Street Anytown AN1 1AA", "call 111", "999")
		if len(byClass(main, "nhsuk-inset-text")) != 1 || !strings.Contains(out, `<p id="contact-body-marker">Contact body</p>`) {
			t.Errorf("inset or body missing")
		}
	case "search":
		var value string
		for _, in := range elements(main, "input") {
			value, _ = attr(in, "value")
		}
		if value != "flu" {
			t.Errorf("search input value = %q", value)
		}
		wantText(t, main, "2 results for flu", "News", "Event", "Book your flu vaccination.")
		for _, res := range p.Search.Results {
			wantLink(t, main, res.Title, res.URL)
		}
		if got := tags(main); !reflect.DeepEqual(got, []string{"News nhsuk-tag--white", "Event nhsuk-tag--white"}) {
			t.Errorf("search tags = %q", got)
		}
	case "accessibility":
		wantText(t, main,
			"This accessibility statement applies to https://highfives.example/.",
			"This website is run by High Fives PCN.",
			"This website is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, due to the non-compliances listed below.",
			"High Fives PCN is committed to making its website accessible, in accordance with the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018.",
			"The Equality and Human Rights Commission (EHRC) is responsible for enforcing",
			"contact the Equality Advisory and Support Service (EASS)",
			p.Legal.KnownIssues[0],
			"This statement was prepared on 24 November 2026. It was last reviewed on 25 November 2026.",
		)
		want := []string{"How accessible this website is", "Feedback and contact information",
			"Reporting accessibility problems with this website", "Enforcement procedure",
			"Technical information about this website's accessibility", "Non-accessible content",
			"How we tested this website", "Preparation of this accessibility statement"}
		if got := headingTexts(main, "h2"); !reflect.DeepEqual(got[1:], want) {
			t.Errorf("statement sections = %q", got)
		}
		wantLink(t, main, "hello@highfives.example", "mailto:hello@highfives.example")
	case "privacy":
		wantText(t, main, "High Fives Primary Care Network Ltd is the data controller", "dpo@highfives.example",
			"We do not use analytics", "held by your GP practice")
		wantLink(t, main, "Find out more about the National Data Opt-out and make your choice", "https://www.nhs.uk/your-nhs-data-matters/")
		wantLink(t, main, "complain to the Information Commissioner's Office (ICO)", "https://ico.org.uk/make-a-complaint/")
	case "cookies":
		wantText(t, main, "This website does not set any cookies on the pages you can see.", "there is no cookie banner", "strictly necessary")
	}
}

// checkEmpty checks the empty states of a zero Page.
func checkEmpty(t *testing.T, name, out string, doc *html.Node) {
	t.Helper()
	want := map[string]string{
		"practices":       "There are no practices listed at the moment.",
		"practice":        "Details of this practice are not available.",
		"services":        "There are no services listed at the moment.",
		"service":         "Details of this service are not available.",
		"team":            "There is no one listed at the moment.",
		"enhanced-access": "There are no evening or weekend sessions listed at the moment.",
		"news":            "There is no news at the moment.",
		"events":          "There are no upcoming events at the moment.",
		"vacancies":       "There are no vacancies at the moment.",
		"accessibility":   "This website is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard",
	}[name]
	if want != "" {
		wantText(t, doc, want)
	}
	if len(byClass(doc, "nhsuk-tag")) != 0 || len(byClass(doc, "nhsuk-card--warning")) != 0 {
		t.Errorf("empty page shows a tag or callout")
	}
	if strings.Contains(out, "application/ld+json") || strings.Contains(out, "application/atom+xml") {
		t.Errorf("empty page has JSON-LD or a feed link")
	}
	if name == "search" && (len(elements(doc, "ul")) > 0 || strings.Contains(text(doc), "result")) {
		t.Errorf("empty search shows results")
	}
}

// checkJSONLD parses the JSON-LD data block and compares it with want.
func checkJSONLD(t *testing.T, doc *html.Node, want any) {
	t.Helper()
	var blocks []string
	for _, s := range elements(doc, "script") {
		if typ, _ := attr(s, "type"); typ == "application/ld+json" && s.FirstChild != nil {
			blocks = append(blocks, s.FirstChild.Data)
		}
	}
	if len(blocks) != 1 {
		t.Fatalf("%d JSON-LD blocks", len(blocks))
	}
	var got, exp any
	if err := json.Unmarshal([]byte(blocks[0]), &got); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, blocks[0])
	}
	b, _ := json.Marshal(want)
	_ = json.Unmarshal(b, &exp)
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("JSON-LD = %v, want %v", got, exp)
	}
}

func TestRenderDetails(t *testing.T) {
	r := mustLoad(t)

	// No robots meta unless asked (the error pages always send it).
	p := fullPage()
	p.NoIndex = false
	if out := render(t, r, "default", "page", p); strings.Contains(out, `name="robots"`) {
		t.Errorf("robots meta without NoIndex")
	}
	if out := render(t, r, "default", "notfound", Page{}); !strings.Contains(out, `<meta name="robots" content="noindex">`) {
		t.Errorf("notfound page is indexable")
	}

	// Logo image with the site's name as alt text.
	p.Site.LogoURL = "/media/logo.png"
	doc := parse(t, render(t, r, "default", "page", p))
	var logo bool
	for _, img := range elements(doc, "img") {
		src, _ := attr(img, "src")
		alt, _ := attr(img, "alt")
		logo = logo || (src == p.Site.LogoURL && alt == p.Site.Name)
	}
	if !logo {
		t.Errorf("no logo img with alt = site name")
	}

	// Unsafe URLs from tenant data are neutralised by html/template.
	p.Site.Nav = []NavLink{{Title: "x", URL: "javascript:alert(1)"}}
	if out := render(t, r, "default", "page", p); strings.Contains(out, "javascript:") {
		t.Errorf("javascript: URL rendered")
	}

	// Unknown theme falls back to default, byte for byte.
	if a, b := render(t, r, "no-such-theme", "page", fullPage()), render(t, r, "default", "page", fullPage()); a != b {
		t.Errorf("unknown theme does not render as default")
	}

	// Unknown page: error, nothing written.
	var buf bytes.Buffer
	if err := r.Render(&buf, "default", "nope", Page{}); !errors.Is(err, ErrUnknownPage) || buf.Len() != 0 {
		t.Errorf("unknown page: err=%v, wrote %d bytes", err, buf.Len())
	}
	if err := r.RenderPlatform(&buf, "nope", Platform{}); !errors.Is(err, ErrUnknownPage) || buf.Len() != 0 {
		t.Errorf("unknown platform page: err=%v, wrote %d bytes", err, buf.Len())
	}
}

func TestRenderPlatform(t *testing.T) {
	r := mustLoad(t)
	wantH1 := map[string]string{
		"unknown-host": "No website at this address",
		"suspended":    "This website is temporarily unavailable",
		"bad-request":  "Sorry, there is a problem with this web address",
	}
	for _, name := range RequiredPlatformPages {
		for _, tc := range []struct {
			label string
			data  Platform
		}{
			{"empty", Platform{}},
			{"full", Platform{Title: hostileTitle, Status: 503, Message: "Back on <Monday>", Detail: "Detail & more"}},
		} {
			t.Run(name+"/"+tc.label, func(t *testing.T) {
				var buf bytes.Buffer
				if err := r.RenderPlatform(&buf, name, tc.data); err != nil {
					t.Fatal(err)
				}
				out := buf.String()
				doc := checkDocument(t, r, out)
				h1 := text(elements(doc, "h1")[0])
				if tc.label == "empty" {
					if h1 != wantH1[name] || titleOf(doc) != wantH1[name] {
						t.Errorf("h1 %q title %q, want %q", h1, titleOf(doc), wantH1[name])
					}
					return
				}
				if h1 != hostileTitle || strings.Contains(out, hostileTitle) {
					t.Errorf("Title not shown escaped")
				}
				if !strings.Contains(out, "Back on &lt;Monday&gt;") || !strings.Contains(out, "Detail &amp; more") {
					t.Errorf("Message/Detail not shown escaped")
				}
				if strings.Contains(out, "nhsuk-header") {
					t.Errorf("platform page has a (tenant) header")
				}
			})
		}
	}
}

var (
	strongETag = regexp.MustCompile(`^"[0-9a-f]{32}"$`)
	hashedURL  = regexp.MustCompile(`^/static/[a-z0-9-]+/(?:[^/]+/)*[^/]+\.([0-9a-f]{8})(?:\.[a-z0-9]+)?$`)
	staticRef  = regexp.MustCompile(`/static/[A-Za-z0-9._/-]+`)
)

func TestAssets(t *testing.T) {
	r := mustLoad(t)
	urls := r.AssetURLs()
	if len(urls) == 0 {
		t.Fatal("no assets")
	}
	for _, u := range urls {
		a, ok := r.Asset(u)
		if !ok {
			t.Fatalf("Asset(%q) not found", u)
		}
		zr, err := gzip.NewReader(bytes.NewReader(a.Gzip))
		if err != nil {
			t.Fatalf("%s: gzip: %v", u, err)
		}
		inflated, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(inflated, a.Body) {
			t.Errorf("%s: gzip does not inflate to Body (err %v)", u, err)
		}
		if !strongETag.MatchString(a.ETag) {
			t.Errorf("%s: ETag %q is not strong and quoted", u, a.ETag)
		}
		if a.ContentType == "" || a.ContentType == "application/octet-stream" {
			t.Errorf("%s: content type %q", u, a.ContentType)
		}
		m := hashedURL.FindStringSubmatch(u)
		sum := sha256.Sum256(a.Body)
		if m == nil || m[1] != hex.EncodeToString(sum[:])[:8] {
			t.Errorf("%s: URL does not carry the content hash", u)
		}
		if strings.HasSuffix(u, ".css") || strings.HasSuffix(u, ".js") {
			for _, ref := range staticRef.FindAllString(string(a.Body), -1) {
				if _, ok := r.Asset(ref); !ok {
					t.Errorf("%s refers to %s, which does not resolve", u, ref)
				}
			}
		}
		if strings.HasSuffix(u, ".css") {
			body := string(a.Body)
			for _, bad := range []string{"/assets/", "http://", "https://", "@font-face", "sourceMappingURL"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s contains %q", u, bad)
				}
			}
		}
	}
	for _, miss := range []string{
		"/static/default/nhsuk-frontend.min.css", // unhashed
		"/assets/images/nhsuk-icon-cross.svg",
		"/static/default/../civic/civic.css",
		"",
	} {
		if _, ok := r.Asset(miss); ok {
			t.Errorf("Asset(%q) found", miss)
		}
	}
}

func findAsset(t *testing.T, r *Registry, prefix string) (string, Asset) {
	t.Helper()
	for _, u := range r.AssetURLs() {
		if strings.HasPrefix(u, prefix) {
			a, _ := r.Asset(u)
			return u, a
		}
	}
	t.Fatalf("no asset %s*", prefix)
	return "", Asset{}
}

func TestInitScript(t *testing.T) {
	r := mustLoad(t)
	var jsURL string
	for _, u := range r.AssetURLs() {
		if strings.HasPrefix(u, "/static/default/nhsuk-frontend.min.") && strings.HasSuffix(u, ".js") {
			jsURL = u
		}
	}
	_, init := findAsset(t, r, "/static/default/init.")
	body := string(init.Body)
	if !strings.Contains(body, `from '`+jsURL+`'`) {
		t.Errorf("init.js does not import %s:\n%s", jsURL, body)
	}
	for _, want := range []string{"js-enabled", "nhsuk-frontend-supported", "initAll()"} {
		if !strings.Contains(body, want) {
			t.Errorf("init.js lacks %q", want)
		}
	}
	if a, _ := r.Asset(jsURL); !strings.Contains(string(a.Body), "initAll") || !strings.HasPrefix(a.ContentType, "text/javascript") {
		t.Errorf("nhsuk-frontend JS does not export initAll or has type %q", a.ContentType)
	}
}

// TestAssetBudget reports (go test -v) and bounds what a first visit downloads.
func TestAssetBudget(t *testing.T) {
	r := mustLoad(t)
	var css, js, cssGz, jsGz int
	for _, u := range r.AssetURLs() {
		a, _ := r.Asset(u)
		switch {
		case strings.HasSuffix(u, ".css") && strings.HasPrefix(u, "/static/default/"):
			css, cssGz = css+len(a.Body), cssGz+len(a.Gzip)
		case strings.HasSuffix(u, ".js"):
			js, jsGz = js+len(a.Body), jsGz+len(a.Gzip)
		}
		t.Logf("%-60s %7d bytes, %6d gzip", u, len(a.Body), len(a.Gzip))
	}
	t.Logf("default CSS %d bytes (%d gzip), JS %d bytes (%d gzip)", css, cssGz, js, jsGz)
	if cssGz+jsGz > 50<<10 {
		t.Errorf("CSS+JS gzip = %d bytes, over the 50 KiB budget", cssGz+jsGz)
	}
}

func TestConcurrentRender(t *testing.T) {
	r := mustLoad(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				if err := r.Render(io.Discard, "civic", RequiredPages[j%len(RequiredPages)], fullPage()); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// A minimal valid tree for the fail-fast tests.
func minimalFS() fstest.MapFS {
	layout := `{{define "base"}}<html><link href="{{asset "a.css"}}">{{block "content" .}}{{end}}</html>{{end}}`
	fsys := fstest.MapFS{
		"default/layouts/base.html":   {Data: []byte(layout)},
		"default/static/a.css":        {Data: []byte(`.x{background:url(/assets/images/i.svg)}`)},
		"default/static/images/i.svg": {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
		"platform/layouts/base.html":  {Data: []byte(layout)},
	}
	for _, p := range RequiredPages {
		fsys["default/pages/"+p+".html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}` + p + `{{end}}`)}
	}
	for _, p := range RequiredPlatformPages {
		fsys["platform/pages/"+p+".html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}` + p + `{{end}}`)}
	}
	return fsys
}

func TestLoadFailsFast(t *testing.T) {
	if _, err := load(minimalFS()); err != nil {
		t.Fatalf("minimal tree: %v", err)
	}
	cases := map[string]func(fstest.MapFS){
		"missing required page": func(f fstest.MapFS) { delete(f, "default/pages/error.html") },
		"unknown parent": func(f fstest.MapFS) {
			f["kid/theme.json"] = &fstest.MapFile{Data: []byte(`{"parent":"nope"}`)}
			f["kid/pages/home.html"] = &fstest.MapFile{Data: []byte(`x`)}
		},
		"theme without required pages": func(f fstest.MapFS) {
			f["bare/pages/home.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}x{{end}}`)}
			f["bare/layouts/base.html"] = f["default/layouts/base.html"]
		},
		"missing platform page": func(f fstest.MapFS) { delete(f, "platform/pages/suspended.html") },
		"no base layout":        func(f fstest.MapFS) { delete(f, "default/layouts/base.html") },
		"template parse error":  func(f fstest.MapFS) { f["default/pages/page.html"].Data = []byte(`{{define "content"}}{{.Nope`) },
		"template exec error": func(f fstest.MapFS) {
			f["default/pages/page.html"].Data = []byte(`{{define "content"}}{{.Nope}}{{end}}`)
		},
		"unknown asset": func(f fstest.MapFS) {
			f["default/pages/page.html"].Data = []byte(`{{define "content"}}{{asset "b.css"}}{{end}}`)
		},
		"css refers to missing": func(f fstest.MapFS) { delete(f, "default/static/images/i.svg") },
		"css refers to other site": func(f fstest.MapFS) {
			f["default/static/a.css"].Data = []byte(`@font-face{src:url(https://fonts.example/f.woff2)}`)
		},
		"js imports missing": func(f fstest.MapFS) {
			f["default/static/m.js"] = &fstest.MapFile{Data: []byte(`import { x } from './gone.js'`)}
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			f := minimalFS()
			mutate(f)
			_, err := load(f)
			if err == nil {
				t.Fatalf("load succeeded")
			}
			t.Log(err)
		})
	}
}

func TestChildThemeInheritsAndOverrides(t *testing.T) {
	f := minimalFS()
	f["kid/theme.json"] = &fstest.MapFile{Data: []byte(`{"parent":"default"}`)}
	f["kid/pages/home.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}kid home {{asset "k.css"}}{{end}}`)}
	f["kid/static/k.css"] = &fstest.MapFile{Data: []byte(`.k{background:url(images/i.svg)}`)}
	f["kid/static/images/i.svg"] = &fstest.MapFile{Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>`)}
	r, err := load(f)
	if err != nil {
		t.Fatal(err)
	}
	var home, page bytes.Buffer
	if err := r.Render(&home, "kid", "home", Page{}); err != nil {
		t.Fatal(err)
	}
	if err := r.Render(&page, "kid", "page", Page{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(home.String(), "kid home /static/kid/k.") || !strings.Contains(home.String(), "/static/default/a.") {
		t.Errorf("kid home = %q", home.String())
	}
	if !strings.Contains(page.String(), ">page<") {
		t.Errorf("kid page not inherited: %q", page.String())
	}
	_, k := findAsset(t, r, "/static/kid/k.")
	if !strings.Contains(string(k.Body), "url(/static/kid/images/i.") {
		t.Errorf("relative url() not resolved in the child theme: %s", k.Body)
	}
}

func TestFormatDate(t *testing.T) {
	if got := formatDate(time.Date(2006, 1, 2, 23, 0, 0, 0, time.UTC)); got != "2 January 2006" {
		t.Errorf("formatDate = %q", got)
	}
	if formatDate(time.Time{}) != "" {
		t.Errorf("zero date not empty")
	}
	if got := hashedName("a/b.min.css", "deadbeef"); got != "a/b.min.deadbeef.css" {
		t.Errorf("hashedName = %q", got)
	}
}

func BenchmarkRenderPage(b *testing.B) {
	r := mustLoad(b)
	p := fullPage()
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Render(io.Discard, "default", "page", p); err != nil {
			b.Fatal(err)
		}
	}
}

// poison appends a marker with markup to every string field reachable from
// v (not template.HTML, which is trusted, sanitised HTML), and records the
// field paths.
func poison(v reflect.Value, path string, fields map[string]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			poison(v.Elem(), path, fields)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			poison(v.Field(i), path+"."+v.Type().Field(i).Name, fields)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			poison(v.Index(i), fmt.Sprintf("%s[%d]", path, i), fields)
		}
	case reflect.String:
		if v.Type() != reflect.TypeFor[string]() || !v.CanSet() {
			return
		}
		fields[path] = true
		v.SetString(v.String() + `<x-hostile>` + path + `</x-hostile>"'&`)
	}
}

// Fields that are only ever used in URLs (where markup is percent-encoded)
// or not shown at all.
var notShown = regexp.MustCompile(`(^\.Path|\.Slug|\.ODSCode|URL|Href|\.MapQuery|\.Site\.BaseURL|\.Legal\.Compliance)$`)

var (
	indexRe  = regexp.MustCompile(`\[\d+\]`)
	listRe   = regexp.MustCompile(`^\.(Practices|Posts|Upcoming|Past|Vacancies|Services)\.`)
	singular = map[string]string{"Practices": ".Practice.", "Posts": ".Post.", "Upcoming": ".Event.", "Past": ".Event.", "Vacancies": ".Vacancy.", "Services": ".Service."}
)

// fieldKind names a field without list indexes, a list item's field as the
// single item's (".Practices[1].Email" is ".Practice.Email").
func fieldKind(path string) string {
	path = indexRe.ReplaceAllString(path, "")
	if m := listRe.FindStringSubmatch(path); m != nil {
		path = singular[m[1]] + path[len(m[0]):]
	}
	return path
}

func TestEscapingEveryField(t *testing.T) {
	r := mustLoad(t)
	p := fullPage()
	// Distinct practices and posts, not pointers into the lists.
	pr, post, ev, vac, svc := *p.Practice, *p.Post, *p.Event, *p.Vacancy, *p.Service
	p.Practice, p.Post, p.Event, p.Vacancy, p.Service = &pr, &post, &ev, &vac, &svc
	fields := map[string]bool{}
	poison(reflect.ValueOf(&p).Elem(), "", fields)
	if len(fields) < 100 {
		t.Fatalf("only %d string fields poisoned", len(fields))
	}
	shown := map[string]bool{}
	noTiles := p
	noTiles.Home = nil // the home page shows Children instead
	for _, th := range r.Themes() {
		for _, name := range append(RequiredPages, "home-without-tiles") {
			out := ""
			if name == "home-without-tiles" {
				out = render(t, r, th, "home", noTiles)
			} else {
				out = render(t, r, th, name, p)
			}
			if strings.Contains(strings.ToLower(out), "<x-hostile") {
				t.Errorf("%s/%s: unescaped markup from tenant data", th, name)
			}
			doc := checkDocument(t, r, out)
			if n := len(elements(doc, "x-hostile")); n != 0 {
				t.Errorf("%s/%s: %d injected elements", th, name, n)
			}
			for _, s := range elements(doc, "script") {
				if typ, _ := attr(s, "type"); typ == "application/ld+json" {
					var v any
					if err := json.Unmarshal([]byte(s.FirstChild.Data), &v); err != nil {
						t.Errorf("%s/%s: JSON-LD: %v", th, name, err)
					}
				}
			}
			for f := range fields {
				if strings.Contains(out, "&lt;x-hostile&gt;"+f+"&lt;/x-hostile&gt;") {
					shown[fieldKind(f)] = true
				}
			}
		}
	}
	// Each field must be shown somewhere, on a list or on its own page.
	for f := range fields {
		if k := fieldKind(f); !shown[k] && !notShown.MatchString(f) {
			t.Errorf("field %s is never shown (escaped) on any page", k)
		}
	}
}

func TestJSONLD(t *testing.T) {
	r := mustLoad(t)
	type person struct {
		Type string `json:"@type"`
		Name string `json:"name"`
	}
	for label, ld := range map[string]any{
		"map":        map[string]any{"@type": "Event", "name": hostileLD, "n": 1.5, "list": []any{"a</script>", nil, true}},
		"struct":     &person{Type: "Person", Name: "</SCRIPT >Jo & <!--"},
		"rawmessage": json.RawMessage(`{"@type":"Thing","name":"</script><script>x()</script>"}`),
		"string":     "</script>",
	} {
		t.Run(label, func(t *testing.T) {
			p := fullPage()
			p.JSONLD = ld
			out := render(t, r, "default", "home", p)
			if n := strings.Count(strings.ToLower(out), "</script"); n != 2 { // init.js and the JSON-LD block
				t.Errorf("%d </script> in output, want 2", n)
			}
			doc := checkDocument(t, r, out)
			checkJSONLD(t, doc, ld)
		})
	}
	// No block for nil, or for a typed nil map.
	for _, ld := range []any{nil, map[string]any(nil)} {
		p := fullPage()
		p.JSONLD = ld
		if out := render(t, r, "default", "home", p); strings.Contains(out, "ld+json") {
			t.Errorf("JSON-LD block for %#v", ld)
		}
	}
}

func TestPracticeWithoutHours(t *testing.T) {
	r := mustLoad(t)
	p := fullPage()
	pr := p.Practices[2] // StatusKnown false, no Week
	p.Practice = &pr
	for _, th := range r.Themes() {
		doc := checkDocument(t, r, render(t, r, th, "practice", p))
		checkA11y(t, doc)
		main := elements(doc, "main")[0]
		if len(byClass(main, "nhsuk-tag")) != 0 || len(elements(main, "table")) != 0 {
			t.Errorf("tag or table without hours")
		}
		wantText(t, main, "Opening times: Not available", "Call the practice to check when it is open.")
		if strings.Contains(text(main), "Do it online") {
			t.Errorf("Do it online without links")
		}
	}
	// Only the links that are set.
	pr = p.Practices[0]
	pr.AppointmentsURL, pr.RegistrationURL = "", ""
	p.Practice = &pr
	doc := parse(t, render(t, r, "default", "practice", p))
	if _, ok := link(doc, "Make, change or cancel an appointment"); ok {
		t.Errorf("appointments link without URL")
	}
	if _, ok := link(doc, "Join the surgery"); ok {
		t.Errorf("registration link without URL")
	}
	wantLink(t, doc, "Get a repeat prescription online", pr.PrescriptionsURL)
}

func TestSearchStates(t *testing.T) {
	r := mustLoad(t)
	for _, tc := range []struct {
		search   *Search
		want     []string
		unwanted []string
	}{
		{nil, nil, []string{"result", "No results"}},
		{&Search{}, nil, []string{"result", "No results"}},
		{&Search{Query: "<b>zz</b>"}, []string{"No results found for <b>zz</b>", "double-checking your spelling"}, []string{"0 results"}},
		{&Search{Query: "flu", Results: []SearchResult{{Title: "Flu", URL: "/news/flu", Kind: "News"}}}, []string{"1 result for flu"}, []string{"No results"}},
	} {
		p := fullPage()
		p.Search = tc.search
		out := render(t, r, "default", "search", p)
		doc := checkDocument(t, r, out)
		checkA11y(t, doc)
		main := elements(doc, "main")[0]
		wantText(t, main, tc.want...)
		for _, u := range tc.unwanted {
			if strings.Contains(text(main), u) {
				t.Errorf("search %+v shows %q", tc.search, u)
			}
		}
		var labelled bool
		for _, lbl := range elements(main, "label") {
			f, _ := attr(lbl, "for")
			labelled = f == "search-page-field" && text(lbl) == "Search"
		}
		if !labelled {
			t.Errorf("search field not labelled Search")
		}
	}
}

func TestHeaderAndCrumbVariants(t *testing.T) {
	r := mustLoad(t)
	p := fullPage()
	p.Site.NHSIdentity = false
	p.Site.Announcement = nil
	p.Breadcrumbs = []NavLink{{Title: "Home", URL: "/"}, {Title: "News", URL: "/news"}, {Title: "This post", URL: "/news/x", Current: true}}
	for _, th := range r.Themes() {
		out := render(t, r, th, "post", p)
		doc := checkDocument(t, r, out)
		checkA11y(t, doc)
		if strings.Contains(out, "Providing NHS services") || len(byClass(doc, "nhsuk-card--warning")) != 0 {
			t.Errorf("identity line or announcement shown when not set")
		}
		if _, ok := link(doc, "This post"); ok {
			t.Errorf("current page linked in breadcrumbs")
		}
		wantLink(t, doc, "Back to News", "/news")
	}
	// nil Breadcrumbs: Home only.
	p.Breadcrumbs = nil
	doc := parse(t, render(t, r, "default", "page", p))
	wantLink(t, doc, "Back to Home", "/")
	// Without navigation there is no menu button.
	p.Site.Nav = nil
	if out := render(t, r, "default", "page", p); strings.Contains(out, "toggle-menu") {
		t.Errorf("menu button without navigation")
	}
	// A logo with the NHS identity line.
	p = fullPage()
	p.Site.LogoURL = "/media/logo.png"
	doc = parse(t, render(t, r, "default", "page", p))
	if !strings.Contains(text(elements(doc, "header")[0]), "Providing NHS services") {
		t.Errorf("no identity line with a logo")
	}
}

func TestTelURL(t *testing.T) {
	for _, tc := range []struct{ href, phone, want string }{
		{"tel:+441632960001", "", "tel:+441632960001"},
		{"", "01632 960 001", "tel:+441632960001"},
		{"", "+44 (0)1632 960001", "tel:+4401632960001"},
		{"", "0044 1632 960001", "tel:+441632960001"},
		{"javascript:alert(1)", "111", "tel:111"},
		{"tel:1<2", "", ""},
		{"", "none", ""},
		{"", "", ""},
	} {
		if got := telURL(tc.href, tc.phone); string(got) != tc.want {
			t.Errorf("telURL(%q, %q) = %q, want %q", tc.href, tc.phone, got, tc.want)
		}
	}
}

func TestStaffGroups(t *testing.T) {
	got := staffGroups([]Staff{{Name: "a", Service: "x"}, {Name: "b"}, {Name: "c", Service: "x"}})
	if len(got) != 2 || got[0].Service != "x" || len(got[0].Staff) != 2 || got[1].Service != "" || got[1].Staff[0].Name != "b" {
		t.Errorf("staffGroups = %+v", got)
	}
}
