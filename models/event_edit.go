package models

import (
	"fmt"
	"strings"
)

// validateEvent checks and normalises an event before any save, and
// renders its body.
func validateEvent(e *Event) error {
	if err := checkSlugTitle(&e.Slug, &e.Title); err != nil {
		return err
	}
	if err := servicesCheckSummary(&e.Summary); err != nil {
		return err
	}
	if e.StartsAt.IsZero() {
		return invalid("starts_at", "enter when the event starts")
	}
	if e.EndsAt != nil && !e.EndsAt.After(e.StartsAt) {
		return invalid("ends_at", "the end must be after the start")
	}
	e.StartsAt, e.EndsAt = e.StartsAt.UTC(), utcPtr(e.EndsAt) // compared with the clock (utcPtr)
	e.Location = strings.TrimSpace(e.Location)
	e.BookingURL = strings.TrimSpace(e.BookingURL)
	if err := validateURL("booking_url", e.BookingURL); err != nil {
		return err
	}
	var err error
	e.BodyHTML, err = renderBody(e.BodyMD)
	return err
}

// AllEvents lists every event of the tenant, unpublished ones included, by
// start time, for the admin panel.
func (t *TenantDB) AllEvents() ([]Event, error) {
	var es []Event
	err := t.scoped.Order("starts_at, id").Find(&es).Error
	return es, translate("list all events", err)
}

// EventByID returns any event of the tenant; another tenant's id is
// ErrNotFound.
func (t *TenantDB) EventByID(id int64) (Event, error) {
	var e Event
	err := t.scoped.Where("id = ?", id).Take(&e).Error
	return e, translate(fmt.Sprintf("event %d", id), err)
}

// SaveEventByID creates an event (id 0) or overwrites the event with that
// id, opened at version. A slug another event of the tenant uses is refused.
func (t *TenantDB) SaveEventByID(id int64, version int, e Event) (Event, error) {
	if err := validateEvent(&e); err != nil {
		return Event{}, err
	}
	e.TenantID = t.tenantID
	what := fmt.Sprintf("event %d", id)
	err := servicesSaveByID(t, "events", what, id, version, e.Slug,
		"another event already uses this web address: change it", &e, &e.ID, nil)
	return e, translate("save "+what, err)
}

// DeleteEvent removes an event.
func (t *TenantDB) DeleteEvent(id int64) error {
	err := t.change(func(tx *TenantDB) error {
		res := tx.scoped.Where("id = ?", id).Delete(&Event{})
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		return res.Error
	})
	return translate(fmt.Sprintf("delete event %d", id), err)
}
