package models

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/internal/richtext"
)

// SiteSettings are a tenant's branding, contact details and the facts the
// generated legal pages need. A tenant without a row has the zero settings.
type SiteSettings struct {
	TenantID            int64 `gorm:"primaryKey;autoIncrement:false"`
	Description         string
	LogoURL             string
	Phone               string
	Email               string
	Address             string
	ClinicalDirector    string
	NHSIdentity         bool `gorm:"column:nhs_identity"`
	SocialFacebook      string
	SocialX             string `gorm:"column:social_x"`
	SocialInstagram     string
	SocialYoutube       string
	DataController      string
	DPOContact          string `gorm:"column:dpo_contact"`
	AccessibilityStatus string // full, partial, not
	AccessibilityIssues string // one per line
	StatementPrepared   *time.Time
	StatementReviewed   *time.Time
	UpdatedAt           time.Time
	// Version counts saves; a save must name the version it was opened at.
	Version int `gorm:"->"` // read-only for GORM: only claimVersion writes it
}

// Settings returns the tenant's settings, zero values when none were saved.
func (t *TenantDB) Settings() (SiteSettings, error) {
	var s SiteSettings
	err := t.scoped.Take(&s).Error
	if isNotFound(err) {
		return SiteSettings{TenantID: t.tenantID, AccessibilityStatus: "partial"}, nil
	}
	return s, translate("settings", err)
}

// SaveSettings replaces the tenant's settings.
func (t *TenantDB) SaveSettings(s SiteSettings) error {
	s.TenantID = t.tenantID
	switch s.AccessibilityStatus {
	case "":
		s.AccessibilityStatus = "partial"
	case "full", "partial", "not":
	default:
		return invalid("accessibility_status", "choose full, partial or not compliant")
	}
	if s.Email != "" && !emailRE.MatchString(s.Email) {
		return invalid("email", "enter an email address, like name@nhs.net")
	}
	for _, u := range []struct{ f, v string }{{"social_facebook", s.SocialFacebook}, {"social_x", s.SocialX}, {"social_instagram", s.SocialInstagram}, {"social_youtube", s.SocialYoutube}} {
		if err := validateURL(u.f, u.v); err != nil {
			return err
		}
	}
	err := t.change(func(tx *TenantDB) error {
		if err := tx.checkLogo(s.LogoURL); err != nil {
			return err
		}
		return tx.scoped.Save(&s).Error
	})
	return translate("save settings", err)
}

// Session is an enhanced access session: evening and weekend appointments
// the PCN runs for patients of every member practice.
type Session struct {
	ID         int64 `gorm:"primaryKey"`
	TenantID   int64
	PracticeID *int64
	Weekdays   string // comma-separated day numbers, Sunday = 0: "1,2,3,4,5"
	StartsAt   int    // minutes after midnight
	EndsAt     int
	Clinicians string
	HowToBook  string
	SortOrder  int
	// Version counts saves; a save must name the version it was opened at.
	Version int `gorm:"->"` // read-only for GORM: only claimVersion writes it
}

// TableName keeps the SQL name explicit.
func (Session) TableName() string { return "enhanced_access_sessions" }

// AddSession records an enhanced access session; ods names the practice
// that hosts it ("" for none).
func (t *TenantDB) AddSession(ods string, s Session) error {
	if s.EndsAt <= s.StartsAt || s.StartsAt < 0 || s.EndsAt > 1440 {
		return invalid("ends_at", "the end time must be after the start time")
	}
	if strings.Trim(s.Weekdays, "0123456,") != "" || s.Weekdays == "" {
		return invalid("weekdays", "choose at least one day")
	}
	err := t.change(func(tx *TenantDB) error {
		if ods != "" {
			var p Practice
			if err := tx.scoped.Where("ods_code = ?", ods).Take(&p).Error; err != nil {
				return err
			}
			s.PracticeID = &p.ID
		}
		s.ID, s.TenantID = 0, t.tenantID
		return tx.scoped.Create(&s).Error
	})
	return translate("add session", err)
}

// Sessions lists the enhanced access sessions in display order.
func (t *TenantDB) Sessions() ([]Session, error) {
	var ss []Session
	err := t.scoped.Order("sort_order, starts_at").Find(&ss).Error
	return ss, translate("list sessions", err)
}

