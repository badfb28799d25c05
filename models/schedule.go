package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/pcnweb/pcnweb/internal/hours"
)

// Kinds and actions of scheduled changes.
const (
	ScheduleKindPage = "page"
	ScheduleKindPost = "post"

	SchedulePublish   = "publish"
	ScheduleUnpublish = "unpublish"
)

// Audit actions of scheduled changes (a post's unpublish is audited as
// news: AuditNewsScheduleUnpublish, AuditNewsCancelUnpublish).
const (
	AuditSchedulePagePublish   = "schedule.page-publish"
	AuditSchedulePageUnpublish = "schedule.page-unpublish"
	AuditScheduleCancel        = "schedule.cancel"
)

// ScheduledChange is a publish or unpublish that runs at RunAt (to the
// minute). Target is the page's path or the post's id; RevisionID is the
// page revision a page publish makes live.
type ScheduledChange struct {
	ID         int64 `gorm:"primaryKey"`
	TenantID   int64
	Kind       string
	Target     string
	RevisionID *int64
	Action     string
	RunAt      time.Time
	CreatedBy  string
	CreatedAt  time.Time
	DoneAt     *time.Time
	Error      string
	// Label is what the change is about, for people: the page's path, or
	// the post's title (filled by PendingChanges).
	Label string `gorm:"-"`
}

// TableName keeps the SQL name explicit.
func (ScheduledChange) TableName() string { return "schedules" }

// ScheduleInput is a change as a writer asks for it.
type ScheduleInput struct {
	Kind   string // ScheduleKindPage or ScheduleKindPost
	Target string // the page's path, or the post's id
	Action string // SchedulePublish or ScheduleUnpublish
	RunAt  time.Time
	By     Actor     // who asks: CreatedBy is By.Name, and the audit row is theirs
	Now    time.Time // a RunAt not after Now is refused
	// BaseRevisionID, for a page publish, is the latest revision the
	// writer saw: that is the revision published. If someone saved the
	// page since, nothing is scheduled and a *StaleError is returned.
	BaseRevisionID int64
}

// ScheduleChange records a change to run at in.RunAt, audited by in.By. A
// time not in the future is a *ValidationError on the field "when"; a page
// or post the tenant does not have is ErrNotFound.
func (t *TenantDB) ScheduleChange(in ScheduleInput) (ScheduledChange, error) {
	c := ScheduledChange{TenantID: t.tenantID, Kind: in.Kind, Target: in.Target, Action: in.Action,
		RunAt: in.RunAt.UTC().Truncate(time.Minute), CreatedBy: in.By.Name}
	switch {
	case in.Action != SchedulePublish && in.Action != ScheduleUnpublish:
		return c, invalid("action", "choose whether to publish or unpublish")
	case in.Kind != ScheduleKindPage && in.Kind != ScheduleKindPost:
		return c, fmt.Errorf("models: schedule: unknown kind %q: %w", in.Kind, ErrInvalid)
	case !c.RunAt.After(in.Now):
		return c, invalid("when", "enter a date and time in the future")
	}
	err := t.changeAudited(in.By, func(tx *TenantDB) error {
		if err := tx.checkScheduleTarget(&c, in.BaseRevisionID); err != nil {
			return err
		}
		c.ID = 0
		if err := tx.scoped.Create(&c).Error; err != nil {
			return err
		}
		return tx.auditScheduled(c)
	})
	return c, translate("schedule "+in.Action+" of "+in.Kind+" "+in.Target, err)
}

// auditScheduled writes the audit row of scheduling c: a page's publish or
// unpublish, or a post's ("/news/<slug>").
func (tx *TenantDB) auditScheduled(c ScheduledChange) error {
	at := " at " + hours.FormatInstant(c.RunAt)
	if c.Kind == ScheduleKindPage {
		action := AuditSchedulePagePublish
		if c.Action == ScheduleUnpublish {
			action = AuditSchedulePageUnpublish
		}
		return tx.audit(action, c.Target+at)
	}
	id, err := strconv.ParseInt(c.Target, 10, 64)
	if err != nil {
		return ErrNotFound
	}
	var p Post
	if err := tx.scoped.Select("slug").Where("id = ?", id).Take(&p).Error; err != nil {
		return err
	}
	action := AuditNewsSchedule
	if c.Action == ScheduleUnpublish {
		action = AuditNewsScheduleUnpublish
	}
	return tx.audit(action, postSubject(p.Slug)+at)
}

