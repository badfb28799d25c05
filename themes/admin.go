package themes

import (
	"fmt"
	"io"
	"sort"
)

// RequiredAdminPages are the admin panel's page templates.
var RequiredAdminPages = []string{"sign-in", "dashboard", "page-edit", "error"}

// Admin is the base of every admin and console page's view: what the
// layout (layouts/base.html) and the shared partials use. The admin panel
// is one template set for every tenant (admin/), built on NHS.UK
// frontend's form patterns: labels, hints, an error summary at the top and
// each error message next to its field. Each page's own view is a struct
// of handlers/admin, next to its handler, that embeds Admin and adds the
// page's fields (and its row and form types); the pages of sign-in use
// Admin itself, and the console's Admin with its own view in Console.
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

	// Console is the operators' console's part of the view (a type of
	// handlers/console), set on every console page ("console-*") and nil on
	// the admin panel's: the shared sign-in partials test it.
	Console any
}

// FieldError is a validation message for one form field; Field is the
// input's id.
type FieldError struct {
	Field   string
	Message string
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
