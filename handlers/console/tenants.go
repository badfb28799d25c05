package console

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/signin"
	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/internal/ods"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
)

// tenantRow is a row of the tenant list.
type tenantRow struct {
	Slug, Name, ODSCode, Status string
	State                       string // stateLabels' label: Not launched, Live, Suspended, Archived
	Domains                     []string
	LastPublish                 string // UK time, "" for never
	PageViews                   uint64
}

// tenantView is a tenant's page: details, domains, people and actions.
type tenantView struct {
	Slug, Name, ODSCode, Status, StatusReason, Theme string
	SiteURL                                          string
	Suspended, Archived, Closed                      bool
	// Launched is when the site was launched, "" while it shows its
	// holding page (launch.go).
	Launched string
	Domains  []domainRow
	People   []personRow
	// InvitationLink is the link of the manager's invitation just made when
	// no mail server is set up, for the operator to pass on; "" otherwise.
	InvitationLink string
}

// domainRow is one of a tenant's custom domains with its verification.
type domainRow struct {
	Host      string
	Primary   bool
	Verified  bool
	Checked   string // UK time of the last check, "" for never
	Token     string
	VerifyURL string // http://<host>/.well-known/pcnweb-verify
	Path      string // /tenants/<slug>/domains/<host>
}

// personRow is a member of a tenant.
type personRow struct {
	ID          int64
	Email, Role string
	TwoFactor   bool
}

// formGet shows an empty form.
func formGet(d Deps, title, section string, f func(c *fiber.Ctx) consoleForm) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return formPage(c, d, fiber.StatusOK, title, section, f(c), nil)
	}
}

func listTenants(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		ts, err := d.DB.ListTenants(ctx)
		if err != nil {
			return err
		}
		last, err := d.DB.LastPublished(ctx)
		if err != nil {
			return err
		}
		views := map[int64]uint64{}
		if d.Metrics != nil {
			for _, s := range d.Metrics.Tenants() {
				views[s.TenantID] = s.Requests
			}
		}
		q := strings.TrimSpace(c.Query("q"))
		lq := strings.ToLower(q)
		v, cv := baseView(c, "Tenants", "tenants")
		cv.Query = q
		cv.State, cv.States = stateFilter(c.Query("state"), ts)
		for _, t := range ts {
			if lq != "" && !strings.Contains(strings.ToLower(t.Name), lq) && !strings.Contains(t.Slug, lq) && !strings.Contains(strings.ToLower(t.ODSCode), lq) {
				continue
			}
			if cv.State != "" && tenantState(t) != cv.State {
				continue
			}
			row := tenantRow{Slug: t.Slug, Name: t.Name, ODSCode: t.ODSCode, Status: string(t.Status), State: stateLabel(tenantState(t)), PageViews: views[t.ID]}
			for _, dm := range t.Domains {
				row.Domains = append(row.Domains, dm.Host)
			}
			if at, ok := last[t.ID]; ok {
				row.LastPublish = hours.FormatInstant(at)
			}
			cv.Tenants = append(cv.Tenants, row)
		}
		return render(c, d, fiber.StatusOK, "console-tenants", v)
	}
}

func newTenantForm(d Deps) func(c *fiber.Ctx) consoleForm {
	return func(c *fiber.Ctx) consoleForm {
		var opts []consoleOption
		for _, th := range d.Themes.Themes() {
			opts = append(opts, consoleOption{Value: th, Label: th})
		}
		return consoleForm{Action: "/tenants/new", Button: "Create tenant", Back: "/tenants", BackText: "Back to tenants",
			Fields: []consoleField{
				{Name: "slug", Label: "Slug", Hint: "Lower-case letters, digits and hyphens: the site's address under the platform domain", Width: 20},
				{Name: "name", Label: "Name", Hint: "The PCN's name, for example Wandle Primary Care Network"},
				{Name: "ods_code", Label: "ODS code (optional)", Hint: "For example U12345", Width: 10},
				{Name: "theme", Label: "Theme", Kind: "select", Value: "default", Options: opts},
				whyField(),
			}}
	}
}

