package site_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/handlers"
	"github.com/pcnweb/pcnweb/handlers/site"
	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/internal/webtest"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// sentMail is one email a test mailer was asked to send.
type sentMail struct{ to, subject, body string }

// recordingMailer keeps what it is asked to send.
type recordingMailer struct {
	mu   sync.Mutex
	sent []sentMail
	got  chan struct{}
}

func newRecordingMailer() *recordingMailer { return &recordingMailer{got: make(chan struct{}, 16)} }

func (m *recordingMailer) Send(_ context.Context, to, subject, body string) error {
	m.mu.Lock()
	m.sent = append(m.sent, sentMail{to, subject, body})
	m.mu.Unlock()
	m.got <- struct{}{}
	return nil
}

// feedbackApp is one replica of the public listener for the feedback
// tests: its own app on a shared database and Redis, with an injected
// clock and a mailer.
type feedbackApp struct {
	app *fiber.App
	db  *models.DB
}

// feedbackReplicas starts n replicas on one new database and one Redis
// prefix, as serve would run them side by side.
func feedbackReplicas(t *testing.T, n int, now func() time.Time, mailer *recordingMailer) []feedbackApp {
	t.Helper()
	dbURL := modelstest.NewURL(t)
	redisURL, prefix := testenv.Redis(t)
	var out []feedbackApp
	for range n {
		svc := webtest.Start(t, webtest.Options{DB: modelstest.Open(t, dbURL), RedisURL: redisURL, Prefix: prefix, FailFast: true, Now: now})
		sd := svc.Site()
		sd.Now = now
		sd.Contacts = site.NewContactCards(svc.Monitor, svc.Prefix, svc.Logger) // and so the feedback guard's Redis
		if mailer != nil {
			sd.Mailer = mailer
		}
		out = append(out, feedbackApp{app: handlers.New(handlers.Deps{Site: sd}), db: svc.DB})
	}
	return out
}

func (a feedbackApp) do(t *testing.T, req *http.Request) result {
	t.Helper()
	resp, err := a.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return result{resp.StatusCode, resp.Header, string(b)}
}

func (a feedbackApp) get(t *testing.T, host, path string) result {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Host = host
	return a.do(t, req)
}

// post sends form to path as a browser on host would (Origin set); extra
// headers replace it ("Origin", "" removes it).
func (a feedbackApp) post(t *testing.T, host, path string, form url.Values, headers ...string) result {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Host = host
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://"+host)
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	return a.do(t, req)
}

var tokenRe = regexp.MustCompile(`name="token" value="([^"]+)"`)

// formToken renders the form at path and returns its token.
func (a feedbackApp) formToken(t *testing.T, host, path string) string {
	t.Helper()
	r := a.get(t, host, path)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d", path, r.status)
	}
	m := tokenRe.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("GET %s: no token in the form", path)
	}
	return m[1]
}

