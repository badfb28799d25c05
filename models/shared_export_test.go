package models

import "context"

// SetSubICBForTest places a tenant in a sub-ICB location, as the ODS
// import does.
func SetSubICBForTest(ctx context.Context, d *DB, tenantID int64, code, name string) error {
	return d.gorm.WithContext(ctx).Table("tenants").Where("id = ?", tenantID).
		Updates(map[string]any{"sub_icb_code": code, "sub_icb_name": name}).Error
}

// AddMembershipForTest makes user a member of a tenant, as accepting a
// tenant's invitation does.
func AddMembershipForTest(ctx context.Context, d *DB, tenantID, userID int64, role Role) error {
	return d.gorm.WithContext(ctx).Create(&Membership{TenantID: tenantID, UserID: userID, Role: role}).Error
}
