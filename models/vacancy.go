package models

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pcnweb/pcnweb/internal/hours"
)

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

// validateVacancy checks and normalises a vacancy before any save, and
// renders its body.
func validateVacancy(v *Vacancy) error {
	if err := checkSlugTitle(&v.Slug, &v.Title); err != nil {
		return err
	}
	if err := checkSummary(&v.Summary); err != nil {
		return err
	}
	if v.ClosesOn.IsZero() {
		return invalid("closes_on", "enter the closing date")
	}
	v.Salary, v.HoursText = strings.TrimSpace(v.Salary), strings.TrimSpace(v.HoursText)
	if utf8.RuneCountInString(v.Salary) > 200 {
		return invalid("salary", "use 200 characters or fewer for the salary")
	}
	if utf8.RuneCountInString(v.HoursText) > 200 {
		return invalid("hours_text", "use 200 characters or fewer for the hours")
	}
	v.ApplyURL = strings.TrimSpace(v.ApplyURL)
	if err := validateURL("apply_url", v.ApplyURL); err != nil {
		return err
	}
	var err error
	v.BodyHTML, err = renderBody(v.BodyMD)
	return err
}

// AllVacancies lists every vacancy of the tenant, closed and unpublished
// ones included, by closing date, for the admin panel.
func (t *TenantDB) AllVacancies() ([]Vacancy, error) {
	var vs []Vacancy
	err := t.scoped.Order("closes_on, title, id").Find(&vs).Error
	return vs, translate("list all vacancies", err)
}

// VacancyByID returns any vacancy of the tenant; another tenant's id is
// ErrNotFound.
func (t *TenantDB) VacancyByID(id int64) (Vacancy, error) {
	var v Vacancy
	err := t.scoped.Where("id = ?", id).Take(&v).Error
	return v, translate(fmt.Sprintf("vacancy %d", id), err)
}

// Audit actions of vacancies.
const (
	AuditVacancySave   = "vacancy.save"
	AuditVacancyDelete = "vacancy.delete"
)

// vacancySubject is a vacancy as the audit log names it.
func vacancySubject(v Vacancy) string { return "/vacancies/" + v.Slug }

// SaveVacancy creates a vacancy (id 0) or overwrites the vacancy with
// that id, opened at version, audited by by. A slug another vacancy of the
// tenant uses is refused.
func (t *TenantDB) SaveVacancy(by Actor, id int64, version int, v Vacancy) (Vacancy, error) {
	if err := validateVacancy(&v); err != nil {
		return Vacancy{}, err
	}
	v.TenantID = t.tenantID
	what := fmt.Sprintf("vacancy %d", id)
	err := saveSlugRowByID(t, by, AuditVacancySave, vacancySubject(v), "vacancies", what, id, version, v.Slug,
		"another vacancy already uses this web address: change it", &v, &v.ID, nil)
	return v, translate("save "+what, err)
}

// DeleteVacancy removes a vacancy, audited by by.
func (t *TenantDB) DeleteVacancy(by Actor, id int64) error {
	return deleteByID(t, by, "vacancy", id, AuditVacancyDelete, vacancySubject, nil)
}
