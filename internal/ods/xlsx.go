package ods

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// maxPart bounds how much of one workbook part is decompressed, so a small
// malicious file cannot expand without limit.
const maxPart = 256 << 20

// sheetRow is one row of a sheet or CSV file: its 1-based number as the
// file shows it and its cells, "" where a cell is empty or missing.
type sheetRow struct {
	num   int
	cells []string
}

// workbook is the part of an .xlsx file the importer reads: its sheets by
// name, each parsed when asked for.
type workbook struct {
	zr      *zip.Reader
	sheets  []string          // names in workbook order
	targets map[string]string // sheet name → part path inside the zip
	strings []string          // shared strings
}

const (
	nsRel   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	relShSt = "/sharedStrings"
)

// openWorkbook reads the workbook's sheet list, its relationships and its
// shared strings (the standard library only: archive/zip and encoding/xml).
func openWorkbook(r io.ReaderAt, size int64) (*workbook, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("not an .xlsx workbook: %w", err)
	}
	return readWorkbook(zr)
}

// readWorkbook is openWorkbook for a zip already open.
func readWorkbook(zr *zip.Reader) (*workbook, error) {
	wb := &workbook{zr: zr, targets: map[string]string{}}
	var book struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := wb.decodePart("xl/workbook.xml", &book); err != nil {
		return nil, err
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := wb.decodePart("xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, err
	}
	byID := map[string]string{}
	sharedPart := ""
	for _, r := range rels.Rels {
		target := r.Target
		if strings.HasPrefix(target, "/") {
			target = strings.TrimPrefix(target, "/")
		} else {
			target = path.Join("xl", target)
		}
		byID[r.ID] = target
		if strings.HasSuffix(r.Type, relShSt) {
			sharedPart = target
		}
	}
	for _, s := range book.Sheets {
		target, ok := byID[s.RID]
		if !ok {
			return nil, fmt.Errorf("sheet %q has no part in the workbook", s.Name)
		}
		wb.sheets = append(wb.sheets, s.Name)
		wb.targets[s.Name] = target
	}
	if sharedPart != "" {
		f, err := wb.open(sharedPart)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if wb.strings, err = readSharedStrings(f); err != nil {
			return nil, fmt.Errorf("%s: %w", sharedPart, err)
		}
	}
	return wb, nil
}

func (wb *workbook) open(name string) (io.ReadCloser, error) {
	f, err := wb.zr.Open(name)
	if err != nil {
		return nil, fmt.Errorf("the workbook has no %s: %w", name, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{newCapReader(f, maxPart, name), f}, nil
}

// capReader reads at most left bytes and then fails, rather than cutting
// the text short (which would read as a malformed part, not a huge one).
type capReader struct {
	r         io.Reader
	max, left int64
	name      string
}

func newCapReader(r io.Reader, max int64, name string) *capReader {
	return &capReader{r: r, max: max, left: max, name: name}
}

// errTooLarge is wrapped by the error a capReader returns.
var errTooLarge = errors.New("too large")

func (c *capReader) Read(p []byte) (int, error) {
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	if c.left -= int64(n); c.left < 0 {
		return 0, fmt.Errorf("%s is %w: it unpacks to more than %s", c.name, errTooLarge, sizeText(c.max))
	}
	return n, err
}

func (wb *workbook) decodePart(name string, v any) error {
	f, err := wb.open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := xml.NewDecoder(f).Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// rows parses one sheet by name.
func (wb *workbook) rows(sheet string) ([]sheetRow, error) {
	target, ok := wb.targets[sheet]
	if !ok {
		return nil, errNoSheet
	}
	f, err := wb.open(target)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := readSheet(f, wb.strings)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", target, err)
	}
	return rows, nil
}

var errNoSheet = errors.New("no such sheet")

// readSharedStrings reads sharedStrings.xml: each <si> is plain (<t>) or
// rich text (runs of <r><t>), whose texts join; phonetic runs (<rPh>) are
// not part of the value.
func readSharedStrings(r io.Reader) ([]string, error) {
	d := xml.NewDecoder(r)
	var (
		out     []string
		cur     strings.Builder
		inSI    bool
		inT     bool
		phonDep int
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI = true
				cur.Reset()
			case "rPh":
				phonDep++
			case "t":
				inT = inSI && phonDep == 0
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				out = append(out, cur.String())
				inSI = false
			case "rPh":
				phonDep--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				cur.Write(t)
			}
		}
	}
}

// readSheet reads a worksheet part. Cells carry their reference ("C12"),
// which may skip columns and rows; a missing reference means the next
// column (or row). Values: t="s" shared string index, t="inlineStr" an
// <is> element, t="b" boolean, anything else the text of <v>.
func readSheet(r io.Reader, shared []string) ([]sheetRow, error) {
	d := xml.NewDecoder(r)
	var (
		rows    []sheetRow
		row     *sheetRow
		rowNum  int
		col     int
		typ     string
		val     strings.Builder
		inValue bool
		inCell  bool
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				n := rowNum + 1
				if v := attr(t, "r"); v != "" {
					if n, err = strconv.Atoi(v); err != nil || n <= rowNum || n > 1<<20 {
						return nil, fmt.Errorf("row %q is out of order or not a number", v)
					}
				}
				rowNum = n
				rows = append(rows, sheetRow{num: n})
				row = &rows[len(rows)-1]
				col = -1
			case "c":
				if row == nil {
					return nil, errors.New("a cell outside a row")
				}
				next := col + 1
				if ref := attr(t, "r"); ref != "" {
					c, rn, err := parseCellRef(ref)
					if err != nil {
						return nil, err
					}
					if rn != 0 && rn != row.num {
						return nil, fmt.Errorf("cell %s is not in row %d", ref, row.num)
					}
					if c < next {
						return nil, fmt.Errorf("cell %s is out of order", ref)
					}
					next = c
				}
				if next >= maxColumns {
					return nil, fmt.Errorf("row %d has more than %d columns", row.num, maxColumns)
				}
				col = next
				typ = attr(t, "t")
				val.Reset()
				inCell = true
			case "v", "t":
				inValue = inCell
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "c":
				if !inCell {
					continue
				}
				inCell = false
				s, err := cellValue(typ, val.String(), shared)
				if err != nil {
					return nil, fmt.Errorf("row %d: %w", row.num, err)
				}
				for len(row.cells) < col {
					row.cells = append(row.cells, "")
				}
				row.cells = append(row.cells, s)
			case "v", "t":
				inValue = false
			case "row":
				row = nil
			}
		case xml.CharData:
			if inValue {
				val.Write(t)
			}
		}
	}
}

