package e2e

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/demo"
)

// TestImageUploadsKeepTheServerUnder512MiB uploads four images at once to
// a real `pcnweb serve --demo` process, twice: a 6000 × 6600 PNG of about
// 100 KB (the file that took 900 MiB and 11.7 s, refused now from its
// header) and a 4000 × 6000 one (24 megapixels, the most accepted, really
// decoded). No upload may get a 5xx other than the 503 "try again" answer,
// and the process's peak resident memory (VmHWM) must stay under 512 MiB.
// PCNWEB_E2E_UPLOADS sets how many go at once (to measure an older
// release safely with fewer).
func TestImageUploadsKeepTheServerUnder512MiB(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs Linux's /proc to read the server's memory")
	}
	n := 4
	if v := os.Getenv("PCNWEB_E2E_UPLOADS"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	s, err := startServerWith(binPath, []string{"serve", "--demo"}, false, "PCNWEB_DATA_DIR="+t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := s.stop(); err != nil {
			t.Error(err)
		}
		if t.Failed() {
			t.Logf("server output:\n%s", s.logs.String())
		}
	}()
	pid := s.cmd.Process.Pid
	start := procMemory(t, pid)
	t.Logf("server started: VmRSS %d MiB", start.rss>>20)
	a := signInOverHTTP(t, s, demo.Accounts[0].Email, demo.DefaultPassword)

	tests := []struct {
		name      string
		w, h      int
		accepted  bool   // decoded and stored (at least one of the uploads)
		refusal   string // else: what every upload is told
		maxStatus int
	}{
		{"6000 × 6600 PNG", 6000, 6600, false, "6000 × 6600 pixels, which is too large", http.StatusUnprocessableEntity},
		{"4000 × 6000 PNG (24 MP)", 4000, 6000, true, "", 0},
	}
	for _, tt := range tests {
		file := testPNGStream(t, tt.w, tt.h)
		t.Logf("%s: %d bytes", tt.name, len(file))
		statuses := make([]int, n)
		bodies := make([]string, n)
		retry := make([]string, n)
		begin := time.Now()
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				statuses[i], bodies[i], retry[i] = a.upload(t, fmt.Sprintf("plan-%d.png", i), file)
			})
		}
		wg.Wait()
		took := time.Since(begin)
		stored := 0
		for i, st := range statuses {
			switch {
			case st == http.StatusSeeOther && tt.accepted:
				stored++
			case st == http.StatusServiceUnavailable:
				if retry[i] == "" || !strings.Contains(bodies[i], "Wait a few seconds and try again") {
					t.Errorf("%s #%d: 503 without Retry-After (%q) or the try-again message", tt.name, i, retry[i])
				}
			case st == tt.maxStatus && !tt.accepted && strings.Contains(bodies[i], tt.refusal):
			default:
				t.Errorf("%s #%d: status %d\n%.600s", tt.name, i, st, bodies[i])
			}
		}
		if tt.accepted && stored == 0 {
			t.Errorf("%s: none of the %d uploads was stored: %v", tt.name, n, statuses)
		}
		m := procMemory(t, pid)
		t.Logf("%s ×%d: statuses %v in %v; peak VmHWM %d MiB, VmRSS now %d MiB", tt.name, n, statuses, took.Round(time.Millisecond), m.hwm>>20, m.rss>>20)
	}
	// The memory is given back, not kept at the peak.
	time.Sleep(2 * time.Second)
	m := procMemory(t, pid)
	t.Logf("after the uploads: VmRSS %d MiB, peak VmHWM %d MiB", m.rss>>20, m.hwm>>20)
	if m.hwm >= 512<<20 {
		t.Errorf("the server's peak resident memory was %d MiB, want under 512 MiB", m.hwm>>20)
	}
	if m.rss > start.rss+160<<20 {
		t.Errorf("2 s after the uploads the server still holds %d MiB (it started at %d MiB): the memory was not given back", m.rss>>20, start.rss>>20)
	}
}

type memory struct{ rss, hwm int64 }

