// Package ods reads the NHS Organisation Data Service files that describe
// Primary Care Networks: the ePCN workbook (sheets "PCNDetails" and "PCN
// Core Partner Details", or the same reports as CSV files with or without
// their header row) and the GP practice list epraccur.csv (27 columns, no
// header), or the .zip archives NHS England publishes them in. Workbooks
// from before July 2022 name the sub-ICB columns after Clinical
// Commissioning Groups; both are read. It parses and validates only; it
// knows nothing of the database.
package ods

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// PCN is one row of "PCNDetails".
type PCN struct {
	Code       string // U + 5 digits
	Name       string
	SubICBCode string // "36L", "A3A8R"
	SubICBName string // "NHS SOUTH WEST LONDON ICB - 36L"
	Opened     time.Time
	Closed     time.Time // zero while open
	Address    []string  // the non-empty address lines, without the postcode
	Postcode   string    // normalised, "SW17 0RT"
}

// OpenOn reports whether the PCN is open on day: it has no close date, or
// closes after day.
func (p PCN) OpenOn(day time.Time) bool { return p.Closed.IsZero() || p.Closed.After(day) }

// Membership is one row of "PCN Core Partner Details": a practice's
// membership of a PCN, current while it has no end date.
type Membership struct {
	PracticeCode string
	PracticeName string
	PCNCode      string
	Started      time.Time
	Ended        time.Time // zero while current
}

// CurrentOn reports whether the membership has not ended by day.
func (m Membership) CurrentOn(day time.Time) bool { return m.Ended.IsZero() || m.Ended.After(day) }

// Practice is one row of epraccur.csv.
type Practice struct {
	Code     string
	Name     string
	Address  []string // the non-empty address lines, without the postcode
	Postcode string   // normalised; "" when the file has none
	Opened   time.Time
	Closed   time.Time
	Status   string // A active, C closed, D dormant, P proposed
	SubType  string // B GP practice, Z other
	Phone    string
}

// Data is everything read from a set of ODS files.
type Data struct {
	PCNs        []PCN
	Memberships []Membership
	Practices   map[string]Practice // by ODS code
}

// Error is bad input, named by file, sheet (for workbooks), row and column.
type Error struct {
	File   string // base name of the file
	Sheet  string // "" for CSV files
	Row    int    // 1-based, as a spreadsheet shows it; 0 when the file as a whole is wrong
	Column string // header text, or the layout's name for a headerless CSV
	Index  int    // 1-based column position, shown for CSV files
	Value  string
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Sheet != "" {
		fmt.Fprintf(&b, ": sheet %q", e.Sheet)
	}
	if e.Row > 0 {
		if e.Sheet == "" {
			b.WriteString(":")
		}
		fmt.Fprintf(&b, " row %d", e.Row)
	}
	switch {
	case e.Column != "" && e.Sheet == "" && e.Index > 0:
		fmt.Fprintf(&b, " column %d (%s): %q", e.Index, e.Column, e.Value)
	case e.Column != "":
		fmt.Fprintf(&b, " column %q: %q", e.Column, e.Value)
	default:
		b.WriteString(":")
	}
	b.WriteString(" " + e.Msg)
	return b.String()
}

// Sheet names of the ePCN workbook.
const (
	SheetPCNs     = "PCNDetails"
	SheetPartners = "PCN Core Partner Details"
)

