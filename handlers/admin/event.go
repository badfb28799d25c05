package admin

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// eventsPage is the view of "events".
type eventsPage struct {
	themes.Admin
	UpcomingEvents []eventRow
	PastEvents     []eventRow
}

// eventPage is the view of "event-edit".
type eventPage struct {
	themes.Admin
	Event *eventEdit
}

// eventRow is an event in the upcoming or past list.
type eventRow struct {
	ID        int64
	Title     string
	When      string // "5 December 2026 at 9am"
	Published bool
}

// eventEdit is the event form, as stored or as typed; dates 2006-01-02 and
// times 15:04, UK time.
type eventEdit struct {
	ID         int64
	Version    int
	Title      string
	Slug       string
	Summary    string
	Body       string
	StartDate  string
	StartTime  string
	EndDate    string
	EndTime    string
	Location   string
	Online     bool
	BookingURL string
	Published  bool
	PublicURL  string
}

// eventParseClock reads a 24-hour time, 09:30.
func eventParseClock(s string) (h, m int, ok bool) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, 0, false
	}
	return t.Hour(), t.Minute(), true
}

// eventParseWhen reads the start and the optional end of the event form,
// both UK time. An end time without an end date ends on the start's day.
func eventParseWhen(f eventEdit) (start time.Time, end *time.Time, fe *themes.FieldError) {
	loc := hours.Location()
	if strings.TrimSpace(f.StartDate) == "" {
		return start, nil, &themes.FieldError{Field: "start_date", Message: "Enter the date the event starts"}
	}
	y, mo, d, ok := parseDate(f.StartDate)
	if !ok {
		return start, nil, &themes.FieldError{Field: "start_date", Message: "Enter a real date, like 27/3/2026"}
	}
	if strings.TrimSpace(f.StartTime) == "" {
		return start, nil, &themes.FieldError{Field: "start_time", Message: "Enter the time the event starts in 24-hour form, for example 09:30"}
	}
	h, mi, ok := eventParseClock(f.StartTime)
	if !ok {
		return start, nil, &themes.FieldError{Field: "start_time", Message: "Enter a real time in 24-hour form, for example 09:30 or 18:00"}
	}
	start = time.Date(y, mo, d, h, mi, 0, 0, loc)
	endDate, endTime := strings.TrimSpace(f.EndDate), strings.TrimSpace(f.EndTime)
	if endDate == "" && endTime == "" {
		return start, nil, nil
	}
	if endDate != "" {
		if y, mo, d, ok = parseDate(endDate); !ok {
			return start, nil, &themes.FieldError{Field: "end_date", Message: "Enter a real date, like 27/3/2026, or leave it empty"}
		}
	}
	if endTime == "" {
		return start, nil, &themes.FieldError{Field: "end_time", Message: "Enter the time the event ends, or leave both end fields empty"}
	}
	if h, mi, ok = eventParseClock(endTime); !ok {
		return start, nil, &themes.FieldError{Field: "end_time", Message: "Enter a real time in 24-hour form, for example 09:30 or 18:00"}
	}
	e := time.Date(y, mo, d, h, mi, 0, 0, loc)
	if !e.After(start) {
		return start, nil, &themes.FieldError{Field: "end_time", Message: "The end must be after the start"}
	}
	return start, &e, nil
}

// eventIsOver tells whether an event has finished at now, as the public
// events page does: at its end, or at its start when it has none.
func eventIsOver(e models.Event, now time.Time) bool {
	if e.EndsAt != nil {
		return !now.Before(*e.EndsAt)
	}
	return !now.Before(e.StartsAt)
}

func listEvents(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		events, err := tenantStore(c).AllEvents()
		if err != nil {
			return err
		}
		view := eventsPage{Admin: baseView(c, d, "Events")}
		view.Notice = doneNotice(c, "event")
		now := time.Now()
		for _, e := range events {
			row := eventRow{ID: e.ID, Title: e.Title, When: hours.FormatInstant(e.StartsAt), Published: e.Published}
			if eventIsOver(e, now) {
				view.PastEvents = append([]eventRow{row}, view.PastEvents...)
				continue
			}
			view.UpcomingEvents = append(view.UpcomingEvents, row)
		}
		return render(c, d, fiber.StatusOK, "events", view)
	}
}

