package models

import "context"

// SetSubICBForTest places a tenant in a sub-ICB location, as the ODS
// import does.
func SetSubICBForTest(ctx context.Context, d *DB, tenantID int64, code, name string) error {
	return d.gorm.WithContext(ctx).Table("tenants").Where("id = ?", tenantID).
		Updates(map[string]any{"sub_icb_code": code, "sub_icb_name": name}).Error
}
