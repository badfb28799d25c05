package admin

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// vacanciesPage is the view of "vacancies".
type vacanciesPage struct {
	themes.Admin
	OpenVacancies   []vacancyRow
	ClosedVacancies []vacancyRow
}

// vacancyPage is the view of "vacancy-edit".
type vacancyPage struct {
	themes.Admin
	Vacancy *vacancyEdit
}

// vacancyRow is a vacancy in the open or closed list.
type vacancyRow struct {
	ID        int64
	Title     string
	Closes    string // "31 December 2026"
	Published bool
}

// vacancyEdit is the vacancy form, as stored or as typed.
type vacancyEdit struct {
	ID        int64
	Version   int
	Title     string
	Slug      string
	Summary   string
	Body      string
	ClosesOn  string // 2006-01-02
	Salary    string
	Hours     string
	ApplyURL  string
	Published bool
	PublicURL string
}

func listVacancies(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		vs, err := tenantStore(c).AllVacancies()
		if err != nil {
			return err
		}
		view := vacanciesPage{Admin: baseView(c, d, "Vacancies")}
		view.Notice = doneNotice(c, "vacancy")
		y, m, day := time.Now().In(hours.Location()).Date()
		for _, v := range vs {
			row := vacancyRow{ID: v.ID, Title: v.Title, Closes: v.ClosesOn.UTC().Format("2 January 2006"), Published: v.Published}
			if v.OpenOn(y, m, day) {
				view.OpenVacancies = append(view.OpenVacancies, row)
				continue
			}
			view.ClosedVacancies = append([]vacancyRow{row}, view.ClosedVacancies...)
		}
		return render(c, d, fiber.StatusOK, "vacancies", view)
	}
}

// vacancyFormView builds the vacancy form's view.
func vacancyFormView(c *fiber.Ctx, d Deps, f vacancyEdit, stored *models.Vacancy, errs []themes.FieldError) vacancyPage {
	title := "Add a vacancy"
	if f.ID != 0 {
		title = "Edit vacancy"
	}
	view := vacancyPage{Admin: baseView(c, d, title)}
	view.Errors = errs
	if stored != nil && stored.Published {
		y, m, day := time.Now().In(hours.Location()).Date()
		if stored.OpenOn(y, m, day) {
			f.PublicURL = view.SiteURL + "/vacancies/" + stored.Slug
		}
	}
	view.Vacancy = &f
	return view
}

func newVacancy(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return render(c, d, fiber.StatusOK, "vacancy-edit", vacancyFormView(c, d, vacancyEdit{Published: true}, nil, nil))
	}
}

func editVacancy(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		v, err := tenantStore(c).VacancyByID(id)
		if err != nil {
			return err
		}
		f := vacancyEdit{ID: v.ID, Version: v.Version, Title: v.Title, Slug: v.Slug, Summary: v.Summary, Body: v.BodyMD,
			ClosesOn: v.ClosesOn.UTC().Format("2006-01-02"), Salary: v.Salary, Hours: v.HoursText, ApplyURL: v.ApplyURL,
			Published: v.Published}
		return render(c, d, fiber.StatusOK, "vacancy-edit", vacancyFormView(c, d, f, &v, nil))
	}
}

// saveVacancy creates (no :id) or updates a vacancy.
func saveVacancy(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := optionalRouteID(c, "id")
		if err != nil {
			return err
		}
		store := tenantStore(c)
		var stored *models.Vacancy
		if id != 0 {
			v, err := store.VacancyByID(id) // another tenant's id: 404, nothing written
			if err != nil {
				return err
			}
			stored = &v
		}
		f := vacancyEdit{ID: id, Version: formVersion(c), Title: c.FormValue("title"), Slug: formSlug(c),
			Summary: formText(c, "summary"), Body: formText(c, "body"), ClosesOn: c.FormValue("closes_on"),
			Salary: c.FormValue("salary"), Hours: c.FormValue("hours_text"), ApplyURL: c.FormValue("apply_url"),
			Published: formChecked(c, "published")}
		var closes time.Time
		if strings.TrimSpace(f.ClosesOn) != "" { // empty: the model asks for it
			y, m, day, ok := parseDate(f.ClosesOn)
			if !ok {
				errs := []themes.FieldError{{Field: "closes_on", Message: "Enter a real date, like 27/3/2026"}}
				return render(c, d, fiber.StatusUnprocessableEntity, "vacancy-edit", vacancyFormView(c, d, f, stored, errs))
			}
			closes = time.Date(y, m, day, 0, 0, 0, 0, time.UTC) // a date: the model keeps it at UTC midnight
		}
		_, err = store.SaveVacancy(actor(c), id, f.Version, models.Vacancy{Title: f.Title, Slug: f.Slug, Summary: f.Summary,
			BodyMD: f.Body, ClosesOn: closes, Salary: f.Salary, HoursText: f.Hours, ApplyURL: f.ApplyURL, Published: f.Published})
		if status, errs, ok := formRefusal(err, "vacancy", map[string]string{"title": "title", "slug": "slug",
			"summary": "summary", "body": "body", "closes_on": "closes_on", "salary": "salary", "hours_text": "hours_text",
			"apply_url": "apply_url"}); ok {
			return render(c, d, status, "vacancy-edit", vacancyFormView(c, d, f, stored, errs))
		}
		if err != nil {
			return err
		}
		return redirectDone(c, tenants.AdminPath+"/vacancies", "saved")
	}
}

// vacancyDeletion deletes a vacancy after asking.
var vacancyDeletion = deletion[models.Vacancy]{
	title: "Delete vacancy", list: tenants.AdminPath + "/vacancies",
	load: (*models.TenantDB).VacancyByID, remove: (*models.TenantDB).DeleteVacancy,
	ask: func(_ *models.TenantDB, v models.Vacancy) (string, string, error) {
		return "Are you sure you want to delete the vacancy “" + v.Title + "”?",
			"It will be removed from the website and cannot be restored. To stop taking applications but keep a record, change its closing date instead.", nil
	},
}

func confirmDeleteVacancy(d Deps) fiber.Handler { return vacancyDeletion.confirm(d) }
func deleteVacancy(d Deps) fiber.Handler        { return vacancyDeletion.delete(d) }
