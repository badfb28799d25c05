package admin

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// usersPage is the view of "users".
type usersPage struct {
	themes.Admin
	Users *memberList
}

// memberPage is the view of "users-edit" and "users-remove".
type memberPage struct {
	themes.Admin
	Member *memberForm
}

// memberList is the "users" page: the members, the pending invitations and
// the invitation form.
type memberList struct {
	Members     []memberRow
	Invitations []invitationRow
	// The invitation form as typed.
	InviteEmail string
	InviteRole  string
	// InvitationLink is the link of the invitation just made when no mail
	// server is set up (the email went to the server's log), for the
	// manager to copy and pass on; "" otherwise.
	InvitationLink string
}

// memberRow is one member of the tenant.
type memberRow struct {
	ID         int64
	Email      string
	Name       string
	Role       string // "Manager", "Editor"
	TwoFactor  bool
	LastSignIn string // UK time, or "" when unknown
	You        bool   // the signed-in manager
}

// invitationRow is one pending invitation.
type invitationRow struct {
	ID      int64
	Email   string
	Role    string
	Status  string // "Expires 3 March 2026 at 9:30am", "Expired"
	Expired bool
	By      string
}

// memberForm is the "users-edit" page (role) and "users-remove" (confirm).
type memberForm struct {
	ID      int64
	Email   string
	Role    string // manager|editor, as stored or as chosen
	WasRole string // the role when the page was opened
}

// Users of a tenant (managers only): the members with their roles, the
// pending invitations, inviting by email, changing a role and removing a
// member.

const msgUserStale = "Someone else changed this person's role while you were looking at it. Nothing has been changed: reload the page and try again."

// userRoleName is how a role reads in a table.
func userRoleName(r models.Role) string {
	if r == models.RoleManager {
		return "Manager"
	}
	return "Editor"
}

// usersView builds the users page with the invitation form as typed.
func usersView(c *fiber.Ctx, d Deps, email, role string, errs []themes.FieldError) (usersPage, error) {
	store := tenantStore(c)
	members, err := store.Members()
	if err != nil {
		return usersPage{}, err
	}
	invs, err := store.Invitations()
	if err != nil {
		return usersPage{}, err
	}
	view := usersPage{Admin: baseView(c, d, "Users")}
	view.Errors = errs
	me := AccountFromCtx(c).User.ID
	u := &memberList{InviteEmail: email, InviteRole: role}
	for _, m := range members {
		row := memberRow{ID: m.UserID, Email: m.Email, Name: m.Name, Role: userRoleName(m.Role), TwoFactor: m.TwoFactor, You: m.UserID == me}
		if m.LastSignIn != nil {
			row.LastSignIn = hours.FormatInstant(*m.LastSignIn)
		}
		u.Members = append(u.Members, row)
	}
	now := d.now()
	for _, i := range invs {
		row := invitationRow{ID: i.ID, Email: i.Email, Role: userRoleName(i.Role), By: i.InvitedByEmail,
			Status: "Link works until " + hours.FormatInstant(i.ExpiresAt)}
		if i.Expired(now) {
			row.Status, row.Expired = "Expired: send it again", true
		}
		u.Invitations = append(u.Invitations, row)
	}
	view.Users = u
	return view, nil
}

func listUsers(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		view, err := usersView(c, d, "", "", nil)
		if err != nil {
			return err
		}
		switch c.Query("done") {
		case "invited":
			view.Notice = "Your invitation has been sent. The link in it works for 7 days."
		case "resent":
			view.Notice = "The invitation has been sent again with a new link. The old link no longer works."
		case "not-sent":
			view.Notice = "The invitation has been saved but the email could not be sent. Try sending it again later."
		case "cancelled":
			view.Notice = "The invitation has been cancelled. Its link no longer works."
		case "role":
			view.Notice = "The role has been changed."
		case "removed":
			view.Notice = "The person has been removed from this website and signed out of it."
		}
		return render(c, d, fiber.StatusOK, "users", view)
	}
}

// sendInvitation emails the invitation link and returns it; the error is
// for the log.
func sendInvitation(c *fiber.Ctx, d Deps, inv models.Invitation, token string) (string, error) {
	if d.Mailer == nil {
		return "", errors.New("no mailer")
	}
	t := tenants.FromCtx(c)
	panel, err := panelURL(d, t)
	if err != nil {
		return "", err
	}
	link := panel + "/invitation/" + token
	role := "an editor: you will be able to change the website's content"
	if inv.Role == models.RoleManager {
		role = "a manager: you will be able to change the website's content, settings and users"
	}
	body := inv.InvitedByEmail + " has invited you to help run the " + t.Name + " website as " + role + ".\n\n" +
		"To accept, open this link within 7 days:\n\n" + link + "\n\n" +
		"The link works once. If you were not expecting this, ignore this email.\n"
	return link, d.Mailer.Send(c.UserContext(), inv.Email, "You've been invited to the "+t.Name+" website admin", body)
}

// invitationSent redirects to the users page with the notice done, or,
// when no mail server is set up, shows that page at once with the link
// that went only to the server's log, for the manager to pass on.
func invitationSent(c *fiber.Ctx, d Deps, done, email, link string) error {
	if done == "not-sent" || auth.Delivers(d.Mailer) {
		return redirect.To(c, tenants.AdminPath+"/users?done="+done, fiber.StatusSeeOther)
	}
	view, err := usersView(c, d, "", "", nil)
	if err != nil {
		return err
	}
	view.Notice = "No email was sent to " + email + " because no mail server is set up: the invitation went to the server's log. Copy the link below and give it to them yourself. It works once, for 7 days."
	view.Users.InvitationLink = link
	return render(c, d, fiber.StatusOK, "users", view)
}