// Load reads and validates ODS files, each recognised by its content: an
// .xlsx workbook holding the ePCN sheets, a CSV file that is epraccur or
// one of the ePCN reports (with or without its header row), or a .zip
// archive of such files. Together the files must give the PCN details, the
// core partner details and epraccur. Errors name what a file was found to
// be or to hold as well as what was expected.
func Load(files ...string) (*Data, error) {
	var (
		data                         = &Data{Practices: map[string]Practice{}}
		pcnFile, partnerFile, epFile string
	)
	var given []string // what each file was found to hold, for a message
	for _, name := range files {
		base := filepath.Base(name)
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		tables, err := readTables(base, b)
		if err != nil {
			return nil, err
		}
		for _, t := range tables {
			where := t.file
			if t.sheet != "" {
				where = fmt.Sprintf("%s sheet %q", t.file, t.sheet)
			}
			switch t.kind {
			case kindPCNs:
				if pcnFile != "" {
					return nil, &Error{File: t.file, Sheet: t.sheet, Msg: "holds PCN details, but " + pcnFile + " did already: give one ePCN file"}
				}
				pcnFile = t.file
				given = append(given, where+": PCN details")
				if data.PCNs, err = parsePCNs(t); err != nil {
					return nil, err
				}
			case kindPartners:
				if partnerFile != "" {
					return nil, &Error{File: t.file, Sheet: t.sheet, Msg: "holds core partner details, but " + partnerFile + " did already: give one ePCN file"}
				}
				partnerFile = t.file
				given = append(given, where+": core partner details")
				if data.Memberships, err = parseMemberships(t); err != nil {
					return nil, err
				}
			case kindEpraccur:
				if epFile != "" {
					return nil, &Error{File: t.file, Msg: "is a practice list, but " + epFile + " was already given"}
				}
				epFile = t.file
				given = append(given, where+": the GP practice list")
				if data.Practices, err = parsePractices(t); err != nil {
					return nil, err
				}
			}
		}
	}
	var missing []string
	if pcnFile == "" {
		missing = append(missing, `the PCN details (ePCN.xlsx sheet "PCNDetails")`)
	}
	if partnerFile == "" {
		missing = append(missing, `the core partner details (ePCN.xlsx sheet "PCN Core Partner Details")`)
	}
	if epFile == "" {
		missing = append(missing, "the GP practice list (epraccur.csv)")
	}
	if len(missing) > 0 {
		found := "no files"
		if len(given) > 0 {
			found = strings.Join(given, "; ")
		}
		return nil, fmt.Errorf("ods: %s missing: give the ePCN workbook and epraccur.csv (found: %s)", strings.Join(missing, " and "), found)
	}
	return data, crossCheck(data, partnerFile)
}

// crossCheck refuses memberships of PCNs the details do not list.
func crossCheck(d *Data, partnerFile string) error {
	known := make(map[string]bool, len(d.PCNs))
	for _, p := range d.PCNs {
		known[p.Code] = true
	}
	for _, m := range d.Memberships {
		if !known[m.PCNCode] {
			return fmt.Errorf("ods: %s: practice %s is a member of PCN %s, which the PCN details do not list", partnerFile, m.PracticeCode, m.PCNCode)
		}
	}
	return nil
}

type tableKind int

const (
	kindPCNs tableKind = iota + 1
	kindPartners
	kindEpraccur
)

// table is one sheet or CSV file, with the columns of its layout located.
type table struct {
	kind  tableKind
	file  string
	sheet string
	rows  []sheetRow // data rows, header excluded
	cols  map[string]int
	names map[string]string // layout key → the column's name in messages
	csv   bool
	// headerless: a CSV file in the fixed layout, without a header row.
	headerless bool
}

