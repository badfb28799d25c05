package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"gorm.io/gorm"
)

// DomainCheck is the verification state of a tenant's custom domain: the
// token the domain's owner publishes, and when it was last checked and
// found.
type DomainCheck struct {
	Host       string
	IsPrimary  bool
	Token      string
	VerifiedAt *time.Time
	CheckedAt  *time.Time
}

// Verified reports whether the token was ever found.
func (c DomainCheck) Verified() bool { return c.VerifiedAt != nil }

type domainCheckRow struct {
	ID          int64 `gorm:"primaryKey"`
	TenantID    int64
	Host        string
	IsPrimary   bool
	VerifyToken string
	VerifiedAt  *time.Time
	CheckedAt   *time.Time
}

func (domainCheckRow) TableName() string { return "domains" }

func domainVerifyToken() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("models: crypto/rand failed: " + err.Error())
	}
	return "pcnweb-verify-" + hex.EncodeToString(b)
}

// DomainChecksForTenantID returns the verification state of a tenant's domains,
// primary first, giving every domain that has none a token.
func (d *DB) DomainChecksForTenantID(ctx context.Context, tenantID int64) ([]DomainCheck, error) {
	db := d.gorm.WithContext(ctx)
	var rows []domainCheckRow
	if err := db.Where("tenant_id = ?", tenantID).Order("is_primary DESC, host").Find(&rows).Error; err != nil {
		return nil, translate("domain checks", err)
	}
	out := make([]DomainCheck, len(rows))
	for i, r := range rows {
		if r.VerifyToken == "" {
			r.VerifyToken = domainVerifyToken()
			// Only the first writer's token sticks: two replicas agree.
			if err := db.Model(&domainCheckRow{}).Where("id = ? AND verify_token = ''", r.ID).Update("verify_token", r.VerifyToken).Error; err != nil {
				return nil, translate("domain token", err)
			}
			var again domainCheckRow
			if err := db.Where("id = ?", r.ID).Take(&again).Error; err != nil {
				return nil, translate("domain token", err)
			}
			r = again
		}
		out[i] = DomainCheck{Host: r.Host, IsPrimary: r.IsPrimary, Token: r.VerifyToken, VerifiedAt: r.VerifiedAt, CheckedAt: r.CheckedAt}
	}
	return out, nil
}

// DomainCheckForTenantID returns the state of one domain of a tenant; a host of
// another tenant is ErrNotFound.
func (d *DB) DomainCheckForTenantID(ctx context.Context, tenantID int64, host string) (DomainCheck, error) {
	all, err := d.DomainChecksForTenantID(ctx, tenantID)
	if err != nil {
		return DomainCheck{}, err
	}
	for _, c := range all {
		if c.Host == host {
			return c, nil
		}
	}
	return DomainCheck{}, ErrNotFound
}

// RecordDomainCheckForTenantID records a check of a tenant's domain at now; found
// marks it verified (a later failure does not take that back).
func (d *DB) RecordDomainCheckForTenantID(ctx context.Context, tenantID int64, host string, found bool, now time.Time) error {
	upd := map[string]any{"checked_at": now.UTC()}
	if found {
		upd["verified_at"] = gorm.Expr("COALESCE(verified_at, ?)", now.UTC())
	}
	res := d.gorm.WithContext(ctx).Model(&domainCheckRow{}).Where("tenant_id = ? AND host = ?", tenantID, host).Updates(upd)
	if res.Error != nil {
		return translate("record domain check", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// SetPrimaryDomainForTenantID makes one of a tenant's domains its primary host, in a
// change that every replica's cache sees.
func (d *DB) SetPrimaryDomainForTenantID(ctx context.Context, tenantID int64, host string) error {
	err := d.mutate(ctx, tenantID, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Domain{}).Where("tenant_id = ? AND host = ?", tenantID, host).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		if err := tx.Model(&Domain{}).Where("tenant_id = ? AND is_primary", tenantID).Update("is_primary", false).Error; err != nil {
			return err
		}
		return tx.Model(&Domain{}).Where("tenant_id = ? AND host = ?", tenantID, host).Update("is_primary", true).Error
	})
	return translate("set primary domain "+host, err)
}
