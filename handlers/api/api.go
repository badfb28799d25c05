// Package api is the operators' JSON API at /api/v1 on the console host:
// enough to script onboarding (tenants, domains, users, pages). Callers
// authenticate with a bearer token (models.APIToken: hashed at rest,
// scoped, revocable). Every error is JSON of one shape:
//
//	{"error": {"code": "not_found", "message": "...", "field": "slug"}}
//
// docs/openapi.yaml describes every route; a test keeps the two in step.
package api

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/richtext"
	"github.com/pcnweb/pcnweb/models"
)

// Deps are what the API needs.
type Deps struct {
	DB     *models.DB
	Logger *slog.Logger
	Web    web.Config
	// Mailer sends user invitations; nil logs that none was sent.
	Mailer auth.Mailer
	// Scheme ("http" or "https"), Port ("" or "8080") and BaseDomain make
	// tenants' public URLs (in responses and invitation emails).
	Scheme     string
	Port       string
	BaseDomain string
	// ConsoleHost may not be attached to a tenant as a domain.
	ConsoleHost string
	// Themes, when set, are the themes a new tenant may use.
	Themes []string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (d Deps) now() time.Time { return d.Now() }

// maxBody bounds a request body: a page's largest Markdown source, JSON
// escaped, and its other fields.
const maxBody = 2*richtext.MaxSource + 16<<10

// requestContext gives the request a context with a deadline. The public
// app in front has given the request its id (X-Request-ID, in the access
// log) already: the API's own log lines use the same one.
func requestContext(cfg web.Config) fiber.Handler {
	timeout := cfg.RequestTimeout
	if timeout == 0 {
		timeout = 15 * time.Second
	}
	return func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		c.SetUserContext(ctx)
		return c.Next()
	}
}

// requestID is the id the public app gave the request.
func requestID(c *fiber.Ctx) string { return string(c.Response().Header.Peek(fiber.HeaderXRequestID)) }

type tokenKey struct{}

// tokenOf returns the request's authenticated token.
func tokenOf(c *fiber.Ctx) models.APIToken {
	t, _ := c.Locals(tokenKey{}).(models.APIToken)
	return t
}

// authenticate requires a valid bearer token: 401 (with WWW-Authenticate)
// without one or with an unknown, revoked or expired one.
func authenticate(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		h := c.Get(fiber.HeaderAuthorization)
		scheme, token, ok := strings.Cut(h, " ")
		token = strings.TrimSpace(token)
		if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="pcnweb"`)
			return &apiError{status: fiber.StatusUnauthorized, code: "unauthorized",
				message: "Send an API token in the Authorization header: Authorization: Bearer <token>."}
		}
		if len(token) > 200 {
			return invalidToken(c)
		}
		t, err := d.DB.APITokenByHash(c.UserContext(), auth.HashToken(token), d.now())
		if errors.Is(err, models.ErrNotFound) {
			return invalidToken(c)
		}
		if err != nil {
			return err
		}
		c.Locals(tokenKey{}, t)
		return c.Next()
	}
}

func invalidToken(c *fiber.Ctx) error {
	c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="pcnweb", error="invalid_token"`)
	return &apiError{status: fiber.StatusUnauthorized, code: "unauthorized",
		message: "The API token is not valid: it is unknown, revoked or expired."}
}

// need refuses (403) a token without scope.
func need(scope string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !tokenOf(c).Allows(scope) {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="pcnweb", error="insufficient_scope", scope="`+scope+`"`)
			return &apiError{status: fiber.StatusForbidden, code: "forbidden",
				message: "This API token may not do this: it needs the " + scope + " scope."}
		}
		return c.Next()
	}
}

// jsonBody refuses request bodies that are not JSON (415) or too large (413).
func jsonBody(c *fiber.Ctx) error {
	body := c.Request().Body()
	if len(body) > maxBody || c.Request().Header.ContentLength() > maxBody {
		return &apiError{status: fiber.StatusRequestEntityTooLarge, code: "payload_too_large",
			message: "The request body is too large: send at most 528 KB."}
	}
	if len(body) > 0 {
		ct, _, _ := strings.Cut(string(c.Request().Header.ContentType()), ";")
		if !strings.EqualFold(strings.TrimSpace(ct), fiber.MIMEApplicationJSON) {
			return &apiError{status: fiber.StatusUnsupportedMediaType, code: "unsupported_media_type",
				message: "Send the request body as JSON, with Content-Type: application/json."}
		}
	}
	return c.Next()
}

// auditLog records a change made through the API to tenant t: the token
// that made it, the action, its subject and why (a suspension's reason).
// The operators' audit table is not on this branch yet, so the record goes
// to the log; once it is, this is the one place to write it there.
func auditLog(c *fiber.Ctx, d Deps, action string, t models.Tenant, subject, why string) {
	tok := tokenOf(c)
	ctx := context.WithoutCancel(c.UserContext())
	d.Logger.LogAttrs(ctx, slog.LevelInfo, "operator audit",
		slog.String("via", "api"), slog.Int64("token_id", tok.ID), slog.String("token_name", tok.Name),
		slog.String("token_prefix", tok.Prefix), slog.String("action", action), slog.String("tenant", t.Slug),
		slog.String("subject", subject), slog.String("why", why),
		slog.String("ip", c.IP()), slog.String("request_id", requestID(c)))
	// The operators' audit log, beside what operators do in the console:
	// "who" is the token.
	who := models.User{Email: "API token " + tok.Prefix + "… (" + tok.Name + ")"}
	if err := d.DB.OperatorAudit(ctx, who, "api."+action, &t, subject, why); err != nil {
		d.Logger.ErrorContext(ctx, "write operator audit", "action", action, "tenant", t.Slug, "error", err)
	}
}
