package api

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
)

type inviteJSON struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

type invitationJSON struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	ExpiresAt time.Time `json:"expires_at"`
	Emailed   bool      `json:"emailed"`
}

// inviteUser invites someone to run a tenant's site as a manager or an
// editor: the invitation link goes to them by email and nowhere else (not
// in the response).
func inviteUser(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in inviteJSON
		if err := decode(c, &in); err != nil {
			return err
		}
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		tok := tokenOf(c)
		by := models.User{Email: "the platform operators (API token " + tok.Name + ")"}
		token := auth.NewToken()
		inv, err := d.DB.ForTenant(c.UserContext(), t.ID).Invite(in.Email, models.Role(strings.TrimSpace(in.Role)), by, auth.HashToken(token), d.now())
		if err != nil {
			return err
		}
		auditLog(c, d, "user.invite", t, inv.Email+" ("+string(inv.Role)+")", "")
		emailed := true
		if err := sendInvitation(c.UserContext(), d, t, inv, token); err != nil {
			emailed = false
			d.Logger.ErrorContext(c.UserContext(), "api: invitation email not sent", "tenant", t.Slug, "invitation_id", inv.ID, "error", err)
		}
		return c.Status(fiber.StatusCreated).JSON(invitationJSON{ID: inv.ID, Email: inv.Email, Role: string(inv.Role),
			ExpiresAt: inv.ExpiresAt.UTC(), Emailed: emailed})
	}
}

// sendInvitation emails the link, which opens on the tenant's own site.
func sendInvitation(ctx context.Context, d Deps, t models.Tenant, inv models.Invitation, token string) error {
	if d.Mailer == nil {
		return errNoMailer
	}
	link := strings.TrimSuffix(siteURL(d, t), "/") + tenants.AdminPath + "/invitation/" + token
	role := "an editor: you will be able to change the website's content"
	if inv.Role == models.RoleManager {
		role = "a manager: you will be able to change the website's content, settings and users"
	}
	body := "The platform operators have invited you to help run the " + t.Name + " website as " + role + ".\n\n" +
		"To accept, open this link within 7 days:\n\n" + link + "\n\n" +
		"The link works once. If you were not expecting this, ignore this email.\n"
	return d.Mailer.Send(context.WithoutCancel(ctx), inv.Email, "You've been invited to the "+t.Name+" website admin", body)
}

var errNoMailer = errors.New("api: no mailer configured")

type pageInJSON struct {
	Title   string `json:"title"`
	BodyMD  string `json:"body_md"`
	Publish bool   `json:"publish"`
}

type pageJSON struct {
	Path      string `json:"path"`
	Title     string `json:"title"`
	Published bool   `json:"published"`
	URL       string `json:"url"`
}

// putPage creates or updates the page at ?path=, publishing it when asked
// (models.PutPage: the tenant's caches are invalidated on every replica).
func putPage(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in pageInJSON
		if err := decode(c, &in); err != nil {
			return err
		}
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		path := c.Query("path")
		pg, err := d.DB.ForTenant(c.UserContext(), t.ID).PutPage(models.PageInput{
			Path: path, Title: in.Title, BodyMD: in.BodyMD, Draft: !in.Publish, By: models.Actor{Name: "api: " + tokenOf(c).Name}})
		if err != nil {
			return fieldRenamed(err, map[string]string{"body": "body_md"})
		}
		action := "page.save_draft"
		if in.Publish {
			action = "page.publish"
		}
		auditLog(c, d, action, t, pg.Path, "")
		return c.JSON(pageJSON{Path: pg.Path, Title: pg.Title, Published: in.Publish,
			URL: strings.TrimSuffix(siteURL(d, t), "/") + pg.Path})
	}
}

// fieldRenamed maps a validation error's field to the API's name for it.
func fieldRenamed(err error, names map[string]string) error {
	var ve *models.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	ae := classify(err)
	if n, ok := names[ae.field]; ok {
		ae.field = n
	}
	return ae
}
