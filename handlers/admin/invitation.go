package admin

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// invitationPage is the view of "invitation".
type invitationPage struct {
	themes.Admin
	Invitation *invitationForm
}

// invitationForm is the "invitation" page an invited person opens.
type invitationForm struct {
	Token    string
	Email    string
	Role     string // "an editor", "a manager"
	Existing bool   // the email has an account: enter its password
	Name     string
	Expired  bool // the link has expired: ask for a new one
}

// The invitation page: someone who is not signed in opens the link a
// manager sent. A new person chooses a password; someone who already has
// an account (a member of another PCN's website) enters its password. Then
// they are a member and signed in. The form uses the signed double-submit
// CSRF token, like the sign-in form (checkCSRF lets /admin/invitation/
// through on it). A token of another tenant's invitation is a 404 here.

const msgInvitationExpired = "This invitation has expired. Ask a manager of the website to send it again."

// invitationView builds the page for an invitation.
func invitationView(c *fiber.Ctx, d Deps, token string, inv models.Invitation, existing bool, name string, errs []themes.FieldError) invitationPage {
	v := invitationPage{Admin: signInForm(c, d, "", errs)}
	v.Title = "Join the " + v.Site + " website admin"
	role := "an editor"
	if inv.Role == models.RoleManager {
		role = "a manager"
	}
	v.Invitation = &invitationForm{Token: token, Email: inv.Email, Role: role, Existing: existing, Name: name}
	return v
}

// invitationOf returns the usable invitation of a link's token, whether its
// email has an account, or renders the page that says it has expired
// (done). Another tenant's or an unknown token is ErrNotFound.
func invitationOf(c *fiber.Ctx, d Deps, token string) (inv models.Invitation, existing, done bool, err error) {
	if token == "" || len(token) > 128 {
		return inv, false, true, fiber.ErrNotFound
	}
	ctx := c.UserContext()
	inv, err = tenantStore(c).InvitationByToken(auth.HashToken(token), d.now())
	if errors.Is(err, models.ErrInvitationExpired) {
		v := invitationPage{Admin: signInForm(c, d, "", nil)}
		v.Title = "This invitation has expired"
		v.Message = msgInvitationExpired
		v.Invitation = &invitationForm{Expired: true, Email: inv.Email}
		return inv, false, true, render(c, d, fiber.StatusGone, "invitation", v)
	}
	if err != nil {
		return inv, false, true, err
	}
	_, uerr := d.DB.UserByEmail(ctx, inv.Email)
	switch {
	case uerr == nil:
		existing = true
	case !errors.Is(uerr, models.ErrNotFound):
		return inv, false, true, uerr
	}
	return inv, existing, false, nil
}

func showInvitation(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		// The page's URL holds the token: send no Referer anywhere.
		c.Set("Referrer-Policy", "no-referrer")
		token := c.Params("token")
		inv, existing, done, err := invitationOf(c, d, token)
		if done {
			return err
		}
		return render(c, d, fiber.StatusOK, "invitation", invitationView(c, d, token, inv, existing, "", nil))
	}
}

// acceptInvitation makes the invited person a member and signs them in
// (through the second step when their account has two-factor on).
func acceptInvitation(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set("Referrer-Policy", "no-referrer")
		ctx := c.UserContext()
		token := c.Params("token")
		inv, existing, done, err := invitationOf(c, d, token)
		if done {
			return err
		}
		store := tenantStore(c)
		password := c.FormValue("password")
		name := strings.TrimSpace(c.FormValue("name"))
		fail := func(status int, field, msg string) error {
			return render(c, d, status, "invitation", invitationView(c, d, token, inv, existing, name, []themes.FieldError{{Field: field, Message: msg}}))
		}
		var u models.User
		if existing {
			wait, err := d.Throttle.Locked(ctx, attempt(c, d, inv.Email))
			if err != nil {
				return err
			}
			if wait > 0 {
				c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(wait.Seconds()))))
				return fail(fiber.StatusTooManyRequests, "password", msgLocked)
			}
			if password == "" {
				return fail(fiber.StatusUnprocessableEntity, "password", "Enter the password of your account")
			}
			_, ok, err := checkCredentials(c, d, inv.Email, password)
			if err != nil {
				return err
			}
			if !ok {
				if err := d.Throttle.Failed(ctx, attempt(c, d, inv.Email)); err != nil {
					return err
				}
				return fail(fiber.StatusUnprocessableEntity, "password", "Enter the correct password of your account")
			}
			if u, err = store.AcceptInvitation(auth.HashToken(token), "", "", d.now()); err != nil {
				return invitationGone(c, d, err)
			}
		} else {
			if err := auth.CheckPassword(password, inv.Email); err != nil {
				return fail(fiber.StatusUnprocessableEntity, "password", sentence(err.Error()))
			}
			if password != c.FormValue("password-confirm") {
				return fail(fiber.StatusUnprocessableEntity, "password-confirm", "Enter the same password twice")
			}
			if len(name) > 200 {
				return fail(fiber.StatusUnprocessableEntity, "name", "Use 200 characters or fewer")
			}
			h, err := auth.HashPassword(password)
			if err != nil {
				return err
			}
			if u, err = store.AcceptInvitation(auth.HashToken(token), h, name, d.now()); err != nil {
				return invitationGone(c, d, err)
			}
		}
		audit(c, d, u, models.AuditUserInvitationAccept, u.Email+" ("+string(inv.Role)+")")
		if u.TOTPEnabled {
			return askForCode(c, d, u)
		}
		return startSession(c, d, u)
	}
}

// invitationGone answers an accept that lost a race (the link was used,
// cancelled or resent meanwhile, or an account was made for the email).
func invitationGone(c *fiber.Ctx, d Deps, err error) error {
	switch {
	case errors.Is(err, models.ErrInvitationExpired), errors.Is(err, models.ErrNotFound), errors.Is(err, models.ErrConflict):
		v := invitationPage{Admin: signInForm(c, d, "", nil)}
		v.Title = "This invitation has expired"
		v.Message = msgInvitationExpired
		v.Invitation = &invitationForm{Expired: true}
		return render(c, d, fiber.StatusGone, "invitation", v)
	}
	return err
}
