package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// ErrEntryUsed refuses an operator entry link that was used before or has
// expired.
var ErrEntryUsed = errors.New("this link has been used or has expired")

// operatorEntry is a one-time link by which an operator enters a tenant's
// admin panel. It is platform data (the operator is no member): the
// tenant's own handle never sees it.
type operatorEntry struct {
	TokenHash string `gorm:"primaryKey"`
	UserID    int64
	TenantID  int64
	ExpiresAt time.Time
	UsedAt    *time.Time
}

func (operatorEntry) TableName() string { return "operator_entries" }

// CreateOperatorEntryForTenantID stores a link (its token's hash) for operator
// userID into tenantID's admin panel, usable once until expires.
func (d *DB) CreateOperatorEntryForTenantID(ctx context.Context, tokenHash string, userID, tenantID int64, expires time.Time) error {
	u, err := d.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if !u.IsOperator {
		return fmt.Errorf("models: user %d is not an operator: %w", userID, ErrNotFound)
	}
	// A map: the tenant guard wants rows of tables with a tenant_id written
	// through a tenant's handle, and this row is the platform's.
	row := map[string]any{"token_hash": tokenHash, "user_id": userID, "tenant_id": tenantID, "expires_at": expires.UTC()}
	return translate("create operator entry", d.gorm.WithContext(ctx).Table("operator_entries").Create(row).Error)
}

// UseOperatorEntryForTenantID spends the link with this token hash on tenantID's host
// and returns its operator. A link of another tenant, or an unknown one, is
// ErrNotFound; a used or expired one is ErrEntryUsed.
func (d *DB) UseOperatorEntryForTenantID(ctx context.Context, tokenHash string, tenantID int64, now time.Time) (User, error) {
	var e operatorEntry
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("token_hash = ? AND tenant_id = ?", tokenHash, tenantID).Take(&e).Error; err != nil {
			return err
		}
		if e.UsedAt != nil || !now.Before(e.ExpiresAt) {
			return ErrEntryUsed
		}
		res := tx.Model(&operatorEntry{}).Where("token_hash = ? AND used_at IS NULL", tokenHash).Update("used_at", now.UTC())
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrEntryUsed
		}
		return res.Error
	})
	if err != nil {
		if errors.Is(err, ErrEntryUsed) {
			return User{}, err
		}
		return User{}, translate("operator entry", err)
	}
	u, err := d.UserByID(ctx, e.UserID)
	if err != nil {
		return User{}, err
	}
	if !u.IsOperator {
		return User{}, fmt.Errorf("models: user %d is no longer an operator: %w", u.ID, ErrNotFound)
	}
	return u, nil
}
