package console

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/handlers/signin"
	"github.com/pcnweb/pcnweb/models"
)

// Launch control (issue 11 §3) in the console: tenants by state (not
// launched, live, suspended, archived), and an operator's launch of a
// tenant's site, as a manager does it from the tenant's admin panel.

// The states of the tenant list's filter.
const (
	stateNotLaunched = "not-launched"
	stateLive        = "live"
)

// stateOption is one choice of the tenant list's filter by state.
type stateOption struct {
	Value, Label string
	Count        int
	Selected     bool
}

// stateOrder lists the states in the filter's order, with their labels.
var stateOrder = []struct{ value, label string }{
	{stateNotLaunched, "Not launched"},
	{stateLive, "Live"},
	{string(models.StatusSuspended), "Suspended"},
	{string(models.StatusArchived), "Archived"},
}

// tenantState is where a tenant is in its life: suspended and archived
// (and any other status) first, then not launched or live.
func tenantState(t models.Tenant) string {
	switch {
	case t.Status != models.StatusActive:
		return string(t.Status)
	case !t.Launched():
		return stateNotLaunched
	}
	return stateLive
}

// stateLabel is a state as the console shows it.
func stateLabel(state string) string {
	for _, s := range stateOrder {
		if s.value == state {
			return s.label
		}
	}
	return state
}

// stateFilter is the filter's chosen state ("" for all, or an unknown
// value) and its choices with their counts.
func stateFilter(chosen string, ts []models.Tenant) (string, []stateOption) {
	counts := map[string]int{}
	for _, t := range ts {
		counts[tenantState(t)]++
	}
	known := false
	out := []stateOption{{Value: "", Label: "All", Count: len(ts)}}
	for _, s := range stateOrder {
		known = known || s.value == chosen
		out = append(out, stateOption{Value: s.value, Label: s.label, Count: counts[s.value]})
	}
	if !known {
		chosen = ""
	}
	for i := range out {
		out[i].Selected = out[i].Value == chosen
	}
	return chosen, out
}

func launchForm(t models.Tenant) consoleForm {
	return consoleForm{Action: "/tenants/" + t.Slug + "/launch", Button: "Launch the website",
		Back: "/tenants/" + t.Slug, BackText: "Back to " + t.Name,
		Intro:  "Patients will see " + t.Name + "'s full website instead of its holding page, and search engines will be able to list it. This cannot be undone. Its managers can see what is still missing on the launch checklist in its admin panel.",
		Fields: []consoleField{whyField()}}
}

func showLaunchForm(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		return formPage(c, d, fiber.StatusOK, "Launch "+t.Name, "tenants", launchForm(t), nil)
	}
}

// launchTenant launches the tenant's site: the tenant's audit log and the
// operator audit log both record it.
func launchTenant(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		return submit(c, d, "Launch "+t.Name, "tenants", ptr(launchForm(t)), func(why string) (string, error) {
			o := signin.FromCtx(c).User
			nt, err := d.DB.LaunchTenant(c.UserContext(), t.Slug, models.Actor{UserID: o.ID, Name: o.Email}, d.now())
			if errors.Is(err, models.ErrAlreadyLaunched) {
				return "", &models.ValidationError{Field: "why", Message: t.Name + "'s website was launched already"}
			}
			if err != nil {
				return "", err
			}
			audit(c, d, o, "tenant.launch", &nt, "", why)
			return "/tenants/" + t.Slug + "?done=launch", nil
		})
	}
}
