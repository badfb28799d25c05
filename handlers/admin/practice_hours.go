package admin

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// practiceHoursPage is the view of "practice-hours".
type practiceHoursPage struct {
	themes.Admin
	PracticeHours *practiceHoursEdit
}

// practiceHoursEdit is the weekly opening hours form.
type practiceHoursEdit struct {
	PracticeID int64
	Practice   string
	Version    int
	Days       []practiceDayEdit // Monday to Sunday
}

// practiceDayEdit is one day of the weekly hours form; the fields' ids are
// Key+"-closed", Key+"-1-open", Key+"-1-close", Key+"-2-open", Key+"-2-close".
type practiceDayEdit struct {
	Key    string // "monday"
	Name   string // "Monday"
	Closed bool
	Open1  string
	Close1 string
	Open2  string
	Close2 string
}

// practiceDays are the days of the hours form, Monday first: the stored
// key (models.WeeklyHours) and the name shown.
var practiceDays = [7]struct{ Key, Name string }{
	{"monday", "Monday"}, {"tuesday", "Tuesday"}, {"wednesday", "Wednesday"}, {"thursday", "Thursday"},
	{"friday", "Friday"}, {"saturday", "Saturday"}, {"sunday", "Sunday"},
}

// practicePeriods checks up to two opening periods as typed, with the form's
// field ids prefix+"-1-open" … prefix+"-2-close" and what to call the day in
// messages ("Monday"). It returns the spans in the stored form, or the
// errors next to the exact fields.
func practicePeriods(prefix, day string, typed [4]string) ([]models.ClockSpan, []themes.FieldError) {
	var errs []themes.FieldError
	var spans []models.ClockSpan
	var prev *hours.Span
	which := [2]string{"first", "second"}
	for i := 0; i < 2; i++ {
		open, close := strings.TrimSpace(typed[2*i]), strings.TrimSpace(typed[2*i+1])
		id := prefix + "-" + string(rune('1'+i))
		if open == "" && close == "" {
			continue
		}
		if i == 1 && prev == nil && len(errs) == 0 {
			errs = append(errs, themes.FieldError{Field: prefix + "-1-open", Message: "Enter " + day + "'s first opening period before a second one"})
			break
		}
		var o, c int
		var bad bool
		switch {
		case open == "":
			errs = append(errs, themes.FieldError{Field: id + "-open", Message: "Enter the time " + day + "'s " + which[i] + " period opens"})
			bad = true
		default:
			var err error
			if o, err = parseOpeningClock(open, false); err != nil {
				errs = append(errs, themes.FieldError{Field: id + "-open", Message: "Enter " + day + "'s opening time in 24-hour form, for example 08:00 or 08:30"})
				bad = true
			}
		}
		switch {
		case close == "":
			errs = append(errs, themes.FieldError{Field: id + "-close", Message: "Enter the time " + day + "'s " + which[i] + " period closes"})
			bad = true
		default:
			var err error
			if c, err = parseOpeningClock(close, true); err != nil {
				errs = append(errs, themes.FieldError{Field: id + "-close", Message: "Enter " + day + "'s closing time in 24-hour form, for example 18:00 or 18:30"})
				bad = true
			}
		}
		if bad {
			continue
		}
		if c <= o {
			errs = append(errs, themes.FieldError{Field: id + "-close", Message: sentence(day) + "'s closing time must be after its opening time"})
			continue
		}
		if prev != nil && o < prev.Close {
			errs = append(errs, themes.FieldError{Field: id + "-open", Message: sentence(day) + "'s second period must start after the first one closes (" + hours.FormatClock(prev.Close) + ")"})
			continue
		}
		prev = &hours.Span{Open: o, Close: c}
		spans = append(spans, models.ClockSpan{Open: models.ClockOf(o), Close: models.ClockOf(c)})
	}
	return spans, errs
}

// practiceHoursOf fills the form from the stored hours.
func practiceHoursOf(p models.Practice) *practiceHoursEdit {
	var wh models.WeeklyHours
	if strings.TrimSpace(p.Hours) != "" {
		_ = json.Unmarshal([]byte(p.Hours), &wh)
	}
	he := &practiceHoursEdit{PracticeID: p.ID, Practice: p.Name, Version: p.Version}
	for _, day := range practiceDays {
		de := practiceDayEdit{Key: day.Key, Name: day.Name}
		spans := wh[day.Key]
		de.Closed = len(spans) == 0 && p.Hours != ""
		if len(spans) > 0 {
			de.Open1, de.Close1 = formClock(spans[0].Open), formClock(spans[0].Close)
		}
		if len(spans) > 1 {
			de.Open2, de.Close2 = formClock(spans[1].Open), formClock(spans[1].Close)
		}
		he.Days = append(he.Days, de)
	}
	return he
}

