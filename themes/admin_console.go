package themes

// ConsoleView is what the operators' console pages ("console-*") show. The
// console shares the admin panel's templates, partials and assets, with its
// own layout ("consoleBase") and navigation.
type ConsoleView struct {
	// Form is the page's one form ("console-form"), as typed.
	Form *ConsoleForm

	Query   string             // "console-tenants": the search as typed
	Tenants []ConsoleTenantRow // "console-tenants"
	Tenant  *ConsoleTenant     // "console-tenant"

	Audit        []ConsoleAuditRow // "console-audit"
	AuditTenant  string            // the slug filtered on, "" for all
	TenantSlugs  []string          // the filter's choices
	Stats        []ConsoleStatRow  // "console-platform", busiest first
	Announcement []ConsoleAnnouncementRow
	Tokens       []ConsoleTokenRow // "console-tokens"
	NewToken     string            // "console-token-created": shown once
}

// ConsoleForm is a form of one or more fields that ends with a button. Every
// form that changes something has a "why" field.
type ConsoleForm struct {
	Action   string // the URL it posts to
	Intro    string // a paragraph above the fields
	Button   string
	Warning  bool // a warning (red) button
	Back     string
	BackText string
	Fields   []ConsoleField
}

// ConsoleField is one field of a ConsoleForm. Kind is "text" (default),
// "textarea", "checkbox", "checkboxes" (Options), "select" (Options),
// "date", "datetime-local" or "email".
type ConsoleField struct {
	Name    string
	Label   string
	Hint    string
	Kind    string
	Value   string
	Checked bool
	Width   int
	Options []ConsoleOption
	Error   string // set by the console from the page's Errors
}

// AsField is the field for the admin partials "input", "textarea" and
// "checkbox".
func (f ConsoleField) AsField() Field {
	out := Field{Name: f.Name, Label: f.Label, Hint: f.Hint, Error: f.Error, Value: f.Value, Checked: f.Checked, Width: f.Width, Type: f.Kind}
	switch f.Kind {
	case "", "textarea", "checkbox":
		out.Type = ""
	case "email":
		out.Autocomplete = "off"
	}
	if f.Kind == "textarea" {
		out.Rows = 3
	}
	return out
}

// ConsoleOption is a choice of a "checkboxes" or "select" field.
type ConsoleOption struct {
	Value, Label string
	Checked      bool
}

// ConsoleTenantRow is a row of the tenant list.
type ConsoleTenantRow struct {
	Slug, Name, ODSCode, Status string
	Domains                     []string
	LastPublish                 string // UK time, "" for never
	PageViews                   uint64
}

// ConsoleTenant is a tenant's page: details, domains, people and actions.
type ConsoleTenant struct {
	Slug, Name, ODSCode, Status, StatusReason, Theme string
	SiteURL                                          string
	Suspended, Archived                              bool
	Domains                                          []ConsoleDomainRow
	People                                           []ConsolePersonRow
}

// ConsoleDomainRow is one of a tenant's custom domains with its verification.
type ConsoleDomainRow struct {
	Host      string
	Primary   bool
	Verified  bool
	Checked   string // UK time of the last check, "" for never
	Token     string
	VerifyURL string // http://<host>/.well-known/pcnweb-verify
	Path      string // /tenants/<slug>/domains/<host>
}

// ConsolePersonRow is a member of a tenant.
type ConsolePersonRow struct {
	ID          int64
	Email, Role string
	TwoFactor   bool
}

// ConsoleAuditRow is one operator audit entry.
type ConsoleAuditRow struct {
	At, Who, Action, Tenant, Subject, Why string
}

// ConsoleStatRow is one tenant's counters on this replica.
type ConsoleStatRow struct {
	Tenant     string
	Requests   uint64
	HitRatio   string // "93%"
	MeanRender string // "1.2ms"
	Errors     uint64
}

// ConsoleAnnouncementRow is a platform announcement.
type ConsoleAnnouncementRow struct {
	ID                  int64
	Title, Starts, Ends string
	Current, Ended      bool
}

// ConsoleTokenRow is an API token (never the token itself).
type ConsoleTokenRow struct {
	ID                                                 int64
	Name, Prefix, Scopes, CreatedBy, LastUsed, Expires string
	Revoked                                            bool
}
