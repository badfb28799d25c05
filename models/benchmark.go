package models

import "time"

// NHS England's GP website benchmarking and improvement tool scores a
// website against 50 criteria in three sections, each as met well,
// adequately or inadequately. The tool itself is an Excel workbook that
// NHS England hands out (see "Step-by-step guide to improving general
// practice website online journeys" and PRN00651 "Creating a highly usable
// and accessible GP website for patients"); its criteria are not published
// as text we could copy or cite. What is public: 50 criteria, 3 sections,
// the first and largest being the seven patient journeys (make or request
// an appointment, change or cancel one, repeat prescription, fit note, test
// results, registering, contact details and opening times), and the rules
// of the guidance (5–7 flat menu items, a search box, no pop-ups or
// overlays, plain words and reading age 9–11, HTML not PDF, 12-hour times,
// review dates, the legal pages).
//
// So the list below is our own reconstruction from that guidance, in our
// own words, 50 criteria in three sections, NOT the workbook's wording or
// numbering. Each says whether software can check it:
//
//   - Check: a check of this tenant's data and content, whose gaps carry
//     the check's id (HealthIssue.Check); Health and Benchmark run them.
//   - Platform: met by the platform for every site (the theme and the
//     generated pages do it and their tests guard it), so it always passes.
//   - otherwise Person says what a person has to look at, and why software
//     cannot judge it.

// Sections of the benchmark, in order.
var BenchmarkSections = []BenchmarkSection{
	{1, "Patient journeys"},
	{2, "Content, navigation and design"},
	{3, "Accessibility, legal pages and trust"},
}

// BenchmarkSection is one of the benchmark's three sections.
type BenchmarkSection struct {
	Number int
	Title  string
}

// Criterion is one of the benchmark's 50 criteria, in our words.
type Criterion struct {
	ID      string // "1.02": section, then number
	Section int
	Text    string
	// Check is the HealthIssue.Check of this criterion's gaps; "" when
	// software does not check it.
	Check string
	// Subjects are the kinds of item (HealthSubject…) its gaps are about:
	// what the admin panel opens to fix them.
	Subjects []string
	// Platform: the platform meets it for every site.
	Platform bool
	// Person is what a person should check, for a criterion software
	// cannot judge.
	Person string
}

// Checked reports whether software checks the criterion (on the tenant's
// data, or once for all sites on the platform).
func (c Criterion) Checked() bool { return c.Check != "" || c.Platform }

// Criterion statuses in a BenchmarkReport.
const (
	CriterionPass     = "pass"     // checked, nothing missing
	CriterionGap      = "gap"      // checked, something missing: see Issues
	CriterionPlatform = "platform" // provided by the platform
	CriterionPerson   = "person"   // needs a person to judge
)

// practiceLink is one link every member practice should have, checked by
// criterion Criterion: a gap names the practice and opens its form at the
// field's input (Field is the form field's name and id). Adding a practice
// field is one line here; the criterion becomes checked by itself.
type practiceLink struct {
	Criterion string
	Label     string // "link to …": the gap says "<practice> has no <Label>."
	Field     string
	Get       func(*Practice) *string // the field
}

var practiceLinks = []practiceLink{
	{"1.02", "link to make, change or cancel an appointment online", "appointments_url", func(p *Practice) *string { return &p.AppointmentsURL }},
	{"1.07", "link to order a repeat prescription online", "prescriptions_url", func(p *Practice) *string { return &p.PrescriptionsURL }},
	{"1.12", "link to join the surgery (register)", "registration_url", func(p *Practice) *string { return &p.RegistrationURL }},
	{"1.03", "link to its online form for asking for help", "online_consultation_url", func(p *Practice) *string { return &p.OnlineConsultationURL }},
	{"1.09", "link to how to get a fit note", "fit_notes_url", func(p *Practice) *string { return &p.FitNotesURL }},
	{"1.10", "link to get test results", "test_results_url", func(p *Practice) *string { return &p.TestResultsURL }},
	{"3.13", "link to the \"You and Your General Practice\" patient charter", "charter_url", func(p *Practice) *string { return &p.CharterURL }},
}

// practiceLinkCheck is the HealthIssue.Check of a practiceLinks row.
func practiceLinkCheck(field string) string { return "practice-link-" + field }

