package admin

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// practiceExceptionsPage is the view of "practice-exceptions".
type practiceExceptionsPage struct {
	themes.Admin
	PracticeExceptions *practiceExceptionsView
}

// practiceExceptionPage is the view of "practice-exception-edit" and "practice-exception-delete".
type practiceExceptionPage struct {
	themes.Admin
	PracticeException *practiceExceptionEdit
}

// practiceExceptionsView is a practice's list of changes to its usual hours.
type practiceExceptionsView struct {
	PracticeID int64
	Practice   string
	Upcoming   []practiceExceptionRow
	Past       []practiceExceptionRow
}

// practiceExceptionRow is one change to a practice's hours.
type practiceExceptionRow struct {
	PracticeID int64
	ID         int64
	Dates      string // "Thursday 24 December 2026 to Sunday 27 December 2026"
	Hours      string // "Closed all day" or "8am to 12pm"
	Reason     string
}

// practiceExceptionEdit is the form of one change to a practice's hours.
type practiceExceptionEdit struct {
	PracticeID int64
	Practice   string
	ID         int64 // 0 for a new one
	Version    int
	StartsOn   string // as typed, 24/12/2026
	EndsOn     string
	Closed     bool // "closed" chosen; false with Open set means special hours
	Open       bool
	Open1      string
	Close1     string
	Open2      string
	Close2     string
	Reason     string
	Dates      string // the delete page's description of the dates
	// Choices are the network's practices a new closure can also go to
	// (shown when there are several); AllPractices: "all practices" ticked.
	Choices      []practiceChoice
	AllPractices bool
}

// practiceChoice is a practice of the "practices this applies to" boxes.
type practiceChoice struct {
	ID      int64
	Name    string
	Checked bool
}

// practiceExceptionChoices lists the network's practices for a new
// closure's "practices this applies to", ticked as chosen; nil when the
// network has only one practice.
func practiceExceptionChoices(store *models.TenantDB, chosen map[int64]bool) ([]practiceChoice, error) {
	ps, err := store.Practices()
	if err != nil || len(ps) < 2 {
		return nil, err
	}
	out := make([]practiceChoice, 0, len(ps))
	for _, p := range ps {
		out = append(out, practiceChoice{ID: p.ID, Name: p.Name, Checked: chosen[p.ID]})
	}
	return out, nil
}

