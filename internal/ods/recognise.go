package ods

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// expected is what a file given to Load may be, for messages about one
// that is something else.
const expected = "expected the ePCN .xlsx workbook (or the ePCN.zip that holds it), its reports as CSV, or epraccur.csv"

// maxArchived bounds how many data files one .zip may hold: NHS England's
// ePCN.zip holds one workbook, epraccur.zip one CSV file.
const maxArchived = 4

var (
	zipMagic  = []byte("PK\x03\x04")
	emptyZip  = []byte("PK\x05\x06") // a zip archive with no files
	oleMagic  = []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
	gzipMagic = []byte("\x1f\x8b")
)

// readTables recognises a file by its content: an .xlsx workbook (a zip
// holding xl/workbook.xml), a .zip archive holding the workbook or CSV
// files (read as if they were given one by one), or CSV. Other kinds of
// file that people download by mistake are named in the error.
func readTables(name string, b []byte) ([]table, error) {
	return readFile(name, b, true)
}

// readFile is readTables; archives are read only when outer (no zip in a zip).
func readFile(name string, b []byte, outer bool) ([]table, error) {
	if bytes.HasPrefix(b, zipMagic) || bytes.HasPrefix(b, emptyZip) {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return nil, &Error{File: name, Msg: "looks like a zip file (as an .xlsx workbook is) but cannot be opened: " + err.Error()}
		}
		if hasFile(zr, "xl/workbook.xml") {
			return workbookTables(name, zr)
		}
		if what := officeKind(zr); what != "" {
			return nil, &Error{File: name, Msg: what}
		}
		if !outer {
			return nil, &Error{File: name, Msg: "is a zip archive inside a zip archive: unzip them and give the ePCN workbook and epraccur.csv"}
		}
		return archiveTables(name, zr)
	}
	if what := sniff(b); what != "" {
		return nil, &Error{File: name, Msg: what}
	}
	t, err := csvTable(name, b)
	if err != nil {
		return nil, err
	}
	return []table{t}, nil
}

