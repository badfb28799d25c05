package signin

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// Two-factor authentication (TOTP, RFC 6238): the second step of signing
// in, its set-up, and the checks a surface's own account pages share.

// Two-factor messages.
const (
	msgCodeMissing = "Enter the 6-digit code from your authenticator app, or a recovery code"
	MsgCodeWrong   = "Enter a correct code"
	msgPendingGone = "Your sign-in has timed out. Enter your email address and password again."
	// MsgSetupMissing and msgSetupWrong answer the first code of a new secret.
	MsgSetupMissing = "Enter the 6-digit code from your authenticator app"
	msgSetupWrong   = "Enter a correct code. Check the time on your phone is right."
)

// pendingToken signs "this user gave the right password for this Scope at
// this time", for PendingTimeout. The password hash and TOTP secret are
// part of what is signed: a change of either voids it.
func (l *Layer) pendingToken(c *fiber.Ctx, u models.User) string {
	payload := fmt.Sprintf("%d.%d.%d", u.ID, l.p.Scope(c), l.now().Add(l.p.PendingTimeout).Unix())
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + l.pendingMAC(payload, u)
}

func (l *Layer) pendingMAC(payload string, u models.User) string {
	m := hmac.New(sha256.New, l.d.CSRFKey)
	m.Write([]byte(l.p.PendingLabel + "\x00" + payload + "\x00" + u.PasswordHash + "\x00" + u.TOTPSecret))
	return hex.EncodeToString(m.Sum(nil))
}

