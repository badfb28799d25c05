package api

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/hostname"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
)

// tenantJSON is a tenant as the API shows it.
type tenantJSON struct {
	ID           int64        `json:"id"`
	Slug         string       `json:"slug"`
	Name         string       `json:"name"`
	ODSCode      string       `json:"ods_code"`
	Status       string       `json:"status"`
	StatusReason string       `json:"status_reason"`
	Theme        string       `json:"theme"`
	URL          string       `json:"url"`
	Domains      []domainJSON `json:"domains"`
	CreatedAt    time.Time    `json:"created_at"`
	UpdatedAt    time.Time    `json:"updated_at"`
	// Launched: the public host shows the full site, not the holding page.
	Launched   bool       `json:"launched"`
	LaunchedAt *time.Time `json:"launched_at,omitempty"`
}

type domainJSON struct {
	Host    string `json:"host"`
	Primary bool   `json:"primary"`
}

// siteURL is the tenant's public address: its primary domain, else its
// platform host.
func siteURL(d Deps, t models.Tenant) string {
	host := t.PrimaryDomain()
	if host == "" {
		host = tenants.PlatformHost(t.Slug, d.BaseDomain)
	}
	if d.Port != "" {
		host += ":" + d.Port
	}
	scheme := d.Scheme
	if scheme == "" {
		scheme = "https"
	}
	return scheme + "://" + host + "/"
}

func tenantView(d Deps, t models.Tenant) tenantJSON {
	v := tenantJSON{ID: t.ID, Slug: t.Slug, Name: t.Name, ODSCode: t.ODSCode, Status: string(t.Status),
		StatusReason: t.StatusReason, Theme: t.Theme, URL: siteURL(d, t), Domains: []domainJSON{},
		CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC(), Launched: t.Launched(), LaunchedAt: t.LaunchedAt}
	for _, dom := range t.Domains {
		v.Domains = append(v.Domains, domainJSON{Host: dom.Host, Primary: dom.IsPrimary})
	}
	return v
}

// param returns a path parameter, unescaped.
func param(c *fiber.Ctx, name string) string {
	v, err := url.PathUnescape(c.Params(name))
	if err != nil {
		return c.Params(name)
	}
	return v
}

// tenantOf loads the tenant named in the path (404 when there is none).
func tenantOf(c *fiber.Ctx, d Deps) (models.Tenant, error) {
	slug := param(c, "slug")
	if models.ValidateSlug(slug) != nil {
		return models.Tenant{}, &apiError{status: fiber.StatusNotFound, code: "not_found", message: "There is no tenant with the slug " + slug + "."}
	}
	t, err := d.DB.TenantBySlug(c.UserContext(), slug)
	if err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return t, &apiError{status: fiber.StatusNotFound, code: "not_found", message: "There is no tenant with the slug " + slug + "."}
		}
		return t, err
	}
	return t, nil
}

// listTenants lists every tenant, or those whose slug, name or ODS code
// contains ?q= (any case).
func listTenants(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ts, err := d.DB.ListTenants(c.UserContext())
		if err != nil {
			return err
		}
		q := strings.ToLower(strings.TrimSpace(c.Query("q")))
		out := make([]tenantJSON, 0, len(ts))
		for _, t := range ts {
			if q != "" && !strings.Contains(strings.ToLower(t.Slug+"\x00"+t.Name+"\x00"+t.ODSCode), q) {
				continue
			}
			out = append(out, tenantView(d, t))
		}
		return c.JSON(fiber.Map{"tenants": out})
	}
}

func showTenant(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		return c.JSON(tenantView(d, t))
	}
}

type newTenantJSON struct {
	Slug    string `json:"slug"`
	Name    string `json:"name"`
	ODSCode string `json:"ods_code"`
	Theme   string `json:"theme"`
}

func createTenant(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in newTenantJSON
		if err := decode(c, &in); err != nil {
			return err
		}
		in.Slug = strings.TrimSpace(in.Slug)
		if in.Theme == "" {
			in.Theme = "default"
		}
		if len(d.Themes) > 0 && !slices.Contains(d.Themes, in.Theme) {
			return &apiError{status: fiber.StatusUnprocessableEntity, code: "validation_failed", field: "theme",
				message: "Choose one of the themes: " + strings.Join(d.Themes, ", ") + "."}
		}
		t, err := d.DB.CreateTenant(c.UserContext(), models.NewTenant{Slug: in.Slug, Name: in.Name,
			ODSCode: strings.ToUpper(strings.TrimSpace(in.ODSCode)), Theme: in.Theme})
		if isConflict(err) {
			return &apiError{status: fiber.StatusConflict, code: "conflict", field: "slug",
				message: "There is already a tenant with the slug " + in.Slug + ": choose another."}
		}
		if err != nil {
			return err
		}
		auditLog(c, d, "tenant.create", t, t.Name, "")
		if err := redirect.Created(c, "/api/v1/tenants/"+t.Slug); err != nil {
			return err
		}
		return c.JSON(tenantView(d, t))
	}
}

