package site

import (
	"mime"
	"strings"
	"testing"
)

func TestAttachmentName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Leaflet.pdf", "Leaflet.pdf"},
		{"Flu clinic 2026.PDF", "Flu clinic 2026.pdf"},
		{`a"b;c<d>.pdf`, "a_b_c_d_.pdf"},
		{"../../etc/passwd", "_.._etc_passwd.pdf"},
		{"...pdf", "pdf.pdf"},
		{"", "document.pdf"},
		{"ééé.pdf", "document.pdf"},
		{"report\r\nSet-Cookie: x.pdf", "report__Set-Cookie_ x.pdf"},
		{strings.Repeat("a", 300) + ".pdf", strings.Repeat("a", 100) + ".pdf"},
	}
	for _, tt := range tests {
		if got := attachmentName(tt.in); got != tt.want {
			t.Errorf("attachmentName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzAttachmentName(f *testing.F) {
	for _, s := range []string{"Leaflet.pdf", `a"b;c.pdf`, "../x", "", "é.pdf", ". .pdf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := attachmentName(in)
		if !strings.HasSuffix(got, ".pdf") || len(got) > 104 || strings.HasPrefix(got, ".") || strings.HasPrefix(got, " ") {
			t.Fatalf("attachmentName(%q) = %q", in, got)
		}
		for _, r := range got {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._- ", r)) {
				t.Fatalf("attachmentName(%q) = %q holds %q", in, got, r)
			}
		}
		v := mime.FormatMediaType("attachment", map[string]string{"filename": got})
		if _, p, err := mime.ParseMediaType(v); err != nil || p["filename"] != got {
			t.Fatalf("%q does not round-trip: %v %q", v, err, p["filename"])
		}
	})
}
