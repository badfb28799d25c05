package admin

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// servicesPage is the view of "services".
type servicesPage struct {
	themes.Admin
	ServiceRows []serviceRow
}

// servicePage is the view of "service-edit".
type servicePage struct {
	themes.Admin
	Service *serviceEdit
}

// serviceRow is a row of the list of services, in display order.
type serviceRow struct {
	ID        int64
	Name      string
	Published bool
	Staff     int  // team members attached to the service
	First     bool // no "Move up"
	Last      bool // no "Move down"
}

// serviceEdit is the service form, as stored or as typed.
type serviceEdit struct {
	ID           int64 // 0 for a new service
	Version      int   // the version the form was opened at
	Name         string
	Slug         string
	Summary      string
	Body         string // Markdown
	WhoFor       string
	HowToAccess  string
	SelfReferral bool
	Published    bool
	PublicURL    string // the live service page, when published
}

func listServices(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store := tenantStore(c)
		services, err := store.AllServices()
		if err != nil {
			return err
		}
		staff, err := store.Staff()
		if err != nil {
			return err
		}
		count := map[int64]int{}
		for _, m := range staff {
			if m.ServiceID != nil {
				count[*m.ServiceID]++
			}
		}
		view := servicesPage{Admin: baseView(c, d, "Services")}
		view.Notice = doneNotice(c, "service")
		for i, s := range services {
			view.ServiceRows = append(view.ServiceRows, serviceRow{ID: s.ID, Name: s.Name, Published: s.Published,
				Staff: count[s.ID], First: i == 0, Last: i == len(services)-1})
		}
		return render(c, d, fiber.StatusOK, "services", view)
	}
}

// serviceFormView builds the service form's view.
func serviceFormView(c *fiber.Ctx, d Deps, f serviceEdit, stored *models.Service, errs []themes.FieldError) servicePage {
	title := "Add a service"
	if f.ID != 0 {
		title = "Edit service"
	}
	view := servicePage{Admin: baseView(c, d, title)}
	view.Errors = errs
	if stored != nil && stored.Published {
		f.PublicURL = view.SiteURL + "/services/" + stored.Slug
	}
	view.Service = &f
	return view
}

func newService(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return render(c, d, fiber.StatusOK, "service-edit", serviceFormView(c, d, serviceEdit{Published: true}, nil, nil))
	}
}

func editService(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		s, err := tenantStore(c).ServiceByID(id)
		if err != nil {
			return err
		}
		f := serviceEdit{ID: s.ID, Version: s.Version, Name: s.Name, Slug: s.Slug, Summary: s.Summary, Body: s.BodyMD,
			WhoFor: s.WhoFor, HowToAccess: s.HowToAccess, SelfReferral: s.SelfReferral, Published: s.Published}
		return render(c, d, fiber.StatusOK, "service-edit", serviceFormView(c, d, f, &s, nil))
	}
}

// saveService creates (no :id) or updates a service.
func saveService(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := optionalRouteID(c, "id")
		if err != nil {
			return err
		}
		store := tenantStore(c)
		var stored *models.Service
		if id != 0 {
			s, err := store.ServiceByID(id) // another tenant's id: 404, nothing written
			if err != nil {
				return err
			}
			stored = &s
		}
		f := serviceEdit{ID: id, Version: formVersion(c), Name: c.FormValue("name"), Slug: formSlug(c),
			Summary: formText(c, "summary"), Body: formText(c, "body"), WhoFor: formText(c, "who_for"),
			HowToAccess: formText(c, "how_to_access"), SelfReferral: formChecked(c, "self_referral"),
			Published: formChecked(c, "published")}
		_, err = store.SaveService(actor(c), id, f.Version, models.Service{Name: f.Name, Slug: f.Slug, Summary: f.Summary,
			BodyMD: f.Body, WhoFor: f.WhoFor, HowToAccess: f.HowToAccess, SelfReferral: f.SelfReferral, Published: f.Published})
		if status, errs, ok := formRefusal(err, "service", map[string]string{"title": "name", "slug": "slug",
			"summary": "summary", "body": "body", "who_for": "who_for", "how_to_access": "how_to_access"}); ok {
			if len(errs) == 1 && errs[0].Field == "name" && strings.TrimSpace(f.Name) == "" {
				errs[0].Message = "Enter the name of the service"
			}
			return render(c, d, status, "service-edit", serviceFormView(c, d, f, stored, errs))
		}
		if err != nil {
			return err
		}
		return redirectDone(c, tenants.AdminPath+"/services", "saved")
	}
}

func moveService(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		store := tenantStore(c)
		if _, err := store.ServiceByID(id); err != nil {
			return err
		}
		up, err := moveDirection(c)
		if err != nil {
			return err
		}
		if err := store.MoveService(actor(c), id, up); err != nil {
			return err
		}
		return redirectDone(c, tenants.AdminPath+"/services", "moved")
	}
}

// serviceDeletion deletes a service after asking; its team members stay.
var serviceDeletion = deletion[models.Service]{
	title: "Delete service", list: tenants.AdminPath + "/services",
	load: (*models.TenantDB).ServiceByID, remove: (*models.TenantDB).DeleteService,
	ask: func(store *models.TenantDB, s models.Service) (string, string, error) {
		staff, err := store.Staff()
		if err != nil {
			return "", "", err
		}
		n := 0
		for _, m := range staff {
			if m.ServiceID != nil && *m.ServiceID == s.ID {
				n++
			}
		}
		warning := "It will be removed from the website and cannot be restored. Links to its web address will stop working."
		switch n {
		case 0:
		case 1:
			warning += " Its 1 team member will stay on the team page, listed across the network without a service."
		default:
			warning += " Its " + strconv.Itoa(n) + " team members will stay on the team page, listed across the network without a service."
		}
		return "Are you sure you want to delete the service “" + s.Name + "”?", warning, nil
	},
}

func confirmDeleteService(d Deps) fiber.Handler { return serviceDeletion.confirm(d) }
func deleteService(d Deps) fiber.Handler        { return serviceDeletion.delete(d) }
