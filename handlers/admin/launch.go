package admin

import (
	"errors"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/handlers/site"
	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// Launch control (issue 11 §3): the checklist of what the site has and
// lacks before patients see it, the confirmation, the launch itself
// (managers only; audited and through the mutation path, by
// models.TenantDB.Launch), and the preview of the full site before it.
//
// Launching is allowed with items missing: a site with some of its
// details is more use to patients than the holding page, and the
// checklist never stops a network that has decided. The confirmation page
// lists what is still missing, plainly, before the button.

// launchPage is the view of "launch" (the checklist) and "launch-confirm".
type launchPage struct {
	themes.Admin
	// Launched is when the site was launched ("" while it shows its holding
	// page); Missing and Done are the checklist's items.
	Launched string
	Missing  []launchItem
	Done     []launchItem
	// HealthIssues counts what site health finds, for a link to it.
	HealthIssues int
}

// launchItem is one line of the checklist, with the form that fixes it.
type launchItem struct {
	Title  string
	FixURL string
}

// LaunchButton is the accessible name of the button that launches the
// site, on the checklist and on its confirmation.
const LaunchButton = "Launch your site"

// launchView builds the checklist's view.
func launchView(c *fiber.Ctx, d Deps, title string) (launchPage, error) {
	store := tenantStore(c)
	view := launchPage{Admin: baseView(c, d, title)}
	at, err := store.LaunchedAt()
	if err != nil {
		return view, err
	}
	if at != nil {
		view.Launched = hours.FormatInstant(*at)
	}
	items, err := store.LaunchChecklist()
	if err != nil {
		return view, err
	}
	for _, it := range items {
		li := launchItem{Title: it.Title}
		if it.Done {
			view.Done = append(view.Done, li)
			continue
		}
		li.FixURL = launchFixURL(it)
		view.Missing = append(view.Missing, li)
	}
	issues, err := store.Health(time.Now())
	if err != nil {
		return view, err
	}
	view.HealthIssues = len(issues)
	return view, nil
}

// launchFixURL is the admin form that fixes a missing item.
func launchFixURL(it models.LaunchItem) string {
	switch it.Check {
	case models.LaunchPractices:
		return tenants.AdminPath + "/practices"
	case models.LaunchPracticePhone:
		return tenants.AdminPath + "/practices/ods/" + url.PathEscape(it.Key) + "/edit"
	case models.LaunchPracticeHours:
		return tenants.AdminPath + "/practices/ods/" + url.PathEscape(it.Key) + "/hours"
	case models.LaunchContact:
		return tenants.AdminPath + "/settings#phone"
	case models.LaunchAbout:
		return tenants.AdminPath + "/pages/new"
	case models.LaunchAccessibility:
		return tenants.AdminPath + "/settings#statement_prepared"
	case models.LaunchPrivacy:
		return tenants.AdminPath + "/settings#dpo_contact"
	case models.LaunchEnhanced:
		return tenants.AdminPath + "/sessions"
	}
	return tenants.AdminPath
}

// showLaunch is the launch checklist.
func showLaunch(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		view, err := launchView(c, d, "Launch your website")
		if err != nil {
			return err
		}
		if c.Query("done") == "launched" {
			view.Notice = "Your website is live. Patients now see the full website."
		}
		return render(c, d, fiber.StatusOK, "launch", view)
	}
}

// confirmLaunch asks a manager to confirm the launch, listing what is
// still missing.
func confirmLaunch(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		view, err := launchView(c, d, "Are you sure you want to launch your website?")
		if err != nil {
			return err
		}
		if view.Launched != "" {
			return redirect.To(c, tenants.AdminPath+"/launch", fiber.StatusSeeOther)
		}
		return render(c, d, fiber.StatusOK, "launch-confirm", view)
	}
}

// launchSite launches the site. A site launched already is a 409 with the
// checklist saying since when (a second click, or another manager first).
func launchSite(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		err := tenantStore(c).Launch(actor(c), time.Now())
		if errors.Is(err, models.ErrAlreadyLaunched) {
			view, verr := launchView(c, d, "Launch your website")
			if verr != nil {
				return verr
			}
			view.Notice = "Your website was launched already, on " + view.Launched + "."
			return render(c, d, fiber.StatusConflict, "launch", view)
		}
		if err != nil {
			return err
		}
		return redirect.To(c, tenants.AdminPath+"/launch?done=launched", fiber.StatusSeeOther)
	}
}

// previewSite lets the signed-in user see the full site of a tenant not
// launched yet: a signed cookie for the whole platform host (the admin
// panel's own cookies are limited to /admin), good for 12 hours, checked
// by the public site on every page (handlers/site/holding.go).
func previewSite(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t := tenants.FromCtx(c)
		now := time.Now()
		expires := site.PreviewExpiry(now)
		c.Cookie(&fiber.Cookie{Name: tenants.PreviewCookie, Value: site.PreviewToken(d.CSRFKey, t.ID, AccountFromCtx(c).User.ID, expires),
			Path: "/", Expires: expires, HTTPOnly: true, Secure: d.Web.Secure, SameSite: fiber.CookieSameSiteLaxMode})
		return redirect.To(c, "/", fiber.StatusSeeOther)
	}
}

// stopPreview ends this browser's preview.
func stopPreview(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		clearPreview(c, d)
		return redirect.To(c, tenants.AdminPath+"/launch", fiber.StatusSeeOther)
	}
}

// clearPreview expires the preview cookie (stopping a preview, signing out).
func clearPreview(c *fiber.Ctx, d Deps) {
	if c.Cookies(tenants.PreviewCookie) == "" {
		return
	}
	c.Cookie(&fiber.Cookie{Name: tenants.PreviewCookie, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, Secure: d.Web.Secure, SameSite: fiber.CookieSameSiteLaxMode})
}
