package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// teamPage is the view of "team".
type teamPage struct {
	themes.Admin
	Team []staffGroup
}

// staffPage is the view of "team-edit".
type staffPage struct {
	themes.Admin
	StaffMember *staffEdit
}

// staffGroup is the team members of one service ("" for those who work
// across the network), in display order.
type staffGroup struct {
	Service string
	Rows    []staffRow
}

// staffRow is a team member in the list.
type staffRow struct {
	ID    int64
	Name  string
	Role  string
	First bool
	Last  bool
}

// staffEdit is the team member form, as stored or as typed.
type staffEdit struct {
	ID        int64
	Version   int
	Name      string
	Role      string
	ServiceID string // the chosen option's value; "" for across the network
	PhotoURL  string
	Bio       string
	Services  []serviceOption
}

// serviceOption is an option of the team member form's service select.
type serviceOption struct {
	Value string
	Label string
}

// teamView starts a view of the team pages, which belong to the panel's
// "Services and team" section.
func teamView(c *fiber.Ctx, d Deps, title string) themes.Admin {
	view := baseView(c, d, title)
	view.Section = "services"
	return view
}

// listTeam shows the team grouped by service, in the services' order, then
// those across the network.
func listTeam(d Deps) fiber.Handler {
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
		groups := map[int64]*staffGroup{}
		var loose staffGroup
		for _, s := range services {
			groups[s.ID] = &staffGroup{Service: s.Name}
		}
		for _, m := range staff {
			g := &loose
			if m.ServiceID != nil && groups[*m.ServiceID] != nil {
				g = groups[*m.ServiceID]
			}
			g.Rows = append(g.Rows, staffRow{ID: m.ID, Name: m.Name, Role: m.Role})
		}
		view := teamPage{Admin: teamView(c, d, "Team members")}
		view.Notice = doneNotice(c, "team member")
		add := func(g staffGroup) {
			if len(g.Rows) == 0 {
				return
			}
			g.Rows[0].First, g.Rows[len(g.Rows)-1].Last = true, true
			view.Team = append(view.Team, g)
		}
		for _, s := range services {
			add(*groups[s.ID])
		}
		add(loose)
		return render(c, d, fiber.StatusOK, "team", view)
	}
}

// staffFormView builds the team member form's view, with this tenant's
// services to choose from.
func staffFormView(c *fiber.Ctx, d Deps, store *models.TenantDB, f staffEdit, errs []themes.FieldError) (staffPage, error) {
	title := "Add a team member"
	if f.ID != 0 {
		title = "Edit team member"
	}
	services, err := store.AllServices()
	if err != nil {
		return staffPage{}, err
	}
	for _, s := range services {
		label := s.Name
		if !s.Published {
			label += " (hidden)"
		}
		f.Services = append(f.Services, serviceOption{Value: formatID(s.ID), Label: label})
	}
	view := staffPage{Admin: teamView(c, d, title)}
	view.Errors = errs
	view.StaffMember = &f
	return view, nil
}

func renderStaffForm(c *fiber.Ctx, d Deps, store *models.TenantDB, status int, f staffEdit, errs []themes.FieldError) error {
	view, err := staffFormView(c, d, store, f, errs)
	if err != nil {
		return err
	}
	return render(c, d, status, "team-edit", view)
}

func newStaff(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store := tenantStore(c)
		return renderStaffForm(c, d, store, fiber.StatusOK, staffEdit{ServiceID: c.Query("service")}, nil)
	}
}

func editStaff(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		store := tenantStore(c)
		m, err := store.StaffByID(id)
		if err != nil {
			return err
		}
		f := staffEdit{ID: m.ID, Version: m.Version, Name: m.Name, Role: m.Role, PhotoURL: m.PhotoURL, Bio: m.Bio}
		if m.ServiceID != nil {
			f.ServiceID = formatID(*m.ServiceID)
		}
		return renderStaffForm(c, d, store, fiber.StatusOK, f, nil)
	}
}

// saveStaff creates (no :id) or updates a team member.
func saveStaff(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := optionalRouteID(c, "id")
		if err != nil {
			return err
		}
		store := tenantStore(c)
		if id != 0 {
			if _, err := store.StaffByID(id); err != nil { // another tenant's id: 404, nothing written
				return err
			}
		}
		f := staffEdit{ID: id, Version: formVersion(c), Name: c.FormValue("name"), Role: c.FormValue("role"),
			ServiceID: c.FormValue("service_id"), PhotoURL: c.FormValue("photo_url"), Bio: formText(c, "bio")}
		m := models.StaffMember{Name: f.Name, Role: f.Role, PhotoURL: f.PhotoURL, Bio: f.Bio}
		if f.ServiceID != "" {
			sid, perr := strconv.ParseInt(f.ServiceID, 10, 64)
			if perr != nil {
				err = &models.ValidationError{Field: "service_id", Message: "choose a service from the list, or across the network"}
			}
			m.ServiceID = &sid
		}
		if err == nil {
			_, err = store.SaveStaffByID(actor(c), id, f.Version, m)
		}
		if status, errs, ok := formRefusal(err, "team member", map[string]string{"name": "name", "role": "role",
			"service_id": "service_id", "photo_url": "photo_url", "bio": "bio"}); ok {
			return renderStaffForm(c, d, store, status, f, errs)
		}
		if err != nil {
			return err
		}
		return redirectDone(c, tenants.AdminPath+"/team", "saved")
	}
}

func moveStaff(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		up, err := moveDirection(c)
		if err != nil {
			return err
		}
		store := tenantStore(c)
		if _, err := store.StaffByID(id); err != nil {
			return err
		}
		if err := store.MoveStaff(actor(c), id, up); err != nil {
			return err
		}
		return redirectDone(c, tenants.AdminPath+"/team", "moved")
	}
}

// staffDeletion removes a team member after asking.
var staffDeletion = deletion[models.StaffMember]{
	title: "Delete team member", list: tenants.AdminPath + "/team", section: "services",
	load: (*models.TenantDB).StaffByID, remove: (*models.TenantDB).DeleteStaff,
	ask: func(_ *models.TenantDB, m models.StaffMember) (string, string, error) {
		return "Are you sure you want to remove " + m.Name + " from the team?",
			"They will be removed from the website's team and service pages. This cannot be undone.", nil
	},
}

func confirmDeleteStaff(d Deps) fiber.Handler { return staffDeletion.confirm(d) }
func deleteStaff(d Deps) fiber.Handler        { return staffDeletion.delete(d) }
