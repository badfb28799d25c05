// Package signin is the one sign-in layer of the admin panel and the
// operators' console: the session cookie and who it lets in, CSRF on every
// POST, signing in with an email and password (throttled, with a lock-out
// and known devices), the two-factor second step and its set-up, and
// signing out. Each audience builds a Layer from its dependencies and a
// Policy that says what differs: who may sign in where, whether two-factor
// authentication is required, where to go after signing in, cookie names
// and path, template names and how an event is recorded.
package signin

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// Deps are the services of a surface that people sign in to: the layer's,
// and the admin panel's and the console's, whose own Deps embed them (so
// one value, built once, serves both).
type Deps struct {
	DB       *models.DB
	Themes   *themes.Registry
	Sessions *auth.Sessions
	Throttle *auth.Throttle
	// CSRFKey signs the sign-in form's double-submit token, the pending
	// second step and known-device tokens; every replica must have the same
	// one (models.DB.PlatformSecret).
	CSRFKey []byte
	Logger  *slog.Logger
	Web     web.Config // Web.Secure sets the Secure flag on cookies
	// Mailer sends the surface's mail (password reset links, invitations).
	Mailer auth.Mailer
	// Now is the clock of codes, tokens and links; nil is time.Now.
	Now func() time.Time
}

// Cookies are the names of a surface's cookies, all host-only under Path.
type Cookies struct {
	Session string // the session token
	Form    string // the sign-in form's double-submit CSRF token
	Pending string // a signed, expiring "password was right" for the second step
	Device  string // known-device tokens (web.KnownDevices)
	Path    string
}

// Pages are the templates of the signed-out pages.
type Pages struct {
	SignIn string // email and password
	Code   string // the second step's code
	Setup  string // two-factor set-up while signing in (RequireTwoFactor)
	Codes  string // the recovery codes, shown once after that set-up
}

// Notice is the message the sign-in page shows when its URL has Query.
type Notice struct {
	Query string
	Text  string
}

// Event is something the layer has done that the surface may record.
type Event int

// The events a Policy's Record receives.
const (
	SignedIn            Event = iota // a session started
	SignedOut                        // this browser's session ended
	SignedOutEverywhere              // every session of the user ended
	TwoFactorOn                      // two-factor set up while signing in
)

// Policy is what differs between the surfaces that share the layer.
type Policy struct {
	Cookies Cookies
	Pages   Pages
	// SignInPath is the sign-in page, where its forms post and where a
	// visitor who is not signed in is sent; Home is where a signed-in one goes.
	SignInPath string
	Home       string
	// Notices on the sign-in page, first match wins.
	Notices []Notice
	// OpenForm reports whether a POST to path (other than SignInPath) is
	// checked against the double-submit token instead of a session's; nil
	// is none.
	OpenForm func(path string) bool
	// Steps are further forms posted to SignInPath, by their "step" field.
	Steps map[string]fiber.Handler

	// Scope is the tenant whose sessions count on this request (0: the
	// sessions of no tenant). Sessions are made for it, and a pending second
	// step is bound to it.
	Scope func(c *fiber.Ctx) int64
	// MaySignIn reports whether u, whose password was right, may sign in
	// here; a refusal reads as a wrong password.
	MaySignIn func(c *fiber.Ctx, u models.User) (bool, error)
	// Admit reports whether a's session of this Scope lets a in on this
	// request, and may fill in a's Role and Operator.
	Admit func(c *fiber.Ctx, a *Account) (bool, error)
	// RequireTwoFactor: a user without two-factor sets it up before the
	// session starts.
	RequireTwoFactor bool
	// PendingTimeout is how long the second step waits; PendingLabel keeps
	// one surface's pending tokens from working on another's.
	PendingTimeout time.Duration
	PendingLabel   string
	// Issuer names the account in an authenticator app.
	Issuer string
	// View is the view every signed-out page starts from.
	View func(c *fiber.Ctx) themes.Admin
	// Record writes an event to the surface's audit log; a failure is
	// logged, not shown. Nil records nothing.
	Record func(c *fiber.Ctx, u models.User, e Event)
}

// Layer is the sign-in of one surface.
type Layer struct {
	d Deps
	p Policy
}

// New returns the layer of a surface.
func New(d Deps, p Policy) *Layer {
	return &Layer{d: d, p: p}
}

