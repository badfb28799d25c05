// Package demo seeds the demonstration tenants that `pcnweb serve --demo`
// shows: three PCNs with content written for this project.
//
// Everything here is made up: the practices, people, addresses and ODS
// codes are fictional; phone numbers come from Ofcom's ranges kept for
// drama (0113 496 0xxx and 01632 960xxx); email and web addresses use the
// reserved .example domain; postcodes have a valid format but use districts
// that do not exist (LS30, LS31, HG6, DL18), so none can reach a real
// person or place.
package demo

import (
	"context"
	"embed"
	"fmt"
	"strings"
	"time"

	"github.com/pcnweb/pcnweb/models"
)

//go:embed content
var content embed.FS

type tenant struct {
	slug, name, ods string
	theme           string
	pages           []string // file names under content/<slug>/, in navigation order
	// fill adds the structured content: settings, practices, services, ….
	fill func(store *models.TenantDB, c clock) error
}

var tenants = []tenant{
	{"highfives", "High Fives PCN", "U99001", "default", []string{"home", "about", "contact", "health-online", "patient-charter"}, highFives},
	{"riverside", "Riverside Health PCN", "U99002", "default", []string{"home", "about", "contact", "privacy"}, riverside},
	{"moorland", "Moorland Villages PCN", "U99003", "civic", []string{"home", "about"}, moorland},
}

// legal pages are published but kept out of the header navigation: the
// footer links to them. Only riverside overrides one (its privacy notice),
// to show that a manager's own page replaces the generated one.
// by makes every change of the demo content: the audit log says "demo".
var by = models.Actor{Name: "demo"}

var legal = map[string]bool{"accessibility": true, "privacy": true, "cookies": true}

// reviewMonths sets an earlier "next review due" for key pages; other pages
// get the store's default of a year.
var reviewMonths = map[string]int{"health-online": 6, "patient-charter": 6}

// Seed creates the demo tenants when the store has no tenants at all, and
// reports how many it created.
func Seed(ctx context.Context, db *models.DB) (int, error) {
	return seed(ctx, db, time.Now())
}

func seed(ctx context.Context, db *models.DB, now time.Time) (int, error) {
	existing, err := db.ListTenants(ctx)
	if err != nil {
		return 0, err
	}
	if len(existing) > 0 {
		return 0, nil
	}
	c := newClock(now)
	for _, t := range tenants {
		tn, err := db.CreateTenant(ctx, models.NewTenant{Slug: t.slug, Name: t.name, ODSCode: t.ods, Theme: t.theme, Launched: true})
		if err != nil {
			return 0, err
		}
		store := db.ForTenant(ctx, tn.ID)
		for i, name := range t.pages {
			raw, err := content.ReadFile("content/" + t.slug + "/" + name + ".md")
			if err != nil {
				return 0, fmt.Errorf("demo: %w", err)
			}
			title, body := splitTitle(string(raw))
			path := "/" + name
			if name == "home" {
				path = "/"
			}
			in := models.PageInput{Path: path, Title: title, BodyMD: body, By: by}
			if m := reviewMonths[name]; m > 0 {
				due := c.date(0).AddDate(0, m, 0)
				in.ReviewDue = &due
			}
			if _, err := store.PutPage(in); err != nil {
				return 0, fmt.Errorf("demo: %s %s: %w", t.slug, path, err)
			}
			if err := store.SetNavigation(by, path, i, !legal[name] && path != "/"); err != nil {
				return 0, err
			}
		}
		if err := t.fill(store, c); err != nil {
			return 0, fmt.Errorf("demo: %s: %w", t.slug, err)
		}
	}
	return len(tenants), nil
}

// The structured content goes in through the admin panel's own writes, so
// the demo shows what a manager could have entered: each helper below
// passes version 0 to create, or the current version to change.

// saveSettings saves a tenant's settings as the settings form does: opened
// at their current version, statement dates checked against today in
// London.
func saveSettings(s *models.TenantDB, c clock, set models.SiteSettings) error {
	cur, err := s.Settings()
	if err != nil {
		return err
	}
	_, err = s.SaveSettingsAt(by, set, cur.Version, c.now.In(c.loc))
	return err
}