func practiceHoursView(c *fiber.Ctx, d Deps, he *practiceHoursEdit, errs []themes.FieldError) practiceHoursPage {
	view := practiceHoursPage{Admin: baseView(c, d, "Opening hours of "+he.Practice)}
	view.Errors = errs
	view.PracticeHours = he
	return view
}

func editPracticeHours(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		p, err := tenantStore(c).PracticeByID(id)
		if err != nil {
			return err
		}
		view := practiceHoursView(c, d, practiceHoursOf(p), nil)
		switch c.Query("done") {
		case "created":
			view.Notice = "The practice has been added. Now set its usual opening hours."
		case "saved":
			view.Notice = "The opening hours have been saved. They are on the website now."
		}
		return render(c, d, fiber.StatusOK, "practice-hours", view)
	}
}

// savePracticeHours saves the week, or copies Monday to the other weekdays
// (the "copy" button) and shows the form again without saving.
func savePracticeHours(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		store := tenantStore(c)
		p, err := store.PracticeByID(id)
		if err != nil {
			return err
		}
		version, err := requiredFormVersion(c)
		if err != nil {
			return err
		}
		he := &practiceHoursEdit{PracticeID: id, Practice: p.Name, Version: version}
		for _, day := range practiceDays {
			he.Days = append(he.Days, practiceDayEdit{Key: day.Key, Name: day.Name,
				Closed: c.FormValue(day.Key+"-closed") != "",
				Open1:  c.FormValue(day.Key + "-1-open"), Close1: c.FormValue(day.Key + "-1-close"),
				Open2: c.FormValue(day.Key + "-2-open"), Close2: c.FormValue(day.Key + "-2-close")})
		}
		if c.FormValue("copy") != "" {
			for i := 1; i < 5; i++ { // Tuesday to Friday
				key, name := he.Days[i].Key, he.Days[i].Name
				he.Days[i] = he.Days[0]
				he.Days[i].Key, he.Days[i].Name = key, name
			}
			view := practiceHoursView(c, d, he, nil)
			view.Notice = "Monday's hours have been copied to Tuesday, Wednesday, Thursday and Friday. Check them, then save."
			return render(c, d, fiber.StatusOK, "practice-hours", view)
		}
		week := models.WeeklyHours{}
		var errs []themes.FieldError
		for _, de := range he.Days {
			typed := [4]string{de.Open1, de.Close1, de.Open2, de.Close2}
			if de.Closed {
				if strings.TrimSpace(strings.Join(typed[:], "")) != "" {
					errs = append(errs, themes.FieldError{Field: de.Key + "-closed", Message: de.Name + " is marked closed all day: remove its times, or untick closed all day"})
				}
				week[de.Key] = []models.ClockSpan{}
				continue
			}
			spans, es := practicePeriods(de.Key, de.Name, typed)
			if len(es) == 0 && len(spans) == 0 {
				es = append(es, themes.FieldError{Field: de.Key + "-1-open", Message: "Enter the times " + de.Name + " opens and closes, or tick closed all day"})
			}
			errs = append(errs, es...)
			week[de.Key] = spans
		}
		if len(errs) > 0 {
			return render(c, d, fiber.StatusUnprocessableEntity, "practice-hours", practiceHoursView(c, d, he, errs))
		}
		err = store.SetPracticeHours(actor(c), id, version, week)
		var ve *models.ValidationError
		switch {
		case errors.As(err, &ve):
			return render(c, d, fiber.StatusUnprocessableEntity, "practice-hours", practiceHoursView(c, d, he, []themes.FieldError{{Message: sentence(ve.Message)}}))
		case errors.Is(err, models.ErrStale):
			return render(c, d, fiber.StatusConflict, "practice-hours", practiceHoursView(c, d, he, []themes.FieldError{{Message: practiceMsgStale}}))
		case err != nil:
			return err
		}
		return redirect.To(c, practiceURL(id, "/hours?done=saved"), fiber.StatusSeeOther)
	}
}
