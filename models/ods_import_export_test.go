package models

import (
	"context"
	"time"
)

// ODSTenantForTest reads the importer's columns of a tenant.
func ODSTenantForTest(ctx context.Context, d *DB, slug string) (subICBCode, subICBName, odsName string, err error) {
	var r odsTenantRow
	err = d.gorm.WithContext(ctx).Where("slug = ?", slug).Take(&r).Error
	return r.SubICBCode, r.SubICBName, r.ODSName, err
}

// ODSPracticeLeftForTest reads when a practice was marked as having left its PCN.
func ODSPracticeLeftForTest(ctx context.Context, d *DB, tenantID int64, code string) (*time.Time, error) {
	var r odsPracticeRow
	err := d.gorm.WithContext(ctx).Where("tenant_id = ? AND ods_code = ?", tenantID, code).Take(&r).Error
	return r.LeftPCNOn, err
}

// ODSCountsForTest counts tenants and practices.
func ODSCountsForTest(ctx context.Context, d *DB) (tenants, practices int64, err error) {
	if err = d.gorm.WithContext(ctx).Table("tenants").Count(&tenants).Error; err != nil {
		return
	}
	err = d.gorm.WithContext(ctx).Table("practices").Count(&practices).Error
	return
}
