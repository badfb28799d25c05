package admin

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// practicesPage is the view of "practices".
type practicesPage struct {
	themes.Admin
	Practices []practiceRow
}

// practicePage is the view of "practice-edit" and "practice-delete".
type practicePage struct {
	themes.Admin
	Practice *practiceEdit
}

// practiceRow is a row of the list of member practices.
type practiceRow struct {
	ID       int64
	Name     string
	ODSCode  string
	Phone    string
	HasHours bool
	Left     string // why the practice is no longer on the site; "" for a member
	First    bool   // no "Move up"
	Last     bool   // no "Move down"
}

// practiceEdit is the practice details form, as stored or as typed, and
// what the practice's own pages (hours, exceptions, delete) show about it.
type practiceEdit struct {
	ID               int64 // 0 for a new practice
	Version          int
	Name             string
	ODSCode          string
	Address          string // lines separated by newlines
	Postcode         string
	Phone            string
	Email            string
	Website          string
	AppointmentsURL  string
	RegistrationURL  string
	PrescriptionsURL string
	// The links NHS England's content templates use (optional).
	OnlineConsultationURL string
	TestResultsURL        string
	FitNotesURL           string
	CharterURL            string
	ClosedOnBankHolidays  bool
	AccessibilityNotes    string
	PublicURL             string // the practice's page on the website
	// Delete confirmation: how many exceptions go with it, and the
	// enhanced access sessions held there, which block the delete.
	Exceptions int
	Sessions   []eaSessionRow
}

// practiceMsgStale is the error summary of a save refused because someone
// else saved the practice first.
const practiceMsgStale = "Someone else changed this practice while you were editing it. Your changes have not been saved: copy anything you need, then reload the page."

// practiceFormFields are the practice form's inputs a model validation
// error may name.
var practiceFormFields = map[string]bool{
	"name": true, "ods_code": true, "address": true, "postcode": true, "phone": true, "email": true, "website": true,
	"appointments_url": true, "registration_url": true, "prescriptions_url": true, "accessibility_notes": true,
	"online_consultation_url": true, "test_results_url": true, "fit_notes_url": true, "charter_url": true,
}

func practiceURL(id int64, rest string) string {
	return tenants.AdminPath + "/practices/" + strconv.FormatInt(id, 10) + rest
}

// practiceByODS sends a link by ODS code (the site health page's) to the
// practice's "edit" or "hours" page.
func practiceByODS(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		page := c.Params("page")
		if page != "edit" && page != "hours" {
			return fiber.ErrNotFound
		}
		p, err := tenantStore(c).PracticeByODS(c.Params("ods"))
		if err != nil {
			return err
		}
		return redirect.To(c, practiceURL(p.ID, "/"+page), fiber.StatusSeeOther)
	}
}

func listPractices(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ps, err := tenantStore(c).AllPractices()
		if err != nil {
			return err
		}
		view := practicesPage{Admin: baseView(c, d, "Practices")}
		for i, p := range ps {
			has := false
			for _, day := range p.Week() {
				has = has || len(day) > 0
			}
			row := practiceRow{ID: p.ID, Name: p.Name, ODSCode: p.ODSCode, Phone: p.Phone,
				HasHours: has, First: i == 0, Last: i == len(ps)-1}
			if p.LeftPCNOn != nil {
				row.Left = "Left the network on " + p.LeftPCNOn.Format("2 January 2006") + " (NHS ODS data): not shown on the website"
			}
			view.Practices = append(view.Practices, row)
		}
		view.Notice = map[string]string{
			"saved":   "The practice's details have been saved.",
			"deleted": "The practice has been deleted.",
			"moved":   "The order of the practices has been changed.",
		}[c.Query("done")]
		return render(c, d, fiber.StatusOK, "practices", view)
	}
}

// practiceEditOf is the form of a stored practice.
func practiceEditOf(p models.Practice) *practiceEdit {
	return &practiceEdit{ID: p.ID, Version: p.Version, Name: p.Name, ODSCode: p.ODSCode, Address: p.Address,
		Postcode: p.Postcode, Phone: p.Phone, Email: p.Email, Website: p.Website, AppointmentsURL: p.AppointmentsURL,
		RegistrationURL: p.RegistrationURL, PrescriptionsURL: p.PrescriptionsURL,
		OnlineConsultationURL: p.OnlineConsultationURL, TestResultsURL: p.TestResultsURL, FitNotesURL: p.FitNotesURL, CharterURL: p.CharterURL,
		ClosedOnBankHolidays: p.ClosedOnBankHolidays, AccessibilityNotes: p.AccessibilityNotes}
}

// practiceFormView builds the details form; stored is the practice as
// saved (nil for a new one), for the heading and the link to its page.
func practiceFormView(c *fiber.Ctx, d Deps, pe *practiceEdit, stored *models.Practice, errs []themes.FieldError) practicePage {
	title := "Add a practice"
	if stored != nil {
		title = "Edit " + stored.Name
	}
	view := practicePage{Admin: baseView(c, d, title)}
	view.Errors = errs
	if stored != nil {
		pe.PublicURL = view.SiteURL + "/practices/" + stored.ODSCode
	}
	view.Practice = pe
	return view
}

