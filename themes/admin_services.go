package themes

// The views of the admin's services and team, events and vacancies.

// ServiceRow is a row of the list of services, in display order.
type ServiceRow struct {
	ID        int64
	Name      string
	Published bool
	Staff     int  // team members attached to the service
	First     bool // no "Move up"
	Last      bool // no "Move down"
}

// ServiceEdit is the service form, as stored or as typed.
type ServiceEdit struct {
	ID           int64 // 0 for a new service
	Version      int   // the version the form was opened at
	Name         string
	Slug         string
	Summary      string
	Body         string // Markdown
	WhoFor       string
	HowToAccess  string
	SelfReferral bool
	Published    bool
	PublicURL    string // the live service page, when published
}

// StaffGroup is the team members of one service ("" for those who work
// across the network), in display order.
type StaffGroup struct {
	Service string
	Rows    []StaffRow
}

// StaffRow is a team member in the list.
type StaffRow struct {
	ID    int64
	Name  string
	Role  string
	First bool
	Last  bool
}

// StaffEdit is the team member form, as stored or as typed.
type StaffEdit struct {
	ID        int64
	Version   int
	Name      string
	Role      string
	ServiceID string // the chosen option's value; "" for across the network
	PhotoURL  string
	Bio       string
	Services  []ServiceOption
}

// ServiceOption is an option of the team member form's service select.
type ServiceOption struct {
	Value string
	Label string
}

// EventRow is an event in the upcoming or past list.
type EventRow struct {
	ID        int64
	Title     string
	When      string // "5 December 2026 at 9am"
	Published bool
}

// EventEdit is the event form, as stored or as typed; dates 2006-01-02 and
// times 15:04, UK time.
type EventEdit struct {
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

// VacancyRow is a vacancy in the open or closed list.
type VacancyRow struct {
	ID        int64
	Title     string
	Closes    string // "31 December 2026"
	Published bool
}

// VacancyEdit is the vacancy form, as stored or as typed.
type VacancyEdit struct {
	ID        int64
	Version   int
	Title     string
	Slug      string
	Summary   string
	Body      string
	ClosesOn  string // 2006-01-02
	Salary    string
	Hours     string
	ApplyURL  string
	Published bool
	PublicURL string
}

// ServicesDelete is the confirmation page before deleting a service, team
// member, event or vacancy ("services-delete").
type ServicesDelete struct {
	Question string // the h1: "Are you sure you want to delete …?"
	Warning  string // what happens next
	Action   string // the form's action
	BackURL  string
}
