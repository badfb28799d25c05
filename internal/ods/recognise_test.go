package ods

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/internal/ods/odstest"
)

// ccgHeaders are the header texts of the ePCN workbook before sub-ICB
// locations replaced Clinical Commissioning Groups (July 2022), as the
// April 2022 workbook has them, by the 2023 text they replace.
var ccgHeaders = map[string]string{
	"Current Sub ICB Loc Code":                        "Current Clinical Commissioning Group Code",
	"Sub ICB Location":                                "Current Clinical Commissioning Group Name",
	"Practice\nParent\nSub ICB Loc Code":              "Practice\nParent\nCCG Code",
	"Practice\nParent\nSub ICB Loc Name":              "Practice\nParent\nCCG Name",
	"PCN Parent\nSub ICB Loc Code":                    "PCN Parent\nCCG Code",
	"PCN Parent\nSub ICB Loc Name":                    "PCN Parent\nCCG Name",
	"Practice Sub ICB Loc and PCN Sub ICB Loc Match ": "Practice CCG and PCN CCG Match",
}

// rewriteZip copies a zip archive, passing each file's content through edit.
func rewriteZip(t testing.TB, b []byte, edit func(name string, body []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(edit(f.Name, body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// renameStrings rewrites texts of a workbook's shared strings (each
// must be there once, compared with line breaks made "\n" as a reader
// sees them), as an older or a hand-edited workbook has them.
func renameStrings(t testing.TB, xlsx []byte, rename map[string]string) []byte {
	t.Helper()
	texts := regexp.MustCompile(`<t(?: [^>]*)?>([^<]*)</t>`)
	return rewriteZip(t, xlsx, func(name string, body []byte) []byte {
		if name != "xl/sharedStrings.xml" {
			return body
		}
		seen := map[string]int{}
		out := texts.ReplaceAllStringFunc(string(body), func(m string) string {
			text := strings.ReplaceAll(texts.FindStringSubmatch(m)[1], "\r\n", "\n")
			to, ok := rename[text]
			if !ok {
				return m
			}
			seen[text]++
			var e strings.Builder
			_ = xml.EscapeText(&e, []byte(to))
			return "<t>" + e.String() + "</t>"
		})
		for from := range rename {
			if seen[from] != 1 {
				t.Fatalf("sharedStrings.xml has %q %d times, want once", from, seen[from])
			}
		}
		return []byte(out)
	})
}

// zipOf builds a zip archive of the named contents, in order.
func zipOf(t testing.TB, files ...any) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i].(string))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(files[i+1].([]byte)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func readFileT(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFileT(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// The April 2022 workbook names the sub-ICB columns after the Clinical
// Commissioning Groups they were then. Built here from the real 2023 file
// by rewriting its header texts, it reads the same PCNs and practices.
func TestLoadCCGEraWorkbook(t *testing.T) {
	epcn, epraccur := odstest.Files(t)
	want, err := Load(epcn, epraccur)
	if err != nil {
		t.Fatal(err)
	}
	old := renameStrings(t, readFileT(t, epcn), ccgHeaders)
	// The rewritten workbook has the CCG-era headers where the 2023 ones were.
	wb, err := openWorkbook(bytes.NewReader(old), int64(len(old)))
	if err != nil {
		t.Fatal(err)
	}
	for sheet, cols := range map[string]map[int]string{
		SheetPCNs:     {2: "Current Clinical Commissioning Group Code", 3: "Current Clinical Commissioning Group Name"},
		SheetPartners: {2: "Practice\nParent\nCCG Code", 6: "PCN Parent\nCCG Code", 10: "Practice CCG and PCN CCG Match"},
	} {
		rows, err := wb.rows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for i, h := range cols {
			if got := rows[0].cells[i]; got != h {
				t.Errorf("%s header %d = %q, want %q", sheet, i, got, h)
			}
		}
	}
	dir := t.TempDir()
	got, err := Load(writeFileT(t, dir, "ePCN-2022.xlsx", old), epraccur)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.PCNs, want.PCNs) || !reflect.DeepEqual(got.Memberships, want.Memberships) {
		t.Error("the CCG-era workbook reads differently from the 2023 one")
	}
	if len(got.PCNs) != 1329 || len(got.Memberships) != 7455 || got.PCNs[0].SubICBCode == "" || got.PCNs[0].SubICBName == "" {
		t.Errorf("read %d PCNs, %d memberships; first %+v", len(got.PCNs), len(got.Memberships), got.PCNs[0])
	}
}

// Every header form of the sub-ICB columns finds them; a CSV report of
// either era does too.
func TestHeadedTableSubICBAliases(t *testing.T) {
	for _, h := range [][2]string{
		{"Current Sub ICB Loc Code", "Sub ICB Location"},
		{"Current Clinical Commissioning Group Code", "Current Clinical Commissioning Group Name"},
		{"Current\nClinical Commissioning\nGroup Code", "Current Clinical Commissioning Group Name"},
		{"CCG Code", "CCG Name"},
		{"Current CCG Code", "Current CCG Name"},
	} {
		hdr := append([]string(nil), testPCNHeader...)
		hdr[2], hdr[3] = h[0], h[1]
		tb, err := headedTable("ePCN.csv", "", kindPCNs, []sheetRow{{num: 1, cells: hdr}})
		if err != nil {
			t.Errorf("header %q: %v", h, err)
			continue
		}
		if tb.cols["subicb_code"] != 2 || tb.cols["subicb_name"] != 3 {
			t.Errorf("header %q: columns %v", h, tb.cols)
		}
	}
}

// NHS England publishes the workbook as ePCN.zip and the practice list as
// epraccur.zip; both read as if unzipped.
func TestLoadZipArchives(t *testing.T) {
	epcn, epraccur := odstest.Files(t)
	want, err := Load(epcn, epraccur)
	if err != nil {
		t.Fatal(err)
	}
	xlsx, ep := readFileT(t, epcn), readFileT(t, epraccur)
	dir := t.TempDir()
	for _, tt := range []struct {
		name  string
		files []string
	}{
		{"ePCN.zip", []string{writeFileT(t, dir, "ePCN.zip", zipOf(t, "ePCN.xlsx", xlsx)), epraccur}},
		{"both zipped", []string{writeFileT(t, dir, "ePCN-a.zip", zipOf(t, "ePCN.xlsx", xlsx)), writeFileT(t, dir, "epraccur.zip", zipOf(t, "epraccur.csv", ep))}},
		{"one zip of both, in a folder, with macOS litter", []string{writeFileT(t, dir, "ods.zip", zipOf(t,
			"ods/", []byte{}, "ods/README.txt", []byte("read me"), "ods/ePCN.xlsx", xlsx, "__MACOSX/ods/._ePCN.xlsx", []byte("junk"), "ods/EPRACCUR.CSV", ep))}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Load(tt.files...)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Error("the zipped files read differently from the files themselves")
			}
		})
	}
	// Errors inside an archive name the file in it.
	bad := zipOf(t, "ePCN.xlsx", testWorkbook(t, map[string][][]string{"Sheet1": {{"x"}}}, "Sheet1"))
	_, err = Load(writeFileT(t, dir, "bad.zip", bad), epraccur)
	if err == nil || !strings.Contains(err.Error(), `ePCN.xlsx (in bad.zip): has no sheet "PCNDetails" (its sheets: "Sheet1")`) {
		t.Errorf("error %v", err)
	}
	// The same report twice, once in the archive and once beside it.
	_, err = Load(writeFileT(t, dir, "twice.zip", zipOf(t, "ePCN.xlsx", xlsx)), epcn, epraccur)
	if err == nil || !strings.Contains(err.Error(), "ePCN.xlsx: sheet \"PCNDetails\": holds PCN details, but ePCN.xlsx (in twice.zip) did already") {
		t.Errorf("error %v", err)
	}
}

// A zip bomb: an archive cannot unpack to more than maxPart, whatever its
// headers claim.
func TestZipSizeBounds(t *testing.T) {
	// The header claims a terabyte: refused before reading.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "ePCN.xlsx", Method: zip.Store, CompressedSize64: 2, UncompressedSize64: 1 << 40})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("PK")); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = readTables("big.zip", buf.Bytes())
	if err == nil || !strings.Contains(err.Error(), "ePCN.xlsx (in big.zip): is too large: it unpacks to more than 256 MB") {
		t.Errorf("error %v", err)
	}

	// What a file unpacks to is counted, not what it claims.
	zeros := zipOf(t, "epraccur.csv", make([]byte, 64<<10))
	zr, err := zip.NewReader(bytes.NewReader(zeros), int64(len(zeros)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := unpack(zr.File[0], 1<<10); err == nil || !strings.Contains(err.Error(), "more than 1 KB") {
		t.Errorf("unpack beyond its limit: %v", err)
	}
	if b, err := unpack(zr.File[0], 64<<10); err != nil || len(b) != 64<<10 {
		t.Errorf("unpack to exactly its limit: %d bytes, %v", len(b), err)
	}

	// A workbook part is bounded the same way, with an error rather than a cut.
	r := newCapReader(bytes.NewReader(make([]byte, 100)), 99, "xl/worksheets/sheet1.xml")
	if _, err := io.ReadAll(r); !errors.Is(err, errTooLarge) || !strings.Contains(err.Error(), "sheet1.xml is too large: it unpacks to more than 99 bytes") {
		t.Errorf("capReader: %v", err)
	}
	if b, err := io.ReadAll(newCapReader(bytes.NewReader(make([]byte, 100)), 100, "x")); err != nil || len(b) != 100 {
		t.Errorf("capReader at its limit: %d bytes, %v", len(b), err)
	}
}

// Each refusal says what the file was found to be as well as what was
// expected.
func TestLoadNamesWhatItFound(t *testing.T) {
	epcn, _ := odstest.Files(t)
	gz, err := os.ReadFile(filepath.Join("testdata", "epraccur.csv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	xlsx := readFileT(t, epcn)
	ods := zipOf(t, "mimetype", []byte("application/vnd.oasis.opendocument.spreadsheet"), "content.xml", []byte("<x/>"))
	docx := zipOf(t, "[Content_Types].xml", []byte("<x/>"), "word/document.xml", []byte("<x/>"))
	var many []any
	for _, n := range []string{"a.csv", "b.csv", "c.csv", "d.csv", "e.csv"} {
		many = append(many, n, []byte(testEpraccur))
	}
	noPostcode := testSheets()
	noPostcode[SheetPCNs][0] = testPCNHeader[:11]
	for _, tt := range []struct {
		name string
		file string
		body []byte
		want string
	}{
		{"old Excel", "ePCN.xls", append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 512)...),
			"ePCN.xls: is an Excel 97-2003 workbook (.xls) or another old Office file, expected the ePCN .xlsx workbook (or the ePCN.zip that holds it), its reports as CSV, or epraccur.csv: open it in a spreadsheet and save it as an Excel workbook (.xlsx)"},
		{"PDF", "ePCN.pdf", []byte("%PDF-1.7\n..."), "ePCN.pdf: is a PDF document, expected the ePCN .xlsx workbook"},
		{"gzip", "epraccur.csv.gz", gz, "epraccur.csv.gz: is gzip-compressed, expected the ePCN .xlsx workbook (or the ePCN.zip that holds it), its reports as CSV, or epraccur.csv: unpack it first (gunzip)"},
		{"7-Zip", "ePCN.7z", []byte("7z\xbc\xaf\x27\x1c\x00\x04"), "ePCN.7z: is a 7-Zip or RAR archive"},
		{"web page", "ePCN.xlsx", []byte("\ufeff\n  <!DOCTYPE html>\n<html><title>Sign in</title>"), "ePCN.xlsx: is a web page (HTML), not the data file, expected the ePCN .xlsx workbook"},
		{"Excel 2003 XML", "ePCN.xml", []byte(`<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">`), "ePCN.xml: is an Excel 2003 XML spreadsheet"},
		{"XML", "ePCN.xml", []byte(`<?xml version="1.0"?><sst/>`), "ePCN.xml: is an XML file, expected the ePCN .xlsx workbook"},
		{"OpenDocument", "ePCN.ods", ods, "ePCN.ods: is an OpenDocument spreadsheet (.ods), expected the ePCN .xlsx workbook (or the ePCN.zip that holds it), its reports as CSV, or epraccur.csv: open it in a spreadsheet and save it as an Excel workbook (.xlsx)"},
		{"Word", "ePCN.docx", docx, "ePCN.docx: is a Word document, expected the ePCN .xlsx workbook"},
		{"broken zip", "ePCN.xlsx", []byte("PK\x03\x04 cut short"), "ePCN.xlsx: looks like a zip file (as an .xlsx workbook is) but cannot be opened: zip: not a valid zip file"},
		{"empty zip", "ePCN.zip", zipOf(t), `ePCN.zip: is a zip archive with no .xlsx or .csv file in it (no files), expected the ePCN .xlsx workbook`},
		{"zip without data", "ePCN.zip", zipOf(t, "ePCN.pdf", []byte("%PDF-"), "notes/README.txt", []byte("x")),
			`ePCN.zip: is a zip archive with no .xlsx or .csv file in it (found: "ePCN.pdf", "notes/README.txt"), expected the ePCN .xlsx workbook`},
		{"zip in a zip", "ods.zip", zipOf(t, "ePCN.zip.csv", zipOf(t, "ePCN.xlsx", xlsx)), "ePCN.zip.csv (in ods.zip): is a zip archive inside a zip archive: unzip them"},
		{"zip of many", "ods.zip", zipOf(t, many...), "ods.zip: is a zip archive of 5 .xlsx and .csv files; at most 4 are read from one archive"},
		{"zip of a PDF named xlsx", "ods.zip", zipOf(t, "ePCN.xlsx", []byte("%PDF-1.4")), "ePCN.xlsx (in ods.zip): is a PDF document"},
		{"unknown CSV", "other.csv", []byte("Name,Phone,Email\nA,B,C\n"),
			`other.csv: row 1: is not an ODS file this importer knows: a CSV file whose first row has 3 columns (found: "Name", "Phone", "Email"), expected epraccur.csv (27 columns), the ePCN .xlsx workbook, or its reports as CSV`},
		{"blank CSV row", "blank.csv", []byte(",,\n"), `blank.csv: row 1: is not an ODS file this importer knows: a CSV file whose first row has 3 columns (found: only empty cells)`},
		{"CSV report missing a column", "pcns.csv", []byte("PCN Code,PCN Name,Open Date\nU00070,X,20191001\n"),
			`pcns.csv: row 1: has no column "Sub ICB Loc Code" (found: "PCN Code", "PCN Name", "Open Date")`},
		{"workbook missing a column", "ePCN.xlsx", testWorkbook(t, noPostcode, SheetPCNs, SheetPartners),
			`ePCN.xlsx: sheet "PCNDetails" row 1: has no column "Postcode" (found: "PCN Code", "PCN Name", "Current Sub ICB Loc Code", "Sub ICB Location", "Open Date", "Close Date", "Address Line 1", "Address Line 2", "Address Line 3", "Address Line 4", "Address Line 5")`},
		{"partner sheet missing a column", "ePCN.xlsx", renameStrings(t, xlsx, map[string]string{"Practice to PCN\nRelationship\nStart Date": "Started"}),
			`ePCN.xlsx: sheet "PCN Core Partner Details" row 1: has no column "Relationship Start Date" (found: "Partner Organisation Code", "Partner Name", "Practice Parent Sub ICB Loc Code", "Practice Parent Sub ICB Loc Name", "PCN Code", "PCN Name", "PCN Parent Sub ICB Loc Code", "PCN Parent Sub ICB Loc Name", "Started", "Practice to PCN Relationship End Date", "Practice Sub ICB Loc and PCN Sub ICB Loc Match")`},
		{"only the practice list", "epraccur.csv", []byte(testEpraccur),
			`ods: the PCN details (ePCN.xlsx sheet "PCNDetails") and the core partner details (ePCN.xlsx sheet "PCN Core Partner Details") missing: give the ePCN workbook and epraccur.csv (found: epraccur.csv: the GP practice list)`},
		{"only the workbook", "ePCN.xlsx", testWorkbook(t, testSheets(), SheetPCNs, SheetPartners),
			`ods: the GP practice list (epraccur.csv) missing: give the ePCN workbook and epraccur.csv (found: ePCN.xlsx sheet "PCNDetails": PCN details; ePCN.xlsx sheet "PCN Core Partner Details": core partner details)`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeFileT(t, t.TempDir(), tt.file, tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant it to contain %s", err, tt.want)
			}
		})
	}
}

func TestFoundHeadersIsBounded(t *testing.T) {
	cells := make([]string, 40)
	for i := range cells {
		cells[i] = columnName(i)
	}
	cells[0] = strings.Repeat("LONG ", 30)
	got := foundHeaders(cells)
	if !strings.HasSuffix(got, `"P", and 24 more`) || !strings.HasPrefix(got, `"LONG LONG`) || !strings.Contains(got, `…", "B"`) {
		t.Errorf("foundHeaders = %s", got)
	}
}

// FuzzReadTables feeds whole files: workbooks, archives and CSV, of either
// header era. Whatever the bytes, the result is tables or an *Error.
func FuzzReadTables(f *testing.F) {
	old := testSheets()
	old[SheetPCNs][0] = append([]string(nil), testPCNHeader...)
	old[SheetPCNs][0][2], old[SheetPCNs][0][3] = "Current Clinical Commissioning Group Code", "Current Clinical Commissioning Group Name"
	old[SheetPartners][0] = []string{"Partner Organisation Code", "Partner Name", "Practice Parent CCG Code", "Practice Parent CCG Name", "PCN Code", "PCN Name",
		"PCN Parent CCG Code", "PCN Parent CCG Name", "Practice to PCN Relationship Start Date", "Practice to PCN Relationship End Date", "Practice CCG and PCN CCG Match"}
	wb := testWorkbook(f, testSheets(), SheetPCNs, SheetPartners)
	oldWB := testWorkbook(f, old, SheetPCNs, SheetPartners)
	f.Add(wb)
	f.Add(oldWB)
	f.Add(zipOf(f, "ePCN.xlsx", oldWB))
	f.Add(zipOf(f, "ods/ePCN.xlsx", wb, "ods/epraccur.csv", []byte(testEpraccur)))
	f.Add(zipOf(f, "x.zip.csv", zipOf(f, "ePCN.xlsx", wb)))
	f.Add(zipOf(f, "mimetype", []byte("application/vnd.oasis.opendocument.spreadsheet")))
	f.Add([]byte("PCN Code,PCN Name,Current Clinical Commissioning Group Code,CCG Name,Open Date,Close Date,Address Line 1,Postcode\nU00070,X,36L,Y,20191001,,A,SW17 0RT\n"))
	f.Add([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))
	f.Add([]byte("<!DOCTYPE html>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tables, err := readTables("f", b)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			return
		}
		for _, tb := range tables {
			if tb.file != "f" && !strings.HasSuffix(tb.file, " (in f)") {
				t.Fatalf("table of file %q", tb.file)
			}
			switch tb.kind {
			case kindPCNs:
				_, err = parsePCNs(tb)
			case kindPartners:
				_, err = parseMemberships(tb)
			case kindEpraccur:
				_, err = parsePractices(tb)
			}
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("error %T %v is not an *Error", err, err)
				}
			}
		}
	})
}

