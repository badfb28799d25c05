package ods

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/ods/odstest"
)

// Counts and values checked against the published files (ePCN.xlsx and
// epraccur.csv in shared/data/ods, read with a separate script).
func TestLoadRealFiles(t *testing.T) {
	d, err := Load(odstest.Files(t))
	if err != nil {
		t.Fatal(err)
	}
	open, current := 0, 0
	today := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	for _, p := range d.PCNs {
		if p.OpenOn(today) {
			open++
		}
	}
	for _, m := range d.Memberships {
		if m.CurrentOn(today) {
			current++
		}
	}
	for _, c := range []struct {
		what      string
		got, want int
	}{
		{"PCNs", len(d.PCNs), 1329}, {"open PCNs", open, 1264},
		{"memberships", len(d.Memberships), 7455}, {"current memberships", current, 6391},
		{"practices", len(d.Practices), 15536},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.what, c.got, c.want)
		}
	}
	var merton PCN
	for _, p := range d.PCNs {
		if p.Code == "U00070" {
			merton = p
		}
	}
	want := PCN{Code: "U00070", Name: "WEST MERTON PCN", SubICBCode: "36L", SubICBName: "NHS SOUTH WEST LONDON ICB - 36L",
		Opened: time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC), Address: []string{"TREVELYAN HOUSE", "160 TOOTING HIGH STREET", "LONDON"}, Postcode: "SW17 0RT"}
	if !reflect.DeepEqual(merton, want) {
		t.Errorf("U00070 = %+v\nwant %+v", merton, want)
	}
	if m := d.Memberships[0]; m.PracticeCode != "A81001" || m.PCNCode != "U89141" || m.PracticeName != "THE DENSHAM SURGERY" || !m.Ended.IsZero() {
		t.Errorf("first membership %+v", m)
	}
	p := d.Practices["A81001"]
	if p.Name != "THE DENSHAM SURGERY" || p.Postcode != "TS18 1HU" || p.Phone != "01642 672351" || p.Status != "A" ||
		!reflect.DeepEqual(p.Address, []string{"THE HEALTH CENTRE", "LAWSON STREET", "STOCKTON-ON-TEES", "CLEVELAND"}) {
		t.Errorf("A81001 = %+v", p)
	}
	if p := d.Practices["A81003"]; p.Status != "C" || p.Closed != time.Date(2017, 10, 31, 0, 0, 0, 0, time.UTC) {
		t.Errorf("A81003 (closed in 2017) = %+v", p)
	}
	if _, ok := d.Practices["ALD200"]; !ok {
		t.Error("the Channel Islands' practice codes (ALD200) should be accepted")
	}
}

