package admin

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// healthPage is the view of "health": the site against NHS England's GP
// website benchmark, section by section.
type healthPage struct {
	themes.Admin
	// Checked criteria (by the site's data or by the platform), those of
	// them that pass, those the platform meets, those with gaps, and those
	// a person must judge.
	Checked, Passing, Platform, Gaps, Person int
	Sections                                 []healthSection
}

// healthSection is one section of the benchmark: its criteria with gaps,
// those that pass, and those a person must check.
type healthSection struct {
	Number int
	Title  string
	Gaps   []healthCriterion
	Passes []healthCriterion
	Person []healthCriterion
}

// healthCriterion is one criterion as the page shows it.
type healthCriterion struct {
	ID       string
	Text     string
	Platform bool   // passes because the platform provides it
	Person   string // what a person should check
	Findings []healthFinding
}

// healthFinding is one gap, with the link to the form that fixes it.
type healthFinding struct {
	Message string
	FixURL  string
}

// showHealth shows the site against NHS England's benchmark: every
// criterion, gaps first with the link that fixes each.
func showHealth(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		rep, err := tenantStore(c).Benchmark(time.Now())
		if err != nil {
			return err
		}
		view := healthPage{Admin: baseView(c, d, "Site health"),
			Checked: rep.Checked, Passing: rep.Passing, Platform: rep.Platform, Gaps: rep.Gaps, Person: rep.Person}
		for _, s := range rep.Sections {
			sec := healthSection{Number: s.Number, Title: s.Title}
			for _, r := range s.Results {
				hc := healthCriterion{ID: r.ID, Text: r.Text, Platform: r.Status == models.CriterionPlatform, Person: r.Person}
				for _, is := range r.Issues {
					hc.Findings = append(hc.Findings, healthFinding{Message: is.Message, FixURL: fixLink(is)})
				}
				switch r.Status {
				case models.CriterionGap:
					sec.Gaps = append(sec.Gaps, hc)
				case models.CriterionPerson:
					sec.Person = append(sec.Person, hc)
				default:
					sec.Passes = append(sec.Passes, hc)
				}
			}
			view.Sections = append(view.Sections, sec)
		}
		return render(c, d, fiber.StatusOK, "health", view)
	}
}

// fixLink is the admin form where a finding is fixed, at the field's input
// when the finding names one.
func fixLink(is models.HealthIssue) string {
	anchor := ""
	if is.Field != "" {
		anchor = "#" + is.Field
	}
	switch is.Subject {
	case models.HealthSubjectPage:
		return tenants.AdminPath + "/pages/edit?path=" + url.QueryEscape(is.Key)
	case models.HealthSubjectPost:
		return tenants.AdminPath + "/news/" + url.PathEscape(is.Key) + "/edit"
	case models.HealthSubjectPractice:
		if is.Check == models.HealthPracticeNoHours {
			return tenants.AdminPath + "/practices/ods/" + url.PathEscape(is.Key) + "/hours"
		}
		return tenants.AdminPath + "/practices/ods/" + url.PathEscape(is.Key) + "/edit" + anchor
	case models.HealthSubjectSessions:
		if is.Key == "" {
			return tenants.AdminPath + "/sessions"
		}
		return tenants.AdminPath + "/sessions/" + url.PathEscape(is.Key) + "/edit" + anchor
	case models.HealthSubjectService:
		if is.Key == "" {
			return tenants.AdminPath + "/services/new"
		}
		return tenants.AdminPath + "/services/" + url.PathEscape(is.Key) + "/edit" + anchor
	case models.HealthSubjectSettings:
		return tenants.AdminPath + "/settings" + anchor
	case models.HealthSubjectNav:
		return tenants.AdminPath + "/menu"
	}
	return ""
}