// savePractices adds practices in the order given, closed on bank
// holidays, and returns their ids by ODS code.
func savePractices(s *models.TenantDB, ps []models.Practice) (map[string]int64, error) {
	ids := map[string]int64{}
	for i, p := range ps {
		p.ClosedOnBankHolidays, p.SortOrder = true, i
		saved, err := s.SavePractice(by, 0, 0, p)
		if err != nil {
			return nil, err
		}
		ids[saved.ODSCode] = saved.ID
	}
	return ids, nil
}

// saveServices adds published services in the order given and returns
// their ids by slug.
func saveServices(s *models.TenantDB, svs []models.Service) (map[string]int64, error) {
	ids := map[string]int64{}
	for i, sv := range svs {
		sv.Published, sv.SortOrder = true, i
		saved, err := s.SaveService(by, 0, 0, sv)
		if err != nil {
			return nil, err
		}
		ids[saved.Slug] = saved.ID
	}
	return ids, nil
}

// addSession adds an enhanced access session at the practice whose id is
// practiceID, last in the list.
func addSession(s *models.TenantDB, practiceID int64, es models.EASession) error {
	es.PracticeID = &practiceID
	_, err := s.SaveEASessionByID(by, 0, 0, es)
	return err
}

// startMenu fills the tenant's empty menu with items.
func startMenu(s *models.TenantDB, items []models.NavItem) error {
	_, fingerprint, err := s.Menu()
	if err != nil {
		return err
	}
	return s.StartMenu(by, fingerprint, items)
}

// splitTitle takes the first "# " heading as the page title.
func splitTitle(md string) (title, body string) {
	first, rest, _ := strings.Cut(md, "\n")
	return strings.TrimSpace(strings.TrimPrefix(first, "# ")), strings.TrimLeft(rest, "\n")
}

// clock places the demo's dates relative to when it is seeded, so that some
// closures, events and vacancies are always still to come.
type clock struct {
	now   time.Time
	loc   *time.Location
	today time.Time // midnight in loc
}

func newClock(now time.Time) clock {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		loc = time.UTC
	}
	y, m, d := now.In(loc).Date()
	return clock{now: now, loc: loc, today: time.Date(y, m, d, 0, 0, 0, 0, loc)}
}

// date is the calendar date days from today, stored as midnight UTC.
func (c clock) date(days int) time.Time {
	y, m, d := c.today.AddDate(0, 0, days).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// at is hh:mm London time on the day days from today.
func (c clock) at(days, hh, mm int) time.Time {
	y, m, d := c.today.AddDate(0, 0, days).Date()
	return time.Date(y, m, d, hh, mm, 0, 0, c.loc)
}

// next is how many days from today until the first wd at least min days
// away that is not in the Christmas break (24 December to 1 January), so a
// training afternoon or an event never lands on Christmas Day.
func (c clock) next(wd time.Weekday, min int) int {
	d := min
	for {
		t := c.today.AddDate(0, 0, d)
		festive := t.Month() == time.December && t.Day() >= 24 || t.Month() == time.January && t.Day() == 1
		if t.Weekday() == wd && !festive {
			return d
		}
		d++
	}
}

// christmas is the next Christmas Day not yet over (Boxing Day included).
func (c clock) christmas() time.Time {
	y := c.today.Year()
	if c.today.After(time.Date(y, time.December, 26, 0, 0, 0, 0, c.loc)) {
		y++
	}
	return time.Date(y, time.December, 25, 0, 0, 0, 0, time.UTC)
}

// newYear is the next New Year's Day, today included.
func (c clock) newYear() time.Time {
	y := c.today.Year()
	if c.today.Month() != time.January || c.today.Day() != 1 {
		y++
	}
	return time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC)
}

// ptr returns a pointer to t.
func ptr(t time.Time) *time.Time { return &t }

// week encodes day name → spans as stored weekly hours; days left out are
// closed.
func week(days map[string][]models.ClockSpan) string {
	return models.EncodeHours(models.WeeklyHours(days))
}

func span(open, close string) models.ClockSpan { return models.ClockSpan{Open: open, Close: close} }

// weekdays gives Monday to Friday the same spans, with overrides.
func weekdays(spans []models.ClockSpan, overrides map[string][]models.ClockSpan) map[string][]models.ClockSpan {
	w := map[string][]models.ClockSpan{}
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday"} {
		w[d] = spans
	}
	for d, s := range overrides {
		w[d] = s
	}
	return w
}

// minutes is hh:mm as minutes after midnight.
func minutes(hh, mm int) int { return hh*60 + mm }