// checkScheduleTarget checks that the target exists in the tenant and, for
// a page publish, fills in the revision to publish.
func (t *TenantDB) checkScheduleTarget(c *ScheduledChange, base int64) error {
	if c.Kind == ScheduleKindPost {
		id, err := strconv.ParseInt(c.Target, 10, 64)
		if err != nil {
			return ErrNotFound
		}
		var p Post
		return t.scoped.Where("id = ?", id).Take(&p).Error
	}
	var page Page
	if err := t.scoped.Where("path = ?", c.Target).Take(&page).Error; err != nil {
		return err
	}
	if c.Action != SchedulePublish {
		return nil
	}
	latest, err := t.latestRevisionID(page.ID)
	if err != nil {
		return err
	}
	if base != 0 && base != latest {
		return &StaleError{Path: page.Path, Latest: latest}
	}
	if page.PublishedRevisionID != nil && *page.PublishedRevisionID == latest {
		return invalid("action", "the page has no unpublished changes to publish: save a draft first")
	}
	c.RevisionID = &latest
	return nil
}

// PendingChanges lists the changes of the tenant that have not run yet,
// soonest first; kind and target narrow the list to one page or post
// (empty: every change).
func (t *TenantDB) PendingChanges(kind, target string) ([]ScheduledChange, error) {
	q := t.scoped.Where("done_at IS NULL")
	if kind != "" {
		q = q.Where("kind = ? AND target = ?", kind, target)
	}
	var cs []ScheduledChange
	if err := q.Order("run_at, id").Find(&cs).Error; err != nil {
		return nil, translate("list scheduled changes", err)
	}
	return cs, t.labelChanges(cs)
}

// labelChanges fills in Label: the page's path, or the post's title.
func (t *TenantDB) labelChanges(cs []ScheduledChange) error {
	var postIDs []int64
	for _, c := range cs {
		if c.Kind == ScheduleKindPost {
			if id, err := strconv.ParseInt(c.Target, 10, 64); err == nil {
				postIDs = append(postIDs, id)
			}
		}
	}
	titles := map[string]string{}
	if len(postIDs) > 0 {
		var ps []Post
		if err := t.scoped.Select("id, title").Where("id IN ?", postIDs).Find(&ps).Error; err != nil {
			return translate("titles of scheduled posts", err)
		}
		for _, p := range ps {
			titles[strconv.FormatInt(p.ID, 10)] = p.Title
		}
	}
	for i := range cs {
		cs[i].Label = cs[i].Target
		if cs[i].Kind == ScheduleKindPost {
			if title, ok := titles[cs[i].Target]; ok {
				cs[i].Label = title
			} else {
				cs[i].Label = "(deleted)"
			}
		}
	}
	return nil
}

// FailedChanges lists the tenant's changes that ran since since and
// failed, latest first, with the reason in Error.
func (t *TenantDB) FailedChanges(since time.Time) ([]ScheduledChange, error) {
	var cs []ScheduledChange
	err := t.scoped.Where("done_at IS NOT NULL AND done_at >= ? AND error <> ''", since.UTC()).Order("done_at DESC, id DESC").Limit(50).Find(&cs).Error
	if err != nil {
		return nil, translate("list failed changes", err)
	}
	return cs, t.labelChanges(cs)
}

// CancelChange deletes a change that has not run yet and returns it,
// audited by by. A change of another tenant, or one that has run, is
// ErrNotFound.
func (t *TenantDB) CancelChange(by Actor, id int64) (ScheduledChange, error) {
	var c ScheduledChange
	err := t.changeAudited(by, func(tx *TenantDB) error {
		if err := tx.scoped.Where("id = ? AND done_at IS NULL", id).Take(&c).Error; err != nil {
			return err
		}
		res := tx.scoped.Where("id = ? AND done_at IS NULL", id).Delete(&ScheduledChange{})
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		if res.Error != nil {
			return res.Error
		}
		return tx.audit(AuditScheduleCancel, cancelSubject(c))
	})
	return c, translate(fmt.Sprintf("cancel scheduled change %d", id), err)
}

// cancelSubject names a cancelled change in the audit log as the list of
// scheduled changes shows it: "Publish the page /about at 1 March 2030 at
// 9am". A post is named by c.Label, which a change read by CancelChange
// does not have.
func cancelSubject(c ScheduledChange) string {
	verb := "Publish"
	if c.Action == ScheduleUnpublish {
		verb = "Unpublish"
	}
	what := verb + " the page " + c.Target
	if c.Kind == ScheduleKindPost {
		what = verb + " the news item " + c.Label
	}
	return what + " at " + hours.FormatInstant(c.RunAt)
}