// Service is a service the network offers, with its own stable URL.
type Service struct {
	ID           int64 `gorm:"primaryKey"`
	TenantID     int64
	Slug         string
	Name         string
	Summary      string
	BodyMD       string `gorm:"column:body_md"`
	BodyHTML     string `gorm:"column:body_html"`
	WhoFor       string
	HowToAccess  string
	SelfReferral bool
	Published    bool
	SortOrder    int
	UpdatedAt    time.Time
	// Version counts saves; a save must name the version it was opened at.
	Version int `gorm:"->"` // read-only for GORM: only claimVersion writes it
}

// StaffMember is a named member of the network's team.
type StaffMember struct {
	ID        int64 `gorm:"primaryKey"`
	TenantID  int64
	ServiceID *int64
	Name      string
	Role      string
	PhotoURL  string
	Bio       string
	SortOrder int
	// Version counts saves; a save must name the version it was opened at.
	Version int `gorm:"->"` // read-only for GORM: only claimVersion writes it
}

// TableName keeps the SQL name explicit.
func (StaffMember) TableName() string { return "staff" }

var contentSlugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// saveByKey creates row, or replaces the row of this tenant whose column
// equals key; keep copies what the replacement must not lose (the id).
func saveByKey[T any](t *TenantDB, column, key string, row *T, keep func(row, existing *T)) error {
	return t.change(func(tx *TenantDB) error {
		var existing T
		switch err := tx.scoped.Where(column+" = ?", key).Take(&existing).Error; {
		case isNotFound(err):
			return tx.scoped.Create(row).Error
		case err != nil:
			return err
		}
		keep(row, &existing)
		return tx.scoped.Save(row).Error
	})
}

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

// SaveService creates or updates (by slug) a service.
func (t *TenantDB) SaveService(s Service) (Service, error) {
	if err := validateService(&s); err != nil {
		return Service{}, err
	}
	s.TenantID = t.tenantID
	s.ID = 0
	err := saveByKey(t, "slug", s.Slug, &s, func(row, existing *Service) { row.ID = existing.ID })
	return s, translate("save service "+s.Slug, err)
}

// Services lists the published services in display order.
func (t *TenantDB) Services() ([]Service, error) {
	var ss []Service
	err := t.scoped.Where("published").Order("sort_order, name").Find(&ss).Error
	return ss, translate("list services", err)
}

// ServiceBySlug returns a published service.
func (t *TenantDB) ServiceBySlug(slug string) (Service, error) {
	var s Service
	err := t.scoped.Where("slug = ? AND published", slug).Take(&s).Error
	return s, translate("service "+slug, err)
}

// AddStaff adds a team member, optionally attached to a service by slug.
func (t *TenantDB) AddStaff(serviceSlug string, m StaffMember) error {
	if err := validateStaff(&m); err != nil {
		return err
	}
	err := t.change(func(tx *TenantDB) error {
		if serviceSlug != "" {
			var s Service
			if err := tx.scoped.Where("slug = ?", serviceSlug).Take(&s).Error; err != nil {
				return err
			}
			m.ServiceID = &s.ID
		}
		m.ID, m.TenantID = 0, t.tenantID
		return tx.scoped.Create(&m).Error
	})
	return translate("add staff", err)
}

// Staff lists the team in display order.
func (t *TenantDB) Staff() ([]StaffMember, error) {
	var ms []StaffMember
	err := t.scoped.Order("sort_order, name").Find(&ms).Error
	return ms, translate("list staff", err)
}

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