// FuzzHeadedTable feeds header rows ("|" between cells): a column is found
// or the message lists what was there.
func FuzzHeadedTable(f *testing.F) {
	f.Add(strings.Join(testPCNHeader, "|"), false)
	f.Add("PCN Code|PCN Name|Current Clinical Commissioning Group Code|Current Clinical Commissioning Group Name|Open Date|Close Date|Address Line 1|Postcode", false)
	f.Add(strings.Join(testPartnerHeader, "|"), true)
	f.Add("Partner Organisation Code|Partner Name|Practice Parent CCG Code|PCN Code|Practice to PCN Relationship Start Date|Practice to PCN Relationship End Date", true)
	f.Add("PCN Code||\x00\xff|CCG", false)
	f.Fuzz(func(t *testing.T, header string, partners bool) {
		kind := kindPCNs
		if partners {
			kind = kindPartners
		}
		cells := strings.Split(header, "|")
		if len(cells) > maxColumns {
			return
		}
		tb, err := headedTable("f.csv", "", kind, []sheetRow{{num: 1, cells: cells}})
		if err != nil {
			if e, ok := err.(*Error); !ok || (e.Msg != "is empty" && !strings.Contains(e.Msg, "(found: ")) || len(e.Msg) > 4000 {
				t.Fatalf("error %v", err)
			}
			return
		}
		for _, c := range layouts[kind] {
			if i, ok := tb.cols[c.key]; c.required && (!ok || i >= len(cells)) {
				t.Fatalf("column %s at %d of %d", c.key, i, len(cells))
			}
		}
	})
}