// SetPostUnpublish replaces the pending unpublish of a post: the pending
// one is cancelled and, when at is not nil, a new one is scheduled at at,
// audited by by. It reports whether anything changed (nothing is written
// or audited when not).
func (t *TenantDB) SetPostUnpublish(by Actor, postID int64, at *time.Time, now time.Time) (bool, error) {
	target := strconv.FormatInt(postID, 10)
	changed := false
	err := t.changeAudited(by, func(tx *TenantDB) error {
		var pending []ScheduledChange
		if err := tx.scoped.Where("kind = ? AND target = ? AND action = ? AND done_at IS NULL", ScheduleKindPost, target, ScheduleUnpublish).
			Find(&pending).Error; err != nil {
			return err
		}
		if at != nil && len(pending) == 1 && pending[0].RunAt.Equal(at.UTC().Truncate(time.Minute)) {
			return errUnchanged // as it was
		}
		if at == nil && len(pending) == 0 {
			return errUnchanged
		}
		var p Post
		if err := tx.scoped.Select("slug").Where("id = ?", postID).Take(&p).Error; err != nil {
			return err
		}
		if len(pending) > 0 {
			if err := tx.scoped.Where("kind = ? AND target = ? AND action = ? AND done_at IS NULL", ScheduleKindPost, target, ScheduleUnpublish).
				Delete(&ScheduledChange{}).Error; err != nil {
				return err
			}
		}
		if at == nil {
			changed = true
			return tx.audit(AuditNewsCancelUnpublish, postSubject(p.Slug))
		}
		c := ScheduledChange{TenantID: t.tenantID, Kind: ScheduleKindPost, Target: target, Action: ScheduleUnpublish,
			RunAt: at.UTC().Truncate(time.Minute), CreatedBy: by.Name}
		if !c.RunAt.After(now) {
			return invalid("when", "enter a date and time in the future")
		}
		if err := tx.checkScheduleTarget(&c, 0); err != nil {
			return err
		}
		changed = true
		if err := tx.scoped.Create(&c).Error; err != nil {
			return err
		}
		return tx.audit(AuditNewsScheduleUnpublish, postSubject(p.Slug)+" at "+hours.FormatInstant(*at))
	})
	return changed, translate("schedule unpublish of post "+target, err)
}

// DueChanges lists every tenant's changes due at now that have not run,
// oldest first, at most limit. It is deliberately cross-tenant: only the
// scheduler calls it, and each change is applied through its own tenant's
// handle (ApplyDue).
func (d *DB) DueChanges(ctx context.Context, now time.Time, limit int) ([]ScheduledChange, error) {
	var cs []ScheduledChange
	err := d.gorm.WithContext(ctx).Where("done_at IS NULL AND run_at <= ?", now.UTC()).
		Order("run_at, id").Limit(limit).Find(&cs).Error
	return cs, translate("list due changes", err)
}

// ScheduleResult is what ApplyDue did with one change.
type ScheduleResult struct {
	Change ScheduledChange
	// Err is why the change failed (it is recorded and not retried); nil
	// when it was applied.
	Err error
}

// errNewerPublished refuses a scheduled page publish that would replace
// a newer version someone has published since.
var errNewerPublished = errors.New("a newer version of the page was published after this change was scheduled")

// errAlreadyDone rolls back a change that another runner applied first.
var errAlreadyDone = errors.New("models: scheduled change already done")

// ApplyDue applies every change due at now, each in its tenant's own
// transaction (which bumps the tenant's generation, so every replica's
// cache is invalidated) that also marks it done. A change another runner
// has applied meanwhile is skipped, so each change runs exactly once. A
// change that fails is marked done with its error. It returns what it did
// with each change it ran; the error is for the listing only.
func (d *DB) ApplyDue(ctx context.Context, now time.Time) ([]ScheduleResult, error) {
	const batch = 100
	var out []ScheduleResult
	for {
		due, err := d.DueChanges(ctx, now, batch)
		if err != nil {
			return out, err
		}
		progressed := false
		for _, c := range due {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			err := d.ForTenant(ctx, c.TenantID).applyChange(c, now)
			switch {
			case errors.Is(err, errAlreadyDone):
				continue
			case err != nil && ctx.Err() != nil:
				return out, ctx.Err()
			case err != nil:
				if rerr := d.ForTenant(ctx, c.TenantID).recordFailure(c.ID, now, err); rerr != nil && !errors.Is(rerr, errAlreadyDone) {
					return out, rerr
				}
			}
			progressed = true
			out = append(out, ScheduleResult{Change: c, Err: err})
		}
		if len(due) < batch || !progressed {
			return out, nil
		}
	}
}

