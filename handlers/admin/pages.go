package admin

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/handlers/site"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// pagesPage is the view of "pages".
type pagesPage struct {
	themes.Admin
	PageList *pageList
}

// pagePage is the view of "page-edit", "page-new" and "page-delete".
type pagePage struct {
	themes.Admin
	Edit     *pageEdit
	PageInfo *pageState
}

// pageEdit is the page edit form.
type pageEdit struct {
	Path     string
	Title    string
	Body     string // Markdown
	Revision int64  // the latest revision when the form was opened; 0 for a new page
	New      bool
	// Published: the page has a live version (PublicURL links to it).
	Published bool
	PublicURL string
	// AltMissing are the images without alt text that stopped a publish
	// (the form offers "Publish anyway").
	AltMissing []string
	// Conflict: a save refused because someone else saved first.
	Conflict *pageConflict
}

// pageState is what the page form and the delete confirmation show around
// the form: the page's state and where to go next.
type pageState struct {
	Status string // "Published", "Draft: not on the website", "Published, with unpublished changes"
	// Legal is the name of the generated legal page this page replaces
	// ("Privacy notice"), "" for other pages.
	Legal string
	// Exists: the page is stored (a new legal page is not, yet).
	Exists bool
	// From is what the generated page is made from: "your settings" (legal
	// pages), "your practices' details and settings" (template pages).
	From string
}

// pageList is the "pages" page.
type pageList struct {
	Rows  []pageRow
	Legal []legalPage
	// Guides are NHS England's template pages (/appointments, …), made
	// from the practices' details unless the tenant wrote its own.
	Guides []legalPage
}

// pageRow is one page of the list.
type pageRow struct {
	Path    string
	Title   string
	Status  string // "Published", "Draft", "Unpublished changes"
	Updated time.Time
}

// legalPage is one of the pages the law requires (/accessibility, /privacy,
// /cookies): generated from the settings unless the tenant wrote its own.
type legalPage struct {
	Path string // "/privacy"
	Name string // "Privacy notice"
	// Own: the tenant has its own version at the path (published or a
	// draft); Published: the website shows it instead of the generated one.
	Own       bool
	Published bool
}

// pageLegal are the pages the law requires: the site generates them from
// the settings unless the tenant publishes its own page at the path.
var pageLegal = []legalPage{
	{Path: "/accessibility", Name: "Accessibility statement"},
	{Path: "/privacy", Name: "Privacy notice"},
	{Path: "/cookies", Name: "Cookies"},
}

// pageGuides are NHS England's content templates: the site generates them
// from the practices' details and the settings unless the tenant publishes
// its own page at the path, as for the legal pages.
var pageGuides = func() []legalPage {
	out := make([]legalPage, 0, len(site.GuidePages))
	for _, g := range site.GuidePages {
		out = append(out, legalPage{Path: g.Path, Name: "“" + g.Title + "” page"})
	}
	return out
}()

// pageLegalName is the generated page at path, a legal page ("Privacy
// notice") or a template page ("“Appointments” page"), or "".
func pageLegalName(path string) string {
	for _, l := range append(pageLegal[:len(pageLegal):len(pageLegal)], pageGuides...) {
		if l.Path == path {
			return l.Name
		}
	}
	return ""
}

// pageGeneratedFrom says what the generated page at path is made from.
func pageGeneratedFrom(path string) string {
	for _, l := range pageGuides {
		if l.Path == path {
			return "your practices' details and settings"
		}
	}
	return "your settings"
}

// pageBuiltIn are the first segments of paths the website makes itself from
// other content: a page there would never be shown.
var pageBuiltIn = map[string]string{
	"practices": "your practices", "services": "your services", "team": "your team",
	"enhanced-access": "your evening and weekend appointments", "news": "your news",
	"events": "your events", "vacancies": "your vacancies",
}

// pageURL is an admin URL about the page at path.
func pageURL(action, path string) string {
	return tenants.AdminPath + "/pages/" + action + "?path=" + url.QueryEscape(path)
}

