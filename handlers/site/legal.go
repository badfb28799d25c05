package site

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// showContact renders the network's contact page; a custom page at
// /contact, when the manager wrote one, provides the text under the details.
func showContact(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		view := r.view("Contact us", "/contact")
		view.Description = "How to contact " + r.t.Name + "."
		view.Breadcrumbs = crumbs()
		ct := &themes.Contact{Phone: r.settings.Phone, PhoneHref: telHref(r.settings.Phone), Email: r.settings.Email, Address: lines(r.settings.Address)}
		switch p, err := r.publishedPage("/contact"); {
		case err == nil:
			ct.Body = r.body(p.Revision.BodyHTML)
			view.Updated = p.Revision.CreatedAt
		case !errors.Is(err, models.ErrNotFound):
			return err
		}
		view.Contact = ct
		return render(c, d, r.t, "contact", view)
	}
}

// showLegal renders a legal page: the manager's own version when one is
// published at the path, otherwise the one generated from the tenant's data.
func showLegal(d Deps, name, title string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		path := "/" + name
		switch p, err := r.publishedPage(path); {
		case err == nil:
			return renderCustomPage(c, d, r, p)
		case !errors.Is(err, models.ErrNotFound):
			return err
		}
		s := r.settings
		legal := &themes.Legal{
			Organisation: r.t.Name, Controller: s.DataController, Email: s.Email, Phone: s.Phone,
			Address: lines(s.Address), DPO: s.DPOContact, Compliance: s.AccessibilityStatus,
			KnownIssues: lines(s.AccessibilityIssues), SiteURL: r.site.BaseURL + "/",
		}
		if legal.Controller == "" {
			legal.Controller = r.t.Name
		}
		if s.StatementPrepared != nil {
			legal.Prepared = longDate(*s.StatementPrepared)
		}
		if s.StatementReviewed != nil {
			legal.LastReviewed = longDate(*s.StatementReviewed)
		}
		if legal.Feedback, err = feedbackNotice(r); err != nil {
			return err
		}
		view := r.view(title, path)
		view.Legal = legal
		view.Breadcrumbs = crumbs()
		return render(c, d, r.t, name, view)
	}
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// feedbackNotice is what the privacy notice says about the feedback forms
// switched on; nil when none is.
func feedbackNotice(r *request) (*themes.FeedbackNotice, error) {
	fs, err := r.store.FeedbackSettings()
	if err != nil || !fs.AnyEnabled() {
		return nil, err
	}
	var names []string
	for _, f := range feedbackForms {
		if fs.Enabled(f.name) {
			names = append(names, formNames[f.name])
		}
	}
	forms := names[0]
	if n := len(names); n > 1 {
		forms = strings.Join(names[:n-1], ", ") + " and " + names[n-1]
	}
	retention := strconv.Itoa(fs.RetentionMonths) + " months"
	if fs.RetentionMonths == 1 {
		retention = "1 month"
	}
	return &themes.FeedbackNotice{Forms: forms, Contact: fs.Contact, Retention: retention}, nil
}
