package models

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// StaffMember is a named member of the network's team.
type StaffMember struct {
	ID        int64 `gorm:"primaryKey"`
	TenantID  int64
	ServiceID *int64
	Name      string
	Role      string
	PhotoURL  string
	Bio       string
	SortOrder int
	// Version counts saves; a save must name the version it was opened at.
	Version int `gorm:"->"` // read-only for GORM: only claimVersion writes it
}

// TableName keeps the SQL name explicit.
func (StaffMember) TableName() string { return "staff" }

// Audit actions of the team.
const (
	AuditStaffSave   = "staff.save"
	AuditStaffDelete = "staff.delete"
	AuditStaffMove   = "staff.move"
)

// staffSubject is a team member as the audit log names them.
func staffSubject(m StaffMember) string { return "/team " + m.Name }

// Staff lists the team in display order.
func (t *TenantDB) Staff() ([]StaffMember, error) {
	var ms []StaffMember
	err := t.scoped.Order("sort_order, name").Find(&ms).Error
	return ms, translate("list staff", err)
}

// validateStaff checks and normalises a team member before any save.
func validateStaff(m *StaffMember) error {
	m.Name, m.Role = strings.TrimSpace(m.Name), strings.TrimSpace(m.Role)
	m.PhotoURL, m.Bio = strings.TrimSpace(m.PhotoURL), strings.TrimSpace(m.Bio)
	switch {
	case m.Name == "":
		return invalid("name", "enter a name")
	case utf8.RuneCountInString(m.Name) > 200:
		return invalid("name", "use 200 characters or fewer for the name")
	case m.Role == "":
		return invalid("role", "enter a role")
	case utf8.RuneCountInString(m.Role) > 200:
		return invalid("role", "use 200 characters or fewer for the role")
	case utf8.RuneCountInString(m.Bio) > 2000:
		return invalid("bio", "use 2,000 characters or fewer for the bio")
	}
	if m.PhotoURL != "" {
		u, err := url.Parse(m.PhotoURL)
		if err != nil || !strings.HasPrefix(m.PhotoURL, "/") || strings.HasPrefix(m.PhotoURL, "//") ||
			u.Host != "" || strings.ContainsAny(m.PhotoURL, " \t\n\\") {
			return invalid("photo_url", "the photo must be an image uploaded to this site: a path starting with /, like /media/12/320.jpg")
		}
	}
	return nil
}

// StaffByID returns a team member of the tenant; another tenant's id is
// ErrNotFound.
func (t *TenantDB) StaffByID(id int64) (StaffMember, error) {
	var m StaffMember
	err := t.scoped.Where("id = ?", id).Take(&m).Error
	return m, translate(fmt.Sprintf("staff %d", id), err)
}

// SaveStaffByID creates a team member (id 0) or overwrites the one with
// that id, opened at version. ServiceID, when set, must be one of the
// tenant's services. A new member, or one moved to another service, goes
// last in their service. The change is audited by by.
func (t *TenantDB) SaveStaffByID(by Actor, id int64, version int, m StaffMember) (StaffMember, error) {
	if err := validateStaff(&m); err != nil {
		return StaffMember{}, err
	}
	m.TenantID = t.tenantID
	what := fmt.Sprintf("staff %d", id)
	err := t.changeAudited(by, func(tx *TenantDB) error {
		var existing StaffMember
		if id != 0 {
			if err := tx.claimVersion("staff", "id", id, version, what); err != nil {
				return err
			}
			if err := tx.scoped.Where("id = ?", id).Take(&existing).Error; err != nil {
				return err
			}
		}
		if m.ServiceID != nil {
			var n int64
			if err := tx.scoped.Model(&Service{}).Where("id = ?", *m.ServiceID).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return invalid("service_id", "choose a service from the list, or across the network")
			}
		}
		m.ID = id
		sameGroup := id != 0 && (m.ServiceID == nil) == (existing.ServiceID == nil) &&
			(m.ServiceID == nil || *m.ServiceID == *existing.ServiceID)
		if sameGroup {
			m.SortOrder = existing.SortOrder
		} else {
			var err error
			if m.ServiceID == nil {
				m.SortOrder, err = nextSortOrder(tx, "staff", "service_id IS NULL")
			} else {
				m.SortOrder, err = nextSortOrder(tx, "staff", "service_id = ?", *m.ServiceID)
			}
			if err != nil {
				return err
			}
		}
		var err error
		if id == 0 {
			err = tx.scoped.Create(&m).Error
		} else {
			err = tx.scoped.Save(&m).Error
		}
		if err != nil {
			return err
		}
		if err := tx.scoped.Where("id = ?", m.ID).Take(&m).Error; err != nil {
			return err
		}
		return tx.audit(AuditStaffSave, staffSubject(m))
	})
	return m, translate("save "+what, err)
}

// DeleteStaff removes a team member, audited by by.
func (t *TenantDB) DeleteStaff(by Actor, id int64) error {
	return deleteByID(t, by, "staff", id, AuditStaffDelete, staffSubject, nil)
}

// MoveStaff moves a team member one place up or down among the members of
// their own service (or of no service), audited by by.
func (t *TenantDB) MoveStaff(by Actor, id int64, up bool) error {
	return moveByID(t, by, "staff", id, up, "", AuditStaffMove, staffSubject, func(m StaffMember) (string, []any) {
		if m.ServiceID == nil {
			return "service_id IS NULL", nil
		}
		return "service_id = ?", []any{*m.ServiceID}
	})
}

// OrderTeam gives the team members in ids the order of that list across
// services, which is the order the public team page lists them in (the
// admin orders members only within their service: MoveStaff). Members
// left out keep their sort order. An unknown or another tenant's id is
// ErrNotFound and changes nothing. The change is audited by by.
func (t *TenantDB) OrderTeam(by Actor, ids []int64) error {
	err := t.changeAudited(by, func(tx *TenantDB) error {
		for i, id := range ids {
			res := tx.scoped.Table("staff").Where("id = ?", id).UpdateColumn("sort_order", i)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return ErrNotFound
			}
		}
		return tx.audit(AuditStaffMove, "/team")
	})
	return translate("order the team", err)
}
