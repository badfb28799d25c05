package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestParseRedirectNormalisesOldAddresses(t *testing.T) {
	tests := []struct {
		from, wantPath, wantQuery string
	}{
		{"/About-Us.html", "/About-Us.html", ""},
		{"/news/2019/05/flu-clinic/", "/news/2019/05/flu-clinic", ""},
		{"  /contact#map ", "/contact", ""},
		{"/index.php?page_id=7", "/index.php", "page_id=7"},
		{"/index.php?page_id=7&lang=en#top", "/index.php", "lang=en&page_id=7"},
		{"/?p=123", "/", "p=123"},
		{"/our%20team.aspx", "/our team.aspx", ""},
		{"/a//b/./c/", "/a/b/c", ""},
		{"/x?", "/x", ""},
	}
	for _, tt := range tests {
		r, err := models.ParseRedirect(models.RedirectInput{From: tt.from, To: "/new"})
		if err != nil || r.FromPath != tt.wantPath || r.FromQuery != tt.wantQuery {
			t.Errorf("From %q: %q ? %q, %v; want %q ? %q", tt.from, r.FromPath, r.FromQuery, err, tt.wantPath, tt.wantQuery)
		}
		if r.Status != 301 || r.Source != models.RedirectManual {
			t.Errorf("From %q: status %d source %q, want the defaults 301 and manual", tt.from, r.Status, r.Source)
		}
	}
}

func TestParseRedirectRefuses(t *testing.T) {
	tests := []struct {
		name  string
		in    models.RedirectInput
		field string
	}{
		{"empty from", models.RedirectInput{To: "/about"}, "from"},
		{"full URL as from", models.RedirectInput{From: "https://old.example/about", To: "/about"}, "from"},
		{"protocol-relative from", models.RedirectInput{From: "//evil.example/x", To: "/about"}, "from"},
		{"admin", models.RedirectInput{From: "/admin/pages", To: "/about"}, "from"},
		{"admin in capitals", models.RedirectInput{From: "/ADMIN", To: "/about"}, "from"},
		{"static", models.RedirectInput{From: "/static/x.css", To: "/about"}, "from"},
		{"media", models.RedirectInput{From: "/media/1/x.png", To: "/about"}, "from"},
		{"home page", models.RedirectInput{From: "/", To: "/about"}, "from"},
		{"bad escape", models.RedirectInput{From: "/a%zz", To: "/about"}, "from"},
		{"bad query", models.RedirectInput{From: "/a?x=%zz", To: "/about"}, "from"},
		{"control character", models.RedirectInput{From: "/a%0Ab", To: "/about"}, "from"},
		{"too long", models.RedirectInput{From: "/" + strings.Repeat("a", 2001), To: "/about"}, "from"},
		{"empty to", models.RedirectInput{From: "/a"}, "to"},
		{"http", models.RedirectInput{From: "/a", To: "http://www.nhs.uk/"}, "to"},
		{"javascript", models.RedirectInput{From: "/a", To: "javascript:alert(1)"}, "to"},
		{"protocol-relative to", models.RedirectInput{From: "/a", To: "//evil.example/"}, "to"},
		{"backslash to", models.RedirectInput{From: "/a", To: `/\evil.example`}, "to"},
		{"no host", models.RedirectInput{From: "/a", To: "https:///x"}, "to"},
		{"user info", models.RedirectInput{From: "/a", To: "https://nhs.uk@evil.example/"}, "to"},
		{"relative", models.RedirectInput{From: "/a", To: "about"}, "to"},
		{"spaces", models.RedirectInput{From: "/a", To: "/about us"}, "to"},
		{"to itself", models.RedirectInput{From: "/a/", To: "/a"}, "to"},
		{"to itself with a query", models.RedirectInput{From: "/a", To: "/a?x=1"}, "to"},
		{"status", models.RedirectInput{From: "/a", To: "/b", Status: 307}, "status"},
		{"source", models.RedirectInput{From: "/a", To: "/b", Source: "<script>"}, "source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := models.ParseRedirect(tt.in)
			if got := servicesFieldOf(err); got != tt.field {
				t.Errorf("%+v: %v (field %q), want a message for %q", tt.in, err, got, tt.field)
			}
		})
	}
	for _, ok := range []models.RedirectInput{
		{From: "/index.php?page_id=7", To: "/index.php"},
		{From: "/a", To: "https://www.nhs.uk/conditions/flu/", Status: 302},
		{From: "/a", To: "/b?tab=2#opening-times"},
	} {
		if _, err := models.ParseRedirect(ok); err != nil {
			t.Errorf("%+v refused: %v", ok, err)
		}
	}
}