// pageStatus says in words whether the page is live and has changes.
func pageStatus(published, draft bool) string {
	switch {
	case published && draft:
		return "Unpublished changes"
	case published:
		return "Published"
	}
	return "Draft"
}

// pageBase reads the hidden revision field: the latest revision the user saw.
func pageBase(c *fiber.Ctx) (int64, error) {
	base, err := strconv.ParseInt(c.FormValue("revision"), 10, 64)
	if err != nil || base < 0 {
		return 0, fiber.ErrBadRequest
	}
	return base, nil
}

func listPages(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		pages, err := tenantStore(c).Pages()
		if err != nil {
			return err
		}
		view := pagesPage{Admin: baseView(c, d, "Pages")}
		list := &pageList{}
		byPath := map[string]models.PageSummary{}
		for _, p := range pages {
			byPath[p.Path] = p
			list.Rows = append(list.Rows, pageRow{Path: p.Path, Title: p.Title, Status: pageStatus(p.Published, p.Draft), Updated: p.UpdatedAt})
		}
		for _, l := range pageLegal {
			if p, ok := byPath[l.Path]; ok {
				l.Own, l.Published = true, p.Published
			}
			list.Legal = append(list.Legal, l)
		}
		for _, l := range pageGuides {
			if p, ok := byPath[l.Path]; ok {
				l.Own, l.Published = true, p.Published
			}
			list.Guides = append(list.Guides, l)
		}
		view.PageList = list
		switch c.Query("done") {
		case "deleted":
			view.Notice = "The page has been deleted."
		case "generated":
			view.Notice = "Your own version has been deleted. The website shows the generated page again."
		}
		return render(c, d, fiber.StatusOK, "pages", view)
	}
}

// pageNewView is the create form, as typed.
func pageNewView(c *fiber.Ctx, d Deps, path, title, body string, errs []themes.FieldError) pagePage {
	view := pagePage{Admin: baseView(c, d, "Create a page")}
	view.Edit = &pageEdit{Path: path, Title: title, Body: body, New: true}
	view.Errors = errs
	return view
}

func newPage(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return render(c, d, fiber.StatusOK, "page-new", pageNewView(c, d, "/", "", "", nil))
	}
}

func createPage(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := AccountFromCtx(c)
		path := strings.TrimSpace(c.FormValue("path"))
		if path != "" && !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		title := c.FormValue("title")
		body := strings.ReplaceAll(c.FormValue("body"), "\r\n", "\n")
		action := c.FormValue("action")
		publish := action == "publish" || action == actionPublishAnyway
		fail := func(field, msg string) error {
			return render(c, d, fiber.StatusUnprocessableEntity, "page-new",
				pageNewView(c, d, path, title, body, []themes.FieldError{{Field: field, Message: msg}}))
		}
		if first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/"); pageBuiltIn[first] != "" {
			return fail("path", "The website makes /"+first+" itself from "+pageBuiltIn[first]+": choose another web address")
		}
		if missing, fe := altWarning(body, publish, action); fe != nil {
			view := pageNewView(c, d, path, title, body, []themes.FieldError{*fe})
			view.Edit.AltMissing = missing
			return render(c, d, fiber.StatusUnprocessableEntity, "page-new", view)
		}
		_, err := tenantStore(c).CreatePage(models.PageInput{
			Path: path, Title: title, BodyMD: body, Draft: !publish, By: a.Actor()}) // audited by CreatePage
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			field := ve.Field
			if field != "path" && field != "title" && field != "body" {
				field = ""
			}
			return fail(field, sentence(ve.Message))
		}
		if err != nil {
			return err
		}
		saved := map[bool]string{true: "publish", false: "draft"}[publish]
		return redirect.To(c, pageURL("edit", path)+"&saved="+saved, fiber.StatusSeeOther)
	}
}

