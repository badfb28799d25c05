package siteimport

import (
	"bytes"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/pcnweb/pcnweb/internal/extract"
	"github.com/pcnweb/pcnweb/internal/wxr"
	"github.com/pcnweb/pcnweb/models"
)

// wpItem is a published page or post of the export on its way in.
type wpItem struct {
	it   wxr.Item
	link *url.URL // its address on the old site; nil when the file has none
	path string   // the new path: "/about", "/news/flu-clinics"
	slug string   // posts
	home bool
}

// wordpress imports the job's WordPress export: published pages (their
// hierarchy as paths), published posts as news with their dates, and
// attachments into the media library. Drafts, private, pending, scheduled
// and trashed items are skipped and counted.
func (r *run) wordpress() error {
	r.progress("Reading the WordPress export")
	exp, err := wxr.Parse(bytes.NewReader(r.job.Payload), wxr.Limits{MaxBytes: models.MaxImportPayload})
	if err != nil {
		return failf(err, "%s", wxrMessage(err))
	}
	base, _ := url.Parse(strings.TrimSpace(exp.SiteURL))
	if base == nil || base.Hostname() == "" {
		base = &url.URL{Scheme: "https", Host: "old-site.invalid", Path: "/"}
	}
	host := base.Hostname()
	onSite := func(u *url.URL) bool { return sameSite(u, host) }
	key := func(it wxr.Item) string {
		return "wxr:" + strings.TrimPrefix(strings.ToLower(host), "www.") + "#" + strconv.FormatInt(it.ID, 10)
	}
	byQuery := func(q string) *url.URL { return base.ResolveReference(&url.URL{Path: "/", RawQuery: q}) }

	var pages, posts []*wpItem
	var attachments []wxr.Item
	others := map[string]int{}
	for _, it := range exp.Items {
		switch it.Type {
		case "attachment":
			attachments = append(attachments, it)
			continue
		case "page", "post":
		default:
			others[it.Type]++
			continue
		}
		link := parseLink(base, it.Link)
		if it.Status != "publish" {
			note(&r.rep.Skipped, linkString(link, it), it.Type, fmt.Sprintf("%q is %s on the old site: not imported", it.Title, statusWord(it.Status)))
			continue
		}
		w := &wpItem{it: it, link: link}
		if it.Type == "page" {
			pages = append(pages, w)
		} else {
			posts = append(posts, w)
		}
	}
	for _, t := range sortedKeys(others) {
		note(&r.rep.Skipped, "", t, fmt.Sprintf("%d items of type %q: not imported", others[t], t))
	}

	// Plan every new address first, so that links between them can be
	// rewritten whatever order they come in.
	index := map[string]string{}
	var pl, slugs planner
	pl.claim("/")
	for _, w := range pages {
		p := exp.PagePath(w.it)
		if p == "" {
			note(&r.rep.Skipped, linkString(w.link, w.it), "page", fmt.Sprintf("%q: its parent page is not in the export, so it has no place", w.it.Title))
			continue
		}
		p = PagePath(&url.URL{Path: p})
		target := ""
		if w.home = p == "/"; w.home {
			p, target = OldHomePath, "/"
		}
		w.path = pl.claim(p)
		if target == "" {
			target = w.path
		}
		if w.link != nil {
			index[urlKey(w.link)] = target
		}
		index[urlKey(byQuery("page_id="+strconv.FormatInt(w.it.ID, 10)))] = target
	}
	for _, w := range posts {
		slug := models.Slugify(w.it.Slug)
		if slug == "" {
			slug = models.Slugify(w.it.Title)
		}
		if slug == "" {
			slug = "news-" + strconv.FormatInt(w.it.ID, 10)
		}
		w.slug = slugs.claim(slug)
		w.path = "/news/" + w.slug
		if w.link != nil {
			index[urlKey(w.link)] = w.path
		}
		index[urlKey(byQuery("p="+strconv.FormatInt(w.it.ID, 10)))] = w.path
	}

	for i, a := range attachments {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		u, err := url.Parse(strings.TrimSpace(a.AttachmentURL))
		if err != nil || u.Hostname() == "" || (u.Scheme != "http" && u.Scheme != "https") {
			note(&r.rep.Skipped, a.Link, "attachment", fmt.Sprintf("%q has no address to fetch it from", a.Title))
			continue
		}
		r.progress(fmt.Sprintf("Fetching file %d of %d: %s", i+1, len(attachments), u.Path))
		src := r.file(a.Link, u, a.Alt, a.Title)
		if link := parseLink(base, a.Link); src != "" && link != nil {
			index[urlKey(link)] = src // the attachment's own page on the old site
		}
	}

	n := 0
	for _, w := range append(pages, posts...) {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		n++
		if w.path == "" {
			continue
		}
		r.progress(fmt.Sprintf("Importing %d of %d: %s", n, len(pages)+len(posts), w.path))
		if err := r.wpItem(exp, w, key(w.it), base, index, onSite); err != nil {
			return err
		}
	}
	return nil
}

