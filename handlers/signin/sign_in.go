package signin

import (
	"errors"
	"math"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// Sign-in messages. The failure message is the same whether or not the
// email has an account (or may sign in here), and the lock-out applies to
// every email alike.
const (
	MsgBadCredentials = "Enter a correct email address and password"
	MsgLocked         = "You have tried to sign in too many times. Wait 15 minutes, then try again."
)

// Steps of the forms posted to SignInPath: "" is the email and password.
const (
	stepCode  = "two-factor" // the code of a user with two-factor on
	stepSetup = "setup"      // set-up while signing in (RequireTwoFactor)
)

// ShowSignIn is the sign-in page; a signed-in visitor goes Home.
func (l *Layer) ShowSignIn() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if FromCtx(c) != nil {
			return redirect.To(c, l.p.Home, fiber.StatusSeeOther)
		}
		v := l.Form(c, "Sign in", "", nil)
		for _, n := range l.p.Notices {
			if c.Query(n.Query) != "" {
				v.Notice = n.Text
				break
			}
		}
		return l.render(c, fiber.StatusOK, l.p.Pages.SignIn, v)
	}
}

// SignIn handles every form posted to SignInPath, by its "step".
func (l *Layer) SignIn() fiber.Handler {
	return func(c *fiber.Ctx) error {
		step := c.FormValue("step")
		switch {
		case step == stepCode:
			return l.signInCode(c)
		case step == stepSetup && l.p.RequireTwoFactor:
			return l.signInSetup(c)
		case l.p.Steps[step] != nil:
			return l.p.Steps[step](c)
		}
		return l.signInPassword(c)
	}
}

// locked renders the sign-in page of a locked-out email (429).
func (l *Layer) locked(c *fiber.Ctx, email string, wait time.Duration) error {
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	return l.render(c, fiber.StatusTooManyRequests, l.p.Pages.SignIn,
		l.Form(c, "Sign in", email, []themes.FieldError{{Field: "email", Message: MsgLocked}}))
}

// signInPassword is the first step: the email and password.
func (l *Layer) signInPassword(c *fiber.Ctx) error {
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
		return l.render(c, fiber.StatusUnprocessableEntity, l.p.Pages.SignIn, l.Form(c, "Sign in", email, errs))
	}
	wait, err := l.d.Throttle.Locked(ctx, l.Attempt(c, email))
	if err != nil {
		return err
	}
	if wait > 0 {
		return l.locked(c, email, wait)
	}
	u, ok, err := l.CheckCredentials(c, email, password)
	if err != nil {
		return err
	}
	if ok {
		if ok, err = l.p.MaySignIn(c, u); err != nil {
			return err
		}
	}
	if !ok {
		if err := l.d.Throttle.Failed(ctx, l.Attempt(c, email)); err != nil {
			return err
		}
		return l.render(c, fiber.StatusUnprocessableEntity, l.p.Pages.SignIn,
			l.Form(c, "Sign in", email, []themes.FieldError{{Field: "email", Message: MsgBadCredentials}}))
	}
	return l.PasswordRight(c, u)
}

// PasswordRight continues the sign-in of u, whose password was right: the
// second step when two-factor is on (the session is made, and the failures
// forgotten, only after it), its set-up first when the policy requires it,
// else the session.
func (l *Layer) PasswordRight(c *fiber.Ctx, u models.User) error {
	switch {
	case u.TOTPEnabled:
		l.setCookie(c, l.p.Cookies.Pending, l.pendingToken(c, u))
		return l.render(c, fiber.StatusOK, l.p.Pages.Code, l.Form(c, "Enter your security code", "", nil))
	case l.p.RequireTwoFactor:
		u, err := l.NewSecret(c, u)
		if err != nil {
			return err
		}
		// The secret is part of the signed pending token: a new one voids it.
		l.setCookie(c, l.p.Cookies.Pending, l.pendingToken(c, u))
		return l.setupPage(c, fiber.StatusOK, u, nil)
	}
	return l.Start(c, u)
}

// CheckCredentials verifies the password of the account with this email,
// spending the same time on a dummy hash when there is none. A right
// password whose hash has old parameters is hashed again.
func (l *Layer) CheckCredentials(c *fiber.Ctx, email, password string) (models.User, bool, error) {
	ctx := c.UserContext()
	if len(password) > auth.MaxPasswordLen || models.ValidateEmail(email) != nil {
		auth.DummyVerify(password[:min(len(password), auth.MaxPasswordLen)])
		return models.User{}, false, nil
	}
	u, err := l.d.DB.UserByEmail(ctx, email)
	if errors.Is(err, models.ErrNotFound) {
		auth.DummyVerify(password)
		return models.User{}, false, nil
	}
	if err != nil {
		return models.User{}, false, err
	}
	ok, rehash, err := auth.VerifyPassword(u.PasswordHash, password)
	if err != nil {
		l.d.Logger.ErrorContext(ctx, "stored password hash is unreadable", "user_id", u.ID, "error", err)
		return models.User{}, false, nil
	}
	if ok && rehash {
		if h, err := auth.HashPassword(password); err == nil {
			if err := l.d.DB.SetPasswordHash(ctx, u.ID, h); err != nil {
				l.d.Logger.WarnContext(ctx, "rehash password", "user_id", u.ID, "error", err)
			} else {
				u.PasswordHash = h // a pending second step signs the stored hash
			}
		}
	}
	return u, ok, nil
}
