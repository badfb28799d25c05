package console

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/signin"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// Shared content (issue 11 §2): notices and pages written once and shared
// with a group of tenants, by operators and by group editors, console
// accounts limited to a group who may use these pages only. The models
// check who may reach which tenants; these handlers parse and render.

// inviteTTL is how long a group editor's invitation link works.
const inviteTTL = 7 * 24 * time.Hour

// mayUseConsole reports whether u may sign in to the console: an operator,
// or a group editor.
func mayUseConsole(c *fiber.Ctx, d Deps, u models.User) (bool, error) {
	if u.IsOperator {
		return true, nil
	}
	_, err := d.DB.GroupEditorByUserID(c.UserContext(), u.ID)
	if errors.Is(err, models.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// editor is the signed-in user as an editor of shared content.
func editor(c *fiber.Ctx, d Deps) (models.SharedEditor, error) {
	a := signin.FromCtx(c)
	if a == nil {
		return models.SharedEditor{}, fiber.ErrUnauthorized
	}
	return d.DB.SharedEditorFor(c.UserContext(), a.User)
}

// sharedRow is an item of the list.
type sharedRow struct {
	ID                        int64
	Kind, Title, Path, Owner  string
	Audience, Updated         string
	Inherit, Hidden, Replaced int
}

// sharedItemView is the page of one item: what it is and what each tenant
// of its audience shows.
type sharedItemView struct {
	ID                             int64
	Kind, Title, Path, Owner, Body string
	Audience, Updated, UpdatedBy   string
	Reach                          []reachRow
}

// reachRow is a tenant of an item's audience.
type reachRow struct {
	Slug, Name, State string
}

// groupEditorRow is a group editor of the list.
type groupEditorRow struct {
	UserID                int64
	Email, Group, Invited string
	Pending, Expired      bool
}

// stateWords say what a tenant shows.
var stateWords = map[models.SharedState]string{
	models.SharedInherits: "Shows it", models.SharedHidden: "Hidden", models.SharedReplaced: "Replaced with its own version",
}

// audienceWords says who an item reaches.
func audienceWords(a models.AudienceKind, value string, n int) string {
	switch a {
	case models.AudienceAll:
		return "All PCNs"
	case models.AudienceICB:
		return "PCNs in " + value
	case models.AudienceSubICB:
		return "PCNs in sub-ICB location " + value
	}
	return fmt.Sprintf("%d chosen PCNs", n)
}

func listShared(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		e, err := editor(c, d)
		if err != nil {
			return err
		}
		items, err := d.DB.SharedItems(c.UserContext(), e)
		if err != nil {
			return err
		}
		v, cv := baseView(c, "Shared content", "shared")
		if e.Group != nil {
			cv.GroupLabel = e.Group.Label
		}
		for _, s := range items {
			cv.Shared = append(cv.Shared, sharedRow{ID: s.ID, Kind: string(s.Kind), Title: s.Title, Path: s.Path, Owner: s.Owner,
				Audience: audienceWords(s.Audience, s.AudienceValue, len(s.TenantIDs)), Updated: s.UpdatedAt.In(london).Format("2 January 2006"),
				Inherit: s.Inherit, Hidden: s.Hidden, Replaced: s.Replaced})
		}
		return render(c, d, fiber.StatusOK, "console-shared", v)
	}
}

// sharedForm is the form of a new or edited item, with e's choices of
// audience.
func sharedForm(c *fiber.Ctx, d Deps, e models.SharedEditor, action string) (consoleForm, error) {
	choices, err := d.DB.SharedAudienceChoices(c.UserContext(), e)
	if err != nil {
		return consoleForm{}, err
	}
	audiences := []consoleOption{{Value: "all", Label: "All PCNs"}, {Value: "icb", Label: "The PCNs of one ICB"},
		{Value: "sub_icb", Label: "The PCNs of one sub-ICB location"}, {Value: "list", Label: "The PCNs I choose below"}}
	owner := ""
	if e.Group != nil {
		audiences = audiences[1:]
		owner = e.Group.Label
	}
	icbs := []consoleOption{{Value: "", Label: "Choose an ICB"}}
	for _, n := range choices.ICBs {
		icbs = append(icbs, consoleOption{Value: n, Label: n})
	}
	subs := []consoleOption{{Value: "", Label: "Choose a sub-ICB location"}}
	for _, s := range choices.SubICBs {
		subs = append(subs, consoleOption{Value: s.Code, Label: s.Name})
	}
	var tenants []consoleOption
	for _, t := range choices.Tenants {
		tenants = append(tenants, consoleOption{Value: strconv.FormatInt(t.ID, 10), Label: t.Name + " (" + t.Slug + ")"})
	}
	return consoleForm{Action: action, Button: "Save and share", Back: "/shared", BackText: "Back to shared content",
		Intro: "Each PCN in the audience shows it at once, until the PCN hides it or replaces it with its own version.",
		Fields: []consoleField{
			{Name: "kind", Label: "What is it?", Kind: "select", Value: "notice", Options: []consoleOption{
				{Value: "notice", Label: "A notice at the top of every page"}, {Value: "page", Label: "A page"}}},
			{Name: "title", Label: "Title"},
			{Name: "path", Label: "Page address", Hint: "Pages only: the address on each PCN's site, like /flu-jabs", Width: 20},
			{Name: "body", Label: "Text", Hint: "A notice: plain text, 600 characters at most. A page: Markdown (## for a heading, - for a list). Link to images and files by their full https address: /media/ addresses work on one PCN's site only.", Kind: "textarea"},
			{Name: "owner", Label: "Who it is from", Hint: "Patients see \"from\" and this, like: from NHS South Yorkshire ICB", Value: owner},
			{Name: "audience", Label: "Share with", Kind: "select", Value: audiences[0].Value, Options: audiences},
			{Name: "icb", Label: "ICB", Hint: "When sharing with one ICB", Kind: "select", Options: icbs},
			{Name: "sub_icb", Label: "Sub-ICB location", Hint: "When sharing with one sub-ICB location", Kind: "select", Options: subs},
			{Name: "tenants", Label: "PCNs", Hint: "When sharing with the PCNs you choose", Kind: "checkboxes", Options: tenants},
			whyField(),
		}}, nil
}

// fill sets the form's fields from an item.
func fill(f *consoleForm, s models.SharedItem) {
	for i := range f.Fields {
		fl := &f.Fields[i]
		switch fl.Name {
		case "kind":
			fl.Value = string(s.Kind)
		case "title":
			fl.Value = s.Title
		case "path":
			fl.Value = s.Path
		case "body":
			fl.Value = s.BodyMD
		case "owner":
			fl.Value = s.Owner
		case "audience":
			fl.Value = string(s.Audience)
		case "icb":
			if s.Audience == models.AudienceICB {
				fl.Value = s.AudienceValue
			}
		case "sub_icb":
			if s.Audience == models.AudienceSubICB {
				fl.Value = s.AudienceValue
			}
		case "tenants":
			for j := range fl.Options {
				id, _ := strconv.ParseInt(fl.Options[j].Value, 10, 64)
				for _, t := range s.TenantIDs {
					fl.Options[j].Checked = fl.Options[j].Checked || t == id
				}
			}
		}
	}
}

// sharedInput reads the typed form.
func sharedInput(f *consoleForm) models.SharedItemInput {
	in := models.SharedItemInput{Kind: models.SharedKind(value(f, "kind")), Title: value(f, "title"), Path: value(f, "path"),
		Body: value(f, "body"), Owner: value(f, "owner"), Audience: models.Audience{Kind: models.AudienceKind(value(f, "audience"))}}
	switch in.Audience.Kind {
	case models.AudienceICB:
		in.Audience.Value = value(f, "icb")
	case models.AudienceSubICB:
		in.Audience.Value = value(f, "sub_icb")
	case models.AudienceList:
		for _, fl := range f.Fields {
			if fl.Name != "tenants" {
				continue
			}
			for _, o := range fl.Options {
				if id, err := strconv.ParseInt(o.Value, 10, 64); o.Checked && err == nil {
					in.Audience.TenantIDs = append(in.Audience.TenantIDs, id)
				}
			}
		}
	}
	return in
}

func showNewShared(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		e, err := editor(c, d)
		if err != nil {
			return err
		}
		f, err := sharedForm(c, d, e, "/shared/new")
		if err != nil {
			return err
		}
		return formPage(c, d, fiber.StatusOK, "Share a notice or a page", "shared", f, nil)
	}
}