// eventFormView builds the event form's view.
func eventFormView(c *fiber.Ctx, d Deps, f eventEdit, stored *models.Event, errs []themes.FieldError) eventPage {
	title := "Add an event"
	if f.ID != 0 {
		title = "Edit event"
	}
	view := eventPage{Admin: baseView(c, d, title)}
	view.Errors = errs
	if stored != nil && stored.Published {
		f.PublicURL = view.SiteURL + "/events/" + stored.Slug
	}
	view.Event = &f
	return view
}

func newEvent(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return render(c, d, fiber.StatusOK, "event-edit", eventFormView(c, d, eventEdit{Published: true}, nil, nil))
	}
}

func editEvent(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		e, err := tenantStore(c).EventByID(id)
		if err != nil {
			return err
		}
		loc := hours.Location()
		f := eventEdit{ID: e.ID, Version: e.Version, Title: e.Title, Slug: e.Slug, Summary: e.Summary, Body: e.BodyMD,
			StartDate: e.StartsAt.In(loc).Format("2006-01-02"), StartTime: e.StartsAt.In(loc).Format("15:04"),
			Location: e.Location, Online: e.Online, BookingURL: e.BookingURL, Published: e.Published}
		if e.EndsAt != nil {
			f.EndDate, f.EndTime = e.EndsAt.In(loc).Format("2006-01-02"), e.EndsAt.In(loc).Format("15:04")
		}
		return render(c, d, fiber.StatusOK, "event-edit", eventFormView(c, d, f, &e, nil))
	}
}

// saveEvent creates (no :id) or updates an event.
func saveEvent(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := optionalRouteID(c, "id")
		if err != nil {
			return err
		}
		store := tenantStore(c)
		var stored *models.Event
		if id != 0 {
			e, err := store.EventByID(id) // another tenant's id: 404, nothing written
			if err != nil {
				return err
			}
			stored = &e
		}
		f := eventEdit{ID: id, Version: formVersion(c), Title: c.FormValue("title"), Slug: formSlug(c),
			Summary: formText(c, "summary"), Body: formText(c, "body"),
			StartDate: c.FormValue("start_date"), StartTime: c.FormValue("start_time"),
			EndDate: c.FormValue("end_date"), EndTime: c.FormValue("end_time"),
			Location: c.FormValue("location"), Online: formChecked(c, "online"), BookingURL: c.FormValue("booking_url"),
			Published: formChecked(c, "published")}
		start, end, fe := eventParseWhen(f)
		if fe != nil {
			return render(c, d, fiber.StatusUnprocessableEntity, "event-edit", eventFormView(c, d, f, stored, []themes.FieldError{*fe}))
		}
		_, err = store.SaveEvent(actor(c), id, f.Version, models.Event{Title: f.Title, Slug: f.Slug, Summary: f.Summary,
			BodyMD: f.Body, StartsAt: start, EndsAt: end, Location: f.Location, Online: f.Online, BookingURL: f.BookingURL,
			Published: f.Published})
		if status, errs, ok := formRefusal(err, "event", map[string]string{"title": "title", "slug": "slug",
			"summary": "summary", "body": "body", "starts_at": "start_date", "ends_at": "end_time", "booking_url": "booking_url"}); ok {
			return render(c, d, status, "event-edit", eventFormView(c, d, f, stored, errs))
		}
		if err != nil {
			return err
		}
		return redirectDone(c, tenants.AdminPath+"/events", "saved")
	}
}

// eventDeletion deletes an event after asking.
var eventDeletion = deletion[models.Event]{
	title: "Delete event", list: tenants.AdminPath + "/events",
	load: (*models.TenantDB).EventByID, remove: (*models.TenantDB).DeleteEvent,
	ask: func(_ *models.TenantDB, e models.Event) (string, string, error) {
		return "Are you sure you want to delete the event “" + e.Title + "”?",
			"It will be removed from the website, with its calendar file, and cannot be restored.", nil
	},
}

func confirmDeleteEvent(d Deps) fiber.Handler { return eventDeletion.confirm(d) }
func deleteEvent(d Deps) fiber.Handler        { return eventDeletion.delete(d) }
