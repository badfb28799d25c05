package console

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// Operator is the signed-in operator of a request.
type Operator struct {
	Session auth.Session
	User    models.User
	token   string
}

type operatorKey struct{}

// OperatorFromCtx returns the request's signed-in operator, or nil.
func OperatorFromCtx(c *fiber.Ctx) *Operator {
	o, _ := c.Locals(operatorKey{}).(*Operator)
	return o
}

// loadSession finds the request's session. Only a console session (made
// for no tenant) of a user who is still an operator with two-factor on
// counts; a tenant's admin session never does.
func loadSession(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		token := c.Cookies(sessionCookie)
		if token == "" {
			return c.Next()
		}
		ctx := c.UserContext()
		s, err := d.Sessions.Lookup(ctx, token)
		switch {
		case errors.Is(err, auth.ErrNoSession):
			return c.Next()
		case err != nil:
			return err
		}
		if s.TenantID != 0 {
			return c.Next()
		}
		u, err := d.DB.UserByID(ctx, s.UserID)
		switch {
		case errors.Is(err, models.ErrNotFound):
			return c.Next()
		case err != nil:
			return err
		}
		if !u.IsOperator || !u.TOTPEnabled {
			return c.Next()
		}
		c.Locals(operatorKey{}, &Operator{Session: s, User: u, token: token})
		return c.Next()
	}
}

// requireOperator sends a visitor who is not signed in to the sign-in page.
func requireOperator(c *fiber.Ctx) error {
	if OperatorFromCtx(c) == nil {
		return redirect.To(c, "/sign-in", fiber.StatusSeeOther)
	}
	return c.Next()
}

// checkCSRF refuses every POST without the right token: the session's
// synchronizer token once signed in, the signed double-submit token on the
// sign-in form.
func checkCSRF(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodPost {
			return c.Next()
		}
		form := c.FormValue(csrfField)
		if c.Path() == "/sign-in" {
			if !auth.CheckFormToken(d.CSRFKey, c.Cookies(csrfCookie), form) {
				return web.ErrCSRF
			}
			return c.Next()
		}
		o := OperatorFromCtx(c)
		if o == nil {
			return redirect.To(c, "/sign-in", fiber.StatusSeeOther)
		}
		if !auth.CheckSessionToken(o.Session, form) {
			return web.ErrCSRF
		}
		return c.Next()
	}
}

// Sign-in messages: the same for an unknown email, a wrong password and an
// account that is not an operator's.
const (
	msgBadCredentials = "Enter a correct email address and password"
	msgLocked         = "You have tried to sign in too many times. Wait 15 minutes, then try again."
	msgCodeMissing    = "Enter the 6-digit code from your authenticator app, or a recovery code"
	msgCodeWrong      = "Enter a correct code"
	msgPendingGone    = "Your sign-in has timed out. Enter your email address and password again."
	pendingTimeout    = 10 * time.Minute
)

// Steps of the forms posted to /sign-in: "" is the email and password.
const (
	stepCode  = "two-factor" // the code of an operator with two-factor on
	stepSetup = "setup"      // an operator without it sets it up first
)

func signInView(c *fiber.Ctx, d Deps, title, email string, errs []themes.FieldError) themes.Admin {
	token := c.Cookies(csrfCookie)
	if !auth.CheckFormToken(d.CSRFKey, token, token) {
		token = auth.NewFormToken(d.CSRFKey)
		setCookie(c, d, csrfCookie, token, false)
	}
	return themes.Admin{Title: title, CSRF: token, Email: email, Errors: errs, Console: &themes.ConsoleView{}}
}

func showSignIn(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if OperatorFromCtx(c) != nil {
			return redirect.To(c, "/tenants", fiber.StatusSeeOther)
		}
		v := signInView(c, d, "Sign in", "", nil)
		if c.Query("signed-out") != "" {
			v.Notice = "You have signed out."
		}
		return render(c, d, fiber.StatusOK, "console-sign-in", v)
	}
}

