package siteimport

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/pcnweb/pcnweb/internal/crawl"
	"github.com/pcnweb/pcnweb/internal/extract"
	"github.com/pcnweb/pcnweb/internal/safefetch"
	"github.com/pcnweb/pcnweb/models"
)

// homes are the kinds of content the platform has its own pages for: a
// page that is one of them is not imported.
var homes = map[string]string{
	"news":      "a news listing: news lives at /news on the new site; add the items there",
	"vacancies": "a vacancies page: vacancies live at /vacancies on the new site; add them there",
}

// sitePage is one crawled page on its way in.
type sitePage struct {
	page crawl.Page
	doc  *extract.Doc
	path string
	home bool // the old home page
	// slug is set for a post (extract.Doc.Post): it comes in as news at
	// /news/<slug>, with its date.
	slug string
	// also are other URLs of the site that showed the same content (a
	// WordPress shortlink, a copy): they redirect to this page too.
	also []*url.URL
}

// site imports a crawl of the job's address.
func (r *run) site() error {
	start, err := url.Parse(r.job.Source)
	if err != nil || start.Hostname() == "" {
		return failf(err, "%q is not a website address.", r.job.Source)
	}
	co := r.o.Crawl
	if r.job.MaxPages > 0 {
		co.MaxPages = r.job.MaxPages
	}
	co.Progress = func(p crawl.Progress) {
		r.progress(fmt.Sprintf("Reading the old website: %d pages read, %d more found (%s)", p.Fetched, p.Queued, p.Current))
	}
	r.progress("Reading the old website")
	res, err := crawl.Crawl(r.ctx, r.client, r.job.Source, co)
	if err != nil {
		switch {
		case errors.Is(err, safefetch.ErrBlocked):
			return failf(err, "%s is on a private or local network address, which the importer may not reach. Enter the public address of the old website.", start.Host)
		case r.ctx.Err() != nil:
			return r.ctx.Err()
		default:
			why := strings.TrimSuffix(strings.TrimPrefix(err.Error(), crawl.ErrNothing.Error()+": "), ".")
			return failf(err, "The old website could not be read at %s: %s.", r.job.Source, why)
		}
	}
	for _, s := range res.Skipped {
		note(&r.rep.Skipped, s.URL, "page", s.Reason)
	}
	r.rep.Stopped = res.Stopped
	hosts := []string{start.Hostname()}
	if len(res.Pages) > 0 {
		hosts = append(hosts, res.Pages[0].URL.Hostname())
	}
	onSite := func(u *url.URL) bool {
		for _, h := range hosts {
			if sameSite(u, h) {
				return true
			}
		}
		return false
	}

	// Read every page first: links to a page that is not imported (a news
	// listing) must go to the new site's own page.
	index := map[string]string{} // urlKey → new path
	var pages []*sitePage
	byContent := map[string]*sitePage{} // the same text at two addresses is one page
	var pl, slugs planner
	pl.claim("/")
	for i, cp := range res.Pages {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		r.progress(fmt.Sprintf("Reading page %d of %d: %s", i+1, len(res.Pages), cp.URL.Path))
		page := cp.URL.String()
		doc, err := extract.Page(cp.HTML, cp.URL)
		if err != nil {
			note(&r.rep.Skipped, page, "page", extractReason(err))
			continue
		}
		target := ""
		for _, f := range doc.Found {
			if why, ok := homes[f.Kind]; ok {
				note(&r.rep.Found, page, f.Kind, why)
				target = "/" + f.Kind
			}
		}
		sp := &sitePage{page: cp, doc: doc}
		same := doc.Title + "\x00" + doc.Markdown(extract.Rewrite{})
		if first, ok := byContent[same]; ok && target == "" {
			first.also = append(append(first.also, cp.URL), cp.Aliases...)
			target = first.path
			if first.home {
				target = "/"
			}
			note(&r.rep.Skipped, page, "page", "the same as "+first.page.URL.String())
		} else if target == "" && doc.Post {
			// A blog or news post, by its markup: news, with its date.
			byContent[same] = sp
			sp.slug = slugs.claim(postSlug(cp.URL, doc.Title))
			sp.path = "/news/" + sp.slug
			target = sp.path
			pages = append(pages, sp)
		} else if target == "" {
			byContent[same] = sp
			p := PagePath(cp.URL)
			if sp.home = p == "/"; sp.home {
				p = OldHomePath
				target = "/"
			}
			sp.path = pl.claim(p)
			if target == "" {
				target = sp.path
			}
			pages = append(pages, sp)
		}
		index[urlKey(cp.URL)] = target
		for _, a := range cp.Aliases {
			index[urlKey(a)] = target
		}
	}

	for i, sp := range pages {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		r.progress(fmt.Sprintf("Importing page %d of %d: %s", i+1, len(pages), sp.path))
		if err := r.sitePage(sp, index, onSite); err != nil {
			return err
		}
	}
	return nil
}

