package models

import (
	"fmt"
	"strings"

	"github.com/pcnweb/pcnweb/internal/hours"
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

// Audit actions of enhanced access sessions.
const (
	AuditEASessionCreate = "enhanced-access.create"
	AuditEASessionUpdate = "enhanced-access.update"
	AuditEASessionDelete = "enhanced-access.delete"
	AuditEASessionMove   = "enhanced-access.move"
)

// EASessionDays are the days a session can be held on, Monday first: the
// stored day number (Sunday = 0) and its name.
var EASessionDays = [7]struct{ Value, Name string }{
	{"1", "Monday"}, {"2", "Tuesday"}, {"3", "Wednesday"}, {"4", "Thursday"}, {"5", "Friday"}, {"6", "Saturday"}, {"0", "Sunday"},
}

// DaysText names the session's days, Monday first: "Monday to Friday" for
// a run of three or more, otherwise "Monday, Wednesday and Friday", as the
// public page names them.
func (s EASession) DaysText() string {
	var names []string
	var pos []int
	for i, day := range EASessionDays {
		for _, f := range strings.Split(s.Weekdays, ",") {
			if strings.TrimSpace(f) == day.Value {
				names, pos = append(names, day.Name), append(pos, i)
				break
			}
		}
	}
	if len(names) > 2 && pos[len(pos)-1]-pos[0] == len(pos)-1 {
		return names[0] + " to " + names[len(names)-1]
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// eaSessionSubject is a session as the audit log names it: its days, and
// its times when withTimes.
func eaSessionSubject(s EASession, withTimes bool) string {
	subject := "/enhanced-access " + s.DaysText()
	if withTimes {
		subject += " " + hours.FormatSpan(hours.Span{Open: s.StartsAt, Close: s.EndsAt})
	}
	return subject
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
// be one of the tenant's practices (nil: across the network). The change is
// audited by by.
func (t *TenantDB) SaveEASessionByID(by Actor, id int64, version int, s EASession) (EASession, error) {
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
	err := t.changeAudited(by, func(tx *TenantDB) error {
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
			if err := tx.scoped.Create(&s).Error; err != nil {
				return err
			}
			return tx.audit(AuditEASessionCreate, eaSessionSubject(s, true))
		}
		if err := tx.claimVersion("enhanced_access_sessions", "id", id, version, fmt.Sprintf("session %d", id)); err != nil {
			return err
		}
		s.ID = id
		if err := tx.scoped.Model(&EASession{}).Where("id = ?", id).
			Select("practice_id", "weekdays", "starts_at", "ends_at", "clinicians", "how_to_book").Updates(&s).Error; err != nil {
			return err
		}
		return tx.audit(AuditEASessionUpdate, eaSessionSubject(s, true))
	})
	if err != nil {
		return EASession{}, translate(fmt.Sprintf("save session %d", id), err)
	}
	return t.EASessionByID(s.ID)
}

// DeleteEASession deletes an enhanced access session, audited by by.
func (t *TenantDB) DeleteEASession(by Actor, id int64) error {
	return deleteByID(t, by, "session", id, AuditEASessionDelete, func(s EASession) string { return eaSessionSubject(s, true) }, nil)
}

// MoveEASession moves an enhanced access session one place up or down the
// list, audited by by.
func (t *TenantDB) MoveEASession(by Actor, id int64, up bool) error {
	return moveByID(t, by, "enhanced_access_sessions", id, up, "sort_order, starts_at, id", AuditEASessionMove,
		func(s EASession) string { return eaSessionSubject(s, false) }, nil)
}
