package admin_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/media"
	"github.com/pcnweb/pcnweb/models"
)

// newMediaServer is newServer with a media Storage in a temporary
// directory, handed to the panel and the public site as serve.go does.
func newMediaServer(t *testing.T) (*server, string) {
	t.Helper()
	s := newServer(t, options{})
	return s, s.mediaDir
}

// testMediaFile is a file to upload.
type testMediaFile struct {
	name string
	data []byte
}

// postMultipart sends a multipart/form-data form, as a browser sends the
// upload form, with the browser's cookies.
func (b *browser) postMultipart(t *testing.T, host, path string, fields url.Values, file *testMediaFile) response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	if file != nil {
		fw, err := w.CreateFormFile("file", file.name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(file.data)
	}
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Host = host
	req.Header.Set("Content-Type", w.FormDataContentType())
	for _, c := range b.jar[host] {
		if strings.HasPrefix(path, c.Path) {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	resp, err := b.s.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(raw), resp.Cookies()}
}

// testMediaPhoto is a w×h JPEG carrying EXIF GPS data, as a phone's photo
// does.
func testMediaPhoto(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{R: uint8(x), G: uint8(y), B: 128, A: 255})
		}
	}
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, img, nil); err != nil {
		t.Fatal(err)
	}
	// An APP1 Exif block: IFD0 with a GPSInfo pointer, and a GPS IFD with
	// the latitude reference and a processing method naming the place.
	var tiff bytes.Buffer
	put := func(vs ...any) {
		for _, v := range vs {
			_ = binary.Write(&tiff, binary.BigEndian, v)
		}
	}
	tiff.WriteString("MM")
	put(uint16(42), uint32(8))
	put(uint16(1), uint16(0x8825), uint16(4), uint32(1), uint32(26), uint32(0))
	put(uint16(2), uint16(1), uint16(2), uint32(2))
	tiff.WriteString("N\x00\x00\x00")
	put(uint16(0x1b), uint16(7), uint32(len(testMediaPlace)), uint32(56), uint32(0))
	tiff.WriteString(testMediaPlace)
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(plain.Bytes()[:2])
	out.Write([]byte{0xff, 0xe1})
	_ = binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(plain.Bytes()[2:])
	return out.Bytes()
}

const testMediaPlace = "GPS 53.7997N 1.5492W"