// SavePost creates or updates (by slug) a news post.
func (t *TenantDB) SavePost(p Post) (Post, error) {
	if err := checkSlugTitle(&p.Slug, &p.Title); err != nil {
		return Post{}, err
	}
	p.PublishedAt = utcPtr(p.PublishedAt)
	var err error
	if p.BodyHTML, err = renderBody(p.BodyMD); err != nil {
		return Post{}, err
	}
	p.TenantID = t.tenantID
	p.ID = 0
	err = saveByKey(t, "slug", p.Slug, &p, func(row, existing *Post) { row.ID = existing.ID; row.CreatedAt = existing.CreatedAt })
	return p, translate("save post "+p.Slug, err)
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

// utcPtr stores an instant in UTC: SQLite compares stored times as text,
// so every instant a query compares with the clock is written in one zone.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
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

// Event is something the network runs (a flu clinic, a group meeting).
type Event struct {
	ID         int64 `gorm:"primaryKey"`
	TenantID   int64
	Slug       string
	Title      string
	Summary    string
	BodyMD     string `gorm:"column:body_md"`
	BodyHTML   string `gorm:"column:body_html"`
	StartsAt   time.Time
	EndsAt     *time.Time
	Location   string
	Online     bool
	BookingURL string
	Published  bool
	UpdatedAt  time.Time
	// Version counts saves; a save must name the version it was opened at.
	Version int `gorm:"->"` // read-only for GORM: only claimVersion writes it
}

// SaveEvent creates or updates (by slug) an event.
func (t *TenantDB) SaveEvent(e Event) (Event, error) {
	if err := validateEvent(&e); err != nil {
		return Event{}, err
	}
	e.TenantID = t.tenantID
	e.ID = 0
	err := saveByKey(t, "slug", e.Slug, &e, func(row, existing *Event) { row.ID = existing.ID })
	return e, translate("save event "+e.Slug, err)
}

// Events lists published events by start time, past ones too; now is the
// time they are shown at: the handle records when the first of those not
// over yet is over (NextChange).
func (t *TenantDB) Events(now time.Time) ([]Event, error) {
	var es []Event
	if err := t.scoped.Where("published").Order("starts_at").Find(&es).Error; err != nil {
		return nil, translate("list events", err)
	}
	for _, e := range es {
		t.changesAt(now, e.OverAt())
	}
	return es, nil
}

// OverAt is when the event is over: its end, or its start when it has none.
func (e Event) OverAt() time.Time {
	if e.EndsAt != nil {
		return *e.EndsAt
	}
	return e.StartsAt
}

// Over reports whether the event is over at now.
func (e Event) Over(now time.Time) bool { return !now.Before(e.OverAt()) }

// EventBySlug returns a published event.
func (t *TenantDB) EventBySlug(slug string) (Event, error) {
	var e Event
	err := t.scoped.Where("slug = ? AND published", slug).Take(&e).Error
	return e, translate("event "+slug, err)
}

// Vacancy is a job advert; it disappears after its closing date.
type Vacancy struct {
	ID        int64 `gorm:"primaryKey"`
	TenantID  int64
	Slug      string
	Title     string
	Summary   string
	BodyMD    string    `gorm:"column:body_md"`
	BodyHTML  string    `gorm:"column:body_html"`
	ClosesOn  time.Time // a date: the last day applications are accepted
	Salary    string
	HoursText string
	ApplyURL  string
	Published bool
	UpdatedAt time.Time
	// Version counts saves; a save must name the version it was opened at.
	Version int `gorm:"->"` // read-only for GORM: only claimVersion writes it
}

// TableName keeps the SQL name explicit.
func (Vacancy) TableName() string { return "vacancies" }

// SaveVacancy creates or updates (by slug) a vacancy.
func (t *TenantDB) SaveVacancy(v Vacancy) (Vacancy, error) {
	if err := validateVacancy(&v); err != nil {
		return Vacancy{}, err
	}
	v.TenantID = t.tenantID
	v.ID = 0
	err := saveByKey(t, "slug", v.Slug, &v, func(row, existing *Vacancy) { row.ID = existing.ID })
	return v, translate("save vacancy "+v.Slug, err)
}

// Vacancies lists every published vacancy by closing date, closed ones too
// (callers hide them with OpenAt); now is the time they are shown at: the
// handle records when the first one still open closes (NextChange).
func (t *TenantDB) Vacancies(now time.Time) ([]Vacancy, error) {
	var vs []Vacancy
	if err := t.scoped.Where("published").Order("closes_on, title").Find(&vs).Error; err != nil {
		return nil, translate("list vacancies", err)
	}
	for _, v := range vs {
		t.changesAt(now, v.ClosesAt())
	}
	return vs, nil
}

// VacancyBySlug returns a published vacancy still open at now (a closed one
// is ErrNotFound); the handle records when it closes.
func (t *TenantDB) VacancyBySlug(slug string, now time.Time) (Vacancy, error) {
	var v Vacancy
	if err := t.scoped.Where("slug = ? AND published", slug).Take(&v).Error; err != nil {
		return v, translate("vacancy "+slug, err)
	}
	if !v.OpenAt(now) {
		return Vacancy{}, fmt.Errorf("models: vacancy %s closed: %w", slug, ErrNotFound)
	}
	t.changesAt(now, v.ClosesAt())
	return v, nil
}

// ClosesAt is when applications stop: midnight after the closing date,
// London time.
func (v Vacancy) ClosesAt() time.Time {
	y, m, d := v.ClosesOn.UTC().Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, hours.Location())
}

