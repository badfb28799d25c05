package wxr

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/oldsites"
)

func parseSample(t *testing.T, name string) *Export {
	t.Helper()
	b, err := oldsites.WordPress(name)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Parse(bytes.NewReader(b), Limits{})
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return e
}

func item(t *testing.T, e *Export, id int64) Item {
	t.Helper()
	it, ok := e.ItemByID(id)
	if !ok {
		t.Fatalf("no item %d", id)
	}
	return it
}

func TestParseNightingaleChannel(t *testing.T) {
	e := parseSample(t, "nightingale.xml")
	got := [...]string{e.Title, e.SiteURL, e.BaseSiteURL, e.Version, e.Language}
	want := [...]string{"Riverside Primary Care Network", "http://old.example", "http://old.example", "1.2", "en-GB"}
	if got != want {
		t.Errorf("channel = %q, want %q", got, want)
	}
	if len(e.Items) != 18 {
		t.Errorf("%d items, want 18", len(e.Items))
	}
}

func TestParseNightingaleItems(t *testing.T) {
	e := parseSample(t, "nightingale.xml")
	london := func(s string) time.Time {
		d, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, c := range []struct {
		id          int64
		typ, status string
		title, path string
		date        time.Time
	}{
		{2, "page", "publish", "Home", "/home", london("2024-01-16 09:00")},
		{10, "page", "publish", "About us", "/about", london("2024-01-16 09:05")},
		{11, "page", "publish", "Our team", "/about/our-team", london("2024-01-16 09:10")},
		{12, "page", "publish", "Clinical pharmacists", "/about/our-team/clinical-pharmacists", london("2024-01-17 14:00")},
		{13, "page", "publish", "Services", "/services", london("2024-01-16 09:20")},
		{14, "page", "publish", "Social prescribing", "/services/social-prescribing", london("2024-01-16 09:25")},
		{15, "page", "publish", "Contact us", "/contact-us", london("2024-01-16 09:30")},
		// A draft: no slug (the title stands in) and a zero GMT date, so
		// post_date 11:45 is read as London summer time.
		{16, "page", "draft", "Vacancies", "/about/vacancies", london("2024-07-02 10:45")},
		{17, "page", "trash", "Flu clinics 2019", "/flu-clinics-2019-trashed", london("2019-10-01 08:00")},
		{20, "post", "publish", "Flu and COVID-19 vaccinations for winter 2024", "", london("2024-09-16 08:30")},
		{21, "post", "publish", "Welcome to our new social prescriber", "", london("2024-03-04 10:00")},
		{22, "post", "publish", "Practice closures for staff training & development", "", london("2024-11-20 14:15")},
		{23, "post", "private", "Staff rota: December", "", london("2024-12-01 18:00")},
		{30, "nav_menu_item", "publish", "About us", "", london("2024-01-16 09:40")},
		{40, "attachment", "inherit", "team-photo", "", london("2024-03-04 10:20")},
		{41, "attachment", "inherit", "social-prescriber", "", london("2024-03-04 09:55")},
		{42, "attachment", "inherit", "Training closures 2024", "", london("2024-11-20 14:10")},
		{60, "wp_block", "publish", "Urgent help", "", london("2024-01-16 08:50")},
	} {
		it := item(t, e, c.id)
		if it.Type != c.typ || it.Status != c.status || it.Title != c.title {
			t.Errorf("item %d = %s %s %q, want %s %s %q", c.id, it.Type, it.Status, it.Title, c.typ, c.status, c.title)
		}
		if p := e.PagePath(it); p != c.path {
			t.Errorf("item %d: PagePath = %q, want %q", c.id, p, c.path)
		}
		if !it.Date.Equal(c.date) || it.Date.Location() != time.UTC {
			t.Errorf("item %d: Date = %v, want %v", c.id, it.Date, c.date)
		}
	}
}

func TestParseNightingaleMetadata(t *testing.T) {
	e := parseSample(t, "nightingale.xml")
	flu := item(t, e, 20)
	if !slices.Equal(flu.Categories, []string{"News", "Vaccinations"}) || !slices.Equal(flu.Tags, []string{"flu"}) {
		t.Errorf("post 20: categories %q tags %q", flu.Categories, flu.Tags)
	}
	if flu.Excerpt != "Book your winter vaccinations from 1 October." || flu.Author != "j.okafor" {
		t.Errorf("post 20: excerpt %q author %q", flu.Excerpt, flu.Author)
	}
	if flu.Link != "http://old.example/2024/09/16/flu-and-covid-19-vaccinations-winter-2024/" {
		t.Errorf("post 20: link %q", flu.Link)
	}
	if got := item(t, e, 11).FeaturedImageID; got != 40 {
		t.Errorf("page 11: featured image %d, want 40", got)
	}
	if it := item(t, e, 12); it.ParentID != 11 || it.Slug != "clinical-pharmacists" || it.MenuOrder != 0 {
		t.Errorf("page 12: parent %d slug %q", it.ParentID, it.Slug)
	}
	if got := item(t, e, 13).MenuOrder; got != 2 {
		t.Errorf("page 13: menu order %d, want 2", got)
	}
}

func TestParseNightingaleAttachments(t *testing.T) {
	e := parseSample(t, "nightingale.xml")
	const up = "http://old.example/wp-content/uploads/"
	want := map[string]struct {
		id  int64
		alt string
	}{
		up + "2024/03/team-photo.jpg":             {40, "The Riverside PCN team outside Riverside Health Centre"},
		up + "2024/03/social-prescriber.png":      {41, ""},
		up + "2024/11/training-closures-2024.pdf": {42, ""},
	}
	got := e.Attachments()
	if len(got) != len(want) {
		t.Errorf("Attachments() has %d entries, want %d", len(got), len(want))
	}
	for url, w := range want {
		it, ok := got[url]
		if !ok || it.ID != w.id || it.Alt != w.alt {
			t.Errorf("Attachments()[%q] = %d %q (found %v), want %d %q", url, it.ID, it.Alt, ok, w.id, w.alt)
		}
	}
	for _, c := range []struct {
		src string
		id  int64
	}{
		{up + "2024/03/team-photo.jpg", 40},
		{up + "2024/03/team-photo-1024x683.jpg", 40}, // a resized copy, as the page's <img> uses
		{"https://OLD.example/wp-content/uploads/2024/03/team-photo-300x200.jpg?ver=2", 40},
		{up + "2024/11/training-closures-2024.pdf", 42},
		{up + "2024/03/nobody.jpg", 0},
		{"/wp-content/uploads/2024/03/team-photo.jpg", 0}, // not absolute
	} {
		it, ok := e.AttachmentFor(c.src)
		if ok != (c.id != 0) || it.ID != c.id {
			t.Errorf("AttachmentFor(%q) = %d %v, want %d", c.src, it.ID, ok, c.id)
		}
	}
}

func TestParseNightingaleContent(t *testing.T) {
	e := parseSample(t, "nightingale.xml")
	for _, c := range []struct {
		id          int64
		has, hasNot []string
		shortcodes  []string
		dynamic     []string
	}{
		{id: 2, // block editor: comments gone, no paragraphs added
			has:     []string{"<p>Riverside Primary Care Network brings together", `<li><a href="http://old.example/?page_id=10">About us</a></li>`, `<h2 class="wp-block-heading">Find out more</h2>`},
			hasNot:  []string{"<!--", "wp:", "<p><li", "<br>"},
			dynamic: []string{"nhsblocks/heroblock", "latest-posts"}},
		{id: 10, // classic editor: wpautop
			has: []string{
				"<p>Riverside Primary Care Network (PCN) was formed in July 2019.",
				"<p>Our member practices are:</p>\n<ul>",
				"<li>Riverside Health Centre</li>",
				"<h2>Who we are</h2>\n<p>Our clinical director is Dr Amira Shah, a GP partner at Riverside Health Centre.<br>\nYou can read",
				`<p>Questions about the PCN? <a href="http://old.example/?page_id=15">Contact us</a>.</p>`,
			},
			hasNot: []string{"<p><ul>", "<p><li>", "<br>\n<ul>", "<p><h2>"}},
		{id: 15,
			has:        []string{"<p>For medical matters please contact your own GP practice.</p>", "<p>Riverside Primary Care Network<br>\nc/o Riverside Health Centre<br>\n1 Quay Road<br>\nRiverside RV1 2AB</p>"},
			hasNot:     []string{"[contact-form-7", "<p></p>"},
			shortcodes: []string{"contact-form-7"}},
		{id: 14, // a reusable block, defined later in the file, filled in
			has: []string{"contact us</a>.</p>\n\n\n\n<div class=\"wp-block-nhsblocks-inset-text nhsuk-inset-text\">", "use <a href=\"https://111.nhs.uk/\">NHS 111 online</a>.</p></div>"}},
		{id: 20, hasNot: []string{"[gallery"}, shortcodes: []string{"gallery"}},
		{id: 21, // a [caption] becomes a figure
			has:    []string{`<figure><img class="size-medium wp-image-41" src="http://old.example/wp-content/uploads/2024/03/social-prescriber.png" width="300" height="200" /><figcaption>Sam joined us in February</figcaption></figure>`, "link worker.<br>\nSam works"},
			hasNot: []string{"[caption", "[/caption]"}},
		{id: 22, has: []string{`<p><a href="http://old.example/wp-content/uploads/2024/11/training-closures-2024.pdf">Download the dates as a PDF</a></p>`}},
	} {
		it := item(t, e, c.id)
		for _, s := range c.has {
			if !strings.Contains(it.ContentHTML, s) {
				t.Errorf("item %d: content lacks %q:\n%s", c.id, s, it.ContentHTML)
			}
		}
		for _, s := range c.hasNot {
			if strings.Contains(it.ContentHTML, s) {
				t.Errorf("item %d: content has %q:\n%s", c.id, s, it.ContentHTML)
			}
		}
		if !slices.Equal(it.Shortcodes, c.shortcodes) || !slices.Equal(it.DynamicBlocks, c.dynamic) {
			t.Errorf("item %d: shortcodes %q dynamic blocks %q, want %q %q", c.id, it.Shortcodes, it.DynamicBlocks, c.shortcodes, c.dynamic)
		}
	}
}

func TestParseSmall(t *testing.T) {
	e := parseSample(t, "small.xml")
	if e.Title != "Millbrook PCN" || len(e.Items) != 2 {
		t.Fatalf("title %q, %d items", e.Title, len(e.Items))
	}
	page, post := e.Items[0], e.Items[1]
	if page.Type != "page" || e.PagePath(page) != "/opening-times" || page.ContentHTML != "<p>Our practices are open 8am to 6.30pm, Monday to Friday.</p>\n\n<p>Call 111 when we are closed.</p>" {
		t.Errorf("page: %s %q %q", page.Type, e.PagePath(page), page.ContentHTML)
	}
	if post.Type != "post" || post.Slug != "new-phone-system" || !post.Date.Equal(time.Date(2023, 6, 1, 11, 0, 0, 0, time.UTC)) {
		t.Errorf("post: %s %q %v", post.Type, post.Slug, post.Date)
	}
}

// readCounter counts what Parse read, to show a refusal stops early.
type readCounter struct {
	r io.Reader
	n int64
}

func (c *readCounter) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

func TestParseRefusesHostileFiles(t *testing.T) {
	refused := "the file declares a DTD or entities, which an export never does; refusing it"
	for _, c := range []struct {
		file string
		is   error
		msg  string
	}{
		{"billion-laughs.xml", ErrRefused, "line 2: " + refused},
		{"external-entity.xml", ErrRefused, "line 2: " + refused},
		{"parameter-entity.xml", ErrRefused, "line 5: " + refused},
		{"undeclared-entity.xml", nil, "line 6: invalid character entity &nbsp;"},
		{"truncated.xml", nil, "line 141: unexpected EOF in CDATA section"},
		{"not-wxr-rss.xml", ErrNotWXR, "an RSS feed without the WordPress export namespace"},
	} {
		t.Run(c.file, func(t *testing.T) {
			f, err := os.Open("testdata/" + c.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			// Followed by a hundred megabytes, the refusal shows Parse
			// stops where the file goes wrong rather than reading on.
			r := &readCounter{r: io.MultiReader(f, endless("<!-- more -->"))}
			if c.file == "truncated.xml" {
				r = &readCounter{r: f}
			}
			e, err := Parse(r, Limits{})
			if err == nil {
				t.Fatalf("Parse = %d items, want an error", len(e.Items))
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error %q is not %v", err, c.is)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q does not say %q", err, c.msg)
			}
			if r.n > 64<<10 {
				t.Errorf("read %d bytes before refusing", r.n)
			}
		})
	}
}

// endless repeats s for 100 MB.
func endless(s string) io.Reader {
	return io.LimitReader(&repeater{s: s}, 100<<20)
}

type repeater struct {
	s   string
	off int
}

func (r *repeater) Read(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		c := copy(b[n:], r.s[r.off:])
		n += c
		r.off = (r.off + c) % len(r.s)
	}
	return n, nil
}

