package admin

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// settingsPage is the view of "settings".
type settingsPage struct {
	themes.Admin
	Settings *settingsForm
	// SiteName is the site's display name, as stored or as typed: its own
	// form on the page (saveSiteName).
	SiteName string
}

// settingsForm is the "settings" form, as stored or as typed. Dates are
// in UK form (27/3/2026).
type settingsForm struct {
	Version             int
	Description         string
	LogoURL             string
	Phone               string
	Email               string
	Address             string
	ClinicalDirector    string
	NHSIdentity         bool
	SocialFacebook      string
	SocialX             string
	SocialInstagram     string
	SocialYoutube       string
	DataController      string
	DPOContact          string
	AccessibilityStatus string
	AccessibilityIssues string
	StatementPrepared   string
	StatementReviewed   string
	PatientGroup        string
	PatientGroupJoin    string
}

// Site settings (managers only): contact details, the clinical director,
// NHS identity, social links, the data controller and DPO, and the
// accessibility statement's facts. Saved with the version the form was
// opened at; a stale save is refused with 409 and the typed values kept.

const msgSettingsStale = "Someone else changed the settings while you were editing them. Your changes have not been saved: copy anything you need, then reload the page."

// settingsFields are the form's inputs that a model message can point at.
var settingsFields = map[string]bool{
	"description": true, "logo_url": true, "phone": true, "email": true, "address": true, "clinical_director": true,
	"social_facebook": true, "social_x": true, "social_instagram": true, "social_youtube": true, "data_controller": true,
	"dpo_contact": true, "accessibility_status": true, "accessibility_issues": true, "statement_prepared": true,
	"statement_reviewed": true, "patient_group": true, "patient_group_join": true,
}

// settingsDate shows a stored date in the form's date input, 2026-03-27
// (shown as 27/3/2026 in the UK).
func settingsDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// settingsParseDate reads a date typed in UK form (or ISO, from a date
// picker) as a UTC midnight; nil when empty.
func settingsParseDate(field, s string) (*time.Time, *themes.FieldError) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{"2/1/2006", "02/01/2006", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return &t, nil
		}
	}
	return nil, &themes.FieldError{Field: field, Message: "Enter a real date, like 27/3/2026"}
}

func settingsFormOf(s models.SiteSettings) *settingsForm {
	return &settingsForm{
		Version: s.Version, Description: s.Description, LogoURL: s.LogoURL, Phone: s.Phone, Email: s.Email, Address: s.Address,
		ClinicalDirector: s.ClinicalDirector, NHSIdentity: s.NHSIdentity, SocialFacebook: s.SocialFacebook, SocialX: s.SocialX,
		SocialInstagram: s.SocialInstagram, SocialYoutube: s.SocialYoutube, DataController: s.DataController, DPOContact: s.DPOContact,
		AccessibilityStatus: s.AccessibilityStatus, AccessibilityIssues: s.AccessibilityIssues,
		StatementPrepared: settingsDate(s.StatementPrepared), StatementReviewed: settingsDate(s.StatementReviewed),
		PatientGroup: s.PatientGroup, PatientGroupJoin: s.PatientGroupJoin,
	}
}

func settingsView(c *fiber.Ctx, d Deps, f *settingsForm, errs []themes.FieldError) settingsPage {
	view := settingsPage{Admin: baseView(c, d, "Site settings")}
	view.Errors = errs
	view.Settings = f
	return view
}

func editSettings(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		s, err := tenantStore(c).Settings()
		if err != nil {
			return err
		}
		view := settingsView(c, d, settingsFormOf(s), nil)
		if view.SiteName, err = tenantStore(c).SiteName(); err != nil {
			return err
		}
		switch c.Query("done") {
		case "saved":
			view.Notice = "Your settings have been saved. The website shows them now."
		case "name":
			view.Notice = "The site name has been saved. The website shows it now."
		}
		return render(c, d, fiber.StatusOK, "settings", view)
	}
}

