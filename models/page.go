package models

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/pcnweb/pcnweb/internal/richtext"
)

// Page is a tenant's content page at a path. Its content lives in revisions:
// the latest revision is the draft, PublishedRevisionID the live one.
type Page struct {
	ID                  int64 `gorm:"primaryKey"`
	TenantID            int64
	Path                string
	Title               string // title of the latest revision
	NavOrder            int
	InNav               bool
	PublishedRevisionID *int64
	PublishedAt         *time.Time
	ReviewDue           *time.Time // a date; content is reviewed at least every 12 months
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// PageRevision is one saved version of a page.
type PageRevision struct {
	ID        int64 `gorm:"primaryKey"`
	TenantID  int64
	PageID    int64
	Title     string
	BodyMD    string `gorm:"column:body_md"`
	BodyHTML  string `gorm:"column:body_html"` // sanitised when written
	Author    string
	CreatedAt time.Time
}

// PublishedPage is what the public site shows at a path.
type PublishedPage struct {
	Page     Page
	Revision PageRevision
}

// PageInput is a page as a writer submits it.
type PageInput struct {
	Path   string
	Title  string
	BodyMD string
	Draft  bool // save a revision without publishing it
	// By is who makes the change: the revision history shows By.Name, and
	// the audit log gets its row in the same transaction. Required.
	By Actor
	// ReviewDue is when the content should next be reviewed; nil leaves
	// it as it was (a new page gets one year from now).
	ReviewDue *time.Time
	// BaseRevisionID, when set, is the latest revision the writer started
	// from (0 for a page that did not exist): if another save happened
	// since, PutPage writes nothing and returns a *StaleError.
	BaseRevisionID *int64
}

var pathRE = regexp.MustCompile(`^/(?:[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*)?$`)

// reservedPaths are the first segments the platform serves itself.
var reservedPaths = map[string]bool{
	"admin": true, "static": true, "media": true, "search": true, "api": true,
	"sitemap.xml": true, "robots.txt": true, "feed.xml": true, "healthz": true, "readyz": true,
}

// ValidatePagePath checks a page path: "/" for the home page, or lower-case
// words joined by hyphens, in up to five segments.
func ValidatePagePath(p string) error {
	switch {
	case p == "":
		return invalid("path", "enter a path, like /about")
	case !pathRE.MatchString(p):
		return invalid("path", "use a path like /about or /services/social-prescribing: lower-case letters, digits and single hyphens")
	case len(p) > 200 || strings.Count(p, "/") > 5:
		return invalid("path", "use a shorter path: 200 characters and 5 levels at most")
	}
	if first, _, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/"); reservedPaths[first] {
		return invalid("path", fmt.Sprintf("/%s is used by the platform; choose another path", first))
	}
	return nil
}

func (in *PageInput) validate() error {
	in.Title = strings.TrimSpace(in.Title)
	if err := ValidatePagePath(in.Path); err != nil {
		return err
	}
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		return invalid("title", "enter a title")
	case n > 200:
		return invalid("title", "use 200 characters or fewer")
	}
	if len(in.BodyMD) > richtext.MaxSource {
		return invalid("body", fmt.Sprintf("the text is too long: %d KB at most", richtext.MaxSource>>10))
	}
	if !utf8.ValidString(in.BodyMD) {
		return invalid("body", "the text is not valid UTF-8")
	}
	return nil
}

// Audit actions of pages.
const (
	AuditPageSaveDraft  = "page.save-draft"
	AuditPagePublish    = "page.publish"
	AuditPageUnpublish  = "page.unpublish"
	AuditPageDelete     = "page.delete"
	AuditPageRestore    = "page.restore"
	AuditPageNavigation = "page.navigation"
)

// PutPage creates the page at in.Path or adds a revision to it, and
// publishes that revision unless in.Draft. New top-level pages appear in the
// navigation.
func (t *TenantDB) PutPage(in PageInput) (Page, error) {
	if err := in.validate(); err != nil {
		return Page{}, err
	}
	body, err := richtext.Markdown(in.BodyMD)
	if err != nil {
		return Page{}, invalid("body", err.Error())
	}
	action := AuditPagePublish
	if in.Draft {
		action = AuditPageSaveDraft
	}
	var page Page
	err = t.changeAudited(in.By, func(tx *TenantDB) error {
		q := tx.scoped
		if in.BaseRevisionID != nil && t.db.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"}) // SQLite has one writer already
		}
		err := q.Where("path = ?", in.Path).Take(&page).Error
		switch {
		case err == nil:
			if err := tx.checkBase(page, in.BaseRevisionID); err != nil {
				return err
			}
		case isNotFound(err):
			if in.BaseRevisionID != nil && *in.BaseRevisionID != 0 {
				return &StaleError{Path: in.Path}
			}
			due := time.Now().UTC().AddDate(1, 0, 0).Truncate(24 * time.Hour)
			page = Page{TenantID: t.tenantID, Path: in.Path, Title: in.Title, InNav: isTopLevel(in.Path), ReviewDue: &due}
			if err := tx.scoped.Create(&page).Error; err != nil {
				return err
			}
		default:
			return err
		}
		rev := PageRevision{TenantID: t.tenantID, PageID: page.ID, Title: in.Title, BodyMD: in.BodyMD, BodyHTML: string(body), Author: in.By.Name}
		if err := tx.scoped.Create(&rev).Error; err != nil {
			return err
		}
		updates := map[string]any{"title": in.Title, "updated_at": time.Now().UTC()}
		if in.ReviewDue != nil {
			updates["review_due"] = *in.ReviewDue
			page.ReviewDue = in.ReviewDue
		}
		if !in.Draft {
			now := time.Now().UTC()
			updates["published_revision_id"] = rev.ID
			updates["published_at"] = now
			page.PublishedRevisionID, page.PublishedAt = &rev.ID, &now
		}
		page.Title = in.Title
		if err := tx.scoped.Model(&Page{}).Where("id = ?", page.ID).Updates(updates).Error; err != nil {
			return err
		}
		return tx.audit(action, in.Path)
	})
	if err != nil {
		return Page{}, translate("put page "+in.Path, err)
	}
	return page, nil
}