func workbookTables(name string, zr *zip.Reader) ([]table, error) {
	wb, err := readWorkbook(zr)
	if err != nil {
		return nil, &Error{File: name, Msg: err.Error()}
	}
	var out []table
	for _, l := range []struct {
		sheet string
		kind  tableKind
	}{{SheetPCNs, kindPCNs}, {SheetPartners, kindPartners}} {
		sheet := findSheet(wb.sheets, l.sheet)
		if sheet == "" {
			return nil, &Error{File: name, Msg: fmt.Sprintf("has no sheet %q (its sheets: %s)", l.sheet, quoteAll(wb.sheets))}
		}
		rows, err := wb.rows(sheet)
		if err != nil {
			return nil, &Error{File: name, Sheet: sheet, Msg: err.Error()}
		}
		t, err := headedTable(name, sheet, l.kind, rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// archiveTables reads the .xlsx and .csv files of a zip archive, as NHS
// England publishes them (ePCN.zip, epraccur.zip). What they unpack to is
// bounded in all by maxPart, whatever the archive claims.
func archiveTables(name string, zr *zip.Reader) ([]table, error) {
	var picked []*zip.File
	var found []string
	for _, f := range zr.File {
		base := path.Base(f.Name)
		if f.FileInfo().IsDir() || strings.HasPrefix(f.Name, "__MACOSX/") || strings.HasPrefix(base, "._") || base == ".DS_Store" {
			continue
		}
		found = append(found, f.Name)
		switch strings.ToLower(path.Ext(base)) {
		case ".xlsx", ".csv":
			picked = append(picked, f)
		}
	}
	switch {
	case len(picked) == 0:
		what := "no files"
		if len(found) > 0 {
			what = "found: " + quoteSome(found, maxFound)
		}
		return nil, &Error{File: name, Msg: fmt.Sprintf("is a zip archive with no .xlsx or .csv file in it (%s), %s", what, expected)}
	case len(picked) > maxArchived:
		return nil, &Error{File: name, Msg: fmt.Sprintf("is a zip archive of %d .xlsx and .csv files; at most %d are read from one archive: unzip it and give the files this importer needs", len(picked), maxArchived)}
	}
	budget := int64(maxPart)
	var out []table
	for _, f := range picked {
		inner := fmt.Sprintf("%s (in %s)", path.Base(f.Name), name)
		if f.UncompressedSize64 > uint64(budget) {
			return nil, &Error{File: inner, Msg: fmt.Sprintf("is too large: it unpacks to more than %s", sizeText(maxPart))}
		}
		b, err := unpack(f, budget)
		if err != nil {
			return nil, &Error{File: inner, Msg: "cannot be unpacked: " + err.Error()}
		}
		budget -= int64(len(b))
		ts, err := readFile(inner, b, false)
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	return out, nil
}

func unpack(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(newCapReader(rc, limit, "it"))
	if errors.Is(err, errTooLarge) {
		return nil, fmt.Errorf("it unpacks to more than %s", sizeText(limit))
	}
	return b, err
}

func hasFile(zr *zip.Reader, name string) bool {
	for _, f := range zr.File {
		if f.Name == name {
			return true
		}
	}
	return false
}

// officeKind names the zip-based document formats that are not an .xlsx
// workbook, or returns "".
func officeKind(zr *zip.Reader) string {
	const saveAs = ": open it in a spreadsheet and save it as an Excel workbook (.xlsx)"
	for _, f := range zr.File {
		if f.Name != "mimetype" {
			continue
		}
		b, _ := unpack(f, 128)
		switch mt := string(b); {
		case strings.HasPrefix(mt, "application/vnd.oasis.opendocument.spreadsheet"):
			return "is an OpenDocument spreadsheet (.ods), " + expected + saveAs
		case strings.HasPrefix(mt, "application/vnd.oasis.opendocument"):
			return "is an OpenDocument file, " + expected
		}
	}
	switch {
	case hasFile(zr, "word/document.xml"):
		return "is a Word document, " + expected
	case hasFile(zr, "ppt/presentation.xml"):
		return "is a PowerPoint presentation, " + expected
	case hasFile(zr, "[Content_Types].xml"):
		return "is an Office file but not an Excel workbook (it has no xl/workbook.xml), " + expected
	}
	return ""
}

// sniff names the kinds of file that are neither zip nor CSV, or returns
// "" for text, which is read as CSV.
func sniff(b []byte) string {
	head := b[:min(len(b), 1024)]
	text := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(string(head), "\ufeff")))
	switch {
	case bytes.HasPrefix(b, oleMagic):
		return "is an Excel 97-2003 workbook (.xls) or another old Office file, " + expected + ": open it in a spreadsheet and save it as an Excel workbook (.xlsx)"
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "is a PDF document, " + expected
	case bytes.HasPrefix(b, gzipMagic):
		return "is gzip-compressed, " + expected + ": unpack it first (gunzip)"
	case bytes.HasPrefix(b, []byte("7z\xbc\xaf\x27\x1c")), bytes.HasPrefix(b, []byte("Rar!\x1a\x07")):
		return "is a 7-Zip or RAR archive, " + expected + ": unpack it first"
	case strings.HasPrefix(text, "<!doctype html"), strings.HasPrefix(text, "<html"), strings.HasPrefix(text, "<head"):
		return "is a web page (HTML), not the data file, " + expected + ": download the file the page links to"
	case strings.HasPrefix(text, "<?xml") && strings.Contains(text, "urn:schemas-microsoft-com:office:spreadsheet"):
		return "is an Excel 2003 XML spreadsheet, " + expected + ": open it in a spreadsheet and save it as an Excel workbook (.xlsx)"
	case strings.HasPrefix(text, "<?xml"):
		return "is an XML file, " + expected
	}
	return ""
}

// quoteSome quotes the first n of ss, noting how many more there were.
func quoteSome(ss []string, n int) string {
	if len(ss) <= n {
		return quoteAll(ss)
	}
	return fmt.Sprintf("%s and %d more", quoteAll(ss[:n]), len(ss)-n)
}
