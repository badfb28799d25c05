package feedbackcsv

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
)

func TestSafe(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"Very good", "Very good"},
		{"=HYPERLINK(\"http://evil.example\",\"x\")", "'=HYPERLINK(\"http://evil.example\",\"x\")"},
		{"+44 20 7946 0000", "'+44 20 7946 0000"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tcmd", "'\tcmd"},
		{"\rcmd", "'\rcmd"},
		{"  =1+1", "'  =1+1"},
		{"a=1", "a=1"},
		{"'quoted", "'quoted"},
		{"Don't know", "Don't know"},
	} {
		if got := Safe(tt.in); got != tt.want {
			t.Errorf("Safe(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWriterWritesHeaderBOMAndCRLF(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	when := time.Date(2026, 7, 1, 8, 5, 0, 0, time.UTC) // 09:05 in London (BST)
	if err := w.Write(Row{Received: when, Form: "Friends and Family Test", Answer: "Very good", Practice: "Highbury Surgery",
		Text: "Kind staff,\nquick \"service\"", ReplyTo: "=cmd|' /C calc'!A0"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := BOM + "Received (UK time),Form,Answer,Practice,Service,Text,Name,Reply to\r\n" +
		"01/07/2026 09:05,Friends and Family Test,Very good,Highbury Surgery,,\"Kind staff,\r\nquick \"\"service\"\"\",,'=cmd|' /C calc'!A0\r\n"
	if got := b.String(); got != want {
		t.Errorf("CSV:\n%q\nwant\n%q", got, want)
	}
}

func TestWriterWithNoRowsWritesTheHeader(t *testing.T) {
	var b bytes.Buffer
	if err := NewWriter(&b).Flush(); err != nil {
		t.Fatal(err)
	}
	if want := BOM + strings.Join(Header, ",") + "\r\n"; b.String() != want {
		t.Errorf("CSV %q, want %q", b.String(), want)
	}
}

func TestNamesRow(t *testing.T) {
	practice, service := int64(7), int64(9)
	deleted := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	n := Names{Practices: map[int64]string{7: "Highbury Surgery"}, Services: map[int64]string{9: "Social prescribing"}, RetentionMonths: 12}
	for _, tt := range []struct {
		name string
		in   models.FeedbackResponse
		want Row
	}{
		{"fft about a practice", models.FeedbackResponse{Form: models.FormFFT, Rating: models.RatingDontKnow, PracticeID: &practice, Text: "ok"},
			Row{Form: "Friends and Family Test", Answer: "Don't know", Practice: "Highbury Surgery", Text: "ok"}},
		{"comments about a service", models.FeedbackResponse{Form: models.FormComments, ServiceID: &service, Text: "thanks"},
			Row{Form: "Comments", Service: "Social prescribing", Text: "thanks"}},
		{"contact", models.FeedbackResponse{Form: models.FormContact, Name: "Sam", ReplyTo: "sam@example.org", Text: "hello"},
			Row{Form: "Contact the PCN team", Name: "Sam", ReplyTo: "sam@example.org", Text: "hello"}},
		{"text deleted", models.FeedbackResponse{Form: models.FormFFT, Rating: models.RatingPoor, TextDeletedAt: &deleted},
			Row{Form: "Friends and Family Test", Answer: "Poor", Text: "(deleted after 12 months)", TextDeleted: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := n.Row(tt.in); got != tt.want {
				t.Errorf("Row = %+v\nwant  %+v", got, tt.want)
			}
		})
	}
	if got := DeletedText(1); got != "(deleted after 1 month)" {
		t.Errorf("DeletedText(1) = %q", got)
	}
}

// FuzzWriter writes any cells and reads them back: the CSV parses, has
// the header and the row, every cell reads back as written (carriage
// returns aside, which CRLF line endings cannot keep) after Safe, and no
// cell starts as a formula.
func FuzzWriter(f *testing.F) {
	for _, seed := range [][2]string{
		{"=1+1", "plain"},
		{"+cmd", "-2"},
		{"@SUM(A1)", "\t=x"},
		{"\r\n=x", "a,b\"c\nd"},
		{" =spaced", "'"},
		{"", "\ufeff=bom"},
		{"\\.", "\xff\xfe"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		var buf bytes.Buffer
		w := NewWriter(&buf)
		cells := []string{a, b, "x", a + b, "", b, a, "y"}
		if err := w.WriteCells(cells); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		out, ok := strings.CutPrefix(buf.String(), BOM)
		if !ok {
			t.Fatal("no byte order mark")
		}
		r := csv.NewReader(strings.NewReader(out))
		records, err := r.ReadAll()
		if err != nil {
			t.Fatalf("the CSV does not parse: %v\n%q", err, out)
		}
		if len(records) != 2 {
			t.Fatalf("%d records, want the header and one row:\n%q", len(records), out)
		}
		for i, got := range records[1] {
			want := strings.ReplaceAll(Safe(cells[i]), "\r", "")
			if got != want {
				t.Errorf("cell %d reads back %q, want %q", i, got, want)
			}
			if s := strings.TrimLeft(got, " "); s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
				t.Errorf("cell %d starts as a formula: %q", i, got)
			}
		}
	})
}
