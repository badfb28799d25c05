package console

import (
	"errors"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// consoleForm is a form of one or more fields that ends with a button. Every
// form that changes something has a "why" field.
type consoleForm struct {
	Action   string // the URL it posts to
	Intro    string // a paragraph above the fields
	Button   string
	Warning  bool // a warning (red) button
	Back     string
	BackText string
	Fields   []consoleField
}

// consoleField is one field of a consoleForm. Kind is "text" (default),
// "textarea", "checkbox", "checkboxes" (Options), "select" (Options),
// "date", "datetime-local" or "email".
type consoleField struct {
	Name    string
	Label   string
	Hint    string
	Kind    string
	Value   string
	Checked bool
	Width   int
	Options []consoleOption
	Error   string // set by the console from the page's Errors
}

// AsField is the field for the admin partials "input", "textarea" and
// "checkbox".
func (f consoleField) AsField() themes.Field {
	out := themes.Field{Name: f.Name, Label: f.Label, Hint: f.Hint, Error: f.Error, Value: f.Value, Checked: f.Checked, Width: f.Width, Type: f.Kind}
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

// consoleOption is a choice of a "checkboxes" or "select" field.
type consoleOption struct {
	Value, Label string
	Checked      bool
}

// whyField is the reason every form that changes something asks for.
func whyField() consoleField {
	return consoleField{Name: "why", Label: "Why?", Hint: "Recorded in the operator audit log with your name", Kind: "textarea"}
}

// typed fills a form's fields with the values of the request.
func typed(c *fiber.Ctx, f *consoleForm) {
	for i := range f.Fields {
		fl := &f.Fields[i]
		switch fl.Kind {
		case "checkbox":
			fl.Checked = c.FormValue(fl.Name) == "on"
		case "checkboxes":
			picked := formValues(c, fl.Name)
			for j := range fl.Options {
				fl.Options[j].Checked = slices.Contains(picked, fl.Options[j].Value)
			}
		default:
			fl.Value = c.FormValue(fl.Name)
		}
	}
}

// formValues returns every value of a repeated form field.
func formValues(c *fiber.Ctx, name string) []string {
	var out []string
	for _, v := range c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}

// value returns the typed value of a form's field.
func value(f *consoleForm, name string) string {
	for _, fl := range f.Fields {
		if fl.Name == name {
			return strings.TrimSpace(fl.Value)
		}
	}
	return ""
}

// checkWhy returns the reason given, or its error.
func checkWhy(f *consoleForm) (string, []themes.FieldError) {
	why := value(f, "why")
	if err := models.ValidateWhy(why); err != nil {
		return "", fieldErrors(err)
	}
	return why, nil
}

// fieldErrors turns a models.ValidationError into the page's error; other
// errors give nil.
func fieldErrors(err error) []themes.FieldError {
	var ve *models.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	return []themes.FieldError{{Field: ve.Field, Message: sentence(ve.Message)}}
}

// sentence starts a message with a capital letter.
func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// formPage renders the form with each error next to its field. An error
// whose field the form lacks is shown on the "why" field's neighbour: the
// first field.
func formPage(c *fiber.Ctx, d Deps, status int, title, section string, f consoleForm, errs []themes.FieldError) error {
	v, cv := baseView(c, title, section)
	for i, e := range errs {
		found := false
		for j := range f.Fields {
			if f.Fields[j].Name == e.Field {
				f.Fields[j].Error, found = e.Message, true
			}
		}
		if !found && len(f.Fields) > 0 {
			errs[i].Field = f.Fields[0].Name
			if f.Fields[0].Error == "" {
				f.Fields[0].Error = e.Message
			}
		}
	}
	v.Errors = errs
	cv.Form = &f
	return render(c, d, status, "console-form", v)
}

// submit handles the POST of a form: the typed values, the reason, then
// do; a validation error re-renders the form (422) next to its field.
func submit(c *fiber.Ctx, d Deps, title, section string, f *consoleForm, do func(why string) (redirect string, err error)) error {
	typed(c, f)
	why, errs := checkWhy(f)
	if errs != nil {
		return formPage(c, d, fiber.StatusUnprocessableEntity, title, section, *f, errs)
	}
	to, err := do(why)
	if errs := fieldErrors(err); errs != nil {
		return formPage(c, d, fiber.StatusUnprocessableEntity, title, section, *f, errs)
	}
	if err != nil {
		return err
	}
	if to == "" {
		return nil // do rendered a page itself
	}
	return redirect.To(c, to, fiber.StatusSeeOther)
}
