package admin

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// Password reset by a one-time link sent by email. The forms post to
// /admin/sign-in (with a "step" field), the one path whose CSRF check works
// without a session: the signed double-submit token.

// ResetLinkTTL is how long a reset link works.
const ResetLinkTTL = time.Hour

const msgResetGone = "This link has expired or has already been used. Enter your email address to get a new one."

func resetForm(c *fiber.Ctx, d Deps, email string, errs []themes.FieldError) themes.Admin {
	v := signInForm(c, d, email, errs)
	v.Title = "Reset your password"
	return v
}

func showPasswordReset(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return render(c, d, fiber.StatusOK, "password-reset", resetForm(c, d, "", nil))
	}
}

// requestPasswordReset always answers the same page, whether or not the
// email has an account here; only an account that is a member of this
// tenant gets a link.
func requestPasswordReset(c *fiber.Ctx, d Deps) error {
	ctx := c.UserContext()
	email := models.NormalizeEmail(c.FormValue("email"))
	if email == "" {
		return render(c, d, fiber.StatusUnprocessableEntity, "password-reset",
			resetForm(c, d, email, []themes.FieldError{{Field: "email", Message: "Enter your email address"}}))
	}
	if models.ValidateEmail(email) != nil {
		return render(c, d, fiber.StatusUnprocessableEntity, "password-reset",
			resetForm(c, d, email, []themes.FieldError{{Field: "email", Message: "Enter an email address in the correct format, like name@example.nhs.uk"}}))
	}
	allowed, err := d.Throttle.ResetAllowed(ctx, email, c.IP())
	switch {
	case err != nil:
		return err
	case !allowed:
		d.Logger.WarnContext(ctx, "password reset requests over the limit", "tenant_id", tenantID(c), "ip", c.IP())
	default:
		// The link is looked up and sent after the answer, so that how long
		// the answer takes does not tell whether the email has an account.
		req := resetRequest{email: strings.Clone(email), tenant: *tenants.FromCtx(c)}
		bg := context.WithoutCancel(ctx)
		go func() {
			ctx, cancel := context.WithTimeout(bg, time.Minute)
			defer cancel()
			if err := sendResetLink(ctx, d, req); err != nil {
				// Logged, never shown: the answer must not differ.
				d.Logger.ErrorContext(ctx, "send password reset link", "tenant_id", req.tenant.ID, "error", err)
			}
		}()
	}
	v := signInForm(c, d, "", nil)
	v.Title = "Check your email"
	return render(c, d, fiber.StatusOK, "password-reset-sent", v)
}

// resetRequest is what sending a reset link needs from the request, copied
// out of it: the link is sent after the handler returns. The link's host is
// not taken from the request: it is the tenant's panel as configured.
type resetRequest struct {
	email  string
	tenant tenants.Tenant
}