func testMediaPNGFile(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var testMediaPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// upload opens the upload form and sends it.
func (b *browser) uploadMedia(t *testing.T, host string, fields url.Values, file *testMediaFile) response {
	t.Helper()
	form := b.get(t, host, "/admin/media/new")
	if form.status != http.StatusOK {
		t.Fatalf("GET upload form: %d\n%s", form.status, form.body)
	}
	if !strings.Contains(form.body, `enctype="multipart/form-data"`) {
		t.Error("the upload form is not multipart")
	}
	if fields == nil {
		fields = url.Values{}
	}
	fields.Set("_csrf", csrf(t, form.body))
	return b.postMultipart(t, host, "/admin/media/new", fields, file)
}

// testMediaFiles lists the files under the store's directory.
func testMediaFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func TestMediaUploadImagesAndPDFs(t *testing.T) {
	s, dir := newMediaServer(t)
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	store := s.db.ForTenant(context.Background(), tn.ID)
	public := s.browser()

	// A phone photo, 1200 pixels wide, with GPS data in its EXIF block.
	r := b.uploadMedia(t, host, url.Values{"alt": {"The entrance to Fivefields surgery"}}, &testMediaFile{"IMG_0001.jpg", testMediaPhoto(t, 1200, 600)})
	if r.status != http.StatusSeeOther || r.location() != "/admin/media?done=uploaded" {
		t.Fatalf("upload JPEG: %d %q\n%s", r.status, r.location(), r.body)
	}
	items, _ := store.AllMedia()
	if len(items) != 1 {
		t.Fatalf("%d items after one upload", len(items))
	}
	photo := items[0]
	id := strconv.FormatInt(photo.ID, 10)
	prefix := strconv.FormatInt(tn.ID, 10) + "/" + id + "/"
	if got, want := testMediaFiles(t, dir), []string{prefix + "1024.jpg", prefix + "1200.jpg", prefix + "320.jpg", prefix + "640.jpg"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("stored files %v, want %v", got, want)
	}
	list := b.get(t, host, r.location())
	for _, want := range []string{"Your file has been uploaded", "![The entrance to Fivefields surgery](/media/" + id + "/1200.jpg)", `<img src="/media/` + id + `/320.jpg"`, "IMG_0001.jpg", "1200 × 600 pixels"} {
		if !strings.Contains(list.body, want) {
			t.Errorf("the list lacks %q:\n%s", want, list.body)
		}
	}

	// Every width is served with the right headers, without the EXIF data.
	for _, w := range []int{320, 640, 1024, 1200} {
		r := public.get(t, host, "/media/"+id+"/"+strconv.Itoa(w)+".jpg")
		if r.status != http.StatusOK {
			t.Fatalf("GET %d.jpg: %d", w, r.status)
		}
		for k, v := range map[string]string{"Content-Type": "image/jpeg", "X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=31536000, immutable"} {
			if got := r.header.Get(k); got != v {
				t.Errorf("%d.jpg: %s %q, want %q", w, k, got, v)
			}
		}
		if r.header.Get("Cache-Status") != "" {
			t.Errorf("%d.jpg went through the page cache: %s", w, r.header.Get("Cache-Status"))
		}
		cfg, err := jpeg.DecodeConfig(strings.NewReader(r.body))
		if err != nil || cfg.Width != w {
			t.Errorf("%d.jpg is %d wide (%v)", w, cfg.Width, err)
		}
		if strings.Contains(r.body, "Exif") || strings.Contains(r.body, testMediaPlace) {
			t.Errorf("%d.jpg still carries the EXIF block", w)
		}
	}
	if r := public.get(t, host, "/media/"+id+"/1600.jpg"); r.status != http.StatusNotFound {
		t.Errorf("a width that was never stored (never upscaled): %d", r.status)
	}

	// The Markdown pasted into a page becomes a responsive image.
	if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About us", BodyMD: "![The entrance to Fivefields surgery](/media/" + id + "/1200.jpg)"}); err != nil {
		t.Fatal(err)
	}
	page := public.get(t, host, "/about")
	if want := `srcset="/media/` + id + `/320.jpg 320w, /media/` + id + `/640.jpg 640w, /media/` + id + `/1024.jpg 1024w, /media/` + id + `/1200.jpg 1200w"`; !strings.Contains(page.body, want) {
		t.Errorf("the page lacks %s:\n%s", want, page.body)
	}

	// A PNG keeps its format; a PDF is stored as it is and served inline.
	r = b.uploadMedia(t, host, url.Values{"alt": {"Map of the car park"}}, &testMediaFile{"map.png", testMediaPNGFile(t, 500, 300)})
	if r.status != http.StatusSeeOther {
		t.Fatalf("upload PNG: %d\n%s", r.status, r.body)
	}
	r = b.uploadMedia(t, host, url.Values{"title": {"Annual report 2025"}}, &testMediaFile{`C:\Users\jane\annual "report".pdf`, testMediaPDF})
	if r.status != http.StatusSeeOther {
		t.Fatalf("upload PDF: %d\n%s", r.status, r.body)
	}
	items, _ = store.AllMedia()
	if len(items) != 3 || items[0].Kind != models.MediaPDF || items[1].Widths != "320,500" {
		t.Fatalf("items %+v", items)
	}
	pdfID := strconv.FormatInt(items[0].ID, 10)
	list = b.get(t, host, "/admin/media")
	for _, want := range []string{"[Annual report 2025 (PDF, " + strconv.Itoa(len(testMediaPDF)) + " bytes)](/media/" + pdfID + "/file.pdf)", "![Map of the car park](/media/" + strconv.FormatInt(items[1].ID, 10) + "/500.png)"} {
		if !strings.Contains(list.body, want) {
			t.Errorf("the list lacks %q", want)
		}
	}
	pdf := public.get(t, host, "/media/"+pdfID+"/file.pdf")
	if pdf.status != http.StatusOK || pdf.body != string(testMediaPDF) || pdf.header.Get("Content-Type") != "application/pdf" ||
		pdf.header.Get("Content-Disposition") != `attachment; filename="annual -report-.pdf"` || pdf.header.Get("X-Content-Type-Options") != "nosniff" ||
		pdf.header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("PDF: %d %v", pdf.status, pdf.header)
	}
	if got := auditActions(t, s, tn); strings.Count(strings.Join(got, " "), "media.upload") != 3 {
		t.Errorf("audit log %v, want three media.upload", got)
	}
}

