package admin

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// Shared content (issue 11 §2): the notices and pages an operator or the
// tenant's ICB or federation shares with it. The site shows each one until
// the tenant hides it or replaces it with its own version; these pages list
// them with those actions (editors too: it is content).

// sharedPage is the view of "shared" and "shared-replace".
type sharedPage struct {
	themes.Admin
	Shared []sharedRow // "shared"
	// Item is the notice being replaced, with the tenant's own words as
	// typed ("shared-replace").
	Item     *sharedRow
	OwnTitle string
	OwnBody  string
}

// sharedRow is a shared item as the tenant has it.
type sharedRow struct {
	ID                int64
	Page              bool
	Title, Path, From string
	Body              string
	State             string // "", "hidden" or "replaced"
	OwnTitle, OwnBody string
	Updated           string
}

func sharedRowOf(s models.TenantShared) sharedRow {
	return sharedRow{ID: s.ID, Page: s.Kind == models.SharedPage, Title: s.Title, Path: s.Path, From: s.Owner, Body: s.BodyMD,
		State: string(s.State), OwnTitle: s.OwnTitle, OwnBody: s.OwnBody, Updated: s.UpdatedAt.Format("2 January 2006")}
}

// sharedNotices are the messages after each action (?done=…).
var sharedNotices = map[string]string{
	"hidden":   "It is hidden. Your website no longer shows it.",
	"shown":    "Your website shows it again, as it is shared.",
	"replaced": "Your website now shows your own version.",
}

func listShared(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		items, err := tenantStore(c).SharedItems()
		if err != nil {
			return err
		}
		view := sharedPage{Admin: baseView(c, d, "Shared content")}
		view.Notice = sharedNotices[c.Query("done")]
		for _, s := range items {
			view.Shared = append(view.Shared, sharedRowOf(s))
		}
		return render(c, d, fiber.StatusOK, "shared", view)
	}
}

// sharedAction runs a hide or show of the item of the route.
func sharedAction(d Deps, do func(store *models.TenantDB, by models.Actor, id int64) error, done string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		if err := do(tenantStore(c), actor(c), id); err != nil {
			return err
		}
		return redirect.To(c, "/admin/shared?done="+done, fiber.StatusSeeOther)
	}
}

func hideShared(d Deps) fiber.Handler {
	return sharedAction(d, func(s *models.TenantDB, by models.Actor, id int64) error { return s.HideShared(by, id) }, "hidden")
}

func showSharedAgain(d Deps) fiber.Handler {
	return sharedAction(d, func(s *models.TenantDB, by models.Actor, id int64) error { return s.ShowShared(by, id) }, "shown")
}

// replaceShared shows the form of the tenant's own version of a shared
// notice (a page is replaced by its POST alone).
func replaceShared(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		store := tenantStore(c)
		s, err := store.SharedItem(id)
		if err != nil {
			return err
		}
		if s.Kind == models.SharedPage {
			return redirect.To(c, "/admin/shared", fiber.StatusSeeOther)
		}
		title, body := s.OwnTitle, s.OwnBody
		if title == "" {
			title, body = s.Title, s.BodyMD
		}
		return renderReplaceNotice(c, d, fiber.StatusOK, s, title, body, nil)
	}
}

func renderReplaceNotice(c *fiber.Ctx, d Deps, status int, s models.TenantShared, title, body string, errs []themes.FieldError) error {
	view := sharedPage{Admin: baseView(c, d, "Write your own version of this notice")}
	row := sharedRowOf(s)
	view.Item, view.OwnTitle, view.OwnBody, view.Errors = &row, title, body, errs
	return render(c, d, status, "shared-replace", view)
}

// replaceOrSaveShared replaces a shared page with the tenant's own (a
// draft prefilled with the shared text, opened in the page editor), or
// saves the tenant's own version of a shared notice.
func replaceOrSaveShared(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		store := tenantStore(c)
		s, err := store.SharedItem(id)
		if err != nil {
			return err
		}
		if s.Kind == models.SharedPage {
			path, err := store.ReplaceSharedPage(actor(c), id)
			if err != nil {
				return err
			}
			return redirect.To(c, "/admin/pages/edit?path="+url.QueryEscape(path), fiber.StatusSeeOther)
		}
		title, body := c.FormValue("title"), c.FormValue("body")
		err = store.ReplaceSharedNotice(actor(c), id, title, body)
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			return renderReplaceNotice(c, d, fiber.StatusUnprocessableEntity, s, title, body, []themes.FieldError{{Field: ve.Field, Message: ve.Message}})
		}
		if err != nil {
			return err
		}
		return redirect.To(c, "/admin/shared?done=replaced", fiber.StatusSeeOther)
	}
}
