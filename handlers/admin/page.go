package admin

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// pagePath reads and checks the path of the page being edited: a path that
// is not a page's is a 404, never an error message about it.
func pagePath(raw string) (string, error) {
	if models.ValidatePagePath(raw) != nil {
		return "", fiber.ErrNotFound
	}
	return raw, nil
}

func editPage(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		path, err := pagePath(c.Query("path"))
		if err != nil {
			return err
		}
		draft, err := tenantStore(c).PageForEdit(path)
		var view pagePage
		switch {
		case errors.Is(err, models.ErrNotFound) && pageLegalName(path) != "":
			// "Write your own version" of a legal page: a new page at its path.
			view = pageLegalNewView(c, d, path, pageLegalName(path), "")
		case err != nil:
			return err
		default:
			view = pageEditView(c, d, draft)
		}
		switch c.Query("saved") {
		case "publish":
			view.Notice = "Your changes have been published."
		case "draft":
			view.Notice = "Your draft has been saved. It is not on the website until you publish it."
		case "unpublish":
			view.Notice = "The page has been unpublished. It is no longer on the website; you can publish it again at any time."
		case "restored":
			view.Notice = "The old version has been copied into a new draft. Check it, then publish it to put it on the website."
		}
		return render(c, d, fiber.StatusOK, "page-edit", view)
	}
}

// pageLegalNewView is the form of a tenant's own version of a legal page
// that does not exist yet: saving it creates the page (base revision 0).
func pageLegalNewView(c *fiber.Ctx, d Deps, path, title, body string) pagePage {
	view := pagePage{Admin: baseView(c, d, "Write your own "+strings.ToLower(pageLegalName(path)))}
	view.Edit = &pageEdit{Path: path, Title: title, Body: body, New: true, PublicURL: view.SiteURL + path}
	view.PageInfo = &pageState{Legal: pageLegalName(path), From: pageGeneratedFrom(path),
		Status: "The website shows the page generated from " + pageGeneratedFrom(path) + " until you publish your own version."}
	return view
}

func updatePage(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := AccountFromCtx(c)
		path, err := pagePath(c.FormValue("path"))
		if err != nil {
			return err
		}
		store := tenantStore(c)
		base, err := strconv.ParseInt(c.FormValue("revision"), 10, 64)
		if err != nil || base < 0 {
			return fiber.ErrBadRequest
		}
		current, err := store.PageForEdit(path) // another tenant's path: 404
		switch {
		case errors.Is(err, models.ErrNotFound) && base == 0 && pageLegalName(path) != "":
			// the first save of the tenant's own version of a legal page
		case err != nil:
			return err
		}
		action := c.FormValue("action")
		publish := action == "publish" || action == actionPublishAnyway
		title := c.FormValue("title")
		body := strings.ReplaceAll(c.FormValue("body"), "\r\n", "\n")

		// again is the form again with the user's own text.
		again := func() pagePage {
			if current.Page.ID == 0 {
				return pageLegalNewView(c, d, path, title, body)
			}
			view := pageEditView(c, d, current)
			view.Edit.Title, view.Edit.Body, view.Edit.Revision = title, body, base
			return view
		}
		if missing, fe := altWarning(body, publish, action); fe != nil {
			view := again()
			view.Edit.AltMissing = missing
			view.Errors = []themes.FieldError{*fe}
			return render(c, d, fiber.StatusUnprocessableEntity, "page-edit", view)
		}

		// PutPage writes the audit row itself, in the transaction of the save.
		_, err = store.PutPage(models.PageInput{Path: path, Title: title, BodyMD: body, Draft: !publish, By: a.Actor(), BaseRevisionID: &base})
		if err == nil {
			saved := map[bool]string{true: "publish", false: "draft"}[publish]
			return redirect.To(c, pageURL("edit", path)+"&saved="+saved, fiber.StatusSeeOther)
		}

		view := again()
		var (
			ve    *models.ValidationError
			stale *models.StaleError
		)
		switch {
		case errors.As(err, &ve):
			field := ve.Field
			if field != "title" && field != "body" {
				field = ""
			}
			view.Errors = []themes.FieldError{{Field: field, Message: sentence(ve.Message)}}
			return render(c, d, fiber.StatusUnprocessableEntity, "page-edit", view)
		case errors.As(err, &stale):
			conflict, err := pageConflictOf(store, path, base)
			if err != nil {
				return err
			}
			view.Edit.Conflict = conflict
			view.Errors = []themes.FieldError{{Field: "body", Message: conflict.message()}}
			view.Edit.Revision = stale.Latest // a second save, now knowingly, may replace theirs
			return render(c, d, fiber.StatusConflict, "page-edit", view)
		}
		return err
	}
}
