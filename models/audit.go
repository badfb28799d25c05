package models

import (
	"strings"
	"time"

	"gorm.io/gorm"
)

// Actor is who makes a change, as the audit log records it: a signed-in
// user (UserID and their email as Name), or a process with UserID 0 and a
// name that says which ("cli:alice", "api: deploy-bot", "demo").
type Actor struct {
	UserID int64
	Name   string
}

// valid reports whether the actor says who it is.
func (a Actor) valid() bool { return strings.TrimSpace(a.Name) != "" }

// Audit actions of signing in and out. The actions of each kind of
// content are declared beside it (AuditPagePublish, AuditEventSave …).
const (
	AuditSignIn     = "sign-in"
	AuditSignOut    = "sign-out"
	AuditSignOutAll = "sign-out-everywhere"
)

// AuditEntry is one line of a tenant's audit log: who did what to which
// subject, and when. UserEmail is kept as it was, so the line still says who
// after the account is gone.
type AuditEntry struct {
	ID        int64 `gorm:"primaryKey"`
	TenantID  int64
	UserID    *int64
	UserEmail string
	Action    string
	Subject   string
	At        time.Time
}

// TableName keeps the SQL name explicit.
func (AuditEntry) TableName() string { return "audit_log" }

// Audit appends an entry to the tenant's audit log.
func (t *TenantDB) Audit(userID int64, email, action, subject string) error {
	e := AuditEntry{TenantID: t.tenantID, UserEmail: email, Action: action, Subject: strings.TrimSpace(subject), At: time.Now().UTC()}
	if userID != 0 {
		e.UserID = &userID
	}
	return translate("audit "+action, t.scoped.Create(&e).Error)
}

// AuditLog lists the tenant's most recent audit entries, newest first.
func (t *TenantDB) AuditLog(limit int) ([]AuditEntry, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	var out []AuditEntry
	err := t.scoped.Order("at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, translate("audit log", err)
}

// AuditPageSize is how many entries a page of the audit log shows.
const AuditPageSize = 50

// AuditFilter selects entries of the audit log: by the email of who did
// them ("" for everyone), one page (from 1) of AuditPageSize.
type AuditFilter struct {
	Email string
	Page  int
}

// AuditPage lists one page of the tenant's audit log, newest first, and the
// number of entries that match the filter.
func (t *TenantDB) AuditPage(f AuditFilter) ([]AuditEntry, int64, error) {
	if f.Page < 1 {
		f.Page = 1
	}
	q := t.scoped.Model(&AuditEntry{})
	if f.Email != "" {
		q = q.Where("user_email = ?", NormalizeEmail(f.Email))
	}
	q = q.Session(&gorm.Session{})
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, translate("count audit log", err)
	}
	var out []AuditEntry
	err := q.Order("at DESC, id DESC").Limit(AuditPageSize).Offset((f.Page - 1) * AuditPageSize).Find(&out).Error
	return out, total, translate("audit log page", err)
}

// AuditPeople lists the emails that appear in the tenant's audit log, for
// the filter by person.
func (t *TenantDB) AuditPeople() ([]string, error) {
	var out []string
	err := t.scoped.Model(&AuditEntry{}).Where("user_email <> ''").Distinct("user_email").Order("user_email").Pluck("user_email", &out).Error
	return out, translate("audit log people", err)
}
