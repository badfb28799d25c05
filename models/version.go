package models

import (
	"fmt"

	"gorm.io/gorm"
)

// EditConflictError refuses a save of a content row that was opened at a
// version someone else has since saved over. Nothing is written.
type EditConflictError struct {
	What    string // "practice K81001", "event 12"
	Current int    // the row's version now
}

func (e *EditConflictError) Error() string {
	return e.What + " was changed by someone else since it was opened"
}

// Unwrap lets errors.Is(err, ErrStale) match.
func (e *EditConflictError) Unwrap() error { return ErrStale }

// claimVersion takes the right to overwrite one row of table, inside a
// change: the row whose column equals key must still be at version, and
// becomes version+1; then the caller saves the row (GORM never writes the
// Version fields, which are read-only to it). A missing row (or another tenant's) is ErrNotFound; a row at
// another version is an *EditConflictError. On PostgreSQL the UPDATE holds
// the row lock until the transaction ends, so two concurrent saves from the
// same version cannot both pass.
func (t *TenantDB) claimVersion(table string, column string, key any, version int, what string) error {
	res := t.scoped.Table(table).Where(column+" = ? AND version = ?", key, version).
		UpdateColumn("version", gorm.Expr("version + 1"))
	if res.Error != nil {
		return fmt.Errorf("claim %s: %w", what, res.Error)
	}
	if res.RowsAffected == 1 {
		return nil
	}
	var current []int
	if err := t.scoped.Table(table).Where(column+" = ?", key).Pluck("version", &current).Error; err != nil {
		return fmt.Errorf("claim %s: %w", what, err)
	}
	if len(current) == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return &EditConflictError{What: what, Current: current[0]}
}
