package models

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pcnweb/pcnweb/internal/ods"
)

// The operators' console: operator accounts, the operator audit log, the
// last publish of every tenant and the import of one PCN from ODS files.

// OperatorAuditEntry is one operator action: who, what, about which tenant
// (none for platform-wide actions), and why.
type OperatorAuditEntry struct {
	ID         int64 `gorm:"primaryKey"`
	UserID     *int64
	UserEmail  string
	Action     string
	TenantID   *int64
	TenantSlug string
	Subject    string
	Why        string
	At         time.Time
}

// TableName keeps the SQL name explicit.
func (OperatorAuditEntry) TableName() string { return "operator_audit" }

// ValidateWhy checks the reason every operator change asks for.
func ValidateWhy(why string) error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(why)); {
	case n == 0:
		return invalid("why", "Enter why you are making this change")
	case n > 500:
		return invalid("why", "Reason must be 500 characters or fewer")
	}
	return nil
}

// OperatorAudit writes a row of the operator audit log. tenant may be nil.
func (d *DB) OperatorAudit(ctx context.Context, by User, action string, tenant *Tenant, subject, why string) error {
	// A map, not the struct: the tenant guard refuses rows of tables with a
	// tenant_id and none, and platform-wide entries have none.
	row := map[string]any{"user_email": by.Email, "action": action, "subject": subject, "why": strings.TrimSpace(why), "at": time.Now().UTC(),
		"user_id": nil, "tenant_id": nil, "tenant_slug": ""}
	if by.ID != 0 {
		row["user_id"] = by.ID
	}
	if tenant != nil {
		row["tenant_id"], row["tenant_slug"] = tenant.ID, tenant.Slug
	}
	return translate("write operator audit", d.gorm.WithContext(ctx).Table("operator_audit").Create(row).Error)
}

// OperatorAuditLogForTenantID returns the newest entries first, of one tenant when
// tenantID is not 0.
func (d *DB) OperatorAuditLogForTenantID(ctx context.Context, tenantID int64, limit int) ([]OperatorAuditEntry, error) {
	q := d.gorm.WithContext(ctx).Order("at DESC, id DESC").Limit(limit)
	if tenantID != 0 {
		q = q.Where("tenant_id = ?", tenantID)
	}
	var out []OperatorAuditEntry
	return out, translate("operator audit log", q.Find(&out).Error)
}

// CreateOperator creates an operator account: a member of no tenant.
func (d *DB) CreateOperator(ctx context.Context, email, passwordHash string) (User, error) {
	email = NormalizeEmail(email)
	if err := ValidateEmail(email); err != nil {
		return User{}, err
	}
	if passwordHash == "" {
		return User{}, invalid("password", "enter a password")
	}
	u := User{Email: email, PasswordHash: passwordHash, IsOperator: true}
	if err := d.gorm.WithContext(ctx).Create(&u).Error; err != nil {
		return User{}, translate("create operator "+email, err)
	}
	return u, nil
}

// LastPublished returns the latest pages.published_at of every tenant that
// has published a page.
func (d *DB) LastPublished(ctx context.Context) (map[int64]time.Time, error) {
	var rows []struct {
		TenantID int64
		Last     string
	}
	err := d.gorm.WithContext(ctx).Table("pages").Select("tenant_id, MAX(published_at) AS last").
		Where("published_at IS NOT NULL").Group("tenant_id").Scan(&rows).Error
	if err != nil {
		return nil, translate("last published", err)
	}
	out := make(map[int64]time.Time, len(rows))
	for _, r := range rows {
		if t, ok := consoleParseTime(r.Last); ok {
			out[r.TenantID] = t
		}
	}
	return out, nil
}

// consoleParseTime reads an aggregate timestamp, which SQLite returns as
// text in one of several layouts.
func consoleParseTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999 -0700 MST"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// ImportODSPCN imports one PCN (by its ODS code) and its member practices
// from data, as ImportODS does for all of them, and returns its tenant. A
// code the files do not hold, or of a closed PCN, is a ValidationError on
// "ods_code".
func (d *DB) ImportODSPCN(ctx context.Context, data *ods.Data, code string, now time.Time) (Tenant, ODSReport, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	one := &ods.Data{Practices: data.Practices}
	for _, p := range data.PCNs {
		if p.Code == code {
			one.PCNs = append(one.PCNs, p)
		}
	}
	if len(one.PCNs) == 0 {
		return Tenant{}, ODSReport{}, invalid("ods_code", "There is no PCN with this ODS code in the ODS files. Check the code, for example U12345")
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if !one.PCNs[0].OpenOn(today) {
		return Tenant{}, ODSReport{}, invalid("ods_code", "This PCN has closed, so it cannot have a website")
	}
	for _, m := range data.Memberships {
		if m.PCNCode == code {
			one.Memberships = append(one.Memberships, m)
		}
	}
	rep, err := d.ImportODS(ctx, one, now)
	if err != nil {
		return Tenant{}, rep, err
	}
	var t Tenant
	err = d.gorm.WithContext(ctx).Preload("Domains", orderDomains).Where("ods_code = ?", code).Order("id").Take(&t).Error
	return t, rep, translate("tenant "+code, err)
}

// CreateConsoleSignInSession stores an operator's console session, which belongs
// to no tenant (tenant_id 0, migration 00013), in the database's sessions
// table. It is a plain INSERT: the tenant guard refuses tenant rows without
// a tenant, rightly everywhere else.
func (d *DB) CreateConsoleSignInSession(ctx context.Context, s SignInSession) error {
	if s.TenantID != 0 {
		return fmt.Errorf("models: console session for tenant %d: %w", s.TenantID, errTenantGuard)
	}
	err := d.gorm.WithContext(ctx).Exec("INSERT INTO sessions (token_hash, user_id, tenant_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, 0, ?, ?, ?)",
		s.TokenHash, s.UserID, s.CSRFToken, s.CreatedAt.UTC(), s.LastSeenAt.UTC()).Error
	return translate("create console session", err)
}