// sitePage brings one page in: its files, then its text.
func (r *run) sitePage(sp *sitePage, index map[string]string, onSite func(*url.URL) bool) error {
	page, doc := sp.page.URL.String(), sp.doc
	for _, d := range doc.Dropped {
		note(&r.rep.Dropped, page, d.Kind, d.Detail)
	}
	for _, f := range doc.Found {
		if _, ok := homes[f.Kind]; !ok {
			note(&r.rep.Found, page, f.Kind, f.Detail)
		}
	}
	if sp.home {
		note(&r.rep.Found, page, "home", "the old home page: it is a draft at "+sp.path+"; compare it with your home page and copy what you need")
	}
	r.files(page, doc, onSite)
	md := doc.Markdown(r.rewrite(index, onSite))
	title := strings.TrimSpace(doc.Title)
	if title == "" {
		title = titleFromPath(sp.path)
	}
	var from []string
	for _, u := range append(append([]*url.URL{sp.page.URL}, sp.page.Aliases...), sp.also...) {
		switch {
		case !onSite(u) || sp.home:
		case platformServes(u):
			r.noteOwnPage(page, u, sp.path)
		default:
			from = append(from, oldPath(u))
		}
	}
	if sp.slug != "" {
		item, reds, err := r.store.ImportPost(r.by, models.ImportPostInput{JobID: r.job.ID, SourceKey: page, SourceURL: page,
			Slug: sp.slug, Title: title, Summary: doc.Lead(maxSummary), BodyMD: md, Date: doc.Published, Publish: r.job.Publish, RedirectFrom: from})
		return r.recordPage(&r.rep.News, page, item, reds, err)
	}
	item, reds, err := r.store.ImportPage(r.by, models.ImportPageInput{JobID: r.job.ID, SourceKey: page, SourceURL: page,
		Path: sp.path, Title: title, BodyMD: md, Publish: r.job.Publish && !sp.home, RedirectFrom: from})
	return r.recordPage(&r.rep.Pages, page, item, reds, err)
}

// postSlug is a crawled post's slug: the last segment of its address
// without an extension (/2023/09/14/flu-clinics/ → flu-clinics,
// /post/flu-clinics-2023 → flu-clinics-2023), else its title's, else
// "news".
func postSlug(u *url.URL, title string) string {
	last := path.Base(strings.TrimSuffix(u.Path, "/"))
	last = strings.TrimSuffix(last, path.Ext(last))
	if s := models.Slugify(last); s != "" && strings.Trim(s, "0123456789-") != "" {
		return s
	}
	if s := models.Slugify(title); s != "" {
		return s
	}
	return "news"
}

// recordPage adds an item's outcome to list; a page refused by models'
// checks is skipped with the reason, any other error ends the import.
func (r *run) recordPage(list *[]models.ImportedItem, page string, item models.ImportedItem, reds []models.ImportedRedirect, err error) error {
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		note(&r.rep.Skipped, page, "page", "not imported: "+ve.Message)
		return nil
	case err != nil:
		return fmt.Errorf("siteimport: %s: %w", page, err)
	}
	*list = append(*list, item)
	r.rep.Redirects = append(r.rep.Redirects, reds...)
	return nil
}

// files brings a page's images and the PDFs it links to on the old site
// into the media library, and lists the images without alt text.
func (r *run) files(page string, doc *extract.Doc, onSite func(*url.URL) bool) {
	for _, img := range doc.Images {
		if img.Src == nil {
			continue
		}
		if strings.TrimSpace(img.Alt) == "" {
			note(&r.rep.NoAlt, page, "image", img.Src.String())
		}
		r.file(page, img.Src, img.Alt, "")
	}
	for _, l := range doc.Links {
		if l.URL != nil && onSite(l.URL) && isPDF(l.URL) {
			r.file(page, withoutFragment(l.URL), "", l.Text)
		}
	}
}

// rewrite sends the old site's links to the new paths or media, and its
// images to the media library.
func (r *run) rewrite(index map[string]string, onSite func(*url.URL) bool) extract.Rewrite {
	return extract.Rewrite{
		Link: func(u *url.URL) string {
			if u == nil || !onSite(u) {
				return ""
			}
			if p, ok := index[urlKey(u)]; ok {
				if u.Fragment != "" {
					p += "#" + u.Fragment
				}
				return p
			}
			if src, ok := r.mediaByURL[withoutFragment(u).String()]; ok {
				return src
			}
			return ""
		},
		Image: func(img extract.Image) string {
			if img.Src == nil {
				return ""
			}
			return r.mediaByURL[img.Src.String()]
		},
	}
}

func withoutFragment(u *url.URL) *url.URL {
	c := *u
	c.Fragment, c.RawFragment = "", ""
	return &c
}

// titleFromPath makes a title of a page that had none.
func titleFromPath(p string) string {
	s := strings.ReplaceAll(path.Base(p), "-", " ")
	if s == "" || s == "/" {
		return "Imported page"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func extractReason(err error) string {
	if errors.Is(err, extract.ErrNoContent) {
		return "no main content to take"
	}
	return "could not be read: " + err.Error()
}
