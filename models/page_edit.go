package models

import (
	"errors"
	"fmt"
	"time"
)

// ErrStale matches every *StaleError.
var ErrStale = errors.New("changed since it was opened")

// StaleError refuses a save that started from a revision that is no longer
// the latest: someone else saved the page in between.
type StaleError struct {
	Path   string
	Latest int64 // the page's latest revision now (0 if it was deleted)
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("page %s was changed by someone else since it was opened", e.Path)
}

// Unwrap lets errors.Is(err, ErrStale) match.
func (e *StaleError) Unwrap() error { return ErrStale }

// checkBase refuses the write when base is set and is not page's latest revision.
func (t *TenantDB) checkBase(page Page, base *int64) error {
	if base == nil {
		return nil
	}
	latest, err := t.latestRevisionID(page.ID)
	if err != nil {
		return err
	}
	if latest != *base {
		return &StaleError{Path: page.Path, Latest: latest}
	}
	return nil
}

func (t *TenantDB) latestRevisionID(pageID int64) (int64, error) {
	var ids []int64
	err := t.scoped.Model(&PageRevision{}).Where("page_id = ?", pageID).Order("id DESC").Limit(1).Pluck("id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// PageSummary is a row of the admin's list of pages.
type PageSummary struct {
	Path      string
	Title     string
	Published bool
	Draft     bool // the latest revision is not the published one
	UpdatedAt time.Time
}

// Pages lists every page of the tenant, drafts included, by path.
func (t *TenantDB) Pages() ([]PageSummary, error) {
	var rows []struct {
		Page
		LatestID int64
	}
	err := t.scoped.Model(&Page{}).
		Select("pages.*, (SELECT MAX(r.id) FROM page_revisions r WHERE r.tenant_id = pages.tenant_id AND r.page_id = pages.id) AS latest_id").
		Order("path").Find(&rows).Error
	if err != nil {
		return nil, translate("list pages", err)
	}
	out := make([]PageSummary, 0, len(rows))
	for _, r := range rows {
		pub := r.PublishedRevisionID != nil
		out = append(out, PageSummary{Path: r.Path, Title: r.Title, Published: pub,
			Draft: !pub || *r.PublishedRevisionID != r.LatestID, UpdatedAt: r.UpdatedAt})
	}
	return out, nil
}

// PageDraft is a page as an editor opens it: its latest revision, which the
// edit form carries back as the base of the save.
type PageDraft struct {
	Page     Page
	Revision PageRevision // the latest revision
}

// PageForEdit loads the page at path with its latest revision.
func (t *TenantDB) PageForEdit(path string) (PageDraft, error) {
	var d PageDraft
	if err := t.scoped.Where("path = ?", path).Take(&d.Page).Error; err != nil {
		return d, translate("page "+path, err)
	}
	err := t.scoped.Where("page_id = ?", d.Page.ID).Order("id DESC").Take(&d.Revision).Error
	return d, translate("latest revision of "+path, err)
}
