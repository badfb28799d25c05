package models

// CreateRowForTest inserts v through the tenant handle without the store's
// own stamping, to prove the guard callback refuses foreign rows.
func CreateRowForTest(t *TenantDB, v any) error { return t.scoped.Create(v).Error }
