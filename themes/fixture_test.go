package themes

// The fixture every rendering test shares: the loaded registry, a Page with
// every field set (fullPage) and render.

import (
	"bytes"
	"html/template"
	"testing"
	"time"
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
			PrescriptionsURL:      "https://riverside.example/prescriptions",
			OnlineConsultationURL: "https://riverside.example/ask", TestResultsURL: "https://riverside.example/results",
			FitNotesURL: "https://riverside.example/fit-notes", CharterURL: "https://riverside.example/charter",
			StatusKnown: true, Open: true, Status: "Open now", StatusDetail: "– closes at 6:30pm", TodayHours: "8am to 6:30pm",
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
			StatusKnown: true, Open: false, Status: "Closed now", StatusDetail: "– opens at 8am tomorrow",
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
			Where: "Riverside Surgery", BookingURL: "https://book.example/flu"},
		{Slug: "ppg-meeting", Title: "Patient group meeting", URL: "/events/ppg-meeting", When: "Tuesday 13 October 2026, 6pm to 7pm", Where: "Online"},
	}
	past := []Event{{Slug: "health-fair", Title: "Health fair", URL: "/events/health-fair", When: "Saturday 6 June 2026, 10am to 3pm", Where: "Anytown Library"}}
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
			Shared:       []Notice{{Title: "NHS 111 <changes>", Text: "Use 111 online first.", From: "NHS South Yorkshire ICB"}},
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
		SharedFrom:  "NHS South Yorkshire ICB",
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
		Guide: &Guide{ICB: "NHS Anytown ICB", PatientGroup: []string{"We meet every month to talk about <b>not bold</b> services.", "Anyone can come."},
			PatientGroupJoin: []string{"Email ppg@highfives.example."}},
		Legal: &Legal{
			Organisation: "High Fives PCN", Controller: "High Fives Primary Care Network Ltd", Email: "hello@highfives.example",
			Phone: "01632 960 000", Address: []string{"1 River Street", "Anytown", "AN1 1AA"}, DPO: "dpo@highfives.example",
			Compliance: "partial", KnownIssues: []string{"Some older PDF documents are not accessible to screen readers."},
			Prepared: "24 November 2026", LastReviewed: "25 November 2026", SiteURL: "https://highfives.example/",
			Feedback: &FeedbackNotice{Forms: "the Friends and Family Test and the contact form", Contact: true, Retention: "12 months"},
		},
		Feedback: &Feedback{
			Form: "fft", Action: "/feedback", Intro: "Tell us about your visit.",
			Question: "Overall, how was your experience of our service?",
			Answers: []Choice{{Value: "1", Label: "Very good"}, {Value: "2", Label: "Good", Selected: true}, {Value: "3", Label: "Neither good nor poor"},
				{Value: "4", Label: "Poor"}, {Value: "5", Label: "Very poor"}, {Value: "6", Label: "Don't know"}},
			Practices: []Choice{{Value: "7", Label: "Riverside Surgery", Selected: true}, {Value: "8", Label: "Hillside Medical Centre"}},
			Services:  []Choice{{Value: "9", Label: "Social prescribing"}},
			TextLabel: "Tell us why you gave this answer", TextHint: "Please do not include personal medical information.",
			Text:    hostileTitle,
			Contact: true, Name: "Ann Smith", ReplyTo: "ann@example.com",
			Token: "1.fft.1700000000.abcd.mac", Honeypot: "website",
			Errors:  []FieldError{{Field: "text", Message: "Your answer must be 2000 characters or fewer"}},
			Refused: "This form has expired. Check your answers and send it again.",
			Help: []HelpLink{{Name: "Riverside Surgery", OnlineURL: "https://riverside.example/ask", Phone: "01632 960 001", PhoneHref: "tel:+441632960001"},
				{Name: "Hillside Medical Centre", Phone: "01632 960 002", PhoneHref: "tel:+441632960002"}, {Name: "Lakeside Practice", URL: "/practices/A81003"}},
			Others:     []NavLink{{Title: "Contact the PCN team", URL: "/feedback/contact"}},
			ResultsURL: "/feedback/results",
		},
		FFTResults: &FFTResults{
			Question: "Overall, how was your experience of our service?",
			Answers:  []string{"Very good", "Good", "Neither good nor poor", "Poor", "Very poor", "Don't know"},
			Months: []FFTResultMonth{{Month: "April 2026", Rows: []FFTResultRow{
				{Name: "All practices", Counts: []int{3, 1, 0, 0, 0, 0}, Total: 4, GoodShare: "100%"},
				{Name: "Riverside Surgery", Counts: []int{1, 0, 0, 1, 0, 0}, Total: 2, GoodShare: "50%"},
			}}},
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
