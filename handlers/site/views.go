package site

import (
	"fmt"
	"html/template"
	"regexp"
	"strings"
	"time"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// london is the zone every date and time on the sites is shown in.
var london = hours.Location()

var weekdayNames = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

// bankHolidays covers the dates a page rendered now can show: this year and next.
func bankHolidays(now time.Time) []hours.Date {
	y := now.In(london).Year()
	return append(hours.EnglandBankHolidays(y), hours.EnglandBankHolidays(y+1)...)
}

func dateTime(d hours.Date) time.Time { return time.Date(d.Y, d.M, d.D, 12, 0, 0, 0, london) }

// practiceView converts a practice for display at now, and says when what
// it shows (open now, today's hours) next changes.
func practiceView(p models.Practice, now time.Time) (themes.Practice, time.Time) {
	v := themes.Practice{
		ODSCode: p.ODSCode, Name: p.Name, URL: "/practices/" + p.ODSCode, Address: p.AddressLines(),
		Phone: p.Phone, PhoneHref: telHref(p.Phone), Email: p.Email, Website: p.Website,
		AppointmentsURL: p.AppointmentsURL, RegistrationURL: p.RegistrationURL, PrescriptionsURL: p.PrescriptionsURL,
		OnlineConsultationURL: p.OnlineConsultationURL, TestResultsURL: p.TestResultsURL, FitNotesURL: p.FitNotesURL, CharterURL: p.CharterURL,
		Accessibility: p.AccessibilityNotes, MapQuery: p.Postcode,
	}
	sched := p.Schedule(bankHolidays(now))
	state := sched.StateAt(now)
	v.StatusKnown, v.Open = state.Known, state.Open
	if state.Known {
		// The tag says "Closed now"; the text goes on from there.
		v.Status, v.StatusDetail = state.Headline(), state.Detail(now)
	}
	today := hours.DateOf(now)
	spans, _ := sched.Day(today)
	if openLater(spans, now) {
		// "Open today 8am to 6:30pm" only while that is still to come or
		// going on: at 8pm, or on a day it is closed, the status line says
		// when it opens next.
		v.TodayHours = describeSpans(spans)
	}
	// The usual week, Monday first.
	for i := range 7 {
		wd := (i + 1) % 7
		v.Week = append(v.Week, themes.DayHours{Day: weekdayNames[wd], Hours: describeSpans(sched.Week[wd]), Today: time.Weekday(wd) == today.Weekday()})
	}
	if !state.Known {
		v.Week, v.TodayHours = nil, ""
	}
	// Changes in the next 60 days: the closures and special hours the
	// manager entered, and the bank holidays the practice closes for.
	for _, e := range sched.Changes(today, today.AddDays(60)) {
		n := themes.ClosureNotice{Dates: dateRange(e.From, e.To), Reason: e.Reason, Hours: "Closed"}
		if !e.Closed {
			n.Hours = describeSpans(e.Spans)
		}
		v.Exceptions = append(v.Exceptions, n)
	}
	// What the page shows changes at the next open/close, and at midnight
	// (today's hours, which closures are upcoming).
	next := state.Until
	midnight := time.Date(now.In(london).Year(), now.In(london).Month(), now.In(london).Day()+1, 0, 0, 0, 0, london)
	if next.IsZero() || midnight.Before(next) {
		next = midnight
	}
	return v, next
}

// openLater reports whether spans (today's hours) still have opening time
// at or after now: the practice is open, or opens again later today.
func openLater(spans []hours.Span, now time.Time) bool {
	l := now.In(london)
	m := l.Hour()*60 + l.Minute()
	for _, s := range spans {
		if s.Close > m && s.Close > s.Open {
			return true
		}
	}
	return false
}

func describeSpans(spans []hours.Span) string {
	if len(spans) == 0 {
		return "Closed"
	}
	parts := make([]string, 0, len(spans))
	for _, s := range spans {
		parts = append(parts, hours.FormatSpan(s))
	}
	return strings.Join(parts, " and ")
}

func dateRange(from, to hours.Date) string {
	f := dateTime(from).Format("Monday 2 January")
	if from == to {
		return f
	}
	return f + " to " + dateTime(to).Format("Monday 2 January")
}

// telHref makes a tel: link from a UK number as written.
func telHref(phone string) string {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '+' {
			return r
		}
		return -1
	}, phone)
	if digits == "" {
		return ""
	}
	if strings.HasPrefix(digits, "0") {
		digits = "+44" + digits[1:]
	}
	return "tel:" + digits
}

