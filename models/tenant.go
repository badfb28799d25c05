package models

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/pcnweb/pcnweb/internal/hostname"
	"github.com/pcnweb/pcnweb/internal/ods"
)

// TenantStatus is the lifecycle state of a tenant's site.
type TenantStatus string

const (
	StatusActive    TenantStatus = "active"
	StatusSuspended TenantStatus = "suspended"
	StatusArchived  TenantStatus = "archived"
	// StatusClosed is a tenant whose PCN ODS lists as closed (the import
	// sets closed_on): its site shows where its practices went. It is not
	// stored in status (see migration 00019) but read from closed_on over
	// an active status; resuming the tenant reopens it.
	StatusClosed TenantStatus = "closed"
)

// Tenant is one PCN's site.
type Tenant struct {
	ID           int64 `gorm:"primaryKey"`
	Slug         string
	Name         string
	ODSCode      string `gorm:"column:ods_code"`
	Status       TenantStatus
	StatusReason string
	Theme        string
	// SubICBCode and SubICBName are the sub-ICB location ODS places the PCN
	// in ("36L", "NHS SOUTH WEST LONDON ICB - 36L"); "" for a tenant not
	// made from ODS. Only the importer writes them.
	SubICBCode string `gorm:"column:sub_icb_code;->"`
	SubICBName string `gorm:"column:sub_icb_name;->"`
	// Generation is bumped in the same transaction as every change to the
	// tenant's data; rendered pages carry the generation they were made from.
	Generation int64
	// ClosedOn is the date ODS says the PCN closed; nil while it is open.
	// Only the importer (and resuming) writes it.
	ClosedOn  *time.Time `gorm:"column:closed_on;->"`
	CreatedAt time.Time
	UpdatedAt time.Time
	Domains   []Domain `gorm:"foreignKey:TenantID"`
	// LaunchedAt is when the site went from its holding page to the full
	// site (launch.go); nil while it has not been launched.
	LaunchedAt *time.Time `gorm:"column:launched_at"`
}

// AfterFind reports an active tenant whose PCN closed as StatusClosed.
func (t *Tenant) AfterFind(*gorm.DB) error {
	if t.ClosedOn != nil && t.Status == StatusActive {
		t.Status = StatusClosed
	}
	return nil
}

// PrimaryDomain returns the host other hosts redirect to, or "".
func (t Tenant) PrimaryDomain() string {
	for _, d := range t.Domains {
		if d.IsPrimary {
			return d.Host
		}
	}
	return ""
}

// ICBName is the integrated care board that commissions the PCN, in the
// mixed case a page shows ("NHS South West London ICB"), or "" when ODS
// gave none.
func (t Tenant) ICBName() string { return ods.ICBName(t.SubICBName) }

// Domain is a custom host name attached to a tenant.
type Domain struct {
	ID        int64 `gorm:"primaryKey"`
	TenantID  int64
	Host      string
	IsPrimary bool
	CreatedAt time.Time
}

// NewTenant is the input of CreateTenant.
type NewTenant struct {
	Slug    string
	Name    string
	ODSCode string
	Theme   string
	Domains []string // normalised hosts; the first is not made primary
	// Launched makes the tenant launched from the start. A new tenant shows
	// its holding page until someone launches it (launch.go); only the demo
	// and test fixtures, whose sites are meant to be public at once, set it.
	Launched bool
}

var (
	slugRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
	odsRE  = regexp.MustCompile(`^[A-Z0-9]{3,10}$`)
	// Slugs that would collide with the platform's own hosts.
	reservedSlugs = map[string]bool{"www": true, "console": true, "admin": true, "api": true, "static": true, "media": true, "mail": true, "status": true}
)

// ValidateSlug checks a tenant slug: it becomes a DNS label under the base domain.
func ValidateSlug(slug string) error {
	switch {
	case slug == "":
		return invalid("slug", "enter a slug")
	case !slugRE.MatchString(slug):
		return invalid("slug", "use 1 to 63 lower-case letters, digits and hyphens, not starting or ending with a hyphen")
	case reservedSlugs[slug]:
		return invalid("slug", fmt.Sprintf("%q is reserved for the platform", slug))
	}
	return nil
}

func validateName(name string) error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(name)); {
	case n == 0:
		return invalid("name", "enter a name")
	case n > 200:
		return invalid("name", "use 200 characters or fewer")
	}
	return nil
}

func validateODS(code string) error {
	if code != "" && !odsRE.MatchString(code) {
		return invalid("ods_code", "an ODS code is 3 to 10 upper-case letters and digits, like U12345")
	}
	return nil
}

func validateHost(host string) error {
	if !hostname.Valid(host) {
		return invalid("domain", fmt.Sprintf("%q is not a valid host name", host))
	}
	return nil
}

