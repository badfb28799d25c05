package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

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
	// ErrUnavailable means the database could not be reached (connection
	// refused, reset or timed out, server shutting down): the request may
	// succeed if tried again later. Every connection failure of every query
	// and transaction is marked with it (see markUnavailable), so callers
	// tell an outage from a bug with errors.Is, in one place.
	ErrUnavailable = errors.New("database unavailable")
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

// unavailableError marks a connection failure: errors.Is matches both
// ErrUnavailable and the driver's own error.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string   { return "database unavailable: " + e.err.Error() }
func (e *unavailableError) Unwrap() []error { return []error{ErrUnavailable, e.err} }

// markUnavailable wraps err with ErrUnavailable when it says the database
// could not be reached; any other error is returned as it is.
func markUnavailable(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) || !unreachable(err) {
		return err
	}
	return &unavailableError{err: err}
}

// unreachable reports whether err is a failure to reach the database rather
// than an answer from it: a dial or network error, a connection that broke
// or was closed, a driver timeout, or PostgreSQL saying it cannot serve
// (class 08 connection exceptions, shutdown, too many connections).
func unreachable(err error) bool {
	var (
		ce *pgconn.ConnectError
		ne net.Error
		pe *pgconn.PgError
	)
	switch {
	case errors.As(err, &pe):
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || pe.Code == "53300"
	case errors.Is(err, context.Canceled):
		return false // the caller gave up; the database did not fail
	case errors.As(err, &ce), errors.As(err, &ne), pgconn.Timeout(err),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone), errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	}
	return false
}
