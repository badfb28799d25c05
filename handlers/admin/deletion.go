package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// deletionPage is the view of "services-delete", asking before a delete.
type deletionPage struct {
	themes.Admin
	ServicesDelete *servicesDelete
}

// servicesDelete is the confirmation page before deleting a service, team
// member, event or vacancy ("services-delete").
type servicesDelete struct {
	Question string // the h1: "Are you sure you want to delete …?"
	Warning  string // what happens next
	Action   string // the form's action
	BackURL  string
}

// deletion is the "Are you sure?" page and the delete of one kind of item
// named by its id in the URL (/admin/<list>/:id/delete): another tenant's
// or an unknown id is a 404 and nothing is deleted.
type deletion[T any] struct {
	title   string // the confirmation page's h1, "Delete event"
	list    string // the list page the delete returns to, "/admin/events"
	section string // the navigation's current section, when not the list's
	load    func(*models.TenantDB, int64) (T, error)
	// remove deletes the item as the signed-in account, which it audits.
	remove func(*models.TenantDB, models.Actor, int64) error
	// ask is the question and warning of the confirmation page.
	ask func(store *models.TenantDB, item T) (question, warning string, err error)
}

// item loads the item named by the URL through the request's tenant.
func (del deletion[T]) item(c *fiber.Ctx, d Deps) (*models.TenantDB, int64, T, error) {
	var zero T
	id, err := routeID(c, "id")
	if err != nil {
		return nil, 0, zero, err
	}
	store := tenantStore(c)
	it, err := del.load(store, id)
	return store, id, it, err
}

// confirm shows the "Are you sure?" page.
func (del deletion[T]) confirm(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store, id, it, err := del.item(c, d)
		if err != nil {
			return err
		}
		question, warning, err := del.ask(store, it)
		if err != nil {
			return err
		}
		path := del.list + "/" + formatID(id)
		view := deletionPage{Admin: baseView(c, d, del.title)}
		if del.section != "" {
			view.Section = del.section
		}
		view.ServicesDelete = &servicesDelete{Question: question, Warning: warning, Action: path + "/delete", BackURL: path + "/edit"}
		return render(c, d, fiber.StatusOK, "services-delete", view)
	}
}

// delete removes the item (which audits it) and returns to the list.
func (del deletion[T]) delete(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store, id, _, err := del.item(c, d)
		if err != nil {
			return err
		}
		if err := del.remove(store, actor(c), id); err != nil {
			return err
		}
		return redirectDone(c, del.list, "deleted")
	}
}