func saveSettings(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store := tenantStore(c)
		version, err := strconv.Atoi(c.FormValue("version"))
		if err != nil || version < 0 {
			return fiber.ErrBadRequest
		}
		f := &settingsForm{
			Version: version, Description: c.FormValue("description"), LogoURL: strings.TrimSpace(c.FormValue("logo_url")),
			Phone: c.FormValue("phone"), Email: c.FormValue("email"), Address: c.FormValue("address"),
			ClinicalDirector: c.FormValue("clinical_director"), NHSIdentity: c.FormValue("nhs_identity") == "on",
			SocialFacebook: strings.TrimSpace(c.FormValue("social_facebook")), SocialX: strings.TrimSpace(c.FormValue("social_x")),
			SocialInstagram: strings.TrimSpace(c.FormValue("social_instagram")), SocialYoutube: strings.TrimSpace(c.FormValue("social_youtube")),
			DataController: c.FormValue("data_controller"), DPOContact: c.FormValue("dpo_contact"),
			AccessibilityStatus: c.FormValue("accessibility_status"), AccessibilityIssues: c.FormValue("accessibility_issues"),
			StatementPrepared: c.FormValue("statement_prepared"), StatementReviewed: c.FormValue("statement_reviewed"),
			PatientGroup: c.FormValue("patient_group"), PatientGroupJoin: c.FormValue("patient_group_join"),
		}
		prepared, fe1 := settingsParseDate("statement_prepared", f.StatementPrepared)
		reviewed, fe2 := settingsParseDate("statement_reviewed", f.StatementReviewed)
		logo, err := models.LogoPath(f.LogoURL, ownHosts(d, tenants.FromCtx(c)))
		var fe3 *themes.FieldError
		var lve *models.ValidationError
		if errors.As(err, &lve) {
			fe3 = &themes.FieldError{Field: "logo_url", Message: sentence(lve.Message)}
		} else if err != nil {
			return err
		}
		var errs []themes.FieldError
		for _, fe := range []*themes.FieldError{fe1, fe2, fe3} {
			if fe != nil {
				errs = append(errs, *fe)
			}
		}
		if errs != nil {
			return render(c, d, fiber.StatusUnprocessableEntity, "settings", withSiteName(store, settingsView(c, d, f, errs)))
		}
		current, err := store.Settings()
		if err != nil {
			return err
		}
		s := current
		s.Description, s.LogoURL, s.Phone, s.Email, s.Address = f.Description, logo, f.Phone, f.Email, f.Address
		s.ClinicalDirector, s.NHSIdentity = f.ClinicalDirector, f.NHSIdentity
		s.SocialFacebook, s.SocialX, s.SocialInstagram, s.SocialYoutube = f.SocialFacebook, f.SocialX, f.SocialInstagram, f.SocialYoutube
		s.DataController, s.DPOContact = f.DataController, f.DPOContact
		s.AccessibilityStatus, s.AccessibilityIssues = f.AccessibilityStatus, f.AccessibilityIssues
		s.StatementPrepared, s.StatementReviewed = prepared, reviewed
		s.PatientGroup, s.PatientGroupJoin = f.PatientGroup, f.PatientGroupJoin
		_, err = store.SaveSettingsAt(actor(c), s, version, d.now().In(hours.Location()))
		var ve *models.ValidationError
		switch {
		case errors.Is(err, models.ErrStale):
			return render(c, d, fiber.StatusConflict, "settings", withSiteName(store, settingsView(c, d, f, []themes.FieldError{{Message: msgSettingsStale}})))
		case errors.As(err, &ve):
			field := ve.Field
			if !settingsFields[field] {
				field = ""
			}
			return render(c, d, fiber.StatusUnprocessableEntity, "settings", withSiteName(store, settingsView(c, d, f, []themes.FieldError{{Field: field, Message: sentence(ve.Message)}})))
		case err != nil:
			return err
		}
		return redirect.To(c, tenants.AdminPath+"/settings?done=saved", fiber.StatusSeeOther)
	}
}

// withSiteName fills the site name form of a settings page re-shown for
// the other form's errors (left empty if it cannot be read).
func withSiteName(store *models.TenantDB, v settingsPage) settingsPage {
	v.SiteName, _ = store.SiteName()
	return v
}

// saveSiteName saves the site's display name (its own form on the
// settings page). A name a manager chose is theirs: the ODS import no
// longer changes it.
func saveSiteName(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store := tenantStore(c)
		name := strings.Clone(c.FormValue("name"))
		err := store.SetSiteName(actor(c), name)
		var ve *models.ValidationError
		switch {
		case errors.As(err, &ve):
			s, serr := store.Settings()
			if serr != nil {
				return serr
			}
			view := settingsView(c, d, settingsFormOf(s), []themes.FieldError{{Field: "name", Message: sentence(ve.Message)}})
			view.SiteName = name
			return render(c, d, fiber.StatusUnprocessableEntity, "settings", view)
		case err != nil:
			return err
		}
		return redirect.To(c, tenants.AdminPath+"/settings?done=name", fiber.StatusSeeOther)
	}
}

// ownHosts are the tenant's own hosts, normalised: its platform host and
// its custom domains. Only an https:// address on one of them may name the
// logo.
func ownHosts(d Deps, t *tenants.Tenant) []string {
	return append([]string{tenants.PlatformHost(t.Slug, d.BaseDomain)}, t.Hosts...)
}