func createTenant(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		f := newTenantForm(d)(c)
		return submit(c, d, "Create a tenant", "tenants", &f, func(why string) (string, error) {
			theme := value(&f, "theme")
			if !d.Themes.HasTheme(theme) {
				return "", &models.ValidationError{Field: "theme", Message: "Choose a theme"}
			}
			t, err := d.DB.CreateTenant(c.UserContext(), models.NewTenant{Slug: value(&f, "slug"), Name: value(&f, "name"),
				ODSCode: strings.ToUpper(value(&f, "ods_code")), Theme: theme})
			if errors.Is(err, models.ErrConflict) {
				return "", &models.ValidationError{Field: "slug", Message: "A tenant with this slug already exists. Choose another slug"}
			}
			if err != nil {
				return "", err
			}
			audit(c, d, signin.FromCtx(c).User, "tenant.create", &t, t.Name, why)
			return "/tenants/" + t.Slug, nil
		})
	}
}

func odsForm(d Deps) func(c *fiber.Ctx) consoleForm {
	return func(c *fiber.Ctx) consoleForm {
		intro := "Creates the PCN's tenant with its address and member practices from the NHS ODS files."
		if d.ODSDir == "" {
			intro = "The ODS files are not configured on this server (PCNWEB_ODS_DIR), so a tenant cannot be created from ODS here."
		}
		return consoleForm{Action: "/tenants/new-from-ods", Button: "Create tenant", Back: "/tenants", BackText: "Back to tenants", Intro: intro,
			Fields: []consoleField{
				{Name: "ods_code", Label: "PCN ODS code", Hint: "For example U12345", Width: 10},
				whyField(),
			}}
	}
}

func createFromODS(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		f := odsForm(d)(c)
		return submit(c, d, "Create a tenant from ODS", "tenants", &f, func(why string) (string, error) {
			code := strings.ToUpper(value(&f, "ods_code"))
			if code == "" {
				return "", &models.ValidationError{Field: "ods_code", Message: "Enter the PCN's ODS code, for example U12345"}
			}
			if d.ODSDir == "" {
				return "", &models.ValidationError{Field: "ods_code", Message: "The ODS files are not configured on this server. Set PCNWEB_ODS_DIR, or create the tenant by hand"}
			}
			data, err := ods.Load(filepath.Join(d.ODSDir, "ePCN.xlsx"), filepath.Join(d.ODSDir, "epraccur.csv"))
			if err != nil {
				return "", fmt.Errorf("console: load ODS files: %w", err)
			}
			t, rep, err := d.DB.ImportODSPCN(c.UserContext(), data, code, d.now())
			if err != nil {
				return "", err
			}
			audit(c, d, signin.FromCtx(c).User, "tenant.create-from-ods", &t,
				fmt.Sprintf("%s (%s): %d practices", t.Name, code, rep.PracticesCreated), why)
			return "/tenants/" + t.Slug, nil
		})
	}
}

// tenantOf loads the tenant of the :slug parameter.
func tenantOf(c *fiber.Ctx, d Deps) (models.Tenant, error) {
	return d.DB.TenantBySlug(c.UserContext(), c.Params("slug"))
}

func showTenant(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		return renderTenant(c, d, t, notices[c.Query("done")], "")
	}
}

// renderTenant shows the tenant's page with notice and, when no mail server
// is set up, the invitation link that went only to the server's log.
func renderTenant(c *fiber.Ctx, d Deps, t models.Tenant, notice, invitationLink string) error {
	ctx := c.UserContext()
	checks, err := d.DB.DomainChecksForTenantID(ctx, t.ID)
	if err != nil {
		return err
	}
	members, err := d.DB.ForTenant(ctx, t.ID).Members()
	if err != nil {
		return err
	}
	view := &tenantView{Slug: t.Slug, Name: t.Name, ODSCode: t.ODSCode, Status: string(t.Status), StatusReason: t.StatusReason,
		Theme: t.Theme, Suspended: t.Status == models.StatusSuspended, Archived: t.Status == models.StatusArchived,
		Closed: t.Status == models.StatusClosed}
	if t.LaunchedAt != nil {
		view.Launched = hours.FormatInstant(*t.LaunchedAt)
	}
	if d.TenantURL != nil {
		view.SiteURL = d.TenantURL(t)
	}
	for _, ch := range checks {
		row := domainRow{Host: ch.Host, Primary: ch.IsPrimary, Verified: ch.Verified(), Token: ch.Token,
			VerifyURL: "http://" + ch.Host + VerifyPath, Path: "/tenants/" + t.Slug + "/domains/" + ch.Host}
		if ch.CheckedAt != nil {
			row.Checked = hours.FormatInstant(*ch.CheckedAt)
		}
		view.Domains = append(view.Domains, row)
	}
	for _, m := range members {
		view.People = append(view.People, personRow{ID: m.UserID, Email: m.Email, Role: string(m.Role), TwoFactor: m.TwoFactor})
	}
	view.InvitationLink = invitationLink
	v, cv := baseView(c, t.Name, "tenants")
	cv.Tenant = view
	v.Notice = notice
	return render(c, d, fiber.StatusOK, "console-tenant", v)
}

