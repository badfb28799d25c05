package models

import "context"

// MigrateToForTest applies the migrations up to version and no further, as
// a database last migrated by an older release.
func MigrateToForTest(ctx context.Context, d *DB, version int64) error {
	sqlDB, err := d.gorm.DB()
	if err != nil {
		return err
	}
	p, err := d.migrationProvider(sqlDB, nil)
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}

// ExecForTest runs a statement outside every store, as an older release's
// code would have written a row.
func ExecForTest(ctx context.Context, d *DB, sql string, args ...any) error {
	return d.gorm.WithContext(ctx).Exec(sql, args...).Error
}