const header = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>T</title>
`

func TestParseRefusesOtherInput(t *testing.T) {
	for _, c := range []struct {
		name string
		in   io.Reader
		lim  Limits
		is   error
		msg  string
	}{
		{"empty", strings.NewReader(""), Limits{}, ErrNotWXR, "the file is empty"},
		{"json", strings.NewReader(`{"posts": []}`), Limits{}, ErrNotWXR, "it starts with text, not XML"},
		{"html", strings.NewReader("<html><body>Hello</body></html>"), Limits{}, ErrNotWXR, "its root element is <html>, not <rss>"},
		{"atom", strings.NewReader(`<feed xmlns="http://www.w3.org/2005/Atom"></feed>`), Limits{}, ErrNotWXR, "not <rss>"},
		{"no channel", strings.NewReader(`<rss xmlns:wp="http://wordpress.org/export/1.1/"></rss>`), Limits{}, ErrNotWXR, "no <channel>"},
		{"latin-1", strings.NewReader(`<?xml version="1.0" encoding="ISO-8859-1"?><rss/>`), Limits{}, ErrNotWXR, `the file declares the encoding "ISO-8859-1"; WordPress exports are UTF-8`},
		{"bad nesting", strings.NewReader(header + "<item><title>x</item>"), Limits{}, nil, "line 3: element <title> closed by </item>"},
		{"too big", io.MultiReader(strings.NewReader(header), endless("<item><title>x</title></item>\n")), Limits{MaxBytes: 1 << 20, MaxItems: 1 << 30}, ErrTooBig, "the limit is 1 MiB"},
		{"too many items", io.MultiReader(strings.NewReader(header), endless("<item><title>x</title></item>\n")), Limits{MaxItems: 1000}, ErrTooManyItems, "line 1003: more than 1000 items, the limit"},
		{"deep", io.MultiReader(strings.NewReader(header), endless("<a>")), Limits{}, ErrRefused, "elements nest more than 32 deep"},
		{"long tag", io.MultiReader(strings.NewReader(header+"<item"), endless(` a=""`)), Limits{}, ErrRefused, "a tag is longer than 64 KiB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &readCounter{r: c.in}
			e, err := Parse(r, c.lim)
			if err == nil {
				t.Fatalf("Parse = %d items, want an error", len(e.Items))
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error %q is not %v", err, c.is)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q does not say %q", err, c.msg)
			}
			limit := c.lim.MaxBytes
			if limit == 0 {
				limit = 1 << 20 // nothing here needs more before it fails
			}
			if r.n > limit+64<<10 {
				t.Errorf("read %d bytes", r.n)
			}
		})
	}
}

func TestParseAcceptsOlderVersions(t *testing.T) {
	for _, v := range []string{"1.0", "1.1", "1.2"} {
		in := fmt.Sprintf(`<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/%[1]s/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/%[1]s/"><channel>
