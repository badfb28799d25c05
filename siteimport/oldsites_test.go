package siteimport_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/oldsites"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/siteimport"
)

// TestImportSampleSites imports each sample old website (Wix, WordPress in
// the Nightingale style, hand-written), published, and checks what a
// manager would: pages with titles and text, no site-builder chrome, the
// old addresses redirecting, and nothing changed by a second run.
func TestImportSampleSites(t *testing.T) {
	for _, name := range oldsites.Sites() {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			srv := httptest.NewServer(oldsites.Handler(name))
			t.Cleanup(srv.Close)
			job, rep := f.run(t, models.ImportSite, srv.URL+"/", nil, true)
			if job.Status != models.ImportDone {
				t.Fatalf("job = %s: %s", job.Status, job.Error)
			}
			if len(rep.Pages) < 3 {
				t.Fatalf("pages = %+v, want the site's pages", rep.Pages)
			}
			bodies := map[string]string{}
			for _, it := range rep.Pages {
				d := pageBody(t, f.store, it.Target)
				if other, ok := bodies[d.Revision.BodyMD]; ok {
					t.Errorf("%s and %s are the same page twice", other, it.Target)
				}
				bodies[d.Revision.BodyMD] = it.Target
				if d.Revision.Title == "" || len(strings.TrimSpace(d.Revision.BodyMD)) < 20 {
					t.Errorf("%s (from %s) = %q: %q", it.Target, it.Source, d.Revision.Title, d.Revision.BodyMD)
				}
				for _, chrome := range []string{"top of page", "bottom of page", "<script", "cookie"} {
					if strings.Contains(strings.ToLower(d.Revision.BodyMD), chrome) {
						t.Errorf("%s has %q:\n%s", it.Target, chrome, d.Revision.BodyMD)
					}
				}
				published := d.Page.PublishedRevisionID != nil
				if want := it.Target != siteimport.OldHomePath; published != want {
					t.Errorf("%s published = %v, want %v", it.Target, published, want)
				}
			}
			// The blog posts (Wix's /post/…, WordPress's dated addresses) come
			// in as news with their dates, published (the job publishes), and
			// no post is a page as well.
			wantNews := map[string]int{"wix": 5, "nightingale": 5, "plain": 0}[name]
			if len(rep.News) != wantNews {
				t.Errorf("news = %+v, want %d posts", rep.News, wantNews)
			}
			for _, it := range rep.News {
				slug, ok := strings.CutPrefix(it.Target, "/news/")
				if !ok {
					t.Errorf("post %s came in at %s, not under /news/", it.Source, it.Target)
					continue
				}
				p, err := f.store.PostBySlug(slug, time.Now())
				if err != nil {
					t.Errorf("post %s: %v", it.Target, err)
					continue
				}
				if p.PublishedAt == nil || p.PublishedAt.Year() < 2023 || p.PublishedAt.Year() > 2024 || strings.TrimSpace(p.BodyMD) == "" || p.Title == "" {
					t.Errorf("post %s = %q published %v: %q", it.Target, p.Title, p.PublishedAt, p.BodyMD)
				}
				// Its summary on the news list is its own first paragraph.
				if p.Summary == "" || len([]rune(p.Summary)) > 300 || !strings.Contains(p.BodyMD, strings.TrimSuffix(p.Summary, "…")[:20]) {
					t.Errorf("post %s: summary %q, want the start of its text", it.Target, p.Summary)
				}
			}
			for _, it := range rep.Pages {
				if strings.Contains(it.Source, "/post/") || strings.Contains(it.Source, "/2023/") || strings.Contains(it.Source, "/2024/") {
					t.Errorf("the post %s came in as the page %s", it.Source, it.Target)
				}
			}
			if len(rep.Redirects) == 0 {
				t.Errorf("no redirects from the old addresses")
			}
			// The new site's own /contact answers the old /contact: a redirect
			// from there would never be used, so the report says so instead.
			for _, r := range rep.Redirects {
				if strings.EqualFold(strings.TrimSuffix(r.From, "/"), "/contact") {
					t.Errorf("a redirect from %s to %s, which the site's own /contact hides", r.From, r.To)
				}
			}
			if name == "wix" && !noteSays(rep.Found, "address", "/contact is the new site's own page") {
				t.Errorf("found = %+v, want a note that the old /contact is the site's own page", rep.Found)
			}
			for _, r := range rep.Redirects {
				if got, err := f.store.LookupRedirect(strings.SplitN(r.From, "?", 2)[0], query(r.From)); err != nil || got.To != r.To {
					t.Errorf("redirect %s = %+v, %v; want to %s", r.From, got, err, r.To)
				}
			}
			if len(rep.Media) == 0 {
				t.Errorf("no images or files came across")
			}
			t.Logf("%s: %d pages, %d media, %d redirects, %d without alt, %d dropped, %d found, %d skipped, in %s",
				name, len(rep.Pages), len(rep.Media), len(rep.Redirects), len(rep.NoAlt), len(rep.Dropped), len(rep.Found), len(rep.Skipped), rep.Duration)
			for _, it := range append(rep.Pages, rep.News...) {
				t.Logf("  %s %s → %s", it.Result, it.Source, it.Target)
			}
			for _, l := range [][]models.ImportNote{rep.NoAlt, rep.Dropped, rep.Found, rep.Skipped} {
				for _, n := range l {
					t.Logf("  note %s %s: %s", n.Kind, n.Page, n.Detail)
				}
			}

			job2, rep2 := f.run(t, models.ImportSite, srv.URL+"/", nil, true)
			if job2.Status != models.ImportDone || !rep2.Unchanged {
				t.Errorf("second run = %s %q, unchanged %v: %+v", job2.Status, job2.Error, rep2.Unchanged, rep2.Pages)
			}
		})
	}
}

func query(from string) string {
	_, q, _ := strings.Cut(from, "?")
	return q
}

// noteSays says notes has one of kind whose detail contains detail.
func noteSays(notes []models.ImportNote, kind, detail string) bool {
	for _, n := range notes {
		if n.Kind == kind && strings.Contains(n.Detail, detail) {
			return true
		}
	}
	return false
}
