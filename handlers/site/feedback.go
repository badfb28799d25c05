package site

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/handlers/web"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/pagecache"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// Patients' feedback (issue 13): the Friends and Family Test at /feedback,
// the comments form at /feedback/comments and the contact form at
// /feedback/contact, each shown while the tenant's manager has it switched
// on (404 otherwise); a thank-you page after each (POST, redirect, GET);
// and the FFT results at /feedback/results. The defences against forged
// and automated posts are in feedback_guard.go. Responses are stored
// through models.TenantDB.SaveFeedback and, when the manager set an
// address, emailed after they are stored.

// feedbackForm is one of the three forms.
type feedbackForm struct {
	name  string // models.FormFFT, FormComments, FormContact
	path  string
	title string
	intro string
	// The free text's label and hint, and whether it must be filled in.
	textLabel, textHint string
	textRequired        bool
	// services: the form asks which service it is about.
	services bool
}

// feedbackForms are the forms, the Friends and Family Test first.
var feedbackForms = []feedbackForm{
	{
		name: models.FormFFT, path: "/feedback", title: "Friends and Family Test",
		intro:     "Tell us about your experience of our services. It takes about a minute and you do not need to give your name.",
		textLabel: "Tell us why you gave this answer", textHint: "For example, what went well or what we could do better.",
		services: true,
	},
	{
		name: models.FormComments, path: "/feedback/comments", title: "Send us your comments",
		intro:     "Tell us what you think about our services or this website. You do not need to give your name.",
		textLabel: "Your comments", textHint: "We cannot reply to comments sent with this form.", textRequired: true,
		services: true,
	},
	{
		name: models.FormContact, path: "/feedback/contact", title: "Contact the PCN team",
		intro:     "Ask the team that runs this website a question about the network's services or the website. Contact your GP practice about your care.",
		textLabel: "Your message", textHint: "Tell us what your question is about.", textRequired: true,
	},
}

// formNames are the forms as the privacy notice and the email name them.
var formNames = map[string]string{
	models.FormFFT:      "the Friends and Family Test",
	models.FormComments: "the comments form",
	models.FormContact:  "the contact form",
}

// honeypotField is the form field people leave empty (it is visually
// hidden and labelled "Leave this empty"); automated posts fill it in.
const honeypotField = "website"

// noPageCache keeps a page out of the page cache: each render of a form
// carries its own token.
func noPageCache(*fiber.Ctx) (pagecache.Scope, bool) { return pagecache.Scope{}, false }

// feedbackInput is what a post of a form said, as typed.
type feedbackInput struct {
	rating, practice, service string
	text, name, replyTo       string
}

func readFeedbackInput(c *fiber.Ctx) feedbackInput {
	v := func(k string) string { return strings.Clone(c.FormValue(k)) }
	return feedbackInput{rating: v("rating"), practice: v("practice"), service: v("service"),
		text: v("text"), name: v("name"), replyTo: v("reply_to")}
}

// model is the input for models.TenantDB.SaveFeedback: a number that does
// not parse is 0, which the model refuses where an answer is needed.
func (in feedbackInput) model(form string) models.FeedbackInput {
	num := func(s string) int64 {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return 0
		}
		return n
	}
	return models.FeedbackInput{Form: form, Rating: int(min(max(num(in.rating), 0), 100)), PracticeID: num(in.practice),
		ServiceID: num(in.service), Text: in.text, Name: in.name, ReplyTo: in.replyTo}
}

// feedbackState is what a render of a form shows beyond the form itself.
type feedbackState struct {
	in      feedbackInput
	errs    []themes.FieldError
	refused string
	issued  time.Time // the token's issue time
}

// enabledForm reads the tenant's feedback settings; a form switched off is
// ErrNotFound.
func enabledForm(r *request, f feedbackForm) (models.FeedbackSettings, error) {
	s, err := r.store.FeedbackSettings()
	if err != nil {
		return s, err
	}
	if !s.Enabled(f.name) {
		return s, models.ErrNotFound
	}
	return s, nil
}

// showFeedbackForm renders a form with a new token.
func showFeedbackForm(d Deps, g *feedbackGuard, f feedbackForm) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		s, err := enabledForm(r, f)
		if err != nil {
			return err
		}
		return renderFeedbackForm(c, d, g, r, f, s, fiber.StatusOK, feedbackState{issued: d.Now()})
	}
}