<wp:wxr_version>%[1]s</wp:wxr_version>
<item><title>A &amp;amp; B</title><wp:post_id>7</wp:post_id><wp:post_type>page</wp:post_type><wp:post_name>a-b</wp:post_name>
<excerpt:encoded>Short</excerpt:encoded><content:encoded>Hello</content:encoded></item></channel></rss>`, v)
		e, err := Parse(strings.NewReader(in), Limits{})
		if err != nil {
			t.Fatalf("version %s: %v", v, err)
		}
		it := e.Items[0]
		if e.Version != v || it.ID != 7 || it.Title != "A & B" || it.Excerpt != "Short" || it.ContentHTML != "<p>Hello</p>" || e.PagePath(it) != "/a-b" {
			t.Errorf("version %s: %q %+v", v, e.Version, it)
		}
	}
}

func TestItemDate(t *testing.T) {
	for _, c := range []struct{ gmt, local, pub, want string }{
		{"2024-09-16 08:30:00", "2024-09-16 09:30:00", "", "2024-09-16T08:30:00Z"},
		{"0000-00-00 00:00:00", "2024-07-02 11:45:00", "", "2024-07-02T10:45:00Z"}, // BST
		{"0000-00-00 00:00:00", "2024-12-02 11:45:00", "", "2024-12-02T11:45:00Z"}, // GMT
		{"", "", "Mon, 16 Sep 2024 08:30:00 +0100", "2024-09-16T07:30:00Z"},
		{"0000-00-00 00:00:00", "0000-00-00 00:00:00", "", "0001-01-01T00:00:00Z"},
		{"yesterday", "", "", "0001-01-01T00:00:00Z"},
	} {
		if got := itemDate(c.gmt, c.local, c.pub).Format(time.RFC3339); got != c.want {
			t.Errorf("itemDate(%q, %q, %q) = %s, want %s", c.gmt, c.local, c.pub, got, c.want)
		}
	}
}

func TestSlugify(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"our-team", "our-team"},
		{"Our Team", "our-team"},
		{"  Flu & COVID-19 -- clinics!  ", "flu-covid-19-clinics"},
		{"caf%c3%a9-opening", "cafe-opening"},
		{"Café Ærø Straße", "cafe-aero-strasse"},
		{"Dr O’Brien’s clinic", "dr-obriens-clinic"},
		{"flu_clinics__trashed", "flu-clinics-trashed"},
		{"診療所", ""},
		{"", ""},
		{"100%", "100"},
		{strings.Repeat("word-", 30), "word-word-word-word-word-word-word-word-word-word-word-word-word-word-word-word"},
	} {
		if got := Slugify(c.in); got != c.want {
			t.Errorf("Slugify(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

var pathRE = regexp.MustCompile(`^/[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*){0,4}$`)

func TestPagePath(t *testing.T) {
	page := func(id, parent int64, slug string) Item {
		return Item{ID: id, ParentID: parent, Type: "page", Slug: slug, Title: "Title " + slug}
	}
	long := strings.Repeat("a", 70) + "-" + strings.Repeat("b", 9)
	e := &Export{Items: []Item{
		page(1, 0, "about"), page(2, 1, "Our_Team"), page(3, 2, "nurses"),
		page(4, 5, "loop-a"), page(5, 4, "loop-b"), page(6, 6, "self"),
		page(7, 99, "orphan"),
		{ID: 8, Type: "post", Slug: "news"}, page(9, 8, "under-a-post"),
		page(10, 0, "l1"), page(11, 10, "l2"), page(12, 11, "l3"), page(13, 12, "l4"), page(14, 13, "l5"),
		page(15, 14, "l6"), page(16, 15, "l7"),
		{ID: 17, Type: "page", Title: "Vacancies"}, {ID: 18, Type: "page"},
		page(20, 0, long), page(21, 20, long), page(22, 21, long), page(23, 22, long), page(24, 23, long),
	}}
	for _, c := range []struct {
		id   int64
		want string
	}{
		{1, "/about"}, {2, "/about/our-team"}, {3, "/about/our-team/nurses"},
		{4, ""}, {5, ""}, {6, ""}, // loops
		{7, ""},          // missing parent
		{8, ""}, {9, ""}, // a post, and a page under one
		{14, "/l1/l2/l3/l4/l5"},
		{16, "/l1/l2/l3/l4/l7"}, // deeper than five: the top four and its own
		{17, "/vacancies"},      // a draft with no slug
		{18, "/page-18"},
		{20, "/" + long},
	} {
		it, _ := e.ItemByID(c.id)
		if got := e.PagePath(it); got != c.want {
			t.Errorf("PagePath(%d) = %q, want %q", c.id, got, c.want)
		}
	}
	p := e.PagePath(e.Items[len(e.Items)-1])
	if len(p) > 200 || !pathRE.MatchString(p) || strings.Count(p, "/") != 5 {
		t.Errorf("five long segments: %q (%d bytes)", p, len(p))
	}
}

func TestItemForURL(t *testing.T) {
	e := parseSample(t, "nightingale.xml")
	for _, c := range []struct {
		link string
		id   int64
	}{
		{"http://old.example/about/our-team/", 11},
		{"http://old.example/about/our-team", 11},
		{"HTTP://OLD.EXAMPLE/about/our-team/#nurses", 11},
		{"/services/", 13},
		{"/services/social-prescribing/?utm_source=leaflet", 14},
		{"http://old.example/?page_id=14", 14},
		{"/?p=20", 20},
		{"http://old.example/2024/09/16/flu-and-covid-19-vaccinations-winter-2024/", 20},
		{"http://old.example/?attachment_id=42", 42},
		{"http://old.example/wp-content/uploads/2024/03/team-photo-1024x683.jpg", 40},
		{"http://old.example/", 2},
		{"https://www.nhs.uk/vaccinations/flu-vaccine/", 0},
		{"mailto:riverside.pcn@nhs.net", 0},
		{"http://old.example/no-such-page/", 0},
		{"http://old.example/?page_id=abc", 0},
		{"#top", 0},
	} {
		it, ok := e.ItemForURL(c.link)
		if ok != (c.id != 0) || it.ID != c.id {
			t.Errorf("ItemForURL(%q) = %d %v, want %d", c.link, it.ID, ok, c.id)
		}
	}
	if it, ok := e.FrontPage(); !ok || it.ID != 2 {
		t.Errorf("FrontPage() = %d %v, want 2", it.ID, ok)
	}
	if _, ok := parseSample(t, "small.xml").FrontPage(); ok {
		t.Error("small.xml has a front page")
	}
}

// Some plugins and editors write a byte-order mark before the XML.
func TestParseAcceptsByteOrderMark(t *testing.T) {
	b, err := oldsites.WordPress("small.xml")
	if err != nil {
		t.Fatal(err)
	}
	e, err := Parse(bytes.NewReader(append([]byte("\ufeff"), b...)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Items) != 2 {
		t.Errorf("%d items, want 2", len(e.Items))
	}
}