// notices are the messages shown after an action (?done=…).
var notices = map[string]string{
	"suspend":  "The tenant is suspended: its website shows a 503 page.",
	"resume":   "The tenant is active again.",
	"archive":  "The tenant is archived.",
	"rename":   "The slug is changed. The old address redirects to the new one.",
	"domain":   "The domain is attached.",
	"primary":  "The domain is now the primary one.",
	"detach":   "The domain is detached.",
	"verified": "The domain is verified.",
	"notyet":   "The token was not found. The domain is not yet verified.",
	"invite":   "The invitation has been sent.",
	"notsent":  "The invitation has been saved but the email could not be sent.",
	"reset":    "Two-factor authentication has been reset for that person.",
	"launch":   "The website is launched: patients see the full website.",
}

// statusAction is one of suspend, resume and archive.
type statusAction struct {
	path, title, button string
	status              models.TenantStatus
	reason, confirm     bool
}

var statusActions = []statusAction{
	{path: "suspend", title: "Suspend", button: "Suspend tenant", status: models.StatusSuspended, reason: true},
	{path: "resume", title: "Resume", button: "Resume tenant", status: models.StatusActive},
	{path: "archive", title: "Archive", button: "Archive tenant", status: models.StatusArchived, confirm: true},
}

func statusForm(t models.Tenant, a statusAction) consoleForm {
	f := consoleForm{Action: "/tenants/" + t.Slug + "/" + a.path, Button: a.button, Warning: a.status != models.StatusActive,
		Back: "/tenants/" + t.Slug, BackText: "Back to " + t.Name}
	switch a.status {
	case models.StatusSuspended:
		f.Intro = "While suspended the website shows a 503 page and its admin is closed."
		f.Fields = append(f.Fields, consoleField{Name: "reason", Label: "Reason for suspending", Hint: "Kept with the tenant and shown to operators", Kind: "textarea"})
	case models.StatusArchived:
		f.Intro = "An archived tenant's website and admin are closed. It can be restored later."
		f.Fields = append(f.Fields, consoleField{Name: "confirm", Label: "Yes, archive " + t.Name, Kind: "checkbox"})
	}
	return append1(f, whyField())
}

func append1(f consoleForm, fl consoleField) consoleForm {
	f.Fields = append(f.Fields, fl)
	return f
}

func showStatusForm(d Deps, a statusAction) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		return formPage(c, d, fiber.StatusOK, a.title+" "+t.Name, "tenants", statusForm(t, a), nil)
	}
}

func changeStatus(d Deps, a statusAction) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		f := statusForm(t, a)
		return submit(c, d, a.title+" "+t.Name, "tenants", &f, func(why string) (string, error) {
			reason := value(&f, "reason")
			switch {
			case a.reason && reason == "":
				return "", &models.ValidationError{Field: "reason", Message: "Enter the reason for suspending the tenant"}
			case a.confirm && !fieldChecked(&f, "confirm"):
				return "", &models.ValidationError{Field: "confirm", Message: "Tick the box to confirm you want to archive this tenant"}
			}
			if !a.reason {
				reason = why
			}
			nt, err := d.DB.SetTenantStatus(c.UserContext(), t.Slug, a.status, reason)
			if err != nil {
				return "", err
			}
			audit(c, d, signin.FromCtx(c).User, "tenant."+a.path, &nt, reason, why)
			return "/tenants/" + t.Slug + "?done=" + a.path, nil
		})
	}
}

func fieldChecked(f *consoleForm, name string) bool {
	for _, fl := range f.Fields {
		if fl.Name == name {
			return fl.Checked
		}
	}
	return false
}

