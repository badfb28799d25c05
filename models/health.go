package models

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/pcnweb/pcnweb/internal/hours"
)

// Health checks: what a site lacks against NHS England's guidance for GP
// and PCN websites (see docs/nhs-guidance.md).
const (
	HealthNoStatementDate = "accessibility-statement" // settings: statement prepared date missing
	HealthPracticeNoHours = "practice-hours"
	HealthPracticeNoPhone = "practice-phone"
	HealthPageReviewDue   = "page-review"
	HealthNoEnhanced      = "enhanced-access"
	HealthNavLength       = "navigation"
	HealthBrokenLink      = "broken-link"
	HealthImageNoAlt      = "image-alt"
)

// Kinds of the item a HealthIssue is about.
const (
	HealthSubjectSettings = "settings"
	HealthSubjectPractice = "practice" // Key: ODS code
	HealthSubjectPage     = "page"     // Key: path
	HealthSubjectPost     = "post"     // Key: post id
	HealthSubjectSessions = "sessions"
	HealthSubjectNav      = "navigation"
	HealthSubjectService  = "service" // Key: service id, "" for "add one"
)

// HealthIssue is one thing missing against the guidance, described in plain
// English for the manager; Subject and Key say what to open to fix it, and
// Field (when set) which input of its form. Check names the check, and so
// the benchmark criterion (Criteria) it belongs to.
type HealthIssue struct {
	Check   string
	Subject string
	Key     string
	Field   string
	Message string
}

// healthStaticRoutes are the public site's fixed paths (handlers/site/routes.go).
var healthStaticRoutes = map[string]bool{
	"/": true, "/practices": true, "/services": true, "/team": true, "/enhanced-access": true,
	"/news": true, "/news/feed.xml": true, "/events": true, "/vacancies": true, "/contact": true,
	"/accessibility": true, "/privacy": true, "/cookies": true, "/search": true,
	"/sitemap.xml": true, "/robots.txt": true,
	// NHS England's template pages, generated for every tenant (DESIGN.md).
	"/appointments": true, "/prescriptions": true, "/test-results": true, "/fit-notes": true,
	"/register": true, "/health-online": true, "/proxy-access": true, "/complaints": true,
	"/patient-group": true,
}

