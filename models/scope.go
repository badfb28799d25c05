package models

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// tenantKey is the gorm setting through which a scoped session carries its
// tenant to the guard callback.
const tenantKey = "pcnweb:tenant_id"

// TenantDB is the only way to reach a tenant's content. It is bound to one
// tenant when it is made: every query it runs has `tenant_id = ?` on the
// statement's own table, and every row it creates is stamped with the tenant,
// so an unscoped query cannot be written by accident. Build one per request
// with ForTenant; it is safe to reuse.
type TenantDB struct {
	db       *DB
	tenantID int64
	// scoped is a new-session gorm handle with the tenant condition and the
	// request context already applied.
	scoped *gorm.DB
	// clock collects when what the handle has read next changes with the
	// clock (see NextChange).
	clock *clockWatch
	// by is who makes the change the handle belongs to, and audited how
	// many audit rows it has written (changeAudited); zero outside one.
	by      Actor
	audited int
}

// ForTenant binds data access to one tenant for the life of ctx.
func (d *DB) ForTenant(ctx context.Context, tenantID int64) *TenantDB {
	scoped := d.gorm.WithContext(ctx).
		Set(tenantKey, tenantID).
		Where(clause.Eq{Column: clause.Column{Table: clause.CurrentTable, Name: "tenant_id"}, Value: tenantID}).
		Session(&gorm.Session{})
	return &TenantDB{db: d, tenantID: tenantID, scoped: scoped, clock: &clockWatch{}}
}

// TenantID is the tenant this handle is bound to.
func (t *TenantDB) TenantID() int64 { return t.tenantID }

// NextChange is the earliest time after which something this handle has
// read reads differently with the clock alone, nothing written: a scheduled
// news item goes live, a vacancy closes, an event ends. Zero when nothing it
// read changes so. A page built from the handle's reads is right until
// then, so the site hands it to the page cache as the page's expiry: no
// handler has to remember which of its reads depend on the time.
//
// Changes that are written when their time comes (scheduled publishes and
// unpublishes, which the scheduler applies through the mutation path) are
// not clock changes: the generation bump retires the pages they touch.
func (t *TenantDB) NextChange() time.Time {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	return t.clock.next
}

// clockWatch is the earliest clock change seen by a handle's reads. A
// handle may be used from several goroutines.
type clockWatch struct {
	mu   sync.Mutex
	next time.Time
	// postsAt and nextPost memoise the next scheduled news item as seen at
	// postsAt: several reads of one page ask for it.
	postsAt, nextPost time.Time
	postsKnown        bool
}

// changesAt records that what a read returned at now changes at at; a
// time not after now changes nothing that read shows.
func (t *TenantDB) changesAt(now, at time.Time) {
	if !at.After(now) {
		return
	}
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	if t.clock.next.IsZero() || at.Before(t.clock.next) {
		t.clock.next = at
	}
}

// errTenantGuard is returned when a write to a tenant table lacks or
// contradicts its tenant.
var errTenantGuard = errors.New("models: write to a tenant table without its tenant")

// registerTenantGuard installs the defence-in-depth callback: a row of a
// tenant-owned table (one with a TenantID field) is never created without a
// tenant, and a scoped handle never creates a row for another tenant.
func registerTenantGuard(g *gorm.DB) error {
	return g.Callback().Create().Before("gorm:create").Register("pcnweb:tenant_guard", func(tx *gorm.DB) {
		if tx.Statement.Schema == nil {
			return
		}
		field := tx.Statement.Schema.LookUpField("TenantID")
		if field == nil {
			return
		}
		want, scoped := tx.Get(tenantKey)
		check := func(rv reflect.Value) {
			v, zero := field.ValueOf(tx.Statement.Context, rv)
			got, _ := v.(int64)
			switch {
			case zero || got == 0:
				_ = tx.AddError(errTenantGuard)
			case scoped && got != want.(int64):
				_ = tx.AddError(fmt.Errorf("%w: row for tenant %d through a handle for tenant %d", errTenantGuard, got, want))
			}
		}
		rv := tx.Statement.ReflectValue
		switch rv.Kind() {
		case reflect.Slice, reflect.Array:
			for i := 0; i < rv.Len(); i++ {
				check(reflect.Indirect(rv.Index(i)))
			}
		case reflect.Struct:
			check(rv)
		}
	})
}

// own scopes an association preload to the handle's tenant: GORM runs
// preloads as new statements, outside the handle's condition.
func (t *TenantDB) own(db *gorm.DB) *gorm.DB {
	return db.Where(clause.Eq{Column: clause.Column{Table: clause.CurrentTable, Name: "tenant_id"}, Value: t.tenantID})
}