// wpItem brings one published page or post in.
func (r *run) wpItem(exp *wxr.Export, w *wpItem, key string, base *url.URL, index map[string]string, onSite func(*url.URL) bool) error {
	page := linkString(w.link, w.it)
	at := base
	if w.link != nil {
		at = w.link
	}
	doc, err := extract.Fragment(w.it.ContentHTML, w.it.Title, at)
	if err != nil {
		note(&r.rep.Skipped, page, w.it.Type, fmt.Sprintf("%q: %s", w.it.Title, extractReason(err)))
		return nil
	}
	for _, d := range doc.Dropped {
		note(&r.rep.Dropped, page, d.Kind, d.Detail)
	}
	for _, f := range doc.Found {
		note(&r.rep.Found, page, f.Kind, f.Detail)
	}
	if w.home {
		note(&r.rep.Found, page, "home", "the old home page: it is a draft at "+w.path+"; compare it with your home page and copy what you need")
	}
	// A resized copy of an attachment (photo-300x200.jpg) is the
	// attachment already in the library.
	for _, img := range doc.Images {
		if img.Src == nil {
			continue
		}
		if att, ok := exp.AttachmentFor(img.Src.String()); ok {
			if src := r.mediaByURL[strings.TrimSpace(att.AttachmentURL)]; src != "" {
				r.mediaByURL[img.Src.String()] = src
			}
		}
	}
	r.files(page, doc, onSite)
	md := doc.Markdown(r.rewrite(index, onSite))
	title := strings.TrimSpace(w.it.Title)
	if title == "" {
		title = strings.TrimSpace(doc.Title)
	}
	var from []string
	switch {
	case w.link == nil || !onSite(w.link) || w.home:
	case platformServes(w.link):
		r.noteOwnPage(page, w.link, w.path)
	default:
		from = append(from, oldPath(w.link))
	}
	id := strconv.FormatInt(w.it.ID, 10)
	if w.it.Type == "page" {
		if title == "" {
			title = titleFromPath(w.path)
		}
		if !w.home {
			from = append(from, "/?page_id="+id)
		}
		item, reds, err := r.store.ImportPage(r.by, models.ImportPageInput{JobID: r.job.ID, SourceKey: key, SourceURL: page,
			Path: w.path, Title: title, BodyMD: md, Publish: r.job.Publish && !w.home, RedirectFrom: from})
		return r.recordPage(&r.rep.Pages, page, item, reds, err)
	}
	if title == "" {
		title = "News from " + w.it.Date.Format("2 January 2006")
	}
	from = append(from, "/?p="+id)
	sum := summary(w.it.Excerpt)
	if sum == "" {
		sum = doc.Lead(maxSummary) // WordPress shows the post's start when it has no excerpt
	}
	item, reds, err := r.store.ImportPost(r.by, models.ImportPostInput{JobID: r.job.ID, SourceKey: key, SourceURL: page,
		Slug: w.slug, Title: title, Summary: sum, BodyMD: md, Date: w.it.Date, Publish: r.job.Publish, RedirectFrom: from})
	return r.recordPage(&r.rep.News, page, item, reds, err)
}

// parseLink reads an item's old address, relative to the site's.
func parseLink(base *url.URL, raw string) *url.URL {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	u, err := base.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil
	}
	return u
}

func linkString(u *url.URL, it wxr.Item) string {
	if u != nil {
		return u.String()
	}
	return fmt.Sprintf("WordPress %s %d", it.Type, it.ID)
}

func statusWord(s string) string {
	switch s {
	case "draft", "auto-draft":
		return "a draft"
	case "pending":
		return "waiting for review"
	case "future":
		return "scheduled"
	case "trash":
		return "in the bin"
	case "private":
		return "private"
	}
	return strconv.Quote(s)
}

// maxSummary is the longest summary an import writes, in characters.
const maxSummary = 300

// summary is a post's excerpt as plain text of at most maxSummary
// characters.
func summary(excerpt string) string {
	s := strings.Join(strings.Fields(excerpt), " ")
	if strings.ContainsAny(s, "<>") {
		return ""
	}
	return extract.CutAtWord(s, maxSummary)
}

func sortedKeys(m map[string]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
