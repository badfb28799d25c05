package admin

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseRedirectsCSV: an uploaded file, whatever it holds, is either
// read into redirects, each with the line it came from, or refused with a
// line number, never a panic or another kind of error.
func FuzzParseRedirectsCSV(f *testing.F) {
	for _, s := range []string{
		"from,to,status\n/a.html,/about,301\n", "\xef\xbb\xbf/a,/b\r\n/c,https://x.example/,302\r\n", "/a\n", "\"/a,/b\n",
		"/a,/b,307\n", "", "\n\n", "from\n", "/a,\"/b\nc\",301\n", "/a,/b,,\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, lines, err := parseRedirectsCSV(strings.NewReader(string(data)))
		if err != nil {
			var le *csvLineError
			if !errors.As(err, &le) || le.Line < 1 || le.Message == "" {
				t.Fatalf("error %v is not a csvLineError with a line", err)
			}
			return
		}
		if len(in) == 0 || len(in) != len(lines) {
			t.Fatalf("%d redirects, %d lines", len(in), len(lines))
		}
		for i, x := range in {
			if lines[i] < 1 || (i > 0 && lines[i] <= lines[i-1]) {
				t.Fatalf("line numbers %v", lines)
			}
			if x.Status != 0 && x.Status != 301 && x.Status != 302 {
				t.Fatalf("status %d", x.Status)
			}
		}
	})
}