// PublishedPage returns the live version of the page at path.
func (t *TenantDB) PublishedPage(path string) (PublishedPage, error) {
	var page Page
	if err := t.scoped.Where("path = ? AND published_revision_id IS NOT NULL", path).Take(&page).Error; err != nil {
		return PublishedPage{}, translate("page "+path, err)
	}
	return t.PublishedRevision(page)
}

// PublishedRevision is PublishedPage for a page already read (a row of
// PublishedPages, which the public site keeps per generation): only its
// published revision is read. A page not published is ErrNotFound.
func (t *TenantDB) PublishedRevision(page Page) (PublishedPage, error) {
	if page.PublishedRevisionID == nil {
		return PublishedPage{}, fmt.Errorf("models: page %s: %w", page.Path, ErrNotFound)
	}
	p := PublishedPage{Page: page}
	err := t.scoped.Where("id = ?", *page.PublishedRevisionID).Take(&p.Revision).Error
	return p, translate("page "+page.Path+" revision", err)
}

// PublishedPages lists the published pages, navigation order first.
func (t *TenantDB) PublishedPages() ([]Page, error) {
	var pages []Page
	err := t.scoped.Where("published_revision_id IS NOT NULL").Order("nav_order, title").Find(&pages).Error
	return pages, translate("list published pages", err)
}

// Revisions lists a page's revisions, newest first.
func (t *TenantDB) Revisions(path string) ([]PageRevision, error) {
	var page Page
	if err := t.scoped.Where("path = ?", path).Take(&page).Error; err != nil {
		return nil, translate("page "+path, err)
	}
	var revs []PageRevision
	err := t.scoped.Where("page_id = ?", page.ID).Order("id DESC").Find(&revs).Error
	return revs, translate("revisions of "+path, err)
}

func isTopLevel(p string) bool { return p != "/" && strings.Count(p, "/") == 1 }

func isNotFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }

// SetNavigation places the page at path in the header navigation (inNav)
// at position order, audited by by.
func (t *TenantDB) SetNavigation(by Actor, path string, order int, inNav bool) error {
	err := t.changeAudited(by, func(tx *TenantDB) error {
		res := tx.scoped.Model(&Page{}).Where("path = ?", path).Updates(map[string]any{"nav_order": order, "in_nav": inNav})
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		if res.Error != nil {
			return res.Error
		}
		return tx.audit(AuditPageNavigation, path)
	})
	return translate("set navigation of "+path, err)
}

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
// The change is audited by by.
func (t *TenantDB) UnpublishPage(by Actor, path string, base *int64) error {
	err := t.changeAudited(by, func(tx *TenantDB) error {
		page, err := tx.lockPage(path)
		if err != nil {
			return err
		}
		if err := tx.checkBase(page, base); err != nil {
			return err
		}
		if err := tx.scoped.Model(&Page{}).Where("id = ?", page.ID).
			Updates(map[string]any{"published_revision_id": nil, "published_at": nil, "updated_at": time.Now().UTC()}).Error; err != nil {
			return err
		}
		return tx.audit(AuditPageUnpublish, path)
	})
	return translate("unpublish page "+path, err)
}

// DeletePage deletes the page at path and all its revisions. base, when
// set, is the latest revision the user saw: a page saved since is a
// *StaleError and is not deleted. The change is audited by by.
func (t *TenantDB) DeletePage(by Actor, path string, base *int64) error {
	err := t.changeAudited(by, func(tx *TenantDB) error {
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
		if err := tx.scoped.Where("id = ?", page.ID).Delete(&Page{}).Error; err != nil {
			return err
		}
		return tx.audit(AuditPageDelete, path)
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
// revision (its title and text, written and audited by by): the live page
// does not change until the user publishes. base, when set, is the latest
// revision the user saw: a page saved since is a *StaleError and nothing is
// written.
func (t *TenantDB) RestoreRevision(by Actor, path string, id int64, base *int64) (PageRevision, error) {
	var rev PageRevision
	err := t.changeAudited(by, func(tx *TenantDB) error {
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
		rev = PageRevision{TenantID: t.tenantID, PageID: page.ID, Title: old.Title, BodyMD: old.BodyMD, BodyHTML: string(body), Author: by.Name}
		if err := tx.scoped.Create(&rev).Error; err != nil {
			return err
		}
		if err := tx.scoped.Model(&Page{}).Where("id = ?", page.ID).
			Updates(map[string]any{"title": old.Title, "updated_at": time.Now().UTC()}).Error; err != nil {
			return err
		}
		return tx.audit(AuditPageRestore, path+" revision "+strconv.FormatInt(id, 10))
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
