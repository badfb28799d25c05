package admin

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// menuPage is the view of "menu" and "menu-edit".
type menuPage struct {
	themes.Admin
	Menu *menuEditor
}

// menuEditor is the "menu" page and the "menu-edit" form.
type menuEditor struct {
	Items       []menuRow
	Fingerprint string
	Warning     string // outside the 5 to 7 items NHS guidance recommends
	Full        bool   // no more items can be added
	Choices     []menuChoice
	// Standard is the menu the website shows while this one is empty.
	Standard []menuChoice
	// The add form, or the edited item, as typed.
	ID    int64
	Title string
	Path  string
}

// menuRow is one menu item.
type menuRow struct {
	ID     int64
	Title  string
	Path   string
	First  bool
	Last   bool
	Broken bool // links to a page that is not published
}

// menuChoice is a page a menu item can link to.
type menuChoice struct {
	Path     string
	Title    string
	Selected bool
}

// The header navigation menu (editors too): list, move up and down, add an
// item linking to a published page or a built-in section, rename, remove.
// Every form carries the fingerprint of the menu it was made on: an edit of
// a menu that someone else has changed since is refused with 409.

const msgMenuStale = "Someone else changed the menu while you were editing it. Your change has not been saved: check the menu as it is now and try again."

// menuSections are the built-in sections of every site a menu can link to.
var menuSections = []menuChoice{
	{Path: "/", Title: "Home"},
	{Path: "/appointments", Title: "Appointments"},
	{Path: "/prescriptions", Title: "Prescriptions"},
	{Path: "/test-results", Title: "Test results"},
	{Path: "/fit-notes", Title: "Fit notes (sick notes)"},
	{Path: "/register", Title: "Register with a GP practice"},
	{Path: "/health-online", Title: "Managing your health online"},
	{Path: "/proxy-access", Title: "Acting for someone else"},
	{Path: "/complaints", Title: "Comments and complaints"},
	{Path: "/patient-group", Title: "Patient participation group"},
	{Path: "/practices", Title: "Practices"},
	{Path: "/services", Title: "Services"},
	{Path: "/team", Title: "Our team"},
	{Path: "/enhanced-access", Title: "Evening and weekend appointments"},
	{Path: "/news", Title: "News"},
	{Path: "/events", Title: "Events"},
	{Path: "/vacancies", Title: "Vacancies"},
	{Path: "/contact", Title: "Contact us"},
	{Path: "/accessibility", Title: "Accessibility statement"},
	{Path: "/privacy", Title: "Privacy notice"},
}

// menuStandardFor is the standard menu as this tenant's site shows it
// (themes.StandardNav, as the public site uses it): About us only when
// published, Events only while an event is still to come.
func menuStandardFor(store *models.TenantDB, choices []menuChoice) ([]menuChoice, error) {
	now := time.Now()
	events, err := store.Events(now)
	if err != nil {
		return nil, err
	}
	upcoming := false
	for _, e := range events {
		if !e.Over(now) {
			upcoming = true
			break
		}
	}
	_, about := menuChoiceOf(choices, "/about")
	var out []menuChoice
	for _, l := range themes.StandardNav(about, upcoming) {
		out = append(out, menuChoice{Path: l.URL, Title: l.Title})
	}
	return out, nil
}

// menuChoices lists what a menu item can link to: the built-in sections and
// the published pages (not the home page).
func menuChoices(store *models.TenantDB) ([]menuChoice, error) {
	pages, err := store.PublishedPages()
	if err != nil {
		return nil, err
	}
	out := append([]menuChoice(nil), menuSections...)
	seen := map[string]bool{}
	for _, s := range menuSections {
		seen[s.Path] = true
	}
	for _, p := range pages {
		if p.Path == "/" || seen[p.Path] {
			continue
		}
		seen[p.Path] = true
		out = append(out, menuChoice{Path: p.Path, Title: p.Title + " (" + p.Path + ")"})
	}
	return out, nil
}

func menuChoiceOf(choices []menuChoice, path string) (menuChoice, bool) {
	for _, ch := range choices {
		if ch.Path == path {
			return ch, true
		}
	}
	return menuChoice{}, false
}

// menuView builds the menu page (or an item's form) with the form as typed.
func menuView(c *fiber.Ctx, d Deps, title string, id int64, typedTitle, typedPath string, errs []themes.FieldError) (menuPage, error) {
	store := tenantStore(c)
	items, fp, err := store.Menu()
	if err != nil {
		return menuPage{}, err
	}
	choices, err := menuChoices(store)
	if err != nil {
		return menuPage{}, err
	}
	view := menuPage{Admin: baseView(c, d, title)}
	view.Errors = errs
	m := &menuEditor{Fingerprint: fp, Full: len(items) >= models.MaxNavItems, ID: id, Title: typedTitle, Path: typedPath}
	for i, it := range items {
		_, ok := menuChoiceOf(choices, it.Path)
		m.Items = append(m.Items, menuRow{ID: it.ID, Title: it.Title, Path: it.Path, First: i == 0, Last: i == len(items)-1, Broken: !ok})
	}
	switch n := len(items); {
	case n == 0: // the site shows the standard menu, listed below
	case n < models.MinNavItems:
		m.Warning = fmt.Sprintf("The menu has %d items. NHS England recommends 5 to 7: fewer makes it harder for patients to find what they need.", n)
	case n > models.MaxNavItems:
		m.Warning = fmt.Sprintf("The menu has %d items. NHS England recommends 5 to 7: remove some so patients can take them in at a glance.", n)
	}
	for _, ch := range choices {
		ch.Selected = ch.Path == typedPath
		m.Choices = append(m.Choices, ch)
	}
	if len(items) == 0 {
		if m.Standard, err = menuStandardFor(store, choices); err != nil {
			return menuPage{}, err
		}
	}
	view.Menu = m
	return view, nil
}

