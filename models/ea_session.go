package models

import (
	"fmt"
	"strings"
)

// EASession is an enhanced access session: evening and weekend appointments
// the PCN runs for patients of every member practice.
type EASession struct {
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
func (EASession) TableName() string { return "enhanced_access_sessions" }

// AddEASession records an enhanced access session; ods names the practice
// that hosts it ("" for none).
func (t *TenantDB) AddEASession(ods string, s EASession) error {
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

// EASessions lists the enhanced access sessions in display order.
func (t *TenantDB) EASessions() ([]EASession, error) {
	var ss []EASession
	err := t.scoped.Order("sort_order, starts_at").Find(&ss).Error
	return ss, translate("list sessions", err)
}

// EASessionsAtPractice lists the enhanced access sessions held at a practice.
func (t *TenantDB) EASessionsAtPractice(id int64) ([]EASession, error) {
	var ss []EASession
	err := t.scoped.Where("practice_id = ?", id).Order("sort_order, starts_at, id").Find(&ss).Error
	return ss, translate(fmt.Sprintf("sessions at practice %d", id), err)
}

// EASessionByID returns one enhanced access session; another tenant's id is
// ErrNotFound.
func (t *TenantDB) EASessionByID(id int64) (EASession, error) {
	var s EASession
	err := t.scoped.Where("id = ?", id).Take(&s).Error
	return s, translate(fmt.Sprintf("session %d", id), err)
}

// SaveEASessionByID creates an enhanced access session (id 0, placed last) or
// updates the one with that id, which must still be at version. Weekdays are
// day numbers (Sunday = 0) separated by commas; PracticeID, when set, must
// be one of the tenant's practices (nil: across the network).
func (t *TenantDB) SaveEASessionByID(id int64, version int, s EASession) (EASession, error) {
	days := map[string]bool{}
	for _, f := range strings.Split(s.Weekdays, ",") {
		if f = strings.TrimSpace(f); f != "" {
			if len(f) != 1 || f[0] < '0' || f[0] > '6' {
				return EASession{}, invalid("days", "choose the days of the session from the list")
			}
			days[f] = true
		}
	}
	if len(days) == 0 {
		return EASession{}, invalid("days", "choose at least one day")
	}
	var ordered []string
	for _, d := range []string{"1", "2", "3", "4", "5", "6", "0"} { // Monday first
		if days[d] {
			ordered = append(ordered, d)
		}
	}
	s.Weekdays = strings.Join(ordered, ",")
	switch {
	case s.StartsAt < 0 || s.StartsAt >= 1440:
		return EASession{}, invalid("starts_at", "enter the start time, like 6:30pm or 18:30")
	case s.EndsAt <= 0 || s.EndsAt > 1440:
		return EASession{}, invalid("ends_at", "enter the end time, like 8pm or 20:00")
	case s.EndsAt <= s.StartsAt:
		return EASession{}, invalid("ends_at", "the end time must be after the start time")
	}
	s.Clinicians, s.HowToBook = strings.TrimSpace(s.Clinicians), strings.TrimSpace(s.HowToBook)
	s.TenantID = t.tenantID
	err := t.change(func(tx *TenantDB) error {
		if s.PracticeID != nil {
			var n int64
			if err := tx.scoped.Model(&Practice{}).Where("id = ?", *s.PracticeID).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return invalid("practice_id", "choose a practice from the list, or across the network")
			}
		}
		if id == 0 {
			var last struct{ N *int }
			if err := tx.scoped.Model(&EASession{}).Select("MAX(sort_order) AS n").Scan(&last).Error; err != nil {
				return err
			}
			s.ID, s.SortOrder = 0, 0
			if last.N != nil {
				s.SortOrder = *last.N + 1
			}
			return tx.scoped.Create(&s).Error
		}
		if err := tx.claimVersion("enhanced_access_sessions", "id", id, version, fmt.Sprintf("session %d", id)); err != nil {
			return err
		}
		s.ID = id
		return tx.scoped.Model(&EASession{}).Where("id = ?", id).
			Select("practice_id", "weekdays", "starts_at", "ends_at", "clinicians", "how_to_book").Updates(&s).Error
	})
	if err != nil {
		return EASession{}, translate(fmt.Sprintf("save session %d", id), err)
	}
	return t.EASessionByID(s.ID)
}

// DeleteEASession deletes an enhanced access session.
func (t *TenantDB) DeleteEASession(id int64) error {
	err := t.change(func(tx *TenantDB) error {
		res := tx.scoped.Where("id = ?", id).Delete(&EASession{})
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		return res.Error
	})
	return translate(fmt.Sprintf("delete session %d", id), err)
}

// MoveEASession moves an enhanced access session one place up or down the list.
func (t *TenantDB) MoveEASession(id int64, up bool) error {
	if err := t.settleOrder("enhanced_access_sessions", "sort_order, starts_at, id"); err != nil {
		return fmt.Errorf("models: move session %d: %w", id, err)
	}
	return t.moveRow("enhanced_access_sessions", id, up, "")
}