// pageEditView is the edit form of a stored page, freshly loaded.
func pageEditView(c *fiber.Ctx, d Deps, draft models.PageDraft) pagePage {
	view := pagePage{Admin: baseView(c, d, "Edit "+draft.Revision.Title)}
	path := draft.Page.Path
	view.Edit = &pageEdit{Path: path, Title: draft.Revision.Title, Body: draft.Revision.BodyMD, Revision: draft.Revision.ID,
		Published: draft.Page.PublishedRevisionID != nil, PublicURL: view.SiteURL + path}
	view.PageInfo = pageInfo(draft)
	return view
}

// pageInfo describes a stored page for the forms around it.
func pageInfo(draft models.PageDraft) *pageState {
	pub := draft.Page.PublishedRevisionID != nil
	info := &pageState{Legal: pageLegalName(draft.Page.Path), Exists: draft.Page.ID != 0, From: pageGeneratedFrom(draft.Page.Path)}
	switch {
	case !info.Exists:
		info.Status = "New: not on the website until you publish it."
	case pub && *draft.Page.PublishedRevisionID != draft.Revision.ID:
		info.Status = "Published, with changes that are not on the website yet."
	case pub:
		info.Status = "Published."
	default:
		info.Status = "Draft: not on the website."
	}
	return info
}

func unpublishPage(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		path, err := pagePath(c.FormValue("path"))
		if err != nil {
			return err
		}
		store := tenantStore(c)
		if _, err := store.PageForEdit(path); err != nil { // another tenant's path: 404
			return err
		}
		base, err := pageBase(c)
		if err != nil {
			return err
		}
		err = store.UnpublishPage(actor(c), path, &base)
		if errors.Is(err, models.ErrStale) {
			draft, err := store.PageForEdit(path)
			if err != nil {
				return err
			}
			view := pageEditView(c, d, draft)
			view.Errors = []themes.FieldError{{Message: "Someone else changed this page after you opened it, so it has not been unpublished. " +
				"Check their changes below, then unpublish it again if you still want to."}}
			return render(c, d, fiber.StatusConflict, "page-edit", view)
		}
		if err != nil {
			return err
		}
		return redirect.To(c, pageURL("edit", path)+"&saved=unpublish", fiber.StatusSeeOther)
	}
}

// pageDeleteView is the delete confirmation of the stored page.
func pageDeleteView(c *fiber.Ctx, d Deps, draft models.PageDraft) pagePage {
	info := pageInfo(draft)
	title := "Delete page"
	if info.Legal != "" {
		title = "Go back to the generated " + strings.ToLower(info.Legal[:1]) + info.Legal[1:]
	}
	view := pagePage{Admin: baseView(c, d, title)}
	view.Edit = &pageEdit{Path: draft.Page.Path, Title: draft.Revision.Title, Revision: draft.Revision.ID,
		Published: draft.Page.PublishedRevisionID != nil}
	view.PageInfo = info
	return view
}

func confirmDeletePage(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		path, err := pagePath(c.Query("path"))
		if err != nil {
			return err
		}
		draft, err := tenantStore(c).PageForEdit(path)
		if err != nil {
			return err
		}
		return render(c, d, fiber.StatusOK, "page-delete", pageDeleteView(c, d, draft))
	}
}

func deletePage(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		path, err := pagePath(c.FormValue("path"))
		if err != nil {
			return err
		}
		store := tenantStore(c)
		if _, err := store.PageForEdit(path); err != nil { // another tenant's path: 404
			return err
		}
		base, err := pageBase(c)
		if err != nil {
			return err
		}
		err = store.DeletePage(actor(c), path, &base)
		if errors.Is(err, models.ErrStale) {
			draft, err := store.PageForEdit(path)
			if err != nil {
				return err
			}
			view := pageDeleteView(c, d, draft)
			view.Errors = []themes.FieldError{{Message: "Someone else changed this page after you opened it, so it has not been deleted. " +
				"Check their changes first; if you still want to delete it, confirm again."}}
			return render(c, d, fiber.StatusConflict, "page-delete", view)
		}
		if err != nil {
			return err
		}
		done := "deleted"
		if pageLegalName(path) != "" {
			done = "generated"
		}
		return redirect.To(c, tenants.AdminPath+"/pages?done="+done, fiber.StatusSeeOther)
	}
}