// Health lists what the site is missing, on the London date of now: every
// gap of every checked criterion of the benchmark (Criteria).
func (t *TenantDB) Health(now time.Time) ([]HealthIssue, error) {
	var out []HealthIssue
	add := func(check, subject, key, field, format string, args ...any) {
		out = append(out, HealthIssue{Check: check, Subject: subject, Key: key, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	y, m, d := now.In(hours.Location()).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC) // dates are stored as midnight UTC

	settings, err := t.Settings()
	if err != nil {
		return nil, err
	}
	checkSettings(settings, today, add)

	practices, err := t.Practices()
	if err != nil {
		return nil, err
	}
	for i := range practices {
		p := &practices[i]
		if !hasHours(p.Hours) {
			add(HealthPracticeNoHours, HealthSubjectPractice, p.ODSCode, "", "%s has no opening hours. Patients look for opening times first.", p.Name)
		}
		if strings.TrimSpace(p.Phone) == "" {
			add(HealthPracticeNoPhone, HealthSubjectPractice, p.ODSCode, "phone", "%s has no phone number.", p.Name)
		}
		switch {
		case strings.TrimSpace(p.Address) == "":
			add(HealthPracticeAddress, HealthSubjectPractice, p.ODSCode, "address", "%s has no address.", p.Name)
		case strings.TrimSpace(p.Postcode) == "":
			add(HealthPracticeAddress, HealthSubjectPractice, p.ODSCode, "postcode", "%s has no postcode.", p.Name)
		}
		for _, l := range practiceLinks {
			if strings.TrimSpace(*l.Get(p)) == "" {
				add(practiceLinkCheck(l.Field), HealthSubjectPractice, p.ODSCode, l.Field, "%s has no %s.", p.Name, l.Label)
			}
		}
		if strings.TrimSpace(p.AccessibilityNotes) == "" {
			add(HealthPracticeAccess, HealthSubjectPractice, p.ODSCode, "accessibility_notes", "%s does not say how accessible its building is (step-free access, hearing loop, parking).", p.Name)
		}
	}

	sessions, err := t.EASessions()
	if err != nil {
		return nil, err
	}
	if len(sessions) == 0 {
		add(HealthNoEnhanced, HealthSubjectSessions, "", "", "There are no enhanced access sessions. Every PCN must say when and where evening and Saturday appointments are, and how to book them.")
	}
	for _, s := range sessions {
		if strings.TrimSpace(s.HowToBook) == "" {
			add(HealthEABooking, HealthSubjectSessions, fmt.Sprint(s.ID), "how_to_book", "The %s session does not say how to book it.", sessionName(s))
		}
	}

	var due []Page
	if err := t.scoped.Where("review_due IS NOT NULL AND review_due < ?", today).Order("path").Find(&due).Error; err != nil {
		return nil, translate("pages due for review", err)
	}
	for _, p := range due {
		add(HealthPageReviewDue, HealthSubjectPage, p.Path, "", "%q was due for review on %s.", p.Title, p.ReviewDue.UTC().Format("2 January 2006"))
	}

	// Stored HTML: published pages, every post and published services.
	pages, err := t.PublishedPages()
	if err != nil {
		return nil, err
	}
	revIDs := make([]int64, 0, len(pages))
	for _, p := range pages {
		revIDs = append(revIDs, *p.PublishedRevisionID)
	}
	var revs []PageRevision
	if len(revIDs) > 0 {
		if err := t.scoped.Where("id IN ?", revIDs).Find(&revs).Error; err != nil {
			return nil, translate("published revisions", err)
		}
	}
	bodyOf := map[int64]string{}
	for _, r := range revs {
		bodyOf[r.ID] = r.BodyHTML
	}
	posts, err := t.AllPosts()
	if err != nil {
		return nil, err
	}
	services, err := t.Services()
	if err != nil {
		return nil, err
	}
	if len(services) == 0 {
		add(HealthServiceAccess, HealthSubjectService, "", "", "No services are shown on the website. Describe each service the network offers patients (social prescribing, pharmacists, physiotherapy, …) on its own page.")
	}
	for _, s := range services {
		switch {
		case strings.TrimSpace(s.WhoFor) == "":
			add(HealthServiceAccess, HealthSubjectService, fmt.Sprint(s.ID), "who_for", "The service %q does not say who it is for.", s.Name)
		case strings.TrimSpace(s.HowToAccess) == "":
			add(HealthServiceAccess, HealthSubjectService, fmt.Sprint(s.ID), "how_to_access", "The service %q does not say how to get it.", s.Name)
		}
	}

	known := map[string]bool{}
	for p := range healthStaticRoutes {
		known[p] = true
	}
	for _, p := range pages {
		known[p.Path] = true
	}
	for _, p := range practices {
		known["/practices/"+p.ODSCode] = true
		known["/practices/"+strings.ToLower(p.ODSCode)] = true
	}
	for _, p := range posts {
		if p.PublishedAt != nil && !p.PublishedAt.After(now) {
			known["/news/"+p.Slug] = true
		}
	}
	for _, q := range []struct {
		prefix string
		model  any
		where  string
	}{{"/services/", &[]Service{}, "published"}, {"/events/", &[]Event{}, "published"}, {"/vacancies/", &[]Vacancy{}, "published"}} {
		var slugs []string
		if err := t.scoped.Model(q.model).Where(q.where).Pluck("slug", &slugs).Error; err != nil {
			return nil, translate("slugs", err)
		}
		for _, s := range slugs {
			known[q.prefix+s] = true
		}
	}

	var mediaIDs []int64
	if err := t.scoped.Model(&Media{}).Pluck("id", &mediaIDs).Error; err != nil {
		return nil, translate("media ids", err)
	}
	for _, id := range mediaIDs {
		known["/media/"+strconv.FormatInt(id, 10)] = true
	}

	nav, err := t.NavItems()
	if err != nil {
		return nil, err
	}
	// An empty menu shows the platform's standard one, which follows the
	// guidance; a menu of the manager's own is checked.
	if n := len(nav); n > 0 && (n < MinNavItems || n > MaxNavItems) {
		add(HealthNavLength, HealthSubjectNav, "", "", "The menu has %d items. NHS guidance asks for 5 to 7.", n)
	}
	for _, it := range nav {
		if u, err := url.Parse(it.Path); err == nil && path.Clean(u.Path) == "/news" {
			add(HealthNavNews, HealthSubjectNav, "", "", "The menu has news (%q) as one of its items. Patients come for tasks: keep news on the home page and leave the menu to the tasks.", it.Title)
		} else if !internalPathExists(it.Path, known) {
			add(HealthNavBroken, HealthSubjectNav, "", "", "The menu item %q leads to %s, which is not a page on this website.", it.Title, it.Path)
		}
	}

	check := func(subject, key, name, body string, links bool) {
		sc := scanContent(body)
		if links {
			for _, l := range sc.links {
				if !internalPathExists(l, known) {
					add(HealthBrokenLink, subject, key, "", "%s links to %s, which is not a page on this website.", name, l)
				}
			}
			for _, src := range sc.srcs {
				if !internalPathExists(src, known) {
					add(HealthBrokenLink, subject, key, "", "%s shows the image %s, which is not in Images and files any more.", name, src)
				}
			}
			if sc.noAlt > 0 {
				add(HealthImageNoAlt, subject, key, "", "%s has %d image(s) without alt text. People who cannot see the image need a description.", name, sc.noAlt)
			}
		}
		checkWords(subject, key, name, sc, add)
	}
	for _, p := range pages {
		check(HealthSubjectPage, p.Path, fmt.Sprintf("The page %q", p.Title), bodyOf[*p.PublishedRevisionID], true)
	}
	for _, p := range posts {
		check(HealthSubjectPost, fmt.Sprint(p.ID), fmt.Sprintf("The news item %q", p.Title), p.BodyHTML, true)
	}
	for _, s := range services {
		text := "<p>" + html.EscapeString(s.Summary) + "</p><p>" + html.EscapeString(s.WhoFor) + "</p><p>" + html.EscapeString(s.HowToAccess) + "</p>"
		check(HealthSubjectService, fmt.Sprint(s.ID), fmt.Sprintf("The service %q", s.Name), text+s.BodyHTML, false)
	}
	return out, nil
}

// checkSettings finds the gaps of the site settings: the accessibility
// statement, the privacy notice, the network's own contact details and
// description.
func checkSettings(s SiteSettings, today time.Time, add func(check, subject, key, field, format string, args ...any)) {
	if strings.TrimSpace(s.Description) == "" {
		add(HealthDescription, HealthSubjectSettings, "", "description", "The site has no short description of the network. The home page and search engines show it.")
	}
	if s.StatementPrepared == nil {
		add(HealthNoStatementDate, HealthSubjectSettings, "", "statement_prepared", "The accessibility statement does not say when it was prepared. The law requires this date.")
	}
	last := s.StatementPrepared
	if s.StatementReviewed != nil && (last == nil || s.StatementReviewed.After(*last)) {
		last = s.StatementReviewed
	}
	switch {
	case last == nil:
		add(HealthStatementReview, HealthSubjectSettings, "", "statement_reviewed", "The accessibility statement has no date it was prepared or reviewed. Review it at least once a year.")
	case last.Before(today.AddDate(0, -statementReviewInterval, 0)):
		add(HealthStatementReview, HealthSubjectSettings, "", "statement_reviewed", "The accessibility statement was last prepared or reviewed on %s, more than a year ago. Review it and enter the date.", last.UTC().Format("2 January 2006"))
	}
	if s.AccessibilityStatus != "full" && strings.TrimSpace(s.AccessibilityIssues) == "" {
		add(HealthStatementIssues, HealthSubjectSettings, "", "accessibility_issues", "The accessibility statement says the site is not fully accessible but lists no known issues. List what is not accessible.")
	}
	if strings.TrimSpace(s.DataController) == "" {
		add(HealthPrivacy, HealthSubjectSettings, "", "data_controller", "The privacy notice does not name the data controller.")
	}
	if strings.TrimSpace(s.DPOContact) == "" {
		add(HealthPrivacy, HealthSubjectSettings, "", "dpo_contact", "The privacy notice does not say how to contact the data protection officer.")
	}
	if strings.TrimSpace(s.Phone) == "" && strings.TrimSpace(s.Email) == "" {
		add(HealthNetworkContact, HealthSubjectSettings, "", "phone", "The contact page has no phone number or email address for the network itself.")
	}
}

// sessionName names an enhanced access session by its days and times.
func sessionName(s EASession) string {
	names := map[string]string{"0": "Sunday", "1": "Monday", "2": "Tuesday", "3": "Wednesday", "4": "Thursday", "5": "Friday", "6": "Saturday"}
	var days []string
	for _, d := range strings.Split(s.Weekdays, ",") {
		if n, ok := names[strings.TrimSpace(d)]; ok {
			days = append(days, n)
		}
	}
	return fmt.Sprintf("%s %s to %s", strings.Join(days, ", "), hours.FormatClock(s.StartsAt), hours.FormatClock(s.EndsAt))
}

// hasHours reports whether stored WeeklyHours have at least one span.
func hasHours(stored string) bool {
	var w WeeklyHours
	if strings.TrimSpace(stored) == "" || json.Unmarshal([]byte(stored), &w) != nil {
		return false
	}
	for _, spans := range w {
		if len(spans) > 0 {
			return true
		}
	}
	return false
}

// contentScan is what a stored (sanitised) HTML body holds that the checks
// look at.
type contentScan struct {
	links []string // internal paths (href="/…", not "//…"), sorted, no duplicates
	noAlt int      // images without alt text
	srcs  []string // internal image sources, in order, no duplicates
	pdfs  []string // hrefs of links to PDF files, in order, no duplicates
	vague []string // link texts that do not say where the link goes
	text  string   // the words, outside tags
}

// vagueLinkTexts are link texts that say nothing of where a link goes.
var vagueLinkTexts = map[string]bool{
	"click here": true, "here": true, "click": true, "read more": true, "more": true,
	"this link": true, "link": true, "click this link": true, "find out more": true, "more info": true,
}

// scanContent reads body (stored HTML) for the checks.
func scanContent(body string) contentScan {
	var sc contentScan
	seen, seenPDF := map[string]bool{}, map[string]bool{}
	var text, linkText strings.Builder
	inLink := 0
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.TextToken:
			t := string(z.Text())
			text.WriteString(t)
			if inLink > 0 {
				linkText.WriteString(t)
			}
			continue
		case html.EndTagToken:
			tok := z.Token()
			if tok.DataAtom == atom.A && inLink > 0 {
				inLink--
				if t := strings.ToLower(strings.Trim(strings.Join(strings.Fields(linkText.String()), " "), ".:!…")); vagueLinkTexts[t] {
					sc.vague = append(sc.vague, strings.TrimSpace(linkText.String()))
				}
			}
			if tok.DataAtom == atom.P || tok.DataAtom == atom.Li || tok.DataAtom == atom.Br || tok.DataAtom == atom.Td {
				text.WriteString("\n")
			}
			continue
		case html.StartTagToken, html.SelfClosingTagToken:
		default:
			continue
		}
		tok := z.Token()
		switch tok.DataAtom {
		case atom.A:
			if tt == html.StartTagToken {
				inLink++
				linkText.Reset()
			}
			for _, a := range tok.Attr {
				if a.Key != "href" {
					continue
				}
				if strings.HasPrefix(a.Val, "/") && !strings.HasPrefix(a.Val, "//") && !seen[a.Val] {
					seen[a.Val] = true
					sc.links = append(sc.links, a.Val)
				}
				if u, err := url.Parse(a.Val); err == nil && strings.HasSuffix(strings.ToLower(u.Path), ".pdf") && !seenPDF[a.Val] {
					seenPDF[a.Val] = true
					sc.pdfs = append(sc.pdfs, a.Val)
				}
			}
		case atom.Img:
			alt := ""
			for _, a := range tok.Attr {
				switch {
				case a.Key == "alt":
					alt = a.Val
				case a.Key == "src" && strings.HasPrefix(a.Val, "/") && !strings.HasPrefix(a.Val, "//") && !seen["img "+a.Val]:
					seen["img "+a.Val] = true
					sc.srcs = append(sc.srcs, a.Val)
				}
			}
			if strings.TrimSpace(alt) == "" {
				sc.noAlt++
			}
			if inLink > 0 {
				linkText.WriteString(alt)
			}
		case atom.Br:
			text.WriteString("\n")
		}
	}
	sort.Strings(sc.links)
	sc.text = text.String()
	return sc
}