func signIn(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		switch c.FormValue("step") {
		case stepCode:
			return signInCode(c, d)
		case stepSetup:
			return signInSetup(c, d)
		}
		ctx := c.UserContext()
		email := models.NormalizeEmail(c.FormValue("email"))
		password := c.FormValue("password")
		var errs []themes.FieldError
		if email == "" {
			errs = append(errs, themes.FieldError{Field: "email", Message: "Enter your email address"})
		}
		if password == "" {
			errs = append(errs, themes.FieldError{Field: "password", Message: "Enter your password"})
		}
		if errs != nil {
			return render(c, d, fiber.StatusUnprocessableEntity, "console-sign-in", signInView(c, d, "Sign in", email, errs))
		}
		wait, err := d.Throttle.Locked(ctx, attempt(c, d, email))
		if err != nil {
			return err
		}
		if wait > 0 {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			return render(c, d, fiber.StatusTooManyRequests, "console-sign-in",
				signInView(c, d, "Sign in", email, []themes.FieldError{{Field: "email", Message: msgLocked}}))
		}
		u, ok, err := checkCredentials(c, d, email, password)
		if err != nil {
			return err
		}
		if !ok || !u.IsOperator {
			if err := d.Throttle.Failed(ctx, attempt(c, d, email)); err != nil {
				return err
			}
			return render(c, d, fiber.StatusUnprocessableEntity, "console-sign-in",
				signInView(c, d, "Sign in", email, []themes.FieldError{{Field: "email", Message: msgBadCredentials}}))
		}
		if u.TOTPEnabled {
			setCookie(c, d, pendingCookie, pendingToken(d, u, d.now().Add(pendingTimeout)), false)
			return render(c, d, fiber.StatusOK, "console-code", signInView(c, d, "Enter your security code", "", nil))
		}
		// No two-factor yet: set it up before anything else.
		u.TOTPSecret = auth.NewTOTPSecret()
		if err := d.DB.SetTOTPSecret(ctx, u.ID, u.TOTPSecret); err != nil {
			return err
		}
		// The secret is part of the signed pending token: a new one voids it.
		u, err = d.DB.UserByID(ctx, u.ID)
		if err != nil {
			return err
		}
		setCookie(c, d, pendingCookie, pendingToken(d, u, d.now().Add(pendingTimeout)), false)
		return setupPage(c, d, fiber.StatusOK, u, nil)
	}
}

func setupPage(c *fiber.Ctx, d Deps, status int, u models.User, errs []themes.FieldError) error {
	v := signInView(c, d, "Set up two-factor authentication", "", errs)
	v.Console.TOTPSecret = u.TOTPSecret
	v.Console.TOTPURI = auth.TOTPURI("pcnweb console", u.Email, u.TOTPSecret)
	return render(c, d, status, "console-setup", v)
}

// pendingToken signs "this operator gave the right password at this time".
// The password hash and TOTP secret are part of what is signed.
func pendingToken(d Deps, u models.User, expires time.Time) string {
	payload := fmt.Sprintf("%d.%d", u.ID, expires.Unix())
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + pendingMAC(d, payload, u)
}

func pendingMAC(d Deps, payload string, u models.User) string {
	m := hmac.New(sha256.New, d.CSRFKey)
	m.Write([]byte("console-2fa\x00" + payload + "\x00" + u.PasswordHash + "\x00" + u.TOTPSecret))
	return hex.EncodeToString(m.Sum(nil))
}

// pendingUser returns the operator of a valid, unexpired pending token.
func pendingUser(c *fiber.Ctx, d Deps) (models.User, bool, error) {
	raw, mac, found := strings.Cut(c.Cookies(pendingCookie), ".")
	if !found {
		return models.User{}, false, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return models.User{}, false, nil
	}
	id, exp, ok := strings.Cut(string(b), ".")
	if !ok {
		return models.User{}, false, nil
	}
	uid, err1 := strconv.ParseInt(id, 10, 64)
	unix, err2 := strconv.ParseInt(exp, 10, 64)
	if err1 != nil || err2 != nil || !d.now().Before(time.Unix(unix, 0)) {
		return models.User{}, false, nil
	}
	u, err := d.DB.UserByID(c.UserContext(), uid)
	if errors.Is(err, models.ErrNotFound) {
		return models.User{}, false, nil
	}
	if err != nil {
		return models.User{}, false, err
	}
	if !u.IsOperator || !hmac.Equal([]byte(mac), []byte(pendingMAC(d, string(b), u))) {
		return models.User{}, false, nil
	}
	return u, true, nil
}