func TestRedirectTableMatch(t *testing.T) {
	table := models.NewRedirectTable([]models.Redirect{
		{ID: 1, FromPath: "/index.php", FromQuery: "page_id=7", To: "/about"},
		{ID: 2, FromPath: "/index.php", FromQuery: "page_id=8", To: "/contact"},
		{ID: 3, FromPath: "/index.php", To: "/"},
		{ID: 4, FromPath: "/news/flu-clinic", To: "/news/flu"},
		{ID: 5, FromPath: "/", FromQuery: "p=12", To: "/news/hello"},
		{ID: 6, FromPath: "/index.php", FromQuery: "lang=en&page_id=7", To: "/about-en"},
	})
	tests := []struct {
		path, query string
		queryOnly   bool
		want        int64 // 0: no match
	}{
		{"/index.php", "page_id=7", false, 1},
		{"/index.php", "page_id=8", false, 2},
		{"/index.php", "page_id=9", false, 3},
		{"/index.php", "", false, 3},
		{"/index.php", "page_id=7&utm_source=leaflet", false, 1},
		{"/index.php", "lang=en&page_id=7", false, 6},
		{"/index.php", "page_id=7&lang=en", false, 6},
		{"/index.php", "page_id=9", true, 0},
		{"/index.php", "page_id=8", true, 2},
		{"/news/flu-clinic/", "", false, 4},
		{"/news/flu-clinic", "x=1", false, 4},
		{"/News/Flu-Clinic", "", false, 0},
		{"/", "p=12", true, 5},
		{"/", "", false, 0},
		{"/index.php", "page_id=%zz", false, 3},
	}
	for _, tt := range tests {
		r, ok := table.Match(tt.path, tt.query, tt.queryOnly)
		if got := map[bool]int64{true: r.ID}[ok]; got != tt.want {
			t.Errorf("Match(%q, %q, %v) = %d, want %d", tt.path, tt.query, tt.queryOnly, got, tt.want)
		}
	}
}

