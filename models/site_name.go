package models

import (
	"fmt"
	"strings"
)

// AuditSiteName is the audit action of a manager changing the site's
// display name.
const AuditSiteName = "settings.name"

// SiteName is the tenant's display name, as the site shows it.
func (t *TenantDB) SiteName() (string, error) {
	var name string
	err := t.db.gorm.WithContext(t.scoped.Statement.Context).Model(&Tenant{}).Select("name").Where("id = ?", t.tenantID).Scan(&name).Error
	return name, translate("site name", err)
}

// SetSiteName changes the tenant's display name (one line, up to 200
// characters). Once a manager has changed it, the ODS import no longer
// does: it renames only a tenant whose name is still the one ODS gave.
func (t *TenantDB) SetSiteName(by Actor, name string) error {
	name = strings.TrimSpace(name)
	if err := validateName(name); err != nil {
		return err
	}
	if strings.ContainsAny(name, "\r\n\t") {
		return invalid("name", "write the name on one line")
	}
	return t.changeAudited(by, func(tx *TenantDB) error {
		plain := memberPlain(tx)
		var cur string
		if err := plain.Model(&Tenant{}).Select("name").Where("id = ?", t.tenantID).Scan(&cur).Error; err != nil {
			return err
		}
		if cur == name {
			return errUnchanged
		}
		if err := plain.Model(&Tenant{}).Where("id = ?", t.tenantID).UpdateColumn("name", name).Error; err != nil {
			return err
		}
		return tx.audit(AuditSiteName, fmt.Sprintf("site name changed from %q to %q", cur, name))
	})
}
