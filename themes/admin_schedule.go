package themes

// ScheduleRow is one pending scheduled change, in the list of every change
// ("schedule") or of one page ("schedule-page").
type ScheduleRow struct {
	ID      int64
	What    string // "Publish the page /about", "Unpublish the news item Flu clinics"
	When    string // "3 March 2026 at 9:30am"
	By      string // who scheduled it
	EditURL string // the page's or news item's edit form
	Why     string // for a change that failed: the reason, in plain words
}

// PageSchedule is the form that schedules a publish or an unpublish of one
// page, with the page's pending changes.
type PageSchedule struct {
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
	Pending []ScheduleRow
}

// ScheduleWhen is an optional date and time of a form (UK time), such as
// the news form's "Unpublish at".
type ScheduleWhen struct {
	Date string // 2006-01-02
	Time string // 15:04
}