// findSheet matches sheet names by normalised text.
func findSheet(sheets []string, want string) string {
	for _, s := range sheets {
		if normalise(s) == normalise(want) {
			return s
		}
	}
	return ""
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// normalise makes header text comparable: lower case, every run of white
// space (line breaks included) one space, trimmed.
func normalise(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// column is one column of a layout: its key, the header texts that name it
// (normalised), its position in the headerless CSV form, and whether a
// headed file must have it.
type column struct {
	key      string
	headers  []string
	pos      int
	required bool
}

var layouts = map[tableKind][]column{
	kindPCNs: {
		{"code", []string{"pcn code"}, 0, true},
		{"name", []string{"pcn name"}, 1, true},
		// Until July 2022 sub-ICB locations were Clinical Commissioning
		// Groups, with the same codes in the same columns: the workbooks of
		// that era (April 2022 and before) name them so.
		{"subicb_code", []string{"current sub icb loc code", "sub icb loc code", "current sub icb location code", "sub icb location code",
			"current clinical commissioning group code", "clinical commissioning group code", "current ccg code", "ccg code"}, 2, true},
		{"subicb_name", []string{"sub icb location", "sub icb loc name", "current sub icb loc name", "sub icb location name",
			"current clinical commissioning group name", "clinical commissioning group name", "current ccg name", "ccg name",
			"clinical commissioning group", "ccg"}, 3, false},
		{"open", []string{"open date"}, 4, true},
		{"close", []string{"close date"}, 5, true},
		{"addr1", []string{"address line 1"}, 6, true},
		{"addr2", []string{"address line 2"}, 7, false},
		{"addr3", []string{"address line 3"}, 8, false},
		{"addr4", []string{"address line 4"}, 9, false},
		{"addr5", []string{"address line 5"}, 10, false},
		{"postcode", []string{"postcode"}, 11, true},
	},
	kindPartners: {
		{"practice", []string{"partner organisation code"}, 0, true},
		{"practice_name", []string{"partner name"}, 1, true},
		{"pcn", []string{"pcn code"}, 4, true},
		{"start", []string{"practice to pcn relationship start date"}, 8, true},
		{"end", []string{"practice to pcn relationship end date"}, 9, true},
	},
	kindEpraccur: {
		{"code", nil, 0, true},
		{"name", nil, 1, true},
		{"addr1", nil, 4, true},
		{"addr2", nil, 5, true},
		{"addr3", nil, 6, true},
		{"addr4", nil, 7, true},
		{"addr5", nil, 8, true},
		{"postcode", nil, 9, true},
		{"open", nil, 10, true},
		{"close", nil, 11, true},
		{"status", nil, 12, true},
		{"subtype", nil, 13, true},
		{"phone", nil, 17, true},
	},
}

// headerlessNames name the columns of the headerless CSV forms in messages.
var headerlessNames = map[string]string{
	"code": "Organisation Code", "name": "Name", "subicb_code": "Sub ICB Loc Code", "subicb_name": "Sub ICB Location",
	"open": "Open Date", "close": "Close Date", "addr1": "Address Line 1", "addr2": "Address Line 2", "addr3": "Address Line 3",
	"addr4": "Address Line 4", "addr5": "Address Line 5", "postcode": "Postcode", "practice": "Partner Organisation Code",
	"practice_name": "Partner Name", "pcn": "PCN Code", "start": "Relationship Start Date", "end": "Relationship End Date",
	"status": "Status Code", "subtype": "Organisation Sub-Type Code", "phone": "Contact Telephone Number",
}

// columnLabel names a layout's column in messages about a headerless
// file or a missing column.
func columnLabel(kind tableKind, key string) string {
	if kind == kindPCNs && (key == "code" || key == "name") {
		return map[string]string{"code": "PCN Code", "name": "PCN Name"}[key]
	}
	return headerlessNames[key]
}

// columnCounts are the widths of the headerless layouts.
var columnCounts = map[tableKind]int{kindPCNs: 12, kindPartners: 11, kindEpraccur: 27}

// headedTable locates the layout's columns by the header row: the first
// row with any text.
func headedTable(file, sheet string, kind tableKind, rows []sheetRow) (table, error) {
	hi := -1
	for i, r := range rows {
		if strings.TrimSpace(strings.Join(r.cells, "")) != "" {
			hi = i
			break
		}
	}
	if hi < 0 {
		return table{}, &Error{File: file, Sheet: sheet, Msg: "is empty"}
	}
	hdr := rows[hi]
	t := table{kind: kind, file: file, sheet: sheet, rows: rows[hi+1:], cols: map[string]int{}, names: map[string]string{}, csv: sheet == ""}
	for _, c := range layouts[kind] {
		for i, h := range hdr.cells {
			if containsString(c.headers, normalise(h)) {
				t.cols[c.key] = i
				t.names[c.key] = strings.Join(strings.Fields(h), " ")
				break
			}
		}
		if _, ok := t.cols[c.key]; !ok && c.required {
			return table{}, &Error{File: file, Sheet: sheet, Row: hdr.num, Msg: fmt.Sprintf("has no column %q (found: %s)", columnLabel(kind, c.key), foundHeaders(hdr.cells))}
		}
	}
	return t, nil
}

// maxFound bounds how many header texts a message lists.
const maxFound = 16

// foundHeaders lists a header row's texts for a message: quoted, white
// space made single spaces, empty cells left out, at most maxFound of them.
func foundHeaders(cells []string) string {
	var q []string
	n := 0
	for _, c := range cells {
		c = strings.Join(strings.Fields(strings.ToValidUTF8(c, "")), " ")
		if c == "" {
			continue
		}
		if n++; n <= maxFound {
			q = append(q, fmt.Sprintf("%q", clip(c, 60)))
		}
	}
	switch {
	case n == 0:
		return "only empty cells"
	case n > maxFound:
		q = append(q, fmt.Sprintf("and %d more", n-maxFound))
	}
	return strings.Join(q, ", ")
}

// clip shortens s to at most n runes, marking the cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// csvTable reads a CSV file and recognises which report it is: a header row
// naming "PCN Code" makes it a headed ePCN report; otherwise the width and
// the codes in the first row tell epraccur (27 columns), the PCN details
// (12, a PCN code first) and the core partner details (11, a PCN code fifth).
func csvTable(file string, b []byte) (table, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	var rows []sheetRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return table{}, &Error{File: file, Row: pe.StartLine, Msg: "is not valid CSV: " + pe.Err.Error()}
			}
			return table{}, &Error{File: file, Msg: err.Error()}
		}
		line, _ := r.FieldPos(0)
		if len(rec) > maxColumns {
			return table{}, &Error{File: file, Row: line, Msg: fmt.Sprintf("has more than %d columns", maxColumns)}
		}
		rows = append(rows, sheetRow{num: line, cells: rec})
	}
	if len(rows) == 0 {
		return table{}, &Error{File: file, Msg: "is empty"}
	}
	first := rows[0].cells
	norm := make([]string, len(first))
	for i, c := range first {
		norm[i] = normalise(c)
	}
	switch {
	case containsString(norm, "partner organisation code"):
		return headedTable(file, "", kindPartners, rows)
	case containsString(norm, "pcn code"):
		return headedTable(file, "", kindPCNs, rows)
	}
	kind := tableKind(0)
	switch {
	case len(first) == columnCounts[kindEpraccur]:
		kind = kindEpraccur
	case len(first) == columnCounts[kindPCNs] && pcnCodeRE.MatchString(strings.TrimSpace(first[0])):
		kind = kindPCNs
	case len(first) == columnCounts[kindPartners] && pcnCodeRE.MatchString(strings.TrimSpace(first[4])):
		kind = kindPartners
	default:
		return table{}, &Error{File: file, Row: rows[0].num, Msg: fmt.Sprintf("is not an ODS file this importer knows: a CSV file whose first row has %d columns (found: %s), "+
			"expected epraccur.csv (27 columns), the ePCN .xlsx workbook, or its reports as CSV (the PCN details have 12 columns, a PCN code first; the core partner details 11)", len(first), foundHeaders(first))}
	}
	t := table{kind: kind, file: file, rows: rows, cols: map[string]int{}, names: map[string]string{}, csv: true, headerless: true}
	for _, c := range layouts[kind] {
		t.cols[c.key] = c.pos
		t.names[c.key] = columnLabel(kind, c.key)
	}
	return t, nil
}