func inviteForm(t models.Tenant) consoleForm {
	return consoleForm{Action: "/tenants/" + t.Slug + "/invite", Button: "Send invitation", Back: "/tenants/" + t.Slug, BackText: "Back to " + t.Name,
		Intro: "The person gets an email with a link to choose a password and become a manager of " + t.Name + "'s website.",
		Fields: []consoleField{
			{Name: "email", Label: "Email address", Kind: "email"},
			whyField(),
		}}
}

func showInvite(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		return formPage(c, d, fiber.StatusOK, "Invite a manager", "tenants", inviteForm(t), nil)
	}
}

func invite(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		f := inviteForm(t)
		return submit(c, d, "Invite a manager", "tenants", &f, func(why string) (string, error) {
			ctx := c.UserContext()
			o := signin.FromCtx(c)
			email := models.NormalizeEmail(value(&f, "email"))
			if email == "" {
				return "", &models.ValidationError{Field: "email", Message: "Enter the email address of the person to invite"}
			}
			token := auth.NewToken()
			inv, err := d.DB.ForTenant(ctx, t.ID).Invite(email, models.RoleManager, o.User, auth.HashToken(token), d.now())
			if err != nil {
				var ve *models.ValidationError
				if errors.As(err, &ve) {
					return "", &models.ValidationError{Field: "email", Message: ve.Message}
				}
				return "", err
			}
			audit(c, d, o.User, "user.invite-manager", &t, inv.Email, why)
			done := "invite"
			link, err := sendInvitation(c, d, t, inv, token)
			if err != nil {
				d.Logger.WarnContext(ctx, "send invitation", "tenant_id", t.ID, "error", err)
				done = "notsent"
			} else if !auth.Delivers(d.Mailer) {
				return "", renderTenant(c, d, t, "No email was sent to "+inv.Email+" because no mail server is set up: the invitation went to the server's log. Copy the link below and give it to them yourself. It works once, for 7 days.", link)
			}
			return "/tenants/" + t.Slug + "?done=" + done, nil
		})
	}
}

// sendInvitation emails the invitation link on the tenant's own host, as
// the admin panel does, and returns the link.
func sendInvitation(c *fiber.Ctx, d Deps, t models.Tenant, inv models.Invitation, token string) (string, error) {
	if d.Mailer == nil || d.TenantURL == nil {
		return "", errors.New("no mailer")
	}
	link := d.TenantURL(t) + tenants.AdminPath + "/invitation/" + token
	body := "The pcnweb platform team has invited you to run the " + t.Name + " website as a manager: you will be able to change the website's content, settings and users.\n\n" +
		"To accept, open this link within 7 days:\n\n" + link + "\n\n" +
		"The link works once. If you were not expecting this, ignore this email.\n"
	return link, d.Mailer.Send(c.UserContext(), inv.Email, "You've been invited to the "+t.Name+" website admin", body)
}

// memberOf loads the :id member of the tenant; a user of another tenant is
// a 404.
func memberOf(c *fiber.Ctx, d Deps, t models.Tenant) (models.Member, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return models.Member{}, models.ErrNotFound
	}
	return d.DB.ForTenant(c.UserContext(), t.ID).Member(id)
}

func reset2FAForm(t models.Tenant, m models.Member) consoleForm {
	return consoleForm{Action: fmt.Sprintf("/tenants/%s/users/%d/reset-2fa", t.Slug, m.UserID), Button: "Reset two-factor", Warning: true,
		Back: "/tenants/" + t.Slug, BackText: "Back to " + t.Name,
		Intro:  "This turns two-factor authentication off for " + m.Email + " and deletes their recovery codes. They can set it up again when they sign in.",
		Fields: []consoleField{whyField()}}
}

func showReset2FA(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		m, err := memberOf(c, d, t)
		if err != nil {
			return err
		}
		return formPage(c, d, fiber.StatusOK, "Reset two-factor authentication", "tenants", reset2FAForm(t, m), nil)
	}
}

func reset2FA(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		m, err := memberOf(c, d, t)
		if err != nil {
			return err
		}
		return submit(c, d, "Reset two-factor authentication", "tenants", ptr(reset2FAForm(t, m)), func(why string) (string, error) {
			if err := d.DB.DisableTOTP(c.UserContext(), m.UserID); err != nil {
				return "", err
			}
			audit(c, d, signin.FromCtx(c).User, "user.reset-two-factor", &t, m.Email, why)
			return "/tenants/" + t.Slug + "?done=reset", nil
		})
	}
}

func ptr[T any](v T) *T { return &v }
