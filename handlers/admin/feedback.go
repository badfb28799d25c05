package admin

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/feedbackcsv"
	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// Patients' feedback (issue 13): the responses sent through the site's
// forms, newest first, filtered by date, practice and form, 50 a page, and
// downloaded as CSV with the same filters (package feedbackcsv, which
// `pcnweb feedback export` uses too). Managers read them; editors only
// when a manager lets them (FeedbackSettings.EditorsMayRead). The forms'
// settings (which forms are on, how long free text is kept, where new
// responses are emailed, whether editors may read them) are the managers'.

// feedbackPage is the view of "feedback".
type feedbackPage struct {
	themes.Admin
	Feedback *feedbackView
}

// feedbackView is the "feedback" page: the filters as typed, their
// choices, and a page of responses.
type feedbackView struct {
	From, To  string // dates as typed (2026-12-07 from a date picker, or 7/12/2026)
	Practice  int64
	Form      string
	Practices []feedbackChoice
	Forms     []feedbackChoice
	Rows      []feedbackRow
	Total     int64
	Page      int
	Pages     int
	Filtered  bool
	PrevURL   string
	NextURL   string
	// DownloadURL is the CSV of every response the filters select.
	DownloadURL string
}

// feedbackChoice is an option of a filter's select.
type feedbackChoice struct {
	Value    string
	Label    string
	Selected bool
}

// feedbackRow is one response as the list shows it.
type feedbackRow struct {
	feedbackcsv.Row
	When string // UK time, in words
	// Paragraphs are the text's lines that are not blank.
	Paragraphs []string
}

// feedbackPageSize is how many responses the list shows a page.
const feedbackPageSize = 50

// feedbackForms are the forms, in the order the filter offers them.
var feedbackForms = []string{models.FormFFT, models.FormComments, models.FormContact}

// msgFeedbackForbidden is the 403 of the feedback pages shown to an editor
// whose managers have not let editors read responses.
const msgFeedbackForbidden = "Only the website's managers can read patients' feedback. A manager can let editors read it in the feedback settings."

// mayReadFeedback lets through managers (and operators, who act as
// managers), and editors when the tenant's managers allow it.
func mayReadFeedback(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if a := AccountFromCtx(c); a != nil && a.Role == models.RoleManager {
			return c.Next()
		}
		s, err := tenantStore(c).FeedbackSettings()
		if err != nil {
			return err
		}
		if !s.EditorsMayRead {
			view := baseView(c, d, "You cannot open this page")
			view.Status, view.Message = fiber.StatusForbidden, msgFeedbackForbidden
			return render(c, d, fiber.StatusForbidden, "error", view)
		}
		return c.Next()
	}
}

// feedbackQuery reads the list's filters from the query string: the
// models' filter, the filters as typed (for the form and the links), and
// a message next to a date that is not one.
func feedbackQuery(c *fiber.Ctx) (models.FeedbackFilter, *feedbackView, []themes.FieldError) {
	v := &feedbackView{From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to"))}
	var f models.FeedbackFilter
	var errs []themes.FieldError
	from, ok := feedbackDate(v.From)
	if !ok {
		errs = append(errs, themes.FieldError{Field: "from", Message: "Enter a real date for ‘From’, like 27/3/2026"})
	}
	to, ok := feedbackDate(v.To)
	if !ok {
		errs = append(errs, themes.FieldError{Field: "to", Message: "Enter a real date for ‘To’, like 27/3/2026"})
	}
	if from.IsValid() {
		f.From = from.Start()
	}
	if to.IsValid() {
		// Up to the end of that day.
		f.To = to.AddDays(1).Start()
	}
	if from.IsValid() && to.IsValid() && to.Before(from) {
		errs = append(errs, themes.FieldError{Field: "to", Message: "‘To’ must be the same as or after ‘From’"})
	}
	if id, err := strconv.ParseInt(c.Query("practice"), 10, 64); err == nil && id > 0 {
		v.Practice, f.PracticeID = id, id
	}
	for _, form := range feedbackForms {
		if c.Query("form") == form {
			v.Form, f.Form = form, form
		}
	}
	v.Filtered = v.From != "" || v.To != "" || v.Practice != 0 || v.Form != ""
	return f, v, errs
}

// feedbackDate reads a date typed in UK form (27/3/2026) or from a date
// picker (2026-03-27); the zero Date when empty, ok false when it is not a
// date.
func feedbackDate(s string) (hours.Date, bool) {
	if s == "" {
		return hours.Date{}, true
	}
	for _, layout := range []string{"2/1/2006", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return hours.NewDate(t.Date()), true
		}
	}
	return hours.Date{}, false
}

