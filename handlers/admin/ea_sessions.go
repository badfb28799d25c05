package admin

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// eaSessionsPage is the view of "ea-sessions".
type eaSessionsPage struct {
	themes.Admin
	EASessions []eaSessionRow
}

// eaSessionPage is the view of "ea-session-edit" and "ea-session-delete".
type eaSessionPage struct {
	themes.Admin
	EASession *eaSessionEdit
}

// eaSessionRow is a row of the list of enhanced access sessions.
type eaSessionRow struct {
	ID       int64
	Days     string // "Monday to Friday"
	Times    string // "6:30pm to 8pm"
	Practice string // the hosting practice, or "Across the network"
	First    bool
	Last     bool
}

// eaSessionEdit is the enhanced access session form.
type eaSessionEdit struct {
	ID         int64 // 0 for a new session
	Version    int
	Days       []eaSessionDay
	StartsAt   string
	EndsAt     string
	PracticeID int64 // 0: across the network
	Practices  []eaSessionPractice
	Clinicians string
	HowToBook  string
	Summary    string // the delete page's description of the session
}

// eaSessionDay is one day checkbox; Value is the day number (Sunday = 0).
type eaSessionDay struct {
	Value   string
	Name    string
	Checked bool
}

// eaSessionPractice is an option of the hosting practice select.
type eaSessionPractice struct {
	ID   int64
	Name string
}

// eaSessionDays are the day checkboxes, Monday first: the stored day number
// (Sunday = 0) and its name.
var eaSessionDays = models.EASessionDays

// eaSessionFields are the form's inputs a model error may name.
var eaSessionFields = map[string]bool{"days": true, "starts_at": true, "ends_at": true, "practice_id": true}

// eaSessionRowOf is a session as listed; place is its hosting practice's
// name ("" for across the network).
func eaSessionRowOf(s models.EASession, place string) eaSessionRow {
	if place == "" {
		place = "Across the network"
	}
	return eaSessionRow{ID: s.ID, Days: s.DaysText(),
		Times: hours.FormatSpan(hours.Span{Open: s.StartsAt, Close: s.EndsAt}), Practice: place}
}

// eaSessionPracticeNames maps the tenant's practice ids to names.
func eaSessionPracticeNames(store *models.TenantDB) (map[int64]string, []eaSessionPractice, error) {
	ps, err := store.Practices()
	if err != nil {
		return nil, nil, err
	}
	names := map[int64]string{}
	var options []eaSessionPractice
	for _, p := range ps {
		names[p.ID] = p.Name
		options = append(options, eaSessionPractice{ID: p.ID, Name: p.Name})
	}
	return names, options, nil
}

func listEASessions(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store := tenantStore(c)
		ss, err := store.EASessions()
		if err != nil {
			return err
		}
		names, _, err := eaSessionPracticeNames(store)
		if err != nil {
			return err
		}
		view := eaSessionsPage{Admin: baseView(c, d, "Enhanced access")}
		for i, s := range ss {
			place := ""
			if s.PracticeID != nil {
				place = names[*s.PracticeID]
			}
			row := eaSessionRowOf(s, place)
			row.First, row.Last = i == 0, i == len(ss)-1
			view.EASessions = append(view.EASessions, row)
		}
		view.Notice = map[string]string{
			"saved":   "The session has been saved. It is on the website now.",
			"deleted": "The session has been deleted.",
			"moved":   "The order of the sessions has been changed.",
		}[c.Query("done")]
		return render(c, d, fiber.StatusOK, "ea-sessions", view)
	}
}

func eaSessionView(c *fiber.Ctx, d Deps, store *models.TenantDB, se *eaSessionEdit, days map[string]bool, errs []themes.FieldError) (eaSessionPage, error) {
	title := "Add an enhanced access session"
	if se.ID != 0 {
		title = "Edit an enhanced access session"
	}
	view := eaSessionPage{Admin: baseView(c, d, title)}
	view.Errors = errs
	_, options, err := eaSessionPracticeNames(store)
	if err != nil {
		return view, err
	}
	se.Practices = options
	se.Days = nil
	for _, day := range eaSessionDays {
		se.Days = append(se.Days, eaSessionDay{Value: day.Value, Name: day.Name, Checked: days[day.Value]})
	}
	view.EASession = se
	return view, nil
}

func eaSessionLoad(c *fiber.Ctx, d Deps) (*models.TenantDB, models.EASession, error) {
	store := tenantStore(c)
	if c.Params("id") == "" {
		return store, models.EASession{}, nil
	}
	id, err := routeID(c, "id")
	if err != nil {
		return nil, models.EASession{}, err
	}
	s, err := store.EASessionByID(id)
	return store, s, err
}