// The same reports as CSV files, with or without their header rows, read
// the same as the workbook.
func TestLoadCSVForms(t *testing.T) {
	epcn, epraccur := odstest.Files(t)
	fromXLSX, err := Load(epcn, epraccur)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(epcn)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := openWorkbook(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, headed := range []bool{false, true} {
		var files []string
		for _, sheet := range []string{SheetPCNs, SheetPartners} {
			rows, err := wb.rows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			if !headed {
				rows = rows[1:]
			}
			name := filepath.Join(dir, fmt.Sprintf("%s-%v.csv", strings.ReplaceAll(sheet, " ", ""), headed))
			writeTestCSV(t, name, rows, columnCounts[map[string]tableKind{SheetPCNs: kindPCNs, SheetPartners: kindPartners}[sheet]])
			files = append(files, name)
		}
		// Order does not matter: each file is recognised by its content.
		got, err := Load(epraccur, files[1], files[0])
		if err != nil {
			t.Fatalf("headed=%v: %v", headed, err)
		}
		if !reflect.DeepEqual(got.PCNs, fromXLSX.PCNs) || !reflect.DeepEqual(got.Memberships, fromXLSX.Memberships) {
			t.Errorf("headed=%v: the CSV form reads differently from the workbook", headed)
		}
	}
}

// writeTestCSV writes rows padded to width columns, as the CSV reports are.
func writeTestCSV(t *testing.T, name string, rows []sheetRow, width int) {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, r := range rows {
		rec := make([]string, width)
		copy(rec, r.cells)
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	if err := os.WriteFile(name, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// testWorkbook builds an .xlsx file from sheets of rows; cells are inline
// strings, and empty cells are left out so references have gaps.
func testWorkbook(t testing.TB, sheets map[string][][]string, order ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	add := func(name, body string) {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	var book, rels strings.Builder
	book.WriteString(`<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`)
	rels.WriteString(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i, name := range order {
		fmt.Fprintf(&book, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, name, i+1, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
		var s strings.Builder
		s.WriteString(`<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		for r, row := range sheets[name] {
			fmt.Fprintf(&s, `<row r="%d">`, r+1)
			for c, v := range row {
				if v == "" {
					continue
				}
				var e bytes.Buffer
				_ = xml.EscapeText(&e, []byte(v))
				fmt.Fprintf(&s, `<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>`, columnName(c), r+1, e.String())
			}
			s.WriteString(`</row>`)
		}
		s.WriteString(`</sheetData></worksheet>`)
		add(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), s.String())
	}
	book.WriteString(`</sheets></workbook>`)
	rels.WriteString(`</Relationships>`)
	add("xl/workbook.xml", book.String())
	add("xl/_rels/workbook.xml.rels", rels.String())
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var (
	testPCNHeader     = []string{"PCN Code", "PCN Name", "Current Sub ICB Loc Code", "Sub ICB Location", "Open Date", "Close Date", "Address Line 1", "Address Line 2", "Address Line 3", "Address Line 4", "Address Line 5", "Postcode"}
	testPartnerHeader = []string{"Partner\nOrganisation\nCode", "Partner\nName", "Practice\nParent\nSub ICB Loc Code", "Practice\nParent\nSub ICB Loc Name", "PCN Code", "PCN Name", "PCN Parent\nSub ICB Loc Code", "PCN Parent\nSub ICB Loc Name", "Practice to PCN\nRelationship\nStart Date", "Practice to PCN\nRelationship\nEnd Date", "Practice Sub ICB Loc and PCN Sub ICB Loc Match "}
	testEpraccur      = `"A81001","THE DENSHAM SURGERY","Y63","QHM","THE HEALTH CENTRE","LAWSON STREET","STOCKTON-ON-TEES","CLEVELAND","","TS18 1HU","19740401","","A","B","16C","20200401","","01642 672351","","","","0","","16C","","4",""` + "\n"
)

func testSheets() map[string][][]string {
	return map[string][][]string{
		SheetPCNs: {
			testPCNHeader,
			{"U00070", "WEST MERTON PCN", "36L", "NHS SOUTH WEST LONDON ICB - 36L", "20191001", "", "TREVELYAN HOUSE", "", "", "LONDON", "", "SW17 0RT"},
			{"U89141", "STOCKTON PCN", "16C", "NHS NORTH EAST AND NORTH CUMBRIA ICB - 16C", "20191001", "", "1 HIGH ST", "", "", "", "", "TS18 1HU"},
		},
		SheetPartners: {
			testPartnerHeader,
			{"A81001", "THE DENSHAM SURGERY", "16C", "X", "U89141", "STOCKTON PCN", "16C", "X", "20191001", "", "TRUE"},
		},
	}
}

// loadTest writes a workbook and epraccur to a directory and loads them.
func loadTest(t *testing.T, sheets map[string][][]string, order []string, epraccur string) error {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ePCN.xlsx"), testWorkbook(t, sheets, order...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "epraccur.csv"), []byte(epraccur), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(filepath.Join(dir, "ePCN.xlsx"), filepath.Join(dir, "epraccur.csv"))
	return err
}

func TestLoadWorkbookWithGapsAndLineBreaks(t *testing.T) {
	if err := loadTest(t, testSheets(), []string{SheetPCNs, SheetPartners}, testEpraccur); err != nil {
		t.Fatal(err)
	}
}

// Malformed input fails with a message naming the file, sheet, row and column.
func TestLoadRefusesMalformedInput(t *testing.T) {
	both := []string{SheetPCNs, SheetPartners}
	for _, tt := range []struct {
		name     string
		edit     func(s map[string][][]string)
		order    []string
		epraccur string
		want     string
	}{
		{"wrong sheet", func(s map[string][][]string) { s["Sheet1"] = s[SheetPCNs] }, []string{"Sheet1", SheetPartners}, testEpraccur,
			`ePCN.xlsx: has no sheet "PCNDetails" (its sheets: "Sheet1", "PCN Core Partner Details")`},
		{"missing column", func(s map[string][][]string) { s[SheetPCNs][0] = testPCNHeader[:11] }, both, testEpraccur,
			`ePCN.xlsx: sheet "PCNDetails" row 1: has no column "Postcode"`},
		{"bad PCN code", func(s map[string][][]string) { s[SheetPCNs][2][0] = "X1" }, both, testEpraccur,
			`ePCN.xlsx: sheet "PCNDetails" row 3 column "PCN Code": "X1" is not an ODS code (a PCN code is U and five digits, like U12345)`},
		{"bad practice code", func(s map[string][][]string) { s[SheetPartners][1][0] = "81001" }, both, testEpraccur,
			`ePCN.xlsx: sheet "PCN Core Partner Details" row 2 column "Partner Organisation Code": "81001" is not an ODS code`},
		{"bad postcode", func(s map[string][][]string) { s[SheetPCNs][1][11] = "SW17" }, both, testEpraccur,
			`ePCN.xlsx: sheet "PCNDetails" row 2 column "Postcode": "SW17" is not a UK postcode`},
		{"bad date", func(s map[string][][]string) { s[SheetPCNs][1][4] = "1 Oct" }, both, testEpraccur,
			`ePCN.xlsx: sheet "PCNDetails" row 2 column "Open Date": "1 Oct" is not a date`},
		{"empty name", func(s map[string][][]string) { s[SheetPCNs][1][1] = " " }, both, testEpraccur,
			`ePCN.xlsx: sheet "PCNDetails" row 2 column "PCN Name": "" is empty`},
		{"unknown PCN", func(s map[string][][]string) { s[SheetPartners][1][4] = "U99999" }, both, testEpraccur,
			`ePCN.xlsx: practice A81001 is a member of PCN U99999, which the PCN details do not list`},
		{"epraccur bad code", nil, both, strings.Replace(testEpraccur, `"A81001"`, `"A8100"`, 1),
			`epraccur.csv: row 1 column 1 (Organisation Code): "A8100" is not an ODS code`},
		{"epraccur bad postcode", nil, both, strings.Replace(testEpraccur, `"TS18 1HU"`, `"TS18 1H"`, 1),
			`epraccur.csv: row 1 column 10 (Postcode): "TS18 1H" is not a UK postcode`},
		{"epraccur short row", nil, both, testEpraccur + `"A81002","X"` + "\n",
			`epraccur.csv: row 2: has 2 columns; this file's rows have 27`},
		{"not CSV", nil, both, "\"A81001,\"x\n", `epraccur.csv: row 1: is not valid CSV`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := testSheets()
			if tt.edit != nil {
				tt.edit(s)
			}
			err := loadTest(t, s, tt.order, tt.epraccur)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant it to contain %s", err, tt.want)
			}
		})
	}
}

func TestLoadNeedsEveryReport(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "epraccur.csv")
	if err := os.WriteFile(name, []byte(testEpraccur), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(name)
	if err == nil || !strings.Contains(err.Error(), "PCN details") {
		t.Errorf("error %v, want it to name the missing PCN details", err)
	}
	other := filepath.Join(dir, "other.csv")
	if err := os.WriteFile(other, []byte("a,b,c\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(other); err == nil || !strings.Contains(err.Error(), "other.csv: row 1: is not an ODS file") {
		t.Errorf("error %v for an unknown CSV", err)
	}
}

func TestParseCellRef(t *testing.T) {
	for _, tt := range []struct {
		ref       string
		col, row  int
		wantError bool
	}{
		{"A1", 0, 1, false}, {"Z9", 25, 9, false}, {"AA10", 26, 10, false}, {"XFD1048576", 16383, 1048576, false}, {"B", 1, 0, false},
		{"", 0, 0, true}, {"1A", 0, 0, true}, {"A0", 0, 0, true}, {"ABCD1", 0, 0, true}, {"a1", 0, 0, true},
	} {
		col, row, err := parseCellRef(tt.ref)
		if (err != nil) != tt.wantError || (err == nil && (col != tt.col || row != tt.row)) {
			t.Errorf("parseCellRef(%q) = %d, %d, %v", tt.ref, col, row, err)
		}
	}
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 701: "ZZ", 702: "AAA"} {
		if got := columnName(i); got != want {
			t.Errorf("columnName(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestParseDate(t *testing.T) {
	d := time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{"20191001": d, "2019-10-01": d, "01/10/2019": d, "43739": d, "2019-10-01T00:00:00": d,
		"20191301": {}, "1 Oct": {}, "0": {}, "18991231": {}} {
		got, ok := parseDate(in)
		if !got.Equal(want) || ok == want.IsZero() {
			t.Errorf("parseDate(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
}

func TestReadSheetSharedAndRichStrings(t *testing.T) {
	const sheet = `<worksheet><sheetData>
<row r="2"><c r="B2" t="s"><v>0</v></c><c r="D2" t="s"><v>1</v></c><c t="b"><v>1</v></c><c r="G2"><v>43739</v></c></row>
<row><c t="inlineStr"><is><r><t>IN</t></r><r><t>LINE</t></r></is></c></row>
</sheetData></worksheet>`
	shared, err := readSharedStrings(strings.NewReader(`<sst><si><t>PLAIN</t></si><si><r><t>RI</t></r><r><t xml:space="preserve">CH </t></r><rPh><t>ふりがな</t></rPh></si></sst>`))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readSheet(strings.NewReader(sheet), shared)
	if err != nil {
		t.Fatal(err)
	}
	want := []sheetRow{{num: 2, cells: []string{"", "PLAIN", "", "RICH ", "TRUE", "", "43739"}}, {num: 3, cells: []string{"INLINE"}}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows %+v\nwant %+v", rows, want)
	}
	for _, bad := range []string{
		`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>9</v></c></row></sheetData></worksheet>`,
		`<worksheet><sheetData><row r="1"><c r="B1"/><c r="A1"/></row></sheetData></worksheet>`,
		`<worksheet><sheetData><row r="2"/><row r="1"/></sheetData></worksheet>`,
		`<worksheet><sheetData><row r="1"><c r="A2"/></row></sheetData></worksheet>`,
		`<worksheet><sheetData><row r="1"><c r="A1">`,
	} {
		if _, err := readSheet(strings.NewReader(bad), shared); err == nil {
			t.Errorf("readSheet(%s) accepted bad input", bad)
		}
	}
}

func FuzzReadSheet(f *testing.F) {
	f.Add(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>`)
	f.Add(`<row><c t="b"><v>1</v></c></row><row r="9"><c r="XFD9"/></row>`)
	f.Fuzz(func(t *testing.T, s string) {
		rows, err := readSheet(strings.NewReader(s), []string{"PCN Code"})
		if err != nil {
			return
		}
		last := 0
		for _, r := range rows {
			if r.num <= last || len(r.cells) > maxColumns {
				t.Fatalf("row %d after %d with %d cells", r.num, last, len(r.cells))
			}
			last = r.num
		}
	})
}

func FuzzCSVTable(f *testing.F) {
	f.Add([]byte(testEpraccur))
	f.Add([]byte("U00070,WEST MERTON PCN,36L,X,20191001,,A,,,,,SW17 0RT\n"))
	f.Add([]byte("\"Partner\nOrganisation\nCode\",PCN Code\nA81001,U00070\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tb, err := csvTable("f.csv", b)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			return
		}
		switch tb.kind {
		case kindPCNs:
			_, err = parsePCNs(tb)
		case kindPartners:
			_, err = parseMemberships(tb)
		case kindEpraccur:
			_, err = parsePractices(tb)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "f.csv:") {
			t.Fatalf("error %q does not name the file", err)
		}
	})
}

func FuzzCellValues(f *testing.F) {
	f.Add("AB12", "20191001", "SW17 0RT")
	f.Fuzz(func(t *testing.T, ref, date, postcode string) {
		if c, _, err := parseCellRef(ref); err == nil && columnName(c) != strings.TrimRight(ref, "0123456789") {
			t.Fatalf("parseCellRef(%q) column %d is %q", ref, c, columnName(c))
		}
		if d, ok := parseDate(date); ok && (d.Year() < 1900 || d.Year() > 2200) {
			t.Fatalf("parseDate(%q) = %v", date, d)
		}
		if pc, ok := NormalizePostcode(postcode); ok {
			if again, ok2 := NormalizePostcode(pc); !ok2 || again != pc {
				t.Fatalf("NormalizePostcode(%q) = %q is not stable", postcode, pc)
			}
		}
	})
}

func TestLoadRefusesBinaryText(t *testing.T) {
	// (XML cannot hold a NUL; a CSV file can, and bytes that are not UTF-8.)
	err := loadTest(t, testSheets(), []string{SheetPCNs, SheetPartners}, strings.Replace(testEpraccur, "DENSHAM", "DEN\xffSHAM", 1))
	if err == nil || !strings.Contains(err.Error(), `epraccur.csv: row 1 column 2 (Name)`) {
		t.Errorf("error %v", err)
	}
	err = loadTest(t, testSheets(), []string{SheetPCNs, SheetPartners}, strings.Replace(testEpraccur, "LAWSON", "LAW\x00SON", 1))
	if err == nil || !strings.Contains(err.Error(), `epraccur.csv: row 1 column 6 (Address Line 2)`) {
		t.Errorf("error %v", err)
	}
}