func (l *Layer) now() time.Time {
	if l.d.Now != nil {
		return l.d.Now()
	}
	return time.Now()
}

// Account is the signed-in user of a request.
type Account struct {
	Session auth.Session
	User    models.User
	Role    models.Role // the user's role in the tenant of the session
	// Operator: the user acts as a platform operator (on a tenant's panel:
	// entered from the console, with a manager's rights, not a member).
	Operator bool
	token    string
}

// Actor is the account as the audit log names it.
func (a *Account) Actor() models.Actor {
	return models.Actor{UserID: a.User.ID, Name: a.User.Email}
}

type accountKey struct{}

// FromCtx returns the request's signed-in account, or nil.
func FromCtx(c *fiber.Ctx) *Account {
	a, _ := c.Locals(accountKey{}).(*Account)
	return a
}

// Required sends a visitor who is not signed in to signInPath.
func Required(signInPath string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if FromCtx(c) == nil {
			return redirect.To(c, signInPath, fiber.StatusSeeOther)
		}
		return c.Next()
	}
}

// render writes a page of the admin template set.
func (l *Layer) render(c *fiber.Ctx, status int, name string, v themes.Admin) error {
	return web.RenderAdmin(c, l.d.Themes, l.d.Logger, status, name, v)
}

func (l *Layer) setCookie(c *fiber.Ctx, name, value string) {
	c.Cookie(&fiber.Cookie{Name: name, Value: value, Path: l.p.Cookies.Path, HTTPOnly: true, Secure: l.d.Web.Secure, SameSite: fiber.CookieSameSiteLaxMode})
}

func (l *Layer) expireCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{Name: name, Path: l.p.Cookies.Path, MaxAge: -1, Expires: time.Unix(0, 0),
		HTTPOnly: true, Secure: l.d.Web.Secure, SameSite: fiber.CookieSameSiteLaxMode})
}

// SessionToken is the browser's session cookie.
func (l *Layer) SessionToken(c *fiber.Ctx) string { return c.Cookies(l.p.Cookies.Session) }

// SetSession gives the browser a session's token.
func (l *Layer) SetSession(c *fiber.Ctx, token string) { l.setCookie(c, l.p.Cookies.Session, token) }

// ExpireSession removes the browser's session cookie.
func (l *Layer) ExpireSession(c *fiber.Ctx) { l.expireCookie(c, l.p.Cookies.Session) }

// ExpirePending removes the browser's pending second step.
func (l *Layer) ExpirePending(c *fiber.Ctx) { l.expireCookie(c, l.p.Cookies.Pending) }

func (l *Layer) devices() web.KnownDevices {
	return web.KnownDevices{Cookie: l.p.Cookies.Device, Path: l.p.Cookies.Path, Key: l.d.CSRFKey, Secure: l.d.Web.Secure}
}

// Attempt is a sign-in attempt for email from this browser.
func (l *Layer) Attempt(c *fiber.Ctx, email string) auth.Attempt {
	return l.devices().Attempt(c, email, l.now())
}

// secondStep is a two-factor code attempt for email from this browser.
func (l *Layer) secondStep(c *fiber.Ctx, email string) auth.Attempt {
	a := l.Attempt(c, email)
	a.SecondStep = true
	return a
}

// ForgetFailures clears the sign-in failures of email from this browser; a
// failure is logged.
func (l *Layer) ForgetFailures(c *fiber.Ctx, email string) {
	ctx := c.UserContext()
	if err := l.d.Throttle.Succeeded(ctx, l.Attempt(c, email)); err != nil {
		l.d.Logger.WarnContext(ctx, "reset sign-in failures", "error", err)
	}
}

func (l *Layer) record(c *fiber.Ctx, u models.User, e Event) {
	if l.p.Record != nil {
		l.p.Record(c, u, e)
	}
}

// Form is the view of a signed-out page with the sign-in form's token,
// reusing the browser's token when it is still well signed.
func (l *Layer) Form(c *fiber.Ctx, title, email string, errs []themes.FieldError) themes.Admin {
	token := c.Cookies(l.p.Cookies.Form)
	if !auth.CheckFormToken(l.d.CSRFKey, token, token) {
		token = auth.NewFormToken(l.d.CSRFKey)
		l.setCookie(c, l.p.Cookies.Form, token)
	}
	v := l.p.View(c)
	v.Title, v.CSRF, v.Email, v.Errors = title, token, email, errs
	return v
}
