package admin

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/signin"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// Two-factor authentication (TOTP, RFC 6238) for the signed-in user's own
// account; the second step of signing in is the sign-in layer's
// (signInLayer).

// PendingTimeout is how long the second step of signing in waits.
const PendingTimeout = 5 * time.Minute

func (d Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// showTwoFactor is the account's two-factor page: on (with a form to turn
// it off) or off (with a button to set it up).
func showTwoFactor(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return twoFactorPage(c, d, fiber.StatusOK, nil)
	}
}

func twoFactorPage(c *fiber.Ctx, d Deps, status int, errs []themes.FieldError) error {
	v := baseView(c, d, "Two-factor authentication")
	v.Errors = errs
	page := "two-factor-off"
	if AccountFromCtx(c).User.TOTPEnabled {
		page = "two-factor-on"
	}
	switch {
	case c.Query("enabled") != "":
		v.Notice = "Two-factor authentication is on."
	case c.Query("disabled") != "":
		v.Notice = "Two-factor authentication is off."
	}
	return render(c, d, status, page, v)
}

func setupPage(c *fiber.Ctx, d Deps, status int, u models.User, errs []themes.FieldError) error {
	v := baseView(c, d, "Set up two-factor authentication")
	v.Errors = errs
	v.TOTPSecret = u.TOTPSecret
	v.TOTPURI = auth.TOTPURI(tenants.FromCtx(c).Name, u.Email, u.TOTPSecret)
	return render(c, d, status, "two-factor-setup", v)
}

// updateTwoFactor handles the account page's forms: action "start" makes a
// new secret to confirm, "confirm" checks a code against it and turns
// two-factor on, "disable" turns it off with a current code.
func updateTwoFactor(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		a := AccountFromCtx(c)
		u := a.User
		code := strings.TrimSpace(c.FormValue("code"))
		switch c.FormValue("action") {
		case "start":
			if u.TOTPEnabled {
				return redirect.To(c, tenants.AdminPath+"/account/two-factor", fiber.StatusSeeOther)
			}
			u, err := d.signInLayer().NewSecret(c, u)
			if err != nil {
				return err
			}
			return setupPage(c, d, fiber.StatusOK, u, nil)

		case "confirm":
			if u.TOTPEnabled || u.TOTPSecret == "" {
				return redirect.To(c, tenants.AdminPath+"/account/two-factor", fiber.StatusSeeOther)
			}
			codes, errs, err := d.signInLayer().EnableTwoFactor(c, u, code)
			if err != nil {
				return err
			}
			if errs != nil {
				return setupPage(c, d, fiber.StatusUnprocessableEntity, u, errs)
			}
			audit(c, d, u, models.AuditTwoFactorEnable, "")
			v := baseView(c, d, "Save your recovery codes")
			v.Notice = "Two-factor authentication is on."
			v.RecoveryCodes = codes
			return render(c, d, fiber.StatusOK, "two-factor-codes", v)

		case "disable":
			if !u.TOTPEnabled {
				return redirect.To(c, tenants.AdminPath+"/account/two-factor", fiber.StatusSeeOther)
			}
			if code == "" {
				return twoFactorPage(c, d, fiber.StatusUnprocessableEntity, []themes.FieldError{{Field: "code", Message: signin.MsgSetupMissing}})
			}
			ok, err := d.signInLayer().CheckCode(c, u, code, false)
			if err != nil {
				return err
			}
			if !ok {
				return twoFactorPage(c, d, fiber.StatusUnprocessableEntity, []themes.FieldError{{Field: "code", Message: signin.MsgCodeWrong}})
			}
			if err := d.DB.DisableTOTP(ctx, u.ID); err != nil {
				return err
			}
			audit(c, d, u, models.AuditTwoFactorDisable, "")
			return redirect.To(c, tenants.AdminPath+"/account/two-factor?disabled=1", fiber.StatusSeeOther)
		}
		return fiber.ErrBadRequest
	}
}