// maxColumns is far more than any ODS layout has; it bounds memory on bad input.
const maxColumns = 1024

func cellValue(typ, raw string, shared []string) (string, error) {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil || i < 0 || i >= len(shared) {
			return "", fmt.Errorf("shared string %q does not exist", raw)
		}
		return shared[i], nil
	case "b":
		if strings.TrimSpace(raw) == "1" {
			return "TRUE", nil
		}
		return "FALSE", nil
	default: // n, str, inlineStr, e, d
		return raw, nil
	}
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// parseCellRef splits "AB12" into the 0-based column 27 and row 12. The row
// part may be absent (it is then 0).
func parseCellRef(ref string) (col, row int, err error) {
	i := 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' {
		col = col*26 + int(ref[i]-'A'+1)
		i++
		if i > 3 {
			return 0, 0, fmt.Errorf("cell reference %q is not valid", ref)
		}
	}
	if i == 0 {
		return 0, 0, fmt.Errorf("cell reference %q is not valid", ref)
	}
	if i < len(ref) {
		row, err = strconv.Atoi(ref[i:])
		if err != nil || row <= 0 {
			return 0, 0, fmt.Errorf("cell reference %q is not valid", ref)
		}
	}
	return col - 1, row, nil
}

// columnName turns a 0-based column index into its letters ("A", "AB").
func columnName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// sizeText writes a byte count for a message: "256 MB", "900 bytes".
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
