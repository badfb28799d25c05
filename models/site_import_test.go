package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

var importer = models.Actor{Name: "import: jane@example.nhs.uk"}

func TestQueueImportChecksWhatItIsGiven(t *testing.T) {
	db := modelstest.NewDB(t)
	store := db.ForTenant(context.Background(), modelstest.Tenant(t, db, "alpha").ID)
	for _, tc := range []struct {
		name, kind, source string
		payload            []byte
		field              string
	}{
		{"no address", models.ImportSite, "", nil, "address"},
		{"not a web address", models.ImportSite, "www.example.nhs.uk", nil, "address"},
		{"ftp", models.ImportSite, "ftp://example.nhs.uk/", nil, "address"},
		{"no host", models.ImportSite, "https:///about", nil, "address"},
		{"no file", models.ImportWordPress, "export.xml", nil, "file"},
		{"too large", models.ImportWordPress, "export.xml", make([]byte, models.MaxImportPayload+1), "file"},
		{"unknown kind", "wix", "https://example.nhs.uk", nil, "kind"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := store.QueueImport(testActor, tc.kind, tc.source, tc.payload, 0, false)
			var ve *models.ValidationError
			if !errors.As(err, &ve) || ve.Field != tc.field || ve.Message == "" {
				t.Fatalf("QueueImport = %v, want a validation error on %q", err, tc.field)
			}
		})
	}
	if jobs, _ := store.ImportJobs(0); len(jobs) != 0 {
		t.Errorf("refused imports were queued: %+v", jobs)
	}
}

func TestQueueImportOneAtATimeAndAudited(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	alpha := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
	beta := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)

	job, err := alpha.QueueImport(testActor, models.ImportSite, " https://www.old-pcn.nhs.uk/ ", nil, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	if job.Status != models.ImportQueued || job.MaxPages != models.DefaultImportPages || job.Source != "https://www.old-pcn.nhs.uk/" {
		t.Errorf("queued job = %+v", job)
	}
	if _, err := alpha.QueueImport(testActor, models.ImportWordPress, "export.xml", []byte("<rss/>"), 0, false); !errors.Is(err, models.ErrImportBusy) {
		t.Errorf("second import while one is queued: %v, want ErrImportBusy", err)
	}
	// Another tenant is not held up.
	if _, err := beta.QueueImport(testActor, models.ImportWordPress, "export.xml", []byte("<rss/>"), 0, true); err != nil {
		t.Errorf("beta's import: %v", err)
	}
	log, err := alpha.AuditLog(10)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].Action != models.AuditImportQueue || log[0].UserEmail != testActor.Name {
		t.Errorf("audit log = %+v, want one %s", log, models.AuditImportQueue)
	}

	// Once it has run, another may be queued.
	claimed, err := db.ClaimImportJob(ctx, "replica-a", time.Now(), time.Minute)
	if err != nil || claimed == nil || claimed.ID != job.ID {
		t.Fatalf("claim = %+v, %v", claimed, err)
	}
	if _, err := alpha.QueueImport(testActor, models.ImportSite, "https://www.old-pcn.nhs.uk/", nil, 0, false); !errors.Is(err, models.ErrImportBusy) {
		t.Errorf("import while one is running: %v, want ErrImportBusy", err)
	}
	if err := db.FinishImportJob(ctx, job.ID, "replica-a", &models.ImportReport{Source: job.Source}, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := alpha.QueueImport(testActor, models.ImportSite, "https://www.old-pcn.nhs.uk/", nil, 0, false); err != nil {
		t.Errorf("import after the first finished: %v", err)
	}
}

