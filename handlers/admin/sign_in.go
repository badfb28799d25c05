package admin

import (
	"errors"
	"math"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// Sign-in messages. The failure message is the same whether or not the email
// has an account, and the lock-out applies to every email alike.
const (
	msgBadCredentials = "Enter a correct email address and password"
	msgLocked         = "You have tried to sign in too many times. Wait 15 minutes, then try again."
)

// signInForm returns the sign-in page's view with a form token, reusing the
// browser's token when it is still well signed.
func signInForm(c *fiber.Ctx, d Deps, email string, errs []themes.FieldError) themes.Admin {
	token := c.Cookies(csrfCookie)
	if !auth.CheckFormToken(d.CSRFKey, token, token) {
		token = auth.NewFormToken(d.CSRFKey)
		setCookie(c, d, csrfCookie, token, false)
	}
	return themes.Admin{Title: "Sign in", Site: tenants.FromCtx(c).Name, CSRF: token, Email: email, Errors: errs}
}

func showSignIn(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if AccountFromCtx(c) != nil {
			return redirect.To(c, "/admin", fiber.StatusSeeOther)
		}
		view := signInForm(c, d, "", nil)
		switch {
		case c.Query("signed-out") != "":
			view.Notice = "You have signed out."
		case c.Query("reset") != "":
			view.Notice = "Your password has been changed. Sign in with your new password."
		}
		return render(c, d, fiber.StatusOK, "sign-in", view)
	}
}

// Steps of the forms that post to /admin/sign-in: the one path whose CSRF
// check needs no session. "" is the email and password.
const (
	stepCode          = "two-factor"    // the second step of signing in
	stepResetRequest  = "reset-request" // ask for a password reset link
	stepResetPassword = "reset"         // choose a new password
)

func signIn(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		switch c.FormValue("step") {
		case stepCode:
			return signInCode(c, d)
		case stepResetRequest:
			return requestPasswordReset(c, d)
		case stepResetPassword:
			return resetPassword(c, d)
		}
		ctx := c.UserContext()
		t := tenants.FromCtx(c)
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
			return render(c, d, fiber.StatusUnprocessableEntity, "sign-in", signInForm(c, d, email, errs))
		}
		wait, err := d.Throttle.Locked(ctx, attempt(c, d, email))
		if err != nil {
			return err
		}
		if wait > 0 {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			return render(c, d, fiber.StatusTooManyRequests, "sign-in",
				signInForm(c, d, email, []themes.FieldError{{Field: "email", Message: msgLocked}}))
		}

		u, ok, err := checkCredentials(c, d, email, password)
		if err != nil {
			return err
		}
		if ok {
			// A user of another tenant signs in nowhere here.
			if _, err := t.Store(ctx, d.DB).Membership(u.ID); errors.Is(err, models.ErrNotFound) {
				ok = false
			} else if err != nil {
				return err
			}
		}
		if !ok {
			if err := d.Throttle.Failed(ctx, attempt(c, d, email)); err != nil {
				return err
			}
			return render(c, d, fiber.StatusUnprocessableEntity, "sign-in",
				signInForm(c, d, email, []themes.FieldError{{Field: "email", Message: msgBadCredentials}}))
		}

		// With two-factor on, the session is made, and the failures forgotten,
		// only after the second step.
		if u.TOTPEnabled {
			return askForCode(c, d, u)
		}
		return startSession(c, d, u)
	}
}

// startSession signs u in: the throttle forgets the failures, the browser's
// old session ends and a new one starts.
func startSession(c *fiber.Ctx, d Deps, u models.User) error {
	ctx := c.UserContext()
	t := tenants.FromCtx(c)
	if err := d.Throttle.Succeeded(ctx, attempt(c, d, u.Email)); err != nil {
		d.Logger.WarnContext(ctx, "reset sign-in failures", "error", err)
	}
	// Rotation: whatever session the browser had ends; a new one starts.
	if old := c.Cookies(sessionCookie); old != "" {
		if err := d.Sessions.Delete(ctx, old); err != nil {
			return err
		}
	}
	token, _, err := d.Sessions.Create(ctx, u.ID, t.ID)
	if err != nil {
		return err
	}
	setCookie(c, d, sessionCookie, token, false)
	setCookie(c, d, csrfCookie, "", true)
	rememberDevice(c, d, u.Email)
	audit(c, d, u, models.AuditSignIn, "")
	return redirect.To(c, "/admin", fiber.StatusSeeOther)
}

// checkCredentials verifies the password of the account with this email. When
// there is no such account it spends the same time on a dummy hash.
func checkCredentials(c *fiber.Ctx, d Deps, email, password string) (models.User, bool, error) {
	ctx := c.UserContext()
	if len(password) > auth.MaxPasswordLen || models.ValidateEmail(email) != nil {
		auth.DummyVerify(password[:min(len(password), auth.MaxPasswordLen)])
		return models.User{}, false, nil
	}
	u, err := d.DB.UserByEmail(ctx, email)
	if errors.Is(err, models.ErrNotFound) {
		auth.DummyVerify(password)
		return models.User{}, false, nil
	}
	if err != nil {
		return models.User{}, false, err
	}
	ok, rehash, err := auth.VerifyPassword(u.PasswordHash, password)
	if err != nil {
		d.Logger.ErrorContext(ctx, "stored password hash is unreadable", "user_id", u.ID, "error", err)
		return models.User{}, false, nil
	}
	if ok && rehash {
		if h, err := auth.HashPassword(password); err == nil {
			if err := d.DB.SetPasswordHash(ctx, u.ID, h); err != nil {
				d.Logger.WarnContext(ctx, "rehash password", "user_id", u.ID, "error", err)
			}
		}
	}
	return u, ok, nil
}

func signOut(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := AccountFromCtx(c)
		// The cookie goes whatever happens next: on a shared computer a
		// sign-out that met an outage must not leave the session usable.
		setCookie(c, d, sessionCookie, "", true)
		if err := d.Sessions.Delete(c.UserContext(), a.token); err != nil {
			return err
		}
		audit(c, d, a.User, models.AuditSignOut, "")
		return redirect.To(c, "/admin/sign-in?signed-out=1", fiber.StatusSeeOther)
	}
}

func signOutEverywhere(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := AccountFromCtx(c)
		// The cookie goes whatever happens next: on a shared computer a
		// sign-out that met an outage must not leave the session usable.
		setCookie(c, d, sessionCookie, "", true)
		if err := d.Sessions.DeleteUser(c.UserContext(), a.User.ID); err != nil {
			return err
		}
		audit(c, d, a.User, models.AuditSignOutAll, "")
		return redirect.To(c, "/admin/sign-in?signed-out=1", fiber.StatusSeeOther)
	}
}