// OpenAt reports whether applications are accepted at now.
func (v Vacancy) OpenAt(now time.Time) bool { return now.Before(v.ClosesAt()) }

// OpenOn reports whether applications are accepted on the given London date
// (the closing date is the last day).
func (v Vacancy) OpenOn(year int, month time.Month, day int) bool {
	y, m, d := v.ClosesOn.UTC().Date()
	return fmt.Sprintf("%04d%02d%02d", year, month, day) <= fmt.Sprintf("%04d%02d%02d", y, m, d)
}

// NavItem is one entry of the navigation menu the manager orders.
type NavItem struct {
	ID        int64 `gorm:"primaryKey"`
	TenantID  int64
	Title     string
	Path      string
	SortOrder int
}

// MaxNavItems follows NHS England's guidance: 5 to 7 flat items.
const MaxNavItems = 7

// SetNavItems replaces the navigation menu.
func (t *TenantDB) SetNavItems(items []NavItem) error {
	if len(items) > MaxNavItems {
		return invalid("nav", fmt.Sprintf("use %d items or fewer: NHS guidance asks for 5 to 7 flat items", MaxNavItems))
	}
	for i := range items {
		items[i].Title = strings.TrimSpace(items[i].Title)
		if items[i].Title == "" {
			return invalid("nav", "every menu item needs a title")
		}
		if !strings.HasPrefix(items[i].Path, "/") {
			return invalid("nav", fmt.Sprintf("%q: menu items link to paths on this site, like /services", items[i].Path))
		}
		items[i].ID, items[i].TenantID, items[i].SortOrder = 0, t.tenantID, i
	}
	err := t.change(func(tx *TenantDB) error {
		if err := tx.scoped.Where("1 = 1").Delete(&NavItem{}).Error; err != nil {
			return err
		}
		if len(items) == 0 {
			return nil
		}
		return tx.scoped.Create(&items).Error
	})
	return translate("set navigation", err)
}

// NavItems returns the menu in order.
func (t *TenantDB) NavItems() ([]NavItem, error) {
	var items []NavItem
	err := t.scoped.Order("sort_order").Find(&items).Error
	return items, translate("navigation", err)
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

// SavePostByID creates a post (id 0) or replaces the post with that id,
// slug included. A slug another post of the tenant uses is refused. A
// p.Version other than 0 is the version the post was opened at: if it has
// moved on, nothing is written and an *EditConflictError is returned.
func (t *TenantDB) SavePostByID(id int64, p Post) (Post, error) {
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
	err = t.change(func(tx *TenantDB) error {
		var n int64
		if err := tx.scoped.Model(&Post{}).Where("slug = ? AND id <> ?", p.Slug, id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return invalid("slug", "another news item already uses this web address: change the slug")
		}
		if id == 0 {
			p.ID = 0
			return tx.scoped.Create(&p).Error
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
		return tx.scoped.Save(&p).Error
	})
	return p, translate(fmt.Sprintf("save post %d", id), err)
}

// UnpublishPost makes a post a draft again.
func (t *TenantDB) UnpublishPost(id int64) error {
	err := t.change(func(tx *TenantDB) error {
		res := tx.scoped.Model(&Post{}).Where("id = ?", id).Updates(map[string]any{"published_at": nil, "updated_at": time.Now().UTC()})
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		return res.Error
	})
	return translate(fmt.Sprintf("unpublish post %d", id), err)
}

// DeletePost removes a post.
func (t *TenantDB) DeletePost(id int64) error {
	err := t.change(func(tx *TenantDB) error {
		res := tx.scoped.Where("id = ?", id).Delete(&Post{})
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		return res.Error
	})
	return translate(fmt.Sprintf("delete post %d", id), err)
}
