package themes

import (
	"html/template"
	"time"
)

// Site is the per-tenant branding and navigation that every themed page shows.
// It is data, not code: two tenants on the same theme differ only here.
type Site struct {
	Name        string    // "High Fives PCN"
	Description string    // one line under the name, optional
	BaseURL     string    // canonical scheme://host[:port] of the tenant, no trailing slash
	LogoURL     string    // optional; when empty the theme shows the name as text
	Nav         []NavLink // primary navigation, in order (5–7 flat items)
	Footer      []NavLink // footer links (legal pages and the like)
	Phone       string    // network contact, optional
	Email       string
	Social      []NavLink // social media links (Title = "Facebook", URL absolute)
	// NHSIdentity shows "Providing NHS services" under the name (a
	// per-tenant choice; NHS identity rules allow primary care to use it).
	NHSIdentity bool
	// Announcement is an inline, time-limited notice (never a pop-up),
	// shown as a warning callout on every page when set.
	Announcement *Notice
	// Shared are the notices shared with the tenant by its ICB or
	// federation (From names them), or the tenant's own versions (From
	// empty), shown inline after the announcement.
	Shared []Notice
	// Holding: the site is not launched yet, and this is its holding page
	// (no search box: every path shows the same page).
	Holding bool
}

// Notice is a time-limited message shown inline.
type Notice struct {
	Title string
	Text  string
	Until string // formatted end date, "until 2 January 2027"; optional
	From  string // who shared it, "NHS South Yorkshire ICB"; optional
	// Links follow the text (a preview's "Stop previewing"); optional.
	Links []NavLink
}

// NavLink is one item of a navigation list.
type NavLink struct {
	Title   string
	URL     string // path on the tenant host, e.g. "/about"
	Current bool   // true on the page the link points to
}

// StandardNav is the navigation of a tenant that has not made its own
// menu, as the public site shows it and the admin's Menu page lists it:
// flat, five to seven items, news not among them (NHS England's guidance:
// Home, Appointments, Prescriptions, Services, About, Contact). The About
// place is "About us" when that page is published, else "Our practices";
// Events is there while an event is still to come. It returns a new slice
// each time.
func StandardNav(aboutPublished, upcomingEvents bool) []NavLink {
	about := NavLink{Title: "Our practices", URL: "/practices"}
	if aboutPublished {
		about = NavLink{Title: "About us", URL: "/about"}
	}
	out := []NavLink{
		{Title: "Home", URL: "/"},
		{Title: "Appointments", URL: "/appointments"},
		{Title: "Prescriptions", URL: "/prescriptions"},
		{Title: "Services", URL: "/services"},
		about,
	}
	if upcomingEvents {
		out = append(out, NavLink{Title: "Events", URL: "/events"})
	}
	return append(out, NavLink{Title: "Contact us", URL: "/contact"})
}

// Page is what every tenant page template receives.
type Page struct {
	Site         Site
	Title        string // the page's own title, without the site name
	Description  string // meta description, optional
	Path         string // request path, e.g. "/about"
	CanonicalURL string // absolute URL of this page
	NoIndex      bool   // add <meta name="robots" content="noindex"> (previews, error pages)
	Body         template.HTML
	Updated      time.Time // zero when unknown
	Status       int       // HTTP status for error pages (404, 500)
	Message      string    // plain-text message for error pages
	Children     []NavLink // for the home page: the site's pages as a list of links

	// Optional, per page type. Templates show what is set.
	ReviewDue   time.Time  // "Next review due" on content pages; zero hides it
	SharedFrom  string     // "page": who shared it ("From NHS South Yorkshire ICB" under the h1)
	Breadcrumbs []NavLink  // trail above the h1, Home first; nil: Home only
	FeedURL     string     // <link rel="alternate" type="application/atom+xml">
	OGType      string     // Open Graph type: "website" (default) or "article"
	JSONLD      any        // schema.org data, marshalled into <script type="application/ld+json">
	Home        *Home      // "home"
	Practices   []Practice // "practices"; "home" shows their phones and today's hours
	Practice    *Practice  // "practice"
	Services    []Service  // "services"
	Service     *Service   // "service"
	Team        []Staff    // "team"; "service" shows the service's own staff
	Sessions    []Session  // "enhanced-access"
	Posts       []Post     // "news" and "home" (latest)
	Post        *Post      // "post"
	Upcoming    []Event    // "events"
	Past        []Event    // "events"
	Event       *Event     // "event"
	Vacancies   []Vacancy  // "vacancies"
	Vacancy     *Vacancy   // "vacancy"
	Contact     *Contact   // "contact"
	Search      *Search    // "search"
	Legal       *Legal     // "accessibility", "privacy", "cookies"
	// Guide is for NHS England's content templates ("appointments",
	// "prescriptions", "test-results", "fit-notes", "register",
	// "health-online", "proxy-access", "complaints", "patient-group"),
	// which list each practice (Practices) with its own links.
	Guide *Guide
	// Feedback is the feedback forms' page ("feedback") and FFTResults the
	// published Friends and Family Test results ("feedback-results").
	Feedback   *Feedback
	FFTResults *FFTResults
}

// Guide holds what the generated template pages know beyond the
// practices. Each field is optional: a page without it says how to ask.
type Guide struct {
	ICB              string   // the integrated care board, "NHS South Yorkshire ICB"; "" when unknown
	PatientGroup     []string // the manager's description of the patient group, in paragraphs
	PatientGroupJoin []string // how to join it, in paragraphs
}

