package themes

import (
	"fmt"
	"strings"
)

// Field is one form field as the admin partials "input", "textarea" and
// "checkbox" draw it; build it in a template with the "field" function.
type Field struct {
	Name         string // the input's id and name
	Label        string
	Hint         string
	Error        string // the field's message from the page's Errors
	Value        string
	Checked      bool // checkbox: the value was true
	Type         string
	Width        int // nhsuk-input--width-N
	Rows         int
	Autocomplete string
}

// Described is the input's aria-describedby: its hint and error ids.
func (f Field) Described() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.Name+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.Name+"-error")
	}
	return strings.Join(ids, " ")
}

// makeField is the template function "field": the errors of the page, the
// field's name, label, hint and value (a string, bool or number).
func makeField(errs []FieldError, name, label, hint string, value any) Field {
	f := Field{Name: name, Label: label, Hint: hint, Error: fieldError(errs, name)}
	switch v := value.(type) {
	case nil:
	case bool:
		f.Checked = v
	case string:
		f.Value = v
	default:
		f.Value = fmt.Sprint(v)
	}
	return f
}

// Mover is a list row's move buttons (partial "moveButtons"), built in a
// template with the "mover" function.
type Mover struct {
	Action, CSRF, Name string
	First, Last        bool
}

var fieldFuncs = map[string]any{
	"mover": func(action, csrf, name string, first, last bool) Mover {
		return Mover{Action: action, CSRF: csrf, Name: name, First: first, Last: last}
	},
	"field": makeField,
	"width": func(n int, f Field) Field { f.Width = n; return f },
	"rows":  func(n int, f Field) Field { f.Rows = n; return f },
	"kind":  func(typ string, f Field) Field { f.Type = typ; return f },
	"autocomplete": func(v string, f Field) Field {
		f.Autocomplete = v
		return f
	},
}
