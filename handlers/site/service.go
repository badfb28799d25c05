package site

import (
	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/themes"
)

// listServices renders the services the network offers.
func listServices(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		services, err := r.store.Services()
		if err != nil {
			return err
		}
		view := r.view("Our services", "/services")
		view.Description = "Services " + r.t.Name + " offers to patients of all its practices."
		view.Breadcrumbs = crumbs()
		for _, s := range services {
			view.Services = append(view.Services, serviceView(s))
		}
		return render(c, d, r.t, "services", view)
	}
}

// showService renders one service with the staff who provide it.
func showService(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		s, err := r.store.ServiceBySlug(c.Params("slug"))
		if err != nil {
			return err
		}
		staff, err := r.store.Staff()
		if err != nil {
			return err
		}
		sv := serviceView(s)
		sv.Body = r.body(s.BodyHTML)
		for _, m := range staff {
			if m.ServiceID != nil && *m.ServiceID == s.ID {
				sv.Staff = append(sv.Staff, themes.Staff{Name: m.Name, Role: m.Role, Service: s.Name, PhotoURL: m.PhotoURL, Bio: m.Bio})
			}
		}
		view := r.view(s.Name, sv.URL)
		view.Description = s.Summary
		view.Service = &sv
		view.Breadcrumbs = crumbs(themes.NavLink{Title: "Our services", URL: "/services"})
		return render(c, d, r.t, "service", view)
	}
}

// showTeam renders the network's staff.
func showTeam(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		staff, err := r.store.Staff()
		if err != nil {
			return err
		}
		services, err := r.store.Services()
		if err != nil {
			return err
		}
		names := map[int64]string{}
		for _, s := range services {
			names[s.ID] = s.Name
		}
		view := r.view("Our team", "/team")
		view.Description = "The people who work across the practices of " + r.t.Name + "."
		view.Breadcrumbs = crumbs()
		for _, m := range staff {
			st := themes.Staff{Name: m.Name, Role: m.Role, PhotoURL: m.PhotoURL, Bio: m.Bio}
			if m.ServiceID != nil {
				st.Service = names[*m.ServiceID]
			}
			view.Team = append(view.Team, st)
		}
		return render(c, d, r.t, "team", view)
	}
}

// showEnhancedAccess renders the evening and weekend appointments.
func showEnhancedAccess(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		sessions, err := r.store.EASessions()
		if err != nil {
			return err
		}
		practices, err := r.store.Practices()
		if err != nil {
			return err
		}
		byID := map[int64]string{}
		odsByID := map[int64]string{}
		for _, p := range practices {
			byID[p.ID], odsByID[p.ID] = p.Name, p.ODSCode
		}
		view := r.view("Evening and weekend appointments", "/enhanced-access")
		view.Description = "Where and when patients of " + r.t.Name + " can get evening and weekend appointments."
		view.Breadcrumbs = crumbs()
		for _, s := range sessions {
			sv := themes.Session{Days: sessionDays(s.Weekdays), Times: describeSpans(spanOf(s.StartsAt, s.EndsAt)), Clinicians: s.Clinicians, HowToBook: s.HowToBook}
			if s.PracticeID != nil {
				sv.Place, sv.PlaceURL = byID[*s.PracticeID], "/practices/"+odsByID[*s.PracticeID]
			}
			view.Sessions = append(view.Sessions, sv)
		}
		return render(c, d, r.t, "enhanced-access", view)
	}
}
