package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/pcnweb/pcnweb/internal/hours"
)

// ErrPracticeHostsSessions refuses to delete a practice that enhanced
// access sessions are held at: patients would otherwise be told those
// sessions are "across the network" without anyone deciding so.
var ErrPracticeHostsSessions = errors.New("practice hosts enhanced access sessions")

// practiceEditColumns are what SavePracticeByID writes: the practice's
// details, never its hours (SetPracticeHours), order or creation time.
var practiceEditColumns = []string{"ods_code", "name", "address", "postcode", "phone", "email", "website",
	"appointments_url", "registration_url", "prescriptions_url", "closed_on_bank_holidays", "accessibility_notes", "updated_at"}

// PracticeByID returns one practice of the tenant with its exceptions;
// another tenant's id is ErrNotFound.
func (t *TenantDB) PracticeByID(id int64) (Practice, error) {
	var p Practice
	err := t.scoped.Preload("Exceptions", func(db *gorm.DB) *gorm.DB { return t.own(db).Order("starts_on, id") }).
		Where("id = ?", id).Take(&p).Error
	return p, translate(fmt.Sprintf("practice %d", id), err)
}

// SavePracticeByID creates a practice (id 0, placed last) or updates the
// details of the practice with that id, which must still be at version. Its
// opening hours, exceptions and place in the list are left as they are. An
// ODS code another practice of the tenant uses is refused on "ods_code".
func (t *TenantDB) SavePracticeByID(id int64, version int, p Practice) (Practice, error) {
	p.Address = strings.TrimSpace(strings.ReplaceAll(p.Address, "\r\n", "\n"))
	for _, s := range []*string{&p.Phone, &p.Email, &p.Website, &p.AppointmentsURL, &p.RegistrationURL, &p.PrescriptionsURL, &p.Postcode} {
		*s = strings.TrimSpace(*s)
	}
	p.AccessibilityNotes = strings.TrimSpace(p.AccessibilityNotes)
	if id != 0 {
		p.Hours = "" // not this form's: validated and saved by SetPracticeHours
	}
	if err := p.validate(); err != nil {
		return Practice{}, err
	}
	p.TenantID, p.Exceptions = t.tenantID, nil
	p.UpdatedAt = time.Now().UTC()
	err := t.change(func(tx *TenantDB) error {
		var n int64
		if err := tx.scoped.Model(&Practice{}).Where("ods_code = ? AND id <> ?", p.ODSCode, id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return invalid("ods_code", "another practice of this network already has the ODS code "+p.ODSCode+": check the code")
		}
		if id == 0 {
			var last struct{ N *int }
			if err := tx.scoped.Model(&Practice{}).Select("MAX(sort_order) AS n").Scan(&last).Error; err != nil {
				return err
			}
			p.ID, p.SortOrder, p.CreatedAt = 0, 0, p.UpdatedAt
			if last.N != nil {
				p.SortOrder = *last.N + 1
			}
			return tx.scoped.Omit(clause.Associations).Create(&p).Error
		}
		if err := tx.claimVersion("practices", "id", id, version, "practice "+p.ODSCode); err != nil {
			return err
		}
		p.ID = id
		return tx.scoped.Model(&Practice{}).Where("id = ?", id).Select(practiceEditColumns).Updates(&p).Error
	})
	if err != nil {
		return Practice{}, translate(fmt.Sprintf("save practice %d", id), err)
	}
	return t.PracticeByID(p.ID)
}

// DeletePractice deletes a practice and its exceptions. A practice that
// enhanced access sessions are held at is not deleted: the error wraps
// ErrPracticeHostsSessions, and the sessions must be moved or deleted first.
func (t *TenantDB) DeletePractice(id int64) error {
	err := t.change(func(tx *TenantDB) error {
		var p Practice
		if err := tx.scoped.Where("id = ?", id).Take(&p).Error; err != nil {
			return err
		}
		var n int64
		if err := tx.scoped.Model(&Session{}).Where("practice_id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%d sessions: %w", n, ErrPracticeHostsSessions)
		}
		if err := tx.scoped.Where("practice_id = ?", id).Delete(&PracticeException{}).Error; err != nil {
			return err
		}
		return tx.scoped.Where("id = ?", id).Delete(&Practice{}).Error
	})
	return translate(fmt.Sprintf("delete practice %d", id), err)
}

// SessionsAtPractice lists the enhanced access sessions held at a practice.
func (t *TenantDB) SessionsAtPractice(id int64) ([]Session, error) {
	var ss []Session
	err := t.scoped.Where("practice_id = ?", id).Order("sort_order, starts_at, id").Find(&ss).Error
	return ss, translate(fmt.Sprintf("sessions at practice %d", id), err)
}

// MovePractice moves a practice one place up or down the list.
func (t *TenantDB) MovePractice(id int64, up bool) error {
	if err := t.practiceOrderSettle("practices", "sort_order, name, id"); err != nil {
		return fmt.Errorf("models: move practice %d: %w", id, err)
	}
	return t.moveRow("practices", id, up, "")
}

// practiceOrderSettle gives the rows of table distinct sort_order values in
// the order they are listed (order), when some share one: moveRow orders by
// sort_order then id, which must agree with what the user sees.
func (t *TenantDB) practiceOrderSettle(table, order string) error {
	var orders []int
	if err := t.scoped.Table(table).Order(order).Pluck("sort_order", &orders).Error; err != nil {
		return err
	}
	distinct := true
	for i := 1; i < len(orders); i++ {
		if orders[i] <= orders[i-1] {
			distinct = false
		}
	}
	if distinct {
		return nil
	}
	return t.change(func(tx *TenantDB) error {
		var ids []int64
		if err := tx.scoped.Table(table).Order(order).Pluck("id", &ids).Error; err != nil {
			return err
		}
		for i, v := range ids {
			if err := tx.scoped.Table(table).Where("id = ?", v).UpdateColumn("sort_order", i).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// SetPracticeHours replaces a practice's usual weekly hours (day name →
// spans, see WeeklyHours); the practice must still be at version.
func (t *TenantDB) SetPracticeHours(id int64, version int, w WeeklyHours) error {
	check := Practice{Name: "x", ODSCode: "X00000", Hours: EncodeHours(w)}
	if err := check.validate(); err != nil {
		return err
	}
	err := t.change(func(tx *TenantDB) error {
		if err := tx.claimVersion("practices", "id", id, version, fmt.Sprintf("practice %d", id)); err != nil {
			return err
		}
		return tx.scoped.Model(&Practice{}).Where("id = ?", id).
			Updates(map[string]any{"hours": check.Hours, "updated_at": time.Now().UTC()}).Error
	})
	return translate(fmt.Sprintf("set hours of practice %d", id), err)
}

// ExceptionsOf lists a practice's exceptions by start date; another
// tenant's practice is ErrNotFound.
func (t *TenantDB) ExceptionsOf(practiceID int64) ([]PracticeException, error) {
	p, err := t.PracticeByID(practiceID)
	if err != nil {
		return nil, err
	}
	return p.Exceptions, nil
}

// ExceptionByID returns one exception of a practice; an exception of another
// practice or tenant is ErrNotFound.
func (t *TenantDB) ExceptionByID(practiceID, id int64) (PracticeException, error) {
	var e PracticeException
	err := t.scoped.Where("practice_id = ? AND id = ?", practiceID, id).Take(&e).Error
	return e, translate(fmt.Sprintf("exception %d of practice %d", id, practiceID), err)
}

// ExceptionSpans decodes the special opening times of an exception.
func (e PracticeException) ExceptionSpans() []ClockSpan {
	var cs []ClockSpan
	if !e.Closed && e.Hours != "" {
		_ = json.Unmarshal([]byte(e.Hours), &cs)
	}
	return cs
}

// SaveException creates (id 0) or updates an exception of a practice: the
// dates (EndsOn zero means the same day as StartsOn), closed all day or
// special opening times (spans, in order, not overlapping) and a reason.
// An update must name the version it was opened at. Dates overlapping
// another exception of the practice are refused on "starts_on".
func (t *TenantDB) SaveException(practiceID, id int64, version int, e PracticeException, spans []ClockSpan) (PracticeException, error) {
	e.Reason = strings.TrimSpace(e.Reason)
	if e.StartsOn.IsZero() {
		return PracticeException{}, invalid("starts_on", "enter the first date of the change")
	}
	y, m, d := e.StartsOn.Date()
	e.StartsOn = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if e.EndsOn.IsZero() {
		e.EndsOn = e.StartsOn
	}
	y, m, d = e.EndsOn.Date()
	e.EndsOn = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if e.EndsOn.Before(e.StartsOn) {
		return PracticeException{}, invalid("ends_on", "the last date must be the same as or after the first date")
	}
	if utf8.RuneCountInString(e.Reason) > 200 {
		return PracticeException{}, invalid("reason", "use 200 characters or fewer for the reason")
	}
	e.Hours = ""
	if !e.Closed {
		if len(spans) == 0 {
			return PracticeException{}, invalid("exception-1-open", "enter the special opening times, or choose closed all day")
		}
		hs, err := spansOf(spans)
		if err != nil {
			return PracticeException{}, invalid("exception-1-open", "enter times like 8am or 18:30")
		}
		if err := (hours.Schedule{Week: hours.Week{1: hs}}).Validate(); err != nil {
			return PracticeException{}, invalid("exception-1-open", "check the special opening times: each period must close after it opens, and periods must not overlap")
		}
		b, _ := json.Marshal(spans)
		e.Hours = string(b)
	}
	var saved PracticeException
	err := t.change(func(tx *TenantDB) error {
		var p Practice
		if err := tx.scoped.Where("id = ?", practiceID).Take(&p).Error; err != nil {
			return err
		}
		var other []PracticeException
		if err := tx.scoped.Where("practice_id = ? AND id <> ? AND starts_on <= ? AND ends_on >= ?", practiceID, id, e.EndsOn, e.StartsOn).
			Order("starts_on").Find(&other).Error; err != nil {
			return err
		}
		if len(other) > 0 {
			o := other[0]
			when := dateOf(o.StartsOn).Long()
			if !o.EndsOn.Equal(o.StartsOn) {
				when += " to " + dateOf(o.EndsOn).Long()
			}
			return invalid("starts_on", "these dates overlap another change to the hours ("+when+"): change the dates or edit that one instead")
		}
		e.TenantID, e.PracticeID = t.tenantID, practiceID
		if id == 0 {
			e.ID = 0
			if err := tx.scoped.Create(&e).Error; err != nil {
				return err
			}
		} else {
			if err := tx.claimVersion("practice_exceptions", "id", id, version, fmt.Sprintf("exception %d", id)); err != nil {
				return err
			}
			e.ID = id
			res := tx.scoped.Model(&PracticeException{}).Where("id = ? AND practice_id = ?", id, practiceID).
				Select("starts_on", "ends_on", "closed", "hours", "reason").Updates(&e)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return ErrNotFound
			}
		}
		return tx.scoped.Where("id = ?", e.ID).Take(&saved).Error
	})
	return saved, translate(fmt.Sprintf("save exception %d of practice %d", id, practiceID), err)
}

// DeleteException deletes one exception of a practice.
func (t *TenantDB) DeleteException(practiceID, id int64) error {
	err := t.change(func(tx *TenantDB) error {
		res := tx.scoped.Where("practice_id = ? AND id = ?", practiceID, id).Delete(&PracticeException{})
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		return res.Error
	})
	return translate(fmt.Sprintf("delete exception %d of practice %d", id, practiceID), err)
}

// ClockOf formats minutes after midnight in the stored form, "08:00"
// ("24:00" for midnight at the end of the day).
func ClockOf(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }
