package admin

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

const msgStale = "Someone else changed this page after you opened it. Your text is below and has not been saved. " +
	"Publish or save again to replace their changes with yours, or copy your text and open the page again to see theirs."

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
		draft, err := tenants.FromCtx(c).Store(c.UserContext(), d.DB).PageForEdit(path)
		if err != nil {
			return err
		}
		view := baseView(c, d, "Edit "+draft.Revision.Title)
		view.Edit = &themes.PageEdit{Path: path, Title: draft.Revision.Title, Body: draft.Revision.BodyMD, Revision: draft.Revision.ID,
			Published: draft.Page.PublishedRevisionID != nil, PublicURL: view.SiteURL + path}
		switch c.Query("saved") {
		case "publish":
			view.Notice = "Your changes have been published."
		case "draft":
			view.Notice = "Your draft has been saved. It is not on the website until you publish it."
		}
		return render(c, d, fiber.StatusOK, "page-edit", view)
	}
}

func updatePage(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		a := AccountFromCtx(c)
		path, err := pagePath(c.FormValue("path"))
		if err != nil {
			return err
		}
		store := tenants.FromCtx(c).Store(ctx, d.DB)
		current, err := store.PageForEdit(path) // another tenant's path: 404
		if err != nil {
			return err
		}
		base, err := strconv.ParseInt(c.FormValue("revision"), 10, 64)
		if err != nil || base < 0 {
			return fiber.ErrBadRequest
		}
		publish := c.FormValue("action") == "publish"
		title := c.FormValue("title")
		body := strings.ReplaceAll(c.FormValue("body"), "\r\n", "\n")

		_, err = store.PutPage(models.PageInput{Path: path, Title: title, BodyMD: body, Draft: !publish, Author: a.User.Email, BaseRevisionID: &base})
		if err == nil {
			action := models.AuditPageSaveDraft
			if publish {
				action = models.AuditPagePublish
			}
			audit(c, d, a.User, action, path)
			saved := map[bool]string{true: "publish", false: "draft"}[publish]
			return c.Redirect("/admin/pages/edit?path="+path+"&saved="+saved, fiber.StatusSeeOther)
		}

		// Show the form again with the user's own text.
		view := baseView(c, d, "Edit "+current.Revision.Title)
		view.Edit = &themes.PageEdit{Path: path, Title: title, Body: body, Revision: base,
			Published: current.Page.PublishedRevisionID != nil, PublicURL: view.SiteURL + path}
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
			view.Errors = []themes.FieldError{{Field: "body", Message: msgStale}}
			view.Edit.Revision = stale.Latest // a second save, now knowingly, may replace theirs
			return render(c, d, fiber.StatusConflict, "page-edit", view)
		}
		return err
	}
}

// sentence capitalises a model's validation message for the error summary.
func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
