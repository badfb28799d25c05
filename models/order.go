package models

import (
	"fmt"
)

// moveRow moves the row with id one place up (earlier) or down in the
// display order of table, among the rows that match where/args (for
// example "service_id = ?" for a service's staff; "" for all the tenant's
// rows), inside the change tx belongs to. It renumbers the group 0..n-1 in
// its current order (sort_order, then id) with the two rows swapped, so
// equal or sparse sort_order values cannot stall a move. Moving the first
// row up or the last down changes nothing. Another tenant's id is
// ErrNotFound.
func (tx *TenantDB) moveRow(table string, id int64, up bool, where string, args ...any) error {
	q := tx.scoped.Table(table)
	if where != "" {
		q = q.Where(where, args...)
	}
	var ids []int64
	if err := q.Order("sort_order, id").Pluck("id", &ids).Error; err != nil {
		return err
	}
	at := -1
	for i, v := range ids {
		if v == id {
			at = i
		}
	}
	if at < 0 {
		return ErrNotFound
	}
	to := at + 1
	if up {
		to = at - 1
	}
	if to < 0 || to >= len(ids) {
		return nil
	}
	ids[at], ids[to] = ids[to], ids[at]
	for i, v := range ids {
		if err := tx.scoped.Table(table).Where("id = ?", v).UpdateColumn("sort_order", i).Error; err != nil {
			return err
		}
	}
	return nil
}

// settleOrder gives the rows of table distinct sort_order values in
// the order they are listed (order), when some share one, inside the change
// tx belongs to: moveRow orders by sort_order then id, which must agree
// with what the user sees.
func (tx *TenantDB) settleOrder(table, order string) error {
	var orders []int
	if err := tx.scoped.Table(table).Order(order).Pluck("sort_order", &orders).Error; err != nil {
		return err
	}
	distinct := true
	for i := 1; i < len(orders); i++ {
		if orders[i] <= orders[i-1] {
			distinct = false
		}
	}
	if distinct {
		return nil
	}
	var ids []int64
	if err := tx.scoped.Table(table).Order(order).Pluck("id", &ids).Error; err != nil {
		return err
	}
	for i, v := range ids {
		if err := tx.scoped.Table(table).Where("id = ?", v).UpdateColumn("sort_order", i).Error; err != nil {
			return err
		}
	}
	return nil
}

// moveByID moves the row of T with id one place up or down in its group
// (group: the where clause and arguments of moveRow for that row; nil for
// every row of the table) in one change audited by by as action on
// subject(row). settle, when not "", is the order the list shows the rows
// in (settleOrder). Another tenant's or an unknown id is ErrNotFound.
func moveByID[T any](t *TenantDB, by Actor, table string, id int64, up bool, settle, action string, subject func(T) string,
	group func(T) (string, []any)) error {
	err := t.changeAudited(by, func(tx *TenantDB) error {
		var row T
		if err := tx.scoped.Where("id = ?", id).Take(&row).Error; err != nil {
			return err
		}
		if settle != "" {
			if err := tx.settleOrder(table, settle); err != nil {
				return err
			}
		}
		where, args := "", []any(nil)
		if group != nil {
			where, args = group(row)
		}
		if err := tx.moveRow(table, id, up, where, args...); err != nil {
			return err
		}
		return tx.audit(action, subject(row))
	})
	return translate(fmt.Sprintf("move %s %d", table, id), err)
}
