package models

import (
	"fmt"
	"strings"
	"time"
)

// Event is something the network runs (a flu clinic, a group meeting).
type Event struct {
	ID         int64 `gorm:"primaryKey"`
	TenantID   int64
	Slug       string
	Title      string
	Summary    string
	BodyMD     string `gorm:"column:body_md"`
	BodyHTML   string `gorm:"column:body_html"`
	StartsAt   time.Time
	EndsAt     *time.Time
	Location   string
	Online     bool
	BookingURL string
	Published  bool
	UpdatedAt  time.Time
	// Version counts saves; a save must name the version it was opened at.
	Version int `gorm:"->"` // read-only for GORM: only claimVersion writes it
}

// Events lists published events by start time, past ones too; now is the
// time they are shown at: the handle records when the first of those not
// over yet is over (NextChange).
func (t *TenantDB) Events(now time.Time) ([]Event, error) {
	var es []Event
	if err := t.scoped.Where("published").Order("starts_at").Find(&es).Error; err != nil {
		return nil, translate("list events", err)
	}
	for _, e := range es {
		t.changesAt(now, e.OverAt())
	}
	return es, nil
}

// OverAt is when the event is over: its end, or its start when it has none.
func (e Event) OverAt() time.Time {
	if e.EndsAt != nil {
		return *e.EndsAt
	}
	return e.StartsAt
}

// Over reports whether the event is over at now.
func (e Event) Over(now time.Time) bool { return !now.Before(e.OverAt()) }

// EventBySlug returns a published event.
func (t *TenantDB) EventBySlug(slug string) (Event, error) {
	var e Event
	err := t.scoped.Where("slug = ? AND published", slug).Take(&e).Error
	return e, translate("event "+slug, err)
}

// validateEvent checks and normalises an event before any save, and
// renders its body.
func validateEvent(e *Event) error {
	if err := checkSlugTitle(&e.Slug, &e.Title); err != nil {
		return err
	}
	if err := checkSummary(&e.Summary); err != nil {
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

// Audit actions of events.
const (
	AuditEventSave   = "event.save"
	AuditEventDelete = "event.delete"
)

// eventSubject is an event as the audit log names it.
func eventSubject(e Event) string { return "/events/" + e.Slug }

// SaveEvent creates an event (id 0) or overwrites the event with that
// id, opened at version, audited by by. A slug another event of the tenant
// uses is refused.
func (t *TenantDB) SaveEvent(by Actor, id int64, version int, e Event) (Event, error) {
	if err := validateEvent(&e); err != nil {
		return Event{}, err
	}
	e.TenantID = t.tenantID
	what := fmt.Sprintf("event %d", id)
	err := saveSlugRowByID(t, by, AuditEventSave, eventSubject(e), "events", what, id, version, e.Slug,
		"another event already uses this web address: change it", &e, &e.ID, nil)
	return e, translate("save "+what, err)
}

// DeleteEvent removes an event, audited by by.
func (t *TenantDB) DeleteEvent(by Actor, id int64) error {
	return deleteByID(t, by, "event", id, AuditEventDelete, eventSubject, nil)
}
