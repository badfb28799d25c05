package models

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pcnweb/pcnweb/internal/richtext"
)

var contentSlugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Slugify makes a URL slug from a title.
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if len(s) > 80 {
		s = strings.TrimSuffix(s[:80], "-")
	}
	return s
}

func checkSlugTitle(slug, title *string) error {
	*title = strings.TrimSpace(*title)
	if *title == "" {
		return invalid("title", "enter a title")
	}
	if utf8.RuneCountInString(*title) > 200 {
		return invalid("title", "use 200 characters or fewer")
	}
	if *slug == "" {
		*slug = Slugify(*title)
	}
	if !contentSlugRE.MatchString(*slug) {
		return invalid("slug", "use lower-case letters, digits and single hyphens")
	}
	return nil
}

func renderBody(md string) (string, error) {
	h, err := richtext.Markdown(md)
	if err != nil {
		return "", invalid("body", err.Error())
	}
	return string(h), nil
}

// checkSummary trims a summary and limits its length.
func checkSummary(s *string) error {
	*s = strings.TrimSpace(*s)
	if utf8.RuneCountInString(*s) > 500 {
		return invalid("summary", "use 500 characters or fewer for the summary")
	}
	return nil
}

// saveSlugRowByID is the id-based save of a content row with a slug
// (services, events, vacancies). Inside one change it claims the version
// the form was opened at (when id > 0: another tenant's id is ErrNotFound, a
// moved-on version an *EditConflictError), refuses a slug another row of
// the tenant uses (taken is the message), lets prepare adjust the row
// (existing is nil when creating), then creates (id 0) or overwrites the
// row, audited by by as (action, subject). row is read back afterwards,
// version included; idp points at its ID.
func saveSlugRowByID[T any](t *TenantDB, by Actor, action, subject string, table, what string, id int64, version int, slug, taken string,
	row *T, idp *int64, prepare func(tx *TenantDB, existing *T) error) error {
	return t.changeAudited(by, func(tx *TenantDB) error {
		var existing *T
		if id != 0 {
			if err := tx.claimVersion(table, "id", id, version, what); err != nil {
				return err
			}
			existing = new(T)
			if err := tx.scoped.Where("id = ?", id).Take(existing).Error; err != nil {
				return err
			}
		}
		var n int64
		if err := tx.scoped.Table(table).Where("slug = ? AND id <> ?", slug, id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return invalid("slug", taken)
		}
		*idp = id
		if prepare != nil {
			if err := prepare(tx, existing); err != nil {
				return err
			}
		}
		var err error
		if id == 0 {
			err = tx.scoped.Create(row).Error
		} else {
			err = tx.scoped.Save(row).Error
		}
		if err != nil {
			return err
		}
		var fresh T
		if err := tx.scoped.Where("id = ?", *idp).Take(&fresh).Error; err != nil {
			return err
		}
		*row = fresh
		return tx.audit(action, subject)
	})
}

// deleteByID deletes the row of T with id in one change audited by by as
// action on subject(row): another tenant's or an unknown id is
// ErrNotFound. before, when set, runs first (to detach the rows that point
// at it).
func deleteByID[T any](t *TenantDB, by Actor, what string, id int64, action string, subject func(T) string,
	before func(tx *TenantDB) error) error {
	err := t.changeAudited(by, func(tx *TenantDB) error {
		var row T
		if err := tx.scoped.Where("id = ?", id).Take(&row).Error; err != nil {
			return err
		}
		if before != nil {
			if err := before(tx); err != nil {
				return err
			}
		}
		if err := tx.scoped.Where("id = ?", id).Delete(new(T)).Error; err != nil {
			return err
		}
		return tx.audit(action, subject(row))
	})
	return translate(fmt.Sprintf("delete %s %d", what, id), err)
}

// nextSortOrder is the sort_order that puts a new row last among
// the rows of table matching where/args ("" for all the tenant's rows).
func nextSortOrder(tx *TenantDB, table, where string, args ...any) (int, error) {
	q := tx.scoped.Table(table)
	if where != "" {
		q = q.Where(where, args...)
	}
	var next int
	err := q.Select("COALESCE(MAX(sort_order), -1) + 1").Scan(&next).Error
	return next, err
}

// utcPtr stores an instant in UTC: SQLite compares stored times as text,
// so every instant a query compares with the clock is written in one zone.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func validateURL(field, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return invalid(field, "enter a full web address starting with https://")
	}
	return nil
}