// renderFeedbackForm renders the form with a new token issued at st.issued,
// what was typed, and the messages; it is never cached.
func renderFeedbackForm(c *fiber.Ctx, d Deps, g *feedbackGuard, r *request, f feedbackForm, s models.FeedbackSettings, status int, st feedbackState) error {
	token, err := g.issue(c.UserContext(), r.t.ID, f.name, st.issued)
	if err != nil {
		return err
	}
	fb, err := feedbackFrame(r, f, s)
	if err != nil {
		return err
	}
	fb.Action, fb.Intro, fb.Token, fb.Honeypot = f.path, f.intro, token, honeypotField
	fb.TextLabel, fb.TextHint, fb.TextRequired = f.textLabel, f.textHint, f.textRequired
	fb.Text, fb.Name, fb.ReplyTo = st.in.text, st.in.name, st.in.replyTo
	fb.Errors, fb.Refused = st.errs, st.refused
	if f.name == models.FormFFT {
		fb.Question = models.FFTQuestion
		for i, label := range models.FFTAnswers {
			v := strconv.Itoa(i + 1)
			fb.Answers = append(fb.Answers, themes.Choice{Value: v, Label: label, Selected: v == strings.TrimSpace(st.in.rating)})
		}
	}
	fb.Contact = f.name == models.FormContact
	practices, err := r.store.Practices()
	if err != nil {
		return err
	}
	for _, p := range practices {
		v := strconv.FormatInt(p.ID, 10)
		fb.Practices = append(fb.Practices, themes.Choice{Value: v, Label: p.Name, Selected: v == strings.TrimSpace(st.in.practice)})
	}
	if f.services {
		services, err := r.store.Services()
		if err != nil {
			return err
		}
		for _, sv := range services {
			v := strconv.FormatInt(sv.ID, 10)
			fb.Services = append(fb.Services, themes.Choice{Value: v, Label: sv.Name, Selected: v == strings.TrimSpace(st.in.service)})
		}
	}
	title := f.title
	if len(st.errs) > 0 || st.refused != "" {
		title = "Error: " + title // GOV.UK: the page title says there is a problem
	}
	view := r.view(title, f.path)
	view.Title = f.title
	view.NoIndex = len(st.errs) > 0 || st.refused != ""
	view.Description = f.intro
	view.Breadcrumbs = crumbs()
	view.Feedback = fb
	c.Set(fiber.HeaderCacheControl, "no-store")
	pagecache.NoStore(c)
	c.Status(status)
	return render(c, d, r.t, "feedback", view)
}

// feedbackFrame is what every feedback page shows: where to get medical
// help instead, the other forms switched on and the FFT results.
func feedbackFrame(r *request, f feedbackForm, s models.FeedbackSettings) (*themes.Feedback, error) {
	fb := &themes.Feedback{Form: f.name}
	practices, err := r.store.Practices()
	if err != nil {
		return nil, err
	}
	for _, p := range practices {
		fb.Help = append(fb.Help, themes.HelpLink{Name: p.Name, OnlineURL: p.OnlineConsultationURL,
			Phone: p.Phone, PhoneHref: telHref(p.Phone), URL: "/practices/" + p.ODSCode})
	}
	for _, o := range feedbackForms {
		if o.name != f.name && s.Enabled(o.name) {
			fb.Others = append(fb.Others, themes.NavLink{Title: o.title, URL: o.path})
		}
	}
	if s.FFT {
		fb.ResultsURL = "/feedback/results"
	}
	return fb, nil
}

