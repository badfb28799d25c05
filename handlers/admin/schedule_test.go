package admin_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/schedule"
)

// scheduleTomorrow is tomorrow at hh:mm, UK time.
func scheduleTomorrow(hh, mm int) time.Time {
	d := time.Now().In(hours.Location()).AddDate(0, 0, 1)
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, hours.Location())
}

// scheduleRunner is a replica's runner on the test server's database, on
// its own clock.
func scheduleRunner(s *server, at time.Time) (*schedule.Runner, *clock) {
	clk := &clock{t: at}
	return schedule.New(schedule.Options{DB: s.db, Logger: slog.New(slog.DiscardHandler), Holder: "test-replica", Now: clk.Now}), clk
}

func scheduleTick(t *testing.T, r *schedule.Runner) {
	t.Helper()
	res, err := r.Tick(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range res {
		if x.Err != nil {
			t.Errorf("change %d failed: %v", x.Change.ID, x.Err)
		}
	}
}

// scheduleForm opens a page's schedule form and returns its hidden fields.
func (b *browser) scheduleForm(t *testing.T, host, path string) url.Values {
	t.Helper()
	r := b.get(t, host, "/admin/pages/schedule?path="+url.QueryEscape(path))
	if r.status != http.StatusOK {
		t.Fatalf("GET schedule form of %s: %d\n%s", path, r.status, r.body)
	}
	rev := revisionRE.FindStringSubmatch(r.body)
	if rev == nil {
		t.Fatalf("no revision field:\n%s", r.body)
	}
	return url.Values{"_csrf": {csrf(t, r.body)}, "path": {path}, "revision": {rev[1]}}
}

func scheduleWith(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

func TestScheduledPublishAndUnpublishReachThePublicSite(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	public := s.browser()
	if r := public.get(t, host, "/about"); !strings.Contains(r.body, "alpha original text") {
		t.Fatalf("public /about: %d", r.status)
	}
	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")

	// A draft, scheduled to be published tomorrow at 10:00.
	draft := scheduleWith(b.editForm(t, host, "/about"), "title", "About us", "body", "Our new opening times", "action", "draft")
	if r := b.post(t, host, "/admin/pages/edit", draft); r.status != http.StatusSeeOther {
		t.Fatalf("save draft: %d\n%s", r.status, r.body)
	}
	ten := scheduleTomorrow(10, 0)
	form := scheduleWith(b.scheduleForm(t, host, "/about"), "action", "publish", "date", ten.Format("2006-01-02"), "time", "10:00")
	r := b.post(t, host, "/admin/pages/schedule", form)
	if r.status != http.StatusSeeOther || r.location() != "/admin/pages/schedule?path=%2Fabout&done=scheduled" {
		t.Fatalf("schedule publish: %d %q\n%s", r.status, r.location(), r.body)
	}
	page := b.get(t, host, r.location())
	if !strings.Contains(page.body, "The change has been scheduled") || !strings.Contains(page.body, "Publish the page /about") ||
		!strings.Contains(page.body, ten.Format("2 January 2006")+" at 10am") {
		t.Errorf("schedule form after scheduling:\n%s", page.body)
	}
	if all := b.get(t, host, "/admin/schedule"); !strings.Contains(all.body, "Publish the page /about") || !strings.Contains(all.body, "jane@example.nhs.uk") {
		t.Errorf("/admin/schedule:\n%s", all.body)
	}

	// The tick of 9:59 leaves the page alone; the tick of 10:00 publishes
	// it and the public site serves the new text at once.
	runner, clk := scheduleRunner(s, ten.Add(-time.Minute+time.Second))
	scheduleTick(t, runner)
	if r := public.get(t, host, "/about"); !strings.Contains(r.body, "alpha original text") {
		t.Errorf("published before its time:\n%s", r.body)
	}
	clk.Add(time.Minute)
	scheduleTick(t, runner)
	if r := public.get(t, host, "/about"); r.status != http.StatusOK || !strings.Contains(r.body, "Our new opening times") {
		t.Errorf("public /about after the 10:00 tick: %d\n%s", r.status, r.body)
	}
	if all := b.get(t, host, "/admin/schedule"); !strings.Contains(all.body, "Nothing is scheduled") {
		t.Errorf("a change that ran is still listed:\n%s", all.body)
	}

	// Unpublished at 11:00 likewise.
	form = scheduleWith(b.scheduleForm(t, host, "/about"), "action", "unpublish", "date", ten.Format("2006-01-02"), "time", "11:00")
	if r := b.post(t, host, "/admin/pages/schedule", form); r.status != http.StatusSeeOther {
		t.Fatalf("schedule unpublish: %d\n%s", r.status, r.body)
	}
	clk.Add(time.Hour)
	scheduleTick(t, runner)
	if r := public.get(t, host, "/about"); r.status != http.StatusNotFound {
		t.Errorf("public /about after the 11:00 unpublish: %d", r.status)
	}
	got := strings.Join(auditActions(t, s, tn), " ")
	for _, want := range []string{"schedule.page-publish", "schedule.page-unpublish"} {
		if !strings.Contains(got, want) {
			t.Errorf("audit log %q lacks %s", got, want)
		}
	}
}

func TestSchedulePageFormRefusals(t *testing.T) {
	s := newServer(t, options{})
	alpha, beta := s.tenant(t, "alpha"), s.tenant(t, "beta")
	s.user(t, alpha, "sam@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	ctx := context.Background()
	store := s.db.ForTenant(ctx, alpha.ID)
	if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "draft", Draft: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ForTenant(ctx, beta.ID).PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/beta-only", Title: "Beta", BodyMD: "beta draft", Draft: true}); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn(t, host, "sam@example.nhs.uk")
	open := b.scheduleForm(t, host, "/about")
	tomorrow := scheduleTomorrow(9, 0).Format("2006-01-02")
	yesterday := time.Now().In(hours.Location()).AddDate(0, 0, -1).Format("2006-01-02")

	for _, tc := range []struct {
		name  string
		form  url.Values
		field string
		msg   string
	}{
		{"no date", scheduleWith(open, "action", "publish", "time", "09:00"), "date", "Enter the date when the change should happen"},
		{"a date in the past", scheduleWith(open, "action", "publish", "date", yesterday, "time", "09:00"), "date", "Enter a date and time in the future"},
		{"not a date", scheduleWith(open, "action", "publish", "date", "31/2/2030"), "date", "Enter a real date"},
		{"not a time", scheduleWith(open, "action", "publish", "date", tomorrow, "time", "9am"), "time", "Enter a real time"},
		{"no action", scheduleWith(open, "date", tomorrow, "time", "09:00"), "action", "Choose whether to publish or unpublish"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.post(t, host, "/admin/pages/schedule", tc.form)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `<a href="#`+tc.field+`">`+tc.msg) ||
				!strings.Contains(r.body, `id="`+tc.field+`-error"`) {
				t.Errorf("%d\n%s", r.status, r.body)
			}
		})
	}
	// Without the CSRF token: refused.
	forged := scheduleWith(open, "action", "unpublish", "date", tomorrow, "time", "09:00")
	forged.Del("_csrf")
	if r := b.post(t, host, "/admin/pages/schedule", forged); r.status != http.StatusForbidden {
		t.Errorf("no CSRF token: %d", r.status)
	}
	// Another tenant's page: 404, nothing scheduled there.
	other := scheduleWith(open, "path", "/beta-only", "action", "unpublish", "date", tomorrow, "time", "09:00")
	if r := b.post(t, host, "/admin/pages/schedule", other); r.status != http.StatusNotFound || strings.Contains(r.body, "beta draft") {
		t.Errorf("another tenant's page: %d", r.status)
	}
	if r := b.get(t, host, "/admin/pages/schedule?path=/beta-only"); r.status != http.StatusNotFound {
		t.Errorf("another tenant's page's form: %d", r.status)
	}
	if p, _ := s.db.ForTenant(ctx, beta.ID).PendingChanges("", ""); len(p) != 0 {
		t.Errorf("scheduled on another tenant: %+v", p)
	}
	// Someone saved the page after the form was opened: 409, nothing
	// scheduled, the user's date kept.
	if _, err := store.PutPage(models.PageInput{By: models.Actor{Name: "test"}, Path: "/about", Title: "About", BodyMD: "someone else's draft", Draft: true}); err != nil {
		t.Fatal(err)
	}
	r := b.post(t, host, "/admin/pages/schedule", scheduleWith(open, "action", "publish", "date", tomorrow, "time", "09:00"))
	if r.status != http.StatusConflict || !strings.Contains(r.body, "Someone else changed this page") || !strings.Contains(r.body, `value="`+tomorrow+`"`) {
		t.Errorf("stale schedule: %d\n%s", r.status, r.body)
	}
	if p, _ := store.PendingChanges("", ""); len(p) != 0 {
		t.Errorf("a refused change was scheduled: %+v", p)
	}
}

var scheduleCancelRE = regexp.MustCompile(`action="/admin/schedule/(\d+)/cancel"`)

func TestCancelScheduledChange(t *testing.T) {
	s := newServer(t, options{})
	alpha, beta := s.tenant(t, "alpha"), s.tenant(t, "beta")
	s.user(t, alpha, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	ctx := context.Background()
	now := time.Now()
	in := models.ScheduleInput{Kind: models.ScheduleKindPage, Target: "/about", Action: models.ScheduleUnpublish, RunAt: now.Add(time.Hour), Now: now, By: models.Actor{Name: "x@example.nhs.uk"}}
	mine, err := s.db.ForTenant(ctx, alpha.ID).ScheduleChange(in)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := s.db.ForTenant(ctx, beta.ID).ScheduleChange(in)
	if err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	list := b.get(t, host, "/admin/schedule")
	m := scheduleCancelRE.FindStringSubmatch(list.body)
	if m == nil || m[1] != strconv.FormatInt(mine.ID, 10) || strings.Contains(list.body, "/admin/schedule/"+strconv.FormatInt(theirs.ID, 10)+"/") {
		t.Fatalf("list shows %v, want only change %d:\n%s", m, mine.ID, list.body)
	}
	tok := csrf(t, list.body)

	// Another tenant's change: 404 and still pending.
	if r := b.post(t, host, "/admin/schedule/"+strconv.FormatInt(theirs.ID, 10)+"/cancel", url.Values{"_csrf": {tok}}); r.status != http.StatusNotFound {
		t.Errorf("cancel another tenant's change: %d", r.status)
	}
	if p, _ := s.db.ForTenant(ctx, beta.ID).PendingChanges("", ""); len(p) != 1 {
		t.Errorf("another tenant's change was cancelled: %+v", p)
	}
	// No token: refused.
	if r := b.post(t, host, "/admin/schedule/"+m[1]+"/cancel", url.Values{}); r.status != http.StatusForbidden {
		t.Errorf("cancel without a token: %d", r.status)
	}
	// Cancelled from the page's form: back there, gone, and it never runs.
	r := b.post(t, host, "/admin/schedule/"+m[1]+"/cancel", url.Values{"_csrf": {tok}, "from": {"page"}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/pages/schedule?path=%2Fabout&done=cancelled" {
		t.Fatalf("cancel: %d %q", r.status, r.location())
	}
	if page := b.get(t, host, r.location()); !strings.Contains(page.body, "has been cancelled") || !strings.Contains(page.body, "Nothing is scheduled for this page") {
		t.Errorf("page form after cancelling:\n%s", page.body)
	}
	if r := b.post(t, host, "/admin/schedule/"+m[1]+"/cancel", url.Values{"_csrf": {tok}}); r.status != http.StatusNotFound {
		t.Errorf("cancel twice: %d", r.status)
	}
	runner, _ := scheduleRunner(s, now.Add(2*time.Hour))
	scheduleTick(t, runner)
	if _, err := s.db.ForTenant(ctx, alpha.ID).PublishedPage("/about"); err != nil {
		t.Errorf("the cancelled unpublish ran: %v", err)
	}
	if !contains(auditActions(t, s, alpha), "schedule.cancel") {
		t.Errorf("no audit row for the cancel: %v", auditActions(t, s, alpha))
	}
}

func TestNewsUnpublishAt(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	public := s.browser()
	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	today := time.Now().In(hours.Location()).Format("2006-01-02")
	nine := scheduleTomorrow(9, 0)
	tok := b.newsToken(t, host, "/admin/news/new")
	base := url.Values{"_csrf": {tok}, "title": {"Flu clinic on Saturday"}, "slug": {"flu"}, "body": {"Come along."}, "date": {today}, "time": {"00:00"}}

	for _, tc := range []struct {
		name       string
		date, time string
		msg        string
	}{
		{"in the past", today, "00:00", "Enter an unpublish date and time in the future"},
		{"a time without a date", "", "09:00", "Enter a date as well as a time"},
		{"not a date", "2030-02-31", "", "Enter a real date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.post(t, host, "/admin/news/new", scheduleWith(base, "unpublish_date", tc.date, "unpublish_time", tc.time))
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `<a href="#unpublish_date">`+tc.msg) ||
				!strings.Contains(r.body, `id="unpublish_date-error"`) || !strings.Contains(r.body, "Come along.") {
				t.Errorf("%d\n%s", r.status, r.body)
			}
		})
	}
	if posts, _ := s.db.ForTenant(context.Background(), tn.ID).AllPosts(); len(posts) != 0 {
		t.Fatalf("a refused form saved a post: %+v", posts)
	}

	// Published now, unpublished tomorrow at 9:00.
	r := b.post(t, host, "/admin/news/new", scheduleWith(base, "unpublish_date", nine.Format("2006-01-02"), "unpublish_time", "09:00"))
	if r.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.status, r.body)
	}
	list := b.get(t, host, "/admin/news")
	m := postIDRE.FindStringSubmatch(list.body)
	if m == nil {
		t.Fatalf("no edit link:\n%s", list.body)
	}
	edit := b.get(t, host, "/admin/news/"+m[1]+"/edit")
	if !strings.Contains(edit.body, `name="unpublish_date" type="date" value="`+nine.Format("2006-01-02")+`"`) ||
		!strings.Contains(edit.body, `name="unpublish_time" type="time" value="09:00"`) {
		t.Errorf("the edit form does not show the unpublish time:\n%s", edit.body)
	}
	if all := b.get(t, host, "/admin/schedule"); !strings.Contains(all.body, "Unpublish the news item Flu clinic on Saturday") {
		t.Errorf("/admin/schedule:\n%s", all.body)
	}
	if r := public.get(t, host, "/news/flu"); r.status != http.StatusOK {
		t.Fatalf("public post: %d", r.status)
	}
	runner, clk := scheduleRunner(s, nine.Add(-time.Minute+time.Second))
	scheduleTick(t, runner)
	if r := public.get(t, host, "/news/flu"); r.status != http.StatusOK {
		t.Errorf("unpublished before its time: %d", r.status)
	}
	clk.Add(time.Minute)
	scheduleTick(t, runner)
	if r := public.get(t, host, "/news/flu"); r.status != http.StatusNotFound {
		t.Errorf("public post after its unpublish time: %d", r.status)
	}
	if !contains(auditActions(t, s, tn), "news.schedule-unpublish") {
		t.Errorf("no audit row: %v", auditActions(t, s, tn))
	}
}