// claimChange marks a pending change done; errAlreadyDone when it is not
// pending any more (another runner, or a cancel, got there first).
func (t *TenantDB) claimChange(id int64, now time.Time, msg string) error {
	res := t.scoped.Model(&ScheduledChange{}).Where("id = ? AND done_at IS NULL", id).
		Updates(map[string]any{"done_at": now.UTC(), "error": msg})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errAlreadyDone
	}
	return nil
}

// applyChange runs one due change and marks it done, in one transaction.
func (t *TenantDB) applyChange(c ScheduledChange, now time.Time) error {
	err := t.transact(func(tx *TenantDB) error {
		if err := tx.claimChange(c.ID, now, ""); err != nil {
			return err
		}
		return tx.runChange(c, now)
	})
	if err != nil && !errors.Is(err, errAlreadyDone) {
		return translate(fmt.Sprintf("%s %s %s", c.Action, c.Kind, c.Target), err)
	}
	return err
}

// recordFailure marks a change done with the reason it failed.
func (t *TenantDB) recordFailure(id int64, now time.Time, cause error) error {
	var msg string
	switch {
	case errors.Is(cause, ErrNotFound):
		msg = "it no longer exists"
	case errors.Is(cause, errNewerPublished):
		msg = errNewerPublished.Error()
	default:
		msg = "it could not be made; the details are in the platform's log" // the runner logs cause
	}
	return t.transact(func(tx *TenantDB) error { return tx.claimChange(id, now, msg) })
}

func (t *TenantDB) runChange(c ScheduledChange, now time.Time) error {
	now = now.UTC()
	var res *gorm.DB
	switch {
	case c.Kind == ScheduleKindPage && c.Action == SchedulePublish:
		if c.RevisionID == nil {
			return fmt.Errorf("no revision to publish: %w", ErrInvalid)
		}
		var page Page
		if err := t.scoped.Where("path = ?", c.Target).Take(&page).Error; err != nil {
			return err
		}
		var rev PageRevision
		if err := t.scoped.Where("id = ? AND page_id = ?", *c.RevisionID, page.ID).Take(&rev).Error; err != nil {
			return err
		}
		if page.PublishedRevisionID != nil && *page.PublishedRevisionID > rev.ID {
			return errNewerPublished
		}
		res = t.scoped.Model(&Page{}).Where("id = ?", page.ID).
			Updates(map[string]any{"published_revision_id": rev.ID, "published_at": now, "updated_at": now})
	case c.Kind == ScheduleKindPage:
		res = t.scoped.Model(&Page{}).Where("path = ?", c.Target).
			Updates(map[string]any{"published_revision_id": nil, "published_at": nil, "updated_at": now})
	default:
		id, err := strconv.ParseInt(c.Target, 10, 64)
		if err != nil {
			return ErrNotFound
		}
		publishedAt := any(nil)
		if c.Action == SchedulePublish {
			publishedAt = now
		}
		// The version moves on, so a news form opened before the change
		// cannot silently undo it. Through the table, not the model, on
		// which Version is read-only.
		res = t.scoped.Table("posts").Where("id = ?", id).
			UpdateColumns(map[string]any{"published_at": publishedAt, "updated_at": now, "version": gorm.Expr("version + 1")})
	}
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// leaseFar is an expiry in the past, written when a holder lets go.
var leaseFar = time.Unix(0, 0).UTC()

// AcquireLease takes or renews the lease called name for holder until
// now+ttl, and reports whether holder has it: a lease held by someone else
// that has not expired is left alone. now comes from the caller's clock.
func (d *DB) AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	now = now.UTC()
	g := d.gorm.WithContext(ctx)
	res := g.Exec("UPDATE leases SET holder = ?, expires_at = ? WHERE name = ? AND (expires_at < ? OR holder = ?)",
		holder, now.Add(ttl), name, now, holder)
	if res.Error != nil {
		return false, fmt.Errorf("models: renew lease %s: %w", name, res.Error)
	}
	if res.RowsAffected == 1 {
		return true, nil
	}
	res = g.Exec("INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
		name, holder, now.Add(ttl))
	if res.Error != nil {
		return false, fmt.Errorf("models: take lease %s: %w", name, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// ReleaseLease lets go of the lease if holder has it, so that another
// replica can take it at once.
func (d *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	err := d.gorm.WithContext(ctx).Exec("UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?", leaseFar, name, holder).Error
	if err != nil {
		return fmt.Errorf("models: release lease %s: %w", name, err)
	}
	return nil
}
