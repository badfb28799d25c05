package models

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"sort"
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
)

// HealthIssue is one thing missing against the guidance, described in plain
// English for the manager; Subject and Key say what to open to fix it.
type HealthIssue struct {
	Check   string
	Subject string
	Key     string
	Message string
}

// healthStaticRoutes are the public site's fixed paths (handlers/site/routes.go).
var healthStaticRoutes = map[string]bool{
	"/": true, "/practices": true, "/services": true, "/team": true, "/enhanced-access": true,
	"/news": true, "/news/feed.xml": true, "/events": true, "/vacancies": true, "/contact": true,
	"/accessibility": true, "/privacy": true, "/cookies": true, "/search": true,
	"/sitemap.xml": true, "/robots.txt": true,
}

// Health lists what the site is missing, on the London date of now.
func (t *TenantDB) Health(now time.Time) ([]HealthIssue, error) {
	var out []HealthIssue
	add := func(check, subject, key, format string, args ...any) {
		out = append(out, HealthIssue{Check: check, Subject: subject, Key: key, Message: fmt.Sprintf(format, args...)})
	}

	settings, err := t.Settings()
	if err != nil {
		return nil, err
	}
	if settings.StatementPrepared == nil {
		add(HealthNoStatementDate, HealthSubjectSettings, "", "The accessibility statement does not say when it was prepared. The law requires this date.")
	}

	practices, err := t.Practices()
	if err != nil {
		return nil, err
	}
	for _, p := range practices {
		if !hasHours(p.Hours) {
			add(HealthPracticeNoHours, HealthSubjectPractice, p.ODSCode, "%s has no opening hours. Patients look for opening times first.", p.Name)
		}
		if strings.TrimSpace(p.Phone) == "" {
			add(HealthPracticeNoPhone, HealthSubjectPractice, p.ODSCode, "%s has no phone number.", p.Name)
		}
	}

	sessions, err := t.EASessions()
	if err != nil {
		return nil, err
	}
	if len(sessions) == 0 {
		add(HealthNoEnhanced, HealthSubjectSessions, "", "There are no enhanced access sessions. Every PCN must say when and where evening and Saturday appointments are, and how to book them.")
	}

	nav, err := t.NavItems()
	if err != nil {
		return nil, err
	}
	if n := len(nav); n > 0 && (n < 5 || n > MaxNavItems) {
		add(HealthNavLength, HealthSubjectNav, "", "The menu has %d items. NHS guidance asks for 5 to 7.", n)
	}

	y, m, d := now.In(hours.Location()).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC) // dates are stored as midnight UTC
	var due []Page
	if err := t.scoped.Where("review_due IS NOT NULL AND review_due < ?", today).Order("path").Find(&due).Error; err != nil {
		return nil, translate("pages due for review", err)
	}
	for _, p := range due {
		add(HealthPageReviewDue, HealthSubjectPage, p.Path, "%q was due for review on %s.", p.Title, p.ReviewDue.UTC().Format("2 January 2006"))
	}

	// Stored HTML: published pages and every post.
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

	check := func(subject, key, name, body string) {
		links, noAlt := scanHTML(body)
		for _, l := range links {
			if !internalPathExists(l, known) {
				add(HealthBrokenLink, subject, key, "%s links to %s, which is not a page on this website.", name, l)
			}
		}
		if noAlt > 0 {
			add(HealthImageNoAlt, subject, key, "%s has %d image(s) without alt text. People who cannot see the image need a description.", name, noAlt)
		}
	}
	for _, p := range pages {
		check(HealthSubjectPage, p.Path, fmt.Sprintf("The page %q", p.Title), bodyOf[*p.PublishedRevisionID])
	}
	for _, p := range posts {
		check(HealthSubjectPost, fmt.Sprint(p.ID), fmt.Sprintf("The news item %q", p.Title), p.BodyHTML)
	}
	return out, nil
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

// scanHTML returns the internal paths (href="/…", not "//…") that body links
// to, sorted and without duplicates, and how many images lack alt text.
func scanHTML(body string) (links []string, noAlt int) {
	seen := map[string]bool{}
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.DataAtom {
		case atom.A:
			for _, a := range tok.Attr {
				if a.Key == "href" && strings.HasPrefix(a.Val, "/") && !strings.HasPrefix(a.Val, "//") && !seen[a.Val] {
					seen[a.Val] = true
					links = append(links, a.Val)
				}
			}
		case atom.Img:
			alt := ""
			for _, a := range tok.Attr {
				if a.Key == "alt" {
					alt = a.Val
				}
			}
			if strings.TrimSpace(alt) == "" {
				noAlt++
			}
		}
	}
	sort.Strings(links)
	return links, noAlt
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
	if p != "/" {
		p = strings.TrimSuffix(path.Clean(p), "/")
	}
	return known[p]
}
