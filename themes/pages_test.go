package themes

// What each page type shows of its own data: one check per page type,
// called by TestRenderEveryPage for fullPage(), and the variants of the
// practice and search pages.

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// pageContent checks what each page type shows of fullPage(), by page name.
// The notfound, error and unavailable pages show nothing of their own beyond
// what checkFull checks.
var pageContent = map[string]func(t *testing.T, p Page, out string, doc, main *html.Node){
	"home":             checkHome,
	"page":             checkPage,
	"practices":        checkPractices,
	"practice":         checkPractice,
	"services":         checkServices,
	"service":          checkService,
	"team":             checkTeam,
	"enhanced-access":  checkEnhancedAccess,
	"news":             checkNews,
	"post":             checkPost,
	"events":           checkEvents,
	"event":            checkEvent,
	"vacancies":        checkVacancies,
	"vacancy":          checkVacancy,
	"contact":          checkContact,
	"search":           checkSearch,
	"accessibility":    checkAccessibility,
	"privacy":          checkPrivacy,
	"cookies":          checkCookies,
	"appointments":     checkGuide("fill in Riverside Surgery's online form", "https://riverside.example/ask", "By phone: call 01632 960 002"),
	"prescriptions":    checkGuide("Get a repeat prescription online from Riverside Surgery", "https://riverside.example/prescriptions", "To find out how to order, call 01632 960 002"),
	"test-results":     checkGuide("Get test results from Riverside Surgery", "https://riverside.example/results", "To ask for your results, call 01632 960 002"),
	"fit-notes":        checkGuide("Ask Riverside Surgery for a fit note", "https://riverside.example/fit-notes", "To ask for a fit note, call 01632 960 002"),
	"register":         checkGuide("Register with Riverside Surgery online", "https://riverside.example/register", "You do not need proof of address, ID or immigration status to register"),
	"health-online":    checkGuide("Get test results", "https://riverside.example/results", "To find out which online services the practice offers, call 01632 960 002"),
	"proxy-access":     checkGuide("NHS App", "https://www.nhs.uk/nhs-app/", "To ask Hillside Medical Centre, call 01632 960 002"),
	"complaints":       checkGuide("What you can expect from Riverside Surgery: You and Your General Practice", "https://riverside.example/charter", "you can complain to NHS Anytown ICB instead"),
	"holding":          checkHolding,
	"feedback":         checkFeedback,
	"feedback-results": checkFeedbackResults,
	"patient-group":    checkGuide("", "", "We meet every month to talk about <b>not bold</b> services. Anyone can come.", "Email ppg@highfives.example."),
}

// checkGuide checks a generated template page (NHS England's content
// templates): the link a practice with data has, the text shown for one
// without (its phone number as a tel: link), and never "emergency
// appointment".
func checkGuide(linkText, href string, texts ...string) func(t *testing.T, p Page, out string, doc, main *html.Node) {
	return func(t *testing.T, p Page, out string, doc, main *html.Node) {
		if linkText != "" {
			wantLink(t, main, linkText, href)
		}
		wantText(t, main, texts...)
		if strings.Contains(strings.ToLower(text(doc)), "emergency appointment") {
			t.Errorf("the page says \"emergency appointment\"")
		}
		if strings.Contains(out, "&lt;b&gt;not bold") && !strings.Contains(out, "<b>not bold</b>") {
			return // the patient group page shows the group, not the practices
		}
		if href, ok := link(main, "01632 960 002"); !ok || href != "tel:+441632960002" {
			t.Errorf("no tel: link for Hillside Medical Centre, which has no links of its own")
		}
	}
}

// checkPageContent checks what each page type shows of fullPage().
func checkPageContent(t *testing.T, name, out string, doc *html.Node) {
	p := fullPage()
	main := elements(doc, "main")[0]
	if check := pageContent[name]; check != nil {
		check(t, p, out, doc, main)
	}
}