// practiceExceptionTargets reads which practices a new closure goes to:
// the ticked ones, every practice when "all practices" is ticked, or the
// practice of the URL when the form had no choice (a network of one).
// Ids that are not numbers are a 400; another tenant's are refused by the
// save (404).
func practiceExceptionTargets(c *fiber.Ctx, store *models.TenantDB, p models.Practice) (ids []int64, all bool, err error) {
	if c.FormValue("practices_shown") == "" {
		return []int64{p.ID}, false, nil
	}
	if formChecked(c, "all_practices") {
		ps, err := store.Practices()
		if err != nil {
			return nil, true, err
		}
		ids = []int64{p.ID}
		for _, q := range ps {
			if q.ID != p.ID {
				ids = append(ids, q.ID)
			}
		}
		return ids, true, nil
	}
	for _, v := range c.Request().PostArgs().PeekMulti("practices") {
		id, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil || id <= 0 {
			return nil, false, fiber.ErrBadRequest
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, false, nil
}

// practiceDateLayouts are the ways a date may be typed, UK order first.
var practiceDateLayouts = []string{"2/1/2006", "2-1-2006", "2.1.2006", "2 1 2006", "2006-01-02", "2 January 2006", "2 Jan 2006"}

// practiceParseDate reads a date as typed ("24/12/2026", "24 December
// 2026"); ok is false when it is not a real date.
func practiceParseDate(s string) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	for _, layout := range practiceDateLayouts {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 2000 && t.Year() < 2100 {
			return t, true
		}
	}
	return time.Time{}, false
}

// practiceUKDate formats a stored date for the form's date input,
// 2026-12-24 (shown as 24/12/2026 in the UK).
func practiceUKDate(t time.Time) string { return t.UTC().Format("2006-01-02") }

// practiceExceptionDates describes an exception's dates, "Thursday 24
// December 2026 to Sunday 27 December 2026".
func practiceExceptionDates(e models.PracticeException) string {
	s := hours.NewDate(e.StartsOn.UTC().Date()).Long()
	if !e.EndsOn.Equal(e.StartsOn) {
		s += " to " + hours.NewDate(e.EndsOn.UTC().Date()).Long()
	}
	return s
}

// practiceToday is today's date in London, as stored dates are (midnight UTC).
func practiceToday() time.Time {
	y, m, d := time.Now().In(hours.Location()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func listPracticeExceptions(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		p, err := tenantStore(c).PracticeByID(id)
		if err != nil {
			return err
		}
		view := practiceExceptionsPage{Admin: baseView(c, d, "Changes to the opening hours of "+p.Name)}
		ev := &practiceExceptionsView{PracticeID: p.ID, Practice: p.Name}
		today := practiceToday()
		for _, e := range p.Exceptions {
			row := practiceExceptionRow{PracticeID: p.ID, ID: e.ID, Dates: practiceExceptionDates(e), Reason: e.Reason, Hours: "Closed all day"}
			if !e.Closed {
				var spans []hours.Span
				for _, cs := range e.ExceptionSpans() {
					o, _ := hours.ParseClock(cs.Open)
					cl, _ := hours.ParseClock(cs.Close)
					spans = append(spans, hours.Span{Open: o, Close: cl})
				}
				row.Hours = "Open " + hours.FormatSpans(spans)
			}
			if e.EndsOn.Before(today) {
				ev.Past = append(ev.Past, row)
			} else {
				ev.Upcoming = append(ev.Upcoming, row)
			}
		}
		view.PracticeExceptions = ev
		view.Notice = map[string]string{
			"saved":   "The change to the opening hours has been saved. It is on the website now.",
			"several": "The change to the opening hours has been saved for " + strconv.Itoa(max(2, c.QueryInt("n"))) + " practices. It is on the website now; each practice has its own copy to change or delete.",
			"past":    "The change to the opening hours has been saved. Its dates are in the past, so patients will not see it: check the dates if that is not what you meant.",
			"deleted": "The change to the opening hours has been deleted.",
		}[c.Query("done")]
		return render(c, d, fiber.StatusOK, "practice-exceptions", view)
	}
}

// practiceExceptionIDs reads the practice and exception ids of the URL (0
// for a new exception).
func practiceExceptionIDs(c *fiber.Ctx) (practiceID, id int64, err error) {
	if practiceID, err = routeID(c, "id"); err != nil {
		return 0, 0, err
	}
	if c.Params("eid") != "" {
		if id, err = routeID(c, "eid"); err != nil {
			return 0, 0, err
		}
	}
	return practiceID, id, nil
}

func practiceExceptionView(c *fiber.Ctx, d Deps, ee *practiceExceptionEdit, errs []themes.FieldError) practiceExceptionPage {
	title := "Add a change to the opening hours"
	if ee.ID != 0 {
		title = "Edit a change to the opening hours"
	}
	view := practiceExceptionPage{Admin: baseView(c, d, title)}
	view.Errors = errs
	view.PracticeException = ee
	return view
}

func practiceExceptionEditOf(p models.Practice, e models.PracticeException) *practiceExceptionEdit {
	ee := &practiceExceptionEdit{PracticeID: p.ID, Practice: p.Name, ID: e.ID, Version: e.Version,
		StartsOn: practiceUKDate(e.StartsOn), Closed: e.Closed, Open: !e.Closed, Reason: e.Reason, Dates: practiceExceptionDates(e)}
	if !e.EndsOn.Equal(e.StartsOn) {
		ee.EndsOn = practiceUKDate(e.EndsOn)
	}
	spans := e.ExceptionSpans()
	if len(spans) > 0 {
		ee.Open1, ee.Close1 = formClock(spans[0].Open), formClock(spans[0].Close)
	}
	if len(spans) > 1 {
		ee.Open2, ee.Close2 = formClock(spans[1].Open), formClock(spans[1].Close)
	}
	return ee
}

// practiceExceptionLoad loads the practice and, for an existing id, the
// exception of the URL: another practice's or tenant's is a 404.
func practiceExceptionLoad(c *fiber.Ctx, d Deps) (*models.TenantDB, models.Practice, models.PracticeException, error) {
	var e models.PracticeException
	practiceID, id, err := practiceExceptionIDs(c)
	if err != nil {
		return nil, models.Practice{}, e, err
	}
	store := tenantStore(c)
	p, err := store.PracticeByID(practiceID)
	if err != nil {
		return nil, p, e, err
	}
	if id != 0 {
		if e, err = store.ExceptionByID(practiceID, id); err != nil {
			return nil, p, e, err
		}
	}
	return store, p, e, nil
}

func editPracticeException(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, p, e, err := practiceExceptionLoad(c, d)
		if err != nil {
			return err
		}
		ee := &practiceExceptionEdit{PracticeID: p.ID, Practice: p.Name}
		if e.ID != 0 {
			ee = practiceExceptionEditOf(p, e)
		} else if ee.Choices, err = practiceExceptionChoices(tenantStore(c), map[int64]bool{p.ID: true}); err != nil {
			return err
		}
		return render(c, d, fiber.StatusOK, "practice-exception-edit", practiceExceptionView(c, d, ee, nil))
	}
}

// practiceExceptionFields are the form's inputs a model error may name.
var practiceExceptionFields = map[string]bool{"starts_on": true, "ends_on": true, "reason": true, "exception-1-open": true, "practices": true}

func savePracticeException(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store, p, current, err := practiceExceptionLoad(c, d)
		if err != nil {
			return err
		}
		id := current.ID
		version := 0
		if id != 0 {
			if version, err = requiredFormVersion(c); err != nil {
				return err
			}
		}
		kind := c.FormValue("kind")
		ee := &practiceExceptionEdit{PracticeID: p.ID, Practice: p.Name, ID: id, Version: version,
			StartsOn: c.FormValue("starts_on"), EndsOn: c.FormValue("ends_on"), Closed: kind == "closed", Open: kind == "open",
			Open1: c.FormValue("exception-1-open"), Close1: c.FormValue("exception-1-close"),
			Open2: c.FormValue("exception-2-open"), Close2: c.FormValue("exception-2-close"), Reason: c.FormValue("reason")}
		var errs []themes.FieldError
		var targets []int64
		if id == 0 {
			var all bool
			if targets, all, err = practiceExceptionTargets(c, store, p); err != nil {
				return err
			}
			chosen := map[int64]bool{}
			for _, t := range targets {
				chosen[t] = true
			}
			if ee.Choices, err = practiceExceptionChoices(store, chosen); err != nil {
				return err
			}
			ee.AllPractices = all
			if len(targets) == 0 {
				errs = append(errs, themes.FieldError{Field: "practices", Message: "Choose the practices this applies to, or all practices"})
			}
		}
		e := models.PracticeException{Closed: ee.Closed, Reason: ee.Reason}
		switch from, ok := practiceParseDate(ee.StartsOn); {
		case strings.TrimSpace(ee.StartsOn) == "":
			errs = append(errs, themes.FieldError{Field: "starts_on", Message: "Enter the first date, like 24/12/2026"})
		case !ok:
			errs = append(errs, themes.FieldError{Field: "starts_on", Message: "Enter a real date for the first date, like 24/12/2026"})
		default:
			e.StartsOn = from
		}
		if strings.TrimSpace(ee.EndsOn) != "" {
			to, ok := practiceParseDate(ee.EndsOn)
			switch {
			case !ok:
				errs = append(errs, themes.FieldError{Field: "ends_on", Message: "Enter a real date for the last date, like 27/12/2026, or leave it empty for one day"})
			case !e.StartsOn.IsZero() && to.Before(e.StartsOn):
				errs = append(errs, themes.FieldError{Field: "ends_on", Message: "The last date must be the same as or after the first date"})
			default:
				e.EndsOn = to
			}
		}
		var spans []models.ClockSpan
		switch kind {
		case "closed":
		case "open":
			var es []themes.FieldError
			spans, es = practicePeriods("exception", "that day", [4]string{ee.Open1, ee.Close1, ee.Open2, ee.Close2})
			if len(es) == 0 && len(spans) == 0 {
				es = append(es, themes.FieldError{Field: "exception-1-open", Message: "Enter the special opening times, or choose closed all day"})
			}
			errs = append(errs, es...)
		default:
			errs = append(errs, themes.FieldError{Field: "kind", Message: "Choose whether the practice is closed all day or open at different times"})
		}
		if len(errs) > 0 {
			return render(c, d, fiber.StatusUnprocessableEntity, "practice-exception-edit", practiceExceptionView(c, d, ee, errs))
		}
		var saved models.PracticeException
		if len(targets) > 1 || len(targets) == 1 && targets[0] != p.ID {
			// One closure for several practices: one transaction, one
			// audit row each.
			all, err := store.AddExceptionToPractices(actor(c), targets, e, spans)
			if err == nil {
				done := "several&n=" + strconv.Itoa(len(all))
				if len(all) == 1 {
					done = "saved"
				}
				return redirect.To(c, practiceURL(targets[0], "/exceptions?done="+done), fiber.StatusSeeOther)
			}
			return practiceExceptionRefused(c, d, ee, err)
		}
		saved, err = store.SaveException(actor(c), p.ID, id, version, e, spans)
		if err != nil {
			return practiceExceptionRefused(c, d, ee, err)
		}
		done := "saved"
		if saved.EndsOn.Before(practiceToday()) {
			done = "past"
		}
		return redirect.To(c, practiceURL(p.ID, "/exceptions?done="+done), fiber.StatusSeeOther)
	}
}