// values are the list's filters as a query string's values.
func (v *feedbackView) values() url.Values {
	q := url.Values{}
	if v.From != "" {
		q.Set("from", v.From)
	}
	if v.To != "" {
		q.Set("to", v.To)
	}
	if v.Practice != 0 {
		q.Set("practice", strconv.FormatInt(v.Practice, 10))
	}
	if v.Form != "" {
		q.Set("form", v.Form)
	}
	return q
}

// link is the address of a page of the list (or the CSV, at path) with
// the same filters.
func (v *feedbackView) link(path string, page int) string {
	q := v.values()
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// withChoices fills the filters' options: the tenant's practices (those
// that left the network too: old responses may name them) and the forms.
func (v *feedbackView) withChoices(store *models.TenantDB) error {
	ps, err := store.AllPractices()
	if err != nil {
		return err
	}
	v.Practices = []feedbackChoice{{Value: "", Label: "All practices", Selected: v.Practice == 0}}
	for _, p := range ps {
		v.Practices = append(v.Practices, feedbackChoice{Value: strconv.FormatInt(p.ID, 10), Label: p.Name, Selected: p.ID == v.Practice})
	}
	v.Forms = []feedbackChoice{{Value: "", Label: "All forms", Selected: v.Form == ""}}
	for _, form := range feedbackForms {
		v.Forms = append(v.Forms, feedbackChoice{Value: form, Label: feedbackcsv.FormName(form), Selected: form == v.Form})
	}
	return nil
}

func listFeedback(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store := tenantStore(c)
		f, v, errs := feedbackQuery(c)
		if err := v.withChoices(store); err != nil {
			return err
		}
		view := feedbackPage{Admin: baseView(c, d, "Feedback"), Feedback: v}
		if errs != nil {
			view.Errors = errs
			return render(c, d, fiber.StatusUnprocessableEntity, "feedback", view)
		}
		v.Page, _ = strconv.Atoi(c.Query("page"))
		v.Page = max(v.Page, 1)
		f.Limit, f.Offset = feedbackPageSize, (v.Page-1)*feedbackPageSize
		responses, total, err := store.FeedbackResponses(f)
		if err != nil {
			return err
		}
		v.Total = total
		v.Pages = int((total + feedbackPageSize - 1) / feedbackPageSize)
		if v.Pages > 0 && v.Page > v.Pages {
			return fiber.ErrNotFound
		}
		names, err := feedbackcsv.LoadNames(store)
		if err != nil {
			return err
		}
		for _, r := range responses {
			row := feedbackRow{Row: names.Row(r), When: hours.FormatInstant(r.CreatedAt)}
			for _, line := range strings.Split(row.Text, "\n") {
				if line = strings.TrimSpace(line); line != "" {
					row.Paragraphs = append(row.Paragraphs, line)
				}
			}
			v.Rows = append(v.Rows, row)
		}
		const list = tenants.AdminPath + "/feedback"
		if v.Page > 1 {
			v.PrevURL = v.link(list, v.Page-1)
		}
		if v.Page < v.Pages {
			v.NextURL = v.link(list, v.Page+1)
		}
		v.DownloadURL = v.link(list+"/download", 1)
		return render(c, d, fiber.StatusOK, "feedback", view)
	}
}