type suspendJSON struct {
	Reason string `json:"reason"`
}

func suspendTenant(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in suspendJSON
		if err := decode(c, &in); err != nil {
			return err
		}
		if strings.TrimSpace(in.Reason) == "" {
			return &apiError{status: fiber.StatusUnprocessableEntity, code: "validation_failed", field: "reason",
				message: "Say why the site is suspended, in reason."}
		}
		if len(in.Reason) > 500 {
			return &apiError{status: fiber.StatusUnprocessableEntity, code: "validation_failed", field: "reason",
				message: "Use 500 characters or fewer for the reason."}
		}
		return setStatus(c, d, models.StatusSuspended, in.Reason, "tenant.suspend")
	}
}

func resumeTenant(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in struct{}
		if err := decode(c, &in); err != nil {
			return err
		}
		return setStatus(c, d, models.StatusActive, "", "tenant.resume")
	}
}

func setStatus(c *fiber.Ctx, d Deps, status models.TenantStatus, reason, action string) error {
	t, err := tenantOf(c, d)
	if err != nil {
		return err
	}
	t, err = d.DB.SetTenantStatus(c.UserContext(), t.Slug, status, reason)
	if err != nil {
		return err
	}
	auditLog(c, d, action, t, "", reason)
	return c.JSON(tenantView(d, t))
}

// launchTenant takes the tenant's site from its holding page to the full
// site; audited in the tenant's log (as the token) and the operator log.
func launchTenant(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in struct{}
		if err := decode(c, &in); err != nil {
			return err
		}
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		t, err = d.DB.LaunchTenant(c.UserContext(), t.Slug, models.Actor{Name: "api: " + tokenOf(c).Name}, d.Now())
		if errors.Is(err, models.ErrAlreadyLaunched) {
			return &apiError{status: fiber.StatusConflict, code: "conflict",
				message: "The site of " + t.Slug + " was launched already, at " + t.LaunchedAt.UTC().Format(time.RFC3339) + "."}
		}
		if err != nil {
			return err
		}
		auditLog(c, d, "tenant.launch", t, "", "")
		return c.JSON(tenantView(d, t))
	}
}

type domainInJSON struct {
	Host    string `json:"host"`
	Primary bool   `json:"primary"`
}

func addDomain(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in domainInJSON
		if err := decode(c, &in); err != nil {
			return err
		}
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		bad := func(msg string) error {
			return &apiError{status: fiber.StatusUnprocessableEntity, code: "validation_failed", field: "host", message: msg}
		}
		if strings.TrimSpace(in.Host) == "" {
			return bad("Enter the host name to attach, like www.example-pcn.nhs.uk.")
		}
		host, err := hostname.Normalize(in.Host)
		if err != nil {
			return bad("Enter a valid host name, like www.example-pcn.nhs.uk.")
		}
		if host == d.ConsoleHost || (d.BaseDomain != "" && (host == d.BaseDomain || strings.HasSuffix(host, "."+d.BaseDomain))) {
			return bad("Choose a host outside the platform's own domain: the tenant answers on its platform host already.")
		}
		t, err = d.DB.AddDomain(c.UserContext(), t.Slug, host, in.Primary)
		if isConflict(err) {
			return &apiError{status: fiber.StatusConflict, code: "conflict", field: "host",
				message: "The host " + host + " is attached to a tenant already: detach it first."}
		}
		if err != nil {
			return err
		}
		action := "domain.add"
		if in.Primary {
			action = "domain.add_primary"
		}
		auditLog(c, d, action, t, host, "")
		if err := redirect.Created(c, "/api/v1/tenants/"+t.Slug); err != nil {
			return err
		}
		return c.JSON(tenantView(d, t))
	}
}

func removeDomain(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		host, err := hostname.Normalize(param(c, "host"))
		notHere := &apiError{status: fiber.StatusNotFound, code: "not_found", field: "host",
			message: "The tenant " + t.Slug + " has no domain " + param(c, "host") + "."}
		if err != nil || !slices.ContainsFunc(t.Domains, func(dom models.Domain) bool { return dom.Host == host }) {
			return notHere
		}
		t, err = d.DB.RemoveDomain(c.UserContext(), host)
		if err != nil {
			return err
		}
		auditLog(c, d, "domain.remove", t, host, "")
		return c.JSON(tenantView(d, t))
	}
}

func isConflict(err error) bool { return errors.Is(err, models.ErrConflict) }
