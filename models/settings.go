package models

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// SiteSettings are a tenant's branding, contact details and the facts the
// generated legal pages need. A tenant without a row has the zero settings.
type SiteSettings struct {
	TenantID            int64 `gorm:"primaryKey;autoIncrement:false"`
	Description         string
	LogoURL             string
	Phone               string
	Email               string
	Address             string
	ClinicalDirector    string
	NHSIdentity         bool `gorm:"column:nhs_identity"`
	SocialFacebook      string
	SocialX             string `gorm:"column:social_x"`
	SocialInstagram     string
	SocialYoutube       string
	DataController      string
	DPOContact          string `gorm:"column:dpo_contact"`
	AccessibilityStatus string // full, partial, not
	AccessibilityIssues string // one per line
	StatementPrepared   *time.Time
	StatementReviewed   *time.Time
	// PatientGroup describes the network's patient participation group
	// and PatientGroupJoin how to join it (migration 00017): the
	// /patient-group page shows them; empty, it says how to ask a practice.
	PatientGroup     string
	PatientGroupJoin string
	UpdatedAt        time.Time
	// Version counts saves; a save must name the version it was opened at.
	Version int `gorm:"->"` // read-only for GORM: only claimVersion writes it
}

// Settings returns the tenant's settings, zero values when none were saved.
func (t *TenantDB) Settings() (SiteSettings, error) {
	var s SiteSettings
	err := t.scoped.Take(&s).Error
	if isNotFound(err) {
		return SiteSettings{TenantID: t.tenantID, AccessibilityStatus: "partial"}, nil
	}
	return s, translate("settings", err)
}

// AuditSettingsSave is the audit action of saving the site settings.
const AuditSettingsSave = "settings.save"

// settingsWhat names the settings row in an EditConflictError.
const settingsWhat = "the site settings"

// settingsLimits are the longest values of the settings' text fields.
var settingsLimits = []struct {
	field string
	max   int
	get   func(*SiteSettings) *string
}{
	{"description", 500, func(s *SiteSettings) *string { return &s.Description }},
	{"phone", 40, func(s *SiteSettings) *string { return &s.Phone }},
	{"email", 254, func(s *SiteSettings) *string { return &s.Email }},
	{"address", 500, func(s *SiteSettings) *string { return &s.Address }},
	{"clinical_director", 200, func(s *SiteSettings) *string { return &s.ClinicalDirector }},
	{"social_facebook", 300, func(s *SiteSettings) *string { return &s.SocialFacebook }},
	{"social_x", 300, func(s *SiteSettings) *string { return &s.SocialX }},
	{"social_instagram", 300, func(s *SiteSettings) *string { return &s.SocialInstagram }},
	{"social_youtube", 300, func(s *SiteSettings) *string { return &s.SocialYoutube }},
	{"data_controller", 300, func(s *SiteSettings) *string { return &s.DataController }},
	{"dpo_contact", 500, func(s *SiteSettings) *string { return &s.DPOContact }},
	{"accessibility_issues", 5000, func(s *SiteSettings) *string { return &s.AccessibilityIssues }},
	{"patient_group", 2000, func(s *SiteSettings) *string { return &s.PatientGroup }},
	{"patient_group_join", 1000, func(s *SiteSettings) *string { return &s.PatientGroupJoin }},
}

// settingsCheck trims and validates settings as the admin form saves them;
// today's calendar date (in the caller's zone: London for the admin panel)
// is the latest a statement date can be. Dates are stored as UTC midnights.
func settingsCheck(s *SiteSettings, today time.Time) error {
	for _, l := range settingsLimits {
		v := l.get(s)
		*v = strings.TrimSpace(strings.ReplaceAll(*v, "\r\n", "\n"))
		if utf8.RuneCountInString(*v) > l.max {
			return invalid(l.field, "use "+strconv.Itoa(l.max)+" characters or fewer")
		}
	}
	s.Email = NormalizeEmail(s.Email)
	if s.Phone != "" && strings.Trim(s.Phone, "0123456789 +()-") != "" {
		return invalid("phone", "enter a phone number using digits and spaces only, like 0113 496 0000")
	}
	if s.Email != "" && ValidateEmail(s.Email) != nil {
		return invalid("email", "enter an email address in the correct format, like name@nhs.net")
	}
	for _, u := range []struct{ f, v string }{{"social_facebook", s.SocialFacebook}, {"social_x", s.SocialX}, {"social_instagram", s.SocialInstagram}, {"social_youtube", s.SocialYoutube}} {
		if u.v != "" && !strings.HasPrefix(u.v, "https://") {
			return invalid(u.f, "enter the full address of the page, starting with https://")
		}
		if err := validateURL(u.f, u.v); err != nil {
			return err
		}
	}
	switch s.AccessibilityStatus {
	case "full", "partial", "not":
	default:
		return invalid("accessibility_status", "choose how far the website meets the accessibility standard")
	}
	y, m, d := today.Date()
	end := time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
	if s.StatementPrepared != nil && !s.StatementPrepared.Before(end) {
		return invalid("statement_prepared", "the date the statement was prepared must be today or in the past")
	}
	if s.StatementReviewed != nil {
		if !s.StatementReviewed.Before(end) {
			return invalid("statement_reviewed", "the date the statement was last reviewed must be today or in the past")
		}
		if s.StatementPrepared == nil {
			return invalid("statement_prepared", "enter the date the statement was prepared as well as the date it was reviewed")
		}
		if s.StatementReviewed.Before(*s.StatementPrepared) {
			return invalid("statement_reviewed", "the review date must be the same as or after the date the statement was prepared")
		}
	}
	return nil
}

// SaveSettingsAt saves the settings as opened at version (0: there was no
// settings row yet, so this save creates it); now is the time of the save,
// in the zone whose date bounds the statement dates. A save opened at an older
// version is an *EditConflictError and writes nothing. It returns the
// settings as saved, with their new version. The change is audited by by.
func (t *TenantDB) SaveSettingsAt(by Actor, s SiteSettings, version int, now time.Time) (SiteSettings, error) {
	if err := settingsCheck(&s, now); err != nil {
		return SiteSettings{}, err
	}
	s.TenantID = t.tenantID
	s.UpdatedAt = now.UTC()
	err := t.changeAudited(by, func(tx *TenantDB) error {
		if err := tx.checkLogo(s.LogoURL); err != nil {
			return err
		}
		if version == 0 {
			var n int64
			if err := tx.scoped.Model(&SiteSettings{}).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				var cur SiteSettings
				if err := tx.scoped.Take(&cur).Error; err != nil {
					return err
				}
				return &EditConflictError{What: settingsWhat, Current: cur.Version}
			}
			if err := tx.scoped.Create(&s).Error; err != nil {
				return err
			}
			return tx.audit(AuditSettingsSave, "")
		}
		if err := tx.claimVersion("site_settings", "tenant_id", t.tenantID, version, settingsWhat); err != nil {
			if errors.Is(err, ErrNotFound) {
				return &EditConflictError{What: settingsWhat}
			}
			return err
		}
		if err := tx.scoped.Model(&SiteSettings{}).Where("tenant_id = ?", t.tenantID).Select("*").Omit("tenant_id", "version").Updates(&s).Error; err != nil {
			return err
		}
		return tx.audit(AuditSettingsSave, "")
	})
	if err != nil && (errors.Is(err, gorm.ErrDuplicatedKey) || isUniqueViolation(err)) {
		return SiteSettings{}, &EditConflictError{What: settingsWhat}
	}
	if err != nil {
		return SiteSettings{}, translate("save settings", err)
	}
	return t.Settings()
}
