package console

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/signin"
	"github.com/pcnweb/pcnweb/internal/chart"
	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/internal/metrics"
	"github.com/pcnweb/pcnweb/models"
)

// auditRow is one operator audit entry.
type auditRow struct {
	At, Who, Action, Tenant, Subject, Why string
}

// trafficView is the platform's page views and 404s per tenant from the
// shared figures every replica flushes to (models.DB.PlatformViews), over
// the last 7 and 30 days (UK dates, today included), busiest first.
type trafficView struct {
	From7, From30, To string // "1 December 2026"
	Rows              []trafficRow
	// Totals over every tenant.
	Views7, NotFound7, Views30, NotFound30 string
}

// trafficRow is one tenant's figures, numbers written with commas.
type trafficRow struct {
	Tenant, Slug                           string
	Views7, NotFound7, Views30, NotFound30 string
}

// platformTraffic reads the shared figures of the last 7 and 30 days;
// names maps tenant ids to their names and slugs.
func platformTraffic(ctx context.Context, d Deps, names map[int64]models.Tenant) (*trafficView, error) {
	to := d.now().In(hours.Location())
	from7, from30 := to.AddDate(0, 0, -6), to.AddDate(0, 0, -29)
	week, err := d.DB.PlatformViews(ctx, from7, to)
	if err != nil {
		return nil, err
	}
	month, err := d.DB.PlatformViews(ctx, from30, to)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]models.TenantViews, len(week))
	var v7, n7, v30, n30 int64
	for _, w := range week {
		byID[w.TenantID] = w
		v7, n7 = v7+w.Views, n7+w.NotFound
	}
	slices.SortStableFunc(month, func(a, b models.TenantViews) int { return cmp.Compare(b.Views, a.Views) })
	tv := &trafficView{From7: from7.Format("2 January 2006"), From30: from30.Format("2 January 2006"), To: to.Format("2 January 2006")}
	for _, m := range month {
		w := byID[m.TenantID]
		v30, n30 = v30+m.Views, n30+m.NotFound
		t, ok := names[m.TenantID]
		if !ok {
			t = models.Tenant{Name: fmt.Sprintf("tenant %d (deleted)", m.TenantID)}
		}
		tv.Rows = append(tv.Rows, trafficRow{Tenant: t.Name, Slug: t.Slug,
			Views7: chart.Thousands(w.Views), NotFound7: chart.Thousands(w.NotFound), Views30: chart.Thousands(m.Views), NotFound30: chart.Thousands(m.NotFound)})
	}
	tv.Views7, tv.NotFound7, tv.Views30, tv.NotFound30 = chart.Thousands(v7), chart.Thousands(n7), chart.Thousands(v30), chart.Thousands(n30)
	return tv, nil
}

// statRow is one tenant's counters on this replica.
type statRow struct {
	Tenant     string
	Requests   uint64
	HitRatio   string // "93%"
	MeanRender string // "1.2ms"
	Errors     uint64
}

// announcementRow is a platform announcement.
type announcementRow struct {
	ID                  int64
	Title, Starts, Ends string
	Current, Ended      bool
}

// tokenRow is an API token (never the token itself).
type tokenRow struct {
	ID                                                 int64
	Name, Prefix, Scopes, CreatedBy, LastUsed, Expires string
	Revoked                                            bool
}

// london is UK time, in which operators type announcement times.
var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic("console: no Europe/London time zone: " + err.Error())
	}
	return l
}()

func showPlatform(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		v, cv := baseView(c, "Platform", "platform")
		ts, err := d.DB.ListTenants(ctx)
		if err != nil {
			return err
		}
		tenantsByID := make(map[int64]models.Tenant, len(ts))
		names := make(map[int64]string, len(ts))
		for _, t := range ts {
			tenantsByID[t.ID], names[t.ID] = t, t.Name
		}
		if cv.Traffic, err = platformTraffic(ctx, d, tenantsByID); err != nil {
			return err
		}
		if d.Metrics != nil {
			stats := d.Metrics.Tenants()
			if len(stats) > 0 {
				stats = slices.Clone(stats)
				slices.SortStableFunc(stats, func(a, b metrics.TenantStats) int { return cmp.Compare(b.Requests, a.Requests) })
				for _, s := range stats {
					name := names[s.TenantID]
					if name == "" {
						name = fmt.Sprintf("tenant %d", s.TenantID)
					}
					cv.Stats = append(cv.Stats, statRow{Tenant: name, Requests: s.Requests,
						HitRatio: fmt.Sprintf("%.0f%%", 100*s.HitRatio()), MeanRender: s.MeanRender().Round(10 * time.Microsecond).String(), Errors: s.Errors})
				}
			}
		}
		now := d.now()
		as, err := d.DB.Announcements(ctx, now, 20)
		if err != nil {
			return err
		}
		for _, a := range as {
			cv.Announcement = append(cv.Announcement, announcementRow{ID: a.ID, Title: a.Title,
				Starts: hours.FormatInstant(a.StartsAt), Ends: hours.FormatInstant(a.EndsAt),
				Current: !a.StartsAt.After(now) && a.EndsAt.After(now), Ended: !a.EndsAt.After(now)})
		}
		switch c.Query("done") {
		case "added":
			v.Notice = "The announcement has been added. Every website shows it between its start and end."
		case "ended":
			v.Notice = "The announcement has ended."
		}
		return render(c, d, fiber.StatusOK, "console-platform", v)
	}
}

func announcementForm() consoleForm {
	return consoleForm{Action: "/platform/announcements/new", Button: "Add announcement", Back: "/platform", BackText: "Back to platform",
		Intro: "The banner appears at the top of every tenant's website between the start and the end.",
		Fields: []consoleField{
			{Name: "title", Label: "Title", Hint: "For example: NHS App not working"},
			{Name: "body", Label: "Text", Kind: "textarea"},
			{Name: "starts_at", Label: "Starts (UK time)", Hint: "For example 24/11/2026 09:00", Kind: "datetime-local"},
			{Name: "ends_at", Label: "Ends (UK time)", Kind: "datetime-local"},
			whyField(),
		}}
}

// ukInstant reads a datetime-local value in UK time.
func ukInstant(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, &models.ValidationError{Field: field, Message: "Enter a date and time"}
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", v, london)
	if err != nil {
		return time.Time{}, &models.ValidationError{Field: field, Message: "Enter a real date and time, for example 24/11/2026 09:00"}
	}
	return t, nil
}

func addAnnouncement(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		f := announcementForm()
		return submit(c, d, "Add an announcement", "platform", &f, func(why string) (string, error) {
			start, err := ukInstant("starts_at", value(&f, "starts_at"))
			if err != nil {
				return "", err
			}
			end, err := ukInstant("ends_at", value(&f, "ends_at"))
			if err != nil {
				return "", err
			}
			o := signin.FromCtx(c)
			a, err := d.DB.AddAnnouncement(c.UserContext(), models.Announcement{Title: value(&f, "title"), Body: value(&f, "body"),
				StartsAt: start, EndsAt: end, CreatedBy: o.User.Email})
			if err != nil {
				return "", err
			}
			audit(c, d, o.User, "announcement.add", nil, a.Title, why)
			return "/platform?done=added", nil
		})
	}
}

func announcementOf(c *fiber.Ctx, d Deps) (models.Announcement, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return models.Announcement{}, models.ErrNotFound
	}
	as, err := d.DB.Announcements(c.UserContext(), d.now(), 1000)
	if err != nil {
		return models.Announcement{}, err
	}
	for _, a := range as {
		if a.ID == id {
			return a, nil
		}
	}
	return models.Announcement{}, models.ErrNotFound
}

func endForm(a models.Announcement) consoleForm {
	return consoleForm{Action: fmt.Sprintf("/platform/announcements/%d/end", a.ID), Button: "End now", Warning: true,
		Back: "/platform", BackText: "Back to platform", Intro: "The banner “" + a.Title + "” disappears from every website at once.",
		Fields: []consoleField{whyField()}}
}

func showEndAnnouncement(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a, err := announcementOf(c, d)
		if err != nil {
			return err
		}
		return formPage(c, d, fiber.StatusOK, "End the announcement", "platform", endForm(a), nil)
	}
}

func endAnnouncement(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a, err := announcementOf(c, d)
		if err != nil {
			return err
		}
		f := endForm(a)
		return submit(c, d, "End the announcement", "platform", &f, func(why string) (string, error) {
			if err := d.DB.EndAnnouncement(c.UserContext(), a.ID, d.now()); err != nil {
				return "", err
			}
			audit(c, d, signin.FromCtx(c).User, "announcement.end", nil, a.Title, why)
			return "/platform?done=ended", nil
		})
	}
}

func listTokens(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ts, err := d.DB.APITokens(c.UserContext())
		if err != nil {
			return err
		}
		v, cv := baseView(c, "API tokens", "tokens")
		for _, t := range ts {
			row := tokenRow{ID: t.ID, Name: t.Name, Prefix: t.Prefix, Scopes: strings.ReplaceAll(t.Scopes, " ", ", "), CreatedBy: t.CreatedBy, Revoked: t.RevokedAt != nil}
			if t.LastUsedAt != nil {
				row.LastUsed = hours.FormatInstant(*t.LastUsedAt)
			}
			if t.ExpiresAt != nil {
				row.Expires = hours.FormatInstant(*t.ExpiresAt)
			}
			cv.Tokens = append(cv.Tokens, row)
		}
		if c.Query("done") == "revoked" {
			v.Notice = "The token has been revoked. It no longer works."
		}
		return render(c, d, fiber.StatusOK, "console-tokens", v)
	}
}

