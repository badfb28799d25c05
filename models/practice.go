package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/pcnweb/pcnweb/internal/hours"
)

// Practice is a member GP practice of a PCN.
type Practice struct {
	ID                   int64 `gorm:"primaryKey"`
	TenantID             int64
	ODSCode              string `gorm:"column:ods_code"`
	Name                 string
	Address              string // lines separated by newlines, without the postcode
	Postcode             string
	Phone                string
	Email                string
	Website              string
	AppointmentsURL      string `gorm:"column:appointments_url"`
	RegistrationURL      string `gorm:"column:registration_url"`
	PrescriptionsURL     string `gorm:"column:prescriptions_url"`
	Hours                string // JSON, see WeeklyHours
	ClosedOnBankHolidays bool
	AccessibilityNotes   string
	SortOrder            int
	CreatedAt            time.Time
	UpdatedAt            time.Time
	// LeftPCNOn is set by the ODS import when the practice's membership of
	// the network ended; such a practice is kept (with what managers wrote)
	// but no longer shown on the site. Read-only to GORM.
	LeftPCNOn  *time.Time          `gorm:"column:left_pcn_on;->"`
	Exceptions []PracticeException `gorm:"foreignKey:PracticeID;references:ID"`
	// Version counts saves; a save must name the version it was opened at.
	Version int `gorm:"->"` // read-only for GORM: only claimVersion writes it

	// The links NHS England's content templates need (migration 00017), each
	// optional: where to ask for help online (the online consultation tool),
	// see test results, ask for a fit note, and the practice's "You and Your
	// General Practice" patient charter. A template page whose practice has
	// no link says to phone the practice instead.
	OnlineConsultationURL string `gorm:"column:online_consultation_url"`
	TestResultsURL        string `gorm:"column:test_results_url"`
	FitNotesURL           string `gorm:"column:fit_notes_url"`
	CharterURL            string `gorm:"column:charter_url"`
}

// WeeklyHours is the stored form of a practice's usual week: day name →
// spans as "08:00"-style clock times.
type WeeklyHours map[string][]ClockSpan

// ClockSpan is one opening span in the stored form.
type ClockSpan struct {
	Open  string `json:"open"`
	Close string `json:"close"`
}

var dayNames = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

func (c ClockSpan) span() (hours.Span, error) {
	o, err := hours.ParseClock(c.Open)
	if err != nil {
		return hours.Span{}, err
	}
	cl, err := hours.ParseClock(c.Close)
	if err != nil {
		return hours.Span{}, err
	}
	return hours.Span{Open: o, Close: cl}, nil
}