// Checks of the benchmark beyond the eight first ones (health.go).
const (
	HealthPracticeAddress   = "practice-address"
	HealthPracticeAccess    = "practice-access"
	HealthEABooking         = "enhanced-access-booking"
	HealthEmergencyWording  = "emergency-wording"
	HealthJargon            = "jargon"
	HealthTimeFormat        = "time-format"
	HealthPDF               = "pdf-link"
	HealthLinkText          = "link-text"
	HealthNavNews           = "navigation-news"
	HealthNavBroken         = "navigation-link"
	HealthServiceAccess     = "service-access"
	HealthDescription       = "description"
	HealthStatementReview   = "accessibility-review"
	HealthStatementIssues   = "accessibility-issues"
	HealthPrivacy           = "privacy-notice"
	HealthNetworkContact    = "network-contact"
	statementReviewInterval = 12 // months between reviews of the accessibility statement
)

// contentSubjects are where words and links are checked: pages, news and
// services.
var contentSubjects = []string{HealthSubjectPage, HealthSubjectPost, HealthSubjectService}

// criteria lists the 50 criteria. Checks of practiceLinks rows are filled
// in by Criteria.
var criteria = []Criterion{
	// 1. Patient journeys: the seven tasks patients come to do.
	{ID: "1.01", Section: 1, Platform: true, Text: "The home page leads straight to the top tasks (appointments, prescriptions, contacting a practice) in the wording tested with patients"},
	{ID: "1.02", Section: 1, Text: "Each practice links to making, changing or cancelling an appointment online",
		Person: "Check each practice's page links to where patients make, change or cancel an appointment online"},
	{ID: "1.03", Section: 1, Text: "Each practice links to its online form for asking for help (its online consultation tool)"},
	{ID: "1.04", Section: 1, Check: HealthEmergencyWording, Subjects: contentSubjects, Text: "The site never says \"emergency appointment\" (patients confuse it with A&E): it says \"urgent\" and points to 111 and 999"},
	{ID: "1.05", Section: 1, Text: "How to get help today for something urgent, and how to ask for routine care, are explained separately (home visits too)",
		Person: "Read the appointments information as a patient would: software cannot tell whether urgent and routine care are explained clearly"},
	{ID: "1.06", Section: 1, Text: "Patients can find how to change or cancel an appointment (online, by phone, by text reply)",
		Person: "Software cannot see inside the practices' own booking systems: check that cancelling is explained and works"},
	{ID: "1.07", Section: 1, Text: "Each practice links to ordering a repeat prescription online",
		Person: "Check each practice's page links to ordering repeat prescriptions online"},
	{ID: "1.08", Section: 1, Text: "Prescriptions: the NHS App, nominating a pharmacy, and how long a prescription takes are explained",
		Person: "Check the prescriptions information says how long a request takes at each practice: only the practice knows"},
	{ID: "1.09", Section: 1, Text: "Each practice says how to get a fit note (sick note) for work"},
	{ID: "1.10", Section: 1, Text: "Each practice says how to get test results"},
	{ID: "1.11", Section: 1, Text: "Test results: when to expect them and when to call are explained, with times in words patients use",
		Person: "Only the practices know when results come back and when to call: check the wording with them"},
	{ID: "1.12", Section: 1, Text: "Each practice links to joining the surgery (registering)",
		Person: "Check each practice's page links to registering"},
	{ID: "1.13", Section: 1, Text: "Registering says that no proof of address, ID or immigration status is needed, and who can register (catchment)",
		Person: "Read the registration information: software cannot judge whether it says this clearly, nor know a practice's catchment"},
	{ID: "1.14", Section: 1, Check: HealthPracticeNoPhone, Subjects: []string{HealthSubjectPractice}, Text: "Each practice's phone number is shown"},
	{ID: "1.15", Section: 1, Check: HealthPracticeAddress, Subjects: []string{HealthSubjectPractice}, Text: "Each practice's address and postcode are shown"},
	{ID: "1.16", Section: 1, Check: HealthPracticeNoHours, Subjects: []string{HealthSubjectPractice}, Text: "Each practice's opening hours are shown"},
	{ID: "1.17", Section: 1, Platform: true, Text: "The home page shows every practice's phone number and today's opening times, open or closed now"},
	{ID: "1.18", Section: 1, Check: HealthNoEnhanced, Subjects: []string{HealthSubjectSessions}, Text: "Evening and Saturday appointments (enhanced access): when and where they are"},
	{ID: "1.19", Section: 1, Check: HealthEABooking, Subjects: []string{HealthSubjectSessions}, Text: "Evening and Saturday appointments: how to book each session"},
	{ID: "1.20", Section: 1, Platform: true, Text: "A page explains managing your health online (the NHS App), and one explains acting for someone else (proxy access)"},

	// 2. Content, navigation and design.
	{ID: "2.01", Section: 2, Check: HealthNavLength, Subjects: []string{HealthSubjectNav}, Text: "The top menu has 5 to 7 items"},
	{ID: "2.02", Section: 2, Platform: true, Text: "The top menu is flat: no drop-downs"},
	{ID: "2.03", Section: 2, Check: HealthNavNews, Subjects: []string{HealthSubjectNav}, Text: "News is not an item of the top menu"},
	{ID: "2.04", Section: 2, Check: HealthNavBroken, Subjects: []string{HealthSubjectNav}, Text: "Every menu item leads to a page that exists"},
	{ID: "2.05", Section: 2, Platform: true, Text: "A search box labelled \"Search\" is on every page"},
	{ID: "2.06", Section: 2, Platform: true, Text: "The site works on a phone, with a button labelled \"Menu\""},
	{ID: "2.07", Section: 2, Platform: true, Text: "No pop-ups, overlays or pages in the way; time-limited notices appear in the page with their end date"},
	{ID: "2.08", Section: 2, Platform: true, Text: "No accessibility or translation widgets: browsers translate and read aloud"},
	{ID: "2.09", Section: 2, Text: "Words are simple (reading age 9 to 11), pages short, the most important thing first",
		Person: "Reading age and order need a person: read each page as a patient, or use a readability tool on its text"},
	{ID: "2.10", Section: 2, Check: HealthJargon, Subjects: contentSubjects, Text: "Plain words instead of \"online consultation\", \"triage\" and \"clinician\""},
	{ID: "2.11", Section: 2, Check: HealthTimeFormat, Subjects: contentSubjects, Text: "Times are written the 12-hour way: \"8am\", \"6:30pm\""},
	{ID: "2.12", Section: 2, Check: HealthPDF, Subjects: contentSubjects, Text: "Information is in web pages, not PDF documents"},
	{ID: "2.13", Section: 2, Platform: true, Text: "Every content page shows \"Page last reviewed\" and \"Next review due\""},
	{ID: "2.14", Section: 2, Check: HealthPageReviewDue, Subjects: []string{HealthSubjectPage}, Text: "Content is reviewed at least every 12 months (key pages every 6)"},
	{ID: "2.15", Section: 2, Check: HealthServiceAccess, Subjects: []string{HealthSubjectService}, Text: "Each network service has its own page saying who it is for and how to get it"},
	{ID: "2.16", Section: 2, Check: HealthDescription, Subjects: []string{HealthSubjectSettings}, Text: "The home page says in a sentence or two what the network is"},

	// 3. Accessibility, legal pages and trust.
	{ID: "3.01", Section: 3, Check: HealthNoStatementDate, Subjects: []string{HealthSubjectSettings}, Text: "The accessibility statement says when it was prepared"},
	{ID: "3.02", Section: 3, Check: HealthStatementReview, Subjects: []string{HealthSubjectSettings}, Text: "The accessibility statement was prepared or reviewed in the last 12 months"},
	{ID: "3.03", Section: 3, Check: HealthStatementIssues, Subjects: []string{HealthSubjectSettings}, Text: "A site that is not fully accessible lists what is not accessible"},
	{ID: "3.04", Section: 3, Check: HealthImageNoAlt, Subjects: []string{HealthSubjectPage, HealthSubjectPost}, Text: "Every image has alt text"},
	{ID: "3.05", Section: 3, Text: "Alt text says what an image shows or means",
		Person: "Software can see that alt text is there, not whether it describes the image: look at each image with its text"},
	{ID: "3.06", Section: 3, Check: HealthBrokenLink, Subjects: []string{HealthSubjectPage, HealthSubjectPost}, Text: "No link leads to a page of the site that does not exist"},
	{ID: "3.07", Section: 3, Check: HealthLinkText, Subjects: contentSubjects, Text: "Link text says where the link goes (never \"click here\")"},
	{ID: "3.08", Section: 3, Platform: true, Text: "Pages meet WCAG 2.2 AA in their markup: one main heading, a skip link, labelled forms, the page's language"},
	{ID: "3.09", Section: 3, Check: HealthPrivacy, Subjects: []string{HealthSubjectSettings}, Text: "The privacy notice names the data controller and how to reach the data protection officer"},
	{ID: "3.10", Section: 3, Platform: true, Text: "No cookies on public pages without consent (none are set), and a cookies page that says so"},
	{ID: "3.11", Section: 3, Check: HealthNetworkContact, Subjects: []string{HealthSubjectSettings}, Text: "The contact page gives the network's own phone number or email address"},
	{ID: "3.12", Section: 3, Check: HealthPracticeAccess, Subjects: []string{HealthSubjectPractice}, Text: "Each practice says how accessible its building is (step-free access, hearing loop, parking)"},
	{ID: "3.13", Section: 3, Text: "Each practice links to the \"You and Your General Practice\" patient charter"},
	{ID: "3.14", Section: 3, Platform: true, Text: "A page explains how to complain, to a practice and to the integrated care board"},
}

