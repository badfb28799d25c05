package site

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// GuidePage is one of NHS England's content templates ("Creating a highly
// usable and accessible GP website for patients"): a page every tenant has,
// generated from its and its practices' data like the legal pages, unless
// the manager publishes a page of their own at the same path.
type GuidePage struct {
	Path  string // "/appointments"; the theme page is the path without "/"
	Title string
	// Description is the page's meta description.
	Description string
	// ReviewMonths is how long after the data's last change the page is
	// due for review: 6 for the key pages (patients' top tasks), else 12.
	ReviewMonths int
}

// GuidePages are the generated template pages, in the order the admin
// panel lists them. The sitemap lists them all.
var GuidePages = []GuidePage{
	{"/appointments", "Appointments", "How to make, change or cancel an appointment at each of our practices.", 6},
	{"/prescriptions", "Repeat prescriptions", "How to order a repeat prescription from each of our practices.", 6},
	{"/test-results", "Test results", "How and when to get your test results from each of our practices.", 6},
	{"/fit-notes", "Fit notes (sick notes)", "How to get a fit note (sick note) for work from each of our practices.", 6},
	{"/register", "Register with a GP practice", "How to join one of our practices. You do not need proof of address, ID or immigration status.", 6},
	{"/health-online", "Managing your health online", "The NHS App and each practice's online services.", 6},
	{"/proxy-access", "Acting for someone else", "How to manage GP services for someone else, such as a child or a person you care for.", 12},
	{"/complaints", "Comments and complaints", "How to complain to one of our practices or to the integrated care board.", 12},
	{"/patient-group", "Patient participation group", "How patients help improve our practices' services.", 12},
}

// showGuide renders a generated template page: the manager's own page
// when one is published at its path (as for the legal pages), otherwise
// the page made from the practices' details and the site settings. What
// it says needs no clock, so the page cache keeps it until the next
// change of the tenant's content.
func showGuide(d Deps, g GuidePage) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		switch p, err := r.publishedPage(g.Path); {
		case err == nil:
			return renderCustomPage(c, d, r, p)
		case !errors.Is(err, models.ErrNotFound):
			return err
		}
		practices, err := r.store.Practices()
		if err != nil {
			return err
		}
		view := r.view(g.Title, g.Path)
		view.Description = g.Description
		view.Breadcrumbs = crumbs()
		guide := &themes.Guide{PatientGroup: paragraphs(r.settings.PatientGroup), PatientGroupJoin: paragraphs(r.settings.PatientGroupJoin)}
		if g.Path == "/complaints" {
			// The ICB comes from ODS (the tenant's sub-ICB location); a
			// tenant ODS never placed gets no name.
			t, err := d.DB.TenantByID(c.UserContext(), r.t.ID)
			if err != nil {
				return err
			}
			guide.ICB = t.ICBName()
		}
		view.Guide = guide
		// "Page last reviewed" is when the data the page is made from last
		// changed: a practice's details, or the settings (the network's
		// contact details, the patient group). Nothing known, nothing shown.
		last := r.settings.UpdatedAt
		for _, p := range practices {
			view.Practices = append(view.Practices, guidePractice(p))
			if p.UpdatedAt.After(last) {
				last = p.UpdatedAt
			}
		}
		if !last.IsZero() {
			view.Updated = last
			view.ReviewDue = last.AddDate(0, g.ReviewMonths, 0)
		}
		return render(c, d, r.t, g.Path[1:], view)
	}
}

// guidePractice is a practice as the template pages show it: its name,
// phone, address, website and own links. Nothing about opening now, so
// the pages do not change with the clock.
func guidePractice(p models.Practice) themes.Practice {
	return themes.Practice{
		ODSCode: p.ODSCode, Name: p.Name, URL: "/practices/" + p.ODSCode, Address: p.AddressLines(),
		Phone: p.Phone, PhoneHref: telHref(p.Phone), Website: p.Website,
		AppointmentsURL: p.AppointmentsURL, RegistrationURL: p.RegistrationURL, PrescriptionsURL: p.PrescriptionsURL,
		OnlineConsultationURL: p.OnlineConsultationURL, TestResultsURL: p.TestResultsURL, FitNotesURL: p.FitNotesURL, CharterURL: p.CharterURL,
	}
}

// paragraphs splits text typed in a form into paragraphs at blank lines;
// the lines within a paragraph are joined with a space.
func paragraphs(s string) []string {
	var out []string
	var cur []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			cur = append(cur, l)
			continue
		}
		if len(cur) > 0 {
			out, cur = append(out, strings.Join(cur, " ")), nil
		}
	}
	if len(cur) > 0 {
		out = append(out, strings.Join(cur, " "))
	}
	return out
}