var testMediaErrorRE = regexp.MustCompile(`(?s)<span class="nhsuk-error-message" id="([a-z]+)-error"><span class="nhsuk-u-visually-hidden">Error:</span> ([^<]*)</span>`)

func TestMediaUploadRefusals(t *testing.T) {
	s, dir := newMediaServer(t)
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")

	bigJPEG := append(testMediaPhoto(t, 16, 16), make([]byte, media.MaxImageBytes)...)
	bigPDF := append(append([]byte{}, testMediaPDF...), make([]byte, media.MaxPDFBytes)...)
	tests := []struct {
		name    string
		alt     string
		file    *testMediaFile
		field   string
		message string
	}{
		{"no file", "A photo", nil, "file", "Select an image or PDF to upload"},
		{"HTML named .jpg", "A photo", &testMediaFile{"photo.jpg", []byte("<!doctype html><script>alert(1)</script>")}, "file", "The selected file must be a JPEG, PNG, WebP or GIF image, or a PDF"},
		{"SVG", "A logo", &testMediaFile{"logo.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}, "file", "The selected file must be a JPEG, PNG, WebP or GIF image, or a PDF"},
		{"image over 10 MB", "A photo", &testMediaFile{"big.jpg", bigJPEG}, "file", "The selected image must be smaller than 10 MB"},
		{"PDF over 20 MB", "", &testMediaFile{"big.pdf", bigPDF}, "file", "The selected PDF must be smaller than 20 MB"},
		{"image without alt text", "  ", &testMediaFile{"photo.jpg", testMediaPhoto(t, 40, 30)}, "alt", "Enter alt text: describe the image for people who cannot see it"},
		{"PNG of 6000 × 6600 pixels", "A plan", &testMediaFile{"plan.png", testMediaPNGClaiming(t, 6000, 6600)}, "file", "The selected image is 6000 × 6600 pixels, which is too large: make it at most 4670 × 5138 pixels and upload it again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.uploadMedia(t, host, url.Values{"alt": {tt.alt}}, tt.file)
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422\n%s", r.status, r.body)
			}
			m := testMediaErrorRE.FindStringSubmatch(r.body)
			if m == nil || m[1] != tt.field || m[2] != tt.message {
				t.Errorf("error next to the field: %q, want %s: %q\n%s", m, tt.field, tt.message, r.body)
			}
			if !strings.Contains(r.body, `<a href="#`+tt.field+`">`+tt.message) {
				t.Error("the error summary does not link to the field")
			}
			if !strings.Contains(r.body, "Choose the file again") {
				t.Error("the form does not say to choose the file again")
			}
		})
	}
	if items, _ := s.db.ForTenant(context.Background(), tn.ID).AllMedia(); len(items) != 0 {
		t.Errorf("refused uploads were recorded: %+v", items)
	}
	if files := testMediaFiles(t, dir); len(files) != 0 {
		t.Errorf("refused uploads were stored: %v", files)
	}
}

