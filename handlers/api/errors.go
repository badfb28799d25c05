package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/models"
)

// apiError is an error answered as it is: status, a stable code, a message
// for people and, for bad input, the JSON field at fault.
type apiError struct {
	status  int
	code    string
	message string
	field   string
}

func (e *apiError) Error() string { return fmt.Sprintf("api: %d %s: %s", e.status, e.code, e.message) }

// errorBody is the one shape of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// fiberCodes names fiber's own errors (unknown routes, and so on).
var fiberCodes = map[int]string{
	fiber.StatusBadRequest:            "bad_request",
	fiber.StatusUnauthorized:          "unauthorized",
	fiber.StatusForbidden:             "forbidden",
	fiber.StatusNotFound:              "not_found",
	fiber.StatusMethodNotAllowed:      "method_not_allowed",
	fiber.StatusConflict:              "conflict",
	fiber.StatusRequestEntityTooLarge: "payload_too_large",
	fiber.StatusUnsupportedMediaType:  "unsupported_media_type",
	fiber.StatusUnprocessableEntity:   "validation_failed",
	fiber.StatusTooManyRequests:       "too_many_requests",
	fiber.StatusServiceUnavailable:    "unavailable",
}

// classify turns any error into the API's answer.
func classify(err error) *apiError {
	var ae *apiError
	var ve *models.ValidationError
	var fe *fiber.Error
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &ve):
		return &apiError{status: fiber.StatusUnprocessableEntity, code: "validation_failed", field: ve.Field, message: sentence(ve.Message)}
	case errors.Is(err, models.ErrNotFound):
		return &apiError{status: fiber.StatusNotFound, code: "not_found", message: "There is nothing here: check the tenant slug, host or path."}
	case errors.Is(err, models.ErrConflict):
		return &apiError{status: fiber.StatusConflict, code: "conflict", message: "That already exists: choose another."}
	case errors.As(err, &fe):
		code := fiberCodes[fe.Code]
		if code == "" {
			code = "error"
		}
		msg := fe.Message
		switch fe.Code {
		case fiber.StatusNotFound:
			msg = "There is no such API endpoint: see docs/api.md."
		case fiber.StatusMethodNotAllowed:
			msg = "This endpoint does not take that method: the Allow header lists those it takes."
		}
		return &apiError{status: fe.Code, code: code, message: msg}
	}
	return &apiError{status: fiber.StatusInternalServerError, code: "internal", message: "Something went wrong on the server: try again later."}
}

// sentence makes a model's message (a lower-case phrase) a sentence.
func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

func errorHandler(d Deps) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		ae := classify(err)
		if ae.status >= 500 {
			d.Logger.ErrorContext(c.UserContext(), "api request failed", "request_id", requestID(c), "path", c.Path(), "error", err)
		}
		return c.Status(ae.status).JSON(errorBody{Error: errorDetail{Code: ae.code, Message: ae.message, Field: ae.field}})
	}
}

// decode reads the JSON body into v: an empty body is {}, unknown fields
// and wrong types are a 400 naming the field.
func decode(c *fiber.Ctx, v any) error {
	body := c.Body()
	if len(body) == 0 {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value")
	}
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &apiError{status: fiber.StatusBadRequest, code: "bad_request", field: te.Field,
			message: fmt.Sprintf("The field %s must be a %s.", te.Field, jsonType(te.Type.Kind().String()))}
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		f = strings.Trim(f, `"`)
		return &apiError{status: fiber.StatusBadRequest, code: "bad_request", field: f,
			message: fmt.Sprintf("There is no field %s: see docs/api.md for the fields of this request.", f)}
	}
	return &apiError{status: fiber.StatusBadRequest, code: "bad_request", message: "The request body is not valid JSON: " + err.Error() + "."}
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean (true or false)"
	case "ptr":
		return "boolean (true or false)"
	}
	return kind
}
