package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The one mutation path. Every change to what a tenant's site shows runs
// in one transaction that also bumps the generation of each tenant it
// touches (and, for a tenant's content, writes the audit row); after the
// commit the notifier invalidates caches on every replica. The layers:
//
//   - (*TenantDB).changeAudited: one tenant's content, with its audit rows;
//   - (*DB).mutate: one tenant's platform data (status, domains);
//   - (*DB).mutateAll: platform data every site shows (announcements);
//   - the ODS import, which bumps the tenants it changed in batches;
//
// all bump through bumpGenerations and notify through notifyAll.

// Notifier learns of every committed change to a tenant's data, with the
// tenant's new generation. The platform's implementation invalidates the
// page cache and the host map on every replica.
type Notifier interface {
	TenantChanged(ctx context.Context, tenantID, generation int64)
}

// SetNotifier installs the function every mutation reports to. Call it once
// at start-up, before the DB is shared.
func (d *DB) SetNotifier(n Notifier) { d.notifier = n }

// generation is a tenant's generation after a change.
type generation struct{ ID, Generation int64 }

// bumpBatch bounds the tenant ids of one statement of bumpGenerations.
const bumpBatch = 500

// bumpGenerations advances the generation of every tenant in ids inside
// tx, and their updated_at to now, and returns the new generations in order
// of id. A tenant in ids that does not exist is ErrNotFound. When ids is
// nil every tenant's generation is advanced and updated_at left alone: a
// platform-wide change is not a change of the tenants' own data.
func bumpGenerations(tx *gorm.DB, ids []int64, now time.Time) ([]generation, error) {
	bump := map[string]any{"generation": gorm.Expr("generation + 1"), "updated_at": now.UTC()}
	var out []generation
	if ids == nil {
		if err := tx.Model(&Tenant{}).Where("1 = 1").UpdateColumn("generation", gorm.Expr("generation + 1")).Error; err != nil {
			return nil, fmt.Errorf("bump generations: %w", err)
		}
		if err := tx.Model(&Tenant{}).Select("id, generation").Order("id").Find(&out).Error; err != nil {
			return nil, fmt.Errorf("read generations: %w", err)
		}
		return out, nil
	}
	for start := 0; start < len(ids); start += bumpBatch {
		part := ids[start:min(start+bumpBatch, len(ids))]
		var rows []generation
		res := tx.Model(&Tenant{}).Where("id IN ?", part).UpdateColumns(bump)
		if res.Error != nil {
			return nil, fmt.Errorf("bump generations: %w", res.Error)
		}
		if res.RowsAffected < int64(len(part)) {
			return nil, ErrNotFound
		}
		if err := tx.Model(&Tenant{}).Select("id, generation").Where("id IN ?", part).Order("id").Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("read generations: %w", err)
		}
		out = append(out, rows...)
	}
	return out, nil
}

// notifyAll tells the notifier of each committed generation. Each
// notification waits for the replicas' acknowledgements: a few are sent at
// a time, so a thousand tenants take a moment, not minutes.
func (d *DB) notifyAll(ctx context.Context, gens []generation) {
	if d.notifier == nil {
		return
	}
	if len(gens) == 1 {
		d.notifier.TenantChanged(ctx, gens[0].ID, gens[0].Generation)
		return
	}
	var g errgroup.Group
	g.SetLimit(16)
	for _, gen := range gens {
		g.Go(func() error { d.notifier.TenantChanged(ctx, gen.ID, gen.Generation); return nil })
	}
	_ = g.Wait()
}

// mutateTenants runs fn in a transaction that also bumps the generation of
// the tenants in ids (every tenant when ids is nil), then notifies.
func (d *DB) mutateTenants(ctx context.Context, ids []int64, fn func(tx *gorm.DB) error) error {
	var gens []generation
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := fn(tx); err != nil {
			return err
		}
		var err error
		gens, err = bumpGenerations(tx, ids, time.Now())
		return err
	})
	if err != nil {
		return markUnavailable(err)
	}
	d.notifyAll(ctx, gens)
	return nil
}

// mutateSome runs fn in a transaction that also bumps the generation of
// the tenants fn returns, once each, then notifies them: the mutation path
// of a change whose tenants are known only inside the transaction.
func (d *DB) mutateSome(ctx context.Context, fn func(tx *gorm.DB) ([]int64, error)) error {
	var gens []generation
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		ids, err := fn(tx)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		gens, err = bumpGenerations(tx, ids, time.Now())
		return err
	})
	if err != nil {
		return markUnavailable(err)
	}
	d.notifyAll(ctx, gens)
	return nil
}

// mutate changes one tenant's platform data (its status, its domains).
func (d *DB) mutate(ctx context.Context, tenantID int64, fn func(tx *gorm.DB) error) error {
	return d.mutateTenants(ctx, []int64{tenantID}, fn)
}

// mutateAll changes platform data that every tenant's cached pages must
// reflect.
func (d *DB) mutateAll(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return d.mutateTenants(ctx, nil, fn)
}

// changeAudited is the one path by which a tenant's content changes. fn
// runs in one transaction, bound to the same tenant, and says what it did
// with tx.audit, which appends a row to the tenant's audit log as by; the
// same transaction bumps the tenant's generation, and after the commit every
// cache is invalidated. The change and its audit rows are committed
// together or not at all: an actor without a name is refused before
// anything is written, a failed audit write rolls the change back, and so
// does a change that wrote no audit row (a bug: every change says what it
// did). fn returns errUnchanged when there turns out to be nothing to do:
// the transaction is rolled back, nothing is audited or notified, and
// changeAudited returns nil.
func (t *TenantDB) changeAudited(by Actor, fn func(tx *TenantDB) error) error {
	if !by.valid() {
		return invalid("by", "say who is making the change")
	}
	err := t.transact(func(tx *TenantDB) error {
		tx.by = by
		if err := fn(tx); err != nil {
			return err
		}
		if tx.audited == 0 {
			return errNotAudited
		}
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}

// errUnchanged is returned by the function of a changeAudited when there is
// nothing to change: the transaction rolls back and the change succeeds.
var errUnchanged = errors.New("models: nothing to change")

// errNotAudited rolls back a change that wrote no audit row.
var errNotAudited = errors.New("models: a change wrote no audit row")

// audit appends (action, subject) to the tenant's audit log, as the actor of
// the change tx belongs to (changeAudited).
func (tx *TenantDB) audit(action, subject string) error {
	if err := tx.Audit(tx.by.UserID, tx.by.Name, action, subject); err != nil {
		return err
	}
	tx.audited++
	return nil
}

// transact runs fn in one transaction, bound to the same tenant, that also
// bumps the tenant's generation; after the commit every cache is
// invalidated. Content changes reach it only through changeAudited; the
// other callers are writes that are not content (memberships and
// invitations, audited by their callers as account events) and the
// scheduler, which runs a change audited when it was scheduled.
func (t *TenantDB) transact(fn func(tx *TenantDB) error) error {
	return t.db.mutate(t.scoped.Statement.Context, t.tenantID, func(tx *gorm.DB) error {
		bound := tx.Set(tenantKey, t.tenantID).
			Where(clause.Eq{Column: clause.Column{Table: clause.CurrentTable, Name: "tenant_id"}, Value: t.tenantID}).
			Session(&gorm.Session{})
		return fn(&TenantDB{db: t.db, tenantID: t.tenantID, scoped: bound, clock: t.clock})
	})
}