func TestPutRedirectLifecycleAndIsolation(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		alpha := modelstest.Tenant(t, db, "alpha")
		a := db.ForTenant(ctx, alpha.ID)
		b := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)

		r, err := a.PutRedirect(testActor, 0, models.RedirectInput{From: "/About-Us.html", To: "/about"})
		if err != nil || r.ID == 0 || r.Status != 301 || r.Source != "manual" {
			t.Fatalf("add: %+v %v", r, err)
		}
		if _, err := a.PutRedirect(testActor, 0, models.RedirectInput{From: "/About-Us.html/", To: "/contact"}); servicesFieldOf(err) != "from" {
			t.Errorf("a second redirect from the same address: %v", err)
		}
		r2, err := a.PutRedirect(testActor, r.ID, models.RedirectInput{From: "/About-Us.html", To: "/who-we-are", Status: 302})
		if err != nil || r2.ID != r.ID || r2.To != "/who-we-are" || r2.Status != 302 {
			t.Fatalf("update: %+v %v", r2, err)
		}
		gen := generationOf(t, db, "alpha")
		if _, err := a.PutRedirect(testActor, r.ID, models.RedirectInput{From: "/About-Us.html", To: "/who-we-are", Status: 302}); err != nil {
			t.Fatal(err)
		}
		if g := generationOf(t, db, "alpha"); g != gen {
			t.Errorf("saving an unchanged redirect bumped the generation %d → %d", gen, g)
		}
		if got, err := a.LookupRedirect("/About-Us.html/", "utm_source=x"); err != nil || got.ID != r.ID {
			t.Errorf("lookup: %+v %v", got, err)
		}

		// Beta sees, changes and removes none of alpha's.
		if _, err := b.RedirectByID(r.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta reads alpha's redirect: %v", err)
		}
		if _, err := b.PutRedirect(testActor, r.ID, models.RedirectInput{From: "/x", To: "/y"}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta changes alpha's redirect: %v", err)
		}
		if err := b.RemoveRedirect(testActor, r.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta removes alpha's redirect: %v", err)
		}
		if _, err := b.LookupRedirect("/About-Us.html", ""); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta's site answers alpha's redirect: %v", err)
		}
		if list, _ := b.Redirects(); len(list) != 0 {
			t.Errorf("beta lists %d redirects", len(list))
		}
		// Beta may have its own redirect from the same address.
		if _, err := b.PutRedirect(testActor, 0, models.RedirectInput{From: "/About-Us.html", To: "/beta-about"}); err != nil {
			t.Errorf("beta's own redirect from the same address: %v", err)
		}

		byFrom, err := a.RedirectByFrom("/About-Us.html#x")
		if err != nil || byFrom.ID != r.ID {
			t.Errorf("by from: %+v %v", byFrom, err)
		}
		if err := a.RemoveRedirect(testActor, r.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := a.Redirects(); len(list) != 0 {
			t.Errorf("after remove: %d", len(list))
		}
		want := []string{models.AuditRedirectAdd, models.AuditRedirectUpdate, models.AuditRedirectRemove}
		log, _ := a.AuditLog(10)
		var got []string
		for i := len(log) - 1; i >= 0; i-- {
			got = append(got, log[i].Action)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("audit log %v, want %v", got, want)
		}
		if !strings.Contains(log[0].Subject, "/About-Us.html → /who-we-are (302)") {
			t.Errorf("audit subject %q", log[0].Subject)
		}
	})
}

func generationOf(t *testing.T, db *models.DB, slug string) int64 {
	t.Helper()
	tn, err := db.TenantBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return tn.Generation
}

