package site

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/pagecache"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// The holding page (issue 11 §3). Until a tenant is launched, every page
// of its public host is one short page: the PCN's name, its practices'
// phone numbers, and NHS 111 and 999 for help now; it asks search engines
// not to index it (meta robots and X-Robots-Tag), robots.txt disallows
// everything, and the sitemap and feeds are not there. /static, /media and
// /admin are served as for any tenant (they are routed before the site).
//
// The holding page goes through the page cache like any page, under the
// tenant's generation: launching bumps it (models.TenantDB.Launch), so
// every replica serves the full site from the moment the launch returns.
//
// A signed-in member of the tenant previews the full site with the preview
// cookie the admin panel sets (tenants.PreviewCookie, signed with
// Deps.PreviewKey): such requests bypass the page cache, are never stored,
// and carry a notice saying the site is not live yet.

// holdingNoIndex sets X-Robots-Tag on every response of a tenant not
// launched, cached or not (the page cache keeps the body, not the headers,
// so this runs before it).
func holdingNoIndex(c *fiber.Ctx) error {
	if t := tenants.FromCtx(c); t != nil && !t.Launched {
		c.Set("X-Robots-Tag", "noindex")
	}
	return c.Next()
}

// previewBypass reports whether the request to a tenant not launched
// carries a preview cookie: the page cache does not answer it (it is
// checked by unlessLaunched, after the cache).
func previewBypass(c *fiber.Ctx, t *tenants.Tenant) bool {
	return !t.Launched && c.Cookies(tenants.PreviewCookie) != ""
}

// previewKey marks a request whose full page is a manager's preview.
type previewKey struct{}

// unlessLaunched runs h, the page's handler, for a launched tenant and for
// a member's preview; anyone else gets the holding page.
func unlessLaunched(d Deps, h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t := tenants.FromCtx(c)
		if t == nil || t.Launched {
			return h(c)
		}
		ok, err := d.previewer(c, t)
		if err != nil {
			return err
		}
		if ok {
			c.Locals(previewKey{}, true)
			c.Set(fiber.HeaderCacheControl, "private, no-store")
			pagecache.NoStore(c)
			return h(c)
		}
		return holding(c, d, t, h)
	}
}

// holding answers a request to a tenant not launched.
func holding(c *fiber.Ctx, d Deps, t *tenants.Tenant, h fiber.Handler) error {
	store := t.Store(c.UserContext(), d.DB)
	// This replica may have resolved the tenant just before a launch whose
	// generation the page cache has already seen: the row decides.
	at, err := store.LaunchedAt()
	if err != nil {
		return err
	}
	if at != nil {
		return h(c)
	}
	path := c.Path()
	switch {
	case path == "/robots.txt":
		c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
		return c.SendString("User-agent: *\nDisallow: /\n")
	case strings.HasSuffix(path, ".xml") || strings.HasSuffix(path, ".ics"):
		// The sitemap and the feeds: not until the site is launched.
		return fiber.ErrNotFound
	}
	settings, err := store.Settings()
	if err != nil {
		return err
	}
	practices, err := store.Practices()
	if err != nil {
		return err
	}
	site := themes.Site{Name: t.Name, BaseURL: baseURL(d, t), Phone: settings.Phone, Email: settings.Email,
		NHSIdentity: settings.NHSIdentity, Holding: true}
	if _, _, ok := models.ParseMediaPath(settings.LogoURL); ok {
		site.LogoURL = settings.LogoURL
	}
	a, next, err := d.DB.ActiveAnnouncement(c.UserContext(), d.Now())
	if err != nil {
		return err
	}
	if a != nil {
		site.Announcement = &themes.Notice{Title: a.Title, Text: a.Body, Until: "until " + hours.FormatInstant(a.EndsAt)}
	}
	expireAt(c, next)
	view := themes.Page{Site: site, Path: path, CanonicalURL: site.BaseURL + "/", NoIndex: true,
		Description: "How to contact " + t.Name + " and its GP practices while its new website is being prepared."}
	for _, p := range practices {
		view.Practices = append(view.Practices, themes.Practice{ODSCode: p.ODSCode, Name: p.Name, Phone: p.Phone, PhoneHref: telHref(p.Phone)})
	}
	return render(c, d, t, "holding", view)
}

// The notice on every page of a manager's preview.
const (
	PreviewSiteBanner = "Preview – your website is not live yet"
	previewSiteText   = "Patients see a short holding page with your practices' phone numbers until a manager launches the website."
)

// previewNotice is the notice on top of every page of a preview.
func previewNotice() *themes.Notice {
	return &themes.Notice{Title: PreviewSiteBanner, Text: previewSiteText, Links: []themes.NavLink{
		{Title: "Go to the launch checklist", URL: tenants.AdminPath + "/launch"},
		{Title: "Stop previewing", URL: tenants.AdminPath + "/launch/preview/stop"},
	}}
}

// previewLife is how long a preview cookie works.
const previewLife = 12 * time.Hour

// PreviewToken is the value of the preview cookie that lets user userID
// preview the full site of tenant tenantID until expires, signed with key
// (the platform secret: the same Deps.PreviewKey on every replica).
func PreviewToken(key []byte, tenantID, userID int64, expires time.Time) string {
	payload := strconv.FormatInt(tenantID, 10) + "." + strconv.FormatInt(userID, 10) + "." + strconv.FormatInt(expires.Unix(), 10)
	return payload + "." + previewMAC(key, payload)
}

// PreviewExpiry is when a preview cookie made now stops working.
func PreviewExpiry(now time.Time) time.Time { return now.Add(previewLife) }

func previewMAC(key []byte, payload string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("pcnweb site preview\x00"))
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// previewer reports whether the request carries a preview cookie for t
// that is signed, unexpired, and of someone who may still see the admin
// panel: a member of the tenant, or an operator.
func (d Deps) previewer(c *fiber.Ctx, t *tenants.Tenant) (bool, error) {
	raw := c.Cookies(tenants.PreviewCookie)
	if raw == "" || len(d.PreviewKey) == 0 {
		return false, nil
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 4 {
		return false, nil
	}
	payload := strings.Join(parts[:3], ".")
	if !hmac.Equal([]byte(parts[3]), []byte(previewMAC(d.PreviewKey, payload))) {
		return false, nil
	}
	tenantID, err1 := strconv.ParseInt(parts[0], 10, 64)
	userID, err2 := strconv.ParseInt(parts[1], 10, 64)
	expires, err3 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || tenantID != t.ID || !d.Now().Before(time.Unix(expires, 0)) {
		return false, nil
	}
	ctx := c.UserContext()
	_, err := t.Store(ctx, d.DB).Membership(userID)
	switch {
	case err == nil:
		return true, nil
	case !errors.Is(err, models.ErrNotFound):
		return false, err
	}
	u, err := d.DB.UserByID(ctx, userID)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	}
	return u.IsOperator, nil
}