// pendingUser returns the user of a valid, unexpired pending token of this
// Scope who may still sign in here; ok is false otherwise.
func (l *Layer) pendingUser(c *fiber.Ctx) (u models.User, ok bool, err error) {
	raw, mac, found := strings.Cut(c.Cookies(l.p.Cookies.Pending), ".")
	if !found {
		return u, false, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return u, false, nil
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 {
		return u, false, nil
	}
	var n [3]int64
	for i, p := range parts {
		if n[i], err = strconv.ParseInt(p, 10, 64); err != nil {
			return u, false, nil
		}
	}
	if n[1] != l.p.Scope(c) || !l.now().Before(time.Unix(n[2], 0)) {
		return u, false, nil
	}
	u, err = l.d.DB.UserByID(c.UserContext(), n[0])
	if errors.Is(err, models.ErrNotFound) {
		return u, false, nil
	}
	if err != nil {
		return u, false, err
	}
	if !hmac.Equal([]byte(mac), []byte(l.pendingMAC(string(b), u))) || (!u.TOTPEnabled && !l.p.RequireTwoFactor) {
		return u, false, nil
	}
	ok, err = l.p.MaySignIn(c, u)
	return u, ok, err
}

// pendingStep checks the pending token and the lock-out of a code step; a
// nil user with a nil error means a page has been rendered.
func (l *Layer) pendingStep(c *fiber.Ctx) (*models.User, error) {
	u, ok, err := l.pendingUser(c)
	if err != nil {
		return nil, err
	}
	if !ok {
		l.ExpirePending(c)
		return nil, l.render(c, fiber.StatusUnprocessableEntity, l.p.Pages.SignIn,
			l.Form(c, "Sign in", "", []themes.FieldError{{Field: "email", Message: msgPendingGone}}))
	}
	wait, err := l.d.Throttle.Locked(c.UserContext(), l.secondStep(c, u.Email))
	if err != nil {
		return nil, err
	}
	if wait > 0 {
		l.ExpirePending(c)
		return nil, l.locked(c, u.Email, wait)
	}
	return &u, nil
}

// signInCode is the second step of signing in. Recovery codes are
// accepted; wrong codes count toward the same lock-out as wrong passwords.
func (l *Layer) signInCode(c *fiber.Ctx) error {
	u, err := l.pendingStep(c)
	if u == nil || err != nil {
		return err
	}
	if !u.TOTPEnabled { // RequireTwoFactor: not set up yet
		return l.setupPage(c, fiber.StatusUnprocessableEntity, *u, nil)
	}
	code := strings.TrimSpace(c.FormValue("code"))
	if code == "" {
		return l.render(c, fiber.StatusUnprocessableEntity, l.p.Pages.Code,
			l.Form(c, "Enter your security code", "", []themes.FieldError{{Field: "code", Message: msgCodeMissing}}))
	}
	ok, err := l.CheckCode(c, *u, code, true)
	if err != nil {
		return err
	}
	if !ok {
		if err := l.d.Throttle.Failed(c.UserContext(), l.secondStep(c, u.Email)); err != nil {
			return err
		}
		return l.render(c, fiber.StatusUnprocessableEntity, l.p.Pages.Code,
			l.Form(c, "Enter your security code", "", []themes.FieldError{{Field: "code", Message: MsgCodeWrong}}))
	}
	l.ExpirePending(c)
	return l.Start(c, *u)
}

// CheckCode accepts a TOTP code whose step was not used before (recording
// it) or, when recovery is true, an unused recovery code (using it up).
func (l *Layer) CheckCode(c *fiber.Ctx, u models.User, code string, recovery bool) (bool, error) {
	ctx := c.UserContext()
	if step, ok := auth.VerifyTOTP(u.TOTPSecret, code, l.now(), u.TOTPLastStep); ok {
		return l.d.DB.UseTOTPStep(ctx, u.ID, step)
	}
	if !recovery || len(code) > 64 {
		return false, nil
	}
	return l.d.DB.UseRecoveryCode(ctx, u.ID, auth.HashRecoveryCode(code))
}

// NewSecret gives u a new TOTP secret to confirm (EnableTwoFactor).
func (l *Layer) NewSecret(c *fiber.Ctx, u models.User) (models.User, error) {
	u.TOTPSecret = auth.NewTOTPSecret()
	if err := l.d.DB.SetTOTPSecret(c.UserContext(), u.ID, u.TOTPSecret); err != nil {
		return u, err
	}
	return u, nil
}

// EnableTwoFactor checks the first code of u's new secret and turns
// two-factor on, returning the recovery codes to show once; a missing or
// wrong code gives the field's error instead.
func (l *Layer) EnableTwoFactor(c *fiber.Ctx, u models.User, code string) ([]string, []themes.FieldError, error) {
	if code == "" {
		return nil, []themes.FieldError{{Field: "code", Message: MsgSetupMissing}}, nil
	}
	step, ok := auth.VerifyTOTP(u.TOTPSecret, code, l.now(), 0)
	if !ok {
		return nil, []themes.FieldError{{Field: "code", Message: msgSetupWrong}}, nil
	}
	codes := auth.NewRecoveryCodes(auth.RecoveryCodes)
	hashes := make([]string, len(codes))
	for i, rc := range codes {
		hashes[i] = auth.HashRecoveryCode(rc)
	}
	if err := l.d.DB.EnableTOTP(c.UserContext(), u.ID, step, hashes); err != nil {
		return nil, nil, err
	}
	return codes, nil, nil
}

// setupPage is the set-up of two-factor while signing in.
func (l *Layer) setupPage(c *fiber.Ctx, status int, u models.User, errs []themes.FieldError) error {
	v := l.Form(c, "Set up two-factor authentication", "", errs)
	v.TOTPSecret = u.TOTPSecret
	v.TOTPURI = auth.TOTPURI(l.p.Issuer, u.Email, u.TOTPSecret)
	return l.render(c, status, l.p.Pages.Setup, v)
}

// signInSetup confirms the first code of a new secret, turns two-factor on,
// signs the user in and shows the recovery codes once.
func (l *Layer) signInSetup(c *fiber.Ctx) error {
	u, err := l.pendingStep(c)
	if u == nil || err != nil {
		return err
	}
	if u.TOTPEnabled || u.TOTPSecret == "" {
		l.ExpirePending(c)
		return redirect.To(c, l.p.SignInPath, fiber.StatusSeeOther)
	}
	code := strings.TrimSpace(c.FormValue("code"))
	codes, errs, err := l.EnableTwoFactor(c, *u, code)
	if err != nil {
		return err
	}
	if errs != nil {
		if code != "" {
			if err := l.d.Throttle.Failed(c.UserContext(), l.secondStep(c, u.Email)); err != nil {
				return err
			}
		}
		return l.setupPage(c, fiber.StatusUnprocessableEntity, *u, errs)
	}
	l.ExpirePending(c)
	if err := l.begin(c, *u); err != nil {
		return err
	}
	l.record(c, *u, TwoFactorOn)
	v := l.p.View(c)
	v.Title, v.User, v.Notice, v.RecoveryCodes = "Save your recovery codes", u.Email, "Two-factor authentication is on.", codes
	return l.render(c, fiber.StatusOK, l.p.Pages.Codes, v)
}