// checkHome: the site's description, the task tiles, a way to contact each
// practice with today's opening times, and the latest three news posts.
func checkHome(t *testing.T, p Page, out string, doc, main *html.Node) {
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
		"Get a repeat prescription online", "Evening and weekend appointments", "Contact a practice", "Latest news", "Upcoming events"}) {
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
	// The tag says "Open now" and the text goes on from it: each thing
	// is said once (before, "Open Open now", "Closed Closed now").
	wantText(t, main, "Open now – closes at 6:30pm", "Open today 8am to 6:30pm",
		"Closed now – opens at 8am tomorrow", "Opening times: Not available")
	sayOnce(t, main)
	if got := tags(main); !reflect.DeepEqual(got, []string{"Open now nhsuk-tag--green", "Closed now nhsuk-tag--grey"}) {
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
	// Upcoming events: each with when and where, and "All events".
	for _, e := range p.Upcoming {
		wantLink(t, main, e.Title, e.URL)
		wantText(t, main, e.When)
		if e.Where != "" {
			wantText(t, main, e.When+e.Where)
		}
	}
	wantLink(t, main, "All events", "/events")
}

// sayOnce fails when a status is said twice in a row: a tag followed by
// text that repeats it ("Closed Closed now"), or a place said to be online
// twice ("Online video call, and online").
func sayOnce(t *testing.T, main *html.Node) {
	t.Helper()
	all := text(main)
	for _, twice := range []string{"Open Open", "Closed Closed", "Open now Open now", "Closed now Closed now", "Closed today Closed today"} {
		if strings.Contains(all, twice) {
			t.Errorf("the page says %q", twice)
		}
	}
	// Once today's opening is over, no "Open today" row contradicts
	// "Closed now": Hillside (closed, no TodayHours) has none.
	if n := strings.Count(all, "Open today"); n > 2 {
		t.Errorf("%d rows say \"Open today\", want one for Riverside and one for Valley (not available)", n)
	}
}

// checkPage: a content page, with its breadcrumbs.
func checkPage(t *testing.T, p Page, out string, doc, main *html.Node) {
	if len(elements(doc, "nav")) < 2 {
		t.Errorf("page lacks breadcrumbs")
	}
	// A shared page says who it is from, and a shared notice too.
	wantText(t, main, "From "+p.SharedFrom)
	wantText(t, main, p.Site.Shared[0].Title)
}

// checkPractices: every practice with its address, phone and whether it is open.
func checkPractices(t *testing.T, p Page, out string, doc, main *html.Node) {
	if got := headingTexts(main, "h2"); !reflect.DeepEqual(got[1:], []string{"Riverside Surgery", "Hillside Medical Centre", "Valley Practice"}) {
		t.Errorf("practices h2 = %q", got)
	}
	for _, pr := range p.Practices {
		wantLink(t, main, pr.Name, pr.URL)
	}
	wantLink(t, main, "01632 960 003", "tel:+441632960003")
	wantText(t, main, "Address 1 River Street Anytown AN1 1AA", "Phone 01632 960 001", "Open today 8am to 6:30pm", "Opening times: Not available")
	if strings.Contains(text(main), "Open today Not available") {
		t.Errorf("a practice without hours says they are not available twice")
	}
	sayOnce(t, main)
	if got := tags(main); !reflect.DeepEqual(got, []string{"Open now nhsuk-tag--green", "Closed now nhsuk-tag--grey"}) {
		t.Errorf("practices tags = %q", got)
	}
}

// checkPractice: one practice: status, contact details, online links, closures and
// the week's opening times with today marked.
func checkPractice(t *testing.T, p Page, out string, doc, main *html.Node) {
	pr := p.Practice
	if got := tags(main); !reflect.DeepEqual(got, []string{"Open now nhsuk-tag--green"}) {
		t.Errorf("practice tags = %q", got)
	}
	sayOnce(t, main)
	wantText(t, main, "Open now – closes at 6:30pm", "Address 1 River Street Anytown AN1 1AA",
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
}

// checkServices: every service with its summary, and a tag for self-referral.
func checkServices(t *testing.T, p Page, out string, doc, main *html.Node) {
	for _, sv := range p.Services {
		wantLink(t, main, sv.Name, sv.URL)
		wantText(t, main, sv.Summary)
	}
	if got := tags(main); !reflect.DeepEqual(got, []string{"Self-refer nhsuk-tag--blue"}) {
		t.Errorf("services tags = %q", got)
	}
}

// checkService: one service: lede, who it is for, how to get it, its staff and body.
func checkService(t *testing.T, p Page, out string, doc, main *html.Node) {
	sv := p.Service
	if l := byClass(main, "nhsuk-lede-text"); len(l) != 1 || text(l[0]) != sv.Summary {
		t.Errorf("no lede")
	}
	wantText(t, main, sv.WhoFor, sv.HowToAccess, "Self-refer You can refer yourself", "Sam Patel", "Jo Smith")
	if !strings.Contains(out, `<p id="service-body-marker">Service body</p>`) {
		t.Errorf("service body not shown")
	}
}

// checkTeam: the staff grouped by service, with photos only where given.
func checkTeam(t *testing.T, p Page, out string, doc, main *html.Node) {
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
}

// checkEnhancedAccess: the sessions table, and no hours but the sessions'
// own (before, every site claimed 6:30pm to 8pm and Saturdays whether or
// not anyone entered a session).
func checkEnhancedAccess(t *testing.T, p Page, out string, doc, main *html.Node) {
	wantText(t, main, "You may be able to get an appointment in the evening or at the weekend")
	if strings.Contains(text(main), "from 6:30pm to 8pm") || strings.Contains(text(main), "from 9am to 5pm") {
		t.Errorf("the page states hours outside the sessions table")
	}
	tables := elements(main, "table")
	if len(tables) != 1 || len(elements(tables[0], "tr")) != 3 {
		t.Fatalf("no sessions table")
	}
	wantLink(t, main, "Riverside Surgery", "/practices/A81001")
	wantText(t, tables[0], "Monday to Friday", "6:30pm to 8pm", "GPs, nurses and pharmacists", "Call your own practice or use the NHS App.")
}

// checkNews: every post with its summary, and the feed link.
func checkNews(t *testing.T, p Page, out string, doc, main *html.Node) {
	wantLink(t, main, "Subscribe (Atom feed)", p.FeedURL)
	for _, post := range p.Posts {
		wantLink(t, main, post.Title, post.URL)
		wantText(t, main, post.Summary)
	}
	wantText(t, main, "Published 2 January 2026")
	// While there are events and vacancies, the news links to them.
	wantLink(t, main, "Upcoming events", "/events")
	wantLink(t, main, "Vacancies", "/vacancies")
}

// checkPost: one post: its date and body.
func checkPost(t *testing.T, p Page, out string, doc, main *html.Node) {
	wantText(t, main, "Published 1 October 2026")
	if !strings.Contains(out, `<p id="post-body-marker">Post body</p>`) {
		t.Errorf("post body not shown")
	}
}

// checkEvents: upcoming and past events, with when and where.
func checkEvents(t *testing.T, p Page, out string, doc, main *html.Node) {
	if got := headingTexts(main, "h2"); !reflect.DeepEqual(got[1:], []string{"Upcoming events", "Past events"}) {
		t.Errorf("events h2 = %q", got)
	}
	for _, e := range append(p.Upcoming, p.Past...) {
		wantLink(t, main, e.Title, e.URL)
		wantText(t, main, "When "+e.When)
	}
	wantText(t, main, "Where Riverside Surgery", "Where Online", "Where Anytown Library")
}

// checkEvent: one event: when, where, booking and calendar buttons, and its body.
func checkEvent(t *testing.T, p Page, out string, doc, main *html.Node) {
	e := p.Event
	wantText(t, main, "When "+e.When, "Where "+e.Where)
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
}

// checkVacancies: every vacancy with its closing date.
func checkVacancies(t *testing.T, p Page, out string, doc, main *html.Node) {
	for _, v := range p.Vacancies {
		wantLink(t, main, v.Title, v.URL)
		wantText(t, main, v.Closes)
	}
}

// checkVacancy: one vacancy: closing date, salary, hours, how to apply and its body.
func checkVacancy(t *testing.T, p Page, out string, doc, main *html.Node) {
	v := p.Vacancy
	wantText(t, main, v.Closes, "Salary "+v.Salary, "Hours "+v.Hours)
	wantLink(t, main, "Apply for this job", v.ApplyURL)
	if !strings.Contains(out, `<p id="vacancy-body-marker">Vacancy body</p>`) {
		t.Errorf("vacancy body not shown")
	}
}

// checkContact: the PCN's phone, email and address, and where to go for urgent help.
func checkContact(t *testing.T, p Page, out string, doc, main *html.Node) {
	wantLink(t, main, "01632 960 000", "tel:+441632960000")
	wantLink(t, main, "hello@highfives.example", "mailto:hello@highfives.example")
	wantLink(t, main, "111.nhs.uk", "https://111.nhs.uk/")
	wantText(t, main, "Address High Fives PCN 1 River Street Anytown AN1 1AA", "call 111", "999")
	if len(byClass(main, "nhsuk-inset-text")) != 1 || !strings.Contains(out, `<p id="contact-body-marker">Contact body</p>`) {
		t.Errorf("inset or body missing")
	}
}

// checkSearch: the query kept in the field, and each result with its kind.
func checkSearch(t *testing.T, p Page, out string, doc, main *html.Node) {
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
}

// checkAccessibility: the accessibility statement, in the sections of GOV.UK's sample.
func checkAccessibility(t *testing.T, p Page, out string, doc, main *html.Node) {
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
}

// checkPrivacy: the privacy notice: controller, data protection officer, the
// National Data Opt-out and the ICO.
func checkPrivacy(t *testing.T, p Page, out string, doc, main *html.Node) {
	wantText(t, main, "High Fives Primary Care Network Ltd is the data controller", "dpo@highfives.example",
		"We do not use analytics", "held by your GP practice",
		"You can tell us what you think using the Friends and Family Test and the contact form.",
		"your name and email address", "We do not keep your IP address", "12 months after you send the form")
	wantLink(t, main, "Find out more about the National Data Opt-out and make your choice", "https://www.nhs.uk/your-nhs-data-matters/")
	wantLink(t, main, "complain to the Information Commissioner's Office (ICO)", "https://ico.org.uk/make-a-complaint/")
}

// attrOf is n's attribute key, "" when it has none.
func attrOf(n *html.Node, key string) string { v, _ := attr(n, key); return v }

// hasAttr reports whether n has the attribute key.
func hasAttr(n *html.Node, key string) bool { _, ok := attr(n, key); return ok }

// checkFeedback: the form: the warning with each practice's online form or
// phone and 111, the error summary linking to the field, the FFT radios in
// a fieldset whose legend is the question, the chosen answer and practice,
// the token, the honeypot that no one tabs to, and the other forms.
func checkFeedback(t *testing.T, p Page, out string, doc, main *html.Node) {
	wantText(t, main, "This form is not for medical help", "There is a problem", p.Feedback.Refused, "Leave this empty")
	wantLink(t, main, "Riverside Surgery: contact the practice online", "https://riverside.example/ask")
	wantLink(t, main, "111.nhs.uk", "https://111.nhs.uk/")
	wantLink(t, main, "Your answer must be 2000 characters or fewer", "#text")
	wantLink(t, main, "Contact the PCN team", "/feedback/contact")
	wantLink(t, main, "Friends and Family Test results", "/feedback/results")
	legends := elements(main, "legend")
	if len(legends) != 1 || !strings.Contains(text(legends[0]), p.Feedback.Question) {
		t.Errorf("the question is not the radios' legend")
	}
	radios := 0
	for _, in := range elements(main, "input") {
		switch attrOf(in, "type") {
		case "radio":
			radios++
			if (attrOf(in, "value") == "2") != hasAttr(in, "checked") {
				t.Errorf("radio %s checked = %v", attrOf(in, "value"), hasAttr(in, "checked"))
			}
		case "hidden":
			if attrOf(in, "name") == "token" && attrOf(in, "value") != p.Feedback.Token {
				t.Errorf("token = %q", attrOf(in, "value"))
			}
		}
		if attrOf(in, "name") == "website" && (attrOf(in, "tabindex") != "-1" || attrOf(in, "autocomplete") != "off") {
			t.Errorf("the honeypot can be tabbed to or filled in by the browser")
		}
	}
	if radios != 6 {
		t.Errorf("%d radios, want the six FFT answers", radios)
	}
	for _, o := range elements(main, "option") {
		if hasAttr(o, "selected") && text(o) != "Riverside Surgery" {
			t.Errorf("selected option %q", text(o))
		}
	}
}

// checkFeedbackResults: a captioned table per month with each answer's
// count and the share of good answers; never free text.
func checkFeedbackResults(t *testing.T, p Page, out string, doc, main *html.Node) {
	wantText(t, main, "April 2026", "Riverside Surgery", "100%", "50%", "Very good or good")
	if len(elements(main, "caption")) != 1 {
		t.Errorf("want one captioned table")
	}
	if strings.Contains(out, "Ann Smith") || strings.Contains(out, "ann@example.com") {
		t.Errorf("the results page shows what a patient wrote")
	}
}

// checkCookies: the cookies page: none set, so no banner.
func checkCookies(t *testing.T, p Page, out string, doc, main *html.Node) {
	wantText(t, main, "This website does not set any cookies on the pages you can see.", "there is no cookie banner", "strictly necessary")
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

// checkHolding: the holding page of a site not launched yet asks not to be
// indexed, and gives each practice's phone as a tel:
// link and 111 and 999 for help now.
func checkHolding(t *testing.T, p Page, out string, doc, main *html.Node) {
	t.Helper()
	for _, want := range []string{`<meta name="robots" content="noindex">`, "Our new website is coming soon", "call 111", "Call 999"} {
		if !strings.Contains(out, want) {
			t.Errorf("holding page lacks %q", want)
		}
	}
	for _, pr := range p.Practices {
		if pr.Phone == "" {
			continue
		}
		if !strings.Contains(text(main), pr.Name) {
			t.Errorf("holding page lacks %s", pr.Name)
		}
		if href, ok := link(main, pr.Phone); !ok || !strings.HasPrefix(href, "tel:") {
			t.Errorf("holding page: %s's phone %q links to %q, want a tel: link", pr.Name, pr.Phone, href)
		}
	}
}