func TestImportJobsStayInTheirTenant(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	alpha := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
	beta := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
	bj, err := beta.QueueImport(testActor, models.ImportWordPress, "beta.xml", []byte("<rss>secret</rss>"), 0, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alpha.ImportJobByID(bj.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("alpha reads beta's import: %v", err)
	}
	if jobs, _ := alpha.ImportJobs(0); len(jobs) != 0 {
		t.Errorf("alpha lists %+v", jobs)
	}
	jobs, err := beta.ImportJobs(10)
	if err != nil || len(jobs) != 1 || jobs[0].Source != "beta.xml" || jobs[0].Payload != nil {
		t.Errorf("beta's list = %+v, %v (want its job without the payload)", jobs, err)
	}
	got, err := beta.ImportJobByID(bj.ID)
	if err != nil || got.Payload != nil || got.Kind != models.ImportWordPress {
		t.Errorf("beta's job = %+v, %v", got, err)
	}
}

func TestImportJobLease(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		store := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
		if j, err := db.ClaimImportJob(ctx, "a", now, time.Minute); j != nil || err != nil {
			t.Fatalf("claim with nothing queued = %+v, %v", j, err)
		}
		job, err := store.QueueImport(testActor, models.ImportWordPress, "x.xml", []byte("<rss/>"), 0, false)
		if err != nil {
			t.Fatal(err)
		}
		a, err := db.ClaimImportJob(ctx, "a", now, time.Minute)
		if err != nil || a == nil || a.ID != job.ID || a.Status != models.ImportRunning || string(a.Payload) != "<rss/>" || a.Attempts != 1 {
			t.Fatalf("a's claim = %+v, %v", a, err)
		}
		if b, err := db.ClaimImportJob(ctx, "b", now.Add(30*time.Second), time.Minute); b != nil || err != nil {
			t.Fatalf("b took a held job: %+v, %v", b, err)
		}
		if err := db.RenewImportJob(ctx, job.ID, "a", "Read 3 pages", now.Add(50*time.Second), time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := db.RenewImportJob(ctx, job.ID, "b", "", now, time.Minute); !errors.Is(err, models.ErrImportLost) {
			t.Errorf("b renews a's job: %v", err)
		}
		if got, _ := store.ImportJobByID(job.ID); got.Progress != "Read 3 pages" {
			t.Errorf("progress = %q", got.Progress)
		}
		// a dies: its lease (renewed to 1:50) runs out and b takes over.
		if b, _ := db.ClaimImportJob(ctx, "b", now.Add(100*time.Second), time.Minute); b != nil {
			t.Fatalf("b took the job before the lease ran out")
		}
		b, err := db.ClaimImportJob(ctx, "b", now.Add(111*time.Second), time.Minute)
		if err != nil || b == nil || b.ID != job.ID || b.Holder != "b" || b.Attempts != 2 {
			t.Fatalf("b's take-over = %+v, %v", b, err)
		}
		if err := db.RenewImportJob(ctx, job.ID, "a", "", now.Add(112*time.Second), time.Minute); !errors.Is(err, models.ErrImportLost) {
			t.Errorf("a renews after losing the job: %v", err)
		}
		if err := db.FinishImportJob(ctx, job.ID, "a", nil, "late", now); !errors.Is(err, models.ErrImportLost) {
			t.Errorf("a finishes b's job: %v", err)
		}
		rep := &models.ImportReport{Source: "x.xml", Pages: []models.ImportedItem{{Source: "wxr:x#2", Target: "/about", Result: models.ImportCreated}}}
		if err := db.FinishImportJob(ctx, job.ID, "b", rep, "", now.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		done, err := store.ImportJobByID(job.ID)
		if err != nil || done.Status != models.ImportDone || done.FinishedAt == nil || done.Error != "" {
			t.Fatalf("finished job = %+v, %v", done, err)
		}
		got, err := done.ReportData()
		if err != nil || len(got.Pages) != 1 || got.Pages[0].Target != "/about" {
			t.Errorf("report = %+v, %v", got, err)
		}
		if j, _ := db.ClaimImportJob(ctx, "c", now.Add(time.Hour), time.Minute); j != nil {
			t.Errorf("a finished job was claimed again: %+v", j)
		}
	})
}

func TestImportJobFailsAfterKillingItsReplicas(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	store := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
	job, err := store.QueueImport(testActor, models.ImportSite, "https://old.example.nhs.uk/", nil, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i := range models.MaxImportAttempts {
		j, err := db.ClaimImportJob(ctx, "replica", now.Add(time.Duration(i)*time.Hour), time.Minute)
		if err != nil || j == nil {
			t.Fatalf("claim %d = %+v, %v", i+1, j, err)
		}
	}
	if j, err := db.ClaimImportJob(ctx, "replica", now.Add(10*time.Hour), time.Minute); j != nil || err != nil {
		t.Fatalf("claim after %d attempts = %+v, %v", models.MaxImportAttempts, j, err)
	}
	got, _ := store.ImportJobByID(job.ID)
	if got.Status != models.ImportFailed || !strings.Contains(got.Error, "given up") {
		t.Errorf("job = %+v, want failed", got)
	}
}

func TestFailedImportSaysWhy(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	store := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
	job, _ := store.QueueImport(testActor, models.ImportSite, "https://old.example.nhs.uk/", nil, 0, false)
	if _, err := db.ClaimImportJob(ctx, "a", time.Now(), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishImportJob(ctx, job.ID, "a", nil, "The address could not be reached.", time.Now()); err != nil {
		t.Fatal(err)
	}
	got, _ := store.ImportJobByID(job.ID)
	if got.Status != models.ImportFailed || got.Error != "The address could not be reached." {
		t.Errorf("job = %+v", got)
	}
	if rep, err := got.ReportData(); err != nil || rep.Source != "" {
		t.Errorf("report of a failed job = %+v, %v", rep, err)
	}
}

func importPage(t *testing.T, store *models.TenantDB, key, path, title, body string) models.ImportedItem {
	t.Helper()
	item, _, err := store.ImportPage(importer, models.ImportPageInput{SourceKey: key, SourceURL: key, Path: path, Title: title, BodyMD: body,
		RedirectFrom: []string{"/old" + path + ".html"}})
	if err != nil {
		t.Fatalf("import %s: %v", key, err)
	}
	return item
}

func TestImportPageIsIdempotentAndLeavesManagersPagesAlone(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		store := db.ForTenant(context.Background(), modelstest.Tenant(t, db, "alpha").ID)
		const src = "https://old.example.nhs.uk/about-us.html"

		got := importPage(t, store, src, "/about-us", "About us", "We are a PCN.")
		if got.Result != models.ImportCreated || got.Target != "/about-us" {
			t.Errorf("first import = %+v", got)
		}
		if _, err := store.PublishedPage("/about-us"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("an imported page was published without --publish: %v", err)
		}
		revs, _ := store.Revisions("/about-us")
		if got := importPage(t, store, src, "/about-us", "About us", "We are a PCN."); got.Result != models.ImportUnchanged {
			t.Errorf("second import = %+v, want unchanged", got)
		}
		if again, _ := store.Revisions("/about-us"); len(again) != len(revs) {
			t.Errorf("an unchanged import wrote a revision: %d → %d", len(revs), len(again))
		}
		if got := importPage(t, store, src, "/about-us", "About us", "We are a PCN of four practices."); got.Result != models.ImportUpdated {
			t.Errorf("changed source = %+v, want updated", got)
		}

		// A manager edits the imported page: a later import keeps it.
		d, _ := store.PageForEdit("/about-us")
		if _, err := store.PutPage(models.PageInput{Path: "/about-us", Title: "About us", BodyMD: "Written by us.", By: testActor, Draft: true,
			BaseRevisionID: &d.Revision.ID}); err != nil {
			t.Fatal(err)
		}
		got = importPage(t, store, src, "/about-us", "About us", "Yet another text.")
		if got.Result != models.ImportKept {
			t.Errorf("import over a manager's edit = %+v, want kept", got)
		}
		if d, _ := store.PageForEdit("/about-us"); d.Revision.BodyMD != "Written by us." {
			t.Errorf("the manager's text was replaced: %q", d.Revision.BodyMD)
		}

		// A page the manager wrote at the same path is never touched.
		if _, err := store.PutPage(models.PageInput{Path: "/contact", Title: "Contact", BodyMD: "Ours.", By: testActor}); err != nil {
			t.Fatal(err)
		}
		got = importPage(t, store, "https://old.example.nhs.uk/contact.php", "/contact", "Contact us", "Theirs.")
		if got.Result != models.ImportRenamed || got.Target != "/contact-2" || got.Note == "" {
			t.Errorf("import at a manager's path = %+v, want renamed to /contact-2", got)
		}
		if p, _ := store.PublishedPage("/contact"); p.Revision.BodyMD != "Ours." {
			t.Errorf("the manager's page = %+v", p.Revision)
		}
		if got := importPage(t, store, "https://old.example.nhs.uk/contact.php", "/contact", "Contact us", "Theirs."); got.Result != models.ImportUnchanged || got.Target != "/contact-2" {
			t.Errorf("second import of the renamed page = %+v", got)
		}
	})
}

func TestImportPostKeepsItsDate(t *testing.T) {
	db := modelstest.NewDB(t)
	store := db.ForTenant(context.Background(), modelstest.Tenant(t, db, "alpha").ID)
	date := time.Date(2024, 10, 1, 9, 30, 0, 0, time.UTC)
	in := models.ImportPostInput{SourceKey: "wxr:old#12", SourceURL: "https://old.example.nhs.uk/2024/10/flu/", Slug: "flu-clinics",
		Title: "Flu clinics", BodyMD: "Book now.", Date: date, RedirectFrom: []string{"/2024/10/flu/"}}
	got, _, err := store.ImportPost(importer, in)
	if err != nil || got.Result != models.ImportCreated || got.Target != "/news/flu-clinics" {
		t.Fatalf("import post = %+v, %v", got, err)
	}
	if again, _, err := store.ImportPost(importer, in); err != nil || again.Result != models.ImportUnchanged {
		t.Errorf("second import = %+v, %v", again, err)
	}
	// Another post, elsewhere, with the same slug gets a suffix.
	other := in
	other.SourceKey, other.Title = "wxr:old#13", "Flu clinics again"
	if got, _, err := store.ImportPost(importer, other); err != nil || got.Result != models.ImportRenamed || got.Target != "/news/flu-clinics-2" {
		t.Errorf("clashing post = %+v, %v", got, err)
	}
	drafts, err := store.ImportedDrafts()
	if err != nil || len(drafts) != 2 || drafts[0].Kind != models.ImportKindNews {
		t.Fatalf("drafts = %+v, %v", drafts, err)
	}
	if _, err := store.PublishImported(testActor, models.ImportKindNews, []int64{drafts[0].ID}); err != nil {
		t.Fatalf("publish: %v (needs AddRedirects from i12-redir)", err)
	}
	p, err := store.PostByID(drafts[0].ID)
	if err != nil || p.PublishedAt == nil || !p.PublishedAt.Equal(date) {
		t.Errorf("published post = %+v, %v; want published on its old date %v", p, err, date)
	}
}

func TestPublishImported(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	alpha := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
	beta := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
	importPage(t, alpha, "https://old.example.nhs.uk/a", "/services", "Services", "What we do.")
	importPage(t, alpha, "https://old.example.nhs.uk/b", "/team", "Team", "Who we are.")
	if _, err := alpha.PutPage(models.PageInput{Path: "/manual", Title: "Manual", BodyMD: "x", By: testActor, Draft: true}); err != nil {
		t.Fatal(err)
	}
	drafts, err := alpha.ImportedDrafts()
	if err != nil || len(drafts) != 2 || drafts[0].Path != "/services" || drafts[0].Title != "Services" || drafts[0].Source != "https://old.example.nhs.uk/a" {
		t.Fatalf("drafts = %+v, %v (the manager's own draft is not one)", drafts, err)
	}
	if others, _ := beta.ImportedDrafts(); len(others) != 0 {
		t.Errorf("beta sees alpha's drafts: %+v", others)
	}
	if _, err := beta.PublishImported(testActor, models.ImportKindPage, []int64{drafts[0].ID}); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("beta publishes alpha's import: %v", err)
	}
	n, err := alpha.PublishImported(testActor, models.ImportKindPage, []int64{drafts[0].ID})
	if err != nil || n != 1 {
		t.Fatalf("publish = %d, %v (needs AddRedirects from i12-redir)", n, err)
	}
	p, err := alpha.PublishedPage("/services")
	if err != nil || p.Revision.BodyMD != "What we do." {
		t.Errorf("published page = %+v, %v", p, err)
	}
	if left, _ := alpha.ImportedDrafts(); len(left) != 1 || left[0].Path != "/team" {
		t.Errorf("drafts after publishing one = %+v", left)
	}
	log, _ := alpha.AuditLog(1)
	if len(log) == 0 || log[0].UserEmail != testActor.Name {
		t.Errorf("the publish was not audited as the manager: %+v", log)
	}
}

func TestImportPagePublishAddsRedirects(t *testing.T) {
	db := modelstest.NewDB(t)
	store := db.ForTenant(context.Background(), modelstest.Tenant(t, db, "alpha").ID)
	_, reds, err := store.ImportPage(importer, models.ImportPageInput{SourceKey: "https://old.example.nhs.uk/About.HTML", Path: "/about",
		Title: "About", BodyMD: "x", Publish: true, RedirectFrom: []string{"/About.HTML", "/about", "/index.php?page_id=7"}})
	if err != nil {
		t.Fatalf("import: %v (needs AddRedirects from i12-redir)", err)
	}
	want := []models.ImportedRedirect{{From: "/About.HTML", To: "/about"}, {From: "/index.php?page_id=7", To: "/about"}}
	if len(reds) != len(want) || reds[0] != want[0] || reds[1] != want[1] {
		t.Errorf("redirects = %+v, want %+v (the path that did not change needs none)", reds, want)
	}
	if _, err := store.PublishedPage("/about"); err != nil {
		t.Errorf("published import: %v", err)
	}
}
