// Package feedbackcsv writes patients' feedback responses as CSV: the
// admin's "Download CSV" and `pcnweb feedback export` print the same bytes.
//
// Every cell is safe to open in a spreadsheet: a cell that a spreadsheet
// would read as a formula (it starts with = + - @, a tab or a carriage
// return) is prefixed with a single quote, so a patient's free text can
// never run as a formula on a manager's computer (CSV injection). The file
// starts with a UTF-8 byte order mark, so Excel reads accents and curly
// quotes right, and its lines end in CRLF (RFC 4180).
package feedbackcsv

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
)

// Header is the first row of the CSV.
var Header = []string{"Received (UK time)", "Form", "Answer", "Practice", "Service", "Text", "Name", "Reply to"}

// BOM is the UTF-8 byte order mark the CSV starts with.
const BOM = "\ufeff"

// TimeLayout is how the "Received" column writes an instant, in UK time
// (Europe/London): 07/12/2026 19:05.
const TimeLayout = "02/01/2006 15:04"

// Row is one response as the CSV (and the admin's list) shows it.
type Row struct {
	Received time.Time
	// Form is the form's name (FormName), Answer the FFT answer's label
	// ("" for the other forms).
	Form, Answer string
	// Practice and Service are the names of what the response is about, ""
	// when the patient chose none.
	Practice, Service string
	// Text is the free text, or "(deleted after N months)" once the
	// retention period removed it (TextDeleted).
	Text        string
	TextDeleted bool
	Name        string
	ReplyTo     string
}

// Cells are the row's cells in Header's order, before Safe.
func (r Row) Cells() []string {
	return []string{r.Received.In(hours.Location()).Format(TimeLayout), r.Form, r.Answer, r.Practice, r.Service, r.Text, r.Name, r.ReplyTo}
}

// FormName is a form's name as managers read it.
func FormName(form string) string {
	switch form {
	case models.FormFFT:
		return "Friends and Family Test"
	case models.FormComments:
		return "Comments"
	case models.FormContact:
		return "Contact the PCN team"
	}
	return form
}

// Names turns the ids of responses into what a manager reads: the names of
// practices and services (those that left the network or were hidden
// too), and the retention period for the text of deleted responses.
type Names struct {
	Practices       map[int64]string
	Services        map[int64]string
	RetentionMonths int
}

// LoadNames reads the tenant's practice and service names and its
// feedback retention period.
func LoadNames(store *models.TenantDB) (Names, error) {
	n := Names{Practices: map[int64]string{}, Services: map[int64]string{}}
	ps, err := store.AllPractices()
	if err != nil {
		return Names{}, fmt.Errorf("feedbackcsv: practices: %w", err)
	}
	for _, p := range ps {
		n.Practices[p.ID] = p.Name
	}
	ss, err := store.AllServices()
	if err != nil {
		return Names{}, fmt.Errorf("feedbackcsv: services: %w", err)
	}
	for _, s := range ss {
		n.Services[s.ID] = s.Name
	}
	settings, err := store.FeedbackSettings()
	if err != nil {
		return Names{}, fmt.Errorf("feedbackcsv: settings: %w", err)
	}
	n.RetentionMonths = settings.RetentionMonths
	return n, nil
}

// Row is the response r as the CSV shows it.
func (n Names) Row(r models.FeedbackResponse) Row {
	row := Row{Received: r.CreatedAt, Form: FormName(r.Form), Answer: r.RatingLabel(), Text: r.Text, Name: r.Name, ReplyTo: r.ReplyTo}
	if r.PracticeID != nil {
		row.Practice = n.Practices[*r.PracticeID]
	}
	if r.ServiceID != nil {
		row.Service = n.Services[*r.ServiceID]
	}
	if r.TextDeletedAt != nil {
		row.TextDeleted = true
		row.Text = DeletedText(n.RetentionMonths)
	}
	return row
}

// DeletedText stands in for free text the retention period removed.
func DeletedText(months int) string {
	if months == 1 {
		return "(deleted after 1 month)"
	}
	return "(deleted after " + strconv.Itoa(months) + " months)"
}

// Safe is a cell as it is written: one a spreadsheet would take for a
// formula (its first character, after any spaces, is = + - @, a tab or a
// carriage return) gets a single quote in front, which spreadsheets show as
// text.
func Safe(cell string) string {
	t := strings.TrimLeft(cell, " ")
	if t != "" && strings.ContainsRune("=+-@\t\r", rune(t[0])) {
		return "'" + cell
	}
	return cell
}

// Writer writes the CSV: the byte order mark and Header first, then a line
// per row, every cell through Safe.
type Writer struct {
	w      *csv.Writer
	out    io.Writer
	header bool
}

// NewWriter writes the CSV to w. Call Flush at the end.
func NewWriter(w io.Writer) *Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &Writer{w: cw, out: w}
}

// Write writes one row (after the header, the first time).
func (w *Writer) Write(r Row) error {
	return w.WriteCells(r.Cells())
}

// WriteCells writes one line of cells, each through Safe (after the
// header, the first time).
func (w *Writer) WriteCells(cells []string) error {
	if err := w.writeHeader(); err != nil {
		return err
	}
	safe := make([]string, len(cells))
	for i, c := range cells {
		safe[i] = Safe(c)
	}
	if err := w.w.Write(safe); err != nil {
		return fmt.Errorf("feedbackcsv: write: %w", err)
	}
	return nil
}

func (w *Writer) writeHeader() error {
	if w.header {
		return nil
	}
	w.header = true
	if _, err := io.WriteString(w.out, BOM); err != nil {
		return fmt.Errorf("feedbackcsv: write: %w", err)
	}
	if err := w.w.Write(Header); err != nil {
		return fmt.Errorf("feedbackcsv: write: %w", err)
	}
	return nil
}

// Flush writes what is buffered (the header alone when there were no
// rows) and reports any error of the writes.
func (w *Writer) Flush() error {
	if err := w.writeHeader(); err != nil {
		return err
	}
	w.w.Flush()
	if err := w.w.Error(); err != nil {
		return fmt.Errorf("feedbackcsv: write: %w", err)
	}
	return nil
}

// pageSize is how many responses Export reads at a time (smaller in tests).
var pageSize = 500

// Export writes every response of the tenant that f selects (f's Limit and
// Offset are ignored), newest first, as CSV to w. Responses received after
// now (or after f.To, if earlier) are left out, so that pages read one
// after another do not shift while patients keep sending responses.
func Export(w io.Writer, store *models.TenantDB, f models.FeedbackFilter, now time.Time) error {
	names, err := LoadNames(store)
	if err != nil {
		return err
	}
	if f.To.IsZero() || f.To.After(now) {
		f.To = now
	}
	f.Limit, f.Offset = pageSize, 0
	cw := NewWriter(w)
	for {
		page, _, err := store.FeedbackResponses(f)
		if err != nil {
			return fmt.Errorf("feedbackcsv: read responses: %w", err)
		}
		for _, r := range page {
			if err := cw.Write(names.Row(r)); err != nil {
				return err
			}
		}
		if len(page) < pageSize {
			break
		}
		f.Offset += pageSize
	}
	return cw.Flush()
}
