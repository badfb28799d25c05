package site

import (
	"bytes"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/feeds"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// listEvents renders upcoming events (soonest first) and past ones (latest
// first); the page changes when the next event ends (the store records it).
func listEvents(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		now := d.Now()
		events, err := r.store.Events(now)
		if err != nil {
			return err
		}
		view := r.view("Events", "/events")
		view.Description = "Events run by " + r.t.Name + "."
		view.Breadcrumbs = crumbs()
		for _, e := range events {
			if e.Over(now) {
				view.Past = append([]themes.Event{eventView(e)}, view.Past...)
				continue
			}
			view.Upcoming = append(view.Upcoming, eventView(e))
		}
		return render(c, d, r.t, "events", view)
	}
}

// showEvent renders one event, or its iCalendar file for /events/{slug}.ics.
func showEvent(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		slug, ics := strings.CutSuffix(c.Params("slug"), ".ics")
		r, err := load(c, d)
		if err != nil {
			return err
		}
		e, err := r.store.EventBySlug(slug)
		if err != nil {
			return err
		}
		if ics {
			return eventICS(c, r, e)
		}
		ev := eventView(e)
		ev.Body = r.body(e.BodyHTML)
		view := r.view(e.Title, ev.URL)
		view.Description = e.Summary
		view.OGType = "article"
		view.Event = &ev
		view.Breadcrumbs = crumbs(themes.NavLink{Title: "Events", URL: "/events"})
		view.JSONLD = eventLD(r, e)
		return render(c, d, r.t, "event", view)
	}
}

func eventICS(c *fiber.Ctx, r *request, e models.Event) error {
	fe := feeds.Event{
		UID:     e.Slug + "@" + strings.TrimPrefix(strings.TrimPrefix(r.site.BaseURL, "https://"), "http://"),
		Summary: e.Title, Description: e.Summary, Location: e.Location, URL: r.site.BaseURL + "/events/" + e.Slug,
		Start: e.StartsAt, Online: e.Online, Organizer: r.t.Name, Updated: e.UpdatedAt,
	}
	if e.EndsAt != nil {
		fe.End = *e.EndsAt
	}
	var buf bytes.Buffer
	if err := feeds.WriteICS(&buf, "-//pcnweb//"+r.t.Name+"//EN", fe); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+e.Slug+`.ics"`)
	return c.Send(buf.Bytes())
}

func eventLD(r *request, e models.Event) map[string]any {
	ld := map[string]any{
		"@context": "https://schema.org", "@type": "Event", "name": e.Title, "startDate": e.StartsAt.Format("2006-01-02T15:04:05Z07:00"),
		"url": r.site.BaseURL + "/events/" + e.Slug, "organizer": map[string]any{"@type": "MedicalOrganization", "name": r.t.Name, "url": r.site.BaseURL + "/"},
		"eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
	}
	if e.EndsAt != nil {
		ld["endDate"] = e.EndsAt.Format("2006-01-02T15:04:05Z07:00")
	}
	if e.Online {
		ld["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
		ld["location"] = map[string]any{"@type": "VirtualLocation", "url": r.site.BaseURL + "/events/" + e.Slug}
	} else if e.Location != "" {
		ld["location"] = map[string]any{"@type": "Place", "name": e.Location, "address": e.Location}
	}
	if e.Summary != "" {
		ld["description"] = e.Summary
	}
	return ld
}

// listVacancies renders the vacancies still open; each disappears after
// its closing date (the store records when).
func listVacancies(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		now := d.Now()
		vacancies, err := r.store.Vacancies(now)
		if err != nil {
			return err
		}
		view := r.view("Vacancies", "/vacancies")
		view.Description = "Jobs at " + r.t.Name + "."
		view.Breadcrumbs = crumbs()
		for _, v := range vacancies {
			if v.OpenAt(now) {
				view.Vacancies = append(view.Vacancies, vacancyView(v))
			}
		}
		return render(c, d, r.t, "vacancies", view)
	}
}

// showVacancy renders an open vacancy; a closed one is gone (404).
func showVacancy(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		v, err := r.store.VacancyBySlug(c.Params("slug"), d.Now())
		if err != nil {
			return err
		}
		vv := vacancyView(v)
		vv.Body = r.body(v.BodyHTML)
		view := r.view(v.Title, vv.URL)
		view.Description = v.Summary
		view.Vacancy = &vv
		view.Breadcrumbs = crumbs(themes.NavLink{Title: "Vacancies", URL: "/vacancies"})
		return render(c, d, r.t, "vacancy", view)
	}
}
