package models

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Post is a news post; it is public once PublishedAt is set and has passed.
type Post struct {
	ID          int64 `gorm:"primaryKey"`
	TenantID    int64
	Slug        string
	Title       string
	Summary     string
	BodyMD      string `gorm:"column:body_md"`
	BodyHTML    string `gorm:"column:body_html"`
	PublishedAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Version counts saves; a save must name the version it was opened at.
	Version int `gorm:"->"` // read-only for GORM: only claimVersion writes it
}

// PublishedPosts lists posts published by now, newest first; limit 0 means
// all. The list changes when the next scheduled post goes live, which the
// handle records (NextChange).
func (t *TenantDB) PublishedPosts(now time.Time, limit int) ([]Post, error) {
	q := t.scoped.Where("published_at IS NOT NULL AND published_at <= ?", now.UTC()).Order("published_at DESC")
	if limit > 0 {
		q = q.Limit(limit)
	}
	var ps []Post
	if err := q.Find(&ps).Error; err != nil {
		return nil, translate("list posts", err)
	}
	if _, err := t.NextPostPublish(now); err != nil {
		return nil, err
	}
	return ps, nil
}

// PostBySlug returns a post published by now.
func (t *TenantDB) PostBySlug(slug string, now time.Time) (Post, error) {
	var p Post
	err := t.scoped.Where("slug = ? AND published_at IS NOT NULL AND published_at <= ?", slug, now.UTC()).Take(&p).Error
	return p, translate("post "+slug, err)
}

// NextPostPublish returns when the next scheduled post goes live, or zero;
// the handle records it (NextChange). It is looked up once per handle and
// time.
func (t *TenantDB) NextPostPublish(now time.Time) (time.Time, error) {
	w := t.clock
	w.mu.Lock()
	known, next := w.postsKnown && w.postsAt.Equal(now), w.nextPost
	w.mu.Unlock()
	if !known {
		var p Post
		switch err := t.scoped.Select("published_at").Where("published_at > ?", now.UTC()).Order("published_at").Take(&p).Error; {
		case err == nil:
			next = *p.PublishedAt
		case isNotFound(err):
			next = time.Time{}
		default:
			return time.Time{}, translate("next post", err)
		}
		w.mu.Lock()
		w.postsKnown, w.postsAt, w.nextPost = true, now, next
		w.mu.Unlock()
	}
	t.changesAt(now, next)
	return next, nil
}

// AllPosts lists every post, drafts and scheduled ones included, for the
// admin panel: drafts first, then by publish time, newest first.
func (t *TenantDB) AllPosts() ([]Post, error) {
	var ps []Post
	err := t.scoped.Order("published_at DESC NULLS FIRST, id DESC").Find(&ps).Error
	return ps, translate("list all posts", err)
}

// PostByID returns any post of the tenant, published or not; another
// tenant's id is ErrNotFound.
func (t *TenantDB) PostByID(id int64) (Post, error) {
	var p Post
	err := t.scoped.Where("id = ?", id).Take(&p).Error
	return p, translate(fmt.Sprintf("post %d", id), err)
}

// Audit actions of news posts.
const (
	AuditNewsDraft             = "news.save-draft"
	AuditNewsSchedule          = "news.schedule"
	AuditNewsPublish           = "news.publish"
	AuditNewsUnpublish         = "news.unpublish"
	AuditNewsDelete            = "news.delete"
	AuditNewsScheduleUnpublish = "news.schedule-unpublish"
	AuditNewsCancelUnpublish   = "news.cancel-unpublish"
)

// postSubject is a post as the audit log names it.
func postSubject(slug string) string { return "/news/" + slug }

// SavePost creates a post (id 0) or replaces the post with that id,
// slug included, audited by by as a draft, scheduled or published save
// according to p.PublishedAt. A slug another post of the tenant uses is
// refused. A p.Version other than 0 is the version the post was opened at:
// if it has moved on, nothing is written and an *EditConflictError is
// returned.
func (t *TenantDB) SavePost(by Actor, id int64, p Post) (Post, error) {
	if err := checkSlugTitle(&p.Slug, &p.Title); err != nil {
		return Post{}, err
	}
	p.PublishedAt = utcPtr(p.PublishedAt)
	p.Summary = strings.TrimSpace(p.Summary)
	if utf8.RuneCountInString(p.Summary) > 500 {
		return Post{}, invalid("summary", "use 500 characters or fewer")
	}
	var err error
	if p.BodyHTML, err = renderBody(p.BodyMD); err != nil {
		return Post{}, err
	}
	p.TenantID = t.tenantID
	action := AuditNewsPublish
	switch {
	case p.PublishedAt == nil:
		action = AuditNewsDraft
	case p.PublishedAt.After(time.Now()):
		action = AuditNewsSchedule
	}
	err = t.changeAudited(by, func(tx *TenantDB) error {
		var n int64
		if err := tx.scoped.Model(&Post{}).Where("slug = ? AND id <> ?", p.Slug, id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return invalid("slug", "another news item already uses this web address: change the slug")
		}
		if id == 0 {
			p.ID = 0
			if err := tx.scoped.Create(&p).Error; err != nil {
				return err
			}
			return tx.audit(action, postSubject(p.Slug))
		}
		var existing Post
		if err := tx.scoped.Where("id = ?", id).Take(&existing).Error; err != nil {
			return err
		}
		if p.Version != 0 { // the version the form was opened at
			if err := tx.claimVersion("posts", "id", id, p.Version, fmt.Sprintf("news item %d", id)); err != nil {
				return err
			}
		}
		p.ID, p.CreatedAt = existing.ID, existing.CreatedAt
		if err := tx.scoped.Save(&p).Error; err != nil {
			return err
		}
		return tx.audit(action, postSubject(p.Slug))
	})
	return p, translate(fmt.Sprintf("save post %d", id), err)
}

// UnpublishPost makes a post a draft again.
func (t *TenantDB) UnpublishPost(by Actor, id int64) error {
	err := t.changeAudited(by, func(tx *TenantDB) error {
		var p Post
		if err := tx.scoped.Where("id = ?", id).Take(&p).Error; err != nil {
			return err
		}
		if err := tx.scoped.Model(&Post{}).Where("id = ?", id).Updates(map[string]any{"published_at": nil, "updated_at": time.Now().UTC()}).Error; err != nil {
			return err
		}
		return tx.audit(AuditNewsUnpublish, postSubject(p.Slug))
	})
	return translate(fmt.Sprintf("unpublish post %d", id), err)
}

// DeletePost removes a post and the unpublish scheduled for it (nothing is
// left to unpublish). A scheduled publish of it stays, and fails when it
// runs.
func (t *TenantDB) DeletePost(by Actor, id int64) error {
	err := t.changeAudited(by, func(tx *TenantDB) error {
		var p Post
		if err := tx.scoped.Where("id = ?", id).Take(&p).Error; err != nil {
			return err
		}
		if err := tx.scoped.Where("kind = ? AND target = ? AND action = ? AND done_at IS NULL", ScheduleKindPost, strconv.FormatInt(id, 10), ScheduleUnpublish).
			Delete(&ScheduledChange{}).Error; err != nil {
			return err
		}
		if err := tx.scoped.Where("id = ?", id).Delete(&Post{}).Error; err != nil {
			return err
		}
		return tx.audit(AuditNewsDelete, postSubject(p.Slug))
	})
	return translate(fmt.Sprintf("delete post %d", id), err)
}