func TestMediaFormsRefuseWithoutCSRF(t *testing.T) {
	s, dir := newMediaServer(t)
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	if r := b.uploadMedia(t, host, url.Values{"alt": {"A door"}}, &testMediaFile{"door.jpg", testMediaPhoto(t, 40, 30)}); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d", r.status)
	}
	items, _ := s.db.ForTenant(context.Background(), tn.ID).AllMedia()
	id := strconv.FormatInt(items[0].ID, 10)
	before := testMediaFiles(t, dir)

	r := b.postMultipart(t, host, "/admin/media/new", url.Values{"alt": {"Another door"}}, &testMediaFile{"door2.jpg", testMediaPhoto(t, 40, 30)})
	if r.status != http.StatusForbidden {
		t.Errorf("multipart upload without _csrf: %d, want 403", r.status)
	}
	r = b.postMultipart(t, host, "/admin/media/new", url.Values{"_csrf": {"forged"}, "alt": {"Another door"}}, &testMediaFile{"door2.jpg", testMediaPhoto(t, 40, 30)})
	if r.status != http.StatusForbidden {
		t.Errorf("multipart upload with a wrong _csrf: %d, want 403", r.status)
	}
	if r := b.post(t, host, "/admin/media/"+id+"/edit", url.Values{"version": {"1"}, "alt": {"Changed"}}); r.status != http.StatusForbidden {
		t.Errorf("edit without _csrf: %d, want 403", r.status)
	}
	if r := b.post(t, host, "/admin/media/"+id+"/delete", url.Values{}); r.status != http.StatusForbidden {
		t.Errorf("delete without _csrf: %d, want 403", r.status)
	}
	after, _ := s.db.ForTenant(context.Background(), tn.ID).AllMedia()
	if len(after) != 1 || after[0].Alt != "A door" || strings.Join(testMediaFiles(t, dir), " ") != strings.Join(before, " ") {
		t.Errorf("something changed: %+v %v", after, testMediaFiles(t, dir))
	}
}

func TestMediaOfAnotherTenantIsNotFound(t *testing.T) {
	s, dir := newMediaServer(t)
	alpha, bravo := s.tenant(t, "alpha"), s.tenant(t, "bravo")
	s.user(t, alpha, "a@example.nhs.uk", models.RoleManager)
	s.user(t, bravo, "b@example.nhs.uk", models.RoleManager)
	a := s.browser()
	a.signIn(t, "alpha.localhost", "a@example.nhs.uk")
	if r := a.uploadMedia(t, "alpha.localhost", url.Values{"alt": {"Alpha's door"}}, &testMediaFile{"door.jpg", testMediaPhoto(t, 400, 300)}); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d", r.status)
	}
	items, _ := s.db.ForTenant(context.Background(), alpha.ID).AllMedia()
	id := strconv.FormatInt(items[0].ID, 10)
	files := testMediaFiles(t, dir)

	b := s.browser()
	b.signIn(t, "bravo.localhost", "b@example.nhs.uk")
	tok := csrf(t, b.get(t, "bravo.localhost", "/admin/media/new").body)
	for _, tt := range []struct {
		method, path string
		form         url.Values
	}{
		{http.MethodGet, "/admin/media/" + id + "/edit", nil},
		{http.MethodPost, "/admin/media/" + id + "/edit", url.Values{"_csrf": {tok}, "version": {"1"}, "alt": {"Taken over"}}},
		{http.MethodGet, "/admin/media/" + id + "/delete", nil},
		{http.MethodPost, "/admin/media/" + id + "/delete", url.Values{"_csrf": {tok}}},
		{http.MethodGet, "/media/" + id + "/320.jpg", nil},
		{http.MethodGet, "/media/" + id + "/400.jpg", nil},
	} {
		if r := b.do(t, tt.method, "bravo.localhost", tt.path, tt.form); r.status != http.StatusNotFound {
			t.Errorf("%s %s on bravo: %d, want 404", tt.method, tt.path, r.status)
		}
	}
	if list := b.get(t, "bravo.localhost", "/admin/media"); strings.Contains(list.body, "Alpha's door") {
		t.Error("bravo's library lists alpha's image")
	}
	after, _ := s.db.ForTenant(context.Background(), alpha.ID).AllMedia()
	if len(after) != 1 || after[0].Alt != "Alpha's door" || after[0].Version != 1 || strings.Join(testMediaFiles(t, dir), " ") != strings.Join(files, " ") {
		t.Errorf("alpha's image changed: %+v %v", after, testMediaFiles(t, dir))
	}
	if r := s.browser().get(t, "alpha.localhost", "/media/"+id+"/320.jpg"); r.status != http.StatusOK {
		t.Errorf("alpha's own image on alpha: %d", r.status)
	}
	for _, p := range []string{"/media/" + id + "/file.pdf", "/media/" + id + "/320.png", "/media/" + id + "/..%2f..%2fetc", "/media/x/320.jpg", "/media/99999/320.jpg"} {
		if r := s.browser().get(t, "alpha.localhost", p); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, r.status)
		}
	}
}