// pendingStep checks the pending token and the lock-out of a code step; a
// nil user with a nil error means a page has been rendered.
func pendingStep(c *fiber.Ctx, d Deps) (*models.User, error) {
	u, ok, err := pendingUser(c, d)
	if err != nil {
		return nil, err
	}
	if !ok {
		setCookie(c, d, pendingCookie, "", true)
		return nil, render(c, d, fiber.StatusUnprocessableEntity, "console-sign-in",
			signInView(c, d, "Sign in", "", []themes.FieldError{{Field: "email", Message: msgPendingGone}}))
	}
	wait, err := d.Throttle.Locked(c.UserContext(), secondStep(c, d, u.Email))
	if err != nil {
		return nil, err
	}
	if wait > 0 {
		setCookie(c, d, pendingCookie, "", true)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return nil, render(c, d, fiber.StatusTooManyRequests, "console-sign-in",
			signInView(c, d, "Sign in", u.Email, []themes.FieldError{{Field: "email", Message: msgLocked}}))
	}
	return &u, nil
}

// signInCode is the code step of an operator with two-factor on; recovery
// codes are accepted. Wrong codes count toward the lock-out.
func signInCode(c *fiber.Ctx, d Deps) error {
	u, err := pendingStep(c, d)
	if u == nil || err != nil {
		return err
	}
	if !u.TOTPEnabled {
		return setupPage(c, d, fiber.StatusUnprocessableEntity, *u, nil)
	}
	ctx := c.UserContext()
	code := strings.TrimSpace(c.FormValue("code"))
	if code == "" {
		return render(c, d, fiber.StatusUnprocessableEntity, "console-code",
			signInView(c, d, "Enter your security code", "", []themes.FieldError{{Field: "code", Message: msgCodeMissing}}))
	}
	ok := false
	if step, valid := auth.VerifyTOTP(u.TOTPSecret, code, d.now(), u.TOTPLastStep); valid {
		ok, err = d.DB.UseTOTPStep(ctx, u.ID, step)
	} else if len(code) <= 64 {
		ok, err = d.DB.UseRecoveryCode(ctx, u.ID, auth.HashRecoveryCode(code))
	}
	if err != nil {
		return err
	}
	if !ok {
		if err := d.Throttle.Failed(ctx, secondStep(c, d, u.Email)); err != nil {
			return err
		}
		return render(c, d, fiber.StatusUnprocessableEntity, "console-code",
			signInView(c, d, "Enter your security code", "", []themes.FieldError{{Field: "code", Message: msgCodeWrong}}))
	}
	if err := startSession(c, d, *u); err != nil {
		return err
	}
	return redirect.To(c, "/tenants", fiber.StatusSeeOther)
}

// signInSetup confirms the first code of a new secret, turns two-factor on,
// signs the operator in and shows the recovery codes once.
func signInSetup(c *fiber.Ctx, d Deps) error {
	u, err := pendingStep(c, d)
	if u == nil || err != nil {
		return err
	}
	if u.TOTPEnabled || u.TOTPSecret == "" {
		setCookie(c, d, pendingCookie, "", true)
		return redirect.To(c, "/sign-in", fiber.StatusSeeOther)
	}
	ctx := c.UserContext()
	code := strings.TrimSpace(c.FormValue("code"))
	if code == "" {
		return setupPage(c, d, fiber.StatusUnprocessableEntity, *u, []themes.FieldError{{Field: "code", Message: "Enter the 6-digit code from your authenticator app"}})
	}
	step, ok := auth.VerifyTOTP(u.TOTPSecret, code, d.now(), 0)
	if !ok {
		if err := d.Throttle.Failed(ctx, secondStep(c, d, u.Email)); err != nil {
			return err
		}
		return setupPage(c, d, fiber.StatusUnprocessableEntity, *u, []themes.FieldError{{Field: "code", Message: "Enter a correct code. Check the time on your phone is right."}})
	}
	codes := auth.NewRecoveryCodes(auth.RecoveryCodes)
	hashes := make([]string, len(codes))
	for i, rc := range codes {
		hashes[i] = auth.HashRecoveryCode(rc)
	}
	if err := d.DB.EnableTOTP(ctx, u.ID, step, hashes); err != nil {
		return err
	}
	if err := startSession(c, d, *u); err != nil {
		return err
	}
	audit(c, d, *u, "operator.two-factor-enable", nil, u.Email, "set up at first sign-in")
	v := themes.Admin{Title: "Save your recovery codes", User: u.Email, Notice: "Two-factor authentication is on.",
		Console: &themes.ConsoleView{RecoveryCodes: codes}}
	return render(c, d, fiber.StatusOK, "console-codes", v)
}