func TestPutRedirectRefusesLoopsAndChains(t *testing.T) {
	ctx := context.Background()
	db := modelstest.NewDB(t)
	a := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
	for _, in := range []models.RedirectInput{
		{From: "/a", To: "/b"},
		{From: "/index.php?page_id=7", To: "/about"},
		{From: "/c", To: "https://www.nhs.uk/"},
	} {
		if _, err := a.PutRedirect(testActor, 0, in); err != nil {
			t.Fatalf("%+v: %v", in, err)
		}
	}
	tests := []struct {
		name  string
		in    models.RedirectInput
		field string
		words string
	}{
		{"loop", models.RedirectInput{From: "/b", To: "/a"}, "to", "loop"},
		{"loop through a trailing slash", models.RedirectInput{From: "/b/", To: "/a/"}, "to", "loop"},
		{"chain forward", models.RedirectInput{From: "/z", To: "/a"}, "to", "point this redirect at /b"},
		{"chain forward with a query", models.RedirectInput{From: "/z", To: "/index.php?page_id=7"}, "to", "/index.php?page_id=7 is itself redirected to /about"},
		{"chain backward", models.RedirectInput{From: "/b", To: "/d"}, "from", "the redirect from /a already sends patients to /b"},
		{"chain backward to a query", models.RedirectInput{From: "/about", To: "/e"}, "from", "/index.php?page_id=7"},
	}
	for _, tt := range tests {
		_, err := a.PutRedirect(testActor, 0, tt.in)
		var ve *models.ValidationError
		if !errors.As(err, &ve) || ve.Field != tt.field || !strings.Contains(ve.Message, tt.words) {
			t.Errorf("%s: %v, want a message on %s saying %q", tt.name, err, tt.field, tt.words)
		}
	}
	// Not chains: another query of the same path, an https target.
	for _, in := range []models.RedirectInput{
		{From: "/z", To: "/index.php?page_id=8"},
		{From: "/y", To: "/c?x=1"}, // /c redirects off-site: still a chain
	} {
		_, err := a.PutRedirect(testActor, 0, in)
		if in.From == "/y" {
			if servicesFieldOf(err) != "to" {
				t.Errorf("%+v: %v, want refused as a chain", in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%+v refused: %v", in, err)
		}
	}
	// Editing a redirect is checked against the others, not itself.
	r, _ := a.RedirectByFrom("/a")
	if _, err := a.PutRedirect(testActor, r.ID, models.RedirectInput{From: "/a", To: "/b2"}); err != nil {
		t.Errorf("edit /a → /b2: %v", err)
	}
}

func TestAddRedirectsInOneChange(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		if _, err := a.PutRedirect(testActor, 0, models.RedirectInput{From: "/old-contact", To: "/contact"}); err != nil {
			t.Fatal(err)
		}
		if err := db.AddCounts(ctx, []models.DailyCount{{TenantID: a.TenantID(), Day: time.Now(), Kind: models.KindNotFound, Key: "/About-Us.html", N: 4}}); err != nil {
			t.Fatal(err)
		}
		if nf, _ := a.MissingAddresses(time.Now(), 10); len(nf) != 1 {
			t.Fatalf("missing before the redirect: %+v", nf)
		}
		gen := generationOf(t, db, "alpha")
		in := []models.RedirectInput{
			{From: "/About-Us.html", To: "/about", Source: "import"},
			{From: "/index.php?page_id=7", To: "/practices", Source: "import"},
			{From: "/old-contact", To: "/contact", Source: "import"},     // the same: unchanged
			{From: "/old-contact/", To: "/contact-us", Source: "import"}, // elsewhere: a conflict
			{From: "/team/", To: "/team", Source: "import"},              // the new site answers there already
			{From: "/About-Us.html", To: "/about", Source: "import"},     // twice in the batch
		}
		got, err := a.AddRedirects(testActor, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Added != 2 || got.Unchanged != 3 || len(got.Conflicts) != 1 || got.Conflicts[0].To != "/contact-us" {
			t.Errorf("added %+v", got)
		}
		if g := generationOf(t, db, "alpha"); g != gen+1 {
			t.Errorf("generation %d → %d, want one bump", gen, g)
		}
		log, _ := a.AuditLog(1)
		if len(log) != 1 || log[0].Action != models.AuditRedirectAdd || log[0].Subject != "2 redirects (import)" {
			t.Errorf("audit %+v", log)
		}
		if nf, _ := a.MissingAddresses(time.Now(), 10); len(nf) != 0 {
			t.Errorf("the redirected address is still listed as missing: %+v", nf)
		}
		// The same again changes nothing.
		again, err := a.AddRedirects(testActor, in)
		if err != nil || again.Added != 0 || again.Unchanged != 5 {
			t.Errorf("again: %+v %v", again, err)
		}
		if g := generationOf(t, db, "alpha"); g != gen+1 {
			t.Errorf("a batch that added nothing bumped the generation")
		}
		// A bad line refuses the whole batch, naming it.
		_, err = a.AddRedirects(testActor, []models.RedirectInput{{From: "/new-1", To: "/x"}, {From: "/new-2", To: "http://insecure.example/"}})
		var le *models.RedirectLineError
		if !errors.As(err, &le) || le.Index != 1 || servicesFieldOf(err) != "to" {
			t.Errorf("bad line: %v", err)
		}
		_, err = a.AddRedirects(testActor, []models.RedirectInput{{From: "/p", To: "/q"}, {From: "/q", To: "/r"}})
		if !errors.As(err, &le) || le.Index != 1 || servicesFieldOf(err) != "from" {
			t.Errorf("chain inside the batch: %v", err)
		}
		if _, err := a.RedirectByFrom("/new-1"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a refused batch wrote its first line: %v", err)
		}
	})
}

// TestMissingAddressesComeFromTheAnalytics: the admin's list of missing
// addresses is the analytics' 404 counts over the last MissingWindow
// days, one tenant's only, without the paths a redirect answers or the
// manager dismissed (until they answer 404 again on a later day).
func TestMissingAddressesComeFromTheAnalytics(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		b := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
		now := time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC)
		day := func(ago int) time.Time { return now.AddDate(0, 0, -ago) }
		notFound := func(tn *models.TenantDB, ago int, path string, n int64) models.DailyCount {
			return models.DailyCount{TenantID: tn.TenantID(), Day: day(ago), Kind: models.KindNotFound, Key: path, N: n}
		}
		err := db.AddCounts(ctx, []models.DailyCount{
			notFound(a, 0, "/flu-jabs.html", 2), notFound(a, 3, "/flu-jabs.html", 1),
			notFound(a, 1, "/contact-us.php", 2),
			notFound(a, models.MissingWindow, "/too-old", 50), // the day before the window
			notFound(a, 2, models.OtherKey, 40),               // beyond the counter's cap: no address
			notFound(a, 0, "/redirected", 9),
			notFound(b, 0, "/beta-only", 7),
			{TenantID: a.TenantID(), Day: day(0), Kind: models.KindView, Key: "/flu-jabs.html", N: 100},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.PutRedirect(testActor, 0, models.RedirectInput{From: "/redirected/", To: "/about"}); err != nil {
			t.Fatal(err)
		}
		list, err := a.MissingAddresses(now, 10)
		if err != nil {
			t.Fatal(err)
		}
		want := []models.MissingAddress{
			{Path: "/flu-jabs.html", Hits: 3, LastSeen: time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)},
			{Path: "/contact-us.php", Hits: 2, LastSeen: time.Date(2026, 5, 19, 0, 0, 0, 0, time.UTC)},
		}
		if len(list) != len(want) {
			t.Fatalf("list %+v, want %+v", list, want)
		}
		for i := range want {
			if list[i].Path != want[i].Path || list[i].Hits != want[i].Hits || !list[i].LastSeen.Equal(want[i].LastSeen) {
				t.Errorf("row %d = %+v, want %+v", i, list[i], want[i])
			}
		}
		if one, _ := a.MissingAddresses(now, 1); len(one) != 1 || one[0].Path != "/flu-jabs.html" {
			t.Errorf("limit 1: %+v", one)
		}

		// Dismissing: another tenant cannot; a path not listed is not found;
		// a dismissed path is off the list and audited, and comes back only
		// with 404s on a later day.
		if err := b.DismissNotFound(testActor, "/flu-jabs.html", now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta dismisses alpha's path: %v", err)
		}
		if err := a.DismissNotFound(testActor, "/never-asked", now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("dismiss a path not listed: %v", err)
		}
		if err := a.DismissNotFound(testActor, "/flu-jabs.html", now); err != nil {
			t.Fatal(err)
		}
		if log, _ := a.AuditLog(1); len(log) != 1 || log[0].Action != models.AuditNotFoundRemove || log[0].Subject != "/flu-jabs.html" {
			t.Errorf("dismiss audit %+v", log)
		}
		if list, _ := a.MissingAddresses(now, 10); len(list) != 1 || list[0].Path != "/contact-us.php" {
			t.Errorf("after dismiss: %+v", list)
		}
		if err := db.AddCounts(ctx, []models.DailyCount{notFound(a, 0, "/flu-jabs.html", 5)}); err != nil {
			t.Fatal(err)
		}
		if list, _ := a.MissingAddresses(now, 10); len(list) != 1 {
			t.Errorf("a 404 on the day of the dismissal brought the path back: %+v", list)
		}
		tomorrow := now.AddDate(0, 0, 1)
		if err := db.AddCounts(ctx, []models.DailyCount{{TenantID: a.TenantID(), Day: tomorrow, Kind: models.KindNotFound, Key: "/flu-jabs.html", N: 1}}); err != nil {
			t.Fatal(err)
		}
		list, _ = a.MissingAddresses(tomorrow, 10)
		if len(list) != 2 || list[1].Path != "/flu-jabs.html" || list[1].Hits != 1 {
			t.Errorf("a 404 the day after the dismissal: %+v, want /flu-jabs.html back with 1", list)
		}
	})
}