func TestMediaAltTextEditAndConflict(t *testing.T) {
	s, _ := newMediaServer(t)
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	if r := b.uploadMedia(t, host, url.Values{"alt": {"A door"}}, &testMediaFile{"door.jpg", testMediaPhoto(t, 40, 30)}); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d", r.status)
	}
	items, _ := s.db.ForTenant(context.Background(), tn.ID).AllMedia()
	edit := "/admin/media/" + strconv.FormatInt(items[0].ID, 10) + "/edit"

	form := b.get(t, host, edit)
	if form.status != http.StatusOK || !strings.Contains(form.body, `name="version" value="1"`) || !strings.Contains(form.body, ">A door</textarea>") {
		t.Fatalf("edit form: %d\n%s", form.status, form.body)
	}
	tok := csrf(t, form.body)

	r := b.post(t, host, edit, url.Values{"_csrf": {tok}, "version": {"1"}, "alt": {""}})
	if m := testMediaErrorRE.FindStringSubmatch(r.body); r.status != http.StatusUnprocessableEntity || m == nil || m[1] != "alt" {
		t.Errorf("empty alt text: %d %q", r.status, m)
	}

	r = b.post(t, host, edit, url.Values{"_csrf": {tok}, "version": {"1"}, "alt": {"The blue front door of the surgery"}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/media?done=saved" {
		t.Fatalf("save: %d %q\n%s", r.status, r.location(), r.body)
	}
	if list := b.get(t, host, "/admin/media"); !strings.Contains(list.body, "![The blue front door of the surgery](") {
		t.Error("the list does not show the new alt text")
	}

	// A second tab opened at version 1 saves after the first: refused.
	r = b.post(t, host, edit, url.Values{"_csrf": {tok}, "version": {"1"}, "alt": {"An older edit"}})
	if r.status != http.StatusConflict || !strings.Contains(r.body, "Someone else changed this file") || !strings.Contains(r.body, ">An older edit</textarea>") {
		t.Errorf("stale save: %d\n%s", r.status, r.body)
	}
	if m, _ := s.db.ForTenant(context.Background(), tn.ID).MediaByID(items[0].ID); m.Alt != "The blue front door of the surgery" {
		t.Errorf("the stale save overwrote the alt text: %q", m.Alt)
	}
	if got := auditActions(t, s, tn); !contains(got, "media.edit") {
		t.Errorf("audit log %v lacks media.edit", got)
	}
}

