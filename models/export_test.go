package models

// CreateRowForTest inserts v through the tenant handle without the store's
// own stamping, to prove the guard callback refuses foreign rows.
func CreateRowForTest(t *TenantDB, v any) error { return t.scoped.Create(v).Error }

// MoveRowForTest exposes moveRow for its table tests.
func MoveRowForTest(t *TenantDB, table string, id int64, up bool) error {
	return t.moveRow(table, id, up, "")
}

// ClaimVersionForTest runs claimVersion in its own change.
func ClaimVersionForTest(t *TenantDB, table string, id int64, version int) error {
	return t.change(func(tx *TenantDB) error { return tx.claimVersion(table, "id", id, version, table) })
}