// postFeedback receives a form. In order: the form must be on; the post
// must come from a page of this host (else 403); the address must be
// within the rate limit (else 429 saying when to try again); the token
// must be ours, for this form, neither too new nor too old, the honeypot
// empty and the token not used before (else the form again, with what was
// typed, a new token and a message); then the fields are checked and the
// response stored (else the form again with the messages next to the
// fields). Nothing is stored unless everything passed. After the response
// is stored it is emailed (in the background) and the patient is
// redirected to the thank-you page.
func postFeedback(d Deps, g *feedbackGuard, f feedbackForm) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		r, err := load(c, d)
		if err != nil {
			return err
		}
		pagecache.NoStore(c)
		s, err := enabledForm(r, f)
		if err != nil {
			return err
		}
		if !sameOrigin(c) {
			return fiber.NewError(fiber.StatusForbidden, "This form can only be sent from this website.")
		}
		now := d.Now()
		ok, resets, err := g.allow(ctx, r.t.ID, c.IP(), now)
		if err != nil {
			return err
		}
		if !ok {
			return renderFeedbackLimit(c, d, r, f, s, now, resets)
		}
		in := readFeedbackInput(c)
		st := feedbackState{in: in, issued: now}
		tok, err := g.verify(ctx, c.FormValue("token"), r.t.ID, f.name, now)
		switch {
		case errors.Is(err, errTokenTooFast):
			st.issued = tok.Issued // the same form again: in a few seconds it may be sent
			st.refused = "This form was sent too quickly. Check your answers and send it again."
		case errors.Is(err, errTokenExpired):
			st.refused = "This form was open for more than 2 hours. Check your answers and send it again."
		case err != nil && errors.Is(err, errTokenForged):
			st.refused = "We could not check that this form came from this website. Check your answers and send it again."
		case err != nil:
			return err
		case c.FormValue(honeypotField) != "":
			st.issued = tok.Issued
			st.refused = "Leave the last box empty, then send the form again."
		}
		if st.refused == "" {
			switch err := g.use(ctx, tok, now); {
			case errors.Is(err, errTokenReplay):
				st.refused = "This form has already been sent. To send more, fill in the form again."
			case err != nil:
				return err
			}
			st.issued = tok.Issued
		}
		if st.refused != "" {
			d.Logger.InfoContext(ctx, "feedback post refused", "request_id", web.RequestID(c), "tenant_id", r.t.ID, "form", f.name, "reason", st.refused)
			return renderFeedbackForm(c, d, g, r, f, s, fiber.StatusBadRequest, st)
		}
		resp, err := r.store.SaveFeedback(in.model(f.name), now)
		var ve *models.ValidationError
		switch {
		case errors.As(err, &ve):
			st.errs = []themes.FieldError{{Field: ve.Field, Message: sentence(ve.Message)}}
			return renderFeedbackForm(c, d, g, r, f, s, fiber.StatusUnprocessableEntity, st)
		case err != nil:
			return err
		}
		if s.NotifyEmail != "" && d.Mailer != nil {
			subject, body := feedbackEmail(r.t, r.site.BaseURL, resp, practiceName(r, resp.PracticeID))
			go notifyFeedback(d, r.t.ID, resp.ID, s.NotifyEmail, subject, body)
		}
		return redirect.To(c, f.path+"/thanks", fiber.StatusSeeOther)
	}
}

// renderFeedbackLimit answers a post over the rate limit: 429, with when
// the limit resets (Retry-After and the page).
func renderFeedbackLimit(c *fiber.Ctx, d Deps, r *request, f feedbackForm, s models.FeedbackSettings, now, resets time.Time) error {
	fb, err := feedbackFrame(r, f, s)
	if err != nil {
		return err
	}
	fb.Limited, fb.RetryAt = true, clockText(resets.Add(time.Minute-1).Truncate(time.Minute))
	if !sameDay(now, resets) {
		fb.RetryAt += " tomorrow"
	}
	view := r.view("Please try again later", f.path)
	view.NoIndex = true
	view.Breadcrumbs = crumbs()
	view.Feedback = fb
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(1, int(resets.Sub(now).Seconds()+0.999))))
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Status(fiber.StatusTooManyRequests)
	return render(c, d, r.t, "feedback", view)
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.In(london).Date()
	by, bm, bd := b.In(london).Date()
	return ay == by && am == bm && ad == bd
}

// sentence starts a model's message with a capital letter.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// showFeedbackThanks is the page after a form was received.
func showFeedbackThanks(d Deps, f feedbackForm) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		s, err := enabledForm(r, f)
		if err != nil {
			return err
		}
		fb, err := feedbackFrame(r, f, s)
		if err != nil {
			return err
		}
		fb.Thanks = true
		title := "Thank you for your feedback"
		if f.name == models.FormContact {
			title = "Thank you for your message"
		}
		view := r.view(title, f.path+"/thanks")
		view.NoIndex = true
		view.Breadcrumbs = crumbs(themes.NavLink{Title: f.title, URL: f.path})
		view.Feedback = fb
		return render(c, d, r.t, "feedback", view)
	}
}

