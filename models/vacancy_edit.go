package models

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// validateVacancy checks and normalises a vacancy before any save, and
// renders its body.
func validateVacancy(v *Vacancy) error {
	if err := checkSlugTitle(&v.Slug, &v.Title); err != nil {
		return err
	}
	if err := servicesCheckSummary(&v.Summary); err != nil {
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

// SaveVacancyByID creates a vacancy (id 0) or overwrites the vacancy with
// that id, opened at version. A slug another vacancy of the tenant uses is
// refused.
func (t *TenantDB) SaveVacancyByID(id int64, version int, v Vacancy) (Vacancy, error) {
	if err := validateVacancy(&v); err != nil {
		return Vacancy{}, err
	}
	v.TenantID = t.tenantID
	what := fmt.Sprintf("vacancy %d", id)
	err := servicesSaveByID(t, "vacancies", what, id, version, v.Slug,
		"another vacancy already uses this web address: change it", &v, &v.ID, nil)
	return v, translate("save "+what, err)
}

// DeleteVacancy removes a vacancy.
func (t *TenantDB) DeleteVacancy(id int64) error {
	err := t.change(func(tx *TenantDB) error {
		res := tx.scoped.Where("id = ?", id).Delete(&Vacancy{})
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		return res.Error
	})
	return translate(fmt.Sprintf("delete vacancy %d", id), err)
}
