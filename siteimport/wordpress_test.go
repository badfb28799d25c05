package siteimport_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/oldsites"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/siteimport"
)

// wordpressExport is a sample export with its old address
// (http://old.example) moved to a test server that serves its uploads.
func wordpressExport(t *testing.T, name string) []byte {
	t.Helper()
	xml, err := oldsites.WordPress(name)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/wp-content/uploads/", http.StripPrefix("/wp-content/uploads/", http.FileServer(http.Dir("../internal/oldsites/wordpress/uploads"))))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return bytes.ReplaceAll(xml, []byte("http://old.example"), []byte(srv.URL))
}

func TestImportWordPress(t *testing.T) {
	f := newFixture(t)
	xml := wordpressExport(t, "nightingale.xml")
	job, rep := f.run(t, models.ImportWordPress, "nightingale.xml", xml, false)
	if job.Status != models.ImportDone {
		t.Fatalf("job = %s: %s", job.Status, job.Error)
	}
	wantPages := map[string]string{
		siteimport.OldHomePath:                 models.ImportCreated,
		"/about-2":                             models.ImportRenamed, // the tenant has its own /about
		"/about/our-team":                      models.ImportCreated,
		"/about/our-team/clinical-pharmacists": models.ImportCreated,
		"/our-services":                        models.ImportCreated,
		"/our-services/social-prescribing":     models.ImportCreated,
		"/contact-us":                          models.ImportCreated,
	}
	for path, result := range wantPages {
		if it, ok := find(rep.Pages, path); !ok || it.Result != result {
			t.Errorf("page %s = %+v, want %s; pages: %+v", path, it, result, rep.Pages)
		}
	}
	if len(rep.Pages) != len(wantPages) {
		t.Errorf("%d pages imported, want %d: %+v", len(rep.Pages), len(wantPages), rep.Pages)
	}
	if d := pageBody(t, f.store, "/about"); d.Revision.BodyMD != "Our own about page." {
		t.Errorf("the manager's /about was changed: %q", d.Revision.BodyMD)
	}
	team := pageBody(t, f.store, "/about/our-team")
	if team.Revision.Title != "Our team" || team.Page.PublishedRevisionID != nil || strings.TrimSpace(team.Revision.BodyMD) == "" {
		t.Errorf("our team = %+v", team.Revision)
	}
	if strings.Contains(team.Revision.BodyMD, "/wp-content/uploads/") {
		t.Errorf("our team still shows the old site's images:\n%s", team.Revision.BodyMD)
	}

	// Posts become news drafts; drafts, private and binned items are not imported.
	if len(rep.News) != 3 {
		t.Errorf("news = %+v, want the 3 published posts", rep.News)
	}
	for _, status := range []string{"a draft", "private", "in the bin"} {
		found := false
		for _, n := range rep.Skipped {
			found = found || strings.Contains(n.Detail, status)
		}
		if !found {
			t.Errorf("skipped = %+v, want an item that is %s", rep.Skipped, status)
		}
	}
	all, _ := f.store.AllMedia()
	kinds := map[string]int{}
	for _, m := range all {
		kinds[m.Kind]++
	}
	if kinds[models.MediaImage] != 2 || kinds[models.MediaPDF] != 1 {
		t.Errorf("media = %v, want the export's 2 images and 1 PDF", kinds)
	}

	// Published, a post keeps its WordPress date and its old address redirects.
	drafts, err := f.store.ImportedDrafts()
	if err != nil {
		t.Fatal(err)
	}
	var posts []int64
	for _, d := range drafts {
		if d.Kind == models.ImportKindNews {
			posts = append(posts, d.ID)
		}
	}
	if n, err := f.store.PublishImported(manager, models.ImportKindNews, posts); err != nil || n != 3 {
		t.Fatalf("publish news = %d, %v", n, err)
	}
	live, err := f.store.PublishedPosts(time.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var flu *models.Post
	for i, p := range live {
		if strings.HasPrefix(p.Title, "Flu and COVID-19") {
			flu = &live[i]
		}
	}
	if flu == nil || flu.PublishedAt == nil || flu.PublishedAt.Year() != 2024 || flu.PublishedAt.Month() != time.September {
		t.Fatalf("published news = %+v, want the flu post dated September 2024", live)
	}
	r, err := f.store.LookupRedirect("/2024/09/16/flu-and-covid-19-vaccinations-winter-2024/", "")
	if err != nil || r.To != "/news/"+flu.Slug {
		t.Errorf("redirect of the old post address = %+v, %v", r, err)
	}
	if r, err := f.store.LookupRedirect("/", "p=20"); err != nil || r.To != "/news/"+flu.Slug {
		t.Errorf("redirect of /?p=20 = %+v, %v", r, err)
	}

	// The same file again changes nothing.
	job2, rep2 := f.run(t, models.ImportWordPress, "nightingale.xml", xml, false)
	if job2.Status != models.ImportDone || !rep2.Unchanged {
		t.Errorf("second run = %s %q, unchanged %v: pages %+v news %+v media %+v redirects %+v", job2.Status, job2.Error, rep2.Unchanged,
			rep2.Pages, rep2.News, rep2.Media, rep2.Redirects)
	}
}

func TestImportWordPressRefusesWhatIsNotAnExport(t *testing.T) {
	f := newFixture(t)
	job, _ := f.run(t, models.ImportWordPress, "notes.xml", []byte(`<?xml version="1.0"?><notes><note>hello</note></notes>`), false)
	if job.Status != models.ImportFailed || !strings.Contains(job.Error, "not a WordPress export") {
		t.Errorf("job = %s %q", job.Status, job.Error)
	}
}