func createShared(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		e, err := editor(c, d)
		if err != nil {
			return err
		}
		f, err := sharedForm(c, d, e, "/shared/new")
		if err != nil {
			return err
		}
		return submit(c, d, "Share a notice or a page", "shared", &f, func(why string) (string, error) {
			s, err := d.DB.SaveSharedItem(c.UserContext(), e, 0, sharedInput(&f), why)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("/shared/%d", s.ID), nil
		})
	}
}

// sharedID is the item of the route.
func sharedID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, models.ErrNotFound
	}
	return id, nil
}

func showShared(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		e, err := editor(c, d)
		if err != nil {
			return err
		}
		id, err := sharedID(c)
		if err != nil {
			return err
		}
		s, err := d.DB.SharedItemByID(c.UserContext(), e, id)
		if err != nil {
			return err
		}
		reach, err := d.DB.SharedItemReach(c.UserContext(), s)
		if err != nil {
			return err
		}
		v, cv := baseView(c, s.Title, "shared")
		iv := &sharedItemView{ID: s.ID, Kind: string(s.Kind), Title: s.Title, Path: s.Path, Owner: s.Owner, Body: s.BodyMD,
			Audience: audienceWords(s.Audience, s.AudienceValue, len(s.TenantIDs)), Updated: s.UpdatedAt.In(london).Format("2 January 2006 at 3:04pm"), UpdatedBy: s.UpdatedBy}
		for _, r := range reach {
			iv.Reach = append(iv.Reach, reachRow{Slug: r.Slug, Name: r.Name, State: stateWords[r.State]})
		}
		cv.SharedItem = iv
		return render(c, d, fiber.StatusOK, "console-shared-item", v)
	}
}