var (
	emergencyRE = regexp.MustCompile(`(?i)\bemergency\s+appointments?\b`)
	jargonRE    = regexp.MustCompile(`(?i)\b(online\s+consultations?|triag(?:e|ed|es|ing)|clinicians?)\b`)
	// clockRE finds clock times; timeFormatProblem decides which are not
	// written the 12-hour way.
	clockRE = regexp.MustCompile(`(?i)(^|[^\d:.])(\d{1,2})[:.](\d{2})(\s?(?:am|pm|a\.m\.|p\.m\.))?`)
)

// timeProblems lists the times in text not written the 12-hour way
// ("18:30", "08:00", "8:00am"), each once.
func timeProblems(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range clockRE.FindAllStringSubmatch(text, -1) {
		h, _ := strconv.Atoi(m[2])
		mins, _ := strconv.Atoi(m[3])
		if h > 23 || mins > 59 {
			continue
		}
		sep := m[0][len(m[1])+len(m[2])]
		suffix := m[4]
		bad := false
		switch {
		case suffix == "" && sep == ':':
			bad = true // 24-hour clock, or a 12-hour time without am or pm
		case suffix != "" && (mins == 0 || sep == '.'):
			bad = true // "8:00am" is "8am"; "6.30pm" is "6:30pm"
		}
		t := strings.TrimSpace(m[0][len(m[1]):])
		if bad && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// checkWords finds the wording gaps of one item's content: "emergency
// appointment", jargon, times not written the 12-hour way, links to PDFs
// and vague link texts.
func checkWords(subject, key, name string, sc contentScan, add func(check, subject, key, field, format string, args ...any)) {
	if m := emergencyRE.FindString(sc.text); m != "" {
		add(HealthEmergencyWording, subject, key, "", "%s says %q. Patients mistake it for A&E: say \"urgent appointment\" and point to 111 or 999 for emergencies.", name, m)
	}
	var jargon []string
	seen := map[string]bool{}
	for _, m := range jargonRE.FindAllString(sc.text, -1) {
		w := strings.ToLower(strings.Join(strings.Fields(m), " "))
		if !seen[w] {
			seen[w] = true
			jargon = append(jargon, strconv.Quote(w))
		}
	}
	if len(jargon) > 0 {
		add(HealthJargon, subject, key, "", "%s uses %s. Say it in plain words, like \"fill in an online form\", \"we decide who you need to see\" or \"a GP, nurse or pharmacist\".", name, strings.Join(jargon, ", "))
	}
	if ts := timeProblems(sc.text); len(ts) > 0 {
		add(HealthTimeFormat, subject, key, "", "%s writes times as %s. Write them the 12-hour way, like \"8am\" and \"6:30pm\".", name, strings.Join(ts, ", "))
	}
	if len(sc.pdfs) > 0 {
		add(HealthPDF, subject, key, "", "%s links to %d PDF document(s) (%s). Put the information in a web page: PDFs are hard to read on a phone and with a screen reader.", name, len(sc.pdfs), strings.Join(sc.pdfs, ", "))
	}
	if len(sc.vague) > 0 {
		var q []string
		for _, v := range sc.vague {
			q = append(q, strconv.Quote(v))
		}
		add(HealthLinkText, subject, key, "", "%s has links that say only %s. Link text should say where the link goes.", name, strings.Join(q, ", "))
	}
}

// internalPathExists reports whether href (a path, maybe with a query or
// fragment) is a known route of the site; static assets are not checked.
func internalPathExists(href string, known map[string]bool) bool {
	u, err := url.Parse(href)
	if err != nil {
		return false
	}
	p := u.Path
	if strings.HasPrefix(p, "/static/") {
		return true
	}
	if strings.HasPrefix(p, "/media/") { // a file of the library: it must still be there
		id, _, ok := ParseMediaPath(p)
		return ok && known["/media/"+strconv.FormatInt(id, 10)]
	}
	if p != "/" {
		p = strings.TrimSuffix(path.Clean(p), "/")
	}
	return known[p]
}
