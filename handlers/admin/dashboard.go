package admin

import (
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// dashboardPage is the view of "dashboard".
type dashboardPage struct {
	themes.Admin
	Pages []dashboardRow
	// Launch is the panel shown while the site is not launched; nil after.
	Launch *launchPanel
}

// launchPanel says the site is not live yet and how far its checklist is.
type launchPanel struct {
	Missing, Total int
}

// dashboardRow is a row of the dashboard's list of pages.
type dashboardRow struct {
	Path      string
	Title     string
	Published bool
	Draft     bool // there are unpublished changes
	Updated   time.Time
}

// pageDashboardRecent is how many recently updated pages the dashboard lists.
const pageDashboardRecent = 5

// showDashboard is a short overview: links to each part of the panel and
// the pages updated most recently.
func showDashboard(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		pages, err := tenantStore(c).Pages()
		if err != nil {
			return err
		}
		sort.SliceStable(pages, func(i, j int) bool { return pages[i].UpdatedAt.After(pages[j].UpdatedAt) })
		if len(pages) > pageDashboardRecent {
			pages = pages[:pageDashboardRecent]
		}
		view := dashboardPage{Admin: baseView(c, d, "Website admin")}
		if !tenants.FromCtx(c).Launched {
			if at, err := tenantStore(c).LaunchedAt(); err != nil {
				return err
			} else if at == nil {
				items, err := tenantStore(c).LaunchChecklist()
				if err != nil {
					return err
				}
				view.Launch = &launchPanel{Missing: models.LaunchMissing(items), Total: len(items)}
			}
		}
		for _, p := range pages {
			view.Pages = append(view.Pages, dashboardRow{Path: p.Path, Title: p.Title, Published: p.Published, Draft: p.Draft, Updated: p.UpdatedAt})
		}
		return render(c, d, fiber.StatusOK, "dashboard", view)
	}
}