func inviteUser(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := AccountFromCtx(c)
		email, role := models.NormalizeEmail(c.FormValue("email")), c.FormValue("role")
		var errs []themes.FieldError
		if email == "" {
			errs = append(errs, themes.FieldError{Field: "email", Message: "Enter the email address of the person to invite"})
		}
		if !models.ValidRole(models.Role(role)) {
			errs = append(errs, themes.FieldError{Field: "role", Message: "Choose whether they will be a manager or an editor"})
		}
		token := auth.NewToken()
		var inv models.Invitation
		var err error
		if errs == nil {
			inv, err = tenantStore(c).Invite(email, models.Role(role), a.User, auth.HashToken(token), d.now())
			var ve *models.ValidationError
			if errors.As(err, &ve) {
				field := ve.Field
				if field != "role" {
					field = "email"
				}
				errs = append(errs, themes.FieldError{Field: field, Message: sentence(ve.Message)})
			} else if err != nil {
				return err
			}
		}
		if errs != nil {
			view, err := usersView(c, d, email, role, errs)
			if err != nil {
				return err
			}
			return render(c, d, fiber.StatusUnprocessableEntity, "users", view)
		}
		audit(c, d, a.User, models.AuditUserInvite, inv.Email+" ("+role+")")
		done := "invited"
		link, err := sendInvitation(c, d, inv, token)
		if err != nil {
			d.Logger.ErrorContext(c.UserContext(), "send invitation", "tenant_id", tenantID(c), "error", err)
			done = "not-sent"
		}
		return invitationSent(c, d, done, inv.Email, link)
	}
}

func resendInvitation(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		token := auth.NewToken()
		inv, err := tenantStore(c).ResendInvitation(actor(c), id, auth.HashToken(token), d.now())
		if err != nil {
			return err
		}
		done := "resent"
		link, err := sendInvitation(c, d, inv, token)
		if err != nil {
			d.Logger.ErrorContext(c.UserContext(), "send invitation", "tenant_id", tenantID(c), "error", err)
			done = "not-sent"
		}
		return invitationSent(c, d, done, inv.Email, link)
	}
}

func cancelInvitation(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		if err := tenantStore(c).CancelInvitation(actor(c), id); err != nil {
			return err
		}
		return redirect.To(c, tenants.AdminPath+"/users?done=cancelled", fiber.StatusSeeOther)
	}
}

// memberView builds the role form or the removal confirmation.
func memberView(c *fiber.Ctx, d Deps, title string, m models.Member, role, was string, errs []themes.FieldError) memberPage {
	view := memberPage{Admin: baseView(c, d, title)}
	view.Errors = errs
	view.Member = &memberForm{ID: m.UserID, Email: m.Email, Role: role, WasRole: was}
	return view
}

func editMember(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		m, err := tenantStore(c).Member(id)
		if err != nil {
			return err
		}
		return render(c, d, fiber.StatusOK, "users-edit", memberView(c, d, "Change role", m, string(m.Role), string(m.Role), nil))
	}
}

func saveMemberRole(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		store := tenantStore(c)
		m, err := store.Member(id) // another tenant's user: 404, nothing written
		if err != nil {
			return err
		}
		role, was := c.FormValue("role"), c.FormValue("was")
		if !models.ValidRole(models.Role(role)) {
			return render(c, d, fiber.StatusUnprocessableEntity, "users-edit", memberView(c, d, "Change role", m, role, was,
				[]themes.FieldError{{Field: "role", Message: "Choose manager or editor"}}))
		}
		err = store.ChangeRole(actor(c), id, models.Role(was), models.Role(role))
		var ve *models.ValidationError
		switch {
		case errors.Is(err, models.ErrStale):
			return render(c, d, fiber.StatusConflict, "users-edit", memberView(c, d, "Change role", m, role, was,
				[]themes.FieldError{{Message: msgUserStale}}))
		case errors.As(err, &ve):
			return render(c, d, fiber.StatusUnprocessableEntity, "users-edit", memberView(c, d, "Change role", m, role, was,
				[]themes.FieldError{{Field: "role", Message: sentence(ve.Message)}}))
		case err != nil:
			return err
		}
		return redirect.To(c, tenants.AdminPath+"/users?done=role", fiber.StatusSeeOther)
	}
}

func confirmRemoveMember(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		m, err := tenantStore(c).Member(id)
		if err != nil {
			return err
		}
		return render(c, d, fiber.StatusOK, "users-remove", memberView(c, d, "Remove "+m.Email, m, string(m.Role), string(m.Role), nil))
	}
}

// removeMember ends the membership and every session of the person on this
// tenant (their sessions on other tenants go on).
func removeMember(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		a := AccountFromCtx(c)
		store := tenantStore(c)
		m, err := store.Member(id)
		if err != nil {
			return err
		}
		err = store.RemoveMember(a.Actor(), id)
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			return render(c, d, fiber.StatusUnprocessableEntity, "users-remove", memberView(c, d, "Remove "+m.Email, m, string(m.Role), string(m.Role),
				[]themes.FieldError{{Message: sentence(ve.Message)}}))
		}
		if err != nil {
			return err
		}
		if err := d.Sessions.DeleteUserOnTenant(c.UserContext(), id, tenantID(c)); err != nil {
			// The membership is gone, so those sessions no longer open anything.
			d.Logger.WarnContext(c.UserContext(), "end sessions of removed member", "tenant_id", tenantID(c), "user_id", id, "error", err)
		}
		return redirect.To(c, tenants.AdminPath+"/users?done=removed", fiber.StatusSeeOther)
	}
}
