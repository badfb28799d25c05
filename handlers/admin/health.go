package admin

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// healthPage is the view of "health".
type healthPage struct {
	themes.Admin
	Health []healthFinding
}

// healthFinding is one thing the site is missing, with where to fix it
// ("" when the admin has no editor for it yet).
type healthFinding struct {
	Message string
	FixURL  string
}

// showHealth lists what the site is missing against NHS England's guidance,
// each finding with the link that fixes it.
func showHealth(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		issues, err := tenantStore(c).Health(time.Now())
		if err != nil {
			return err
		}
		view := healthPage{Admin: baseView(c, d, "Site health")}
		for _, is := range issues {
			view.Health = append(view.Health, healthFinding{Message: is.Message, FixURL: fixLink(is)})
		}
		return render(c, d, fiber.StatusOK, "health", view)
	}
}

// fixLink is where a finding is fixed: the admin's editor when there is one.
func fixLink(is models.HealthIssue) string {
	switch is.Subject {
	case models.HealthSubjectPage:
		return tenants.AdminPath + "/pages/edit?path=" + url.QueryEscape(is.Key)
	case models.HealthSubjectPost:
		return tenants.AdminPath + "/news/" + is.Key + "/edit"
	case models.HealthSubjectPractice:
		if is.Check == models.HealthPracticeNoHours {
			return tenants.AdminPath + "/practices/ods/" + url.PathEscape(is.Key) + "/hours"
		}
		return tenants.AdminPath + "/practices/ods/" + url.PathEscape(is.Key) + "/edit"
	case models.HealthSubjectSessions:
		return tenants.AdminPath + "/sessions"
	}
	// Settings and the menu have no editor in the admin yet.
	return ""
}