func TestNewsUnpublishAtClearedIsCancelled(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	store := s.db.ForTenant(context.Background(), tn.ID)
	at := time.Now().Add(-time.Hour)
	p, err := store.SavePost(testActor, 0, models.Post{Title: "Flu", BodyMD: "x", PublishedAt: &at})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SetPostUnpublish(models.Actor{Name: "x@example.nhs.uk"}, p.ID, &[]time.Time{time.Now().Add(48 * time.Hour)}[0], time.Now()); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	path := "/admin/news/" + strconv.FormatInt(p.ID, 10) + "/edit"
	tok := b.newsToken(t, host, path)
	l := at.In(hours.Location())
	r := b.post(t, host, path, url.Values{"_csrf": {tok}, "title": {"Flu"}, "body": {"x"}, "date": {l.Format("2006-01-02")}, "time": {l.Format("15:04")}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.status, r.body)
	}
	if pending, _ := store.PendingChanges("", ""); len(pending) != 0 {
		t.Errorf("emptying the unpublish date left %+v", pending)
	}
	if !contains(auditActions(t, s, tn), "news.cancel-unpublish") {
		t.Errorf("no audit row: %v", auditActions(t, s, tn))
	}
}

var scheduleVersionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

// A news form opened before a scheduled unpublish ran cannot put the item
// back on the website by saving: the save is refused and nothing changes.
func TestNewsSaveAfterScheduledUnpublishIsRefused(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	store := s.db.ForTenant(context.Background(), tn.ID)
	now := time.Now()
	at := now.Add(-time.Hour)
	p, err := store.SavePost(testActor, 0, models.Post{Title: "Flu", Slug: "flu", BodyMD: "x", PublishedAt: &at})
	if err != nil {
		t.Fatal(err)
	}
	until := now.Add(time.Hour)
	if _, err := store.SetPostUnpublish(models.Actor{Name: "x@example.nhs.uk"}, p.ID, &until, now); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	path := "/admin/news/" + strconv.FormatInt(p.ID, 10) + "/edit"
	form := b.get(t, host, path)
	v := scheduleVersionRE.FindStringSubmatch(form.body)
	if v == nil {
		t.Fatalf("no version field:\n%s", form.body)
	}
	runner, _ := scheduleRunner(s, until.Add(time.Minute))
	scheduleTick(t, runner)

	l := at.In(hours.Location())
	r := b.post(t, host, path, url.Values{"_csrf": {csrf(t, form.body)}, "version": {v[1]}, "title": {"Flu"}, "slug": {"flu"},
		"body": {"My late edit"}, "date": {l.Format("2006-01-02")}, "time": {l.Format("15:04")}})
	if r.status != http.StatusConflict || !strings.Contains(r.body, "Someone else changed this news item") || !strings.Contains(r.body, "My late edit") {
		t.Errorf("stale save: %d\n%s", r.status, r.body)
	}
	got, err := store.PostByID(p.ID)
	if err != nil || got.PublishedAt != nil || got.BodyMD != "x" {
		t.Errorf("after the refused save: %+v, %v", got, err)
	}
}

