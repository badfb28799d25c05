package site

import (
	"context"
	"log/slog"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/maypok86/otter/v2"
	"golang.org/x/sync/singleflight"

	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
)

// Redirects from a tenant's old addresses (models.Redirect), and the count
// of the addresses that found nothing.
//
// A redirect is answered where the site would answer 404: the page cache
// stores only 200s, so a 404 (and the redirect that replaces it) is worked
// out on every request, from the tenant's redirect table kept here in
// memory for the tenant's current generation: cached like pages, and
// retired like them by the generation bump of every write. A redirect
// whose old address names a query ("/index.php?page_id=7", "/?p=12") is
// answered before the page cache instead, from the same table: the cache
// drops undeclared query parameters from its key and from what the page
// sees, so "?page_id=7" and "?page_id=8" would otherwise reach the same
// page, and "/" exists on every site.

// Redirects keeps each tenant's redirect table for its current generation
// and counts the 404s of public sites. Its zero value is not usable: make
// one with NewRedirects. A nil *Redirects answers no redirects and counts
// nothing.
type Redirects struct {
	db     *models.DB
	logger *slog.Logger
	tables *otter.Cache[int64, *redirectTable]
	loads  singleflight.Group
}

// redirectTable is a tenant's table as of one generation.
type redirectTable struct {
	generation int64
	table      *models.RedirectTable
}

// NewRedirects makes the site's cache of redirect tables, bounded to about
// 32 MiB, reading through db (nil: no redirects).
func NewRedirects(db *models.DB, logger *slog.Logger) *Redirects {
	if logger == nil {
		logger = slog.Default()
	}
	return &Redirects{
		db:     db,
		logger: logger,
		tables: otter.Must(&otter.Options[int64, *redirectTable]{
			MaximumWeight: 32 << 20,
			Weigher:       func(_ int64, t *redirectTable) uint32 { return uint32(min(t.table.Size(), 1<<30)) },
		}),
	}
}

// table is the tenant's redirect table for its current generation, read
// from the database once per generation however many requests ask.
func (rs *Redirects) table(ctx context.Context, t *tenants.Tenant) (*models.RedirectTable, error) {
	gen := t.Generation()
	if cached, ok := rs.tables.GetIfPresent(t.ID); ok && cached.generation == gen {
		return cached.table, nil
	}
	key := strconv.FormatInt(t.ID, 10) + "/" + strconv.FormatInt(gen, 10)
	v, err, _ := rs.loads.Do(key, func() (any, error) {
		table, err := t.Store(context.WithoutCancel(ctx), rs.db).RedirectTable()
		if err != nil {
			return nil, err
		}
		// A table read after a later write is newer than gen, never older:
		// keeping it under gen costs at most one more read.
		if cur, ok := rs.tables.GetIfPresent(t.ID); !ok || cur.generation <= gen {
			rs.tables.Set(t.ID, &redirectTable{generation: gen, table: table})
		}
		return table, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*models.RedirectTable), nil
}

// match finds the tenant's redirect for the request, if any: with
// withQueryOnly, only one whose old address names a query. A failure to
// read the table is logged and answered as no redirect: the page (or its
// 404) is better than an error.
func (rs *Redirects) match(c *fiber.Ctx, t *tenants.Tenant, withQueryOnly bool) (models.Redirect, bool) {
	if rs == nil || rs.db == nil || t == nil {
		return models.Redirect{}, false
	}
	table, err := rs.table(c.UserContext(), t)
	if err != nil {
		rs.logger.WarnContext(c.UserContext(), "redirects unavailable", "tenant_id", t.ID, "error", err)
		return models.Redirect{}, false
	}
	return table.Match(c.Path(), rawQuery(c), withQueryOnly)
}

// rawQuery is the request's query string as the request line has it.
// The redirect lookup is the site's one reader of undeclared parameters
// (query_test.go's check guards the handlers behind the page cache): before
// the cache it sees the query as sent, and in place of a 404 as the cache
// cut it to the route's declared parameters.
func rawQuery(c *fiber.Ctx) string {
	_, q, _ := strings.Cut(string(c.Request().RequestURI()), "?")
	q, _, _ = strings.Cut(q, "#")
	return q
}

// send answers the request with the redirect r, through package redirect;
// false when its target cannot be sent (nothing is written then).
func sendRedirect(c *fiber.Ctx, r models.Redirect) bool {
	// Browsers keep a 301 for good unless told otherwise: for an hour, so
	// that a manager's correction reaches patients who followed it before.
	cacheControl := "public, max-age=3600"
	if r.Status != fiber.StatusMovedPermanently {
		cacheControl = "no-cache"
	}
	var err error
	if strings.HasPrefix(r.To, "/") {
		err = redirect.To(c, r.To, r.Status)
	} else {
		err = redirect.ToURL(c, r.To, r.Status)
	}
	if err != nil {
		return false
	}
	c.Set(fiber.HeaderCacheControl, cacheControl)
	return true
}

// redirectQuery answers, before the page cache, a GET or HEAD whose path
// and query are an old address with a query that the tenant redirects
// ("/index.php?page_id=7"). Anything else goes on to the page.
func redirectQuery(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if rawQuery(c) == "" || (c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead) {
			return c.Next()
		}
		t := tenants.FromCtx(c)
		if t == nil || !t.Launched {
			return c.Next()
		}
		if r, ok := d.Redirects.match(c, t, true); ok && sendRedirect(c, r) {
			return nil
		}
		return c.Next()
	}
}

// answerNotFound is the error handler's step before a tenant's 404 page:
// the redirect from the address, if the tenant has one (true: answered).
// A 404 that is not answered so is counted by the analytics (countVisit),
// which is also where the admin's list of missing addresses comes from.
func answerNotFound(c *fiber.Ctx, d Deps, t *tenants.Tenant) bool {
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		return false
	}
	r, ok := d.Redirects.match(c, t, false)
	return ok && sendRedirect(c, r)
}
