package models

import (
	"fmt"
	"strings"
	"time"
)

// Service is a service the network offers, with its own stable URL.
type Service struct {
	ID           int64 `gorm:"primaryKey"`
	TenantID     int64
	Slug         string
	Name         string
	Summary      string
	BodyMD       string `gorm:"column:body_md"`
	BodyHTML     string `gorm:"column:body_html"`
	WhoFor       string
	HowToAccess  string
	SelfReferral bool
	Published    bool
	SortOrder    int
	UpdatedAt    time.Time
	// Version counts saves; a save must name the version it was opened at.
	Version int `gorm:"->"` // read-only for GORM: only claimVersion writes it
}

// Services lists the published services in display order.
func (t *TenantDB) Services() ([]Service, error) {
	var ss []Service
	err := t.scoped.Where("published").Order("sort_order, name").Find(&ss).Error
	return ss, translate("list services", err)
}

// ServiceBySlug returns a published service.
func (t *TenantDB) ServiceBySlug(slug string) (Service, error) {
	var s Service
	err := t.scoped.Where("slug = ? AND published", slug).Take(&s).Error
	return s, translate("service "+slug, err)
}

// validateService checks and normalises a service before any save, and
// renders its body.
func validateService(s *Service) error {
	if err := checkSlugTitle(&s.Slug, &s.Name); err != nil {
		return err
	}
	if err := checkSummary(&s.Summary); err != nil {
		return err
	}
	s.WhoFor, s.HowToAccess = strings.TrimSpace(s.WhoFor), strings.TrimSpace(s.HowToAccess)
	var err error
	s.BodyHTML, err = renderBody(s.BodyMD)
	return err
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

// Audit actions of services.
const (
	AuditServiceSave   = "service.save"
	AuditServiceDelete = "service.delete"
	AuditServiceMove   = "service.move"
)

// serviceSubject is a service as the audit log names it.
func serviceSubject(s Service) string { return "/services/" + s.Slug }

// SaveService creates a service (id 0, placed last) or overwrites the
// service with that id, opened at version, audited by by; its place in the
// order is kept. A slug another service of the tenant uses is refused.
func (t *TenantDB) SaveService(by Actor, id int64, version int, s Service) (Service, error) {
	if err := validateService(&s); err != nil {
		return Service{}, err
	}
	s.TenantID = t.tenantID
	what := fmt.Sprintf("service %d", id)
	err := saveSlugRowByID(t, by, AuditServiceSave, serviceSubject(s), "services", what, id, version, s.Slug,
		"another service already uses this web address: change it", &s, &s.ID,
		func(tx *TenantDB, existing *Service) error {
			if existing != nil {
				s.SortOrder = existing.SortOrder
				return nil
			}
			var err error
			s.SortOrder, err = nextSortOrder(tx, "services", "")
			return err
		})
	return s, translate("save "+what, err)
}

// DeleteService removes a service, audited by by. Its team members stay on
// the team, attached to no service.
func (t *TenantDB) DeleteService(by Actor, id int64) error {
	return deleteByID(t, by, "service", id, AuditServiceDelete, serviceSubject, func(tx *TenantDB) error {
		// SQLite's staff table has no ON DELETE SET NULL: detach explicitly.
		if err := tx.scoped.Model(&FeedbackResponse{}).Where("service_id = ?", id).UpdateColumn("service_id", nil).Error; err != nil {
			return err
		}
		return tx.scoped.Model(&StaffMember{}).Where("service_id = ?", id).UpdateColumn("service_id", nil).Error
	})
}

// MoveService moves a service one place up (earlier) or down in the order,
// audited by by.
func (t *TenantDB) MoveService(by Actor, id int64, up bool) error {
	return moveByID(t, by, "services", id, up, "", AuditServiceMove, serviceSubject, nil)
}