// practiceExceptionRefused shows the form again, as typed, after a save
// was refused; any other error is returned.
func practiceExceptionRefused(c *fiber.Ctx, d Deps, ee *practiceExceptionEdit, err error) error {
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		field := ve.Field
		if !practiceExceptionFields[field] {
			field = ""
		}
		return render(c, d, fiber.StatusUnprocessableEntity, "practice-exception-edit", practiceExceptionView(c, d, ee, []themes.FieldError{{Field: field, Message: sentence(ve.Message)}}))
	case errors.Is(err, models.ErrStale):
		msg := "Someone else changed this change to the opening hours while you were editing it. Your changes have not been saved: copy anything you need, then reload the page."
		return render(c, d, fiber.StatusConflict, "practice-exception-edit", practiceExceptionView(c, d, ee, []themes.FieldError{{Message: msg}}))
	}
	return err
}

func confirmDeletePracticeException(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, p, e, err := practiceExceptionLoad(c, d)
		if err != nil {
			return err
		}
		if e.ID == 0 {
			return fiber.ErrNotFound
		}
		view := practiceExceptionPage{Admin: baseView(c, d, "Delete a change to the opening hours")}
		view.PracticeException = practiceExceptionEditOf(p, e)
		return render(c, d, fiber.StatusOK, "practice-exception-delete", view)
	}
}

func deletePracticeException(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store, p, e, err := practiceExceptionLoad(c, d)
		if err != nil {
			return err
		}
		if e.ID == 0 {
			return fiber.ErrNotFound
		}
		if err := store.DeleteException(actor(c), p.ID, e.ID); err != nil {
			return err
		}
		return redirect.To(c, practiceURL(p.ID, "/exceptions?done=deleted"), fiber.StatusSeeOther)
	}
}
