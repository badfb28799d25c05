package themes

// PracticeRow is a row of the list of member practices.
type PracticeRow struct {
	ID       int64
	Name     string
	ODSCode  string
	Phone    string
	HasHours bool
	Left     string // why the practice is no longer on the site; "" for a member
	First    bool   // no "Move up"
	Last     bool   // no "Move down"
}

// PracticeEdit is the practice details form, as stored or as typed, and
// what the practice's own pages (hours, exceptions, delete) show about it.
type PracticeEdit struct {
	ID                   int64 // 0 for a new practice
	Version              int
	Name                 string
	ODSCode              string
	Address              string // lines separated by newlines
	Postcode             string
	Phone                string
	Email                string
	Website              string
	AppointmentsURL      string
	RegistrationURL      string
	PrescriptionsURL     string
	ClosedOnBankHolidays bool
	AccessibilityNotes   string
	PublicURL            string // the practice's page on the website
	// Delete confirmation: how many exceptions go with it, and the
	// enhanced access sessions held there, which block the delete.
	Exceptions int
	Sessions   []EASessionRow
}

// PracticeHoursEdit is the weekly opening hours form.
type PracticeHoursEdit struct {
	PracticeID int64
	Practice   string
	Version    int
	Days       []PracticeDayEdit // Monday to Sunday
}

// PracticeDayEdit is one day of the weekly hours form; the fields' ids are
// Key+"-closed", Key+"-1-open", Key+"-1-close", Key+"-2-open", Key+"-2-close".
type PracticeDayEdit struct {
	Key    string // "monday"
	Name   string // "Monday"
	Closed bool
	Open1  string
	Close1 string
	Open2  string
	Close2 string
}

// PracticeExceptionsView is a practice's list of changes to its usual hours.
type PracticeExceptionsView struct {
	PracticeID int64
	Practice   string
	Upcoming   []PracticeExceptionRow
	Past       []PracticeExceptionRow
}

// PracticeExceptionRow is one change to a practice's hours.
type PracticeExceptionRow struct {
	PracticeID int64
	ID         int64
	Dates      string // "Thursday 24 December 2026 to Sunday 27 December 2026"
	Hours      string // "Closed all day" or "8am to 12pm"
	Reason     string
}

// PracticeExceptionEdit is the form of one change to a practice's hours.
type PracticeExceptionEdit struct {
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
}

// EASessionRow is a row of the list of enhanced access sessions.
type EASessionRow struct {
	ID       int64
	Days     string // "Monday to Friday"
	Times    string // "6:30pm to 8pm"
	Practice string // the hosting practice, or "Across the network"
	First    bool
	Last     bool
}

// EASessionEdit is the enhanced access session form.
type EASessionEdit struct {
	ID         int64 // 0 for a new session
	Version    int
	Days       []EASessionDay
	StartsAt   string
	EndsAt     string
	PracticeID int64 // 0: across the network
	Practices  []EASessionPractice
	Clinicians string
	HowToBook  string
	Summary    string // the delete page's description of the session
}

// EASessionDay is one day checkbox; Value is the day number (Sunday = 0).
type EASessionDay struct {
	Value   string
	Name    string
	Checked bool
}

// EASessionPractice is an option of the hosting practice select.
type EASessionPractice struct {
	ID   int64
	Name string
}
