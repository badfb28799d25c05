package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/signin"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// msgLocked is the lock-out's message, on the invitation page too.
const msgLocked = signin.MsgLocked

// Steps of the password reset's forms, which post to /admin/sign-in: the
// one path whose CSRF check needs no session (signInLayer).
const (
	stepResetRequest  = "reset-request" // ask for a password reset link
	stepResetPassword = "reset"         // choose a new password
)

// signInForm returns the view of a signed-out page with the sign-in form's
// token, reusing the browser's token when it is still well signed.
func signInForm(c *fiber.Ctx, d Deps, email string, errs []themes.FieldError) themes.Admin {
	return d.signInLayer().Form(c, "Sign in", email, errs)
}

func showSignIn(d Deps) fiber.Handler { return d.signInLayer().ShowSignIn() }

// signIn handles the forms posted to /admin/sign-in: the email and
// password, the two-factor code and the password reset's steps.
func signIn(d Deps) fiber.Handler { return d.signInLayer().SignIn() }

// startSession signs u in and sends the browser to the dashboard.
func startSession(c *fiber.Ctx, d Deps, u models.User) error { return d.signInLayer().Start(c, u) }

// askForCode continues the sign-in of u, whose password was right: the
// second step when two-factor is on, else the session.
func askForCode(c *fiber.Ctx, d Deps, u models.User) error {
	return d.signInLayer().PasswordRight(c, u)
}

// checkCredentials verifies the password of the account with this email.
func checkCredentials(c *fiber.Ctx, d Deps, email, password string) (models.User, bool, error) {
	return d.signInLayer().CheckCredentials(c, email, password)
}

// attempt is a sign-in attempt for email from this browser.
func attempt(c *fiber.Ctx, d Deps, email string) auth.Attempt {
	return d.signInLayer().Attempt(c, email)
}

func signOut(d Deps) fiber.Handler { return endPreviews(d, d.signInLayer().SignOut(false)) }

func signOutEverywhere(d Deps) fiber.Handler { return endPreviews(d, d.signInLayer().SignOut(true)) }

// endPreviews ends this browser's preview of the full site (launch.go)
// with its session.
func endPreviews(d Deps, h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		clearPreview(c, d)
		return h(c)
	}
}