func spansOf(cs []ClockSpan) ([]hours.Span, error) {
	out := make([]hours.Span, 0, len(cs))
	for _, c := range cs {
		s, err := c.span()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Week decodes the weekly hours; unreadable stored data yields no hours
// rather than an error, so a bad row never breaks a page.
func (p Practice) Week() hours.Week {
	var w hours.Week
	if strings.TrimSpace(p.Hours) == "" {
		return w
	}
	var wh WeeklyHours
	if json.Unmarshal([]byte(p.Hours), &wh) != nil {
		return w
	}
	for i, name := range dayNames {
		if spans, err := spansOf(wh[name]); err == nil {
			w[i] = spans
		}
	}
	return w
}

// Schedule is the practice's full schedule: week, exceptions and bank holidays.
func (p Practice) Schedule(bankHolidays []hours.Date) hours.Schedule {
	s := hours.Schedule{Week: p.Week(), BankHolidays: bankHolidays, ClosedOnBankHolidays: p.ClosedOnBankHolidays}
	for _, e := range p.Exceptions {
		ex := hours.Exception{From: dateOf(e.StartsOn), To: dateOf(e.EndsOn), Closed: e.Closed, Reason: e.Reason}
		if !e.Closed {
			var cs []ClockSpan
			if json.Unmarshal([]byte(e.Hours), &cs) == nil {
				ex.Spans, _ = spansOf(cs)
			}
		}
		s.Exceptions = append(s.Exceptions, ex)
	}
	return s
}

// AddressLines splits the address for display, postcode last.
func (p Practice) AddressLines() []string {
	var lines []string
	for _, l := range strings.Split(p.Address, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if p.Postcode != "" {
		lines = append(lines, p.Postcode)
	}
	return lines
}

var (
	postcodeRE = regexp.MustCompile(`^(GIR 0AA|[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2})$`)
	phoneRE    = regexp.MustCompile(`^\+?[0-9 ()-]{7,20}$`)
	emailRE    = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// NormalizePostcode upper-cases a UK postcode and puts the space before the
// inward code; it reports false when it is not a postcode.
func NormalizePostcode(pc string) (string, bool) {
	pc = strings.ToUpper(strings.Join(strings.Fields(pc), ""))
	if len(pc) < 5 || len(pc) > 7 {
		return "", false
	}
	pc = pc[:len(pc)-3] + " " + pc[len(pc)-3:]
	return pc, postcodeRE.MatchString(pc)
}

func (p *Practice) validate() error {
	p.Name = strings.TrimSpace(p.Name)
	p.ODSCode = strings.ToUpper(strings.TrimSpace(p.ODSCode))
	if p.Name == "" {
		return invalid("name", "enter the practice name")
	}
	if !odsRE.MatchString(p.ODSCode) {
		return invalid("ods_code", "enter the practice's ODS code, like A81001")
	}
	if p.Postcode != "" {
		pc, ok := NormalizePostcode(p.Postcode)
		if !ok {
			return invalid("postcode", fmt.Sprintf("%q is not a UK postcode", p.Postcode))
		}
		p.Postcode = pc
	}
	if p.Phone != "" && !phoneRE.MatchString(p.Phone) {
		return invalid("phone", "enter a phone number, like 01632 960 001")
	}
	if p.Email != "" && !emailRE.MatchString(p.Email) {
		return invalid("email", "enter an email address, like name@nhs.net")
	}
	for _, u := range []struct{ f, v string }{{"website", p.Website}, {"appointments_url", p.AppointmentsURL}, {"registration_url", p.RegistrationURL}, {"prescriptions_url", p.PrescriptionsURL},
		{"online_consultation_url", p.OnlineConsultationURL}, {"test_results_url", p.TestResultsURL}, {"fit_notes_url", p.FitNotesURL}, {"charter_url", p.CharterURL}} {
		if err := validateURL(u.f, u.v); err != nil {
			return err
		}
	}
	if strings.TrimSpace(p.Hours) != "" {
		var wh WeeklyHours
		if err := json.Unmarshal([]byte(p.Hours), &wh); err != nil {
			return invalid("hours", "the opening hours could not be read")
		}
		var w hours.Week
		for i, name := range dayNames {
			spans, err := spansOf(wh[name])
			if err != nil {
				return invalid("hours", strings.ToUpper(name[:1])+name[1:]+": "+err.Error())
			}
			w[i] = spans
		}
		if err := (hours.Schedule{Week: w}).Validate(); err != nil {
			return invalid("hours", err.Error())
		}
	}
	return nil
}

// EncodeHours stores a week given as day name → spans.
func EncodeHours(w WeeklyHours) string {
	b, _ := json.Marshal(w)
	return string(b)
}

// Practices lists the practices with their exceptions, in display order.
func (t *TenantDB) Practices() ([]Practice, error) {
	var ps []Practice
	err := t.scoped.Preload("Exceptions", t.own).Where("left_pcn_on IS NULL").Order("sort_order, name").Find(&ps).Error
	return ps, translate("list practices", err)
}

// AllPractices lists every practice, those that left the network too (last),
// for the admin panel.
func (t *TenantDB) AllPractices() ([]Practice, error) {
	var ps []Practice
	err := t.scoped.Order("left_pcn_on IS NOT NULL, sort_order, name").Find(&ps).Error
	return ps, translate("list all practices", err)
}

// PracticeByODS returns one practice with its exceptions.
func (t *TenantDB) PracticeByODS(ods string) (Practice, error) {
	var p Practice
	err := t.scoped.Preload("Exceptions", t.own).Where("ods_code = ? AND left_pcn_on IS NULL", strings.ToUpper(ods)).Take(&p).Error
	return p, translate("practice "+ods, err)
}

// dateOf reads a stored date (midnight UTC) as a calendar date.
func dateOf(t time.Time) hours.Date {
	y, m, d := t.UTC().Date()
	return hours.Date{Y: y, M: m, D: d}
}

// ErrPracticeHostsSessions refuses to delete a practice that enhanced
// access sessions are held at: patients would otherwise be told those
// sessions are "across the network" without anyone deciding so.
var ErrPracticeHostsSessions = errors.New("practice hosts enhanced access sessions")

// practiceEditColumns are what SavePractice writes: the practice's
// details, never its hours (SetPracticeHours), order or creation time.
var practiceEditColumns = []string{"ods_code", "name", "address", "postcode", "phone", "email", "website",
	"appointments_url", "registration_url", "prescriptions_url", "online_consultation_url", "test_results_url", "fit_notes_url", "charter_url",
	"closed_on_bank_holidays", "accessibility_notes", "updated_at"}

// Audit actions of practices.
const (
	AuditPracticeCreate          = "practice.create"
	AuditPracticeUpdate          = "practice.update"
	AuditPracticeDelete          = "practice.delete"
	AuditPracticeMove            = "practice.move"
	AuditPracticeHours           = "practice.hours"
	AuditPracticeExceptionCreate = "practice.exception-create"
	AuditPracticeExceptionUpdate = "practice.exception-update"
	AuditPracticeExceptionDelete = "practice.exception-delete"
)

// practiceSubject is a practice as the audit log names it.
func practiceSubject(p Practice) string { return "/practices/" + p.ODSCode }

// PracticeByID returns one practice of the tenant with its exceptions;
// another tenant's id is ErrNotFound.
func (t *TenantDB) PracticeByID(id int64) (Practice, error) {
	var p Practice
	err := t.scoped.Preload("Exceptions", func(db *gorm.DB) *gorm.DB { return t.own(db).Order("starts_on, id") }).
		Where("id = ?", id).Take(&p).Error
	return p, translate(fmt.Sprintf("practice %d", id), err)
}

// SavePractice creates a practice (id 0, placed last) or updates the
// details of the practice with that id, which must still be at version. Its
// opening hours, exceptions and place in the list are left as they are. An
// ODS code another practice of the tenant uses is refused on "ods_code".
// The change is audited by by.
func (t *TenantDB) SavePractice(by Actor, id int64, version int, p Practice) (Practice, error) {
	p.Address = strings.TrimSpace(strings.ReplaceAll(p.Address, "\r\n", "\n"))
	for _, s := range []*string{&p.Phone, &p.Email, &p.Website, &p.AppointmentsURL, &p.RegistrationURL, &p.PrescriptionsURL,
		&p.OnlineConsultationURL, &p.TestResultsURL, &p.FitNotesURL, &p.CharterURL, &p.Postcode} {
		*s = strings.TrimSpace(*s)
	}
	p.AccessibilityNotes = strings.TrimSpace(p.AccessibilityNotes)
	if id != 0 {
		p.Hours = "" // not this form's: validated and saved by SetPracticeHours
	}
	if err := p.validate(); err != nil {
		return Practice{}, err
	}
	p.TenantID, p.Exceptions = t.tenantID, nil
	p.UpdatedAt = time.Now().UTC()
	err := t.changeAudited(by, func(tx *TenantDB) error {
		var n int64
		if err := tx.scoped.Model(&Practice{}).Where("ods_code = ? AND id <> ?", p.ODSCode, id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return invalid("ods_code", "another practice of this network already has the ODS code "+p.ODSCode+": check the code")
		}
		if id == 0 {
			var last struct{ N *int }
			if err := tx.scoped.Model(&Practice{}).Select("MAX(sort_order) AS n").Scan(&last).Error; err != nil {
				return err
			}
			p.ID, p.SortOrder, p.CreatedAt = 0, 0, p.UpdatedAt
			if last.N != nil {
				p.SortOrder = *last.N + 1
			}
			if err := tx.scoped.Omit(clause.Associations).Create(&p).Error; err != nil {
				return err
			}
			return tx.audit(AuditPracticeCreate, practiceSubject(p))
		}
		if err := tx.claimVersion("practices", "id", id, version, "practice "+p.ODSCode); err != nil {
			return err
		}
		p.ID = id
		if err := tx.scoped.Model(&Practice{}).Where("id = ?", id).Select(practiceEditColumns).Updates(&p).Error; err != nil {
			return err
		}
		return tx.audit(AuditPracticeUpdate, practiceSubject(p))
	})
	if err != nil {
		return Practice{}, translate(fmt.Sprintf("save practice %d", id), err)
	}
	return t.PracticeByID(p.ID)
}

// DeletePractice deletes a practice and its exceptions. A practice that
// enhanced access sessions are held at is not deleted: the error wraps
// ErrPracticeHostsSessions, and the sessions must be moved or deleted first.
// The change is audited by by.
func (t *TenantDB) DeletePractice(by Actor, id int64) error {
	err := t.changeAudited(by, func(tx *TenantDB) error {
		var p Practice
		if err := tx.scoped.Where("id = ?", id).Take(&p).Error; err != nil {
			return err
		}
		var n int64
		if err := tx.scoped.Model(&EASession{}).Where("practice_id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%d sessions: %w", n, ErrPracticeHostsSessions)
		}
		if err := tx.scoped.Where("practice_id = ?", id).Delete(&PracticeException{}).Error; err != nil {
			return err
		}
		// SQLite's feedback_responses has no ON DELETE SET NULL: detach explicitly.
		if err := tx.scoped.Model(&FeedbackResponse{}).Where("practice_id = ?", id).UpdateColumn("practice_id", nil).Error; err != nil {
			return err
		}
		if err := tx.scoped.Where("id = ?", id).Delete(&Practice{}).Error; err != nil {
			return err
		}
		return tx.audit(AuditPracticeDelete, practiceSubject(p))
	})
	return translate(fmt.Sprintf("delete practice %d", id), err)
}

// MovePractice moves a practice one place up or down the list, audited by
// by.
func (t *TenantDB) MovePractice(by Actor, id int64, up bool) error {
	return moveByID(t, by, "practices", id, up, "sort_order, name, id", AuditPracticeMove, practiceSubject, nil)
}

// SetPracticeHours replaces a practice's usual weekly hours (day name →
// spans, see WeeklyHours); the practice must still be at version. The
// change is audited by by.
func (t *TenantDB) SetPracticeHours(by Actor, id int64, version int, w WeeklyHours) error {
	check := Practice{Name: "x", ODSCode: "X00000", Hours: EncodeHours(w)}
	if err := check.validate(); err != nil {
		return err
	}
	err := t.changeAudited(by, func(tx *TenantDB) error {
		if err := tx.claimVersion("practices", "id", id, version, fmt.Sprintf("practice %d", id)); err != nil {
			return err
		}
		var p Practice
		if err := tx.scoped.Where("id = ?", id).Take(&p).Error; err != nil {
			return err
		}
		if err := tx.scoped.Model(&Practice{}).Where("id = ?", id).
			Updates(map[string]any{"hours": check.Hours, "updated_at": time.Now().UTC()}).Error; err != nil {
			return err
		}
		return tx.audit(AuditPracticeHours, practiceSubject(p))
	})
	return translate(fmt.Sprintf("set hours of practice %d", id), err)
}

// ClockOf formats minutes after midnight in the stored form, "08:00"
// ("24:00" for midnight at the end of the day).
func ClockOf(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }
