package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Launch control (issue 11 §3). A tenant made by `pcnweb tenant create`,
// the console, the API or `pcnweb import ods` starts not launched: its
// public host shows a holding page (the PCN's name, its practices' phone
// numbers, 111 and 999) that asks not to be indexed, while its managers
// preview the full site. A manager (admin panel) or an operator (console,
// API, command line) launches it once; there is no way back, as there is
// no need for one (suspending a site is the operators' way to take it down).

// AuditLaunch is the audit action of launching the site.
const AuditLaunch = "site.launch"

// ErrAlreadyLaunched is returned by Launch for a site launched before.
var ErrAlreadyLaunched = errors.New("models: the site is launched already")

// Launched reports whether the tenant's full site is public.
func (t Tenant) Launched() bool { return t.LaunchedAt != nil }

// tenantRow is a handle on the tenant's own row of tenants, which has no
// tenant_id column for the bound handle's condition: the same transaction,
// without it.
func (t *TenantDB) tenantRow() *gorm.DB {
	return t.scoped.Session(&gorm.Session{NewDB: true}).Model(&Tenant{}).Where("id = ?", t.tenantID)
}

// LaunchedAt is when the tenant's site was launched, or nil while it shows
// its holding page. It reads the database, not a cached tenant.
func (t *TenantDB) LaunchedAt() (*time.Time, error) {
	var row struct{ LaunchedAt *time.Time }
	if err := t.tenantRow().Select("launched_at").Take(&row).Error; err != nil {
		return nil, translate("launched", err)
	}
	if row.LaunchedAt != nil {
		at := row.LaunchedAt.UTC()
		return &at, nil
	}
	return nil, nil
}

// Launch takes the tenant's site from its holding page to the full site,
// as by: through the mutation path, so the launch, its audit row and the
// generation bump (which retires every cached holding page on every
// replica) are one transaction. A site launched already is
// ErrAlreadyLaunched, and nothing is written.
func (t *TenantDB) Launch(by Actor, now time.Time) error {
	return t.changeAudited(by, func(tx *TenantDB) error {
		res := tx.tenantRow().Where("launched_at IS NULL").Update("launched_at", now.UTC())
		if res.Error != nil {
			return translate("launch", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrAlreadyLaunched
		}
		return tx.audit(AuditLaunch, "the full website is public")
	})
}

// LaunchTenant launches the tenant with slug (Launch) and returns it as it
// is now: for the operators' command line, console and API, which find a
// tenant by its slug.
func (d *DB) LaunchTenant(ctx context.Context, slug string, by Actor, now time.Time) (Tenant, error) {
	t, err := d.TenantBySlug(ctx, slug)
	if err != nil {
		return Tenant{}, err
	}
	if err := d.ForTenant(ctx, t.ID).Launch(by, now); err != nil {
		if errors.Is(err, ErrAlreadyLaunched) {
			return t, err
		}
		return Tenant{}, fmt.Errorf("launch %s: %w", slug, err)
	}
	return d.TenantBySlug(ctx, slug)
}

// What the launch checklist checks (LaunchItem.Check).
const (
	LaunchPractices     = "practices"       // at least one member practice is listed
	LaunchPracticePhone = "practice-phone"  // Key: the practice's ODS code
	LaunchPracticeHours = "practice-hours"  // Key: the practice's ODS code
	LaunchContact       = "contact"         // the network's own phone number or email address
	LaunchAbout         = "about"           // an About us page, or text on the home page
	LaunchAccessibility = "accessibility"   // the accessibility statement's date
	LaunchPrivacy       = "privacy"         // the data protection officer's contact
	LaunchEnhanced      = "enhanced-access" // evening and weekend appointments
)

// LaunchItem is one line of the launch checklist: what a site should have
// before patients see it, and whether it has it.
type LaunchItem struct {
	Check string
	Key   string // the practice's ODS code for the practice checks
	// Title says what is done or missing, in a manager's words.
	Title string
	Done  bool
}

// LaunchChecklist lists what the site has and lacks before its launch,
// from the tenant's data: each member practice's phone number and opening
// hours (what patients look for first), the network's contact details, a
// few words about the network, the facts the accessibility statement and
// privacy notice need, and the evening and weekend appointments every PCN
// offers. Missing items come first, in that order; launching is allowed
// with items missing (the holding page helps patients less than a partly
// filled site), so the checklist advises, it does not block.
func (t *TenantDB) LaunchChecklist() ([]LaunchItem, error) {
	settings, err := t.Settings()
	if err != nil {
		return nil, err
	}
	practices, err := t.Practices()
	if err != nil {
		return nil, err
	}
	pages, err := t.PublishedPages()
	if err != nil {
		return nil, err
	}
	sessions, err := t.EASessions()
	if err != nil {
		return nil, err
	}
	var items []LaunchItem
	add := func(check, key string, done bool, title string) {
		items = append(items, LaunchItem{Check: check, Key: key, Title: title, Done: done})
	}
	add(LaunchPractices, "", len(practices) > 0, "Your member practices are listed")
	for _, p := range practices {
		add(LaunchPracticePhone, p.ODSCode, strings.TrimSpace(p.Phone) != "", "A phone number for "+p.Name)
		hasHours := false
		for _, spans := range p.Week() {
			hasHours = hasHours || len(spans) > 0
		}
		add(LaunchPracticeHours, p.ODSCode, hasHours, "Opening hours for "+p.Name)
	}
	add(LaunchContact, "", strings.TrimSpace(settings.Phone) != "" || strings.TrimSpace(settings.Email) != "",
		"A phone number or email address for your network")
	about := false
	for _, p := range pages {
		about = about || p.Path == "/about" || p.Path == "/"
	}
	add(LaunchAbout, "", about, "A few words about your network (an About us page, or text on the home page)")
	add(LaunchAccessibility, "", settings.StatementPrepared != nil, "The date your accessibility statement was prepared")
	add(LaunchPrivacy, "", strings.TrimSpace(settings.DPOContact) != "", "How to contact your data protection officer, for the privacy notice")
	add(LaunchEnhanced, "", len(sessions) > 0, "Your evening and weekend appointments")
	// Missing first, keeping the order above within each group.
	out := make([]LaunchItem, 0, len(items))
	for _, done := range []bool{false, true} {
		for _, it := range items {
			if it.Done == done {
				out = append(out, it)
			}
		}
	}
	return out, nil
}

// LaunchMissing counts the checklist's missing items.
func LaunchMissing(items []LaunchItem) int {
	n := 0
	for _, it := range items {
		if !it.Done {
			n++
		}
	}
	return n
}