// downloadFeedback sends every response the filters select as a CSV file
// (feedbackcsv), named for the site and the day.
func downloadFeedback(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store := tenantStore(c)
		f, v, errs := feedbackQuery(c)
		if errs != nil {
			if err := v.withChoices(store); err != nil {
				return err
			}
			view := feedbackPage{Admin: baseView(c, d, "Feedback"), Feedback: v}
			view.Errors = errs
			return render(c, d, fiber.StatusUnprocessableEntity, "feedback", view)
		}
		// Written whole before any byte is sent, so a failure is an error
		// page, not half a file. The cut-off is the real clock's: responses
		// are stamped with it by whichever replica received them.
		var b bytes.Buffer
		if err := feedbackcsv.Export(&b, store, f, time.Now()); err != nil {
			return err
		}
		name := "feedback-" + tenants.FromCtx(c).Slug + "-" + hours.DateOf(d.now()).String() + ".csv"
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
		return c.Send(b.Bytes())
	}
}

// feedbackSettingsPage is the view of "feedback-settings".
type feedbackSettingsPage struct {
	themes.Admin
	Settings *feedbackSettingsForm
}

// feedbackSettingsForm is the feedback settings form, as stored or as
// typed.
type feedbackSettingsForm struct {
	FFT, Comments, Contact bool
	Retention              string
	NotifyEmail            string
	EditorsMayRead         bool
	MinRetention           int
	MaxRetention           int
}

func feedbackSettingsView(c *fiber.Ctx, d Deps, f *feedbackSettingsForm, errs []themes.FieldError) feedbackSettingsPage {
	f.MinRetention, f.MaxRetention = models.MinFeedbackRetention, models.MaxFeedbackRetention
	view := feedbackSettingsPage{Admin: baseView(c, d, "Feedback settings"), Settings: f}
	view.Errors = errs
	return view
}

func editFeedbackSettings(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		s, err := tenantStore(c).FeedbackSettings()
		if err != nil {
			return err
		}
		f := &feedbackSettingsForm{FFT: s.FFT, Comments: s.Comments, Contact: s.Contact, Retention: strconv.Itoa(s.RetentionMonths),
			NotifyEmail: s.NotifyEmail, EditorsMayRead: s.EditorsMayRead}
		view := feedbackSettingsView(c, d, f, nil)
		if c.Query("done") == "saved" {
			view.Notice = "The feedback settings have been saved. The website shows the forms you chose now."
		}
		return render(c, d, fiber.StatusOK, "feedback-settings", view)
	}
}

// feedbackSettingsFields are the model's fields the form has.
var feedbackSettingsFields = map[string]string{"retention": "retention", "notify_email": "notify_email"}

func saveFeedbackSettings(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		f := &feedbackSettingsForm{FFT: formChecked(c, "fft"), Comments: formChecked(c, "comments"), Contact: formChecked(c, "contact"),
			Retention: strings.TrimSpace(c.FormValue("retention")), NotifyEmail: strings.TrimSpace(c.FormValue("notify_email")),
			EditorsMayRead: formChecked(c, "editors_may_read")}
		months, err := strconv.Atoi(f.Retention)
		if err != nil {
			errs := []themes.FieldError{{Field: "retention", Message: "Enter a whole number of months between 1 and 36, like 12"}}
			return render(c, d, fiber.StatusUnprocessableEntity, "feedback-settings", feedbackSettingsView(c, d, f, errs))
		}
		err = tenantStore(c).SaveFeedbackSettings(actor(c), models.FeedbackSettings{FFT: f.FFT, Comments: f.Comments, Contact: f.Contact,
			RetentionMonths: months, NotifyEmail: f.NotifyEmail, EditorsMayRead: f.EditorsMayRead})
		if status, errs, ok := formRefusal(err, "settings", feedbackSettingsFields); ok {
			return render(c, d, status, "feedback-settings", feedbackSettingsView(c, d, f, errs))
		} else if err != nil {
			return err
		}
		return redirectDone(c, tenants.AdminPath+"/feedback/settings", "saved")
	}
}
