package site

import (
	"bytes"
	"context"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/pagecache"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// ErrorHandler maps every error of the public listener (handlers.New) to a
// page, in one place.
// Host problems get the platform's unbranded pages; a known tenant gets its
// own themed 404 and 500 pages. Internal error text never reaches the client.
func ErrorHandler(d Deps) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		var (
			suspended   *tenants.SuspendedError
			closed      *tenants.ClosedError
			unavailable *tenants.UnavailableError
			fe          *fiber.Error
		)
		switch {
		case errors.Is(err, tenants.ErrBadHost):
			return platformPage(c, d, fiber.StatusBadRequest, "bad-request", themes.Platform{})
		case errors.Is(err, tenants.ErrUnknownHost):
			return platformPage(c, d, fiber.StatusNotFound, "unknown-host", themes.Platform{})
		case errors.As(err, &suspended):
			c.Set(fiber.HeaderRetryAfter, "3600")
			return platformPage(c, d, fiber.StatusServiceUnavailable, "suspended", suspendedView(c.UserContext(), d, suspended.Tenant))
		case errors.As(err, &closed):
			// 410 Gone: search engines drop the closed site, while patients
			// who follow an old link read where their practice went.
			c.Set("X-Robots-Tag", "noindex")
			return platformPage(c, d, fiber.StatusGone, "closed", closedView(c.UserContext(), d, closed.Tenant))
		case errors.As(err, &unavailable):
			d.Logger.ErrorContext(c.UserContext(), "tenant resolution failed", "request_id", web.RequestID(c), "error", err)
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retryAfterOutage))
			return platformPage(c, d, fiber.StatusServiceUnavailable, "suspended", themes.Platform{})
		}
		t := tenants.FromCtx(c)
		if t != nil && errors.Is(err, models.ErrUnavailable) {
			return unavailablePage(c, d, t, err)
		}
		status := fiber.StatusInternalServerError
		switch {
		case errors.Is(err, models.ErrNotFound):
			status = fiber.StatusNotFound
		case errors.As(err, &fe):
			status = fe.Code
		}
		if status == fiber.StatusNotFound && t != nil && answerNotFound(c, d, t) {
			return nil // a redirect from one of the tenant's old addresses (redirect.go)
		}
		if status >= 500 {
			d.Logger.ErrorContext(c.UserContext(), "request failed", "request_id", web.RequestID(c), "tenant_id", tenantID(c), "path", c.Path(), "error", err)
		}
		if t == nil {
			// Before tenant resolution (a static asset, a malformed request).
			return c.Status(status).SendString(statusText(status))
		}
		name := "error"
		if status == fiber.StatusNotFound {
			name = "notfound"
		}
		view := themes.Page{Status: status, NoIndex: true, Path: c.Path(), Site: themes.Site{Name: t.Name, BaseURL: baseURL(d, t)}}
		if status == fiber.StatusBadRequest && fe != nil {
			view.Message = fe.Message // what is wrong with the address (an unreadable query string), written for patients
		}
		// The error page keeps the site's navigation when the database
		// answers; a 500 caused by the database renders without it, and so
		// does an overloaded replica's 503 (no render slot came free): its
		// queries would add to the load the slots exist to bound.
		if !errors.Is(err, pagecache.ErrBusy) {
			if r, err := load(c, d); err == nil {
				view.Site = r.site
			}
		}
		var buf bytes.Buffer
		if rerr := d.Themes.Render(&buf, t.Theme, name, view); rerr != nil {
			d.Logger.ErrorContext(c.UserContext(), "render error page", "error", rerr)
			return c.Status(status).SendString(statusText(status))
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		c.Type("html", "utf-8")
		return c.Status(status).Send(buf.Bytes())
	}
}

