package admin

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// scheduleListPage is the view of "schedule": every pending change, and recent ones that failed.
type scheduleListPage struct {
	themes.Admin
	Schedule       []pendingChange
	ScheduleFailed []pendingChange
}

// pageSchedulePage is the view of "schedule-page".
type pageSchedulePage struct {
	themes.Admin
	PageSchedule *pageSchedule
}

// pendingChange is one pending scheduled change, in the list of every change
// ("schedule") or of one page ("schedule-page").
type pendingChange struct {
	ID      int64
	What    string // "Publish the page /about", "Unpublish the news item Flu clinics"
	When    string // "3 March 2026 at 9:30am"
	By      string // who scheduled it
	EditURL string // the page's or news item's edit form
	Why     string // for a change that failed: the reason, in plain words
}

// pageSchedule is the form that schedules a publish or an unpublish of one
// page, with the page's pending changes.
type pageSchedule struct {
	Path     string
	Title    string // the latest revision's title
	Revision int64  // the latest revision when the form was opened
	// HasDraft: the latest revision is not the live one, so there is
	// something to publish. Published: the page is on the website.
	HasDraft  bool
	Published bool
	// The form as typed: "publish" or "unpublish", and the UK date
	// (2006-01-02) and time (15:04).
	Action string
	Date   string
	Time   string
	// Pending are the page's changes that have not run yet.
	Pending []pendingChange
}

// whenInput is an optional date and time of a form (UK time), such as
// the news form's "Unpublish at".
type whenInput struct {
	Date string // 2006-01-02
	Time string // 15:04
}

const msgScheduleStale = "Someone else changed this page after you opened this form. Nothing has been scheduled: " +
	"check the page's latest changes, then schedule again to publish them."

// scheduleRow describes a pending change for people.
func scheduleRow(c models.ScheduledChange) pendingChange {
	verb := "Publish"
	if c.Action == models.ScheduleUnpublish {
		verb = "Unpublish"
	}
	row := pendingChange{ID: c.ID, When: hours.FormatInstant(c.RunAt), By: c.CreatedBy}
	if c.Kind == models.ScheduleKindPost {
		row.What = verb + " the news item " + c.Label
		row.EditURL = tenants.AdminPath + "/news/" + c.Target + "/edit"
	} else {
		row.What = verb + " the page " + c.Target
		row.EditURL = tenants.AdminPath + "/pages/edit?path=" + url.QueryEscape(c.Target)
	}
	return row
}

// pageScheduleURL is the schedule form of the page at path.
func pageScheduleURL(path string) string {
	return tenants.AdminPath + "/pages/schedule?path=" + url.QueryEscape(path)
}

func listSchedule(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store := tenantStore(c)
		changes, err := store.PendingChanges("", "")
		if err != nil {
			return err
		}
		failed, err := store.FailedChanges(time.Now().AddDate(0, 0, -30))
		if err != nil {
			return err
		}
		view := scheduleListPage{Admin: baseView(c, d, "Scheduled changes")}
		for _, ch := range changes {
			view.Schedule = append(view.Schedule, scheduleRow(ch))
		}
		for _, ch := range failed {
			row := scheduleRow(ch)
			row.Why = sentence(ch.Error) + "."
			view.ScheduleFailed = append(view.ScheduleFailed, row)
		}
		if c.Query("done") == "cancelled" {
			view.Notice = "The scheduled change has been cancelled. It will not happen."
		}
		return render(c, d, fiber.StatusOK, "schedule", view)
	}
}

// pageScheduleView builds the schedule form of a page, as typed in f.
func pageScheduleView(c *fiber.Ctx, d Deps, store *models.TenantDB, draft models.PageDraft, f pageSchedule) (pageSchedulePage, error) {
	pending, err := store.PendingChanges(models.ScheduleKindPage, draft.Page.Path)
	if err != nil {
		return pageSchedulePage{}, err
	}
	view := pageSchedulePage{Admin: baseView(c, d, "Schedule a change")}
	f.Path, f.Title = draft.Page.Path, draft.Revision.Title
	f.Published = draft.Page.PublishedRevisionID != nil
	f.HasDraft = !f.Published || *draft.Page.PublishedRevisionID != draft.Revision.ID
	if f.Revision == 0 {
		f.Revision = draft.Revision.ID
	}
	for _, ch := range pending {
		f.Pending = append(f.Pending, scheduleRow(ch))
	}
	view.PageSchedule = &f
	return view, nil
}

