package themes

import (
	"fmt"
	"io"
	"sort"
	"time"
)

// RequiredAdminPages are the admin panel's page templates.
var RequiredAdminPages = []string{"sign-in", "dashboard", "page-edit", "error"}

// Admin is the base of every admin and console page's view: what the
// layout (layouts/base.html) and the shared partials use. The admin panel
// is one template set for every tenant (admin/), built on NHS.UK
// frontend's form patterns: labels, hints, an error summary at the top and
// each error message next to its field. Each page's own view is a struct
// of handlers/admin that embeds Admin and adds the page's fields (the
// pages of sign-in and of the console still use Admin itself).
type Admin struct {
	Title   string // the page's h1 and <title>
	Site    string // the tenant's name
	SiteURL string // the tenant's public site, scheme://host[:port]
	User    string // signed-in user's email; "" when signed out
	CSRF    string // token for every form's hidden _csrf field
	Status  int    // for "error"
	Message string // for "error": what happened, in plain words
	Notice  string // a success message ("Your changes have been published")
	// Errors are listed in the error summary, in field order, and each is
	// shown next to its field (fieldError). A Field of "" has no field.
	Errors []FieldError
	Email  string // sign-in: the email as typed
	// Manager: the signed-in user is a manager (editors do not see users,
	// settings or the audit log). Section is the current part of the panel
	// ("news", "practices"…) for the navigation.
	Manager bool
	Section string
	// Operator: a platform operator entered from the console.
	Operator bool

	// Two-factor set-up ("two-factor-setup"): the secret to type into an
	// authenticator app and its otpauth:// URI; "two-factor-codes": the
	// recovery codes, shown once.
	TOTPSecret    string
	TOTPURI       string
	RecoveryCodes []string
	// ResetToken is the password reset link's token ("password-reset-new").
	ResetToken string

	// The operators' console (admin_console.go): pages "console-*".
	Console *ConsoleView
}

// NewsRow is a row of the list of news items.
type NewsRow struct {
	Title   string
	EditURL string
	Status  string // "Draft", "Published 3 March 2026 at 9:30am", "Scheduled for …"
}

// PostEdit is the news item form, as stored or as typed.
type PostEdit struct {
	ID        int64 // 0 for a new item
	Title     string
	Slug      string
	Summary   string
	Body      string // Markdown
	Date      string // publish date, 2006-01-02, UK time; "" for a draft
	Time      string // publish time, 15:04
	Status    string // the status line shown above the form
	PublicURL string // the live item, when published
}

// HealthFinding is one thing the site is missing, with where to fix it
// ("" when the admin has no editor for it yet).
type HealthFinding struct {
	Message string
	FixURL  string
}

// FieldError is a validation message for one form field; Field is the
// input's id.
type FieldError struct {
	Field   string
	Message string
}

// AdminPage is a row of the dashboard's list of pages.
type AdminPage struct {
	Path      string
	Title     string
	Published bool
	Draft     bool // there are unpublished changes
	Updated   time.Time
}

// PageEdit is the page edit form.
type PageEdit struct {
	Path     string
	Title    string
	Body     string // Markdown
	Revision int64  // the latest revision when the form was opened; 0 for a new page
	New      bool
	// Published: the page has a live version (PublicURL links to it).
	Published bool
	PublicURL string
}

// fieldError returns the message for field, or "".
func fieldError(errs []FieldError, field string) string {
	for _, e := range errs {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// AdminPages are the names of the admin and console page templates,
// sorted.
func (r *Registry) AdminPages() []string {
	if r.admin == nil {
		return nil
	}
	names := make([]string, 0, len(r.admin.pages))
	for name := range r.admin.pages {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// RenderAdmin renders an admin or console page with its view: Admin, or a
// struct that embeds it and adds the fields of that page. Nothing is
// written when rendering fails.
func (r *Registry) RenderAdmin(w io.Writer, name string, data any) error {
	if r.admin == nil {
		return fmt.Errorf("%w: admin/%s (no admin templates)", ErrUnknownPage, name)
	}
	return execute(w, r.admin, name, data)
}
