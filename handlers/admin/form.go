package admin

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// Form decoding shared by the panel's edit forms: fields as typed, dates
// and times, the version a form was opened at, and a save's refusal turned
// into the form's messages.

// formVersion is the version a form was opened at (0 when missing,
// which no stored row has, so the save is refused as stale).
func formVersion(c *fiber.Ctx) int {
	v, _ := strconv.Atoi(c.FormValue("version"))
	return v
}

// formText is a text field of the form, with Windows line ends made
// Unix ones.
func formText(c *fiber.Ctx, name string) string {
	return strings.ReplaceAll(c.FormValue(name), "\r\n", "\n")
}

// formSlug is the slug field as typed, lower-cased.
func formSlug(c *fiber.Ctx) string {
	return strings.TrimSpace(strings.ToLower(c.FormValue("slug")))
}

// formChecked reads a checkbox.
func formChecked(c *fiber.Ctx, name string) bool { return c.FormValue(name) != "" }

// formRefusal turns a save's refusal into the form's status and
// messages: 422 with the message next to its field (fields renames the
// model's field names to the form's input ids; a field the form does not
// have gets no link), 409 when someone else saved first (what names the
// thing: "service"). ok is false for any other error, which the caller
// returns.
func formRefusal(err error, what string, fields map[string]string) (status int, errs []themes.FieldError, ok bool) {
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		field, known := fields[ve.Field]
		if !known {
			field = ""
		}
		return fiber.StatusUnprocessableEntity, []themes.FieldError{{Field: field, Message: sentence(ve.Message)}}, true
	case errors.Is(err, models.ErrStale):
		return fiber.StatusConflict, []themes.FieldError{{Message: "Someone else changed this " + what +
			" while you were editing it. Your changes have not been saved: copy anything you need, then reload the page."}}, true
	}
	return 0, nil, false
}

// redirectDone redirects to a list with a notice.
func redirectDone(c *fiber.Ctx, list, done string) error {
	return redirect.To(c, list+"?done="+done, fiber.StatusSeeOther)
}

// doneNotice is the list's message after a change.
func doneNotice(c *fiber.Ctx, thing string) string {
	switch c.Query("done") {
	case "saved":
		return "The " + thing + " has been saved."
	case "deleted":
		return "The " + thing + " has been deleted."
	case "moved":
		return "The order has been changed."
	}
	return ""
}

// requiredFormVersion reads the form's hidden version; a missing or
// negative one is a 400.
func requiredFormVersion(c *fiber.Ctx) (int, error) {
	v, err := strconv.Atoi(c.FormValue("version"))
	if err != nil || v < 0 {
		return 0, fiber.ErrBadRequest
	}
	return v, nil
}

// sentence capitalises a model's validation message for the error summary.
func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// parseDate reads a date as typed (2026-03-27 from a date input, or
// 27/3/2026); ok is false when it is not a real date.
func parseDate(s string) (y int, m time.Month, d int, ok bool) {
	for _, layout := range []string{"2006-01-02", "2/1/2006", "02/01/2006"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.Year(), t.Month(), t.Day(), true
		}
	}
	return 0, 0, 0, false
}

// parsePublish reads the publish date and time (London) of the form: nil
// for a draft.
func parsePublish(date, clock string) (*time.Time, *themes.FieldError) {
	date, clock = strings.TrimSpace(date), strings.TrimSpace(clock)
	if date == "" {
		if clock != "" {
			return nil, &themes.FieldError{Field: "date", Message: "Enter a date as well as a time, or leave both empty to save a draft"}
		}
		return nil, nil
	}
	var d time.Time
	var err error
	for _, layout := range []string{"2006-01-02", "2/1/2006", "02/01/2006"} {
		if d, err = time.ParseInLocation(layout, date, hours.Location()); err == nil {
			break
		}
	}
	if err != nil {
		return nil, &themes.FieldError{Field: "date", Message: "Enter a real date, like 27/3/2026"}
	}
	h, m := 0, 0
	if clock != "" {
		tm, err := time.Parse("15:04", clock)
		if err != nil {
			return nil, &themes.FieldError{Field: "time", Message: "Enter a real time in 24-hour form, for example 09:30 or 18:00"}
		}
		h, m = tm.Hour(), tm.Minute()
	}
	at := time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, hours.Location()).UTC()
	return &at, nil
}

// The panel's one convention for dates and times: native date inputs
// (type=date, which send 2026-03-27) and native time inputs (type=time,
// which send 24-hour "08:00" and show it as the browser's locale does,
// 08:00 in the UK); hints and messages give times in that form, "for
// example 08:00 or 18:30". The server still reads what a browser without
// those inputs lets people type: 27/3/2026, 8am, 6:30pm.

// formClock shows a stored time in a native time input, "08:00"; a closing
// time at the end of the day ("24:00", which a time input cannot show) is
// "00:00", read back as midnight. Anything that is not a time is shown as
// it is.
func formClock(s string) string {
	m, err := hours.ParseClock(s)
	if err != nil {
		return s
	}
	return models.ClockOf(m % hours.MinutesPerDay)
}

// parseOpeningClock reads a time as typed ("08:00", "8:00", "8am",
// "6.30pm"); a closing time of midnight is the end of the day.
func parseOpeningClock(s string, closing bool) (int, error) {
	m, err := hours.ParseClock(s)
	if err != nil {
		return 0, err
	}
	if closing && m == 0 {
		m = hours.MinutesPerDay
	}
	if !closing && m == hours.MinutesPerDay {
		return 0, errors.New("opening at midnight at the end of the day")
	}
	return m, nil
}
