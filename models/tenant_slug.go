package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// oldSlug is a slug a tenant had before an operator changed it: its old
// platform host redirects to the new one (tenants.Resolver).
type oldSlug struct {
	Slug      string `gorm:"primaryKey"`
	TenantID  int64
	CreatedAt time.Time
}

func (oldSlug) TableName() string { return "tenant_old_slugs" }

// takeOldSlug hands slug to tenant id: a row saying it was another
// tenant's old slug is deleted (a tenant given the slug wins over the
// redirect), and that tenant's generation is bumped so every replica's host
// map lets go of the old host. It returns the bumped generation, if any.
func takeOldSlug(tx *gorm.DB, slug string, id int64) ([]generation, error) {
	var row oldSlug
	err := tx.Where("slug = ?", slug).Take(&row).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("old slug %s: %w", slug, err)
	}
	if err := tx.Where("slug = ?", slug).Delete(&oldSlug{}).Error; err != nil {
		return nil, fmt.Errorf("old slug %s: %w", slug, err)
	}
	if row.TenantID == id {
		return nil, nil // a tenant taking its own old slug back
	}
	return bumpGenerations(tx, []int64{row.TenantID}, time.Now())
}

// RenameTenant changes a tenant's slug, and so its platform host
// (<slug>.<base>), to newSlug: a valid, unreserved slug no other tenant
// has. The old slug is kept so its host answers with a redirect to the new
// one, until another tenant is given it. The caller audits the change.
func (d *DB) RenameTenant(ctx context.Context, slug, newSlug string) (Tenant, error) {
	if err := ValidateSlug(newSlug); err != nil {
		return Tenant{}, err
	}
	t, err := d.TenantBySlug(ctx, slug)
	if err != nil {
		return Tenant{}, err
	}
	if newSlug == slug {
		return Tenant{}, invalid("slug", fmt.Sprintf("the tenant's slug is %q already", slug))
	}
	var formerOwner []generation
	err = d.mutate(ctx, t.ID, func(tx *gorm.DB) error {
		var taken int64
		if err := tx.Model(&Tenant{}).Where("slug = ?", newSlug).Count(&taken).Error; err != nil {
			return err
		}
		if taken > 0 {
			return invalid("slug", fmt.Sprintf("%q is taken by another tenant", newSlug))
		}
		var err error
		if formerOwner, err = takeOldSlug(tx, newSlug, t.ID); err != nil {
			return err
		}
		if err := tx.Model(&Tenant{}).Where("id = ?", t.ID).UpdateColumn("slug", newSlug).Error; err != nil {
			return err
		}
		return tx.Create(&oldSlug{Slug: slug, TenantID: t.ID, CreatedAt: time.Now().UTC()}).Error
	})
	if err != nil {
		return Tenant{}, translate("rename tenant "+slug, err)
	}
	d.notifyAll(ctx, formerOwner)
	return d.TenantBySlug(ctx, newSlug)
}

// TenantByOldSlug loads the tenant that had slug before it was renamed
// (ErrNotFound when none had).
func (d *DB) TenantByOldSlug(ctx context.Context, slug string) (Tenant, error) {
	var row oldSlug
	if err := d.gorm.WithContext(ctx).Where("slug = ?", slug).Take(&row).Error; err != nil {
		return Tenant{}, translate("old slug "+slug, err)
	}
	return d.TenantByID(ctx, row.TenantID)
}

// OldSlugs returns every kept old slug with the tenant it now leads to.
func (d *DB) OldSlugs(ctx context.Context) (map[string]int64, error) {
	var rows []oldSlug
	if err := d.gorm.WithContext(ctx).Find(&rows).Error; err != nil {
		return nil, translate("old slugs", err)
	}
	m := make(map[string]int64, len(rows))
	for _, r := range rows {
		m[r.Slug] = r.TenantID
	}
	return m, nil
}
