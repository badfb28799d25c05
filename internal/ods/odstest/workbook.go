package odstest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
)

// The header rows of the ePCN workbook's two sheets as the April 2022
// workbook has them: the sub-ICB columns are named after the Clinical
// Commissioning Groups they then were ("Current Clinical Commissioning
// Group Code"/"…Name"), in the same positions as in the 2023 layout.
var (
	CCGPCNHeader     = []string{"PCN Code", "PCN Name", "Current Clinical Commissioning Group Code", "Current Clinical Commissioning Group Name", "Open Date", "Close Date", "Address Line 1", "Address Line 2", "Address Line 3", "Address Line 4", "Address Line 5", "Postcode"}
	CCGPartnerHeader = []string{"Partner\nOrganisation\nCode", "Partner\nName", "Practice\nParent\nCCG Code", "Practice\nParent\nCCG Name", "PCN Code", "PCN Name", "PCN Parent\nCCG Code", "PCN Parent\nCCG Name", "Practice to PCN\nRelationship\nStart Date", "Practice to PCN\nRelationship\nEnd Date", "Practice CCG and PCN CCG Match"}
)

// Workbook builds an .xlsx file of the named sheets (in order), each a
// list of rows of cells; cells are inline strings and empty cells are left
// out, as spreadsheet programs do.
func Workbook(t testing.TB, sheets map[string][][]string, order ...string) []byte {
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
		var e bytes.Buffer
		_ = xml.EscapeText(&e, []byte(name))
		fmt.Fprintf(&book, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, e.String(), i+1, i+1)
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
				fmt.Fprintf(&s, `<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>`, column(c), r+1, e.String())
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

// column turns a 0-based column index into its letters ("A", "AB").
func column(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}
