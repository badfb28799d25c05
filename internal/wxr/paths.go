package wxr

import (
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Path limits of pcnweb pages (models.ValidatePagePath).
const (
	maxSegments = 5
	maxPathLen  = 200
	maxSlugLen  = 80
)

// Slugify makes a path segment from a WordPress slug or a title: lower-case
// ASCII letters and digits joined by single hyphens, at most 80 bytes.
// Percent-encoded slugs (WordPress stores "café" as "caf%c3%a9") are
// decoded and common accented Latin letters lose their accents; other
// characters separate words. It returns "" when nothing is left.
func Slugify(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	var b strings.Builder
	dash := false
	word := func(w string) {
		for i := 0; i < len(w); i++ {
			c := w[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
				if dash && b.Len() > 0 {
					b.WriteByte('-')
				}
				b.WriteByte(c)
				dash = false
			} else {
				dash = true
			}
		}
	}
	for _, r := range s {
		if r < 0x80 {
			word(string(r))
			continue
		}
		if f, ok := fold[r]; ok {
			word(f)
			continue
		}
		dash = true
	}
	return truncateSlug(b.String(), maxSlugLen)
}

// truncateSlug shortens a slug to at most n bytes, at a hyphen where one
// is near the end.
func truncateSlug(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	if k := strings.LastIndexByte(s, '-'); k > n/2 {
		s = s[:k]
	}
	return strings.TrimSuffix(s, "-")
}

// fold maps accented Latin letters to ASCII.
var fold = func() map[rune]string {
	m := map[rune]string{'ß': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ø': "o", 'Ø': "o",
		'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ð': "d", 'þ': "th", 'Þ': "th", 'ŵ': "w", 'Ŵ': "w",
		'ŷ': "y", 'Ŷ': "y", 'ÿ': "y", 'ẁ': "w", 'ẃ': "w", 'ẅ': "w", 'ỳ': "y", '’': "", '\'': ""}
	for base, letters := range map[string]string{
		"a": "àáâãäåāăąÀÁÂÃÄÅĀĂĄ", "c": "çćĉċčÇĆĈĊČ", "e": "èéêëēĕėęěÈÉÊËĒĔĖĘĚ",
		"g": "ĝğġģĜĞĠĢ", "i": "ìíîïĩīĭįıÌÍÎÏĨĪĬĮİ", "n": "ñńņňÑŃŅŇ", "o": "òóôõöōŏőÒÓÔÕÖŌŎŐ",
		"r": "ŕŗřŔŖŘ", "s": "śŝşšŚŜŞŠ", "t": "ţťŢŤ", "u": "ùúûüũūŭůűųÙÚÛÜŨŪŬŮŰŲ", "z": "źżžŹŻŽ",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// PagePath is the page's path from its slug and its ancestors' slugs
// ("/about/our-team"), each made a pcnweb path segment by Slugify (the
// title or "page-ID" where the slug is empty, as it is for drafts). A chain
// deeper than pcnweb's five levels keeps its top four and the page's own
// slug; segments are shortened to keep the path within 200 bytes. It is ""
// for an item that is not a page, or whose chain of parents is broken (a
// parent missing or not a page) or loops. It does not know the paths the
// platform reserves (/admin, /media…): the importer checks those.
func (e *Export) PagePath(it Item) string {
	if it.Type != "page" {
		return ""
	}
	byID := e.index()
	chain := []Item{it}
	seen := map[int64]bool{it.ID: true}
	for p := it.ParentID; p != 0; {
		k, ok := byID[p]
		if !ok || seen[p] || e.Items[k].Type != "page" {
			return ""
		}
		seen[p] = true
		chain = append(chain, e.Items[k])
		p = e.Items[k].ParentID
	}
	segs := make([]string, 0, len(chain))
	for k := len(chain) - 1; k >= 0; k-- {
		segs = append(segs, pathSegment(chain[k]))
	}
	if len(segs) > maxSegments {
		segs = append(segs[:maxSegments-1], segs[len(segs)-1])
	}
	if per := maxPathLen/len(segs) - 1; per < maxSlugLen {
		for k, s := range segs {
			segs[k] = truncateSlug(s, per)
		}
	}
	return "/" + strings.Join(segs, "/")
}

func pathSegment(it Item) string {
	if s := Slugify(it.Slug); s != "" {
		return s
	}
	if s := Slugify(it.Title); s != "" {
		return s
	}
	return "page-" + strconv.FormatInt(it.ID, 10)
}

// index maps item IDs to their index in Items (the first of any
// duplicates).
func (e *Export) index() map[int64]int {
	if e.byID != nil {
		return e.byID
	}
	m := make(map[int64]int, len(e.Items))
	for k, it := range e.Items {
		if _, dup := m[it.ID]; !dup && it.ID != 0 {
			m[it.ID] = k
		}
	}
	return m
}

// ItemByID returns the item with the given wp:post_id.
func (e *Export) ItemByID(id int64) (Item, bool) {
	k, ok := e.index()[id]
	if !ok {
		return Item{}, false
	}
	return e.Items[k], true
}

// Attachments maps each attachment's URL (wp:attachment_url) to it.
func (e *Export) Attachments() map[string]Item {
	m := map[string]Item{}
	for _, it := range e.Items {
		if it.Type == "attachment" && it.AttachmentURL != "" {
			if _, dup := m[it.AttachmentURL]; !dup {
				m[it.AttachmentURL] = it
			}
		}
	}
	return m
}

// sizeSuffix is the "-300x200" WordPress adds to the resized copies of
// an upload (photo-300x200.jpg for photo.jpg).
var sizeSuffix = regexp.MustCompile(`-\d{1,5}x\d{1,5}(\.[A-Za-z0-9]+)$`)

// AttachmentFor finds the attachment an <img src> or a link in the content
// points at: its URL, or a resized copy of it (photo-300x200.jpg), over
// http or https, with or without a query string. src should be absolute.
func (e *Export) AttachmentFor(src string) (Item, bool) {
	u, err := url.Parse(strings.TrimSpace(src))
	if err != nil || u.Host == "" {
		return Item{}, false
	}
	key := func(u *url.URL) string { return strings.ToLower(u.Host) + path.Clean("/"+u.Path) }
	want := key(u)
	u.Path = sizeSuffix.ReplaceAllString(u.Path, "$1")
	original := key(u)
	var resized Item
	found := false
	for _, it := range e.Items {
		if it.Type != "attachment" || it.AttachmentURL == "" {
			continue
		}
		a, err := url.Parse(it.AttachmentURL)
		if err != nil {
			continue
		}
		switch key(a) {
		case want:
			return it, true
		case original:
			if !found {
				resized, found = it, true
			}
		}
	}
	return resized, found
}

// FrontPage is the page WordPress showed at the site's root: the page
// whose link is the site's address ("http://old.example/"), if the site
// had a static front page.
func (e *Export) FrontPage() (Item, bool) {
	root, err := url.Parse(e.SiteURL)
	if err != nil || root.Host == "" {
		return Item{}, false
	}
	want := linkKey(root)
	for _, it := range e.Items {
		if it.Type != "page" || it.Status != "publish" {
			continue
		}
		if u, err := url.Parse(it.Link); err == nil && strings.EqualFold(u.Host, root.Host) && linkKey(u) == want {
			return it, true
		}
	}
	return Item{}, false
}

// ItemForURL finds the item a link in the content points at: its
// permalink ("http://old.example/about/our-team/", with or without the
// trailing slash, or the path alone), an ugly permalink (?page_id=14,
// ?p=20, ?attachment_id=40) on the site, or an attachment's file
// (AttachmentFor). Links to other hosts find nothing.
func (e *Export) ItemForURL(link string) (Item, bool) {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return Item{}, false
	}
	root, err := url.Parse(e.SiteURL)
	if err != nil {
		return Item{}, false
	}
	if u.Host == "" {
		if u.Path == "" && u.RawQuery == "" || u.Scheme != "" {
			return Item{}, false
		}
		u = root.ResolveReference(u)
	}
	if !strings.EqualFold(u.Host, root.Host) {
		return Item{}, false
	}
	q := u.Query()
	for _, key := range []string{"page_id", "p", "attachment_id"} {
		if v := q.Get(key); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return Item{}, false
			}
			return e.ItemByID(id)
		}
	}
	if k, ok := e.linkIndex()[strings.ToLower(u.Host)+linkKey(u)]; ok {
		return e.Items[k], true
	}
	return e.AttachmentFor(u.String())
}

// linkIndex maps host and linkKey of each item's permalink to the item's
// index (the first of any duplicates); drafts' ?page_id= links are left
// out.
func (e *Export) linkIndex() map[string]int {
	if e.byLink != nil {
		return e.byLink
	}
	m := make(map[string]int, len(e.Items))
	for k, it := range e.Items {
		if it.Link == "" || strings.Contains(it.Link, "?") {
			continue
		}
		l, err := url.Parse(it.Link)
		if err != nil || l.Host == "" {
			continue
		}
		key := strings.ToLower(l.Host) + linkKey(l)
		if _, dup := m[key]; !dup {
			m[key] = k
		}
	}
	return m
}

// linkKey is a URL's path without the trailing slash, for comparing
// permalinks.
func linkKey(u *url.URL) string {
	return strings.TrimSuffix(path.Clean("/"+u.Path), "/")
}