func tokenForm() consoleForm {
	var opts []consoleOption
	for _, s := range models.APIScopes {
		opts = append(opts, consoleOption{Value: s, Label: s})
	}
	return consoleForm{Action: "/tokens/new", Button: "Create token", Back: "/tokens", BackText: "Back to API tokens",
		Fields: []consoleField{
			{Name: "name", Label: "Name", Hint: "What the token is for, for example onboarding script"},
			{Name: "scopes", Label: "What it may do", Kind: "checkboxes", Options: opts},
			{Name: "expires", Label: "Expires on (optional)", Hint: "The token stops working at the start of this day, UK time", Kind: "date"},
			whyField(),
		}}
}

func createToken(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		f := tokenForm()
		var token string
		err := submit(c, d, "Create an API token", "tokens", &f, func(why string) (string, error) {
			o := signin.FromCtx(c)
			var scopes []string
			for _, fl := range f.Fields {
				if fl.Name == "scopes" {
					for _, op := range fl.Options {
						if op.Checked {
							scopes = append(scopes, op.Value)
						}
					}
				}
			}
			if len(scopes) == 0 {
				return "", &models.ValidationError{Field: "scopes", Message: "Choose at least one thing the token may do"}
			}
			t := models.APIToken{Name: value(&f, "name"), Scopes: strings.Join(scopes, " "), CreatedBy: o.User.Email}
			if v := value(&f, "expires"); v != "" {
				day, err := time.ParseInLocation("2006-01-02", v, london)
				if err != nil {
					return "", &models.ValidationError{Field: "expires", Message: "Enter a real date, for example 31/12/2026"}
				}
				if !day.After(d.now()) {
					return "", &models.ValidationError{Field: "expires", Message: "The expiry date must be in the future"}
				}
				t.ExpiresAt = &day
			}
			token = "pcn_" + auth.NewToken()
			t.TokenHash, t.Prefix = auth.HashToken(token), token[:8]
			saved, err := d.DB.CreateAPIToken(c.UserContext(), t)
			if err != nil {
				return "", err
			}
			audit(c, d, o.User, "token.create", nil, saved.Name+" ("+saved.Prefix+"…, "+saved.Scopes+")", why)
			v, cv := baseView(c, "Your new API token", "tokens")
			cv.NewToken = token
			return "", render(c, d, fiber.StatusOK, "console-token-created", v)
		})
		return err
	}
}

func tokenOf(c *fiber.Ctx, d Deps) (models.APIToken, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return models.APIToken{}, models.ErrNotFound
	}
	ts, err := d.DB.APITokens(c.UserContext())
	if err != nil {
		return models.APIToken{}, err
	}
	for _, t := range ts {
		if t.ID == id {
			return t, nil
		}
	}
	return models.APIToken{}, models.ErrNotFound
}

func revokeForm(t models.APIToken) consoleForm {
	return consoleForm{Action: fmt.Sprintf("/tokens/%d/revoke", t.ID), Button: "Revoke token", Warning: true, Back: "/tokens", BackText: "Back to API tokens",
		Intro: "Scripts using “" + t.Name + "” (" + t.Prefix + "…) stop working at once.", Fields: []consoleField{whyField()}}
}

func showRevoke(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tokenOf(c, d)
		if err != nil {
			return err
		}
		return formPage(c, d, fiber.StatusOK, "Revoke an API token", "tokens", revokeForm(t), nil)
	}
}

func revokeToken(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tokenOf(c, d)
		if err != nil {
			return err
		}
		f := revokeForm(t)
		return submit(c, d, "Revoke an API token", "tokens", &f, func(why string) (string, error) {
			if err := d.DB.RevokeAPIToken(c.UserContext(), t.ID, d.now()); err != nil {
				return "", err
			}
			audit(c, d, signin.FromCtx(c).User, "token.revoke", nil, t.Name+" ("+t.Prefix+"…)", why)
			return "/tokens?done=revoked", nil
		})
	}
}

func showAudit(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		ts, err := d.DB.ListTenants(ctx)
		if err != nil {
			return err
		}
		v, cv := baseView(c, "Audit log", "audit")
		var tenantID int64
		slug := c.Query("tenant")
		for _, t := range ts {
			cv.TenantSlugs = append(cv.TenantSlugs, t.Slug)
			if t.Slug == slug {
				tenantID = t.ID
			}
		}
		if slug != "" && tenantID == 0 {
			return models.ErrNotFound
		}
		cv.AuditTenant = slug
		rows, err := d.DB.OperatorAuditLogForTenantID(ctx, tenantID, 200)
		if err != nil {
			return err
		}
		for _, r := range rows {
			cv.Audit = append(cv.Audit, auditRow{At: hours.FormatInstant(r.At), Who: r.UserEmail, Action: r.Action,
				Tenant: r.TenantSlug, Subject: r.Subject, Why: r.Why})
		}
		return render(c, d, fiber.StatusOK, "console-audit", v)
	}
}