// unavailablePage answers a request that needed the database while it is
// unreachable (and no last good copy stood in): a themed 503 with
// Retry-After, the PCN's name (the resolver keeps it), the phone numbers the
// last home page showed, and where to get medical help now. It reads
// nothing from the database.
func unavailablePage(c *fiber.Ctx, d Deps, t *tenants.Tenant, err error) error {
	ctx := c.UserContext()
	d.Logger.WarnContext(ctx, "database unavailable", "request_id", web.RequestID(c), "tenant_id", t.ID, "path", c.Path(), "error", err)
	view := themes.Page{Status: fiber.StatusServiceUnavailable, NoIndex: true, Path: c.Path(),
		Site: themes.Site{Name: t.Name, BaseURL: baseURL(d, t)}}
	if card, ok := d.Contacts.lookup(ctx, t.ID); ok {
		view.Site.Phone = card.Phone
		view.Practices = card.phones(t.Name)
	}
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retryAfterOutage))
	c.Set(fiber.HeaderCacheControl, "no-store")
	var buf bytes.Buffer
	if rerr := d.Themes.Render(&buf, t.Theme, "unavailable", view); rerr != nil {
		d.Logger.ErrorContext(ctx, "render unavailable page", "error", rerr)
		return c.Status(fiber.StatusServiceUnavailable).SendString(statusText(fiber.StatusServiceUnavailable))
	}
	c.Type("html", "utf-8")
	return c.Status(fiber.StatusServiceUnavailable).Send(buf.Bytes())
}

// suspendedView is what the page of a suspended site tells patients: the
// PCN's name and the phone numbers of the network and its practices. They
// come from the contact card the outage page uses (this process, else
// Redis); a site suspended longer than Redis keeps cards, or never rendered,
// has its card made from the database once and remembered.
func suspendedView(ctx context.Context, d Deps, t *tenants.Tenant) themes.Platform {
	view := themes.Platform{SiteName: t.Name}
	card, ok := d.Contacts.lookup(ctx, t.ID)
	if !ok {
		store := t.Store(ctx, d.DB)
		settings, err := store.Settings()
		if err != nil {
			d.Logger.WarnContext(ctx, "suspended page without phone numbers", "tenant_id", t.ID, "error", err)
			return view
		}
		practices, err := store.Practices()
		if err != nil {
			d.Logger.WarnContext(ctx, "suspended page without phone numbers", "tenant_id", t.ID, "error", err)
			return view
		}
		list := make([]themes.Practice, 0, len(practices))
		for _, p := range practices {
			list = append(list, themes.Practice{Name: p.Name, Phone: p.Phone})
		}
		d.Contacts.rememberHome(ctx, t.ID, settings.Phone, list)
		if card, ok = d.Contacts.lookup(ctx, t.ID); !ok {
			return view
		}
	}
	view.Phones = card.phones(t.Name)
	return view
}

// closedView is what the page of a closed site tells patients: the PCN's
// name, when ODS says it closed, and where each of its practices went, with
// a link to the new network's site where it has a live one. A failed read
// leaves the page with the name only.
func closedView(ctx context.Context, d Deps, t *tenants.Tenant) themes.Platform {
	view := themes.Platform{SiteName: t.Name}
	if tn, err := d.DB.TenantByID(ctx, t.ID); err == nil && tn.ClosedOn != nil {
		view.ClosedOn = tn.ClosedOn.Format("2 January 2006")
	}
	moves, err := t.Store(ctx, d.DB).PracticeMoves()
	if err != nil {
		d.Logger.WarnContext(ctx, "closed page without its practices", "tenant_id", t.ID, "error", err)
		return view
	}
	for _, m := range moves {
		mv := themes.Moved{Practice: m.Practice, Phone: m.Phone, PCN: m.PCN}
		if m.Slug != "" {
			mv.URL = baseURL(d, &tenants.Tenant{Slug: m.Slug, PrimaryHost: m.PrimaryDomain}) + "/"
		}
		view.Moves = append(view.Moves, mv)
	}
	return view
}

// retryAfterOutage is the Retry-After (seconds) of pages answered while
// the database is unreachable.
const retryAfterOutage = 30

func platformPage(c *fiber.Ctx, d Deps, status int, name string, data themes.Platform) error {
	data.Status = status
	var buf bytes.Buffer
	if err := d.Themes.RenderPlatform(&buf, name, data); err != nil {
		d.Logger.ErrorContext(c.UserContext(), "render platform page", "page", name, "error", err)
		return c.Status(status).SendString(statusText(status))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Type("html", "utf-8")
	return c.Status(status).Send(buf.Bytes())
}

func statusText(status int) string { return fiber.NewError(status).Message }

// ServeStale reports whether a failed render may be replaced by a last good
// copy: not when the failure is the client's (not found, bad request).
func ServeStale(err error) bool {
	var fe *fiber.Error
	switch {
	case errors.Is(err, models.ErrNotFound), errors.Is(err, models.ErrInvalid):
		return false
	case errors.As(err, &fe):
		return fe.Code >= 500
	}
	return true
}