func longDate(t time.Time) string { return t.In(london).Format("2 January 2006") }

// clockText formats a time of day NHS style: "8am", "6:30pm".
func clockText(t time.Time) string {
	l := t.In(london)
	return hours.FormatClock(l.Hour()*60 + l.Minute())
}

func postView(p models.Post) themes.Post {
	v := themes.Post{Slug: p.Slug, Title: p.Title, URL: "/news/" + p.Slug, Summary: p.Summary, Body: template.HTML(p.BodyHTML)} //nolint:gosec // sanitised when written
	if p.PublishedAt != nil {
		v.Published = *p.PublishedAt
	}
	return v
}

func serviceView(s models.Service) themes.Service {
	return themes.Service{
		Slug: s.Slug, Name: s.Name, URL: "/services/" + s.Slug, Summary: s.Summary,
		Body:   template.HTML(s.BodyHTML), //nolint:gosec // sanitised when written
		WhoFor: s.WhoFor, HowToAccess: s.HowToAccess, SelfReferral: s.SelfReferral,
	}
}

func eventView(e models.Event) themes.Event {
	v := themes.Event{
		Slug: e.Slug, Title: e.Title, URL: "/events/" + e.Slug, ICSURL: "/events/" + e.Slug + ".ics", Summary: e.Summary,
		Body:  template.HTML(e.BodyHTML), //nolint:gosec // sanitised when written
		Start: e.StartsAt, Where: eventWhere(e.Location, e.Online), BookingURL: e.BookingURL,
	}
	v.When = e.StartsAt.In(london).Format("Monday 2 January 2006") + ", " + clockText(e.StartsAt)
	if e.EndsAt != nil {
		v.End = *e.EndsAt
		if hours.DateOf(*e.EndsAt) == hours.DateOf(e.StartsAt) {
			v.When += " to " + clockText(*e.EndsAt)
		} else {
			v.When += " to " + e.EndsAt.In(london).Format("Monday 2 January 2006") + ", " + clockText(*e.EndsAt)
		}
	}
	return v
}

// saysOnline matches a place that already says the event is online.
var saysOnline = regexp.MustCompile(`(?i)\b(?:online|video|virtual)\b`)

// eventWhere says where an event is, once: its place, "Online", or both
// ("Riverside Library, and online") unless the place already says it is
// online ("Online video call").
func eventWhere(place string, online bool) string {
	place = strings.TrimSpace(place)
	switch {
	case place == "" && online:
		return "Online"
	case online && !saysOnline.MatchString(place):
		return place + ", and online"
	}
	return place
}

func vacancyView(v models.Vacancy) themes.Vacancy {
	return themes.Vacancy{
		Slug: v.Slug, Title: v.Title, URL: "/vacancies/" + v.Slug, Summary: v.Summary,
		Body:   template.HTML(v.BodyHTML), //nolint:gosec // sanitised when written
		Closes: "Closing date: " + v.ClosesOn.UTC().Format("2 January 2006"), Salary: v.Salary, Hours: v.HoursText, ApplyURL: v.ApplyURL,
	}
}

// sessionDays describes a session's weekdays: "Monday to Friday", "Saturday".
func sessionDays(spec string) string {
	var days []int
	for _, f := range strings.Split(spec, ",") {
		var n int
		if _, err := fmt.Sscanf(strings.TrimSpace(f), "%d", &n); err == nil && n >= 0 && n <= 6 {
			days = append(days, n)
		}
	}
	if len(days) == 0 {
		return ""
	}
	// Monday-first order, with a run of consecutive days as "A to B".
	order := func(d int) int { return (d + 6) % 7 }
	for i := 1; i < len(days); i++ {
		for j := i; j > 0 && order(days[j]) < order(days[j-1]); j-- {
			days[j], days[j-1] = days[j-1], days[j]
		}
	}
	consecutive := len(days) > 2
	for i := 1; i < len(days); i++ {
		if order(days[i]) != order(days[i-1])+1 {
			consecutive = false
		}
	}
	if consecutive {
		return weekdayNames[days[0]] + " to " + weekdayNames[days[len(days)-1]]
	}
	names := make([]string, len(days))
	for i, d := range days {
		names[i] = weekdayNames[d]
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func spanOf(open, close int) []hours.Span { return []hours.Span{{Open: open, Close: close}} }
