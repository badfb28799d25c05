package web

import (
	"errors"
	"log/slog"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/models"
)

// ErrCSRF refuses a POST of a signed-in area whose form token is missing or
// wrong.
var ErrCSRF = fiber.NewError(fiber.StatusForbidden, "csrf")

// RetryAfterUnavailable is the Retry-After (seconds) of the 503 pages
// answered while the database or the sign-in store is unreachable.
const RetryAfterUnavailable = 60

// Problem is what the error page of a signed-in area (the admin panel, the
// console) says about an error: its status and, in plain words, what
// happened. Internal error text never reaches the client.
type Problem struct {
	Status  int
	Title   string
	Message string
}

// Describe maps err to its page, in the words both areas use; an area
// overrides the cases it knows better. It logs what the client is not told
// (5xx) and sets Retry-After when the database or the sign-in store is down.
func Describe(c *fiber.Ctx, log *slog.Logger, area string, err error) Problem {
	var fe *fiber.Error
	p := Problem{Status: fiber.StatusInternalServerError}
	switch {
	case errors.Is(err, ErrCSRF):
		p.Status = fiber.StatusForbidden
	case errors.Is(err, models.ErrNotFound):
		p.Status = fiber.StatusNotFound
	case errors.Is(err, models.ErrUnavailable), errors.Is(err, auth.ErrUnavailable):
		p.Status = fiber.StatusServiceUnavailable
	case errors.As(err, &fe):
		p.Status = fe.Code
	}
	switch {
	case errors.Is(err, models.ErrUnavailable):
		// The database is unreachable (a session found in Redis still got
		// the user this far, or the sign-in store fell back to it).
		log.WarnContext(c.UserContext(), "database unavailable", "request_id", RequestID(c), "area", area, "path", c.Path(), "error", err)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(RetryAfterUnavailable))
		p.Title = "Editing is not available at the moment"
		p.Message = "The websites are still shown to patients, but changes cannot be made or saved just now. Try again in a few minutes. If you were sending a form, it has not been saved: go back and send it again then."
	case errors.Is(err, auth.ErrUnavailable):
		log.WarnContext(c.UserContext(), "sign-in store unavailable", "request_id", RequestID(c), "area", area, "path", c.Path(), "error", err)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(RetryAfterUnavailable))
		p.Title = "Signing in is not available at the moment"
		p.Message = "Try again in a few minutes. If you were sending a form, it has not been saved: go back and send it again then."
	case errors.Is(err, ErrCSRF):
		p.Title = "This form has expired"
		p.Message = "For your security, the form you sent could not be accepted. Go back, reload the page and try again."
	case p.Status == fiber.StatusNotFound:
		p.Title = "Page not found"
		p.Message = "If you typed the web address, check it is correct. If you pasted it, check you copied the entire address."
	case p.Status < 500:
		p.Title = "Sorry, there is a problem"
		p.Message = "The request could not be understood. Go back and try again."
	default:
		log.ErrorContext(c.UserContext(), area+" request failed", "request_id", RequestID(c), "path", c.Path(), "error", err)
		p.Title = "Sorry, there is a problem with the service"
		p.Message = "Try again later. Your changes may not have been saved."
	}
	return p
}