// editAction is the edit form's URL, carrying the version it started from.
func editAction(s models.SharedItem) string {
	return fmt.Sprintf("/shared/%d/edit?version=%d", s.ID, s.Version)
}

func showEditShared(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		e, err := editor(c, d)
		if err != nil {
			return err
		}
		id, err := sharedID(c)
		if err != nil {
			return err
		}
		s, err := d.DB.SharedItemByID(c.UserContext(), e, id)
		if err != nil {
			return err
		}
		f, err := sharedForm(c, d, e, editAction(s))
		if err != nil {
			return err
		}
		fill(&f, s)
		f.Back, f.BackText = fmt.Sprintf("/shared/%d", s.ID), "Back to "+s.Title
		return formPage(c, d, fiber.StatusOK, "Change "+s.Title, "shared", f, nil)
	}
}

func updateShared(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		e, err := editor(c, d)
		if err != nil {
			return err
		}
		id, err := sharedID(c)
		if err != nil {
			return err
		}
		s, err := d.DB.SharedItemByID(c.UserContext(), e, id)
		if err != nil {
			return err
		}
		version, _ := strconv.ParseInt(c.Query("version"), 10, 64)
		f, err := sharedForm(c, d, e, fmt.Sprintf("/shared/%d/edit?version=%d", s.ID, version))
		if err != nil {
			return err
		}
		return submit(c, d, "Change "+s.Title, "shared", &f, func(why string) (string, error) {
			in := sharedInput(&f)
			in.Version = version
			if _, err := d.DB.SaveSharedItem(c.UserContext(), e, id, in, why); err != nil {
				return "", err
			}
			return fmt.Sprintf("/shared/%d", id), nil
		})
	}
}

// deleteForm asks for the reason of a deletion.
func deleteForm(s models.SharedItem) consoleForm {
	return consoleForm{Action: fmt.Sprintf("/shared/%d/delete", s.ID), Button: "Delete it from every PCN", Warning: true,
		Back: fmt.Sprintf("/shared/%d", s.ID), BackText: "Back to " + s.Title,
		Intro:  "Every PCN that shows it stops showing it, and so do those that replaced a notice with their own words. PCNs that replaced a page keep their own page.",
		Fields: []consoleField{whyField()}}
}

func showDeleteShared(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		e, err := editor(c, d)
		if err != nil {
			return err
		}
		id, err := sharedID(c)
		if err != nil {
			return err
		}
		s, err := d.DB.SharedItemByID(c.UserContext(), e, id)
		if err != nil {
			return err
		}
		return formPage(c, d, fiber.StatusOK, "Delete "+s.Title, "shared", deleteForm(s), nil)
	}
}

func deleteShared(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		e, err := editor(c, d)
		if err != nil {
			return err
		}
		id, err := sharedID(c)
		if err != nil {
			return err
		}
		s, err := d.DB.SharedItemByID(c.UserContext(), e, id)
		if err != nil {
			return err
		}
		f := deleteForm(s)
		return submit(c, d, "Delete "+s.Title, "shared", &f, func(why string) (string, error) {
			return "/shared", d.DB.DeleteSharedItem(c.UserContext(), e, id, why)
		})
	}
}

// -- group editors (operators only)

