package models

import (
	"errors"
	"time"

	"gorm.io/gorm/clause"

	"github.com/pcnweb/pcnweb/internal/richtext"
)

// The admin panel's page operations: create at a new path, unpublish,
// delete, read one revision and restore it. Each write takes the page's row
// lock (PostgreSQL; SQLite has one writer already) and, when the caller
// names the revision it started from, refuses with a *StaleError if another
// save happened since.

// msgPathTaken is the message of a create at a path that already has a page.
const msgPathTaken = "a page already has this web address: choose another one, or edit that page from the list of pages"

// CreatePage creates a new page at in.Path with its first revision,
// published unless in.Draft. A path that already has a page is a
// *ValidationError on "path"; nothing is written.
func (t *TenantDB) CreatePage(in PageInput) (Page, error) {
	zero := int64(0)
	in.BaseRevisionID = &zero
	p, err := t.PutPage(in)
	if errors.Is(err, ErrStale) || errors.Is(err, ErrConflict) {
		return Page{}, invalid("path", msgPathTaken)
	}
	return p, err
}

// lockPage loads the page at path inside a change, holding its row lock
// until the transaction ends.
func (t *TenantDB) lockPage(path string) (Page, error) {
	q := t.scoped
	if t.db.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var page Page
	err := q.Where("path = ?", path).Take(&page).Error
	return page, err
}

// UnpublishPage takes the page at path off the public site and keeps it,
// with every revision, as a draft. base, when set, is the latest revision
// the user saw: a page saved since is a *StaleError and stays as it is.
func (t *TenantDB) UnpublishPage(path string, base *int64) error {
	err := t.change(func(tx *TenantDB) error {
		page, err := tx.lockPage(path)
		if err != nil {
			return err
		}
		if err := tx.checkBase(page, base); err != nil {
			return err
		}
		return tx.scoped.Model(&Page{}).Where("id = ?", page.ID).
			Updates(map[string]any{"published_revision_id": nil, "published_at": nil, "updated_at": time.Now().UTC()}).Error
	})
	return translate("unpublish page "+path, err)
}

// DeletePage deletes the page at path and all its revisions. base, when
// set, is the latest revision the user saw: a page saved since is a
// *StaleError and is not deleted.
func (t *TenantDB) DeletePage(path string, base *int64) error {
	err := t.change(func(tx *TenantDB) error {
		page, err := tx.lockPage(path)
		if err != nil {
			return err
		}
		if err := tx.checkBase(page, base); err != nil {
			return err
		}
		// The page points at its published revision: unhook it first, so the
		// revisions can go whatever the dialect's foreign key settings.
		if err := tx.scoped.Model(&Page{}).Where("id = ?", page.ID).Update("published_revision_id", nil).Error; err != nil {
			return err
		}
		if err := tx.scoped.Where("page_id = ?", page.ID).Delete(&PageRevision{}).Error; err != nil {
			return err
		}
		return tx.scoped.Where("id = ?", page.ID).Delete(&Page{}).Error
	})
	return translate("delete page "+path, err)
}

// RevisionByID returns revision id of the page at path: another page's or
// another tenant's revision is ErrNotFound.
func (t *TenantDB) RevisionByID(path string, id int64) (PageRevision, error) {
	var page Page
	if err := t.scoped.Where("path = ?", path).Take(&page).Error; err != nil {
		return PageRevision{}, translate("page "+path, err)
	}
	var rev PageRevision
	err := t.scoped.Where("id = ? AND page_id = ?", id, page.ID).Take(&rev).Error
	return rev, translate("revision of "+path, err)
}

// RestoreRevision copies revision id of the page at path into a new draft
// revision (its title and text, by author): the live page does not change
// until the user publishes. base, when set, is the latest revision the user
// saw: a page saved since is a *StaleError and nothing is written.
func (t *TenantDB) RestoreRevision(path string, id int64, base *int64, author string) (PageRevision, error) {
	var rev PageRevision
	err := t.change(func(tx *TenantDB) error {
		page, err := tx.lockPage(path)
		if err != nil {
			return err
		}
		var old PageRevision
		if err := tx.scoped.Where("id = ? AND page_id = ?", id, page.ID).Take(&old).Error; err != nil {
			return err
		}
		if err := tx.checkBase(page, base); err != nil {
			return err
		}
		body, err := richtext.Markdown(old.BodyMD) // today's renderer and sanitiser
		if err != nil {
			return invalid("body", err.Error())
		}
		rev = PageRevision{TenantID: t.tenantID, PageID: page.ID, Title: old.Title, BodyMD: old.BodyMD, BodyHTML: string(body), Author: author}
		if err := tx.scoped.Create(&rev).Error; err != nil {
			return err
		}
		return tx.scoped.Model(&Page{}).Where("id = ?", page.ID).
			Updates(map[string]any{"title": old.Title, "updated_at": time.Now().UTC()}).Error
	})
	if err != nil {
		return PageRevision{}, translate("restore revision of "+path, err)
	}
	return rev, nil
}

// PageHistory is a page's revisions, newest first, with the live one.
type PageHistory struct {
	Page      Page
	Revisions []PageRevision
}

// History loads the page at path and its revisions, newest first.
func (t *TenantDB) History(path string) (PageHistory, error) {
	var h PageHistory
	if err := t.scoped.Where("path = ?", path).Take(&h.Page).Error; err != nil {
		return h, translate("page "+path, err)
	}
	err := t.scoped.Where("page_id = ?", h.Page.ID).Order("id DESC").Find(&h.Revisions).Error
	return h, translate("revisions of "+path, err)
}