func showPageSchedule(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		path, err := pagePath(c.Query("path"))
		if err != nil {
			return err
		}
		store := tenantStore(c)
		draft, err := store.PageForEdit(path)
		if err != nil {
			return err
		}
		f := pageSchedule{Action: models.SchedulePublish}
		if draft.Page.PublishedRevisionID != nil && *draft.Page.PublishedRevisionID == draft.Revision.ID {
			f.Action = models.ScheduleUnpublish // nothing new to publish
		}
		view, err := pageScheduleView(c, d, store, draft, f)
		if err != nil {
			return err
		}
		switch c.Query("done") {
		case "scheduled":
			view.Notice = "The change has been scheduled. It will happen at the time you chose."
		case "cancelled":
			view.Notice = "The scheduled change has been cancelled. It will not happen."
		}
		return render(c, d, fiber.StatusOK, "schedule-page", view)
	}
}

func schedulePage(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := AccountFromCtx(c)
		path, err := pagePath(c.FormValue("path"))
		if err != nil {
			return err
		}
		store := tenantStore(c)
		draft, err := store.PageForEdit(path) // another tenant's path: 404, nothing written
		if err != nil {
			return err
		}
		base, err := strconv.ParseInt(c.FormValue("revision"), 10, 64)
		if err != nil || base <= 0 {
			return fiber.ErrBadRequest
		}
		f := pageSchedule{Action: c.FormValue("action"), Date: c.FormValue("date"), Time: c.FormValue("time"), Revision: base}
		again := func(status int, fe themes.FieldError) error {
			view, err := pageScheduleView(c, d, store, draft, f)
			if err != nil {
				return err
			}
			view.Errors = []themes.FieldError{fe}
			return render(c, d, status, "schedule-page", view)
		}
		if strings.TrimSpace(f.Date) == "" {
			return again(fiber.StatusUnprocessableEntity, themes.FieldError{Field: "date", Message: "Enter the date when the change should happen"})
		}
		at, fe := parsePublish(f.Date, f.Time)
		if fe != nil {
			return again(fiber.StatusUnprocessableEntity, *fe)
		}
		action := f.Action
		if action != models.SchedulePublish && action != models.ScheduleUnpublish {
			action = "" // the model's message asks the user to choose
		}
		_, err = store.ScheduleChange(models.ScheduleInput{Kind: models.ScheduleKindPage, Target: path, Action: action,
			RunAt: *at, By: a.Actor(), Now: time.Now(), BaseRevisionID: base})
		var (
			ve    *models.ValidationError
			stale *models.StaleError
		)
		switch {
		case errors.As(err, &ve):
			field := map[string]string{"when": "date", "action": "action"}[ve.Field]
			return again(fiber.StatusUnprocessableEntity, themes.FieldError{Field: field, Message: sentence(ve.Message)})
		case errors.As(err, &stale):
			f.Revision = stale.Latest // scheduling again, now knowingly, publishes the latest
			return again(fiber.StatusConflict, themes.FieldError{Message: msgScheduleStale})
		case err != nil:
			return err
		}
		return redirect.To(c, pageScheduleURL(path)+"&done=scheduled", fiber.StatusSeeOther)
	}
}

// cancelSchedule cancels a pending change; another tenant's, or one that
// has already run, is a 404. It returns to the page's schedule form when
// the form came from there.
func cancelSchedule(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		ch, err := tenantStore(c).CancelChange(actor(c), id)
		if err != nil {
			return err
		}
		if c.FormValue("from") == "page" && ch.Kind == models.ScheduleKindPage {
			return redirect.To(c, pageScheduleURL(ch.Target)+"&done=cancelled", fiber.StatusSeeOther)
		}
		return redirect.To(c, tenants.AdminPath+"/schedule?done=cancelled", fiber.StatusSeeOther)
	}
}

// parseUnpublish reads the news form's optional "Unpublish at" date and
// time (UK): nil when both are empty.
func parseUnpublish(date, clock string) (*time.Time, *themes.FieldError) {
	if strings.TrimSpace(date) == "" {
		if strings.TrimSpace(clock) != "" {
			return nil, &themes.FieldError{Field: "unpublish_date", Message: "Enter a date as well as a time, or leave both empty to keep the item on the website"}
		}
		return nil, nil
	}
	at, fe := parsePublish(date, clock)
	if fe != nil {
		fe.Field = "unpublish_" + fe.Field
		return nil, fe
	}
	return at, nil
}

// pendingUnpublish is the UK date and time of a post's pending unpublish,
// if it has one.
func pendingUnpublish(store *models.TenantDB, postID int64) (whenInput, error) {
	pending, err := store.PendingChanges(models.ScheduleKindPost, strconv.FormatInt(postID, 10))
	if err != nil {
		return whenInput{}, err
	}
	for _, ch := range pending {
		if ch.Action == models.ScheduleUnpublish {
			return scheduleWhen(ch.RunAt), nil
		}
	}
	return whenInput{}, nil
}

func scheduleWhen(t time.Time) whenInput {
	l := t.In(hours.Location())
	return whenInput{Date: l.Format("2006-01-02"), Time: l.Format("15:04")}
}