func newPractice(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		pe := &practiceEdit{ClosedOnBankHolidays: true}
		return render(c, d, fiber.StatusOK, "practice-edit", practiceFormView(c, d, pe, nil, nil))
	}
}

func editPractice(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		p, err := tenantStore(c).PracticeByID(id)
		if err != nil {
			return err
		}
		return render(c, d, fiber.StatusOK, "practice-edit", practiceFormView(c, d, practiceEditOf(p), &p, nil))
	}
}

// savePractice creates (no :id) or updates a practice's details.
func savePractice(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var id int64
		version := 0
		store := tenantStore(c)
		var current models.Practice
		if c.Params("id") != "" {
			var err error
			if id, err = routeID(c, "id"); err != nil {
				return err
			}
			if current, err = store.PracticeByID(id); err != nil { // another tenant's: 404, nothing written
				return err
			}
			if version, err = requiredFormVersion(c); err != nil {
				return err
			}
		}
		p := models.Practice{
			Name: c.FormValue("name"), ODSCode: c.FormValue("ods_code"), Address: c.FormValue("address"),
			Postcode: c.FormValue("postcode"), Phone: c.FormValue("phone"), Email: c.FormValue("email"),
			Website: c.FormValue("website"), AppointmentsURL: c.FormValue("appointments_url"),
			RegistrationURL: c.FormValue("registration_url"), PrescriptionsURL: c.FormValue("prescriptions_url"),
			OnlineConsultationURL: c.FormValue("online_consultation_url"), TestResultsURL: c.FormValue("test_results_url"),
			FitNotesURL: c.FormValue("fit_notes_url"), CharterURL: c.FormValue("charter_url"),
			ClosedOnBankHolidays: c.FormValue("closed_on_bank_holidays") != "", AccessibilityNotes: c.FormValue("accessibility_notes"),
		}
		saved, err := store.SavePractice(actor(c), id, version, p)
		if err != nil {
			typed := practiceEditOf(p)
			typed.ID, typed.Version = id, version
			var stored *models.Practice
			if id != 0 {
				stored = &current
			}
			var ve *models.ValidationError
			switch {
			case errors.As(err, &ve):
				field := ve.Field
				if !practiceFormFields[field] {
					field = ""
				}
				view := practiceFormView(c, d, typed, stored, []themes.FieldError{{Field: field, Message: sentence(ve.Message)}})
				return render(c, d, fiber.StatusUnprocessableEntity, "practice-edit", view)
			case errors.Is(err, models.ErrStale):
				view := practiceFormView(c, d, typed, stored, []themes.FieldError{{Message: practiceMsgStale}})
				return render(c, d, fiber.StatusConflict, "practice-edit", view)
			}
			return err
		}
		if id == 0 {
			return redirect.To(c, practiceURL(saved.ID, "/hours?done=created"), fiber.StatusSeeOther)
		}
		return redirect.To(c, tenants.AdminPath+"/practices?done=saved", fiber.StatusSeeOther)
	}
}

func movePractice(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		store := tenantStore(c)
		if _, err := store.PracticeByID(id); err != nil {
			return err
		}
		up, err := moveDirection(c)
		if err != nil {
			return err
		}
		if err := store.MovePractice(actor(c), id, up); err != nil {
			return err
		}
		return redirect.To(c, tenants.AdminPath+"/practices?done=moved", fiber.StatusSeeOther)
	}
}

// practiceDeleteView is the delete confirmation: what goes with the
// practice, or the sessions that must be moved first.
func practiceDeleteView(c *fiber.Ctx, d Deps, store *models.TenantDB, p models.Practice) (practicePage, error) {
	view := practicePage{Admin: baseView(c, d, "Delete "+p.Name)}
	pe := practiceEditOf(p)
	pe.Exceptions = len(p.Exceptions)
	ss, err := store.EASessionsAtPractice(p.ID)
	if err != nil {
		return view, err
	}
	for _, s := range ss {
		pe.Sessions = append(pe.Sessions, eaSessionRowOf(s, p.Name))
	}
	view.Practice = pe
	return view, nil
}

func confirmDeletePractice(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		store := tenantStore(c)
		p, err := store.PracticeByID(id)
		if err != nil {
			return err
		}
		view, err := practiceDeleteView(c, d, store, p)
		if err != nil {
			return err
		}
		return render(c, d, fiber.StatusOK, "practice-delete", view)
	}
}

func deletePractice(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		store := tenantStore(c)
		p, err := store.PracticeByID(id)
		if err != nil {
			return err
		}
		err = store.DeletePractice(actor(c), id)
		if errors.Is(err, models.ErrPracticeHostsSessions) {
			// Sessions were added since the page was opened: show it again.
			view, verr := practiceDeleteView(c, d, store, p)
			if verr != nil {
				return verr
			}
			view.Errors = []themes.FieldError{{Message: "Enhanced access sessions are held at this practice. Move them to another practice or delete them first."}}
			return render(c, d, fiber.StatusConflict, "practice-delete", view)
		}
		if err != nil {
			return err
		}
		return redirect.To(c, tenants.AdminPath+"/practices?done=deleted", fiber.StatusSeeOther)
	}
}