// Legal holds the facts the generated legal pages need.
type Legal struct {
	Organisation string // "High Fives PCN"
	Controller   string // data controller, defaults to the organisation
	Email        string // contact for accessibility problems and data requests
	Phone        string
	Address      []string
	DPO          string // data protection officer contact, optional
	// Accessibility statement (GOV.UK model).
	Compliance   string   // "full", "partial" or "not"
	KnownIssues  []string // content that is not accessible, and why
	Prepared     string   // "24 November 2026"
	LastReviewed string
	SiteURL      string
	// Feedback describes the feedback forms switched on, for the privacy
	// notice; nil when none is.
	Feedback *FeedbackNotice
}

// Home is the home page's own content.
type Home struct {
	Tiles []Tile // task tiles: contact a practice, appointments, prescriptions, …
}

// Tile is one task on the home page (NHS.UK card, clickable).
type Tile struct {
	Title       string
	Description string
	URL         string
}

// Practice is a member GP practice.
type Practice struct {
	ODSCode   string
	Name      string
	URL       string   // its page on this site, "/practices/A81001"
	Address   []string // lines, postcode last
	Phone     string   // as written, "01632 960 001"
	PhoneHref string   // "tel:+441632960001"
	Email     string
	Website   string // absolute URL, optional
	// Links patients need (each optional, absolute URLs).
	AppointmentsURL  string // online consultation / request an appointment
	RegistrationURL  string
	PrescriptionsURL string
	// Online consultation form, test results, fit notes and the "You and
	// Your General Practice" patient charter (each optional).
	OnlineConsultationURL string
	TestResultsURL        string
	FitNotesURL           string
	CharterURL            string
	// Opening state now, computed in Europe/London.
	StatusKnown   bool   // false: no hours recorded
	Open          bool   // open now
	Status        string // "Open now", "Closed now", "Closed today": shown as the tag
	StatusDetail  string // what follows the tag: "– closes at 6:30pm", "(Christmas Day) – opens at 8am on Tuesday"
	TodayHours    string // "8am to 6:30pm"; "" when unknown or when today's opening is over
	Week          []DayHours
	Exceptions    []ClosureNotice // upcoming closures and changed hours
	Accessibility string          // accessibility notes (plain text)
	MapQuery      string          // postcode, for a link to a map search; optional
}

// DayHours is one row of the weekly opening hours table.
type DayHours struct {
	Day   string // "Monday"
	Hours string // "8am to 1pm and 2pm to 6:30pm", "Closed"
	Today bool
}

// ClosureNotice is an upcoming exception to the usual hours.
type ClosureNotice struct {
	Dates  string // "Friday 25 December to Monday 28 December"
	Hours  string // "Closed" or "9am to 1pm"
	Reason string
}

// Service is a service the network offers (social prescribing, …).
type Service struct {
	Slug         string
	Name         string
	URL          string // "/services/social-prescribing"
	Summary      string
	Body         template.HTML // sanitised
	WhoFor       string        // who can use it
	HowToAccess  string        // how to be referred or self-refer
	SelfReferral bool
	Staff        []Staff
}

// Staff is a named member of the network's team.
type Staff struct {
	Name     string
	Role     string
	Service  string // service name, optional
	PhotoURL string // optional; same-origin
	Bio      string
}

// Session is one enhanced access (evening and weekend) session.
type Session struct {
	Days       string // "Monday to Friday", "Saturday"
	Times      string // "6:30pm to 8pm"
	Place      string // practice name
	PlaceURL   string // practice page
	Clinicians string // "GPs, nurses and pharmacists"
	HowToBook  string
}

// Post is a news post.
type Post struct {
	Slug      string
	Title     string
	URL       string
	Summary   string
	Body      template.HTML
	Published time.Time
}

// Event is an event (a flu clinic, a patient group meeting).
type Event struct {
	Slug    string
	Title   string
	URL     string
	ICSURL  string // "/events/flu-clinic.ics"
	Summary string
	Body    template.HTML
	When    string // "Saturday 3 October 2026, 9am to 1pm"
	Start   time.Time
	End     time.Time // zero when the event has no end
	// Where it is, said once: "Riverside Library", "Online",
	// "Riverside Library, and online".
	Where      string
	BookingURL string
}

// Vacancy is a job the network is recruiting for.
type Vacancy struct {
	Slug     string
	Title    string
	URL      string
	Summary  string
	Body     template.HTML
	Closes   string // "Closing date: 12 December 2026"
	Salary   string
	Hours    string
	ApplyURL string
}

// Contact is the network's contact page.
type Contact struct {
	Phone     string
	PhoneHref string
	Email     string
	Address   []string
	Body      template.HTML // extra text the manager wrote
}

// Search is the search page: the query and what matched.
type Search struct {
	Query   string
	Results []SearchResult
}

// SearchResult is one match.
type SearchResult struct {
	Title   string
	URL     string
	Kind    string // "Page", "News", "Service", "Practice", "Event", "Vacancy"
	Snippet string // plain text
}

// Platform is what the platform's own pages (unknown host, suspended site,
// bad request) receive. They carry no tenant branding.
type Platform struct {
	Title   string
	Status  int
	Message string
	Detail  string // optional second paragraph, plain text
	// SiteName and Phones are what the page of a suspended site tells
	// patients: the PCN's name, and its and its practices' phone numbers
	// (Name, Phone and PhoneHref of each). Both optional.
	SiteName string
	Phones   []Practice
	// ClosedOn ("30 September 2026", optional) and Moves are what the page
	// of a closed site (its PCN closed) tells patients: where each of its
	// practices went.
	ClosedOn string
	Moves    []Moved
}

// Moved is where one practice of a closed site went (Platform.Moves).
type Moved struct {
	Practice, Phone string
	// PCN is the network it is part of now ("" when none is known); URL is
	// that network's website, "" when it has no live one.
	PCN, URL string
}
