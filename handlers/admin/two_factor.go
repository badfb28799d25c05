package admin

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
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// Two-factor authentication (TOTP, RFC 6238) for the signed-in user's own
// account, and the second step of signing in.

const (
	pendingCookie = "pcnweb_2fa" // a signed, expiring "password was right" for the second step
	// PendingTimeout is how long the second step of signing in waits.
	PendingTimeout = 5 * time.Minute

	msgCodeMissing = "Enter the 6-digit code from your authenticator app, or a recovery code"
	msgCodeWrong   = "Enter a correct code"
	msgPendingGone = "Your sign-in has timed out. Enter your email address and password again."
)

func (d Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// pendingToken signs "this user gave the right password on this tenant at
// this time". The user's password hash is part of what is signed, so a
// password change voids it.
func pendingToken(d Deps, u models.User, tenantID int64, expires time.Time) string {
	payload := fmt.Sprintf("%d.%d.%d", u.ID, tenantID, expires.Unix())
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + pendingMAC(d, payload, u.PasswordHash)
}

func pendingMAC(d Deps, payload, pwHash string) string {
	m := hmac.New(sha256.New, d.CSRFKey)
	m.Write([]byte("sign-in-2fa\x00" + payload + "\x00" + pwHash))
	return hex.EncodeToString(m.Sum(nil))
}

// pendingUser returns the user of a valid, unexpired pending token for this
// tenant; ok is false otherwise.
func pendingUser(c *fiber.Ctx, d Deps) (models.User, bool, error) {
	raw, mac, found := strings.Cut(c.Cookies(pendingCookie), ".")
	if !found {
		return models.User{}, false, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return models.User{}, false, nil
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 {
		return models.User{}, false, nil
	}
	var n [3]int64
	for i, p := range parts {
		if n[i], err = strconv.ParseInt(p, 10, 64); err != nil {
			return models.User{}, false, nil
		}
	}
	if n[1] != tenantID(c) || !d.now().Before(time.Unix(n[2], 0)) {
		return models.User{}, false, nil
	}
	u, err := d.DB.UserByID(c.UserContext(), n[0])
	if errors.Is(err, models.ErrNotFound) {
		return models.User{}, false, nil
	}
	if err != nil {
		return models.User{}, false, err
	}
	if !hmac.Equal([]byte(mac), []byte(pendingMAC(d, string(b), u.PasswordHash))) || !u.TOTPEnabled {
		return models.User{}, false, nil
	}
	return u, true, nil
}

// askForCode starts the second step of signing in: the password was right,
// no session exists yet.
func askForCode(c *fiber.Ctx, d Deps, u models.User) error {
	setCookie(c, d, pendingCookie, pendingToken(d, u, tenantID(c), d.now().Add(PendingTimeout)), false)
	return render(c, d, fiber.StatusOK, "two-factor-sign-in", codeForm(c, d, nil))
}

func codeForm(c *fiber.Ctx, d Deps, errs []themes.FieldError) themes.Admin {
	v := signInForm(c, d, "", errs)
	v.Title = "Enter your security code"
	return v
}

// signInCode is the second step of signing in (posted to /admin/sign-in,
// whose double-submit CSRF token it uses). Wrong codes count toward the
// same lock-out as wrong passwords.
func signInCode(c *fiber.Ctx, d Deps) error {
	ctx := c.UserContext()
	u, ok, err := pendingUser(c, d)
	if err != nil {
		return err
	}
	if !ok {
		setCookie(c, d, pendingCookie, "", true)
		return render(c, d, fiber.StatusUnprocessableEntity, "sign-in",
			signInForm(c, d, "", []themes.FieldError{{Field: "email", Message: msgPendingGone}}))
	}
	wait, err := d.Throttle.Locked(ctx, secondStep(c, d, u.Email))
	if err != nil {
		return err
	}
	if wait > 0 {
		setCookie(c, d, pendingCookie, "", true)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return render(c, d, fiber.StatusTooManyRequests, "sign-in",
			signInForm(c, d, u.Email, []themes.FieldError{{Field: "email", Message: msgLocked}}))
	}
	code := strings.TrimSpace(c.FormValue("code"))
	if code == "" {
		return render(c, d, fiber.StatusUnprocessableEntity, "two-factor-sign-in",
			codeForm(c, d, []themes.FieldError{{Field: "code", Message: msgCodeMissing}}))
	}
	ok, err = checkCode(c, d, u, code, true)
	if err != nil {
		return err
	}
	if !ok {
		if err := d.Throttle.Failed(ctx, secondStep(c, d, u.Email)); err != nil {
			return err
		}
		return render(c, d, fiber.StatusUnprocessableEntity, "two-factor-sign-in",
			codeForm(c, d, []themes.FieldError{{Field: "code", Message: msgCodeWrong}}))
	}
	setCookie(c, d, pendingCookie, "", true)
	return startSession(c, d, u)
}

// checkCode accepts a TOTP code whose step was not used before (recording
// it) or, when recovery is true, an unused recovery code (using it up).
func checkCode(c *fiber.Ctx, d Deps, u models.User, code string, recovery bool) (bool, error) {
	ctx := c.UserContext()
	if step, ok := auth.VerifyTOTP(u.TOTPSecret, code, d.now(), u.TOTPLastStep); ok {
		return d.DB.UseTOTPStep(ctx, u.ID, step)
	}
	if !recovery || len(code) > 64 {
		return false, nil
	}
	return d.DB.UseRecoveryCode(ctx, u.ID, auth.HashRecoveryCode(code))
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
				return redirect.To(c, "/admin/account/two-factor", fiber.StatusSeeOther)
			}
			u.TOTPSecret = auth.NewTOTPSecret()
			if err := d.DB.SetTOTPSecret(ctx, u.ID, u.TOTPSecret); err != nil {
				return err
			}
			return setupPage(c, d, fiber.StatusOK, u, nil)

		case "confirm":
			if u.TOTPEnabled || u.TOTPSecret == "" {
				return redirect.To(c, "/admin/account/two-factor", fiber.StatusSeeOther)
			}
			if code == "" {
				return setupPage(c, d, fiber.StatusUnprocessableEntity, u, []themes.FieldError{{Field: "code", Message: "Enter the 6-digit code from your authenticator app"}})
			}
			step, ok := auth.VerifyTOTP(u.TOTPSecret, code, d.now(), 0)
			if !ok {
				return setupPage(c, d, fiber.StatusUnprocessableEntity, u, []themes.FieldError{{Field: "code", Message: "Enter a correct code. Check the time on your phone is right."}})
			}
			codes := auth.NewRecoveryCodes(auth.RecoveryCodes)
			hashes := make([]string, len(codes))
			for i, rc := range codes {
				hashes[i] = auth.HashRecoveryCode(rc)
			}
			if err := d.DB.EnableTOTP(ctx, u.ID, step, hashes); err != nil {
				return err
			}
			audit(c, d, u, models.AuditTwoFactorEnable, "")
			v := baseView(c, d, "Save your recovery codes")
			v.Notice = "Two-factor authentication is on."
			v.RecoveryCodes = codes
			return render(c, d, fiber.StatusOK, "two-factor-codes", v)

		case "disable":
			if !u.TOTPEnabled {
				return redirect.To(c, "/admin/account/two-factor", fiber.StatusSeeOther)
			}
			if code == "" {
				return twoFactorPage(c, d, fiber.StatusUnprocessableEntity, []themes.FieldError{{Field: "code", Message: "Enter the 6-digit code from your authenticator app"}})
			}
			ok, err := checkCode(c, d, u, code, false)
			if err != nil {
				return err
			}
			if !ok {
				return twoFactorPage(c, d, fiber.StatusUnprocessableEntity, []themes.FieldError{{Field: "code", Message: msgCodeWrong}})
			}
			if err := d.DB.DisableTOTP(ctx, u.ID); err != nil {
				return err
			}
			audit(c, d, u, models.AuditTwoFactorDisable, "")
			return redirect.To(c, "/admin/account/two-factor?disabled=1", fiber.StatusSeeOther)
		}
		return fiber.ErrBadRequest
	}
}
