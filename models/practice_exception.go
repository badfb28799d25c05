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

// normaliseException checks an exception before it is written: the dates
// (EndsOn zero means the same day as StartsOn) as UTC midnights, the
// reason, and the special opening times (spans, in order, not
// overlapping) unless it is closed all day.
func normaliseException(e *PracticeException, spans []ClockSpan) error {
	e.Reason = strings.TrimSpace(e.Reason)
	if e.StartsOn.IsZero() {
		return invalid("starts_on", "enter the first date of the change")
	}
	y, m, d := e.StartsOn.Date()
	e.StartsOn = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if e.EndsOn.IsZero() {
		e.EndsOn = e.StartsOn
	}
	y, m, d = e.EndsOn.Date()
	e.EndsOn = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if e.EndsOn.Before(e.StartsOn) {
		return invalid("ends_on", "the last date must be the same as or after the first date")
	}
	if utf8.RuneCountInString(e.Reason) > 200 {
		return invalid("reason", "use 200 characters or fewer for the reason")
	}
	e.Hours = ""
	if !e.Closed {
		if len(spans) == 0 {
			return invalid("exception-1-open", "enter the special opening times, or choose closed all day")
		}
		hs, err := spansOf(spans)
		if err != nil {
			return invalid("exception-1-open", "enter times like 08:00 or 18:30")
		}
		if err := (hours.Schedule{Week: hours.Week{1: hs}}).Validate(); err != nil {
			return invalid("exception-1-open", "check the special opening times: each period must close after it opens, and periods must not overlap")
		}
		b, _ := json.Marshal(spans)
		e.Hours = string(b)
	}
	return nil
}

// checkExceptionOverlap refuses, on "starts_on", dates that overlap another
// exception (other than id) of practice p; named says which practice in
// the message, for a change made to several at once.
func (t *TenantDB) checkExceptionOverlap(p Practice, id int64, e PracticeException, named bool) error {
	var other []PracticeException
	if err := t.scoped.Where("practice_id = ? AND id <> ? AND starts_on <= ? AND ends_on >= ?", p.ID, id, e.EndsOn, e.StartsOn).
		Order("starts_on").Find(&other).Error; err != nil {
		return err
	}
	if len(other) == 0 {
		return nil
	}
	o := other[0]
	when := dateOf(o.StartsOn).Long()
	if !o.EndsOn.Equal(o.StartsOn) {
		when += " to " + dateOf(o.EndsOn).Long()
	}
	whose := ""
	if named {
		whose = " of " + p.Name
	}
	return invalid("starts_on", "these dates overlap another change to the hours"+whose+" ("+when+"): change the dates or edit that one instead")
}

// SaveException creates (id 0) or updates an exception of a practice: the
// dates (EndsOn zero means the same day as StartsOn), closed all day or
// special opening times (spans, in order, not overlapping) and a reason.
// An update must name the version it was opened at. Dates overlapping
// another exception of the practice are refused on "starts_on". The change
// is audited by by.
func (t *TenantDB) SaveException(by Actor, practiceID, id int64, version int, e PracticeException, spans []ClockSpan) (PracticeException, error) {
	if err := normaliseException(&e, spans); err != nil {
		return PracticeException{}, err
	}
	var saved PracticeException
	err := t.changeAudited(by, func(tx *TenantDB) error {
		var p Practice
		if err := tx.scoped.Where("id = ?", practiceID).Take(&p).Error; err != nil {
			return err
		}
		if err := tx.checkExceptionOverlap(p, id, e, false); err != nil {
			return err
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

// AddExceptionToPractices adds the same exception (a training afternoon,
// say) to each of the practices, in one transaction: all of them or none,
// the tenant's generation bumped once, one audit row per practice (the
// audit log is read per practice). A practice of another tenant, or named
// twice, is ErrNotFound; dates that overlap another exception of any of
// them are refused on "starts_on", naming the practice. The exceptions are
// returned in the order of practiceIDs.
func (t *TenantDB) AddExceptionToPractices(by Actor, practiceIDs []int64, e PracticeException, spans []ClockSpan) ([]PracticeException, error) {
	if len(practiceIDs) == 0 {
		return nil, invalid("practices", "choose at least one practice")
	}
	if err := normaliseException(&e, spans); err != nil {
		return nil, err
	}
	var saved []PracticeException
	err := t.changeAudited(by, func(tx *TenantDB) error {
		seen := map[int64]bool{}
		for _, id := range practiceIDs {
			if seen[id] {
				return ErrNotFound
			}
			seen[id] = true
			var p Practice
			if err := tx.scoped.Where("id = ?", id).Take(&p).Error; err != nil {
				return err
			}
			if err := tx.checkExceptionOverlap(p, 0, e, len(practiceIDs) > 1); err != nil {
				return err
			}
			row := e
			row.ID, row.TenantID, row.PracticeID = 0, t.tenantID, id
			if err := tx.scoped.Create(&row).Error; err != nil {
				return err
			}
			var s PracticeException
			if err := tx.scoped.Where("id = ?", row.ID).Take(&s).Error; err != nil {
				return err
			}
			saved = append(saved, s)
			if err := tx.audit(AuditPracticeExceptionCreate, exceptionSubject(p, s)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, translate(fmt.Sprintf("add exception to practices %v", practiceIDs), err)
	}
	return saved, nil
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