// Criteria returns the 50 criteria in order, each practice link's criterion
// checked by its link's check.
func Criteria() []Criterion {
	out := make([]Criterion, len(criteria))
	copy(out, criteria)
	for _, l := range practiceLinks {
		for i := range out {
			if out[i].ID == l.Criterion {
				out[i].Check = practiceLinkCheck(l.Field)
				out[i].Subjects = []string{HealthSubjectPractice}
				out[i].Person = ""
			}
		}
	}
	return out
}

// CriterionResult is a criterion with what the check found.
type CriterionResult struct {
	Criterion
	Status string        // CriterionPass, CriterionGap, CriterionPlatform or CriterionPerson
	Issues []HealthIssue // the gaps, for CriterionGap
}

// SectionResult is a section's criteria: gaps first, then passes (those of
// the platform last), then those a person must check, each group in order.
type SectionResult struct {
	BenchmarkSection
	Results []CriterionResult
}

// BenchmarkReport is the site measured against the benchmark.
type BenchmarkReport struct {
	Sections []SectionResult
	// Checked criteria (by the site's data or by the platform), those of
	// them that pass (Platform of which by the platform), and those a
	// person must judge.
	Checked, Passing, Platform, Gaps, Person int
}

// Benchmark measures the site against the 50 criteria on the London date
// of now.
func (t *TenantDB) Benchmark(now time.Time) (BenchmarkReport, error) {
	issues, err := t.Health(now)
	if err != nil {
		return BenchmarkReport{}, err
	}
	return benchmarkReport(Criteria(), issues), nil
}

