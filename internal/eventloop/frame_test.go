package eventloop

import (
	"bufio"
	"bytes"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

func TestFrame(t *testing.T) {
	const max = 8192
	get := "GET /about HTTP/1.1\r\nHost: a.example\r\n\r\n"
	cases := []struct {
		name   string
		in     string
		wantN  int
		wantOK bool
	}{
		{"a plain GET", get, len(get), true},
		{"a plain GET, then the next request", get + "GET /", len(get), true},
		{"half a head: wait", get[:20], 0, true},
		{"a head up to its last CR: wait", get[:len(get)-1], 0, true},
		{"nothing yet of the second line: wait", "GET / HTTP/1.1\r\n", 0, true},
		{"a POST", "POST /about HTTP/1.1\r\nHost: a.example\r\n\r\n", 0, false},
		{"a HEAD", "HEAD /about HTTP/1.1\r\nHost: a.example\r\n\r\n", 0, false},
		{"an absolute-form target", "GET http://a.example/ HTTP/1.1\r\nHost: a.example\r\n\r\n", 0, false},
		{"bare LF line ends", "GET / HTTP/1.1\nHost: a.example\n\n", 0, false},
		{"bare LF, unfinished", "GET / HTTP/1.1\nHost: a", 0, false},
		{"a bare CR", "GET / HTTP/1.1\rHost: a.example\r\n\r\n", 0, false},
		{"a NUL", "GET / HTTP/1.1\r\nHost: a.ex\x00ample\r\n\r\n", 0, false},
		{"a folded header line", "GET / HTTP/1.1\r\nHost: a.example\r\nX-A: 1\r\n 2\r\n\r\n", 0, false},
		{"a Content-Length", "GET / HTTP/1.1\r\nHost: a.example\r\nContent-Length: 0\r\n\r\n", 0, false},
		{"a Content-Length in odd case, space before colon", "GET / HTTP/1.1\r\nHost: a.example\r\ncontent-LENGTH : 3\r\n\r\nabc", 0, false},
		{"a Transfer-Encoding", "GET / HTTP/1.1\r\nHost: a.example\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0, false},
		{"too long a head", "GET / HTTP/1.1\r\nX: " + strings.Repeat("a", max) + "\r\n\r\n", 0, false},
		{"too long and unfinished", "GET / HTTP/1.1\r\nX: " + strings.Repeat("a", max), 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, ok := Frame([]byte(c.in), max)
			if n != c.wantN || ok != c.wantOK {
				t.Errorf("Frame(%q) = %d, %v; want %d, %v", c.in, n, ok, c.wantN, c.wantOK)
			}
		})
	}
}

// FuzzFrame: whatever the bytes, a head Frame would let the loop answer is
// one fasthttp reads the same way: a GET, no body, ending where Frame says.
func FuzzFrame(f *testing.F) {
	for _, s := range []string{
		"GET /about HTTP/1.1\r\nHost: a.example\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc",
		"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"GET / HTTP/1.1\nHost: a\n\nGET / HTTP/1.1\r\n\r\n",
		"GET /?q=1 HTTP/1.0\r\nHost: a\r\nConnection: close\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n\tb\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		n, ok := Frame(in, 8192)
		if !ok || n == 0 {
			return
		}
		if n > len(in) || !bytes.HasSuffix(in[:n], headEnd) || bytes.Count(in[:n], headEnd) != 1 {
			t.Fatalf("Frame(%q) = %d: not a head ending at its first CRLF CRLF", in, n)
		}
		// fasthttp reading the whole input, as the server would.
		var req fasthttp.Request
		br := bufio.NewReaderSize(bytes.NewReader(in), 16<<10)
		if err := req.Read(br); err != nil {
			return // fasthttp refuses it: answer then hands it over, as the parser did not agree
		}
		if !req.Header.IsGet() {
			t.Fatalf("Frame(%q) = %d, but fasthttp reads method %q", in, n, req.Header.Method())
		}
		if len(req.Body()) != 0 {
			t.Fatalf("Frame(%q) = %d, but fasthttp reads a body %q", in, n, req.Body())
		}
		if rest := len(in) - br.Buffered(); rest != n {
			t.Fatalf("Frame(%q) = %d, but fasthttp's request took %d bytes", in, n, rest)
		}
	})
}
