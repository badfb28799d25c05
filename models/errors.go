package models

import "errors"

// Sentinel errors of the domain layer. Handlers map them to HTTP statuses in
// one place; nothing here knows about HTTP.
var (
	// ErrNotFound means the row does not exist for the caller: for a tenant
	// store that includes rows that exist but belong to another tenant.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a unique constraint refused the write (a slug, a host).
	ErrConflict = errors.New("already exists")
	// ErrInvalid wraps validation failures; see ValidationError for the field.
	ErrInvalid = errors.New("invalid")
)

// ValidationError names the input field that is wrong and why, in words a
// user can act on.
type ValidationError struct {
	Field   string
	Message string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

// Unwrap lets errors.Is(err, ErrInvalid) match every ValidationError.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

func invalid(field, msg string) error { return &ValidationError{Field: field, Message: msg} }