// menuFail renders the menu page (or an item's form, id != 0) for a
// refused change: 409 when the menu changed meanwhile, 422 with the
// message next to its field.
func menuFail(c *fiber.Ctx, d Deps, page string, id int64, typedTitle, typedPath string, err error) error {
	var ve *models.ValidationError
	var errs []themes.FieldError
	status := fiber.StatusUnprocessableEntity
	switch {
	case errors.Is(err, models.ErrStale):
		status, errs = fiber.StatusConflict, []themes.FieldError{{Message: msgMenuStale}}
	case errors.As(err, &ve):
		field := ve.Field
		if field != "title" && field != "path" {
			field = ""
		}
		errs = []themes.FieldError{{Field: field, Message: sentence(ve.Message)}}
	default:
		return err
	}
	title := "Menu"
	if page == "menu-edit" {
		title = "Change a menu item"
	}
	view, verr := menuView(c, d, title, id, typedTitle, typedPath, errs)
	if verr != nil {
		return verr
	}
	return render(c, d, status, page, view)
}

func showMenu(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		view, err := menuView(c, d, "Menu", 0, "", "", nil)
		if err != nil {
			return err
		}
		switch c.Query("done") {
		case "added":
			view.Notice = "The item has been added to the menu. The website shows it now."
		case "renamed":
			view.Notice = "The menu item has been changed."
		case "removed":
			view.Notice = "The item has been removed from the menu."
		case "moved":
			view.Notice = "The menu item has been moved."
		case "started":
			view.Notice = "The standard menu is now yours to change."
		}
		return render(c, d, fiber.StatusOK, "menu", view)
	}
}

func addMenuItem(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store := tenantStore(c)
		title, path := strings.TrimSpace(c.FormValue("title")), c.FormValue("path")
		choices, err := menuChoices(store)
		if err != nil {
			return err
		}
		ch, ok := menuChoiceOf(choices, path)
		if !ok {
			return menuFail(c, d, "menu", 0, title, path, &models.ValidationError{Field: "path", Message: "choose a page from the list"})
		}
		if title == "" {
			title = strings.TrimSuffix(ch.Title, " ("+ch.Path+")")
		}
		if _, err := store.AddMenuItem(actor(c), c.FormValue("fingerprint"), title, ch.Path); err != nil {
			return menuFail(c, d, "menu", 0, title, path, err)
		}
		return redirect.To(c, tenants.AdminPath+"/menu?done=added", fiber.StatusSeeOther)
	}
}

func menuItemParam(c *fiber.Ctx, d Deps) (models.NavItem, error) {
	id, err := routeID(c, "id")
	if err != nil {
		return models.NavItem{}, err
	}
	return tenantStore(c).MenuItem(id)
}

func editMenuItem(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		it, err := menuItemParam(c, d)
		if err != nil {
			return err
		}
		view, err := menuView(c, d, "Change a menu item", it.ID, it.Title, it.Path, nil)
		if err != nil {
			return err
		}
		return render(c, d, fiber.StatusOK, "menu-edit", view)
	}
}

func renameMenuItem(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		it, err := menuItemParam(c, d)
		if err != nil {
			return err
		}
		title := c.FormValue("title")
		store := tenantStore(c)
		if err := store.RenameMenuItem(actor(c), c.FormValue("fingerprint"), it.ID, title); err != nil {
			return menuFail(c, d, "menu-edit", it.ID, title, it.Path, err)
		}
		return redirect.To(c, tenants.AdminPath+"/menu?done=renamed", fiber.StatusSeeOther)
	}
}

func removeMenuItem(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		it, err := menuItemParam(c, d)
		if err != nil {
			return err
		}
		store := tenantStore(c)
		if err := store.RemoveMenuItem(actor(c), c.FormValue("fingerprint"), it.ID); err != nil {
			return menuFail(c, d, "menu", 0, "", "", err)
		}
		return redirect.To(c, tenants.AdminPath+"/menu?done=removed", fiber.StatusSeeOther)
	}
}

func moveMenuItem(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		it, err := menuItemParam(c, d)
		if err != nil {
			return err
		}
		up, err := moveDirection(c)
		if err != nil {
			return err
		}
		store := tenantStore(c)
		if err := store.MoveMenuItem(actor(c), c.FormValue("fingerprint"), it.ID, up); err != nil {
			return menuFail(c, d, "menu", 0, "", "", err)
		}
		return redirect.To(c, tenants.AdminPath+"/menu?done=moved", fiber.StatusSeeOther)
	}
}

// startMenu copies the standard menu into an empty one, to edit from there.
func startMenu(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store := tenantStore(c)
		choices, err := menuChoices(store)
		if err != nil {
			return err
		}
		standard, err := menuStandardFor(store, choices)
		if err != nil {
			return err
		}
		var items []models.NavItem
		for _, s := range standard {
			items = append(items, models.NavItem{Title: s.Title, Path: s.Path})
		}
		if err := store.StartMenu(actor(c), c.FormValue("fingerprint"), items); err != nil {
			return menuFail(c, d, "menu", 0, "", "", err)
		}
		return redirect.To(c, tenants.AdminPath+"/menu?done=started", fiber.StatusSeeOther)
	}
}