func TestScheduleListShowsChangesThatFailed(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	store := s.db.ForTenant(context.Background(), tn.ID)
	now := time.Now()
	at := now.Add(-time.Hour)
	p, err := store.SavePost(testActor, 0, models.Post{Title: "Flu", BodyMD: "x", PublishedAt: &at})
	if err != nil {
		t.Fatal(err)
	}
	until := now.Add(time.Hour)
	// A scheduled publish outlives the post (a delete cancels only its
	// unpublish), and fails when it runs.
	if _, err := store.ScheduleChange(models.ScheduleInput{By: models.Actor{Name: "x@example.nhs.uk"}, Kind: models.ScheduleKindPost,
		Target: strconv.FormatInt(p.ID, 10), Action: models.SchedulePublish, RunAt: until, Now: now}); err != nil {
		t.Fatal(err)
	}
	if err := store.DeletePost(testActor, p.ID); err != nil {
		t.Fatal(err)
	}
	runner, _ := scheduleRunner(s, until.Add(time.Minute))
	if _, err := runner.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn(t, "alpha.localhost", "jane@example.nhs.uk")
	r := b.get(t, "alpha.localhost", "/admin/schedule")
	if !strings.Contains(r.body, "Changes that could not be made") || !strings.Contains(r.body, "It no longer exists.") ||
		!strings.Contains(r.body, "Nothing is scheduled") {
		t.Errorf("/admin/schedule:\n%s", r.body)
	}
}
