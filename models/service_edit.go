package models

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// validateService checks and normalises a service before any save, and
// renders its body.
func validateService(s *Service) error {
	if err := checkSlugTitle(&s.Slug, &s.Name); err != nil {
		return err
	}
	if err := servicesCheckSummary(&s.Summary); err != nil {
		return err
	}
	s.WhoFor, s.HowToAccess = strings.TrimSpace(s.WhoFor), strings.TrimSpace(s.HowToAccess)
	var err error
	s.BodyHTML, err = renderBody(s.BodyMD)
	return err
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

// servicesCheckSummary trims a summary and limits its length.
func servicesCheckSummary(s *string) error {
	*s = strings.TrimSpace(*s)
	if utf8.RuneCountInString(*s) > 500 {
		return invalid("summary", "use 500 characters or fewer for the summary")
	}
	return nil
}

// servicesSaveByID is the id-based save of a content row with a slug
// (services, events, vacancies). Inside one change it claims the version
// the form was opened at (when id > 0: another tenant's id is ErrNotFound, a
// moved-on version an *EditConflictError), refuses a slug another row of
// the tenant uses (taken is the message), lets prepare adjust the row
// (existing is nil when creating), then creates (id 0) or overwrites the
// row. row is read back afterwards, version included; idp points at its ID.
func servicesSaveByID[T any](t *TenantDB, table, what string, id int64, version int, slug, taken string,
	row *T, idp *int64, prepare func(tx *TenantDB, existing *T) error) error {
	return t.change(func(tx *TenantDB) error {
		var existing *T
		if id != 0 {
			if err := tx.claimVersion(table, "id", id, version, what); err != nil {
				return err
			}
			existing = new(T)
			if err := tx.scoped.Where("id = ?", id).Take(existing).Error; err != nil {
				return err
			}
		}
		var n int64
		if err := tx.scoped.Table(table).Where("slug = ? AND id <> ?", slug, id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return invalid("slug", taken)
		}
		*idp = id
		if prepare != nil {
			if err := prepare(tx, existing); err != nil {
				return err
			}
		}
		var err error
		if id == 0 {
			err = tx.scoped.Create(row).Error
		} else {
			err = tx.scoped.Save(row).Error
		}
		if err != nil {
			return err
		}
		var fresh T
		if err := tx.scoped.Where("id = ?", *idp).Take(&fresh).Error; err != nil {
			return err
		}
		*row = fresh
		return nil
	})
}

// servicesNextSortOrder is the sort_order that puts a new row last among
// the rows of table matching where/args ("" for all the tenant's rows).
func servicesNextSortOrder(tx *TenantDB, table, where string, args ...any) (int, error) {
	q := tx.scoped.Table(table)
	if where != "" {
		q = q.Where(where, args...)
	}
	var next int
	err := q.Select("COALESCE(MAX(sort_order), -1) + 1").Scan(&next).Error
	return next, err
}

// AllServices lists every service of the tenant, hidden ones included, in
// display order, for the admin panel.
func (t *TenantDB) AllServices() ([]Service, error) {
	var ss []Service
	err := t.scoped.Order("sort_order, name").Find(&ss).Error
	return ss, translate("list all services", err)
}

// ServiceByID returns any service of the tenant, published or hidden;
// another tenant's id is ErrNotFound.
func (t *TenantDB) ServiceByID(id int64) (Service, error) {
	var s Service
	err := t.scoped.Where("id = ?", id).Take(&s).Error
	return s, translate(fmt.Sprintf("service %d", id), err)
}

// SaveServiceByID creates a service (id 0, placed last) or overwrites the
// service with that id, opened at version; its place in the order is kept.
// A slug another service of the tenant uses is refused.
func (t *TenantDB) SaveServiceByID(id int64, version int, s Service) (Service, error) {
	if err := validateService(&s); err != nil {
		return Service{}, err
	}
	s.TenantID = t.tenantID
	what := fmt.Sprintf("service %d", id)
	err := servicesSaveByID(t, "services", what, id, version, s.Slug,
		"another service already uses this web address: change it", &s, &s.ID,
		func(tx *TenantDB, existing *Service) error {
			if existing != nil {
				s.SortOrder = existing.SortOrder
				return nil
			}
			var err error
			s.SortOrder, err = servicesNextSortOrder(tx, "services", "")
			return err
		})
	return s, translate("save "+what, err)
}

// DeleteService removes a service. Its team members stay on the team,
// attached to no service.
func (t *TenantDB) DeleteService(id int64) error {
	err := t.change(func(tx *TenantDB) error {
		// SQLite's staff table has no ON DELETE SET NULL: detach explicitly.
		if err := tx.scoped.Model(&StaffMember{}).Where("service_id = ?", id).UpdateColumn("service_id", nil).Error; err != nil {
			return err
		}
		res := tx.scoped.Where("id = ?", id).Delete(&Service{})
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		return res.Error
	})
	return translate(fmt.Sprintf("delete service %d", id), err)
}

// MoveService moves a service one place up (earlier) or down in the order.
func (t *TenantDB) MoveService(id int64, up bool) error {
	return t.moveRow("services", id, up, "")
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
// last in their service.
func (t *TenantDB) SaveStaffByID(id int64, version int, m StaffMember) (StaffMember, error) {
	if err := validateStaff(&m); err != nil {
		return StaffMember{}, err
	}
	m.TenantID = t.tenantID
	what := fmt.Sprintf("staff %d", id)
	err := t.change(func(tx *TenantDB) error {
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
				m.SortOrder, err = servicesNextSortOrder(tx, "staff", "service_id IS NULL")
			} else {
				m.SortOrder, err = servicesNextSortOrder(tx, "staff", "service_id = ?", *m.ServiceID)
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
		return tx.scoped.Where("id = ?", m.ID).Take(&m).Error
	})
	return m, translate("save "+what, err)
}

// DeleteStaff removes a team member.
func (t *TenantDB) DeleteStaff(id int64) error {
	err := t.change(func(tx *TenantDB) error {
		res := tx.scoped.Where("id = ?", id).Delete(&StaffMember{})
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		return res.Error
	})
	return translate(fmt.Sprintf("delete staff %d", id), err)
}

// MoveStaff moves a team member one place up or down among the members of
// their own service (or of no service).
func (t *TenantDB) MoveStaff(id int64, up bool) error {
	m, err := t.StaffByID(id)
	if err != nil {
		return err
	}
	if m.ServiceID == nil {
		return t.moveRow("staff", id, up, "service_id IS NULL")
	}
	return t.moveRow("staff", id, up, "service_id = ?", *m.ServiceID)
}