// showFFTResults publishes the Friends and Family Test results of the
// complete months; the store records that they change when this month
// ends, so the cached page expires then.
func showFFTResults(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		if _, err := enabledForm(r, feedbackForms[0]); err != nil {
			return err
		}
		months, err := r.store.FFTResults(d.Now())
		if err != nil {
			return err
		}
		res := &themes.FFTResults{Question: models.FFTQuestion, Answers: models.FFTAnswers[:]}
		for _, m := range months {
			row := themes.FFTResultRow{Name: "All practices", Counts: m.Counts[:], Total: m.Total, GoodShare: percent(m.GoodShare, m.Total)}
			if m.PracticeID != nil {
				row.Name = m.PracticeName
			}
			label := m.Month.In(london).Format("January 2006")
			if n := len(res.Months); n == 0 || res.Months[n-1].Month != label {
				res.Months = append(res.Months, themes.FFTResultMonth{Month: label})
			}
			last := &res.Months[len(res.Months)-1]
			last.Rows = append(last.Rows, row)
		}
		view := r.view("Friends and Family Test results", "/feedback/results")
		view.Description = "How patients answered the Friends and Family Test each month."
		view.Breadcrumbs = crumbs(themes.NavLink{Title: feedbackForms[0].title, URL: feedbackForms[0].path})
		view.FFTResults = res
		return render(c, d, r.t, "feedback-results", view)
	}
}

// percent is a share as a whole percentage ("75%"), "No answers" without
// any.
func percent(share float64, total int) string {
	if total == 0 {
		return "No answers"
	}
	return strconv.Itoa(int(share*100+0.5)) + "%"
}

// notifyTimeout bounds sending one notification.
const notifyTimeout = 30 * time.Second

// notifyFeedback emails a stored response to the manager's address. It
// runs after the response is stored, without holding up the patient's
// answer; a failure is logged (the response is in the admin whatever happens).
func notifyFeedback(d Deps, tenantID, responseID int64, to, subject, body string) {
	ctx, cancel := context.WithTimeout(context.Background(), notifyTimeout)
	defer cancel()
	if err := d.Mailer.Send(ctx, to, subject, body); err != nil {
		d.Logger.ErrorContext(ctx, "email new feedback", "tenant_id", tenantID, "feedback_id", responseID, "error", err)
	}
}

// practiceName is the name of the practice with id, "" for none.
func practiceName(r *request, id *int64) string {
	if id == nil {
		return ""
	}
	p, err := r.store.PracticeByID(*id)
	if err != nil {
		return ""
	}
	return p.Name
}

// feedbackEmail is the notification of one response: which form of which
// website it came from, the answer, the practice, what was written and,
// for the contact form, who to reply to.
func feedbackEmail(t *tenants.Tenant, baseURL string, resp models.FeedbackResponse, practice string) (string, string) {
	subject := "New feedback from the " + t.Name + " website"
	if resp.Form == models.FormContact {
		subject = "New message from the " + t.Name + " website"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Someone sent this with %s on the %s website (%s) on %s.\n\n", formNames[resp.Form], t.Name, baseURL, longDate(resp.CreatedAt)+" at "+clockText(resp.CreatedAt))
	if resp.Rating > 0 {
		fmt.Fprintf(&b, "%s\nAnswer: %s\n\n", models.FFTQuestion, resp.RatingLabel())
	}
	if practice != "" {
		fmt.Fprintf(&b, "About: %s\n\n", practice)
	}
	if resp.Form == models.FormContact {
		fmt.Fprintf(&b, "Name: %s\nReply to: %s\n\n", resp.Name, resp.ReplyTo)
	}
	if resp.Text != "" {
		fmt.Fprintf(&b, "What they wrote:\n%s\n\n", resp.Text)
	}
	fmt.Fprintf(&b, "Read every response in the admin panel: %s%s/feedback\n", baseURL, tenants.AdminPath)
	b.WriteString("The website does not know who sent this unless they said. Do not reply with medical advice by email.\n")
	return subject, b.String()
}