func sendResetLink(ctx context.Context, d Deps, req resetRequest) error {
	t := &req.tenant
	u, err := d.DB.UserByEmail(ctx, req.email)
	if errors.Is(err, models.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := t.Store(ctx, d.DB).Membership(u.ID); errors.Is(err, models.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	panel, err := panelURL(d, t)
	if err != nil {
		return err
	}
	token := auth.NewToken()
	now := d.now()
	// The link is bound to this tenant: it works on this tenant's host only.
	if err := d.DB.CreatePasswordResetForTenantID(ctx, u.ID, t.ID, auth.HashToken(token), now, now.Add(ResetLinkTTL)); err != nil {
		return err
	}
	link := panel + "/password-reset/" + token
	body := "Someone asked to reset the password of your " + t.Name + " website admin account.\n\n" +
		"To choose a new password, open this link within an hour:\n\n" + link + "\n\n" +
		"The link works once. If you did not ask for this, ignore this email: your password has not changed.\n"
	if d.Mailer == nil {
		return errors.New("no mailer")
	}
	return d.Mailer.Send(ctx, u.Email, "Reset your "+t.Name+" website admin password", body)
}

func newPasswordForm(c *fiber.Ctx, d Deps, token string, errs []themes.FieldError) themes.Admin {
	v := signInForm(c, d, "", errs)
	v.Title = "Choose a new password"
	v.ResetToken = token
	return v
}

// resetUser returns the user of a usable reset link, or renders the page
// that says the link no longer works (done is then true).
func resetUser(c *fiber.Ctx, d Deps, token string) (u models.User, done bool, err error) {
	ctx := c.UserContext()
	if token == "" || len(token) > 128 {
		err = models.ErrNotFound
	} else {
		var r models.PasswordReset
		if r, err = d.DB.PasswordResetByTokenForTenantID(ctx, auth.HashToken(token), tenantID(c), d.now()); err == nil {
			u, err = d.DB.UserByID(ctx, r.UserID)
		}
	}
	if errors.Is(err, models.ErrNotFound) || errors.Is(err, models.ErrResetUnusable) {
		return u, true, render(c, d, fiber.StatusGone, "password-reset",
			resetForm(c, d, "", []themes.FieldError{{Field: "email", Message: msgResetGone}}))
	}
	return u, err != nil, err
}

func showNewPassword(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		// The page's URL holds the token: send no Referer anywhere.
		c.Set("Referrer-Policy", "no-referrer")
		token := c.Params("token")
		if _, done, err := resetUser(c, d, token); done {
			return err
		}
		return render(c, d, fiber.StatusOK, "password-reset-new", newPasswordForm(c, d, token, nil))
	}
}

// resetPassword sets the new password, uses up the link and signs the user
// out everywhere.
func resetPassword(c *fiber.Ctx, d Deps) error {
	ctx := c.UserContext()
	token := c.FormValue("token")
	u, done, err := resetUser(c, d, token)
	if done {
		return err
	}
	password, confirm := c.FormValue("password"), c.FormValue("password-confirm")
	var errs []themes.FieldError
	if err := auth.CheckPassword(password, u.Email); err != nil {
		msg := err.Error()
		errs = append(errs, themes.FieldError{Field: "password", Message: strings.ToUpper(msg[:1]) + msg[1:]})
	} else if password != confirm {
		errs = append(errs, themes.FieldError{Field: "password-confirm", Message: "Enter the same password twice"})
	}
	if errs != nil {
		return render(c, d, fiber.StatusUnprocessableEntity, "password-reset-new", newPasswordForm(c, d, token, errs))
	}
	h, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	u, err = d.DB.ResetPasswordForTenantID(ctx, auth.HashToken(token), tenantID(c), h, d.now())
	if errors.Is(err, models.ErrResetUnusable) || errors.Is(err, models.ErrNotFound) {
		return render(c, d, fiber.StatusGone, "password-reset",
			resetForm(c, d, "", []themes.FieldError{{Field: "email", Message: msgResetGone}}))
	}
	if err != nil {
		return err
	}
	if err := d.Sessions.DeleteUser(ctx, u.ID); err != nil {
		return err
	}
	l := d.signInLayer()
	l.ForgetFailures(c, u.Email)
	l.ExpireSession(c)
	l.ExpirePending(c)
	audit(c, d, u, models.AuditPasswordReset, "")
	return redirect.To(c, signInPath+"?reset=1", fiber.StatusSeeOther)
}

// panelURL is the address of tenant t's admin panel as configured: its
// platform host under the base domain, with the configured scheme and
// public port. Links in emails use it, never the request's Host header
// (which a client chooses).
func panelURL(d Deps, t *tenants.Tenant) (string, error) {
	if d.BaseDomain == "" {
		return "", errors.New("admin: no base domain configured to build links with")
	}
	h := tenants.PlatformHost(t.Slug, d.BaseDomain)
	if d.Port != "" {
		h += ":" + d.Port
	}
	return d.Scheme + "://" + h + tenants.AdminPath, nil
}