func TestMediaDeleteRemovesFiles(t *testing.T) {
	s, dir := newMediaServer(t)
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	if r := b.uploadMedia(t, host, url.Values{"alt": {"A door"}}, &testMediaFile{"door.jpg", testMediaPhoto(t, 700, 300)}); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d", r.status)
	}
	items, _ := s.db.ForTenant(context.Background(), tn.ID).AllMedia()
	id := strconv.FormatInt(items[0].ID, 10)
	if n := len(testMediaFiles(t, dir)); n != 3 {
		t.Fatalf("%d files stored, want 3", n)
	}
	if r := s.browser().get(t, host, "/media/"+id+"/640.jpg"); r.status != http.StatusOK {
		t.Fatalf("public image before delete: %d", r.status)
	}

	confirm := b.get(t, host, "/admin/media/"+id+"/delete")
	if confirm.status != http.StatusOK || !strings.Contains(confirm.body, "Are you sure you want to delete this image?") {
		t.Fatalf("confirmation: %d\n%s", confirm.status, confirm.body)
	}
	r := b.post(t, host, "/admin/media/"+id+"/delete", url.Values{"_csrf": {csrf(t, confirm.body)}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/media?done=deleted" {
		t.Fatalf("delete: %d %q", r.status, r.location())
	}
	if files := testMediaFiles(t, dir); len(files) != 0 {
		t.Errorf("files left after delete: %v", files)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, strconv.FormatInt(tn.ID, 10))); len(entries) != 0 {
		t.Errorf("the item's directory is left: %v", entries)
	}
	if r := s.browser().get(t, host, "/media/"+id+"/640.jpg"); r.status != http.StatusNotFound {
		t.Errorf("public image after delete: %d", r.status)
	}
	if got := auditActions(t, s, tn); !contains(got, "media.delete") {
		t.Errorf("audit log %v lacks media.delete", got)
	}
}

// testMediaPNGClaiming is a small PNG whose header claims w×h pixels.
func testMediaPNGClaiming(t *testing.T, w, h uint32) []byte {
	t.Helper()
	b := testMediaPNGFile(t, 1, 1)
	ihdr := b[8+8 : 8+8+13]
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	binary.BigEndian.PutUint32(b[8+8+13:], crc32.ChecksumIEEE(b[8+4:8+8+13]))
	return b
}

// TestMediaUploadBusyAsksToTryAgain: when every decoding slot is taken
// for longer than an upload waits, the form comes back (503, Retry-After)
// saying to try again, next to the file field, and nothing is stored; once
// a slot is free the same upload goes through.
func TestMediaUploadBusyAsksToTryAgain(t *testing.T) {
	images := media.NewProcessor(media.ProcessorOptions{Decodes: 1, Wait: 50 * time.Millisecond})
	s := newServer(t, options{images: images})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	release, err := images.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	photo := &testMediaFile{"photo.jpg", testMediaPhoto(t, 400, 300)}
	r := b.uploadMedia(t, host, url.Values{"alt": {"The entrance"}}, photo)
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
		t.Fatalf("busy upload: status %d, Retry-After %q; want 503 with Retry-After\n%s", r.status, r.header.Get("Retry-After"), r.body)
	}
	m := testMediaErrorRE.FindStringSubmatch(r.body)
	if m == nil || m[1] != "file" || !strings.Contains(m[2], "Wait a few seconds and try again") {
		t.Errorf("error next to the file field: %q, want a try-again message\n%s", m, r.body)
	}
	if !strings.Contains(r.body, "The entrance") {
		t.Error("the alt text typed was not kept")
	}
	if files := testMediaFiles(t, s.mediaDir); len(files) != 0 {
		t.Errorf("a busy upload stored files: %v", files)
	}
	// A PDF needs no decoding, so it never waits for a slot.
	if r := b.uploadMedia(t, host, url.Values{"title": {"Report"}}, &testMediaFile{"report.pdf", testMediaPDF}); r.status != http.StatusSeeOther {
		t.Errorf("PDF while the slots are busy: status %d, want 303\n%s", r.status, r.body)
	}
	release()
	if r := b.uploadMedia(t, host, url.Values{"alt": {"The entrance"}}, photo); r.status != http.StatusSeeOther {
		t.Errorf("the same upload with a free slot: status %d, want 303\n%s", r.status, r.body)
	}
}
