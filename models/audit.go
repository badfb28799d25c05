package models

import (
	"strings"
	"time"
)

// Audit actions.
const (
	AuditSignIn        = "sign-in"
	AuditSignOut       = "sign-out"
	AuditSignOutAll    = "sign-out-everywhere"
	AuditPageSaveDraft = "page.save-draft"
	AuditPagePublish   = "page.publish"
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