func editEASession(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store, s, err := eaSessionLoad(c, d)
		if err != nil {
			return err
		}
		se := &eaSessionEdit{}
		days := map[string]bool{}
		if s.ID != 0 {
			se = &eaSessionEdit{ID: s.ID, Version: s.Version, StartsAt: formClock(models.ClockOf(s.StartsAt)), EndsAt: formClock(models.ClockOf(s.EndsAt)),
				Clinicians: s.Clinicians, HowToBook: s.HowToBook}
			if s.PracticeID != nil {
				se.PracticeID = *s.PracticeID
			}
			for _, f := range strings.Split(s.Weekdays, ",") {
				days[strings.TrimSpace(f)] = true
			}
		}
		view, err := eaSessionView(c, d, store, se, days, nil)
		if err != nil {
			return err
		}
		return render(c, d, fiber.StatusOK, "ea-session-edit", view)
	}
}

func saveEASession(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store, current, err := eaSessionLoad(c, d) // another tenant's id: 404, nothing written
		if err != nil {
			return err
		}
		id, version := current.ID, 0
		if id != 0 {
			if version, err = requiredFormVersion(c); err != nil {
				return err
			}
		}
		days := map[string]bool{}
		var picked []string
		for _, v := range c.Request().PostArgs().PeekMulti("days") {
			days[string(v)] = true
			picked = append(picked, string(v))
		}
		se := &eaSessionEdit{ID: id, Version: version, StartsAt: c.FormValue("starts_at"), EndsAt: c.FormValue("ends_at"),
			Clinicians: c.FormValue("clinicians"), HowToBook: c.FormValue("how_to_book")}
		s := models.EASession{Weekdays: strings.Join(picked, ","), Clinicians: se.Clinicians, HowToBook: se.HowToBook}
		var errs []themes.FieldError
		if len(picked) == 0 {
			errs = append(errs, themes.FieldError{Field: "days", Message: "Choose at least one day"})
		}
		if pid := c.FormValue("practice_id"); pid != "" {
			n, err := strconv.ParseInt(pid, 10, 64)
			if err != nil || n <= 0 {
				errs = append(errs, themes.FieldError{Field: "practice_id", Message: "Choose a practice from the list, or across the network"})
			} else {
				se.PracticeID, s.PracticeID = n, &n
			}
		}
		if strings.TrimSpace(se.StartsAt) == "" {
			errs = append(errs, themes.FieldError{Field: "starts_at", Message: "Enter the start time in 24-hour form, for example 18:30"})
		} else if s.StartsAt, err = parseOpeningClock(se.StartsAt, false); err != nil {
			errs = append(errs, themes.FieldError{Field: "starts_at", Message: "Enter a real start time in 24-hour form, for example 18:30"})
		}
		if strings.TrimSpace(se.EndsAt) == "" {
			errs = append(errs, themes.FieldError{Field: "ends_at", Message: "Enter the end time in 24-hour form, for example 20:00"})
		} else if s.EndsAt, err = parseOpeningClock(se.EndsAt, true); err != nil {
			errs = append(errs, themes.FieldError{Field: "ends_at", Message: "Enter a real end time in 24-hour form, for example 20:00"})
		}
		status := fiber.StatusUnprocessableEntity
		if len(errs) == 0 {
			_, err = store.SaveEASessionByID(actor(c), id, version, s)
			var ve *models.ValidationError
			switch {
			case err == nil:
				return redirect.To(c, tenants.AdminPath+"/sessions?done=saved", fiber.StatusSeeOther)
			case errors.As(err, &ve):
				field := ve.Field
				if !eaSessionFields[field] {
					field = ""
				}
				errs = []themes.FieldError{{Field: field, Message: sentence(ve.Message)}}
			case errors.Is(err, models.ErrStale):
				status = fiber.StatusConflict
				errs = []themes.FieldError{{Message: "Someone else changed this session while you were editing it. Your changes have not been saved: copy anything you need, then reload the page."}}
			default:
				return err
			}
		}
		view, err := eaSessionView(c, d, store, se, days, errs)
		if err != nil {
			return err
		}
		return render(c, d, status, "ea-session-edit", view)
	}
}

func moveEASession(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store, s, err := eaSessionLoad(c, d)
		if err != nil {
			return err
		}
		up, err := moveDirection(c)
		if err != nil {
			return err
		}
		if err := store.MoveEASession(actor(c), s.ID, up); err != nil {
			return err
		}
		return redirect.To(c, tenants.AdminPath+"/sessions?done=moved", fiber.StatusSeeOther)
	}
}

func confirmDeleteEASession(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store, s, err := eaSessionLoad(c, d)
		if err != nil {
			return err
		}
		names, _, err := eaSessionPracticeNames(store)
		if err != nil {
			return err
		}
		place := ""
		if s.PracticeID != nil {
			place = names[*s.PracticeID]
		}
		row := eaSessionRowOf(s, place)
		view := eaSessionPage{Admin: baseView(c, d, "Delete an enhanced access session")}
		view.EASession = &eaSessionEdit{ID: s.ID, Summary: row.Days + ", " + row.Times + ", " + row.Practice}
		return render(c, d, fiber.StatusOK, "ea-session-delete", view)
	}
}

func deleteEASession(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store, s, err := eaSessionLoad(c, d)
		if err != nil {
			return err
		}
		if err := store.DeleteEASession(actor(c), s.ID); err != nil {
			return err
		}
		return redirect.To(c, tenants.AdminPath+"/sessions?done=deleted", fiber.StatusSeeOther)
	}
}