// CreateTenant creates a tenant and its domains in one transaction.
func (d *DB) CreateTenant(ctx context.Context, in NewTenant) (Tenant, error) {
	in.Name = strings.TrimSpace(in.Name)
	if in.Theme == "" {
		in.Theme = "default"
	}
	for _, err := range []error{ValidateSlug(in.Slug), validateName(in.Name), validateODS(in.ODSCode)} {
		if err != nil {
			return Tenant{}, err
		}
	}
	for _, h := range in.Domains {
		if err := validateHost(h); err != nil {
			return Tenant{}, err
		}
	}
	t := Tenant{Slug: in.Slug, Name: in.Name, ODSCode: in.ODSCode, Status: StatusActive, Theme: in.Theme, Generation: 1}
	var formerOwner []generation
	if in.Launched {
		now := time.Now().UTC()
		t.LaunchedAt = &now
	}
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Omit("Domains").Create(&t).Error; err != nil {
			return translate("create tenant "+in.Slug, err)
		}
		var err error
		if formerOwner, err = takeOldSlug(tx, in.Slug, t.ID); err != nil {
			return err
		}
		for _, h := range in.Domains {
			dom := Domain{TenantID: t.ID, Host: h}
			if err := tx.Create(&dom).Error; err != nil {
				return translate("add domain "+h, err)
			}
			t.Domains = append(t.Domains, dom)
		}
		return nil
	})
	if err != nil {
		return Tenant{}, err
	}
	d.notifyAll(ctx, append([]generation{{ID: t.ID, Generation: t.Generation}}, formerOwner...))
	return t, nil
}

// TenantBySlug loads a tenant with its domains.
func (d *DB) TenantBySlug(ctx context.Context, slug string) (Tenant, error) {
	var t Tenant
	err := d.gorm.WithContext(ctx).Preload("Domains", orderDomains).Where("slug = ?", slug).Take(&t).Error
	return t, translate("tenant "+slug, err)
}

// TenantByID loads a tenant with its domains.
func (d *DB) TenantByID(ctx context.Context, id int64) (Tenant, error) {
	var t Tenant
	err := d.gorm.WithContext(ctx).Preload("Domains", orderDomains).Where("id = ?", id).Take(&t).Error
	return t, translate(fmt.Sprintf("tenant %d", id), err)
}

// TenantByHost loads the tenant a custom domain is attached to.
func (d *DB) TenantByHost(ctx context.Context, host string) (Tenant, error) {
	var dom Domain
	if err := d.gorm.WithContext(ctx).Where("host = ?", host).Take(&dom).Error; err != nil {
		return Tenant{}, translate("domain "+host, err)
	}
	return d.TenantByID(ctx, dom.TenantID)
}

// ListTenants returns every tenant with its domains, ordered by slug.
func (d *DB) ListTenants(ctx context.Context) ([]Tenant, error) {
	var ts []Tenant
	err := d.gorm.WithContext(ctx).Preload("Domains", orderDomains).Order("slug").Find(&ts).Error
	return ts, translate("list tenants", err)
}

// Generations returns every tenant's current generation, for replicas that
// check their caches against the database.
func (d *DB) Generations(ctx context.Context) (map[int64]int64, error) {
	var rows []struct{ ID, Generation int64 }
	if err := d.gorm.WithContext(ctx).Model(&Tenant{}).Select("id, generation").Find(&rows).Error; err != nil {
		return nil, translate("tenant generations", err)
	}
	m := make(map[int64]int64, len(rows))
	for _, r := range rows {
		m[r.ID] = r.Generation
	}
	return m, nil
}

// SetTenantStatus suspends, resumes or archives a tenant.
func (d *DB) SetTenantStatus(ctx context.Context, slug string, status TenantStatus, reason string) (Tenant, error) {
	switch status {
	case StatusActive, StatusSuspended, StatusArchived:
	default:
		return Tenant{}, invalid("status", fmt.Sprintf("unknown status %q", status))
	}
	if status == StatusActive {
		reason = ""
	}
	t, err := d.TenantBySlug(ctx, slug)
	if err != nil {
		return Tenant{}, err
	}
	upd := map[string]any{"status": status, "status_reason": strings.TrimSpace(reason)}
	if status == StatusActive && t.Status == StatusClosed {
		upd["closed_on"] = nil // resuming a closed tenant reopens it
	}
	err = d.mutate(ctx, t.ID, func(tx *gorm.DB) error {
		return tx.Table("tenants").Where("id = ?", t.ID).Updates(upd).Error // closed_on is read-only in Tenant
	})
	if err != nil {
		return Tenant{}, translate("set status of "+slug, err)
	}
	return d.TenantBySlug(ctx, slug)
}

// AddDomain attaches host to the tenant; primary makes it the host that the
// tenant's other hosts redirect to.
func (d *DB) AddDomain(ctx context.Context, slug, host string, primary bool) (Tenant, error) {
	if err := validateHost(host); err != nil {
		return Tenant{}, err
	}
	t, err := d.TenantBySlug(ctx, slug)
	if err != nil {
		return Tenant{}, err
	}
	err = d.mutate(ctx, t.ID, func(tx *gorm.DB) error {
		if primary {
			if err := tx.Model(&Domain{}).Where("tenant_id = ? AND is_primary", t.ID).Update("is_primary", false).Error; err != nil {
				return err
			}
		}
		return tx.Create(&Domain{TenantID: t.ID, Host: host, IsPrimary: primary}).Error
	})
	if err != nil {
		return Tenant{}, translate("add domain "+host, err)
	}
	return d.TenantBySlug(ctx, slug)
}

// RemoveDomain detaches host and returns the tenant it belonged to.
func (d *DB) RemoveDomain(ctx context.Context, host string) (Tenant, error) {
	t, err := d.TenantByHost(ctx, host)
	if err != nil {
		return Tenant{}, err
	}
	err = d.mutate(ctx, t.ID, func(tx *gorm.DB) error {
		return tx.Where("tenant_id = ? AND host = ?", t.ID, host).Delete(&Domain{}).Error
	})
	if err != nil {
		return Tenant{}, translate("remove domain "+host, err)
	}
	return d.TenantByID(ctx, t.ID)
}

func orderDomains(db *gorm.DB) *gorm.DB { return db.Order("is_primary DESC, host") }