func listGroupEditors(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		gs, err := d.DB.GroupEditors(c.UserContext())
		if err != nil {
			return err
		}
		v, cv := baseView(c, "Group editors", "shared")
		for _, g := range gs {
			cv.GroupEditors = append(cv.GroupEditors, groupEditorRow{UserID: g.UserID, Email: g.Email, Group: g.Label + " (" + audienceWords(g.Audience, g.AudienceValue, len(g.TenantIDs)) + ")",
				Invited: g.CreatedAt.In(london).Format("2 January 2006"), Pending: g.InviteTokenHash != "",
				Expired: g.InviteTokenHash != "" && g.InviteExpiresAt != nil && !g.InviteExpiresAt.After(d.now())})
		}
		return render(c, d, fiber.StatusOK, "console-group-editors", v)
	}
}

// groupEditorForm is the invitation form: the operator's full choice of
// groups (any ICB, sub-ICB or list).
func groupEditorForm(c *fiber.Ctx, d Deps) (consoleForm, error) {
	e, err := editor(c, d)
	if err != nil {
		return consoleForm{}, err
	}
	f, err := sharedForm(c, d, e, "/group-editors/new")
	if err != nil {
		return consoleForm{}, err
	}
	out := consoleForm{Action: "/group-editors/new", Button: "Invite", Back: "/group-editors", BackText: "Back to group editors",
		Intro: "A group editor writes notices and pages for the PCNs of one group and can do nothing else in the console. You get a link to send them: it works for 7 days."}
	out.Fields = append(out.Fields, consoleField{Name: "email", Label: "Email address", Kind: "email"},
		consoleField{Name: "label", Label: "Name of the group", Hint: "Shown to patients on what they share, like NHS South Yorkshire ICB"})
	for _, fl := range f.Fields {
		switch fl.Name {
		case "audience":
			fl.Label, fl.Options, fl.Value = "Group", fl.Options[1:], "icb"
			out.Fields = append(out.Fields, fl)
		case "icb", "sub_icb", "tenants", "why":
			out.Fields = append(out.Fields, fl)
		}
	}
	return out, nil
}

func showInviteGroupEditor(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		f, err := groupEditorForm(c, d)
		if err != nil {
			return err
		}
		return formPage(c, d, fiber.StatusOK, "Invite a group editor", "shared", f, nil)
	}
}

func inviteGroupEditor(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		f, err := groupEditorForm(c, d)
		if err != nil {
			return err
		}
		by := signin.FromCtx(c).User
		return submit(c, d, "Invite a group editor", "shared", &f, func(why string) (string, error) {
			group := sharedInput(&f).Audience
			group.Kind = models.AudienceKind(value(&f, "audience"))
			token := auth.NewToken()
			placeholder, err := auth.HashPassword(auth.NewToken())
			if err != nil {
				return "", err
			}
			g, err := d.DB.InviteGroupEditor(c.UserContext(), by, models.GroupEditorInput{Email: value(&f, "email"), Label: value(&f, "label"), Group: group, PasswordHash: placeholder},
				auth.HashToken(token), d.now().Add(inviteTTL), why)
			if err != nil {
				return "", err
			}
			v, cv := baseView(c, "Send the invitation", "shared")
			cv.InviteLink = c.Protocol() + "://" + strings.Clone(c.Hostname()) + "/join/" + token
			cv.InviteEmail = g.Email
			return "", render(c, d, fiber.StatusOK, "console-invite-created", v)
		})
	}
}

// groupEditorOf is the group editor named by the path's :id.
func groupEditorOf(c *fiber.Ctx, d Deps) (models.GroupEditor, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return models.GroupEditor{}, fiber.ErrNotFound
	}
	return d.DB.GroupEditorByUserID(c.UserContext(), id)
}

// removeGroupEditorForm asks for the reason of a group editor's removal.
func removeGroupEditorForm(g models.GroupEditor) consoleForm {
	return consoleForm{Action: fmt.Sprintf("/group-editors/%d/remove", g.UserID), Button: "Remove " + g.Email, Warning: true,
		Back: "/group-editors", BackText: "Back to group editors",
		Intro: g.Email + " can no longer sign in to the console and is signed out now. What they shared stays, as " + g.Label +
			"'s: you can change or delete it. To let them back, invite them again.",
		Fields: []consoleField{whyField()}}
}

func showRemoveGroupEditor(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		g, err := groupEditorOf(c, d)
		if err != nil {
			return err
		}
		return formPage(c, d, fiber.StatusOK, "Remove "+g.Email, "shared", removeGroupEditorForm(g), nil)
	}
}