// startSession signs u in: failures forgotten, the old session ended, a new
// console session (of no tenant) started.
func startSession(c *fiber.Ctx, d Deps, u models.User) error {
	ctx := c.UserContext()
	if err := d.Throttle.Succeeded(ctx, attempt(c, d, u.Email)); err != nil {
		d.Logger.WarnContext(ctx, "reset sign-in failures", "error", err)
	}
	if old := c.Cookies(sessionCookie); old != "" {
		if err := d.Sessions.Delete(ctx, old); err != nil {
			return err
		}
	}
	token, _, err := d.Sessions.Create(ctx, u.ID, 0)
	if err != nil {
		return err
	}
	setCookie(c, d, sessionCookie, token, false)
	setCookie(c, d, csrfCookie, "", true)
	setCookie(c, d, pendingCookie, "", true)
	rememberDevice(c, d, u.Email)
	audit(c, d, u, "operator.sign-in", nil, u.Email, "signed in")
	return nil
}

// checkCredentials verifies the password of the account with this email,
// spending the same time on a dummy hash when there is none.
func checkCredentials(c *fiber.Ctx, d Deps, email, password string) (models.User, bool, error) {
	if len(password) > auth.MaxPasswordLen || models.ValidateEmail(email) != nil {
		auth.DummyVerify(password[:min(len(password), auth.MaxPasswordLen)])
		return models.User{}, false, nil
	}
	u, err := d.DB.UserByEmail(c.UserContext(), email)
	if errors.Is(err, models.ErrNotFound) {
		auth.DummyVerify(password)
		return models.User{}, false, nil
	}
	if err != nil {
		return models.User{}, false, err
	}
	ok, _, err := auth.VerifyPassword(u.PasswordHash, password)
	if err != nil {
		d.Logger.ErrorContext(c.UserContext(), "stored password hash is unreadable", "user_id", u.ID, "error", err)
		return models.User{}, false, nil
	}
	return u, ok, nil
}

func signOut(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		o := OperatorFromCtx(c)
		setCookie(c, d, sessionCookie, "", true) // whatever happens next (see the admin panel's signOut)
		if err := d.Sessions.Delete(c.UserContext(), o.token); err != nil {
			return err
		}
		return redirect.To(c, "/sign-in?signed-out=1", fiber.StatusSeeOther)
	}
}

// audit writes the operator audit log; a failure is logged, not shown: the
// action itself has happened.
func audit(c *fiber.Ctx, d Deps, by models.User, action string, t *models.Tenant, subject, why string) {
	ctx := c.UserContext()
	if err := d.DB.OperatorAudit(ctx, by, action, t, subject, why); err != nil {
		d.Logger.ErrorContext(ctx, "write operator audit", "user_id", by.ID, "action", action, "error", err)
	}
}

// baseView is the view every signed-in console page starts from.
func baseView(c *fiber.Ctx, title, section string) themes.Admin {
	v := themes.Admin{Title: title, Section: section, Console: &themes.ConsoleView{}}
	if o := OperatorFromCtx(c); o != nil {
		v.User, v.CSRF = o.User.Email, o.Session.CSRF
	}
	return v
}