// cursor reads the cells of one data row and records the first problem.
type cursor struct {
	t   *table
	row sheetRow
	err *Error
}

func (c *cursor) get(key string) string {
	i, ok := c.t.cols[key]
	if !ok || i >= len(c.row.cells) {
		return ""
	}
	v := strings.TrimSpace(c.row.cells[i])
	if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
		c.fail(key, strings.ToValidUTF8(strings.ReplaceAll(v, "\x00", ""), ""), "holds bytes that are not text: save the file as UTF-8")
		return ""
	}
	return v
}

func (c *cursor) fail(key, value, msg string) {
	if c.err != nil {
		return
	}
	e := &Error{File: c.t.file, Sheet: c.t.sheet, Row: c.row.num, Column: c.t.names[key], Value: value, Msg: msg}
	if c.t.csv {
		e.Index = c.t.cols[key] + 1
	}
	c.err = e
}

// blank reports a row with no text at all (spreadsheets often end with some).
func blank(r sheetRow) bool {
	for _, c := range r.cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// checkWidth refuses a row of a headerless CSV file of the wrong width.
func (c *cursor) checkWidth() {
	if w := columnCounts[c.t.kind]; c.t.headerless && c.err == nil && len(c.row.cells) != w {
		c.err = &Error{File: c.t.file, Row: c.row.num, Msg: fmt.Sprintf("has %d columns; this file's rows have %d", len(c.row.cells), w)}
	}
}

func (c *cursor) required(key string) string {
	v := c.get(key)
	if v == "" {
		c.fail(key, v, "is empty: every row needs one")
	}
	return v
}

func (c *cursor) code(key string, ok func(string) bool, what string) string {
	v := strings.ToUpper(c.get(key))
	if !ok(v) {
		c.fail(key, c.get(key), "is not an ODS code ("+what+")")
	}
	return v
}

func (c *cursor) date(key string, required bool) time.Time {
	v := c.get(key)
	if v == "" {
		if required {
			c.fail(key, v, "is empty: every row needs a date")
		}
		return time.Time{}
	}
	d, ok := parseDate(v)
	if !ok {
		c.fail(key, v, "is not a date (like 20191001)")
	}
	return d
}

func (c *cursor) postcode(key string, required bool) string {
	v := c.get(key)
	if v == "" {
		if required {
			c.fail(key, v, "is empty: every row needs a postcode")
		}
		return ""
	}
	pc, ok := NormalizePostcode(v)
	if !ok {
		c.fail(key, v, "is not a UK postcode")
	}
	return pc
}

func (c *cursor) address() []string {
	var lines []string
	for _, k := range []string{"addr1", "addr2", "addr3", "addr4", "addr5"} {
		if v := c.get(k); v != "" {
			lines = append(lines, v)
		}
	}
	return lines
}

func parsePCNs(t table) ([]PCN, error) {
	out := make([]PCN, 0, len(t.rows))
	seen := map[string]int{}
	for _, r := range t.rows {
		if blank(r) {
			continue
		}
		c := &cursor{t: &t, row: r}
		c.checkWidth()
		p := PCN{
			Code:       c.code("code", IsPCNCode, "a PCN code is U and five digits, like U12345"),
			Name:       c.required("name"),
			SubICBCode: c.code("subicb_code", IsSubICBCode, "a sub-ICB location code is 3 to 5 letters and digits, like 36L"),
			SubICBName: c.get("subicb_name"),
			Opened:     c.date("open", true),
			Closed:     c.date("close", false),
			Address:    c.address(),
			Postcode:   c.postcode("postcode", true),
		}
		if c.err == nil {
			if prev, dup := seen[p.Code]; dup {
				c.fail("code", p.Code, fmt.Sprintf("appears twice (first in row %d)", prev))
			}
			seen[p.Code] = r.num
		}
		if c.err != nil {
			return nil, c.err
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, &Error{File: t.file, Sheet: t.sheet, Msg: "has no PCNs"}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

func parseMemberships(t table) ([]Membership, error) {
	out := make([]Membership, 0, len(t.rows))
	for _, r := range t.rows {
		if blank(r) {
			continue
		}
		c := &cursor{t: &t, row: r}
		c.checkWidth()
		m := Membership{
			PracticeCode: c.code("practice", IsPracticeCode, "a practice code is a letter and five digits, like A81001"),
			PracticeName: c.required("practice_name"),
			PCNCode:      c.code("pcn", IsPCNCode, "a PCN code is U and five digits, like U12345"),
			Started:      c.date("start", true),
			Ended:        c.date("end", false),
		}
		if c.err == nil && !m.Ended.IsZero() && m.Ended.Before(m.Started) {
			c.fail("end", c.get("end"), "is before the start date")
		}
		if c.err != nil {
			return nil, c.err
		}
		out = append(out, m)
	}
	return out, nil
}

func parsePractices(t table) (map[string]Practice, error) {
	out := make(map[string]Practice, len(t.rows))
	for _, r := range t.rows {
		if blank(r) {
			continue
		}
		c := &cursor{t: &t, row: r}
		if c.checkWidth(); c.err != nil {
			return nil, c.err
		}
		p := Practice{
			Code:     c.code("code", IsPracticeCode, "a practice code is a letter and five digits, like A81001"),
			Name:     c.required("name"),
			Address:  c.address(),
			Postcode: c.postcode("postcode", false),
			Opened:   c.date("open", false),
			Closed:   c.date("close", false),
			Status:   c.get("status"),
			SubType:  c.get("subtype"),
			Phone:    c.get("phone"),
		}
		if c.err == nil {
			if _, dup := out[p.Code]; dup {
				c.fail("code", p.Code, "appears twice")
			}
		}
		if c.err != nil {
			return nil, c.err
		}
		out[p.Code] = p
	}
	return out, nil
}
