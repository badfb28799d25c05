package models

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pcnweb/pcnweb/internal/hours"
)

// PracticeException is a closure or change of hours over a range of days.
type PracticeException struct {
	ID         int64 `gorm:"primaryKey"`
	TenantID   int64
	PracticeID int64
	StartsOn   time.Time // a date, midnight UTC
	EndsOn     time.Time // inclusive
	Closed     bool
	Hours      string // JSON list of spans when not closed
	Reason     string
	// Version counts saves; a save must name the version it was opened at.
	Version int `gorm:"->"` // read-only for GORM: only claimVersion writes it
}

// exceptionSubject is an exception of practice p as the audit log names it:
// the practice and the first day, "/practices/Y99001 24/12/2026".
func exceptionSubject(p Practice, e PracticeException) string {
	return practiceSubject(p) + " " + e.StartsOn.UTC().Format("2/1/2006")
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
// another exception of the practice are refused on "starts_on". The change
// is audited by by.
func (t *TenantDB) SaveException(by Actor, practiceID, id int64, version int, e PracticeException, spans []ClockSpan) (PracticeException, error) {
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
	err := t.changeAudited(by, func(tx *TenantDB) error {
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
		if err := tx.scoped.Where("id = ?", e.ID).Take(&saved).Error; err != nil {
			return err
		}
		action := AuditPracticeExceptionCreate
		if id != 0 {
			action = AuditPracticeExceptionUpdate
		}
		return tx.audit(action, exceptionSubject(p, saved))
	})
	return saved, translate(fmt.Sprintf("save exception %d of practice %d", id, practiceID), err)
}

// DeleteException deletes one exception of a practice, audited by by.
func (t *TenantDB) DeleteException(by Actor, practiceID, id int64) error {
	err := t.changeAudited(by, func(tx *TenantDB) error {
		var p Practice
		if err := tx.scoped.Where("id = ?", practiceID).Take(&p).Error; err != nil {
			return err
		}
		var e PracticeException
		if err := tx.scoped.Where("practice_id = ? AND id = ?", practiceID, id).Take(&e).Error; err != nil {
			return err
		}
		if err := tx.scoped.Where("practice_id = ? AND id = ?", practiceID, id).Delete(&PracticeException{}).Error; err != nil {
			return err
		}
		return tx.audit(AuditPracticeExceptionDelete, exceptionSubject(p, e))
	})
	return translate(fmt.Sprintf("delete exception %d of practice %d", id, practiceID), err)
}