// procMemory reads a process's resident memory and its peak from
// /proc/<pid>/status.
func procMemory(t *testing.T, pid int) memory {
	t.Helper()
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var m memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			m.rss = kb << 10
		case "VmHWM":
			m.hwm = kb << 10
		}
	}
	if m.hwm == 0 {
		t.Fatalf("no VmHWM in /proc/%d/status", pid)
	}
	return m
}

// testPNGStream is a w×h RGB PNG written a row at a time (the test never
// holds the picture): a horizontal gradient with a band every 100 rows,
// which compresses to about 100 KB at 6000 × 6600.
func testPNGStream(t *testing.T, w, h int) []byte {
	t.Helper()
	var idat bytes.Buffer
	z, _ := zlib.NewWriterLevel(&idat, zlib.BestCompression)
	row, prev, line := make([]byte, 3*w), make([]byte, 3*w), make([]byte, 1+3*w)
	for y := range h {
		for x := range w {
			row[3*x], row[3*x+1], row[3*x+2] = byte(x*255/w), byte(y/100*40), 160
		}
		line[0] = 2 // PNG's Up filter: each byte less the one above
		for i := range row {
			line[1+i] = row[i] - prev[i]
		}
		if _, err := z.Write(line); err != nil {
			t.Fatal(err)
		}
		row, prev = prev, row
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	chunk := func(out *bytes.Buffer, typ string, data []byte) {
		_ = binary.Write(out, binary.BigEndian, uint32(len(data)))
		c := append([]byte(typ), data...)
		out.Write(c)
		_ = binary.Write(out, binary.BigEndian, crc32.ChecksumIEEE(c))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB, not interlaced
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk(&out, "IHDR", ihdr)
	chunk(&out, "IDAT", idat.Bytes())
	chunk(&out, "IEND", nil)
	return out.Bytes()
}

// adminHTTP is a signed-in admin panel session over net/http, keeping the
// tenant host's cookies by hand (*.localhost needs no DNS then).
type adminHTTP struct {
	s       *server
	host    string
	mu      sync.Mutex
	cookies map[string]string
	client  *http.Client
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (a *adminHTTP) do(t *testing.T, method, path, contentType string, body io.Reader) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+a.s.addr+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = a.host
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	a.mu.Lock()
	for k, v := range a.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	a.mu.Unlock()
	resp, err := a.client.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return 0, nil, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a.mu.Lock()
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(a.cookies, c.Name)
		} else {
			a.cookies[c.Name] = c.Value
		}
	}
	a.mu.Unlock()
	return resp.StatusCode, resp.Header, string(b)
}

func (a *adminHTTP) csrf(t *testing.T, path string) string {
	t.Helper()
	st, _, body := a.do(t, http.MethodGet, path, "", nil)
	m := csrfRE.FindStringSubmatch(body)
	if st != http.StatusOK || m == nil {
		t.Fatalf("GET %s: %d, no form token\n%.600s", path, st, body)
	}
	return html.UnescapeString(m[1])
}

// signInOverHTTP signs in to highfives' admin panel.
func signInOverHTTP(t *testing.T, s *server, email, password string) *adminHTTP {
	t.Helper()
	a := &adminHTTP{s: s, host: s.host("highfives"), cookies: map[string]string{}, client: &http.Client{
		Timeout:       2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	form := url.Values{"_csrf": {a.csrf(t, "/admin/sign-in")}, "email": {email}, "password": {password}}
	st, h, body := a.do(t, http.MethodPost, "/admin/sign-in", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if st != http.StatusSeeOther || h.Get("Location") != "/admin" {
		t.Fatalf("sign in as %s: %d to %q\n%.600s", email, st, h.Get("Location"), body)
	}
	return a
}

// upload sends the upload form with the file, as a browser does.
func (a *adminHTTP) upload(t *testing.T, name string, data []byte) (status int, body, retryAfter string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("_csrf", a.csrf(t, "/admin/media/new"))
	_ = w.WriteField("alt", "A floor plan of the surgery")
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = w.Close()
	st, h, body := a.do(t, http.MethodPost, "/admin/media/new", w.FormDataContentType(), &b)
	return st, body, h.Get("Retry-After")
}
