package models

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Announcement is a platform-wide notice shown on every tenant's site from
// StartsAt until EndsAt (an NHS-wide service disruption, say). It is
// platform data, not a tenant's: operators set it.
type Announcement struct {
	ID        int64 `gorm:"primaryKey"`
	Title     string
	Body      string
	StartsAt  time.Time
	EndsAt    time.Time
	CreatedBy string
	CreatedAt time.Time
}

// validate checks an announcement before it is stored.
func (a *Announcement) validate() error {
	a.Title, a.Body = strings.TrimSpace(a.Title), strings.TrimSpace(a.Body)
	switch {
	case a.Title == "":
		return invalid("title", "enter a title")
	case utf8.RuneCountInString(a.Title) > 120:
		return invalid("title", "use 120 characters or fewer for the title")
	case utf8.RuneCountInString(a.Body) > 600:
		return invalid("body", "use 600 characters or fewer for the text")
	case a.StartsAt.IsZero():
		return invalid("starts_at", "enter when the announcement starts")
	case !a.EndsAt.After(a.StartsAt):
		return invalid("ends_at", "the end must be after the start")
	}
	return nil
}

// AddAnnouncement stores an announcement and re-renders every tenant's
// pages: every tenant's generation is bumped in the same transaction and
// every replica told, so the notice appears (or, at EndsAt, goes: the pages
// are cached only until the next start or end) on every site.
func (d *DB) AddAnnouncement(ctx context.Context, a Announcement) (Announcement, error) {
	if err := a.validate(); err != nil {
		return Announcement{}, err
	}
	a.ID = 0
	a.StartsAt, a.EndsAt = a.StartsAt.UTC(), a.EndsAt.UTC()
	err := d.mutateAll(ctx, func(tx *gorm.DB) error { return tx.Create(&a).Error })
	return a, translate("add announcement", err)
}

// EndAnnouncement ends an announcement at now (or removes one that has not
// started yet), on every site at once.
func (d *DB) EndAnnouncement(ctx context.Context, id int64, now time.Time) error {
	err := d.mutateAll(ctx, func(tx *gorm.DB) error {
		var a Announcement
		if err := tx.Where("id = ?", id).Take(&a).Error; err != nil {
			return err
		}
		if !a.StartsAt.Before(now) {
			return tx.Delete(&a).Error
		}
		if a.EndsAt.After(now) {
			return tx.Model(&a).Update("ends_at", now.UTC()).Error
		}
		return nil // already over
	})
	return translate(fmt.Sprintf("end announcement %d", id), err)
}

// Announcements lists the announcements that have not ended at now,
// soonest first, then the ended ones, newest first, up to limit in all.
func (d *DB) Announcements(ctx context.Context, now time.Time, limit int) ([]Announcement, error) {
	var current, past []Announcement
	q := d.gorm.WithContext(ctx)
	if err := q.Where("ends_at > ?", now.UTC()).Order("starts_at, id").Limit(limit).Find(&current).Error; err != nil {
		return nil, translate("list announcements", err)
	}
	if n := limit - len(current); n > 0 {
		if err := q.Where("ends_at <= ?", now.UTC()).Order("ends_at DESC, id DESC").Limit(n).Find(&past).Error; err != nil {
			return nil, translate("list announcements", err)
		}
	}
	return append(current, past...), nil
}

// ActiveAnnouncement returns the announcement to show at now (the one that
// started last, when several overlap; nil for none) and the next instant the
// answer may change (a start or an end; zero when nothing is scheduled).
func (d *DB) ActiveAnnouncement(ctx context.Context, now time.Time) (*Announcement, time.Time, error) {
	var upcoming []Announcement // not ended: active ones and future ones
	err := d.gorm.WithContext(ctx).Where("ends_at > ?", now.UTC()).Order("starts_at DESC, id DESC").Limit(50).Find(&upcoming).Error
	if err != nil {
		return nil, time.Time{}, translate("active announcement", err)
	}
	var active *Announcement
	var next time.Time
	soonest := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for i := range upcoming {
		a := &upcoming[i]
		if !a.StartsAt.After(now) && active == nil {
			active = a
		}
		soonest(a.StartsAt)
		soonest(a.EndsAt)
	}
	return active, next, nil
}