// removeGroupEditor takes the editor's access away and ends their
// sessions, the cached ones too.
func removeGroupEditor(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		g, err := groupEditorOf(c, d)
		if err != nil {
			return err
		}
		f := removeGroupEditorForm(g)
		by := signin.FromCtx(c).User
		return submit(c, d, "Remove "+g.Email, "shared", &f, func(why string) (string, error) {
			if err := d.DB.RemoveGroupEditor(c.UserContext(), by, g.UserID, why); err != nil {
				return "", err
			}
			if err := d.Sessions.DeleteUser(c.UserContext(), g.UserID); err != nil {
				return "", fmt.Errorf("console: end the sessions of removed group editor %d: %w", g.UserID, err)
			}
			return "/group-editors", nil
		})
	}
}

// newLinkForm asks for the reason of a new invitation link.
func newLinkForm(g models.GroupEditor) consoleForm {
	return consoleForm{Action: fmt.Sprintf("/group-editors/%d/new-link", g.UserID), Button: "Make a new link",
		Back: "/group-editors", BackText: "Back to group editors",
		Intro:  "The link you sent " + g.Email + " before stops working. You get a new one to send them: it works for 7 days.",
		Fields: []consoleField{whyField()}}
}

func showNewGroupEditorLink(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		g, err := groupEditorOf(c, d)
		if err != nil {
			return err
		}
		if g.InviteTokenHash == "" {
			return fiber.NewError(fiber.StatusConflict, g.Email+" has joined already: there is no invitation to make again")
		}
		return formPage(c, d, fiber.StatusOK, "Make a new link for "+g.Email, "shared", newLinkForm(g), nil)
	}
}

// newGroupEditorLink replaces a pending invitation's link and shows the
// new one once.
func newGroupEditorLink(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		g, err := groupEditorOf(c, d)
		if err != nil {
			return err
		}
		f := newLinkForm(g)
		by := signin.FromCtx(c).User
		return submit(c, d, "Make a new link for "+g.Email, "shared", &f, func(why string) (string, error) {
			token := auth.NewToken()
			g, err := d.DB.RenewGroupEditorInvitation(c.UserContext(), by, g.UserID, auth.HashToken(token), d.now().Add(inviteTTL), why)
			if err != nil {
				return "", err
			}
			v, cv := baseView(c, "Send the new link", "shared")
			cv.InviteLink = c.Protocol() + "://" + strings.Clone(c.Hostname()) + "/join/" + token
			cv.InviteEmail = g.Email
			cv.InviteRenewed = true
			return "", render(c, d, fiber.StatusOK, "console-invite-created", v)
		})
	}
}

// joinForm sets a group editor's password.
func joinForm(token, email string) consoleForm {
	return consoleForm{Action: "/join/" + token, Button: "Set my password",
		Intro:  "You have been invited to write shared content for a group of PCNs as " + email + ". Choose a password; you set up two-factor authentication when you first sign in.",
		Fields: []consoleField{{Name: "password", Label: "Password", Hint: "At least 12 characters", Kind: "password"}}}
}

// joinView is the signed-out view of the join page.
func joinView(c *fiber.Ctx, d Deps, status int, f consoleForm, errs []themes.FieldError) error {
	for i := range errs {
		f.Fields[0].Error = errs[i].Message
	}
	v := d.signInLayer().Form(c, "Join as a group editor", "", errs)
	v.Console = &consoleView{Form: &f}
	return render(c, d, status, "console-form", v)
}

func showJoin(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		token := c.Params("token")
		g, err := d.DB.GroupEditorInvitation(c.UserContext(), auth.HashToken(token), d.now())
		if err != nil {
			return err
		}
		return joinView(c, d, fiber.StatusOK, joinForm(token, g.Email), nil)
	}
}

func join(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		token := strings.Clone(c.Params("token"))
		ctx := c.UserContext()
		g, err := d.DB.GroupEditorInvitation(ctx, auth.HashToken(token), d.now())
		if err != nil {
			return err
		}
		password := c.FormValue("password")
		if err := auth.CheckPassword(password, g.Email); err != nil {
			return joinView(c, d, fiber.StatusUnprocessableEntity, joinForm(token, g.Email), []themes.FieldError{{Field: "password", Message: sentence(err.Error())}})
		}
		h, err := auth.HashPassword(password)
		if err != nil {
			return err
		}
		if _, err := d.DB.AcceptGroupEditorInvitation(ctx, auth.HashToken(token), h, d.now()); err != nil {
			return err
		}
		return redirect.To(c, "/sign-in?joined", fiber.StatusSeeOther)
	}
}