func benchmarkReport(cs []Criterion, issues []HealthIssue) BenchmarkReport {
	byCheck := map[string][]HealthIssue{}
	for _, is := range issues {
		byCheck[is.Check] = append(byCheck[is.Check], is)
	}
	var rep BenchmarkReport
	rank := map[string]int{CriterionGap: 0, CriterionPass: 1, CriterionPlatform: 2, CriterionPerson: 3}
	for _, s := range BenchmarkSections {
		sec := SectionResult{BenchmarkSection: s}
		var groups [4][]CriterionResult
		for _, c := range cs {
			if c.Section != s.Number {
				continue
			}
			r := CriterionResult{Criterion: c}
			switch {
			case c.Platform:
				r.Status = CriterionPlatform
				rep.Platform++
			case c.Check == "":
				r.Status = CriterionPerson
				rep.Person++
			case len(byCheck[c.Check]) > 0:
				r.Status, r.Issues = CriterionGap, byCheck[c.Check]
				rep.Gaps++
			default:
				r.Status = CriterionPass
			}
			if c.Checked() {
				rep.Checked++
				if r.Status != CriterionGap {
					rep.Passing++
				}
			}
			groups[rank[r.Status]] = append(groups[rank[r.Status]], r)
		}
		for _, g := range groups {
			sec.Results = append(sec.Results, g...)
		}
		rep.Sections = append(rep.Sections, sec)
	}
	return rep
}