// responses lists every stored response of the tenant.
func responses(t *testing.T, db *models.DB, tenantID int64) []models.FeedbackResponse {
	t.Helper()
	rs, _, err := db.ForTenant(context.Background(), tenantID).FeedbackResponses(models.FeedbackFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func fft(token, rating, text string) url.Values {
	return url.Values{"token": {token}, "rating": {rating}, "text": {text}, "website": {""}}
}

// TestFeedbackPostedThroughOneReplicaIsStoredForEvery: the FFT form is never
// cached; a good post through replica 1 is stored, redirected to the thank-
// you page and emailed to the manager's address; replica 2 reads it and
// accepts replica 1's tokens (one signing key) but not the same token twice
// (the used nonce is in Redis).
func TestFeedbackPostedThroughOneReplicaIsStoredForEvery(t *testing.T) {
	clk := &clock{t: london("2026-05-12 10:00")}
	mailer := newRecordingMailer()
	apps := feedbackReplicas(t, 2, clk.now, mailer)
	one, two := apps[0], apps[1]
	ctx := context.Background()
	tn := modelstest.Tenant(t, one.db, "alpha")
	store := one.db.ForTenant(ctx, tn.ID)
	p, err := store.SavePractice(testActor, 0, 0, models.Practice{ODSCode: "Y99001", Name: "Fivefields Surgery", Phone: "0113 496 0001",
		OnlineConsultationURL: "https://fivefields.example/ask"})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SaveFeedbackSettings(testActor, models.FeedbackSettings{FFT: true, RetentionMonths: 12, NotifyEmail: "manager@example.nhs.uk"}); err != nil {
		t.Fatal(err)
	}
	host := "alpha.localhost"

	form := one.get(t, host, "/feedback")
	if form.status != 200 || !strings.Contains(form.header.Get("Cache-Status"), "bypass") || form.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("form: %d, Cache-Status %q, Cache-Control %q", form.status, form.header.Get("Cache-Status"), form.header.Get("Cache-Control"))
	}
	for _, want := range []string{models.FFTQuestion, "Neither good nor poor", "Don&#39;t know", "This form is not for medical help",
		`href="https://fivefields.example/ask"`, "111.nhs.uk", "999", `href="/feedback/results"`, "Leave this empty"} {
		if !strings.Contains(form.body, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	if again := one.formToken(t, host, "/feedback"); strings.Contains(form.body, again) {
		t.Error("two renders of the form carry the same token")
	}
	if len(form.header.Values("Set-Cookie")) != 0 {
		t.Errorf("the form sets a cookie: %q", form.header.Values("Set-Cookie"))
	}

	token := tokenRe.FindStringSubmatch(form.body)[1]
	clk.set(clk.now().Add(20 * time.Second))
	in := fft(token, "2", "Kind reception staff")
	in.Set("practice", itoa(p.ID))
	res := one.post(t, host, "/feedback", in)
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/feedback/thanks" {
		t.Fatalf("good post: %d %q %s", res.status, res.header.Get("Location"), res.body)
	}
	thanks := one.get(t, host, "/feedback/thanks")
	if thanks.status != 200 || !strings.Contains(thanks.body, "Thank you for your feedback") {
		t.Errorf("thank-you page: %d", thanks.status)
	}
	rs := responses(t, two.db, tn.ID) // read through replica 2
	if len(rs) != 1 || rs[0].Rating != models.RatingGood || rs[0].Text != "Kind reception staff" || rs[0].PracticeID == nil || *rs[0].PracticeID != p.ID {
		t.Fatalf("stored: %+v", rs)
	}
	select {
	case <-mailer.got:
	case <-time.After(10 * time.Second):
		t.Fatal("no email about the new response")
	}
	mailer.mu.Lock()
	m := mailer.sent[0]
	mailer.mu.Unlock()
	if m.to != "manager@example.nhs.uk" || !strings.Contains(m.body, "Kind reception staff") || !strings.Contains(m.body, "Answer: Good") ||
		!strings.Contains(m.body, "Fivefields Surgery") || !strings.Contains(m.body, "website") {
		t.Errorf("email: %+v", m)
	}

	// The same token again, through the other replica: refused.
	res = two.post(t, host, "/feedback", fft(token, "1", "again"))
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "already been sent") {
		t.Errorf("replay through replica 2: %d", res.status)
	}
	// A token replica 1 rendered is good at replica 2.
	token = one.formToken(t, host, "/feedback")
	clk.set(clk.now().Add(20 * time.Second))
	if res := two.post(t, host, "/feedback", fft(token, "6", "")); res.status != http.StatusSeeOther {
		t.Errorf("replica 1's token at replica 2: %d %s", res.status, res.body)
	}
	if rs := responses(t, one.db, tn.ID); len(rs) != 2 || rs[0].Rating != models.RatingDontKnow {
		t.Errorf("after the second post: %+v", rs)
	}
}

// TestFeedbackRefusals: forged, another tenant's or another form's,
// replayed, too fast, too old, from another site, with the honeypot filled
// or with a field wrong: each post is refused and nothing is stored.
func TestFeedbackRefusals(t *testing.T) {
	clk := &clock{t: london("2026-05-12 10:00")}
	app := feedbackReplicas(t, 1, clk.now, nil)[0]
	ctx := context.Background()
	alpha := modelstest.Tenant(t, app.db, "alpha")
	beta := modelstest.Tenant(t, app.db, "beta")
	if err := app.db.ForTenant(ctx, alpha.ID).SaveFeedbackSettings(testActor, models.FeedbackSettings{FFT: true, Comments: true, RetentionMonths: 12}); err != nil {
		t.Fatal(err)
	}
	foreign, err := app.db.ForTenant(ctx, beta.ID).SavePractice(testActor, 0, 0, models.Practice{ODSCode: "Y99002", Name: "Elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	host := "alpha.localhost"
	fresh := func() string {
		t.Helper()
		tok := app.formToken(t, host, "/feedback")
		clk.set(clk.now().Add(10 * time.Second))
		return tok
	}
	used := fresh()
	if res := app.post(t, host, "/feedback", fft(used, "1", "")); res.status != http.StatusSeeOther {
		t.Fatalf("first post: %d", res.status)
	}
	forged := func(tok string) string { return tok[:len(tok)-2] + map[bool]string{true: "AA", false: "BB"}[!strings.HasSuffix(tok, "AA")] }

	for _, tt := range []struct {
		name    string
		path    string
		form    func() url.Values
		headers []string
		status  int
		says    string
	}{
		{"forged signature", "/feedback", func() url.Values { return fft(forged(fresh()), "1", "x") }, nil, 400, "could not check"},
		{"no token", "/feedback", func() url.Values { return fft("", "1", "x") }, nil, 400, "could not check"},
		{"another tenant's token", "/feedback", func() url.Values {
			tok := app.formToken(t, "beta.localhost", "/feedback")
			clk.set(clk.now().Add(10 * time.Second))
			return fft(tok, "1", "x")
		}, nil, 400, "could not check"},
		{"another form's token", "/feedback", func() url.Values {
			tok := app.formToken(t, host, "/feedback/comments")
			clk.set(clk.now().Add(10 * time.Second))
			return fft(tok, "1", "x")
		}, nil, 400, "could not check"},
		{"replayed token", "/feedback", func() url.Values { return fft(used, "1", "x") }, nil, 400, "already been sent"},
		{"too fast", "/feedback", func() url.Values { return fft(app.formToken(t, host, "/feedback"), "1", "x") }, nil, 400, "sent too quickly"},
		{"too old", "/feedback", func() url.Values {
			tok := fresh()
			clk.set(clk.now().Add(2*time.Hour + time.Minute))
			return fft(tok, "1", "x")
		}, nil, 400, "more than 2 hours"},
		{"another site's Origin", "/feedback", func() url.Values { return fft(fresh(), "1", "x") }, []string{"Origin", "https://evil.example"}, 403, ""},
		{"no Origin or Referer", "/feedback", func() url.Values { return fft(fresh(), "1", "x") }, []string{"Origin", ""}, 403, ""},
		{"honeypot filled", "/feedback", func() url.Values {
			v := fft(fresh(), "1", "x")
			v.Set("website", "https://spam.example")
			return v
		}, nil, 400, "Leave the last box empty"},
		{"no answer", "/feedback", func() url.Values { return fft(fresh(), "", "typed text kept") }, nil, 422, `href="#rating"`},
		{"answer out of range", "/feedback", func() url.Values { return fft(fresh(), "9", "x") }, nil, 422, `href="#rating"`},
		{"another tenant's practice", "/feedback", func() url.Values {
			v := fft(fresh(), "1", "x")
			v.Set("practice", itoa(foreign.ID))
			return v
		}, nil, 422, `href="#practice"`},
		{"text too long", "/feedback", func() url.Values { return fft(fresh(), "1", strings.Repeat("a", 2001)) }, nil, 422, `href="#text"`},
		{"empty comment", "/feedback/comments", func() url.Values {
			tok := app.formToken(t, host, "/feedback/comments")
			clk.set(clk.now().Add(10 * time.Second))
			return url.Values{"token": {tok}, "text": {" "}}
		}, nil, 422, `href="#text"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// A new rate-limit window for each case: the limit is tested on its own.
			clk.set(clk.now().Add(11 * time.Minute))
			form := tt.form()
			res := app.post(t, host, tt.path, form, tt.headers...)
			if res.status != tt.status || !strings.Contains(res.body, tt.says) {
				t.Errorf("%d, want %d saying %q: %s", res.status, tt.status, tt.says, res.body)
			}
			if n := len(responses(t, app.db, alpha.ID)); n != 1 {
				t.Errorf("%d responses stored, want only the first", n)
			}
			if res.status == 400 || res.status == 422 {
				if !strings.Contains(res.body, "There is a problem") || !tokenRe.MatchString(res.body) {
					t.Error("the form is not shown again with the problem and a new token")
				}
				if text := form.Get("text"); text != "" && len(text) < 100 && !strings.Contains(res.body, text) {
					t.Error("what was typed is lost")
				}
			}
		})
	}
	if n := len(responses(t, app.db, beta.ID)); n != 0 {
		t.Errorf("beta has %d responses", n)
	}
}

// TestFeedbackFixAfterRefusal: a patient who fixes a field a second after
// the form came back is not "too fast": the new form keeps the first
// render's time.
func TestFeedbackFixAfterRefusal(t *testing.T) {
	clk := &clock{t: london("2026-05-12 10:00")}
	app := feedbackReplicas(t, 1, clk.now, nil)[0]
	tn := modelstest.Tenant(t, app.db, "alpha")
	host := "alpha.localhost"
	tok := app.formToken(t, host, "/feedback")
	clk.set(clk.now().Add(30 * time.Second))
	res := app.post(t, host, "/feedback", fft(tok, "", "no answer chosen"))
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("no answer: %d", res.status)
	}
	clk.set(clk.now().Add(time.Second))
	res = app.post(t, host, "/feedback", fft(tokenRe.FindStringSubmatch(res.body)[1], "3", "no answer chosen"))
	if res.status != http.StatusSeeOther {
		t.Fatalf("fixed a second later: %d %s", res.status, res.body)
	}
	if rs := responses(t, app.db, tn.ID); len(rs) != 1 || rs[0].Rating != models.RatingNeither {
		t.Errorf("stored %+v", rs)
	}
}

// TestFeedbackRateLimitSharedByReplicas: the sixth post in ten minutes from
// one address to one tenant is refused with 429 and when to try again,
// whichever replica the posts went to; another tenant is counted apart.
func TestFeedbackRateLimitSharedByReplicas(t *testing.T) {
	clk := &clock{t: london("2026-05-12 10:00")}
	apps := feedbackReplicas(t, 2, clk.now, nil)
	alpha := modelstest.Tenant(t, apps[0].db, "alpha")
	beta := modelstest.Tenant(t, apps[0].db, "beta")
	post := func(app feedbackApp, host string) result {
		t.Helper()
		tok := app.formToken(t, host, "/feedback")
		clk.set(clk.now().Add(5 * time.Second))
		return app.post(t, host, "/feedback", fft(tok, "1", ""))
	}
	for i := range 5 {
		if res := post(apps[i%2], "alpha.localhost"); res.status != http.StatusSeeOther {
			t.Fatalf("post %d: %d", i+1, res.status)
		}
	}
	res := post(apps[1], "alpha.localhost")
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" || !strings.Contains(res.body, "Please try again after 10:10am") {
		t.Fatalf("sixth post: %d, Retry-After %q: %s", res.status, res.header.Get("Retry-After"), res.body)
	}
	if n := len(responses(t, apps[0].db, alpha.ID)); n != 5 {
		t.Errorf("%d responses stored, want 5", n)
	}
	if res := post(apps[0], "beta.localhost"); res.status != http.StatusSeeOther {
		t.Errorf("another tenant: %d", res.status)
	}
	clk.set(london("2026-05-12 10:10").Add(time.Second))
	if res := post(apps[0], "alpha.localhost"); res.status != http.StatusSeeOther {
		t.Errorf("after the window: %d", res.status)
	}
	if n := len(responses(t, apps[0].db, beta.ID)); n != 1 {
		t.Errorf("beta: %d responses", n)
	}
}

// TestFeedbackFormsFollowSettings: the comments and contact forms (and
// their thank-you pages) are 404 until switched on, the FFT form and its
// results 404 once switched off; the footer links to the first form on and
// the privacy notice describes the forms on and how long text is kept.
func TestFeedbackFormsFollowSettings(t *testing.T) {
	clk := &clock{t: london("2026-05-12 10:00")}
	app := feedbackReplicas(t, 1, clk.now, nil)[0]
	tn := modelstest.Tenant(t, app.db, "alpha")
	store := app.db.ForTenant(context.Background(), tn.ID)
	host := "alpha.localhost"
	status := func(path string) int { t.Helper(); return app.get(t, host, path).status }

	for path, want := range map[string]int{"/feedback": 200, "/feedback/results": 200, "/feedback/thanks": 200,
		"/feedback/comments": 404, "/feedback/comments/thanks": 404, "/feedback/contact": 404} {
		if got := status(path); got != want {
			t.Errorf("defaults: %s %d, want %d", path, got, want)
		}
	}
	if res := app.post(t, host, "/feedback/contact", url.Values{"text": {"hi"}}); res.status != 404 {
		t.Errorf("POST to a form that is off: %d", res.status)
	}
	home := app.get(t, host, "/")
	if !strings.Contains(home.body, `href="/feedback"`) {
		t.Error("the footer does not link to the FFT")
	}
	privacy := app.get(t, host, "/privacy")
	if !strings.Contains(privacy.body, "using the Friends and Family Test.") || !strings.Contains(privacy.body, "12 months after") ||
		!strings.Contains(privacy.body, "We do not keep your IP address") || strings.Contains(privacy.body, "your name and email address") {
		t.Errorf("privacy notice with the FFT on:\n%s", privacy.body)
	}

	if err := store.SaveFeedbackSettings(testActor, models.FeedbackSettings{Comments: true, Contact: true, RetentionMonths: 6}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{"/feedback": 404, "/feedback/results": 404, "/feedback/thanks": 404,
		"/feedback/comments": 200, "/feedback/contact": 200, "/feedback/contact/thanks": 200} {
		if got := status(path); got != want {
			t.Errorf("FFT off, others on: %s %d, want %d", path, got, want)
		}
	}
	contact := app.get(t, host, "/feedback/contact")
	for _, want := range []string{"Contact the PCN team", `id="name"`, `id="reply_to"`, "This form is not for medical help", `href="/feedback/comments"`} {
		if !strings.Contains(contact.body, want) {
			t.Errorf("contact form lacks %q", want)
		}
	}
	if strings.Contains(contact.body, `href="/feedback/results"`) {
		t.Error("the FFT results are linked while the FFT is off")
	}
	if home := app.get(t, host, "/"); !strings.Contains(home.body, `href="/feedback/comments"`) {
		t.Error("the footer does not link to the comments form")
	}
	privacy = app.get(t, host, "/privacy")
	if !strings.Contains(privacy.body, "using the comments form and the contact form.") || !strings.Contains(privacy.body, "6 months after") ||
		!strings.Contains(privacy.body, "your name and email address") {
		t.Errorf("privacy notice with comments and contact on:\n%s", privacy.body)
	}

	tok := app.formToken(t, host, "/feedback/contact")
	clk.set(clk.now().Add(10 * time.Second))
	res := app.post(t, host, "/feedback/contact", url.Values{"token": {tok}, "name": {"Ann Smith"}, "reply_to": {"ann@example.com"}, "text": {"Is there parking?"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/feedback/contact/thanks" {
		t.Fatalf("contact post: %d %s", res.status, res.body)
	}
	if rs := responses(t, app.db, tn.ID); len(rs) != 1 || rs[0].Form != models.FormContact || rs[0].Name != "Ann Smith" || rs[0].ReplyTo != "ann@example.com" {
		t.Errorf("stored %+v", rs)
	}
}

// TestFFTResultsPageMatchesStoredAnswers: the results page counts the
// stored answers of each complete London month, per practice chosen, shows
// no free text, is cached, and changes when the month ends.
func TestFFTResultsPageMatchesStoredAnswers(t *testing.T) {
	clk := &clock{t: london("2026-05-31 23:00")}
	app := feedbackReplicas(t, 1, clk.now, nil)[0]
	tn := modelstest.Tenant(t, app.db, "alpha")
	store := app.db.ForTenant(context.Background(), tn.ID)
	p, err := store.SavePractice(testActor, 0, 0, models.Practice{ODSCode: "Y99001", Name: "Fivefields Surgery"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		rating   int
		practice int64
		at       string
	}{
		{models.RatingVeryGood, p.ID, "2026-04-01 00:30"},
		{models.RatingGood, 0, "2026-04-15 12:00"},
		{models.RatingPoor, p.ID, "2026-04-30 23:30"},
		{models.RatingDontKnow, 0, "2026-04-20 09:00"},
		{models.RatingVeryPoor, 0, "2026-05-02 09:00"}, // this month: not yet
	} {
		if _, err := store.SaveFeedback(models.FeedbackInput{Form: models.FormFFT, Rating: r.rating, PracticeID: r.practice, Text: "private words"}, london(r.at)); err != nil {
			t.Fatal(err)
		}
	}
	page := app.get(t, host(tn), "/feedback/results")
	if page.status != 200 {
		t.Fatalf("results: %d", page.status)
	}
	tables := regexp.MustCompile(`(?s)<caption[^>]*>(.*?)</caption>`).FindAllStringSubmatch(page.body, -1)
	if len(tables) != 1 || strings.TrimSpace(tables[0][1]) != "April 2026" {
		t.Fatalf("tables: %q", tables)
	}
	rows := resultRows(page.body)
	want := [][]string{
		{"All practices", "1", "1", "0", "1", "0", "1", "4", "50%"},
		{"Fivefields Surgery", "1", "0", "0", "1", "0", "0", "2", "50%"},
	}
	if strings.Join(flatten(rows), "|") != strings.Join(flatten(want), "|") {
		t.Errorf("rows %q, want %q", rows, want)
	}
	if strings.Contains(page.body, "private words") {
		t.Error("the results show free text")
	}
	if again := app.get(t, host(tn), "/feedback/results"); !strings.HasSuffix(again.header.Get("Cache-Status"), "hit") {
		t.Errorf("second view: Cache-Status %q", again.header.Get("Cache-Status"))
	}
	// An hour later it is June in London: May's answer is published.
	clk.set(london("2026-06-01 00:00").Add(time.Minute))
	page = app.get(t, host(tn), "/feedback/results")
	if strings.HasSuffix(page.header.Get("Cache-Status"), "hit") || !strings.Contains(page.body, "May 2026") {
		t.Errorf("after the month ended: Cache-Status %q, May shown %v", page.header.Get("Cache-Status"), strings.Contains(page.body, "May 2026"))
	}
}

func host(tn models.Tenant) string { return tn.Slug + ".localhost" }

var rowRe = regexp.MustCompile(`(?s)<tr class="nhsuk-table__row">(.*?)</tr>`)
var cellRe = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)

// resultRows are the cells of each body row of the results tables.
func resultRows(body string) [][]string {
	var out [][]string
	for _, r := range rowRe.FindAllStringSubmatch(body, -1) {
		var cells []string
		for _, c := range cellRe.FindAllStringSubmatch(r[1], -1) {
			cells = append(cells, strings.TrimSpace(c[1]))
		}
		out = append(out, cells)
	}
	return out
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r, ","))
	}
	return out
}
